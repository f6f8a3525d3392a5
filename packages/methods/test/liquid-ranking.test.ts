// LiquidFeedback's calculate_ranks on hand-made matrices: the cases the core fixtures do not reach (the
// "forbid the shared weakest link" step, majority boundaries, no_multistage_majority) and our input checks.
import { describe, expect, it } from 'vitest';
import {
  LF_DEFAULT_POLICY,
  lfBattles,
  lfResult,
  lfSchulze,
  lfTally,
  LiquidFeedbackError,
  type LfPolicy,
} from '../src/liquid';

const policy = (over: Partial<LfPolicy> = {}): LfPolicy => ({ ...LF_DEFAULT_POLICY, ...over });

const errorOf = (f: () => unknown): LiquidFeedbackError => {
  try {
    f();
  } catch (e) {
    if (e instanceof LiquidFeedbackError) return e;
    throw e;
  }
  throw new Error('expected a LiquidFeedbackError');
};

describe('LiquidFeedback Schulze tie-breaking', () => {
  // Candidates: status quo, A, B, C. A and B both beat C (9:0), C beats the status quo narrowly (5:4), the status quo
  // beats A and B (8:1), B beats A (4:3). Both strongest paths A→C→SQ→B and B→C→SQ→A have the same weakest link
  // C→SQ, so A and B are tied until that link is forbidden; then B's direct win over A decides.
  const battles = [
    [0, 8, 8, 4],
    [1, 0, 3, 9],
    [1, 4, 0, 9],
    [5, 0, 0, 0],
  ];

  it('given a tie through a shared weakest link, variant1 and variant2 forbid it and rank B above A', () => {
    for (const tieBreaking of ['variant1', 'variant2'] as const)
      expect(lfSchulze(battles, { defeatStrength: 'tuple', tieBreaking }).ranks, tieBreaking).toEqual([
        1, 3, 2, 4,
      ]);
  });

  it('given two shared weakest links in turn (C→SQ, then D→SQ), the pair is settled after forbidding both', () => {
    // As above with a second route D→SQ (4:3), weaker than C→SQ (5:4) but stronger than B's win over A (3:2).
    const twice = [
      [0, 8, 8, 4, 3],
      [1, 0, 2, 9, 9],
      [1, 3, 0, 9, 9],
      [5, 0, 0, 0, 0],
      [4, 0, 0, 0, 0],
    ];
    expect(lfSchulze(twice, { defeatStrength: 'tuple', tieBreaking: 'variant1' }).ranks).toEqual([
      1, 3, 2, 4, 5,
    ]);
    expect(lfSchulze(twice, { defeatStrength: 'tuple', tieBreaking: 'simple' }).ranks).toEqual([
      1, 2, 3, 4, 5,
    ]);
  });

  it('given the same tie, simple tie-breaking keeps it and ranks by order: A above B', () => {
    expect(lfSchulze(battles, { defeatStrength: 'tuple', tieBreaking: 'simple' }).ranks).toEqual([
      1, 2, 3, 4,
    ]);
  });
});

