import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  JavaRandom,
  defaultRctabRules,
  readRctabContest,
  tabulateRctab,
  type RcvRound,
} from '@peergov/methods/ranked';
import { fixture } from './fixtures';

const rcvDir = fixture('rcv');
const cases = readdirSync(rcvDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== '_shared')
  .map((d) => d.name)
  .sort();

// The shared ES&S workbook is not in the fixtures; RCTab's own CSV conversion of it is (see fixtures README).
const cvrPathMap = {
  '../_shared/simple_ess_cvr.xlsx': {
    filePath: '../_shared/conversions_from_ess_expected.csv',
    provider: 'rctabCsv',
  },
};

/** Decimal strings compared as numbers at their exact value (both sides have at most a few decimals). */
const dec = (v: string) => Number(v);
const decimals = (record: Record<string, string>) =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, dec(v)]));
const tallyResults = (r: RcvRound['tallyResults']) =>
  r
    .map((a) => ({ ...a, transfers: decimals(a.transfers) }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('RCTab conformance (BrightSpots/rcv test data)', () => {
  it('has the 15 cases', () => expect(cases).toHaveLength(15));
  for (const name of cases) {
    it(name, () => {
      const { config, contest } = readRctabContest(join(rcvDir, name, `${name}_config.json`), { cvrPathMap });
      const expected = JSON.parse(
        readFileSync(join(rcvDir, name, `${name}_expected_detailed_report.json`), 'utf8'),
      );
      const result = tabulateRctab(contest, config.rules);
      expect(result.rounds.length, 'number of rounds').toBe(expected.results.length);
      expected.results.forEach((round: RcvRound, i: number) => {
        const ours = result.rounds[i]!; // the round counts are equal
        const where = `round ${round.round}`;
        expect(decimals(ours.tally), `${where} tally`).toEqual(decimals(round.tally));
        expect(dec(ours.threshold), `${where} threshold`).toBe(dec(round.threshold));
        expect(decimals(ours.inactiveBallots), `${where} inactiveBallots`).toEqual(
          decimals(round.inactiveBallots),
        );
        expect(tallyResults(ours.tallyResults), `${where} tallyResults`).toEqual(
          tallyResults(round.tallyResults),
        );
      });
      const s = expected.summary;
      expect(result.summary.numCandidates).toBe(s.numCandidates);
      expect(result.summary.numWinners).toBe(s.numWinners);
      expect(dec(result.summary.totalNumBallots)).toBe(dec(s.totalNumBallots));
      expect(dec(result.summary.finalThreshold)).toBe(dec(s.finalThreshold));
      expect(result.summary.undervotes).toBe(s.undervotes);
      const expectedWinners = expected.results.flatMap((r: RcvRound) =>
        r.tallyResults.filter((a) => a.elected).map((a) => a.elected),
      );
      expect([...result.winners].sort()).toEqual([...expectedWinners].sort());
    });
  }
});

describe('Java Random (for RCTab seeded tie-breaks)', () => {
  it('matches java.util.Random', () => {
    // Values printed by OpenJDK 17 for the same calls.
    const r = new JavaRandom(42);
    expect([r.nextInt(100), r.nextInt(100), r.nextInt(100)]).toEqual([30, 63, 48]);
    expect(new JavaRandom(0).nextDouble()).toBe(0.730967787376657);
    const s = new JavaRandom(-7);
    expect([s.nextDouble(), s.nextInt(7), s.nextInt(16)]).toEqual([0.2691218093260761, 4, 15]);
    expect(new JavaRandom(1).shuffle([0, 1, 2, 3, 4, 5, 6, 7])).toEqual([2, 6, 7, 0, 3, 1, 4, 5]);
  });
});

describe('RCTab rule options beyond the fixtures', () => {
  const contest = (lines: [string[], number][]) => ({
    candidates: [{ name: 'A' }, { name: 'B' }, { name: 'C' }],
    cvrs: lines.map(([names, count]) => ({
      count,
      rankings: names.map((n, i) => ({ rank: i + 1, candidates: n.split('+') })),
    })),
  });
  const rules = { ...defaultRctabRules };

  it('random tie-break draws with Java Random from the seed (tied names sorted first)', () => {
    const c = contest([
      [['A'], 2],
      [['B', 'A'], 2],
      [['C'], 4],
    ]);
    const r = tabulateRctab(c, { ...rules, tiebreakMode: 'random', randomSeed: 0 });
    // Random(0).nextDouble() = 0.7309… picks index 1 of [A, B]: B is eliminated.
    expect(r.rounds[0]?.tallyResults[0]?.eliminated).toBe('B');
    const second = new JavaRandom(0);
    second.nextDouble();
    const expectedWinner = ['A', 'C'][Math.floor(second.nextDouble() * 2)];
    expect(r.winners).toEqual([expectedWinner]);
    expect(r.explanation.join('\n')).toMatch(/random draw \(Java Random, seed 0\)/);
  });

  it('previous round counts break a tie before any draw', () => {
    // Round 1: A 3, B 2, C 4 -> B out, one ballot each to A and C; round 2: A 4, C 5 reaches 5 and wins.
    const c = contest([
      [['A'], 3],
      [['B', 'A'], 1],
      [['B', 'C'], 1],
      [['C'], 4],
    ]);
    const r = tabulateRctab(c, { ...rules, tiebreakMode: 'previousRoundCountsThenRandom', randomSeed: 1 });
    expect(r.winners).toEqual(['C']);
    // Round 1: A 3, C 2, B 1 -> B out; round 2: A 3, C 3 with no majority: round 1 counts decide for A.
    const tie = contest([
      [['A'], 3],
      [['C'], 2],
      [['B', 'C'], 1],
    ]);
    const t = tabulateRctab(tie, { ...rules, tiebreakMode: 'previousRoundCountsThenRandom', randomSeed: 1 });
    expect(t.rounds[1]?.tally).toEqual({ A: '3', C: '3' });
    expect(t.winners).toEqual(['A']);
    expect(t.explanation.join('\n')).toMatch(/previous round counts \(round 1\)/);
  });

  it('exhaustIfMultipleContinuing exhausts only when two marked candidates still continue', () => {
    const c = contest([
      [['A+B', 'C'], 1],
      [['A'], 3],
      [['C'], 2],
      [['B'], 1],
    ]);
    const r = tabulateRctab(c, {
      ...rules,
      overvoteRule: 'exhaustIfMultipleContinuing',
      maxSkippedRanksAllowed: Infinity,
    });
    expect(r.rounds[0]?.inactiveBallots.overvotes).toBe('1');
  });

  it('config errors name the file, the line and the problem', async () => {
    const { parseRctabConfig } = await import('@peergov/methods/ranked');
    const text =
      '{\n  "rules": {\n    "tiebreakMode": "stopCountingAndAsk"\n  },\n  "candidates": [{"name": "A"}]\n}';
    expect(() => parseRctabConfig(text, 'c.json')).toThrow(
      /^c\.json:3: tiebreakMode "stopCountingAndAsk" is not supported/,
    );
    expect(() => parseRctabConfig('{"rules": {}, "candidates": [', 'c.json')).toThrow(
      /^c\.json:1: not valid JSON/,
    );
  });
});
