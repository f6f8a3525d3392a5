import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { pgTestUrl, requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the API suite on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`API on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let commonsId: string;

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
    });
    afterAll(async () => t?.close());

    const logSize = async () =>
      (await ada.call('GET', `/api/v1/commons/${commonsId}/log?limit=1`)).json().size;

    it('reports health and the store', async () => {
      const r = await t.app.inject({ url: '/api/v1/health' });
      expect(r.json()).toEqual({ status: 'ok', store: kind });
    });

    it('publishes OpenAPI 3.1 with the routes', async () => {
      const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toContain('/api/v1/commons/{id}/proposals');
      const page = await t.app.inject({ url: '/api/docs/' });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
    });

    it('makes no second account with the same email, in any case, and does not say so', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email: 'ADA@example.org', password: 'another password', displayName: 'Ada 2' },
      });
      expect(r.statusCode).toBe(202);
      expect(r.headers['set-cookie']).toBeUndefined();
      const s = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signin',
        payload: { email: 'ADA@example.org', password: 'another password' },
      });
      expect(s.statusCode).toBe(401);
      expect(s.json().code).toBe('invalid_credentials');
      expect(await t.ctx.store.countAccounts()).toBe(2);
    });

    it('sets an HttpOnly SameSite session cookie', async () => {
      const r = await t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signin',
        payload: { email: 'ada@example.org', password: 'correct horse battery' },
      });
      expect(r.statusCode).toBe(200);
      expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly/);
      expect(String(r.headers['set-cookie'])).toMatch(/SameSite=Lax/);
    });

    it('creates a commons from a template; the founder is a member', async () => {
      const r = await ada.call('POST', '/api/v1/commons', {
        name: 'Garden',
        purpose: 'Grow food',
        template: 'single-class',
      });
      expect(r.statusCode).toBe(201);
      commonsId = r.json().id;
      expect(r.json().me).toMatchObject({ status: 'member' });
      expect(r.json().constitution.text.find((x: { kind: string }) => x.kind === 'admit_member').text).toBe(
        'Passes after 72 hours unless a member objects.',
      );
    });

    it('rejects a cookie write without the CSRF header, writing nothing', async () => {
      const before = await logSize();
      const r = await t.app.inject({
        method: 'POST',
        url: `/api/v1/commons/${commonsId}/proposals`,
        headers: { cookie: ada.cookie },
        payload: { title: 'x', action: { kind: 'resolution', text: 'y' } },
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().code).toBe('csrf_failed');
      expect(await logSize()).toBe(before);
    });

    it('answers bad input with a clear 4xx and writes nothing', async () => {
      const before = await logSize();
      const url = `/api/v1/commons/${commonsId}/proposals`;
      const cases: [unknown, number, string, RegExp][] = [
        [
          { title: 'x', action: { kind: 'resolution', text: 'y' }, colour: 'red' },
          400,
          'invalid_request',
          /unknown field "colour"/,
        ],
        [
          { title: 'x'.repeat(201), action: { kind: 'resolution', text: 'y' } },
          400,
          'invalid_request',
          /^The title is too long: it may have at most 200 characters\./,
        ],
        [{ title: 'x', action: { kind: 'teleport' } }, 400, 'invalid_request', /kind/],
        [
          { title: 'x', action: { kind: 'remove_member', accountId: 'nobody' } },
          404,
          'member_not_found',
          /not a member/,
        ],
        [
          {
            title: 'x',
            action: {
              kind: 'amend_constitution',
              rules: {
                resolution: {
                  type: 'vote',
                  hours: 1,
                  threshold: { num: 3, den: 2 },
                  strict: false,
                  quorum: { num: 0, den: 1 },
                  abstentions: 'ignored',
                },
              },
            },
          },
          422,
          'invalid_procedure',
          /threshold/,
        ],
      ];
      for (const [payload, status, code, detail] of cases) {
        const r = await ada.call('POST', url, payload);
        expect(r.statusCode, JSON.stringify(payload)).toBe(status);
        expect(r.json().code).toBe(code);
        expect(r.json().detail).toMatch(detail);
      }
      const malformed = await t.app.inject({
        method: 'POST',
        url,
        headers: { cookie: ada.cookie, 'x-csrf-token': ada.csrf, 'content-type': 'application/json' },
        payload: '{"title": ',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().code).toBe('malformed_json');
      // Over-long input names the field and its limit for a person and a form, and nothing is cut to fit.
      const long = await ada.call('POST', url, {
        title: 'x',
        action: { kind: 'resolution', text: 'y'.repeat(20_001) },
      });
      expect(long.statusCode).toBe(400);
      expect(long.json()).toMatchObject({
        code: 'invalid_request',
        field: 'action.text',
        limit: 20_000,
        detail:
          'The text (action.text) is too long: it may have at most 20,000 characters. Shorten it and send it again.',
      });
      const longTitle = await ada.call('POST', url, {
        title: 't'.repeat(201),
        action: { kind: 'resolution', text: 'y' },
      });
      expect(longTitle.json()).toMatchObject({ field: 'title', limit: 200 });
      expect((await ada.call('GET', '/api/v1/commons/nope')).statusCode).toBe(404);
      expect((await ada.call('GET', `/api/v1/commons/${commonsId}/proposals/nope`)).json().code).toBe(
        'proposal_not_found',
      );
      expect(await logSize()).toBe(before);
    });

    it('refuses a proposal from a non-member under the constitution, writing nothing', async () => {
      const before = await logSize();
      const r = await bob.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'x',
        action: { kind: 'resolution', text: 'y' },
      });
      expect(r.statusCode).toBe(403);
      expect(r.json().code).toBe('not_a_member');
      expect(await logSize()).toBe(before);
    });

    it('invites a member by email; the decision admits them and explains itself', async () => {
      const r = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'Invite Bob',
        action: { kind: 'admit_member', email: 'bob@example.org' },
      });
      expect(r.statusCode).toBe(201);
      const pid = r.json().id;
      const v = await ada.call('PUT', `/api/v1/commons/${commonsId}/proposals/${pid}/position`, {
        stance: 'agree',
        reason: 'He grows beans',
      });
      expect(v.json()).toMatchObject({ status: 'passed', outcome: { passed: true, ruleVersion: 1 } });
      expect(v.json().outcome.reasons[0].text).toMatch(/No objection/);
      const c = (await bob.call('GET', `/api/v1/commons/${commonsId}`)).json();
      expect(c.me).toMatchObject({ status: 'member' });
    });

    it('discusses, takes positions with reasons and passes a proposal', async () => {
      const r = await bob.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'Plant an orchard',
        body: 'Apples and pears along the fence.',
        action: { kind: 'resolution', text: 'Plant ten fruit trees' },
      });
      const pid = r.json().id;
      const k = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals/${pid}/comments`, {
        text: 'Which varieties?',
      });
      expect(k.statusCode).toBe(201);
      await bob.call('POST', `/api/v1/commons/${commonsId}/proposals/${pid}/comments`, {
        text: 'Old local ones.',
        replyTo: k.json().id,
      });
      await ada.call('PUT', `/api/v1/commons/${commonsId}/proposals/${pid}/position`, {
        stance: 'block',
        reason: 'Too shady',
      });
      await ada.call('PUT', `/api/v1/commons/${commonsId}/proposals/${pid}/position`, {
        stance: 'agree',
        reason: 'Fine on the north side',
      });
      const v = await bob.call('PUT', `/api/v1/commons/${commonsId}/proposals/${pid}/position`, {
        stance: 'agree',
        reason: '',
      });
      expect(v.json().status).toBe('passed');
      // The view carries the first page of each list and its total; the paged endpoints list them all.
      expect(v.json().comments.total).toBe(2);
      expect(v.json().positions.total).toBe(2);
      const comments = await bob.call('GET', `/api/v1/commons/${commonsId}/proposals/${pid}/comments`);
      expect(comments.json().items.map((c: { text: string }) => c.text)).toEqual([
        'Which varieties?',
        'Old local ones.',
      ]);
      expect(comments.json().next).toBeNull();
      const positions = await bob.call('GET', `/api/v1/commons/${commonsId}/proposals/${pid}/positions`);
      expect(
        positions
          .json()
          .items.map((p: { reason: string }) => p.reason)
          .sort(),
      ).toEqual(['', 'Fine on the north side']);
      expect(positions.json().next).toBeNull();
      const again = await bob.call('PUT', `/api/v1/commons/${commonsId}/proposals/${pid}/position`, {
        stance: 'block',
        reason: '',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('proposal_closed');
    });

    it('amends the constitution through a proposal under the current rules', async () => {
      const r = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'Open membership',
        action: { kind: 'amend_constitution', rules: { admit_member: { type: 'automatic' } } },
      });
      expect(r.json().procedure.type).toBe('vote');
      const pid = r.json().id;
      await ada.call('PUT', `/api/v1/commons/${commonsId}/proposals/${pid}/position`, {
        stance: 'agree',
        reason: '',
      });
      const v = await bob.call('PUT', `/api/v1/commons/${commonsId}/proposals/${pid}/position`, {
        stance: 'agree',
        reason: '',
      });
      expect(v.json().outcome).toMatchObject({ passed: true, ruleVersion: 1, counts: { agree: 2 } });
      const c = (await ada.call('GET', `/api/v1/commons/${commonsId}`)).json();
      expect(c.constitution.version).toBe(2);
      expect(c.constitution.rules.admit_member).toEqual({ type: 'automatic' });
      expect(c.history).toHaveLength(1);
    });

    it('names the decision, not the last voter, as the actor of what it carried out', async () => {
      const log = (await ada.call('GET', `/api/v1/commons/${commonsId}/log?from=0&limit=1000`)).json();
      type Row = {
        seq: number;
        type: string;
        actor: string | null;
        actorName: string | null;
        decision: { proposalId: string; title: string | null } | null;
        data: { proposalId?: string };
      };
      const records = log.records as Row[];
      const amended = records.find((r) => r.type === 'ConstitutionAmended');
      const decided = records.find(
        (r) => r.type === 'ProposalDecided' && r.data.proposalId === amended?.data.proposalId,
      );
      for (const r of [amended, decided]) {
        expect(r).toBeDefined();
        expect(r!.decision).toEqual({ proposalId: amended!.data.proposalId, title: 'Open membership' });
        expect(r!.actorName).toBeNull();
        // The signed record still holds the account whose position settled it.
        expect(r!.actor).toBe(bob.id);
      }
      // What a person did is still theirs.
      const bobsPosition = records.find(
        (r) =>
          r.type === 'PositionTaken' && r.actor === bob.id && r.data.proposalId === amended!.data.proposalId,
      );
      expect(bobsPosition).toMatchObject({ actorName: 'Bob', decision: null });
      expect(records[0]).toMatchObject({ type: 'CommonsCreated', actorName: 'Ada', decision: null });
    });

    it('personal API tokens authenticate without CSRF; only their owner deletes them', async () => {
      const r = await ada.call('POST', '/api/v1/tokens', { name: 'script' });
      expect(r.statusCode).toBe(201);
      const token = r.json().token;
      const w = await t.app.inject({
        method: 'POST',
        url: `/api/v1/commons/${commonsId}/proposals`,
        headers: { authorization: `Bearer ${token}` },
        payload: { title: 'From a script', action: { kind: 'resolution', text: 'Automate the watering' } },
      });
      expect(w.statusCode).toBe(201);
      expect((await bob.call('DELETE', `/api/v1/tokens/${r.json().id}`)).statusCode).toBe(404);
      expect((await ada.call('DELETE', `/api/v1/tokens/${r.json().id}`)).statusCode).toBe(204);
      const after = await t.app.inject({
        url: '/api/v1/auth/session',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(after.statusCode).toBe(401);
    });

    it('verifies the log, serves checkpoint and inclusion proof', async () => {
      const v = (await ada.call('GET', `/api/v1/commons/${commonsId}/log/verify`)).json();
      expect(v.ok).toBe(true);
      expect(v.size).toBeGreaterThan(5);
      const cp = (await ada.call('GET', `/api/v1/commons/${commonsId}/log/checkpoint`)).json();
      expect(cp.checkpoint).toMatchObject({ commons: commonsId, size: v.size, root: v.root });
      const proof = (await ada.call('GET', `/api/v1/commons/${commonsId}/log/proof/2`)).json();
      expect(proof).toMatchObject({ seq: 2, size: v.size, root: v.root });
      const log = (await ada.call('GET', `/api/v1/commons/${commonsId}/log?from=0&limit=3`)).json();
      expect(log.records.map((x: { type: string }) => x.type)).toEqual([
        'CommonsCreated',
        'ProposalOpened',
        'PositionTaken',
      ]);
      expect(log.records[0].actorName).toBe('Ada');
      const list = (await bob.call('GET', '/api/v1/commons')).json();
      expect(list.items.find((c: { id: string }) => c.id === commonsId).myStatus).toBe('member');
    });

    it('fails verification naming the record after one stored byte changes', async () => {
      // Change one digit of the record's time, straight in the database, as an attacker with disk access would.
      const flip = (body: string) => {
        const i = body.indexOf('"at"') + 8;
        return body.slice(0, i) + (body[i] === '1' ? '2' : '1') + body.slice(i + 1);
      };
      if (kind === 'sqlite') {
        const db = new Database(join(t.dataDir, 'peergov.sqlite'));
        const row = db.prepare('SELECT body FROM records WHERE commons_id = ? AND seq = 3').get(commonsId) as
          { body: string } | undefined;
        expect(row, 'records table layout').toBeDefined();
        db.prepare('UPDATE records SET body = ? WHERE commons_id = ? AND seq = 3').run(
          flip(row!.body),
          commonsId,
        );
        db.close();
      } else {
        const c = new pg.Client({ connectionString: pgTestUrl });
        await c.connect();
        const table = `${t.ctx.config.databaseSchema}.records`;
        const { rows } = await c.query(`SELECT body FROM ${table} WHERE commons_id = $1 AND seq = 3`, [
          commonsId,
        ]);
        expect(rows, 'records table layout').toHaveLength(1);
        await c.query(`UPDATE ${table} SET body = $1 WHERE commons_id = $2 AND seq = 3`, [
          flip(rows[0].body),
          commonsId,
        ]);
        await c.end();
      }
      const v = (await ada.call('GET', `/api/v1/commons/${commonsId}/log/verify`)).json();
      expect(v).toMatchObject({ ok: false, seq: 3 });
    });

    it('rate-limits sign-in attempts', async () => {
      let last = 0;
      for (let i = 0; i < 12; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/signin',
          payload: { email: 'bob@example.org', password: 'wrong password' },
        });
        last = r.statusCode;
        if (i === 0) expect(r.json().code).toBe('invalid_credentials');
      }
      expect(last).toBe(429);
    });
  });
}

describe('sign-up limit', () => {
  it('limits sign-ups per address', async () => {
    const t = await testApp('sqlite', { signUpPerHour: 3 });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++) {
        const r = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/signup',
          payload: { email: `p${i}@example.org`, password: 'long enough password', displayName: `P${i}` },
        });
        codes.push(r.statusCode);
      }
      expect(codes).toEqual([202, 202, 202, 429]);
    } finally {
      await t.close();
    }
  });
});
