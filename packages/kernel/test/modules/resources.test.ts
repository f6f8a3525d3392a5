// The resources module (src/modules/resources.ts, src/resources): pools, their double-entry ledgers and bookings.
// Each change is carried out from a passed proposal of create_pool, record_income, spend, book or cancel_booking
// (under an automatic rule unless told, decided at once), refused with the codes their checks give; spending by
// amount (`by_amount`) and a role that excludes the proposer (separation of duties).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decide,
  describeProcedure,
  DomainError,
  evolve,
  ledgerSum,
  replayUnderDraft,
  sliceOf,
  validateRules,
  type Action,
  type CommonsState,
  type DomainEvent,
  type PoolSpec,
  type Procedure,
} from '../../src/index';
import { at, foundingEvents, T0, type Given } from '../scenario';
import { spec, stamped, submit, type Expected, type GivenEvent } from './spec';

const automatic: Procedure = { type: 'automatic' };
const consent: Procedure = { type: 'consent', hours: 72 };
const steward: Procedure = { type: 'role', objectionHours: 0 };
const vote: Procedure = {
  type: 'vote',
  hours: 168,
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 1, den: 3 },
  abstentions: 'quorum_only',
};
/** A steward spends up to 200.00 alone, up to 2,000.00 by consent, above that by a vote. */
const byAmount: Procedure = {
  type: 'by_amount',
  unit: { code: 'EUR', exponent: 2 },
  bands: [
    { upTo: 20_000, procedure: steward },
    { upTo: 200_000, procedure: consent },
  ],
  otherwise: vote,
};

const fund: PoolSpec = {
  id: 'fund',
  name: 'Fund',
  description: '',
  kind: 'money',
  unit: { code: 'EUR', exponent: 2 },
  floor: '0',
  usage: null,
};
const room: PoolSpec = {
  id: 'room',
  name: 'Room',
  description: '',
  kind: 'space',
  unit: null,
  floor: '0',
  usage: { who: { who: 'members' }, maxAheadDays: 30, maxMinutes: 240, cost: null },
};

const allAutomatic = {
  create_pool: automatic,
  record_income: automatic,
  spend: automatic,
  book: automatic,
  cancel_booking: automatic,
};

/** A commons of Ada, Bob and Cy where every resource action is automatic unless told. */
const commons = (g: Given = {}) =>
  foundingEvents({ members: ['bob', 'cy'], ...g, rules: { ...allAutomatic, ...g.rules } });

let proposals = 0;
/** Runs commands one after another from `given`, as the write path does: the events of each folded in. */
function run(given: GivenEvent[] | CommonsState, steps: [Action, string][], now = T0): CommonsState {
  let state: CommonsState | null = Array.isArray(given) ? null : given;
  if (Array.isArray(given)) for (const e of given) state = evolve(state, 'at' in e ? e : stamped(e, T0));
  steps.forEach(([action, actor]) => {
    const events = decide(state, submit(`s${++proposals}`, action), { actor, now });
    for (const e of events) state = evolve(state, stamped(e, now, actor));
  });
  return state!;
}

const income = (amount: string | number, poolId = 'fund'): Action => ({
  kind: 'record_income',
  poolId,
  amount: amount as string,
  source: 'Bank',
  evidence: 'Statement line 4',
});
const spendTo = (
  amount: string | number,
  to: { member: string } | { outside: string } = { outside: 'Shop' },
): Action => ({
  kind: 'spend',
  poolId: 'fund',
  amount: amount as string,
  to,
  purpose: 'Seeds',
});
const passed = (id: string, effect: Expected[]): Expected[] => [
  { type: 'ProposalOpened', data: { id } },
  { type: 'ProposalDecided', data: { proposalId: id, outcome: { passed: true } } },
  ...effect,
];

