// Polls through HTTP on both stores: a constitution whose resolutions are decided by a ranked-choice poll, a poll
// proposal with options, ballots cast, replaced and refused (problem+json, nothing written), the result read back.
import { RECORD_VERSION } from '@peergov/kernel/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { closeAsIfLater } from './attack-kit';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the poll API on PostgreSQL');

const OPTIONS = [
  { id: 'oak', label: 'Plant an oak' },
  { id: 'pond', label: 'Dig a pond' },
  { id: '__proto__', label: 'Build a shed' },
  { id: 'none', label: 'None of these', statusQuo: true },
];

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`polls on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let c = '';
    let commonsId = '';
    let pid = '';

    const logSize = async () => (await ada.call('GET', `${c}/log?limit=1`)).json().size as number;

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      const commons = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' });
      commonsId = commons.json().id;
      c = `/api/v1/commons/${commonsId}`;
      // Bob applies; Ada, the only member, consents, which settles it.
      const application = await bob.call('POST', `${c}/applications`, {});
      expect(application.statusCode, application.body).toBe(201);
      const admitted = await ada.call('PUT', `${c}/proposals/${application.json().id}/position`, {
        stance: 'agree',
      });
      expect(admitted.json().status).toBe('passed');
    });
    afterAll(async () => t?.close());

    it('refuses a poll rule for a kind of action a poll cannot decide, saying why, writing nothing', async () => {
      const before = await logSize();
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'Admissions by poll',
        action: {
          kind: 'amend_constitution',
          rules: { admit_member: { type: 'poll', hours: 24, method: 'approval' } },
        },
      });
      expect(r.statusCode).toBe(422);
      expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(r.json()).toMatchObject({ code: 'invalid_procedure' });
      expect(r.json().detail).toMatch(/a poll can decide only "resolution", not "admit_member"/);
      const score = await ada.call('POST', `${c}/proposals`, {
        title: 'Scores',
        action: {
          kind: 'amend_constitution',
          rules: { resolution: { type: 'poll', hours: 24, method: 'score' } },
        },
      });
      expect(score.statusCode).toBe(422);
      expect(score.json().detail).toMatch(/needs min and max/);
      expect(await logSize()).toBe(before);
    });

    it('amends the constitution so that resolutions are decided by ranked choice (IRV)', async () => {
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'Resolutions by ranked choice',
        action: {
          kind: 'amend_constitution',
          rules: { resolution: { type: 'poll', hours: 48, method: 'irv', points: 3 } },
        },
      });
      expect(r.statusCode, r.body).toBe(201);
      // Ada agrees and Bob too: the amendment passes (consent, everyone has spoken).
      await ada.call('PUT', `${c}/proposals/${r.json().id}/position`, { stance: 'agree' });
      const done = await bob.call('PUT', `${c}/proposals/${r.json().id}/position`, { stance: 'agree' });
      expect(done.json().status).toBe('passed');
      const commons = (await ada.call('GET', c)).json();
      // Normalised: a ranked poll keeps no points.
      expect(commons.constitution.rules.resolution).toEqual({ type: 'poll', hours: 48, method: 'irv' });
      expect(commons.constitution.text.find((x: { kind: string }) => x.kind === 'resolution').text).toMatch(
        /instant-runoff count \(RCTab rules\)/,
      );
    });

    it('refuses a poll proposal without a question or with a bad one, writing nothing', async () => {
      const before = await logSize();
      const action = { kind: 'resolution', text: 'The corner of the garden' };
      const none = await ada.call('POST', `${c}/proposals`, { title: 'Corner', action });
      expect(none.statusCode).toBe(422);
      expect(none.json()).toMatchObject({ code: 'invalid_question' });
      const one = await ada.call('POST', `${c}/proposals`, {
        title: 'Corner',
        action,
        question: { options: [{ id: 'oak', label: 'Oak' }] },
      });
      expect(one.statusCode).toBe(400);
      expect(one.json().code).toBe('invalid_request');
      const twice = await ada.call('POST', `${c}/proposals`, {
        title: 'Corner',
        action,
        question: {
          options: [
            { id: 'oak', label: 'Oak' },
            { id: 'oak', label: 'Oak again' },
          ],
        },
      });
      expect(twice.statusCode).toBe(422);
      expect(twice.json().detail).toMatch(/Two options have the id "oak"/);
      expect(await logSize()).toBe(before);
    });

    it('opens a poll with four options; the view carries the question', async () => {
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'What to do with the corner',
        action: { kind: 'resolution', text: 'The corner of the garden' },
        question: { options: OPTIONS },
      });
      expect(r.statusCode, r.body).toBe(201);
      pid = r.json().id;
      expect(r.json().question.options).toEqual(OPTIONS.map((o) => ({ statusQuo: false, ...o })));
      expect(r.json().procedure).toEqual({ type: 'poll', hours: 48, method: 'irv' });
      expect(r.json().canTakePosition).toBe(true);
    });

    it('refuses bad ballots and positions on a poll with a problem, writing nothing', async () => {
      const before = await logSize();
      const url = `${c}/proposals/${pid}/ballot`;
      const cases: [unknown, number, string, RegExp][] = [
        [{ ballot: { ranking: ['oak', 'oak'] } }, 422, 'invalid_ballot', /ranks "oak" twice/],
        [{ ballot: { ranking: ['elm'] } }, 422, 'invalid_ballot', /no option "elm"/],
        [{ ballot: { ranking: ['toString'] } }, 422, 'invalid_ballot', /no option "toString"/],
        [{ ballot: { approve: ['oak'] } }, 422, 'invalid_ballot', /counted by irv/],
        [{ ballot: { ranking: 'oak' } }, 400, 'invalid_request', /ranking/],
        [{ ballot: { ranking: ['oak'], colour: 'red' } }, 400, 'invalid_request', /./],
      ];
      for (const [payload, status, code, detail] of cases) {
        const r = await bob.call('PUT', url, payload);
        expect(r.statusCode, r.body).toBe(status);
        expect(r.json().code).toBe(code);
        expect(r.json().detail).toMatch(detail);
      }
      const position = await bob.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'agree' });
      expect(position.statusCode).toBe(409);
      expect(position.json().code).toBe('poll_needs_ballot');
      expect(await logSize()).toBe(before);
    });

    it('takes ballots, a second replacing the first, and decides once everyone has voted', async () => {
      const url = `${c}/proposals/${pid}/ballot`;
      const first = await bob.call('PUT', url, { ballot: { ranking: ['oak'] }, reason: 'Shade' });
      expect(first.statusCode, first.body).toBe(200);
      expect(first.json().myPosition).toMatchObject({ stance: 'agree', ballot: { ranking: ['oak'] } });
      expect(first.json().status).toBe('open');
      // A ballot is the voter's position: the proposer hears of it as of one.
      await t.ctx.notifications.idle();
      const heard = (await ada.call('GET', '/api/v1/notifications')).json();
      expect(heard.items).toContainEqual(
        expect.objectContaining({ kind: 'position_on_your_proposal', proposalId: pid }),
      );
      const again = await bob.call('PUT', url, { ballot: { ranking: ['__proto__', 'pond'] } });
      expect(again.json().myPosition.ballot).toEqual({ ranking: ['__proto__', 'pond'] });
      expect(again.json().positionCount).toBe(1);
      const positions = (await ada.call('GET', `${c}/proposals/${pid}/positions`)).json();
      expect(positions.items[0]).toMatchObject({
        accountId: bob.id,
        ballot: { ranking: ['__proto__', 'pond'] },
      });
      const last = await ada.call('PUT', url, { ballot: { ranking: ['pond', 'oak'] } });
      expect(last.statusCode, last.body).toBe(200);
      const p = last.json();
      expect(p.status).toBe('passed');
      expect(p.outcome.reasons[0]).toMatchObject({ code: 'poll_won', params: { option: 'pond' } });
      expect(p.outcome.poll.method).toBe('irv');
      expect(p.outcome.poll.winners).toEqual(['pond']);
      expect(p.outcome.poll.ballots).toBe(2);
      // Round 1: pond 1, __proto__ 1, oak and none 0; pond has a majority of the two ballots at once.
      expect(p.outcome.poll.rounds[0].tally).toEqual([
        { option: 'oak', votes: '0' },
        { option: 'pond', votes: '1' },
        { option: '__proto__', votes: '1' },
        { option: 'none', votes: '0' },
      ]);
      expect(p.outcome.poll.explanation.join(' ')).toMatch(/Instant-runoff/);
      // Read back from a fresh GET: the same result.
      const read = (await bob.call('GET', `${c}/proposals/${pid}`)).json();
      expect(read.outcome.poll).toEqual(p.outcome.poll);
      const closed = await bob.call('PUT', url, { ballot: { ranking: ['oak'] } });
      expect(closed.statusCode).toBe(409);
      expect(closed.json().code).toBe('proposal_closed');
    });

    it('decides at its closing time with the ballots cast; the status quo winning passes nothing', async () => {
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'Another corner',
        action: { kind: 'resolution', text: 'The other corner' },
        question: { options: OPTIONS },
      });
      const other = r.json().id;
      const cast = await bob.call('PUT', `${c}/proposals/${other}/ballot`, {
        ballot: { ranking: ['none', 'oak'] },
      });
      expect(cast.json().status).toBe('open');
      expect(await closeAsIfLater(t, 3, commonsId)).toBe(1);
      const p = (await ada.call('GET', `${c}/proposals/${other}`)).json();
      expect(p).toMatchObject({
        status: 'rejected',
        outcome: {
          passed: false,
          participants: [bob.id],
          reasons: [{ code: 'poll_status_quo', params: { option: 'none' } }],
        },
        execution: null,
      });
      expect(p.outcome.poll.winners).toEqual(['none']);
    });

    it('lets only the electorate vote: not anonymous, not an outsider, not a member admitted after the opening', async () => {
      const r = await ada.call('POST', `${c}/proposals`, {
        title: 'A third corner',
        action: { kind: 'resolution', text: 'The third corner' },
        question: { options: OPTIONS },
      });
      const url = `${c}/proposals/${r.json().id}/ballot`;
      const before = await logSize();
      const anonymous = await t.app.inject({ method: 'PUT', url, payload: { ballot: { ranking: ['oak'] } } });
      expect(anonymous.statusCode).toBe(401);
      const cara = await new Person(t.app, 'cara@example.org', 'Cara').signUp();
      const outsider = await cara.call('PUT', url, { ballot: { ranking: ['oak'] } });
      expect(outsider.statusCode).toBe(403);
      expect(outsider.json().code).toBe('not_a_member');
      expect(await logSize()).toBe(before);
      const application = await cara.call('POST', `${c}/applications`, {});
      for (const who of [ada, bob])
        await who.call('PUT', `${c}/proposals/${application.json().id}/position`, { stance: 'agree' });
      expect((await cara.call('GET', c)).json().me.status).toBe('member');
      const late = await cara.call('PUT', url, { ballot: { ranking: ['oak'] } });
      expect(late.statusCode).toBe(403);
      expect(late.json().code).toBe('not_in_electorate');
      expect((await cara.call('GET', `${c}/proposals/${r.json().id}`)).json().canTakePosition).toBe(false);
    });

    it('verifies: the log folds to the same poll, ballots and documents', async () => {
      const verify = await ada.call('GET', `${c}/log/verify`);
      expect(verify.statusCode, verify.body).toBe(200);
      expect(verify.json()).toMatchObject({ ok: true });
      const log = (await ada.call('GET', `${c}/log?limit=100`)).json();
      const types = log.records.map((r: { type: string }) => r.type);
      expect(types.filter((x: string) => x === 'BallotCast')).toHaveLength(4);
      // Written at the current record version, under the current catalogue (ballots came in version 3; later versions
      // read them the same).
      expect(log.records.find((r: { type: string }) => r.type === 'BallotCast').v).toBe(RECORD_VERSION);
    });

    it('documents the ballot and the poll result in OpenAPI', async () => {
      const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
      expect(Object.keys(doc.paths)).toContain('/api/v1/commons/{id}/proposals/{pid}/ballot');
      const text = JSON.stringify(doc);
      expect(text).toContain('pairwise');
      expect(text).toContain('statusQuo');
    });
  });
}
