// An RCTab test case (../shared/fixtures/rcv, BrightSpots/rcv's own test data) as a poll's question and ballots, and
// the check of a poll's count against the case's expected report: shared by the kernel's conformance test and the
// service's on both stores.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readRctabContest, type RcvRound } from '@peergov/methods/ranked';
import type { PollTally, QuestionInput } from '../src/index';
import { fixture } from '../../methods/test/fixtures';

export const RCTAB_POLL_CASE = 'tiebreak_use_permutation_in_config_test';

/** The case's options (candidates in config order, ids made of their names) and one ranking per ballot. */
export function rctabPollCase() {
  const dir = fixture('rcv', RCTAB_POLL_CASE);
  // As the methods' test maps it: the shared ES&S workbook is not in the fixtures, RCTab's own CSV conversion is.
  const cvrPathMap = {
    '../_shared/simple_ess_cvr.xlsx': {
      filePath: '../_shared/conversions_from_ess_expected.csv',
      provider: 'rctabCsv',
    },
  };
  const { config, contest } = readRctabContest(join(dir, `${RCTAB_POLL_CASE}_config.json`), { cvrPathMap });
  const expected = JSON.parse(
    readFileSync(join(dir, `${RCTAB_POLL_CASE}_expected_detailed_report.json`), 'utf8'),
  ) as { results: RcvRound[] };
  // The poll's IRV counts under RCTab's single-winner defaults, ties broken by the options' order. This case's other
  // rules (batch elimination, skipping overvotes, no skipped ranks) change nothing here: its ballots rank one
  // candidate per rank without gaps (checked below), and no batch of candidates is ever eliminated at once.
  expect(config.rules).toMatchObject({ tiebreakMode: 'useCandidateOrder', numberOfWinners: 1 });
  const names = contest.candidates.map((c) => c.name);
  const idOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  const nameOf = new Map(names.map((n) => [idOf(n), n]));
  const cvrs = Array.isArray(contest.cvrs) ? contest.cvrs : [];
  const rankings = cvrs.flatMap((cvr) => {
    const ranks = [...cvr.rankings].sort((a, b) => a.rank - b.rank);
    ranks.forEach((r, i) => {
      expect(r.rank, 'no skipped rank').toBe(i + 1);
      expect(r.candidates, 'one candidate per rank').toHaveLength(1);
    });
    return Array.from({ length: cvr.count ?? 1 }, () => ranks.map((r) => idOf(r.candidates[0]!)));
  });
  const question: QuestionInput = { options: names.map((n) => ({ id: idOf(n), label: n })) };
  return { title: config.contestName || RCTAB_POLL_CASE, question, rankings, nameOf, expected };
}

/** Checks a poll's IRV count against the case's expected report: every round's tally, threshold, eliminations,
 * elections, transfers and exhausted ballots, and the winner. */
export function expectRctabRounds(
  poll: PollTally,
  nameOf: ReadonlyMap<string, string>,
  expected: { results: RcvRound[] },
): void {
  const dec = (v: string) => Number(v);
  const name = (o: string) => nameOf.get(o) ?? `?${o}`;
  expect(poll.rounds).toHaveLength(expected.results.length);
  expected.results.forEach((round, i) => {
    const ours = poll.rounds[i]!;
    const where = `round ${round.round}`;
    expect(
      Object.fromEntries(ours.tally.map((x) => [name(x.option), dec(x.votes)])),
      `${where} tally`,
    ).toEqual(Object.fromEntries(Object.entries(round.tally).map(([k, v]) => [k, dec(v)])));
    expect(dec(ours.threshold), `${where} threshold`).toBe(dec(round.threshold));
    expect(ours.eliminated.map(name), `${where} eliminated`).toEqual(
      round.tallyResults.flatMap((r) => (r.eliminated ? [r.eliminated] : [])),
    );
    expect(ours.elected.map(name), `${where} elected`).toEqual(
      round.tallyResults.flatMap((r) => (r.elected ? [r.elected] : [])),
    );
    const transfers = (list: [string, string][]) => Object.fromEntries(list.map(([k, v]) => [k, dec(v)]));
    expect(
      transfers(ours.transfers.map((x) => [x.to === null ? 'exhausted' : name(x.to), x.votes])),
      `${where} transfers`,
    ).toEqual(transfers(round.tallyResults.flatMap((r) => Object.entries(r.transfers))));
    expect(dec(ours.exhausted), `${where} exhausted`).toBe(
      dec(round.inactiveBallots.exhaustedChoices ?? '0'),
    );
  });
  const winners = expected.results.flatMap((r) =>
    r.tallyResults.flatMap((x) => (x.elected ? [x.elected] : [])),
  );
  expect(poll.winners.map(name)).toEqual(winners);
}
