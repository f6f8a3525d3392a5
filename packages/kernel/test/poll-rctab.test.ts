// Conformance through a commons: the ballots of an RCTab test case cast as ballots on a ranked-choice poll in a
// commons, one member per ballot, give the rounds and the winner of RCTab's expected report, as the methods' own
// conformance test (packages/methods/test/ranked-rctab.test.ts) expects them from the same files.
import { describe, expect, it } from 'vitest';
import type { Command, Procedure } from '../src/index';
import { expectRctabRounds, RCTAB_POLL_CASE, rctabPollCase } from './rctab-poll-case';
import { at, foundingEvents, Scenario } from './scenario';

describe(`an RCTab case through a ranked-choice poll in a commons (${RCTAB_POLL_CASE})`, () => {
  it('casts every CVR as a ballot and reproduces every round and the winner', () => {
    const { title, question, rankings, nameOf, expected } = rctabPollCase();
    expect(rankings).toHaveLength(10);
    const voters = rankings.map((_, i) => `voter${i}`);
    const poll: Procedure = { type: 'poll', hours: 24, method: 'irv' };
    const s = new Scenario(foundingEvents({ rules: { resolution: poll }, members: voters }));
    const submit: Command = {
      type: 'SubmitProposal',
      proposalId: 'p1',
      title,
      body: '',
      action: { kind: 'resolution', text: 'Elect the Sergeant-at-Arms' },
      question,
    };
    s.run(submit, 'ada', at(0));
    rankings.forEach((ranking, i) =>
      s.run({ type: 'CastBallot', proposalId: 'p1', ballot: { ranking }, reason: '' }, voters[i]!, at(1)),
    );
    // Ada (the founder) does not vote: the poll is decided at its closing time.
    expect(s.proposal('p1').status).toBe('open');
    s.close('p1', at(24));
    const outcome = s.proposal('p1').outcome!;
    expect(outcome.poll!.ballots).toBe(10);
    expectRctabRounds(outcome.poll!, nameOf, expected);
    expect(outcome.poll!.winners).toEqual(['mookie-blaylock']);
    expect(outcome).toMatchObject({
      passed: true,
      reasons: [{ code: 'poll_won', params: { option: 'mookie-blaylock' } }],
    });
  });
});