describe('pools', () => {
  it('given a commons, when a money pool is created, then PoolCreated with its unit and a zero floor', () => {
    const { state } = spec(commons())
      .when(submit('p', { kind: 'create_pool', pool: { ...fund, floor: undefined } as unknown as PoolSpec }))
      .thenMatch(passed('p', [{ type: 'PoolCreated', data: { proposalId: 'p', pool: fund } }]));
    expect(state.pools?.fund?.balances).toEqual({});
    expect(state.pools?.fund?.movements.size).toBe(0);
  });

  it('given a pool, when another of the same id is proposed, then pool_exists', () => {
    const given = run(commons(), [[{ kind: 'create_pool', pool: fund }, 'ada']]);
    expect(() =>
      decide(given, submit('p', { kind: 'create_pool', pool: fund }), { actor: 'ada', now: T0 }),
    ).toThrow(expect.objectContaining({ code: 'pool_exists' }));
  });

  it.each([
    [{ code: 'EUR', exponent: 0 }, /EUR has 2 decimal places/],
    [{ code: 'JPY', exponent: 2 }, /JPY has 0 decimal places/],
    [{ code: 'eur', exponent: 2 }, /three capital letters/],
    [{ code: 'EUR', exponent: 2.5 }, /exponent must be a whole number/],
  ])(
    'given a commons, when a pool in %j is proposed, then invalid_action naming the unit',
    (unit, message) => {
      spec(commons())
        .when(submit('p', { kind: 'create_pool', pool: { ...fund, unit } }))
        .thenRefuses('invalid_action', message);
    },
  );

  it('given a commons, when a pool with a positive floor is proposed, then invalid_amount', () => {
    spec(commons())
      .when(submit('p', { kind: 'create_pool', pool: { ...fund, floor: '100' } }))
      .thenRefuses('invalid_amount', /floor must be zero or below/);
  });

  it('given hostile ids, when pools named __proto__ and constructor are created, then they are ordinary pools', () => {
    const state = run(commons(), [
      [{ kind: 'create_pool', pool: { ...fund, id: '__proto__' } }, 'ada'],
      [{ kind: 'create_pool', pool: { ...fund, id: 'constructor' } }, 'ada'],
      [income(500, '__proto__'), 'ada'],
    ]);
    expect(Object.keys(state.pools!)).toEqual(['__proto__', 'constructor']);
    expect(state.pools!['__proto__']!.balances.pool).toBe('500');
    expect(({} as Record<string, unknown>).balances).toBeUndefined();
  });
});

