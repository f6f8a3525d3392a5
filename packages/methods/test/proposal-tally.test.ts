// The pure tally behind the kernel's decisions: counts, reasons (stable codes and parameters) and exact ratios.
import { describe, expect, it } from 'vitest';
import {
  meetsRatio,
  tallyProposal,
  type Procedure,
  type ProposalTallyInput,
  type Stance,
} from '../src/decision/proposal';

const people = (n: number) => Array.from({ length: n }, (_, i) => `m${i}`);
const pos = (...list: [string, Stance][]) => list.map(([accountId, stance]) => ({ accountId, stance }));
const tally = (
  procedure: Procedure,
  electorate: string[],
  positions: ProposalTallyInput['positions'],
  final = true,
  deciders?: string[],
) => tallyProposal({ procedure, electorate, positions, final, deciders });

const vote = (
  num: number,
  den: number,
  strict: boolean,
  abstentions: 'quorum_only' | 'ignored' | 'against' = 'quorum_only',
  quorum = { num: 0, den: 1 },
): Procedure => ({
  type: 'vote',
  hours: 1,
  threshold: { num, den },
  strict,
  quorum,
  abstentions,
});

describe('counts', () => {
  it('ignore positions from outside the electorate, under every procedure', () => {
    const procedures: Procedure[] = [
      { type: 'consent', hours: 1 },
      { type: 'consensus', hours: 1, minParticipation: { num: 1, den: 2 } },
      vote(1, 2, true),
    ];
    for (const procedure of procedures) {
      const t = tally(
        procedure,
        ['a', 'b', 'c'],
        pos(['a', 'agree'], ['x', 'block'], ['y', 'disagree'], ['b', 'abstain']),
      );
      expect(t.counts, procedure.type).toEqual({
        agree: 1,
        abstain: 1,
        disagree: 0,
        block: 0,
        electorate: 3,
        participants: 2,
      });
      expect(t.participants).toEqual(['a', 'b']);
      expect(t.passed, procedure.type).toBe(true);
    }
  });

  it('count an electorate listed with repeats once', () => {
    expect(tally({ type: 'consent', hours: 1 }, ['a', 'a', 'b'], []).counts.electorate).toBe(2);
  });

  it('count one position per person: a later entry replaces an earlier one', () => {
    const t = tally({ type: 'consent', hours: 1 }, ['a', 'b'], pos(['a', 'block'], ['a', 'agree']), false);
    expect(t.counts).toMatchObject({ agree: 1, block: 0, participants: 1 });
    expect(t.participants).toEqual(['a']);
    // a was counted once, so b has not yet taken a position: not settled early
    expect(t.decided).toBe(false);
  });

  it('a non-final tally settles only when everyone eligible took a position', () => {
    const c: Procedure = { type: 'consent', hours: 1 };
    expect(tally(c, ['a', 'b'], pos(['a', 'agree']), false)).toMatchObject({ decided: false, passed: false });
    expect(tally(c, ['a', 'b'], pos(['a', 'agree'], ['b', 'abstain']), false)).toMatchObject({
      decided: true,
      passed: true,
    });
    // someone from outside taking a position does not make up for a missing member
    expect(tally(c, ['a', 'b'], pos(['a', 'agree'], ['z', 'agree']), false).decided).toBe(false);
  });
});

