import { describe, expect, it } from 'vitest';
import {
  approval,
  chambers,
  consensus,
  consent,
  countYesNo,
  majority,
  needed,
  parseFraction,
  plurality,
  quadratic,
  reaches,
  score,
  tallyDecisionFile,
  DecisionInputError,
  type ScoreBallot,
} from '../src/decision';

const yes = (n: number) => Array.from({ length: n }, () => ({ choice: 'yes' as const }));
const no = (n: number) => Array.from({ length: n }, () => ({ choice: 'no' as const }));
const abstain = (n: number) => Array.from({ length: n }, () => ({ choice: 'abstain' as const }));

describe('exact fractions', () => {
  it('2/3 of 300 is exactly 200 (no float rounding)', () => {
    expect(reaches(200, 300, { num: 2, den: 3 }, false)).toBe(true);
    expect(reaches(199, 300, { num: 2, den: 3 }, false)).toBe(false);
    expect(needed(300, { num: 2, den: 3 }, false)).toBe(200);
    expect(needed(10, { num: 1, den: 2 }, true)).toBe(6);
    expect(needed(11, { num: 1, den: 2 }, true)).toBe(6);
  });
  it('compares huge counts exactly (beyond 2^53 products)', () => {
    const big = 2 ** 52;
    expect(reaches(big + 1, 2 * big + 1, { num: 1, den: 2 }, true)).toBe(true);
    expect(reaches(big, 2 * big + 1, { num: 1, den: 2 }, true)).toBe(false);
  });
  it('parses 2/3, 0.5 and 60%', () => {
    expect(parseFraction('2/3')).toEqual({ num: 2, den: 3 });
    expect(parseFraction('0.5')).toEqual({ num: 1, den: 2 });
    expect(parseFraction('60%')).toEqual({ num: 3, den: 5 });
    expect(() => parseFraction('two thirds')).toThrow(/not a fraction/);
  });
});

describe('majority and supermajority', () => {
  it('given 5 yes, 5 no, when a simple majority is needed, then it fails (more than half)', () => {
    const r = majority(countYesNo([...yes(5), ...no(5)]));
    expect(r.passed).toBe(false);
    expect(r.yesNeeded).toBe(6);
    expect(r.explanation.map((s) => s.code)).toEqual(['counted', 'threshold_not_met', 'failed']);
  });
  it('given 6 yes, 3 no, when two-thirds is needed, then it passes at exactly 2/3', () => {
    const r = majority({ yes: 6, no: 3, abstain: 0 }, { threshold: { num: 2, den: 3 } });
    expect(r.passed).toBe(true);
    expect(r.strict).toBe(false);
    expect(r.explanation[1]?.text).toMatch(/at least 2\/3 means at least 6/);
  });
  it('abstentions: not counted by default, counted against with base "present"', () => {
    const counts = countYesNo([...yes(6), ...no(4), ...abstain(3)]);
    expect(majority(counts).passed).toBe(true);
    expect(majority(counts, { base: 'present' }).passed).toBe(false);
  });
  it('quorum counts abstentions by default, not with quorumCounts "cast"', () => {
    const counts = { yes: 3, no: 1, abstain: 2 };
    expect(majority(counts, { quorum: { num: 1, den: 2 }, electorate: 12 }).passed).toBe(true);
    const r = majority(counts, { quorum: { num: 1, den: 2 }, electorate: 12, quorumCounts: 'cast' });
    expect(r.passed).toBe(false);
    expect(r.quorum).toEqual({ required: '1/2', turnout: 4, needed: 6, met: false });
    expect(r.explanation.map((s) => s.code)).toContain('quorum_not_met');
  });
  it('a majority of the whole electorate counts silence as no', () => {
    expect(majority({ yes: 6, no: 0, abstain: 0 }, { base: 'electorate', electorate: 12 }).passed).toBe(
      false,
    );
    expect(majority({ yes: 7, no: 0, abstain: 0 }, { base: 'electorate', electorate: 12 }).passed).toBe(true);
  });
  it('refuses impossible counts', () => {
    expect(() =>
      majority({ yes: 5, no: 5, abstain: 0 }, { electorate: 3, quorum: { num: 1, den: 2 } }),
    ).toThrow(/electorate is only 3/);
    expect(() => countYesNo([{ choice: 'maybe' as never }])).toThrow(DecisionInputError);
  });
});