describe('LiquidFeedback majorities and eligibility', () => {
  // Status quo, A, B; 10 voters. A beats the status quo 6:4, B beats it 7:3, A beats B 8:2.
  const battles = [
    [0, 4, 3],
    [6, 0, 8],
    [7, 2, 0],
  ];

  it('given A ranked above B and beating B by more than A beats the status quo, then B has a multistage majority', () => {
    const r = lfResult({ initiatives: ['A', 'B'], battles, voterCount: 10, policy: policy() });
    expect(r.initiatives.map((i) => [i.id, i.schulzeRank, i.multistageMajority, i.eligible, i.rank])).toEqual(
      [
        ['A', 1, false, true, 1],
        ['B', 2, true, true, 2],
      ],
    );
    expect(r.statusQuoSchulzeRank).toBe(3);
    expect(r.winner).toBe('A');
    expect(r.state).toBe('finished_with_winner');
  });

  it('when the policy forbids multistage majorities, then B is not eligible', () => {
    const r = lfResult({
      initiatives: ['A', 'B'],
      battles,
      voterCount: 10,
      policy: policy({ noMultistageMajority: true }),
    });
    expect(r.initiatives.map((i) => i.eligible)).toEqual([true, false]);
    expect(r.explanation.map((s) => s.code)).toEqual(['lf_schulze_order', 'lf_not_eligible', 'lf_winner']);
  });

  it('a share exactly at num/den passes only when the majority is not strict', () => {
    // A: 20 for, 10 against, 30 voters: exactly 2/3.
    const input = {
      initiatives: ['A'],
      battles: [
        [0, 10],
        [20, 0],
      ],
      voterCount: 30,
    };
    const twoThirds = { num: 2, den: 3, positive: 0, nonNegative: 0 };
    const strict = lfResult({ ...input, policy: policy({ directMajority: { ...twoThirds, strict: true } }) });
    const reach = lfResult({ ...input, policy: policy({ directMajority: { ...twoThirds, strict: false } }) });
    expect([strict.initiatives[0]?.directMajority, reach.initiatives[0]?.directMajority]).toEqual([
      false,
      true,
    ]);
    expect([strict.winner, reach.winner]).toEqual([null, 'A']);
  });

  it('positive and non-negative minimums: voter_count − negative must reach non_negative', () => {
    const input = {
      initiatives: ['A'],
      battles: [
        [0, 10],
        [20, 0],
      ],
      voterCount: 30,
    };
    const rule = (positive: number, nonNegative: number) =>
      lfResult({
        ...input,
        policy: policy({ directMajority: { num: 1, den: 2, strict: true, positive, nonNegative } }),
      }).initiatives[0]?.directMajority;
    expect([rule(20, 20), rule(21, 0), rule(0, 21)]).toEqual([true, false, false]);
  });

  it('under simple defeat strength reverse_beat_path is null', () => {
    const r = lfResult({
      initiatives: ['A', 'B'],
      battles,
      voterCount: 10,
      policy: policy({ defeatStrength: 'simple', tieBreaking: 'simple' }),
    });
    expect(r.initiatives.map((i) => i.reverseBeatPath)).toEqual([null, null]);
  });

  it('with no admitted initiative the status quo is ranked first and there is no winner', () => {
    const r = lfTally({ initiatives: [], ballots: [{ weight: 2, grades: { x: 1 } }], policy: policy() });
    expect([r.statusQuoSchulzeRank, r.state, r.winner, r.voterCount]).toEqual([
      1,
      'finished_without_winner',
      null,
      2,
    ]);
  });
});

describe('LiquidFeedback battles and input checks', () => {
  it('grades of initiatives not admitted count for the highest grade but not in battles', () => {
    const r = lfBattles(
      ['A', 'B'],
      [
        {
          weight: 3,
          grades: new Map([
            ['A', 1],
            ['B', 1],
            ['X', 2],
          ]),
        },
      ],
    );
    expect(r.firstPreferenceVotes).toEqual([0, 0]);
    expect(r.battles).toEqual([
      [0, 0, 0],
      [3, 0, 0],
      [3, 0, 0],
    ]);
  });

  it('rejects a matrix of the wrong size, a bad weight and noReverseBeatPath without tuple strength', () => {
    expect(
      errorOf(() => lfResult({ initiatives: ['A'], battles: [[0, 1]], voterCount: 1, policy: policy() }))
        .code,
    ).toBe('invalid_input');
    expect(errorOf(() => lfBattles(['A'], [{ weight: -1, grades: {} }])).message).toContain('ballot 1');
    expect(
      errorOf(() =>
        lfResult({
          initiatives: ['A'],
          battles: [
            [0, 1],
            [1, 0],
          ],
          voterCount: 2,
          policy: policy({ defeatStrength: 'simple', noReverseBeatPath: true }),
        }),
      ).message,
    ).toContain('noReverseBeatPath requires tuple');
  });
});