describe('reasons', () => {
  it('automatic', () => {
    expect(tally({ type: 'automatic' }, ['a'], [], false)).toMatchObject({
      decided: true,
      passed: true,
      reasons: [{ code: 'automatic', params: {} }],
    });
  });

  it('consent: no_objection and objection_stands', () => {
    expect(tally({ type: 'consent', hours: 1 }, people(4), pos(['m0', 'disagree'])).reasons).toEqual([
      {
        code: 'no_objection',
        params: { participants: 1, electorate: 4 },
        text: 'No objection stood at close (1 of 4 members took a position).',
      },
    ]);
    expect(
      tally({ type: 'consent', hours: 1 }, people(4), pos(['m0', 'block'], ['m1', 'block'])).reasons,
    ).toEqual([
      {
        code: 'objection_stands',
        params: { objections: 2 },
        text: '2 objection(s) stood at close, so consent was not given.',
      },
    ]);
  });

  it('consensus: consensus_reached, blocked, participation_short', () => {
    const p: Procedure = { type: 'consensus', hours: 1, minParticipation: { num: 2, den: 3 } };
    expect(tally(p, people(3), pos(['m0', 'agree'], ['m1', 'abstain']))).toMatchObject({
      passed: true,
      reasons: [{ code: 'consensus_reached', params: { participants: 2, electorate: 3 } }],
    });
    expect(tally(p, people(3), pos(['m0', 'block']))).toMatchObject({
      passed: false,
      reasons: [
        { code: 'blocked', params: { blocks: 1 } },
        { code: 'participation_short', params: { participants: 1, electorate: 3, required: '2/3' } },
      ],
    });
  });

  it('vote: quorum_not_met comes first, then the threshold', () => {
    const t = tally(
      vote(1, 2, true, 'quorum_only', { num: 1, den: 2 }),
      people(10),
      pos(['m0', 'agree'], ['m1', 'disagree'], ['m2', 'block']),
    );
    expect(t.passed).toBe(false);
    expect(t.reasons).toEqual([
      {
        code: 'quorum_not_met',
        params: { turnout: 3, electorate: 10, quorum: '1/2' },
        text: 'Quorum not met: 3 of 10 took part, 1/2 needed.',
      },
      {
        code: 'threshold_not_met',
        params: { agree: 1, against: 2, threshold: '1/2' },
        text: '1 agreed and 2 did not: more than 1/2 was needed.',
      },
    ]);
  });

  it('vote: each abstention rule', () => {
    const positions = pos(
      ['m0', 'agree'],
      ['m1', 'agree'],
      ['m2', 'disagree'],
      ['m3', 'abstain'],
      ['m4', 'abstain'],
    );
    const quorum = { num: 1, den: 2 };
    // 10 members: 5 took part, 3 without the abstentions
    expect(tally(vote(1, 2, true, 'quorum_only', quorum), people(10), positions).reasons).toEqual([
      expect.objectContaining({ code: 'threshold_met', params: { agree: 2, against: 1, threshold: '1/2' } }),
    ]);
    expect(tally(vote(1, 2, true, 'ignored', quorum), people(10), positions).reasons).toEqual([
      expect.objectContaining({
        code: 'quorum_not_met',
        params: { turnout: 3, electorate: 10, quorum: '1/2' },
      }),
      expect.objectContaining({ code: 'threshold_met', params: { agree: 2, against: 1, threshold: '1/2' } }),
    ]);
    expect(tally(vote(1, 2, true, 'against', quorum), people(10), positions).reasons).toEqual([
      expect.objectContaining({
        code: 'threshold_not_met',
        params: { agree: 2, against: 3, threshold: '1/2' },
      }),
    ]);
  });

  it('vote: a zero quorum is met even with no one taking part', () => {
    const t = tally(vote(1, 2, false), people(3), []);
    expect(t.reasons.map((r) => r.code)).toEqual(['threshold_not_met']);
  });

  it('role: each code, with who decided', () => {
    const r0: Procedure = { type: 'role', objectionHours: 0 };
    const r24: Procedure = { type: 'role', objectionHours: 24 };
    const e = ['a', 'b', 'c'];
    expect(tally(r0, e, pos(['b', 'agree']), false, ['b'])).toMatchObject({
      decided: true,
      passed: true,
      reasons: [{ code: 'role_approved', params: { by: 'b' } }],
    });
    expect(tally(r24, e, pos(['b', 'agree']), false, ['b'])).toMatchObject({ decided: false });
    expect(tally(r24, e, pos(['b', 'agree']), true, ['b'])).toMatchObject({
      passed: true,
      reasons: [{ code: 'role_approved_no_objection', params: { by: 'b', hours: 24 } }],
    });
    expect(tally(r24, e, pos(['b', 'agree'], ['c', 'block'], ['a', 'block']), true, ['b'])).toMatchObject({
      passed: false,
      reasons: [{ code: 'objection_stands', params: { objections: 2 } }],
    });
    // a holder's refusal decides at once, whoever approved before
    expect(tally(r24, e, pos(['b', 'agree'], ['c', 'disagree']), false, ['b', 'c'])).toMatchObject({
      decided: true,
      passed: false,
      reasons: [{ code: 'role_refused', params: { by: 'c' } }],
    });
    expect(tally(r0, e, pos(['a', 'agree']), true, [])).toMatchObject({
      passed: false,
      reasons: [{ code: 'role_no_decision', params: { deciders: 0 } }],
    });
    expect(tally(r0, e, pos(['a', 'agree']), false, ['b'])).toMatchObject({ decided: false });
  });

  it('role: a holder outside the electorate decides; an objector outside it is ignored', () => {
    const r24: Procedure = { type: 'role', objectionHours: 24 };
    const t = tally(r24, ['a', 'b'], pos(['h', 'agree'], ['z', 'block']), true, ['h']);
    expect(t).toMatchObject({ passed: true, counts: { participants: 0, block: 0 } });
  });
});