describe('consent and consensus', () => {
  it('given one standing objection, then consent is not given; withdrawn objections do not count', () => {
    const r = consent([
      { voter: 'ana', position: 'consent' },
      { voter: 'bo', position: 'object', reason: 'unsafe' },
      { voter: 'cy', position: 'object', reason: 'cost', withdrawn: true },
    ]);
    expect(r.passed).toBe(false);
    expect(r.objections).toEqual([{ voter: 'bo', reason: 'unsafe' }]);
    expect(r.explanation.find((s) => s.code === 'objection_stands')!.text).toBe('bo objected: "unsafe".');
    const ok = consent([
      { voter: 'ana', position: 'consent' },
      { voter: 'cy', position: 'object', withdrawn: true },
    ]);
    expect(ok.passed).toBe(true);
  });
  it('consent with a quorum', () => {
    expect(
      consent([{ voter: 'a', position: 'consent' }], { electorate: 4, quorum: { num: 1, den: 2 } }).passed,
    ).toBe(false);
  });
  it('consensus: a block stops it; minimum participation; modified consensus overrides blocks at 9/10', () => {
    const positions = [
      ...Array.from({ length: 9 }, (_, i) => ({ voter: `a${i}`, position: 'agree' as const })),
      { voter: 'b', position: 'block' as const, reason: 'values' },
    ];
    expect(consensus(positions).passed).toBe(false);
    const modified = consensus(positions, { fallback: { num: 9, den: 10 } });
    expect(modified.passed).toBe(true);
    expect(modified.by).toBe('fallback');
    expect(
      consensus(positions.slice(0, 9), { electorate: 20, minParticipation: { num: 1, den: 2 } }).passed,
    ).toBe(false);
    expect(
      consensus(positions.slice(0, 9), { electorate: 18, minParticipation: { num: 1, den: 2 } }).by,
    ).toBe('consensus');
  });
  it('consensus: too many stand-asides', () => {
    const r = consensus(
      [
        { voter: 'a', position: 'agree' },
        { voter: 'b', position: 'stand_aside' },
        { voter: 'c', position: 'stand_aside' },
      ],
      { maxStandAsides: 1 },
    );
    expect(r.passed).toBe(false);
    expect(r.explanation.map((s) => s.code)).toContain('too_many_stand_asides');
  });
  it('refuses a member taking two positions', () => {
    expect(() =>
      consent([
        { voter: 'a', position: 'consent' },
        { voter: 'a', position: 'object' },
      ]),
    ).toThrow(/twice/);
  });
});

describe('plurality, approval and score', () => {
  it('plurality: most votes wins; blank ballots are not votes', () => {
    const r = plurality(
      ['A', 'B', 'C'],
      [{ choice: 'A' }, { choice: 'B', weight: 2 }, { choice: null }, { choice: 'A' }, { choice: 'C' }],
    );
    expect(r.winners).toEqual([]);
    expect(r.tied).toEqual(['A', 'B']);
    expect(r.ballots).toEqual({ valid: 5, invalid: 1 });
    expect(plurality(['A', 'B'], [{ choice: 'B' }]).winners).toEqual(['B']);
  });
  it('ties: reported, by listed order, or by a public seed (reproducible)', () => {
    const ballots = [{ choice: 'B' }, { choice: 'C' }];
    expect(plurality(['A', 'B', 'C'], ballots, { tieBreak: { mode: 'order' } }).winners).toEqual(['B']);
    const seeded = plurality(['A', 'B', 'C'], ballots, { tieBreak: { mode: 'seed', seed: 'abc' } });
    expect(seeded.winners).toEqual(['C']); // known answer, from the documented procedure (label "tie-break")
    expect(seeded.explanation.map((s) => s.code)).toContain('tie_broken_by_seed');
  });
  it('approval: most approvals; several seats; duplicates and unknown candidates refused', () => {
    const ballots = [
      { approved: ['A', 'B'] },
      { approved: ['B'] },
      { approved: ['B', 'C'] },
      { approved: ['C', 'A'] },
      { approved: ['A'] },
    ];
    const r = approval(['A', 'B', 'C'], ballots, { seats: 2 });
    expect(r.winners).toEqual(['A', 'B']);
    expect(r.ranking.map((x) => x.total)).toEqual(['3', '3', '2']);
    expect(() => approval(['A'], [{ approved: ['A', 'A'] }])).toThrow(/twice/);
    expect(() => approval(['A'], [{ approved: ['Z'] }])).toThrow(/ballot 1: unknown candidate "Z"/);
    expect(() => approval(['A', 'B'], [{ approved: ['A', 'B'] }], { maxApprovals: 1 })).toThrow(/at most 1/);
  });
  it('score: sum by default; mean leaves unscored candidates out, compared exactly', () => {
    const ballots: ScoreBallot[] = [
      { scores: { A: 5, B: 4 } },
      { scores: { A: 0, B: 4 } },
      { scores: { A: 5 } },
    ];
    expect(score(['A', 'B'], ballots).winners).toEqual(['A']); // 10 vs 8
    const mean = score(['A', 'B'], ballots, { aggregate: 'mean' });
    expect(mean.winners).toEqual(['B']); // 4 vs 10/3
    expect(mean.ranking).toEqual([
      { candidate: 'B', total: '4', ballots: 2 },
      { candidate: 'A', total: '10/3', ballots: 3 },
    ]);
    expect(() => score(['A'], [{ scores: { A: 6 } }])).toThrow(/from 0 to 5/);
  });
});

