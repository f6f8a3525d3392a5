// Conformance through the service on both stores: the RCTab case of packages/kernel/test/poll-rctab.test.ts opened as
// a ranked-choice poll in a commons, its ballots cast through CommonsService (the write path: group commit, the log,
// read models), closed at its closing time by a service whose clock is later, and read back by a fresh service that
// folds the stored log: RCTab's expected rounds and winner.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Command } from '@peergov/kernel';
import { expectRctabRounds, RCTAB_POLL_CASE, rctabPollCase } from '../../kernel/test/rctab-poll-case';
import { requirePostgres } from '../../store/test/pg-available';
import { CommonsService } from '../src/commons-service';
import { create } from './commands';
import { testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the RCTab poll through the service on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`${RCTAB_POLL_CASE} through the service on ${kind}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp(kind);
    });
    afterAll(async () => t?.close());

    it('casts every CVR as a ballot, closes the poll and stores the rounds RCTab expects', async () => {
      const { title, question, rankings, nameOf, expected } = rctabPollCase();
      const service = t.ctx.commons;
      const id = 'rctab';
      // A do-ocracy (admissions are automatic) whose founder alone makes resolutions ranked-choice polls.
      await service.execute(id, create(id, 'Funkytown'), 'fran');
      await service.execute(
        id,
        {
          type: 'SubmitProposal',
          proposalId: 'amend',
          title: 'Resolutions by ranked choice',
          body: '',
          action: {
            kind: 'amend_constitution',
            rules: { resolution: { type: 'poll', hours: 24, method: 'irv' } },
          },
        },
        'fran',
      );
      const amended = await service.execute(
        id,
        { type: 'TakePosition', proposalId: 'amend', stance: 'agree', reason: '' },
        'fran',
      );
      expect(amended.state.core.constitution.rules.resolution).toEqual({
        type: 'poll',
        hours: 24,
        method: 'irv',
      });
      const voters = rankings.map((_, i) => `voter${i}`);
      for (const v of voters) {
        await service.execute(
          id,
          {
            type: 'SubmitProposal',
            proposalId: `admit-${v}`,
            title: `Admit ${v}`,
            body: '',
            action: { kind: 'admit_member', accountId: v, displayName: v, classes: [] },
          },
          'fran',
        );
      }
      const submit: Command = {
        type: 'SubmitProposal',
        proposalId: 'poll',
        title,
        body: '',
        action: { kind: 'resolution', text: 'Elect the Sergeant-at-Arms' },
        question,
      };
      await service.execute(id, submit, 'fran');
      // The ballots of one append turn go in together (group commit), as many voters' would.
      await Promise.all(
        rankings.map((ranking, i) =>
          service.execute(
            id,
            { type: 'CastBallot', proposalId: 'poll', ballot: { ranking }, reason: '' },
            voters[i]!,
          ),
        ),
      );
      const open = await service.get(id);
      expect(open?.proposals.poll?.status).toBe('open');
      expect(open?.proposals.poll?.counts.participants).toBe(10);

      // Fran does not vote: the poll closes at its closing time.
      const later = new Date(Date.now() + 25 * 3_600_000);
      const closer = new CommonsService(t.ctx.store, t.ctx.keys, () => later);
      await closer.execute(id, { type: 'CloseProposal', proposalId: 'poll' }, null);

      // A service that knows nothing folds the stored log.
      const fresh = new CommonsService(t.ctx.store, t.ctx.keys);
      const decided = (await fresh.get(id))?.proposals.poll;
      expect(decided?.status).toBe('passed');
      expect(decided?.outcome?.poll?.ballots).toBe(10);
      expectRctabRounds(decided!.outcome!.poll!, nameOf, expected);
      const doc = await t.ctx.store.getDoc(id, 'proposal', 'poll');
      expect((doc as { outcome: { poll: unknown } }).outcome.poll).toEqual(decided!.outcome!.poll);
    });
  });
}