describe('meetsRatio', () => {
  it('at exactly the fraction: met unless strict', () => {
    expect(meetsRatio(1, 2, { num: 1, den: 2 }, false)).toBe(true);
    expect(meetsRatio(1, 2, { num: 1, den: 2 }, true)).toBe(false);
    expect(meetsRatio(2, 3, { num: 2, den: 3 }, false)).toBe(true);
    expect(meetsRatio(2, 3, { num: 2, den: 3 }, true)).toBe(false);
    expect(meetsRatio(666_667, 1_000_000, { num: 2, den: 3 }, true)).toBe(true);
    expect(meetsRatio(666_666, 1_000_000, { num: 2, den: 3 }, false)).toBe(false);
  });

  it('nothing out of nothing meets no ratio', () => {
    expect(meetsRatio(0, 0, { num: 0, den: 1 }, false)).toBe(false);
  });

  // Consecutive Fibonacci ratios differ by exactly 1/(F(n)F(n+1)): the cross products differ by 1 near 1e29,
  // far past 2^53, where floating-point products round to the same number.
  const F70 = 190_392_490_709_135;
  const F71 = 308_061_521_170_129;
  const F72 = 498_454_011_879_264;

  it('stays exact when the cross products are beyond 2^53', () => {
    // F71/F72 > F70/F71 by 1/(F71*F72)
    expect(meetsRatio(F71, F72, { num: F70, den: F71 }, true)).toBe(true);
    // F70/F71 < F71/F72
    expect(meetsRatio(F70, F71, { num: F71, den: F72 }, false)).toBe(false);
    expect(meetsRatio(F70, F71, { num: F70, den: F71 }, false)).toBe(true);
    expect(meetsRatio(F70, F71, { num: F70, den: F71 }, true)).toBe(false);
  });

  it('agrees with exact integer arithmetic on many large pseudo-random cases', () => {
    let seed = 12345;
    const next = (limit: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return Math.floor((seed / 2_147_483_648) * limit);
    };
    for (let i = 0; i < 2000; i++) {
      const scale = [100, 1e6, 1e12, Number.MAX_SAFE_INTEGER][i % 4]!;
      const b = 1 + next(scale);
      const a = next(b + 1);
      const den = 1 + next(scale);
      const num = next(den + 1);
      const strict = i % 2 === 0;
      const left = BigInt(a) * BigInt(den);
      const right = BigInt(num) * BigInt(b);
      expect(meetsRatio(a, b, { num, den }, strict), `${a}/${b} vs ${num}/${den}`).toBe(
        strict ? left > right : left >= right,
      );
    }
  });
});
