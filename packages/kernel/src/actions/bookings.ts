import { Type } from 'typebox';
import { inAudience } from '../constitution';
import { own } from '../dict';
import { DomainError } from '../errors';
import type { DomainEvent } from '../events';
import { IdSchema, objectSchema, text } from '../input';
import { amountText, formatAmount } from '../resources/amount';
import { checkTime, requirePool } from '../resources/check';
import { balancesAfter, memberAccount } from '../resources/ledger';
import type { Booking, Pool } from '../resources/types';
import type { CommonsState } from '../types';
import type { ActionDefinition } from './definition';

const MINUTE = 60_000;
const DAY = 86_400_000;

/** What a booking of `minutes` costs at `perHour` minor units an hour, rounded up to a whole minor unit. */
export function bookingCost(perHour: string, minutes: number): bigint {
  return (BigInt(perHour) * BigInt(minutes) + 59n) / 60n;
}

function bookable(state: CommonsState | undefined, poolId: unknown): Pool {
  const pool = requirePool(state, poolId);
  if (!pool.usage)
    throw new DomainError('invalid_action', `"${pool.name}" is a pool of ${pool.kind}: it is not booked.`, {
      poolId: pool.id,
    });
  return pool;
}

/** The active booking that overlaps [from, until) in this pool, if any (intervals half-open: back to back is fine). */
export function overlapping(pool: Pool, from: string, until: string): Booking | undefined {
  for (const id of Object.keys(pool.bookings)) {
    const b = pool.bookings[id]!;
    if (b.status === 'active' && b.from < until && from < b.until) return b;
  }
  return undefined;
}

/**
 * Book a thing or space for a member, under its usage rules: who may book, how far ahead, how long, what it costs
 * (paid from the booker's account in the cost pool). No two active bookings of one pool overlap: checked against the
 * state in the commons' serialised write path when the proposal opens and again when it is carried out.
 */
export const book = {
  kind: 'book',
  label: 'Book a thing or space',
  input: objectSchema({
    kind: Type.Literal('book'),
    poolId: IdSchema,
    bookingId: IdSchema,
    accountId: IdSchema,
    from: Type.String({ maxLength: 40, description: 'ISO 8601 date and time' }),
    until: Type.String({ maxLength: 40, description: 'ISO 8601 date and time' }),
  }),
  check(core, action, now, state) {
    const pool = bookable(state, action.poolId);
    const usage = pool.usage!;
    const bookingId = text('id', action.bookingId);
    if (own(pool.bookings, bookingId))
      throw new DomainError('invalid_booking', `There is already a booking "${bookingId}".`, { bookingId });
    const m = own(core.members, action.accountId);
    if (!m || m.status !== 'member')
      throw new DomainError('member_not_found', 'A booking is for a current member.', {
        accountId: action.accountId,
      });
    if (!inAudience(core, usage.who, m.accountId, now ?? ''))
      throw new DomainError(
        'not_allowed_to_book',
        `The usage rules of "${pool.name}" do not let ${m.displayName} book it.`,
      );
    const from = checkTime('from', action.from);
    const until = checkTime('until', action.until);
    const minutes = (Date.parse(until) - Date.parse(from)) / MINUTE;
    if (!(minutes > 0) || !Number.isInteger(minutes))
      throw new DomainError('invalid_booking', 'A booking ends after it starts, in whole minutes.');
    if (minutes > usage.maxMinutes)
      throw new DomainError(
        'invalid_booking',
        `"${pool.name}" can be booked for at most ${usage.maxMinutes} minutes.`,
        {
          maxMinutes: usage.maxMinutes,
        },
      );
    if (now !== null) {
      if (from < now) throw new DomainError('invalid_booking', 'A booking cannot start in the past.');
      if (Date.parse(from) > Date.parse(now) + usage.maxAheadDays * DAY)
        throw new DomainError(
          'invalid_booking',
          `"${pool.name}" can be booked at most ${usage.maxAheadDays} days ahead.`,
          {
            maxAheadDays: usage.maxAheadDays,
          },
        );
    }
    const clash = overlapping(pool, from, until);
    if (clash)
      throw new DomainError(
        'booking_conflict',
        `"${pool.name}" is already booked from ${clash.from} until ${clash.until}.`,
        {
          from: clash.from,
          until: clash.until,
        },
      );
    if (usage.cost) {
      const costPool = requirePool(state, usage.cost.poolId);
      const cost = bookingCost(usage.cost.perHour, minutes);
      if (cost > 0n) {
        try {
          balancesAfter(costPool, payment(m.accountId, cost));
        } catch (e) {
          if (e instanceof DomainError && e.code === 'insufficient_funds')
            throw new DomainError(
              'insufficient_funds',
              `This booking costs ${formatAmount(cost, costPool.unit)}, more than ${m.displayName}'s account in "${costPool.name}" allows.`,
              e.details,
            );
          throw e;
        }
      }
    }
    return { kind: 'book', poolId: pool.id, bookingId, accountId: m.accountId, from, until };
  },
  carryOut(_core, action, proposalId, _now, _outcome, state) {
    const pool = bookable(state, action.poolId);
    const minutes = (Date.parse(action.until) - Date.parse(action.from)) / MINUTE;
    const cost = pool.usage!.cost ? bookingCost(pool.usage!.cost.perHour, minutes) : 0n;
    const events: DomainEvent[] = [
      {
        type: 'BookingMade',
        data: {
          proposalId,
          poolId: pool.id,
          booking: {
            id: action.bookingId,
            accountId: action.accountId,
            from: action.from,
            until: action.until,
            cost: amountText(cost),
          },
        },
      },
    ];
    if (cost > 0n)
      events.push({
        type: 'TransactionRecorded',
        data: {
          proposalId,
          poolId: pool.usage!.cost!.poolId,
          kind: 'booking',
          entries: payment(action.accountId, cost),
          purpose: `Booking of ${pool.name} from ${action.from} until ${action.until}`,
          counterparty: action.accountId,
          evidence: '',
        },
      });
    return events;
  },
} satisfies ActionDefinition<'book'>;