describe('the ledger', () => {
  const withFund = () => run(commons(), [[{ kind: 'create_pool', pool: fund }, 'ada']]);

  it('given a pool, when income is recorded, then a transaction from outside into the pool that sums to zero', () => {
    const given = withFund();
    const events = decide(given, submit('p', income('12345')), { actor: 'ada', now: T0 });
    expect(events.map((e) => e.type)).toEqual(['ProposalOpened', 'ProposalDecided', 'TransactionRecorded']);
    expect(events[2]).toMatchObject({
      data: {
        poolId: 'fund',
        kind: 'income',
        entries: [
          { account: 'outside', amount: '-12345' },
          { account: 'pool', amount: '12345' },
        ],
        evidence: 'Statement line 4',
      },
    });
    let state = given;
    for (const e of events) state = evolve(state, stamped(e, T0, 'ada'));
    const pool = state.pools!.fund!;
    expect(pool.balances).toEqual({ outside: '-12345', pool: '12345' });
    expect(sliceOf(pool.movements, 0, 10)).toMatchObject([{ seq: 1, proposalId: 'p', poolBalance: '12345' }]);
  });

  it('given a pool of 100.00, when 100.01 is spent, then insufficient_funds and nothing moves', () => {
    const given = run(commons(), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [income(10_000), 'ada'],
    ]);
    expect(() => decide(given, submit('p', spendTo(10_001)), { actor: 'ada', now: T0 })).toThrow(
      expect.objectContaining({ code: 'insufficient_funds', message: expect.stringMatching(/100\.00 EUR/) }),
    );
  });

  it('given a pool of 100.00, when all of it is paid to a member, then the member account holds it', () => {
    const state = run(commons(), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [income(10_000), 'ada'],
      [spendTo(10_000, { member: 'bob' }), 'ada'],
    ]);
    expect(state.pools!.fund!.balances).toEqual({ outside: '-10000', pool: '0', 'member:bob': '10000' });
    expect(ledgerSum(state.pools!.fund!)).toBe(0n);
  });

  it.each([
    [1.5, /whole number of minor units/],
    ['1.50', /whole number of minor units written in digits/],
    ['1e3', /digits/],
    [-5, /must not be negative/],
    [0, /more than zero/],
    [Number.MAX_SAFE_INTEGER + 2, /safe integer/],
    ['1000000000000000000000', /beyond the largest amount/],
    [null, /whole number of minor units/],
  ])('given a pool, when income of %j is recorded, then invalid_amount', (amount, message) => {
    const given = withFund();
    let error: unknown;
    try {
      decide(given, submit('p', income(amount as number)), { actor: 'ada', now: T0 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_amount');
    expect((error as DomainError).message).toMatch(message);
  });

  it('given a pool, when a spend to someone who is not a member is proposed, then member_not_found', () => {
    const given = run(commons(), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [income(100), 'ada'],
    ]);
    expect(() =>
      decide(given, submit('p', spendTo(50, { member: 'mallory' })), { actor: 'ada', now: T0 }),
    ).toThrow(expect.objectContaining({ code: 'member_not_found' }));
  });

  it('given two spends of 80.00 open together on 100.00, when both pass at close, then the second fails and is not paid', () => {
    const given = run(commons({ rules: { spend: consent } }), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [income(10_000), 'ada'],
    ]);
    let s = given;
    const apply = (events: DomainEvent[], when: string) => {
      for (const e of events) s = evolve(s, stamped(e, when, 'ada'));
      return events;
    };
    apply(decide(s, submit('a', spendTo(8_000)), { actor: 'ada', now: T0 }), T0);
    apply(decide(s, submit('b', spendTo(8_000)), { actor: 'bob', now: T0 }), T0);
    expect(
      apply(decide(s, { type: 'CloseProposal', proposalId: 'a' }, { actor: null, now: at(72) }), at(72)).map(
        (e) => e.type,
      ),
    ).toEqual(['ProposalDecided', 'TransactionRecorded']);
    const second = apply(
      decide(s, { type: 'CloseProposal', proposalId: 'b' }, { actor: null, now: at(72) }),
      at(72),
    );
    expect(second.map((e) => e.type)).toEqual(['ProposalDecided', 'ActionFailed']);
    expect(second[1]).toMatchObject({ data: { error: expect.stringMatching(/holds 20\.00 EUR/) } });
    expect(s.pools!.fund!.balances.pool).toBe('2000');
  });

  it('given a log whose transaction does not sum to zero, when it is folded, then the fold refuses it', () => {
    const given = withFund();
    const forged: DomainEvent = {
      type: 'TransactionRecorded',
      data: {
        proposalId: 'x',
        poolId: 'fund',
        kind: 'income',
        entries: [
          { account: 'outside', amount: '-1' },
          { account: 'pool', amount: '1000' },
        ],
        purpose: '',
        counterparty: '',
        evidence: '',
      },
    };
    expect(() => evolve(given, stamped(forged, T0))).toThrow(/sum to zero/);
    const overdraft: DomainEvent = {
      ...forged,
      data: {
        ...forged.data,
        entries: [
          { account: 'pool', amount: '-1' },
          { account: 'member:bob', amount: '1' },
        ],
      },
    } as DomainEvent;
    expect(() => evolve(given, stamped(overdraft, T0))).toThrow(/below/);
  });

  it('given a time bank with a floor of -10 hours, when a member is paid past zero, then only down to the floor', () => {
    const hours: PoolSpec = {
      ...fund,
      id: 'hours',
      kind: 'time',
      unit: { code: 'HOURS', exponent: 0 },
      floor: '-10',
    };
    const state = run(commons(), [
      [{ kind: 'create_pool', pool: hours }, 'ada'],
      [{ kind: 'spend', poolId: 'hours', amount: '10', to: { member: 'bob' }, purpose: 'Gardening' }, 'ada'],
    ]);
    expect(state.pools!.hours!.balances.pool).toBe('-10');
    expect(() =>
      decide(
        state,
        submit('p', { kind: 'spend', poolId: 'hours', amount: '1', to: { member: 'bob' }, purpose: 'More' }),
        {
          actor: 'ada',
          now: T0,
        },
      ),
    ).toThrow(expect.objectContaining({ code: 'insufficient_funds' }));
  });
});

