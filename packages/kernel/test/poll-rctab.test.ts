// Conformance through a commons: the ballots of an RCTab test case (../shared/fixtures/rcv, BrightSpots/rcv's own
// test data) cast as ballots on a ranked-choice poll in a commons, one member per ballot, give the rounds and the
// winner of RCTab's expected report, as the methods' own conformance test (packages/methods/test/ranked-rctab.test.ts)
// expects them from the same files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readRctabContest, type RcvRound } from '@peergov/methods/ranked';
import type { Command, Procedure } from '../src/index';
import { fixture } from '../../methods/test/fixtures';
import { at, foundingEvents, Scenario } from './scenario';

const CASE = 'tiebreak_use_permutation_in_config_test';
const dir = fixture('rcv', CASE);
// As the methods' test maps it: the shared ES&S workbook is not in the fixtures, RCTab's own CSV conversion is.
const cvrPathMap = {
  '../_shared/simple_ess_cvr.xlsx': {
    filePath: '../_shared/conversions_from_ess_expected.csv',
    provider: 'rctabCsv',
  },
};

describe(`an RCTab case through a ranked-choice poll in a commons (${CASE})`, () => {
  it('casts every CVR as a ballot and reproduces every round and the winner', () => {
    const { config, contest } = readRctabContest(join(dir, `${CASE}_config.json`), { cvrPathMap });
    const expected = JSON.parse(readFileSync(join(dir, `${CASE}_expected_detailed_report.json`), 'utf8')) as {
      results: RcvRound[];
    };
    // The poll's IRV counts under RCTab's single-winner defaults, ties broken by the options' order. This case's
    // other rules (batch elimination, skipping overvotes, no skipped ranks) change nothing here: its ballots rank
    // one candidate per rank without gaps (checked below), and no batch of candidates is ever eliminated at once.
    expect(config.rules).toMatchObject({ tiebreakMode: 'useCandidateOrder', numberOfWinners: 1 });
    const names = contest.candidates.map((c) => c.name);
    const idOf = (name: string) => name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const nameOf = new Map(names.map((n) => [idOf(n), n]));
    const cvrs = Array.isArray(contest.cvrs) ? contest.cvrs : [];
    expect(cvrs.length).toBe(10);
    const ballots = cvrs.map((cvr) => {
      const ranks = [...cvr.rankings].sort((a, b) => a.rank - b.rank);
      ranks.forEach((r, i) => {
        expect(r.rank, 'no skipped rank').toBe(i + 1);
        expect(r.candidates, 'one candidate per rank').toHaveLength(1);
      });
      return Array.from({ length: cvr.count ?? 1 }, () => ranks.map((r) => idOf(r.candidates[0]!)));
    });
    const flat = ballots.flat();

    const voters = flat.map((_, i) => `voter${i}`);
    const poll: Procedure = { type: 'poll', hours: 24, method: 'irv' };
    const s = new Scenario(foundingEvents({ rules: { resolution: poll }, members: voters }));
    s.run(
      {
        type: 'SubmitProposal',
        proposalId: 'p1',
        title: config.contestName || CASE,
        body: '',
        action: { kind: 'resolution', text: 'Elect the Sergeant-at-Arms' },
        question: { options: names.map((n) => ({ id: idOf(n), label: n })) },
      } as Command,
      'ada',
      at(0),
    );
    flat.forEach((ranking, i) =>
      s.run({ type: 'CastBallot', proposalId: 'p1', ballot: { ranking }, reason: '' }, voters[i]!, at(1)),
    );
    // Ada (the founder) does not vote: the poll is decided at its closing time.
    expect(s.proposal('p1').status).toBe('open');
    s.close('p1', at(24));
    const outcome = s.proposal('p1').outcome!;
    const poll1 = outcome.poll!;
    expect(poll1.ballots).toBe(10);

    const dec = (v: string) => Number(v);
    expect(poll1.rounds).toHaveLength(expected.results.length);
    expected.results.forEach((round, i) => {
      const ours = poll1.rounds[i]!;
      const where = `round ${round.round}`;
      expect(
        Object.fromEntries(ours.tally.map((x) => [nameOf.get(x.option), dec(x.votes)])),
        `${where} tally`,
      ).toEqual(Object.fromEntries(Object.entries(round.tally).map(([k, v]) => [k, dec(v)])));
      expect(dec(ours.threshold), `${where} threshold`).toBe(dec(round.threshold));
      expect(
        ours.eliminated.map((o) => nameOf.get(o)),
        `${where} eliminated`,
      ).toEqual(round.tallyResults.flatMap((r) => (r.eliminated ? [r.eliminated] : [])));
      expect(
        ours.elected.map((o) => nameOf.get(o)),
        `${where} elected`,
      ).toEqual(round.tallyResults.flatMap((r) => (r.elected ? [r.elected] : [])));
      const transfers = (list: [string, string][]) => Object.fromEntries(list.map(([k, v]) => [k, dec(v)]));
      expect(
        transfers(ours.transfers.map((x) => [x.to === null ? 'exhausted' : nameOf.get(x.to)!, x.votes])),
        `${where} transfers`,
      ).toEqual(transfers(round.tallyResults.flatMap((r) => Object.entries(r.transfers))));
      expect(dec(ours.exhausted), `${where} exhausted`).toBe(
        dec(round.inactiveBallots.exhaustedChoices ?? '0'),
      );
    });
    const winner = expected.results.flatMap((r) =>
      r.tallyResults.flatMap((x) => (x.elected ? [x.elected] : [])),
    );
    expect(poll1.winners.map((o) => nameOf.get(o))).toEqual(winner);
    expect(winner).toEqual(['Mookie Blaylock']);
    expect(outcome).toMatchObject({
      passed: true,
      reasons: [{ code: 'poll_won', params: { option: 'mookie-blaylock' } }],
    });
  });
});