describe('quadratic voting', () => {
  it('given 100 credits, 10 votes cost 100; net votes decide; over-budget ballots are left out with a reason', () => {
    const r = quadratic(
      ['park', 'road'],
      [
        { voter: 'a', votes: { park: 10 } },
        { voter: 'b', votes: { road: 6, park: -8 } },
        { voter: 'c', votes: { road: 7, park: 8 } },
        { voter: 'd', votes: { road: 5 } },
      ],
    );
    expect(r.ballots.rejected).toEqual([{ index: 3, voter: 'c', cost: 113, credits: 100 }]);
    expect(r.ranking).toEqual([
      { option: 'road', net: 11, for: 11, against: 0, credits: 61 },
      { option: 'park', net: 2, for: 10, against: 8, credits: 164 },
    ]);
    expect(r.winners).toEqual(['road']);
    expect(r.passed).toEqual(['road', 'park']);
  });
  it('negative votes can be forbidden; per-voter credits', () => {
    expect(() => quadratic(['x'], [{ votes: { x: -1 } }], { allowNegative: false })).toThrow(/negative/);
    expect(quadratic(['x'], [{ votes: { x: 3 }, credits: 9 }], { credits: 4 }).ballots.rejected).toEqual([]);
  });
});

describe('chambers', () => {
  const defs = [
    { name: 'workers', electorate: 10, threshold: { num: 2, den: 3 } },
    { name: 'users', electorate: 100, quorum: { num: 1, den: 10 } },
    { name: 'investors', electorate: 5 },
  ];
  it('concurrent: must pass in every chamber by its own threshold and quorum', () => {
    const r = chambers(defs, {
      workers: { yes: 6, no: 3, abstain: 0 },
      users: { yes: 40, no: 30, abstain: 0 },
      investors: { yes: 2, no: 3, abstain: 0 },
    });
    expect(r.passed).toBe(false);
    expect(r.chambers.map((c) => [c.name, c.passed])).toEqual([
      ['workers', true],
      ['users', true],
      ['investors', false],
    ]);
    expect(r.explanation.at(-1)!.text).toMatch(/did not pass in investors/);
  });
  it('weighted: class yes shares combined by weight, exactly; a veto class must pass on its own', () => {
    const weighted = [
      { name: 'workers', weight: 50 },
      { name: 'users', weight: 30 },
      { name: 'investors', weight: 20, veto: true },
    ];
    const counts = {
      workers: { yes: 2, no: 1, abstain: 0 },
      users: { yes: 1, no: 1, abstain: 0 },
      investors: { yes: 1, no: 1, abstain: 0 },
    };
    // 50·2/3 + 30·1/2 + 20·1/2 = 175/3 of 100: 7/12 > 1/2, but investors (veto) did not pass (1/2 is not more than half).
    const r = chambers(weighted, counts, { mode: 'weighted' });
    expect(r.weighted).toEqual({ share: '7/12', approx: '0.5833', threshold: '1/2', met: true });
    expect(r.passed).toBe(false);
    expect(r.explanation.map((s) => s.code)).toContain('vetoed');
    expect(
      chambers(
        weighted.map((w) => ({ ...w, veto: false })),
        counts,
        { mode: 'weighted' },
      ).passed,
    ).toBe(true);
    expect(
      chambers(
        weighted.map((w) => ({ ...w, veto: false })),
        counts,
        { mode: 'weighted', threshold: { num: 7, den: 12 }, strict: true },
      ).passed,
    ).toBe(false);
  });
  it('refuses votes for an unknown chamber', () => {
    expect(() => chambers(defs, { guests: { yes: 1, no: 0, abstain: 0 } })).toThrow(/unknown chamber/);
  });
});

describe('our JSON ballot format', () => {
  it('reads rules and ballots; CLI overrides win', () => {
    const text = JSON.stringify(
      {
        method: 'majority',
        electorate: 10,
        rules: { threshold: '2/3', quorum: '1/2' },
        ballots: [...yes(4), ...no(2)],
      },
      null,
      2,
    );
    const r = tallyDecisionFile('majority', text, 'q.json');
    expect(r.method === 'majority' && r.passed).toBe(true);
    const strict = tallyDecisionFile('majority', text, 'q.json', { threshold: '3/4' });
    expect(strict.method === 'majority' && strict.passed).toBe(false);
  });
  it('names the file and the line of a bad ballot', () => {
    const text = JSON.stringify(
      { candidates: ['A', 'B'], ballots: [{ approved: ['A'] }, { approved: ['C'] }] },
      null,
      2,
    );
    expect(() => tallyDecisionFile('approval', text, 'a.json')).toThrow(
      'a.json:12: ballot 2: unknown candidate "C"',
    );
  });
  it('names the line of a syntax error and of a bad rule', () => {
    expect(() =>
      tallyDecisionFile(
        'plurality',
        '{\n  "candidates": ["A"],\n  "ballots": [\n    {"choice": "A"},,\n  ]\n}',
        'p.json',
      ),
    ).toThrow(/^p\.json:4: not valid JSON/);
    const text = '{\n  "rules": {\n    "threshold": "most"\n  },\n  "ballots": []\n}';
    expect(() => tallyDecisionFile('majority', text, 'm.json')).toThrow(
      'm.json:3: rules.threshold: not a fraction',
    );
  });
  it('refuses a file written for another method', () => {
    expect(() => tallyDecisionFile('consent', '{"method": "majority", "ballots": []}', 'x.json')).toThrow(
      'x.json:1: this file is for the method "majority", not "consent"',
    );
  });
});