describe('spending by amount', () => {
  const stewards = {
    id: 'steward',
    name: 'Steward',
    description: '',
    mandate: ['spend' as const],
    termDays: null,
    holders: [
      ['ada', null],
      ['bob', null],
    ] as [string, string | null][],
  };
  const funded = (rule: Procedure) =>
    run(commons({ rules: { spend: rule }, roles: [stewards] }), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [income(1_000_000), 'ada'],
    ]);

  it('given a steward, when 200.00 is spent, then the steward decides by proposing and it is paid', () => {
    const events = decide(funded(byAmount), submit('p', spendTo(20_000)), { actor: 'ada', now: T0 });
    expect(events.map((e) => e.type)).toEqual([
      'ProposalOpened',
      'PositionTaken',
      'ProposalDecided',
      'TransactionRecorded',
    ]);
    expect(events[0]).toMatchObject({ data: { procedure: steward } });
  });

  it('given a steward, when 200.01 is spent, then it goes to consent and stays open', () => {
    const events = decide(funded(byAmount), submit('p', spendTo(20_001)), { actor: 'ada', now: T0 });
    expect(events.map((e) => e.type)).toEqual(['ProposalOpened']);
    expect(events[0]).toMatchObject({ data: { procedure: consent, closesAt: at(72) } });
  });

  it('given a steward, when 2,000.01 is spent, then it goes to a vote', () => {
    const events = decide(funded(byAmount), submit('p', spendTo(200_001)), { actor: 'ada', now: T0 });
    expect(events[0]).toMatchObject({ data: { procedure: vote } });
  });

  it('given a rule in EUR, when a spend is from a pool in another currency, then the final procedure decides', () => {
    const state = run(commons({ rules: { spend: byAmount }, roles: [stewards] }), [
      [{ kind: 'create_pool', pool: { ...fund, id: 'usd', unit: { code: 'USD', exponent: 2 } } }, 'ada'],
      [income(1_000, 'usd'), 'ada'],
    ]);
    const events = decide(state, submit('p', { ...spendTo(100), poolId: 'usd' } as Action), {
      actor: 'ada',
      now: T0,
    });
    expect(events[0]).toMatchObject({ data: { procedure: vote } });
  });

  it('given separation of duties, when a steward spends, then the proposer does not decide and another steward does', () => {
    const rule: Procedure = {
      ...byAmount,
      bands: [{ upTo: 20_000, procedure: { ...steward, excludeProposer: true } }],
    } as Procedure;
    const state = funded(rule);
    const opened = decide(state, submit('p', spendTo(5_000)), { actor: 'ada', now: T0 });
    expect(opened.map((e) => e.type)).toEqual(['ProposalOpened']);
    let s = state;
    for (const e of opened) s = evolve(s, stamped(e, T0, 'ada'));
    // Ada's own approval decides nothing.
    const own = decide(
      s,
      { type: 'TakePosition', proposalId: 'p', stance: 'agree', reason: '' },
      { actor: 'ada', now: T0 },
    );
    expect(own.map((e) => e.type)).toEqual(['PositionTaken']);
    for (const e of own) s = evolve(s, stamped(e, T0, 'ada'));
    const bob = decide(
      s,
      { type: 'TakePosition', proposalId: 'p', stance: 'agree', reason: '' },
      { actor: 'bob', now: T0 },
    );
    expect(bob.map((e) => e.type)).toEqual(['PositionTaken', 'ProposalDecided', 'TransactionRecorded']);
    expect(bob[1]).toMatchObject({ data: { outcome: { passed: true, decidedBy: 'bob' } } });
  });

  it('says itself in plain words', () => {
    expect(describeProcedure(byAmount)).toBe(
      'By amount: up to 200.00 EUR: a member holding a role with this mandate decides alone; up to 2,000.00 EUR: passes after 72 hours unless a member objects; above 2,000.00 EUR: a vote over 168 hours: passes if more than half of votes agree, with at least 1/3 of members taking part; abstentions count toward the quorum only; in another unit than EUR, as above the last band.',
    );
  });

  it.each([
    [{ ...byAmount, bands: [] }, /at least one band/],
    [
      {
        ...byAmount,
        bands: [
          { upTo: 500, procedure: steward },
          { upTo: 500, procedure: consent },
        ],
      },
      /must go up: band 2's upTo \(500\) is not above the one before \(500\)/,
    ],
    [{ ...byAmount, bands: [{ upTo: 1.5, procedure: steward }] }, /whole number of minor units/],
    [{ ...byAmount, otherwise: byAmount }, /cannot be a by_amount/],
    [
      { ...byAmount, otherwise: { type: 'election', nominationHours: 0, hours: 24, method: 'stv' } },
      /cannot be a election/,
    ],
    [
      { ...byAmount, bands: [{ upTo: 5, procedure: { type: 'consent', hours: 0 } }] },
      /band 1's procedure: hours/,
    ],
  ])('given a bad rule %#, when it is proposed, then invalid_procedure in plain words', (rule, message) => {
    expect(() => validateRules({ spend: rule as Procedure })).toThrow(message);
  });

  it('given spends decided at once, when replayed under a draft by amount, then each is counted by its band', () => {
    const state = run(commons(), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [income(1_000_000), 'ada'],
      [spendTo(100), 'ada'],
      [spendTo(300_000), 'ada'],
    ]);
    const draft: Procedure = { ...byAmount, bands: [{ upTo: 20_000, procedure: consent }] } as Procedure;
    const result = replayUnderDraft(state, { spend: draft });
    // The small spend passes by consent as it did; the large one, put to a vote nobody took part in, would not.
    expect(result.summary).toMatchObject({ replayed: 2, differ: 1, notReplayable: 0 });
    expect(result.differences[0]).toMatchObject({
      kind: 'spend',
      recorded: { passed: true },
      draft: { passed: false, procedure: vote },
    });
  });

  it('given a kind without an amount, when it is given a rule by amount, then invalid_procedure', () => {
    expect(() => validateRules({ resolution: byAmount })).toThrow(/can decide only "spend", "record_income"/);
  });
});

