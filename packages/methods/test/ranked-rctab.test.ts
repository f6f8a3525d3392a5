import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JavaRandom, readRctabContest, tabulateRctab, type RcvRound } from '@peergov/methods/ranked';
import { fixture } from './fixtures';

const rcvDir = fixture('rcv');
const cases = readdirSync(rcvDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== '_shared')
  .map((d) => d.name)
  .sort();

// The shared ES&S workbook is not in the fixtures; RCTab's own CSV conversion of it is (see fixtures README).
const cvrPathMap = {
  '../_shared/simple_ess_cvr.xlsx': { filePath: '../_shared/conversions_from_ess_expected.csv', provider: 'rctabCsv' },
};

/** Decimal strings compared as numbers at their exact value (both sides have at most a few decimals). */
const dec = (v: string) => Number(v);
const decimals = (record: Record<string, string>) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, dec(v)]));
const tallyResults = (r: RcvRound['tallyResults']) =>
  r
    .map((a) => ({ ...a, transfers: decimals(a.transfers) }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('RCTab conformance (BrightSpots/rcv test data)', () => {
  it('has the 15 cases', () => expect(cases).toHaveLength(15));
  for (const name of cases) {
    it(name, () => {
      const { config, contest } = readRctabContest(join(rcvDir, name, `${name}_config.json`), { cvrPathMap });
      const expected = JSON.parse(readFileSync(join(rcvDir, name, `${name}_expected_detailed_report.json`), 'utf8'));
      const result = tabulateRctab(contest, config.rules);
      expect(result.rounds.length, 'number of rounds').toBe(expected.results.length);
      expected.results.forEach((round: RcvRound, i: number) => {
        const ours = result.rounds[i];
        const where = `round ${round.round}`;
        expect(decimals(ours.tally), `${where} tally`).toEqual(decimals(round.tally));
        expect(dec(ours.threshold), `${where} threshold`).toBe(dec(round.threshold));
        expect(decimals(ours.inactiveBallots), `${where} inactiveBallots`).toEqual(decimals(round.inactiveBallots));
        expect(tallyResults(ours.tallyResults), `${where} tallyResults`).toEqual(tallyResults(round.tallyResults));
      });
      const s = expected.summary;
      expect(result.summary.numCandidates).toBe(s.numCandidates);
      expect(result.summary.numWinners).toBe(s.numWinners);
      expect(dec(result.summary.totalNumBallots)).toBe(dec(s.totalNumBallots));
      expect(dec(result.summary.finalThreshold)).toBe(dec(s.finalThreshold));
      expect(result.summary.undervotes).toBe(s.undervotes);
      const expectedWinners = expected.results.flatMap((r: RcvRound) => r.tallyResults.filter((a) => a.elected).map((a) => a.elected));
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
