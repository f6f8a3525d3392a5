// Elections through HTTP on both stores: a role filled by STV, nominations (by another, of oneself), acceptance, the
// ballot opened by the proposer, ranked ballots, the count's rounds and the role's new holders; the authorisation
// matrix (a stranger nominating, a nominee who has not accepted, a ballot for a non-candidate, hostile ids), each
// refusal a problem+json with nothing written. Then a Glasgow 2007 ward cast through the service on each store.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseBlt, scottishStv } from '@peergov/methods/ranked';
import type { Command } from '@peergov/kernel';
import { fixture } from '../../methods/test/fixtures';
import { requirePostgres } from '../../store/test/pg-available';
import { CommonsService } from '../src/commons-service';
import { create } from './commands';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the election API on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`elections on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let cy: Person;
    let dee: Person;
    let stranger: Person;
    let c = '';
    let pid = '';

    const logSize = async () => (await ada.call('GET', `${c}/log?limit=1`)).json().size as number;
    const refused = async (
      r: Awaited<ReturnType<Person['call']>>,
      status: number,
      code: string,
      before: number,
    ) => {
      expect(r.statusCode, r.body).toBe(status);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json().code).toBe(code);
      expect(await logSize()).toBe(before);
    };

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      cy = await new Person(t.app, 'cy@example.org', 'Cy').signUp();
      dee = await new Person(t.app, 'dee@example.org', 'Dee').signUp();
      stranger = await new Person(t.app, 'eve@example.org', 'Eve').signUp();
      // A do-ocracy: admissions are automatic. While Ada is its only member, she creates the role and makes
      // elections open their ballot when the proposer says (no nomination period), each settled by her position.
      const commons = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'do-ocracy' });
      c = `/api/v1/commons/${commons.json().id}`;
      const role = await ada.call('POST', `${c}/proposals`, {
        title: 'A board',
        action: {
          kind: 'create_role',
          roleId: 'board',
          name: 'Board',
          description: 'Runs the garden',
          mandate: [],
          termDays: 365,
        },
      });
      expect(role.statusCode, role.body).toBe(201);
      await ada.call('PUT', `${c}/proposals/${role.json().id}/position`, { stance: 'agree' });
      const amend = await ada.call('POST', `${c}/proposals`, {
        title: 'Elections open by the proposer',
        action: {
          kind: 'amend_constitution',
          rules: { elect_role: { type: 'election', nominationHours: 0, hours: 48, method: 'stv' } },
        },
      });
      expect(amend.statusCode, amend.body).toBe(201);
      const done = await ada.call('PUT', `${c}/proposals/${amend.json().id}/position`, { stance: 'agree' });
      expect(done.json().status, done.body).toBe('passed');
      for (const p of [bob, cy, dee]) {
        const a = await p.call('POST', `${c}/applications`, {});
        expect(a.statusCode, a.body).toBe(201);
      }
      const view = (await ada.call('GET', c)).json();
      expect(view.memberCounts.member ?? view.memberCounts.members ?? 4).toBeTruthy();
      expect(view.constitution.text.find((x: { kind: string }) => x.kind === 'elect_role').text).toMatch(
        /until the proposer opens the ballot/,
      );
    });
    afterAll(async () => t?.close());

    it('refuses more seats than allowed and an unknown role, writing nothing', async () => {
      const before = await logSize();
      const many = await ada.call('POST', `${c}/proposals`, {
        title: 'Too many',
        action: { kind: 'elect_role', roleId: 'board', seats: 21 },
      });
      expect(many.statusCode).toBe(400);
      await refused(
        await ada.call('POST', `${c}/proposals`, {
          title: 'No role',
          action: { kind: 'elect_role', roleId: '__proto__', seats: 1 },
        }),
        404,
        'role_not_found',
        before,
      );
    });

    it('opens an election to two seats; nominations by another and of oneself; acceptance', async () => {
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'Elect the board',
        action: { kind: 'elect_role', roleId: 'board', seats: 2 },
      });
      expect(r.statusCode, r.body).toBe(201);
      pid = r.json().id;
      expect(r.json().election).toEqual({ nominationsCloseAt: null, ballotOpenedAt: null, candidates: [] });
      const n = await ada.call('POST', `${c}/proposals/${pid}/nominations`, { accountId: bob.id });
      expect(n.statusCode, n.body).toBe(200);
      expect(n.json().election.candidates).toMatchObject([
        { accountId: bob.id, nominatedBy: ada.id, accepted: false },
      ]);
      expect(n.json().people).toEqual(expect.arrayContaining([{ accountId: bob.id, displayName: 'Bob' }]));
      const a = await bob.call('POST', `${c}/proposals/${pid}/nominations/accept`);
      expect(a.json().election.candidates[0].accepted).toBe(true);
      for (const p of [cy, dee]) {
        const self = await p.call('POST', `${c}/proposals/${pid}/nominations`, { accountId: p.id });
        expect(self.statusCode, self.body).toBe(200);
      }
      // Ada is nominated by Cy and has not accepted: she does not stand.
      await cy.call('POST', `${c}/proposals/${pid}/nominations`, { accountId: ada.id });
      const view = (await ada.call('GET', `${c}/proposals/${pid}`)).json();
      expect(view.election.candidates.map((x: { accepted: boolean }) => x.accepted)).toEqual([
        true,
        true,
        true,
        false,
      ]);
    });

    it('the authorisation matrix: a stranger, a non-member nominee, hostile ids, a ballot before it opens, an early opening by another', async () => {
      const before = await logSize();
      const url = `${c}/proposals/${pid}`;
      await refused(
        await stranger.call('POST', `${url}/nominations`, { accountId: stranger.id }),
        403,
        'not_a_member',
        before,
      );
      await refused(
        await bob.call('POST', `${url}/nominations`, { accountId: stranger.id }),
        404,
        'member_not_found',
        before,
      );
      await refused(
        await bob.call('POST', `${url}/nominations`, { accountId: '__proto__' }),
        404,
        'member_not_found',
        before,
      );
      await refused(
        await bob.call('POST', `${url}/nominations`, { accountId: 'constructor' }),
        404,
        'member_not_found',
        before,
      );
      const bad = await bob.call('POST', `${url}/nominations`, { accountId: '../x' });
      expect(bad.statusCode).toBe(400);
      await refused(
        await bob.call('POST', `${url}/nominations`, { accountId: cy.id }),
        409,
        'already_nominated',
        before,
      );
      await refused(await stranger.call('POST', `${url}/nominations/accept`), 403, 'not_a_member', before);
      await refused(await bob.call('POST', `${url}/nominations/accept`), 409, 'already_nominated', before);
      await refused(
        await dee.call('POST', `${c}/proposals/__proto__/nominations/accept`),
        404,
        'proposal_not_found',
        before,
      );
      await refused(
        await bob.call('PUT', `${url}/ballot`, { ballot: { ranking: [bob.id] } }),
        409,
        'ballot_not_open',
        before,
      );
      await refused(await bob.call('POST', `${url}/nominations/open-ballot`), 403, 'not_proposer', before);
    });

    it('the proposer opens the ballot; ballots for a non-candidate or one who did not accept are refused', async () => {
      const url = `${c}/proposals/${pid}`;
      const opened = await ada.call('POST', `${url}/nominations/open-ballot`);
      expect(opened.statusCode, opened.body).toBe(200);
      expect(opened.json().election.ballotOpenedAt).not.toBeNull();
      const before = await logSize();
      await refused(
        await ada.call('POST', `${url}/nominations`, { accountId: ada.id }),
        409,
        'nominations_closed',
        before,
      );
      await refused(
        await ada.call('PUT', `${url}/ballot`, { ballot: { ranking: [ada.id] } }),
        422,
        'invalid_ballot',
        before,
      );
      await refused(
        await ada.call('PUT', `${url}/ballot`, { ballot: { ranking: [stranger.id] } }),
        422,
        'invalid_ballot',
        before,
      );
      await refused(
        await ada.call('PUT', `${url}/ballot`, { ballot: { ranking: [bob.id, bob.id] } }),
        422,
        'invalid_ballot',
        before,
      );
      await refused(
        await ada.call('PUT', `${url}/ballot`, { ballot: { approve: [bob.id] } }),
        422,
        'invalid_ballot',
        before,
      );
      await refused(
        await stranger.call('PUT', `${url}/ballot`, { ballot: { ranking: [bob.id] } }),
        403,
        'not_a_member',
        before,
      );
      await refused(
        await ada.call('PUT', `${url}/position`, { stance: 'agree' }),
        409,
        'poll_needs_ballot',
        before,
      );
    });

    it('everyone votes: STV elects two, its rounds are on the outcome and the role has its new holders', async () => {
      const url = `${c}/proposals/${pid}`;
      const ballots: [Person, string[]][] = [
        [ada, [bob.id, cy.id]],
        [bob, [bob.id, dee.id]],
        [cy, [cy.id, bob.id]],
      ];
      for (const [p, ranking] of ballots) {
        const r = await p.call('PUT', `${url}/ballot`, { ballot: { ranking } });
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json().status).toBe('open');
      }
      const last = await dee.call('PUT', `${url}/ballot`, { ballot: { ranking: [dee.id, cy.id] } });
      expect(last.json().status, last.body).toBe('passed');
      const outcome = last.json().outcome;
      expect(outcome.reasons[0].code).toBe('election_won');
      expect(outcome.election.method).toBe('stv');
      expect(outcome.election.elected.sort()).toEqual([bob.id, cy.id].sort());
      expect(outcome.election.quota).toBe('2');
      expect(outcome.election.rounds.length).toBeGreaterThan(0);
      expect(outcome.election.rounds[0].tally).toEqual(
        expect.arrayContaining([{ candidate: bob.id, votes: '2' }]),
      );
      const commons = (await ada.call('GET', c)).json();
      const board = commons.roles.find((r: { id: string }) => r.id === 'board');
      expect(board.holders.map((h: { accountId: string }) => h.accountId).sort()).toEqual(
        [bob.id, cy.id].sort(),
      );
      // The stored document says the same (what a fresh read serves).
      const doc = await t.ctx.store.getDoc(commons.id, 'proposal', pid);
      expect((doc as { outcome: { election: unknown } }).outcome.election).toEqual(outcome.election);
    });
  });

  describe.skipIf(kind === 'postgres' && !pgOk)(`a Glasgow 2007 ward through the service on ${kind}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp(kind);
    });
    afterAll(async () => t?.close());

    it(
      'casts every paper of Springburn 2007, closes, and elects the councillors peergov tally elects',
      { timeout: 300_000 },
      async () => {
        const file = fixture('stv', 'blt', 'scotland', 'Springburn-2007.blt');
        const blt = parseBlt(readFileSync(file, 'utf8'), file);
        const direct = scottishStv(blt);
        const service = t.ctx.commons;
        const id = 'ward';
        await service.execute(id, create(id, 'Springburn'), 'fran');
        const amend: Command = {
          type: 'SubmitProposal',
          proposalId: 'amend',
          title: 'Scottish STV, opened by the proposer',
          body: '',
          action: {
            kind: 'amend_constitution',
            rules: {
              elect_role: { type: 'election', nominationHours: 0, hours: 24, method: 'scottish_stv' },
              create_role: { type: 'automatic' },
            },
          },
        };
        await service.execute(id, amend, 'fran');
        await service.execute(
          id,
          { type: 'TakePosition', proposalId: 'amend', stance: 'agree', reason: '' },
          'fran',
        );
        await service.execute(
          id,
          {
            type: 'SubmitProposal',
            proposalId: 'role',
            title: 'Councillors',
            body: '',
            action: {
              kind: 'create_role',
              roleId: 'councillors',
              name: 'Councillors',
              description: '',
              mandate: [],
              termDays: 365 * 5,
            },
          },
          'fran',
        );
        const candidates = blt.candidates.map((_, i) => `cand${i + 1}`);
        const voters: string[] = [];
        const papers: string[][] = [];
        for (const b of blt.ballots)
          for (let k = 0; k < b.weight; k++) {
            voters.push(`voter${voters.length + 1}`);
            papers.push(b.ranking.map((g) => candidates[g[0]!]!));
          }
        // Admissions are automatic in a do-ocracy: each person applies and is a member at once.
        await Promise.all(
          [...candidates, ...voters].map((who, i) =>
            service.execute(
              id,
              {
                type: 'ApplyForMembership',
                proposalId: `apply${i}`,
                displayName: i < candidates.length ? blt.candidates[i]! : who,
                classes: [],
                statement: '',
              },
              who,
            ),
          ),
        );
        await service.execute(
          id,
          {
            type: 'SubmitProposal',
            proposalId: 'election',
            title: 'Springburn ward',
            body: '',
            action: { kind: 'elect_role', roleId: 'councillors', seats: blt.seats },
          },
          'fran',
        );
        await Promise.all(
          candidates.map((who) =>
            service.execute(id, { type: 'NominateCandidate', proposalId: 'election', accountId: who }, who),
          ),
        );
        await service.execute(id, { type: 'OpenElectionBallot', proposalId: 'election' }, 'fran');
        await Promise.all(
          papers.map((ranking, i) =>
            service.execute(
              id,
              { type: 'CastBallot', proposalId: 'election', ballot: { ranking }, reason: '' },
              voters[i]!,
            ),
          ),
        );
        // Fran and the candidates do not vote: the election closes at its closing time.
        const later = new Date(Date.now() + 25 * 3_600_000);
        const closer = new CommonsService(t.ctx.store, t.ctx.keys, () => later);
        await closer.execute(id, { type: 'CloseProposal', proposalId: 'election' }, null);
        // A service that knows nothing folds the stored log.
        const fresh = new CommonsService(t.ctx.store, t.ctx.keys);
        const state = await fresh.get(id);
        const decided = state?.proposals.election;
        expect(decided?.status).toBe('passed');
        const name = (who: string) => blt.candidates[candidates.indexOf(who)]!;
        expect(decided?.outcome?.election?.elected.map(name)).toEqual(direct.elected);
        expect(decided?.outcome?.election?.quota).toBe(direct.quota);
        expect(decided?.outcome?.election?.ballots).toBe(direct.ballots);
        expect(state?.core.roles.councillors?.holders.map((h) => name(h.accountId)).sort()).toEqual(
          [...direct.elected].sort(),
        );
      },
    );
  });
}