describe('bookings', () => {
  const withRoom = (usage: Partial<NonNullable<PoolSpec['usage']>> = {}) =>
    run(commons(), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [income(1_000), 'ada'],
      [spendTo(500, { member: 'bob' }), 'ada'],
      [{ kind: 'create_pool', pool: { ...room, usage: { ...room.usage!, ...usage } } }, 'ada'],
    ]);
  const booking = (id: string, from: number, until: number, accountId = 'bob'): Action => ({
    kind: 'book',
    poolId: 'room',
    bookingId: id,
    accountId,
    from: at(from),
    until: at(until),
  });

  it('given a room, when Bob books it, then BookingMade', () => {
    const state = run(withRoom(), [[booking('b1', 1, 3), 'bob']]);
    expect(state.pools!.room!.bookings.b1).toMatchObject({
      accountId: 'bob',
      from: at(1),
      until: at(3),
      status: 'active',
    });
  });

  it('given a booking, when an overlapping one is proposed, then booking_conflict; back to back is fine', () => {
    const state = run(withRoom(), [[booking('b1', 1, 3), 'bob']]);
    expect(() => decide(state, submit('p', booking('b2', 2, 4, 'cy')), { actor: 'cy', now: T0 })).toThrow(
      expect.objectContaining({ code: 'booking_conflict' }),
    );
    expect(() => decide(state, submit('p', booking('b2', 0, 1.5, 'cy')), { actor: 'cy', now: T0 })).toThrow(
      expect.objectContaining({ code: 'booking_conflict' }),
    );
    const after = run(withRoom(), [
      [booking('b1', 1, 3), 'bob'],
      [booking('b2', 3, 4, 'cy'), 'cy'],
    ]);
    expect(Object.keys(after.pools!.room!.bookings)).toEqual(['b1', 'b2']);
  });

  it('given two bookings of one slot decided in one batch, then the second is refused against the first', () => {
    // The write path decides a batch against a draft that has the earlier commands' events: the same as in turn.
    const state = withRoom();
    const first = decide(state, submit('p1', booking('b1', 1, 3)), { actor: 'bob', now: T0 });
    let s = state;
    for (const e of first) s = evolve(s, stamped(e, T0, 'bob'));
    expect(() => decide(s, submit('p2', booking('b2', 1, 3, 'cy')), { actor: 'cy', now: T0 })).toThrow(
      expect.objectContaining({ code: 'booking_conflict' }),
    );
  });

  it.each([
    [booking('b', 1, 6), 'invalid_booking', /at most 240 minutes/],
    [booking('b', 24 * 31, 24 * 31 + 1), 'invalid_booking', /at most 30 days ahead/],
    [booking('b', -2, -1), 'invalid_booking', /in the past/],
    [booking('b', 3, 1), 'invalid_booking', /ends after it starts/],
    [{ ...booking('b', 1, 2), from: 'tomorrow' } as Action, 'invalid_booking', /from must be a date/],
    [booking('b', 1, 2, 'mallory'), 'member_not_found', /current member/],
  ] as const)('given a room, when %j is proposed, then %s', (action, code, message) => {
    expect(() => decide(withRoom(), submit('p', action), { actor: 'bob', now: T0 })).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });

  it('given a room only stewards may book, when a member books, then not_allowed_to_book', () => {
    const state = run(
      commons({
        roles: [
          {
            id: 'steward',
            name: 'Steward',
            description: '',
            mandate: [],
            termDays: null,
            holders: [['ada', null]],
          },
        ],
      }),
      [
        [
          {
            kind: 'create_pool',
            pool: { ...room, usage: { ...room.usage!, who: { who: 'roles', roles: ['steward'] } } },
          },
          'ada',
        ],
      ],
    );
    expect(() => decide(state, submit('p', booking('b', 1, 2)), { actor: 'bob', now: T0 })).toThrow(
      expect.objectContaining({ code: 'not_allowed_to_book' }),
    );
    expect(
      decide(state, submit('p', booking('b', 1, 2, 'ada')), { actor: 'ada', now: T0 }).at(-1)?.type,
    ).toBe('BookingMade');
  });

  it('given a room at 1.50 EUR an hour, when Bob books 2 hours and cancels, then he pays 3.00 and is refunded', () => {
    const state = run(withRoom({ cost: { poolId: 'fund', perHour: '150' } }), [[booking('b1', 1, 3), 'bob']]);
    expect(state.pools!.fund!.balances['member:bob']).toBe('200');
    expect(state.pools!.fund!.balances.pool).toBe('800');
    const events = decide(state, submit('c', { kind: 'cancel_booking', poolId: 'room', bookingId: 'b1' }), {
      actor: 'bob',
      now: T0,
    });
    expect(events.map((e) => e.type)).toEqual([
      'ProposalOpened',
      'ProposalDecided',
      'BookingCancelled',
      'TransactionRecorded',
    ]);
    let s = state;
    for (const e of events) s = evolve(s, stamped(e, T0, 'bob'));
    expect(s.pools!.fund!.balances['member:bob']).toBe('500');
    expect(s.pools!.room!.bookings.b1!.status).toBe('cancelled');
    // The slot is free again.
    expect(decide(s, submit('p', booking('b2', 1, 3)), { actor: 'bob', now: T0 }).map((e) => e.type)).toEqual(
      ['ProposalOpened', 'ProposalDecided', 'BookingMade', 'TransactionRecorded'],
    );
  });

  it('given a room at 1.50 EUR an hour, when Cy who holds nothing books it, then insufficient_funds', () => {
    expect(() =>
      decide(withRoom({ cost: { poolId: 'fund', perHour: '150' } }), submit('p', booking('b', 1, 2, 'cy')), {
        actor: 'cy',
        now: T0,
      }),
    ).toThrow(
      expect.objectContaining({ code: 'insufficient_funds', message: expect.stringMatching(/1\.50 EUR/) }),
    );
  });
});

