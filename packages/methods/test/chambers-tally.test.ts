// tallyChambers: a commons' chambers procedure from the counts of each class (the kernel's tests run it through a
// commons; these pin its rules at their edges).
import { describe, expect, it } from 'vitest';
import { tallyChambers, type ChamberRule, type Counts, type Procedure } from '../src/decision';

type Chambers = Extract<Procedure, { type: 'chambers' }>;
const counts = (
  agree: number,
  disagree: number,
  block: number,
  abstain: number,
  electorate: number,
): Counts => ({
  agree,
  disagree,
  block,
  abstain,
  electorate,
  participants: agree + disagree + block + abstain,
});
const majority: ChamberRule = {
  type: 'vote',
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 0, den: 1 },
  abstentions: 'quorum_only',
};
const proc = (chambers: Chambers['chambers'], weighted?: Chambers['weighted']): Chambers => ({
  type: 'chambers',
  hours: 24,
  chambers,
  ...(weighted ? { weighted } : {}),
});
const whole = counts(0, 0, 0, 0, 10);

describe('tallyChambers', () => {
  it('is not settled before the close while someone has not taken a position', () => {
    const r = tallyChambers({
      procedure: proc([{ classId: 'a', rule: majority }]),
      counts: counts(1, 0, 0, 0, 2),
      classCounts: new Map([['a', counts(1, 0, 0, 0, 2)]]),
      final: false,
    });
    expect(r).toMatchObject({ decided: false, passed: false });
  });

  it('a veto needs more than half of the votes cast against; abstentions are not votes cast', () => {
    const run = (c: Counts) =>
      tallyChambers({
        procedure: proc([
          { classId: 'g', rule: { type: 'consensus', minParticipation: { num: 0, den: 1 } }, veto: true },
        ]),
        counts: whole,
        classCounts: new Map([['g', c]]),
        final: true,
      }).chambers.chambers[0]!;
    expect(run(counts(1, 1, 0, 5, 7)).vetoed).toBe(false);
    expect(run(counts(1, 2, 0, 0, 3)).vetoed).toBe(true);
    expect(run(counts(1, 0, 2, 0, 3))).toMatchObject({ vetoed: true, passed: false });
    expect(run(counts(0, 0, 0, 3, 3)).vetoed).toBe(false);
  });

  it('weighs each chamber’s share of agree among votes cast, exactly', () => {
    const r = tallyChambers({
      procedure: proc(
        [
          { classId: 'a', rule: majority, weight: 2 },
          { classId: 'b', rule: majority, weight: 1 },
        ],
        { threshold: { num: 2, den: 3 }, strict: false },
      ),
      counts: whole,
      // a: 2 of 3 (abstentions left out); b: 1 of 1. (2 × 2/3 + 1 × 1) / 3 = 7/9.
      classCounts: new Map([
        ['a', counts(2, 1, 0, 4, 7)],
        ['b', counts(1, 0, 0, 0, 1)],
      ]),
      final: true,
    });
    expect(r.chambers.weighted).toEqual({ share: '7/9', approx: '0.7778', threshold: '2/3', met: true });
    expect(r.passed).toBe(true);
  });

  it('leaves a class without members out: no say, no veto, not in the weighted share', () => {
    const r = tallyChambers({
      procedure: proc(
        [
          { classId: 'a', rule: majority, weight: 1 },
          { classId: 'empty', rule: majority, weight: 5, veto: true },
        ],
        { threshold: { num: 1, den: 1 }, strict: false },
      ),
      counts: whole,
      classCounts: new Map([['a', counts(3, 0, 0, 0, 3)]]),
      final: true,
    });
    expect(r.chambers.chambers[1]).toMatchObject({
      passed: true,
      vetoed: false,
      reasons: [{ code: 'chamber_empty' }],
    });
    expect(r.chambers.weighted).toMatchObject({ share: '1', met: true });
    expect(r.passed).toBe(true);
  });

  it('takes hostile class ids as plain keys', () => {
    const ids = ['__proto__', 'constructor', 'toString'];
    const r = tallyChambers({
      procedure: proc(
        ids.map((classId) => ({ classId, rule: majority, weight: 1 })),
        { threshold: { num: 1, den: 2 }, strict: true },
      ),
      counts: whole,
      classCounts: new Map(ids.map((id, i) => [id, counts(i, 1, 0, 0, 3)])),
      final: true,
    });
    expect(r.chambers.chambers.map((c) => [c.classId, c.passed])).toEqual([
      ['__proto__', false],
      ['constructor', false],
      ['toString', true],
    ]);
    // (0 + 1/2 + 2/3) / 3 = 7/18.
    expect(r.chambers.weighted).toMatchObject({ share: '7/18', met: false });
    expect(r.reasons.filter((x) => x.code === 'chamber_failed').map((x) => x.params.chamber)).toEqual([
      '__proto__',
      'constructor',
    ]);
  });
});