const payment = (accountId: string, cost: bigint) => [
  { account: memberAccount(accountId), amount: `-${cost}` },
  { account: 'pool' as const, amount: cost.toString() },
];

/** Cancel a booking; what it cost is refunded if it has not started. */
export const cancelBooking = {
  kind: 'cancel_booking',
  label: 'Cancel a booking',
  input: objectSchema({ kind: Type.Literal('cancel_booking'), poolId: IdSchema, bookingId: IdSchema }),
  check(_core, action, _now, state) {
    const pool = bookable(state, action.poolId);
    const b = own(pool.bookings, action.bookingId);
    if (!b || b.status !== 'active')
      throw new DomainError(
        'booking_not_found',
        `"${pool.name}" has no active booking "${action.bookingId}".`,
        {
          bookingId: action.bookingId,
        },
      );
    return { kind: 'cancel_booking', poolId: pool.id, bookingId: b.id };
  },
  carryOut(_core, action, proposalId, now, _outcome, state) {
    const pool = bookable(state, action.poolId);
    const b = own(pool.bookings, action.bookingId)!;
    const events: DomainEvent[] = [
      { type: 'BookingCancelled', data: { proposalId, poolId: pool.id, bookingId: b.id } },
    ];
    const cost = BigInt(b.cost);
    const costPool = pool.usage!.cost ? own(state?.pools, pool.usage!.cost.poolId) : undefined;
    // Refunded before it starts, if the cost pool's account can pay it back (the floor holds for the pool too).
    if (cost > 0n && costPool && now < b.from) {
      const refund = [
        { account: 'pool' as const, amount: `-${cost}` },
        { account: memberAccount(b.accountId), amount: cost.toString() },
      ];
      try {
        balancesAfter(costPool, refund);
        events.push({
          type: 'TransactionRecorded',
          data: {
            proposalId,
            poolId: costPool.id,
            kind: 'refund',
            entries: refund,
            purpose: `Refund of the booking of ${pool.name} from ${b.from}`,
            counterparty: b.accountId,
            evidence: '',
          },
        });
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
      }
    }
    return events;
  },
} satisfies ActionDefinition<'cancel_booking'>;
