import { Type } from 'typebox';
import { own } from '../dict';
import { DomainError } from '../errors';
import { IdSchema, LIMITS, objectSchema, text, textSchema } from '../input';
import { amountText, parseAmount, unitProblem } from '../resources/amount';
import { checkPoolId, requireLedgerPool } from '../resources/check';
import { POOL_KINDS, type PoolSpec, type UsageRules } from '../resources/types';
import type { CommonsState } from '../types';
import type { ActionDefinition } from './definition';

/** An amount as the API takes it: a safe integer or a string of digits (the kernel says what is wrong with others). */
export const AmountSchema = Type.Unsafe<number | string>({
  type: ['number', 'string'],
  maxLength: 40,
  description:
    'A whole number of minor units (cents for EUR): a safe integer, or its decimal digits as a string',
});

const AudienceSchema = Type.Union([
  objectSchema({ who: Type.Literal('members') }),
  objectSchema({ who: Type.Literal('roles'), roles: Type.Array(IdSchema, { minItems: 1, maxItems: 20 }) }),
]);

const UsageSchema = objectSchema({
  who: Type.Optional(AudienceSchema),
  maxAheadDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  maxMinutes: Type.Integer({ minimum: 1, maximum: 525_600 }),
  cost: Type.Optional(Type.Union([objectSchema({ poolId: IdSchema, perHour: AmountSchema }), Type.Null()])),
});

function checkUsage(state: CommonsState | undefined, usage: unknown): UsageRules {
  const u = usage as Partial<UsageRules> | null | undefined;
  if (typeof u !== 'object' || u === null)
    throw new DomainError(
      'invalid_action',
      'A thing or space needs usage rules: how far ahead and how long.',
    );
  const whole = (field: string, v: unknown, max: number) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max)
      throw new DomainError('invalid_action', `${field} must be a whole number from 1 to ${max}.`, { field });
    return v;
  };
  const who = u.who ?? { who: 'members' };
  if (who.who === 'roles') {
    if (!Array.isArray(who.roles) || who.roles.length === 0)
      throw new DomainError('invalid_action', 'Booking by roles names at least one role.');
    for (const r of who.roles)
      if (typeof r !== 'string' || !own(state?.core.roles, r))
        throw new DomainError('role_not_found', `There is no role "${String(r)}".`, { roleId: r });
  } else if (who.who !== 'members') {
    throw new DomainError('invalid_action', 'Who may book is members, or holders of some roles.');
  }
  let cost: UsageRules['cost'] = null;
  if (u.cost) {
    const pool = requireLedgerPool(state, u.cost.poolId);
    cost = { poolId: pool.id, perHour: amountText(parseAmount('cost.perHour', u.cost.perHour)) };
  }
  return {
    who: who.who === 'roles' ? { who: 'roles', roles: [...new Set(who.roles)] } : { who: 'members' },
    maxAheadDays: whole('maxAheadDays', u.maxAheadDays, 3650),
    maxMinutes: whole('maxMinutes', u.maxMinutes, 525_600),
    cost,
  };
}

/** Create a pool: money in a currency, time credits, points, or a thing or space to book with its usage rules. */
export const createPool = {
  kind: 'create_pool',
  label: 'Create a pool',
  input: objectSchema({
    kind: Type.Literal('create_pool'),
    pool: objectSchema({
      id: IdSchema,
      name: textSchema(LIMITS.name),
      description: Type.Optional(textSchema(LIMITS.purpose)),
      kind: Type.Union([
        Type.Literal('money'),
        Type.Literal('time'),
        Type.Literal('points'),
        Type.Literal('thing'),
        Type.Literal('space'),
      ]),
      // null as the kernel keeps them (a thing has no unit, money no usage rules), or absent.
      unit: Type.Optional(
        Type.Union([
          objectSchema({ code: textSchema(12), exponent: Type.Integer({ minimum: 0, maximum: 4 }) }),
          Type.Null(),
        ]),
      ),
      floor: Type.Optional(AmountSchema),
      usage: Type.Optional(Type.Union([UsageSchema, Type.Null()])),
    }),
  }),
  check(_core, action, _now, state) {
    const p = (action.pool ?? {}) as Partial<PoolSpec>;
    if (typeof action.pool !== 'object' || action.pool === null)
      throw new DomainError('invalid_action', 'create_pool needs the pool to create.');
    const id = checkPoolId(p.id);
    if (own(state?.pools, id))
      throw new DomainError('pool_exists', `There is already a pool "${id}".`, { poolId: id });
    if (!(POOL_KINDS as readonly string[]).includes(p.kind as string))
      throw new DomainError('invalid_action', `A pool holds ${POOL_KINDS.join(', ')}.`, { field: 'kind' });
    const kind = p.kind!;
    const base = {
      id,
      name: text('name', p.name),
      description: text('purpose', p.description ?? '', false),
      kind,
    };
    if (kind === 'thing' || kind === 'space') {
      if (p.unit !== undefined && p.unit !== null)
        throw new DomainError('invalid_action', `A ${kind} is booked, not counted: it has no unit.`);
      return {
        kind: 'create_pool',
        pool: { ...base, unit: null, floor: '0', usage: checkUsage(state, p.usage) },
      };
    }
    const problem = unitProblem(kind, p.unit);
    if (problem)
      throw new DomainError('invalid_action', `The pool's unit is invalid: ${problem}.`, { field: 'unit' });
    if (p.usage !== undefined && p.usage !== null)
      throw new DomainError('invalid_action', 'Only a thing or space has usage rules.');
    const floor = parseAmount('floor', p.floor ?? 0, { signed: true });
    if (floor > 0n) throw new DomainError('invalid_amount', 'floor must be zero or below (mutual credit).');
    return {
      kind: 'create_pool',
      pool: {
        ...base,
        unit: { code: p.unit!.code, exponent: p.unit!.exponent },
        floor: amountText(floor),
        usage: null,
      },
    };
  },
  carryOut: (_core, action, proposalId) => [{ type: 'PoolCreated', data: { proposalId, pool: action.pool } }],
} satisfies ActionDefinition<'create_pool'>;