describe('the ledger, property', () => {
  // Any sequence of incomes, spends (to members or outside) and paid bookings, each decided or refused as the
  // kernel decides: every pool sums to zero and no account but the outside world's is below the floor.
  const step = fc.oneof(
    fc.record({
      t: fc.constant('income' as const),
      amount: fc.oneof(fc.integer({ min: -5, max: 5_000 }), fc.constant(1.5)),
    }),
    fc.record({
      t: fc.constant('spend' as const),
      amount: fc.integer({ min: 0, max: 5_000 }),
      to: fc.constantFrom('bob', 'cy', 'outside'),
      pool: fc.constantFrom('fund', 'hours'),
    }),
    fc.record({
      t: fc.constant('book' as const),
      from: fc.integer({ min: 1, max: 40 }),
      hours: fc.integer({ min: 1, max: 4 }),
      who: fc.constantFrom('bob', 'cy'),
    }),
  );

  it('keeps every ledger summing to zero and every floor', () => {
    const base = run(commons(), [
      [{ kind: 'create_pool', pool: fund }, 'ada'],
      [
        {
          kind: 'create_pool',
          pool: { ...fund, id: 'hours', kind: 'time', unit: { code: 'HOURS', exponent: 0 }, floor: '-20' },
        },
        'ada',
      ],
      [
        {
          kind: 'create_pool',
          pool: {
            ...room,
            usage: { ...room.usage!, maxAheadDays: 3, cost: { poolId: 'fund', perHour: '100' } },
          },
        },
        'ada',
      ],
    ]);
    fc.assert(
      fc.property(fc.array(step, { maxLength: 40 }), (steps) => {
        let s = base;
        steps.forEach((x, i) => {
          const action: Action =
            x.t === 'income'
              ? income(x.amount)
              : x.t === 'spend'
                ? {
                    kind: 'spend',
                    poolId: x.pool,
                    amount: String(x.amount),
                    to: x.to === 'outside' ? { outside: 'Shop' } : { member: x.to },
                    purpose: 'x',
                  }
                : {
                    kind: 'book',
                    poolId: 'room',
                    bookingId: `b${i}`,
                    accountId: x.who,
                    from: at(x.from),
                    until: at(x.from + x.hours),
                  };
          try {
            for (const e of decide(s, submit(`q${i}`, action), { actor: 'ada', now: T0 }))
              s = evolve(s, stamped(e, T0, 'ada'));
          } catch (e) {
            if (!(e instanceof DomainError)) throw e;
          }
        });
        for (const pool of Object.values(s.pools ?? {})) {
          expect(ledgerSum(pool)).toBe(0n);
          for (const [account, balance] of Object.entries(pool.balances))
            if (account !== 'outside') expect(BigInt(balance)).toBeGreaterThanOrEqual(BigInt(pool.floor));
          let previous = '0';
          for (const m of sliceOf(pool.movements, 0, pool.movements.size)) {
            expect(m.entries.reduce((sum, e) => sum + BigInt(e.amount), 0n)).toBe(0n);
            const delta = m.entries
              .filter((e) => e.account === 'pool')
              .reduce((sum, e) => sum + BigInt(e.amount), 0n);
            expect(BigInt(m.poolBalance)).toBe(BigInt(previous) + delta);
            previous = m.poolBalance;
          }
        }
        const active = Object.values(s.pools!.room!.bookings).filter((b) => b.status === 'active');
        for (const a of active)
          for (const b of active) if (a !== b) expect(a.from < b.until && b.from < a.until).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
