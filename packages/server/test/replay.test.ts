// Replay of a commons' history under a draft constitution through HTTP, on both stores (issue 12): a draft's rules
// validated as an amendment's (400 by the schema, 422 by the kernel, nothing written), the decisions that would
// have gone the other way with both explanations, paged; an amendment's view carries its replay; anyone who may see
// the commons may ask.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { closeAsIfLater } from './attack-kit';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('replay on PostgreSQL');

const majority = {
  type: 'vote',
  hours: 24,
  threshold: { num: 1, den: 2 },
  strict: true,
  quorum: { num: 1, den: 2 },
  abstentions: 'quorum_only',
};

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`replay on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let cy: Person;
    let c = '';
    let r1 = '';
    let r2 = '';

    const logSize = async () => (await ada.call('GET', `${c}/log?limit=1`)).json().size as number;
    const replay = (who: Person | null, rules: unknown, query = '') =>
      who
        ? who.call('POST', `${c}/replay${query}`, { rules })
        : t.app.inject({ method: 'POST', url: `${c}/replay${query}`, payload: { rules } as object });

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      cy = await new Person(t.app, 'cy@example.org', 'Cy').signUp();
      const commons = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' });
      c = `/api/v1/commons/${commons.json().id}`;
      // Bob and Cy apply; the members consent, which settles each once everyone has spoken.
      const bobs = (await bob.call('POST', `${c}/applications`, {})).json().id;
      await ada.call('PUT', `${c}/proposals/${bobs}/position`, { stance: 'agree' });
      const cys = (await cy.call('POST', `${c}/applications`, {})).json().id;
      await ada.call('PUT', `${c}/proposals/${cys}/position`, { stance: 'agree' });
      const admitted = await bob.call('PUT', `${c}/proposals/${cys}/position`, { stance: 'agree' });
      expect(admitted.json().status).toBe('passed');
      // r1: Bob objects and the others agree: rejected under consent. r2: only Ada agrees: passed at the close.
      r1 = (
        await ada.call('POST', `${c}/proposals`, {
          title: 'Hens',
          action: { kind: 'resolution', text: 'Keep hens' },
        })
      ).json().id;
      await bob.call('PUT', `${c}/proposals/${r1}/position`, { stance: 'block', reason: 'Foxes' });
      await ada.call('PUT', `${c}/proposals/${r1}/position`, { stance: 'agree' });
      const rejected = await cy.call('PUT', `${c}/proposals/${r1}/position`, { stance: 'agree' });
      expect(rejected.json().status).toBe('rejected');
      r2 = (
        await ada.call('POST', `${c}/proposals`, {
          title: 'Pond',
          action: { kind: 'resolution', text: 'Dig a pond' },
        })
      ).json().id;
      await ada.call('PUT', `${c}/proposals/${r2}/position`, { stance: 'agree' });
      await closeAsIfLater(t, 30, commons.json().id);
      expect((await ada.call('GET', `${c}/proposals/${r2}`)).json().status).toBe('passed');
    });
    afterAll(async () => t?.close());

    it('lists the decisions a majority vote would have turned around, both explanations side by side, writing nothing', async () => {
      const before = await logSize();
      const r = await replay(cy, { resolution: majority });
      expect(r.statusCode, r.body).toBe(200);
      const body = r.json();
      expect(body.summary).toEqual({ decided: 4, unchanged: 2, replayed: 2, differ: 2, notReplayable: 0 });
      expect(body.total).toBe(2);
      expect(body.next).toBeNull();
      expect(body.differences.map((d: { proposalId: string }) => d.proposalId)).toEqual([r1, r2]);
      expect(body.differences[0]).toMatchObject({
        title: 'Hens',
        kind: 'resolution',
        ruleVersion: 1,
        recorded: { passed: false, procedure: { type: 'consent' }, reasons: [{ code: 'objection_stands' }] },
        draft: { passed: true, procedure: majority, counts: { agree: 2, block: 1, electorate: 3 } },
      });
      expect(body.differences[1]).toMatchObject({
        title: 'Pond',
        recorded: { passed: true, reasons: [{ code: 'no_objection' }] },
        draft: { passed: false, reasons: [{ code: 'quorum_not_met' }, { code: 'threshold_met' }] },
      });
      expect(await logSize()).toBe(before);
    });

    it('finds nothing different under the rules as they are', async () => {
      const rules = (await ada.call('GET', c)).json().constitution.rules;
      const r = await replay(ada, { resolution: rules.resolution, admit_member: rules.admit_member });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ summary: { replayed: 0, differ: 0 }, differences: [], total: 0 });
    });

    it('pages the differences', async () => {
      const first = (await replay(ada, { resolution: majority }, '?limit=1')).json();
      expect(first).toMatchObject({ total: 2, offset: 0, next: 1 });
      expect(first.differences.map((d: { proposalId: string }) => d.proposalId)).toEqual([r1]);
      const second = (await replay(ada, { resolution: majority }, `?limit=1&offset=${first.next}`)).json();
      expect(second).toMatchObject({ total: 2, offset: 1, next: null });
      expect(second.differences.map((d: { proposalId: string }) => d.proposalId)).toEqual([r2]);
      const past = (await replay(ada, { resolution: majority }, '?offset=9')).json();
      expect(past).toMatchObject({ total: 2, differences: [], next: null });
    });

    it('answers anyone who may see the commons, without an account too', async () => {
      const r = await replay(null, { resolution: majority });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().total).toBe(2);
    });

    it('refuses a bad draft with a problem naming what is wrong, writing nothing', async () => {
      const before = await logSize();
      const problem = async (rules: unknown, status: number, code: string, detail?: RegExp) => {
        const r = await replay(ada, rules);
        expect(r.statusCode, r.body).toBe(status);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(r.json().code).toBe(code);
        if (detail) expect(r.json().detail).toMatch(detail);
      };
      await problem({}, 400, 'invalid_request');
      await problem({ resolution: { type: 'vote' } }, 400, 'invalid_request');
      await problem({ no_such_kind: { type: 'consent', hours: 1 } }, 400, 'invalid_request');
      await problem(
        { admit_member: { type: 'poll', hours: 24, method: 'approval' } },
        422,
        'invalid_procedure',
        /a poll can decide only "resolution", not "admit_member"/,
      );
      await problem(
        {
          resolution: {
            type: 'chambers',
            hours: 1,
            chambers: [{ classId: 'workers', rule: { type: 'consent' } }],
          },
        },
        422,
        'invalid_procedure',
        /no stakeholder class "workers"/,
      );
      const proto = await t.app.inject({
        method: 'POST',
        url: `${c}/replay`,
        headers: { 'content-type': 'application/json' },
        payload: '{"rules":{"__proto__":{"type":"consent","hours":1}}}',
      });
      expect([400, 422]).toContain(proto.statusCode);
      expect(proto.headers['content-type']).toMatch(/application\/problem\+json/);
      const nobody = await t.app.inject({
        method: 'POST',
        url: '/api/v1/commons/nowhere/replay',
        payload: { rules: { resolution: majority } },
      });
      expect(nobody.statusCode).toBe(404);
      expect(await logSize()).toBe(before);
    });

    it('counts replays per address, a draft once: its next pages are kept, another draft past the limit is 429', async () => {
      const small = await testApp(kind, { replaysPerMinute: 2 });
      try {
        const founder = await new Person(small.app, 'fay@example.org', 'Fay').signUp();
        const id = (
          await founder.call('POST', '/api/v1/commons', { name: 'Orchard', template: 'single-class' })
        ).json().id;
        const ask = (rules: unknown, query = '') =>
          small.app.inject({
            method: 'POST',
            url: `/api/v1/commons/${id}/replay${query}`,
            payload: { rules } as object,
          });
        expect((await ask({ resolution: majority })).statusCode).toBe(200);
        expect((await ask({ resolution: majority }, '?offset=0&limit=1')).statusCode).toBe(200);
        expect((await ask({ resolution: { type: 'consent', hours: 1 } })).statusCode).toBe(200);
        const refused = await ask({ resolution: { type: 'consent', hours: 2 } });
        expect(refused.statusCode).toBe(429);
        expect(refused.json().code).toBe('rate_limited');
        expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
        // The first draft, kept, still pages.
        expect((await ask({ resolution: majority }, '?offset=1')).statusCode).toBe(200);
      } finally {
        await small.close();
      }
    });

    it("carries an amendment's replay on its view: the same decisions would have gone the other way", async () => {
      const proposed = await ada.call('POST', `${c}/proposals`, {
        title: 'Resolutions by majority',
        action: { kind: 'amend_constitution', rules: { resolution: majority } },
      });
      expect(proposed.statusCode, proposed.body).toBe(201);
      const link: string = proposed.json().replay;
      expect(link).toBe(`${c}/proposals/${proposed.json().id}/replay`);
      const r = await t.app.inject({ url: link });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().differences.map((d: { proposalId: string }) => d.proposalId)).toEqual([r1, r2]);
      // Other proposals have none.
      expect((await ada.call('GET', `${c}/proposals/${r1}`)).json().replay).toBeNull();
      const none = await t.app.inject({ url: `${c}/proposals/${r1}/replay` });
      expect(none.statusCode).toBe(409);
      expect(none.json().code).toBe('not_an_amendment');
      for (const pid of ['__proto__', 'constructor']) {
        const missing = await t.app.inject({ url: `${c}/proposals/${pid}/replay` });
        expect(missing.statusCode).toBe(404);
        expect(missing.json().code).toBe('proposal_not_found');
      }
    });
  });
}
