// Liquid delegation through HTTP on both stores: a vote with delegation, a member delegating on a kind of action,
// the delegate seeing who delegates to them, the close counting the delegate's vote with its weight and chain, and
// refusals (a stranger, a hostile trustee, a bad scope) as problem+json with nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { closeAsIfLater } from './attack-kit';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the delegation API on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`liquid delegation on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    let cy: Person;
    let stranger: Person;
    let c = '';
    let commonsId = '';
    const logSize = async () => (await ada.call('GET', `${c}/log?limit=1`)).json().size as number;

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      cy = await new Person(t.app, 'cy@example.org', 'Cy').signUp();
      stranger = await new Person(t.app, 'eve@example.org', 'Eve').signUp();
      const commons = await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'do-ocracy' });
      commonsId = commons.json().id;
      c = `/api/v1/commons/${commonsId}`;
      const amend = await ada.call('POST', `${c}/proposals`, {
        title: 'Resolutions by a liquid vote',
        action: {
          kind: 'amend_constitution',
          rules: {
            resolution: {
              type: 'vote',
              hours: 24,
              threshold: { num: 1, den: 2 },
              strict: true,
              quorum: { num: 0, den: 1 },
              abstentions: 'ignored',
              delegation: true,
            },
          },
        },
      });
      expect(amend.statusCode, amend.body).toBe(201);
      const done = await ada.call('PUT', `${c}/proposals/${amend.json().id}/position`, { stance: 'agree' });
      expect(done.json().status, done.body).toBe('passed');
      for (const p of [bob, cy]) expect((await p.call('POST', `${c}/applications`, {})).statusCode).toBe(201);
    });
    afterAll(async () => t?.close());

    it('refuses a stranger, a hostile or absent trustee, oneself and a bad scope, writing nothing', async () => {
      const before = await logSize();
      const scope = { type: 'kind', kind: 'resolution' };
      const r1 = await stranger.call('PUT', `${c}/delegations`, { scope, trustee: cy.id });
      expect([r1.statusCode, r1.json().code]).toEqual([403, 'not_a_member']);
      const r2 = await bob.call('PUT', `${c}/delegations`, { scope, trustee: '__proto__' });
      expect([r2.statusCode, r2.json().code]).toEqual([404, 'member_not_found']);
      const r3 = await bob.call('PUT', `${c}/delegations`, { scope, trustee: bob.id });
      expect([r3.statusCode, r3.json().code]).toEqual([422, 'invalid_delegation']);
      const r4 = await bob.call('PUT', `${c}/delegations`, {
        scope: { type: 'kind', kind: 'x' },
        trustee: cy.id,
      });
      expect(r4.statusCode).toBe(400);
      const r5 = await bob.call('POST', `${c}/delegations/revoke`, { scope });
      expect([r5.statusCode, r5.json().code]).toEqual([404, 'delegation_not_found']);
      expect(r5.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(await logSize()).toBe(before);
    });

    it('Bob delegates resolutions to Cy, who sees it; Cy votes; the close counts Cy’s vote twice', async () => {
      const set = await bob.call('PUT', `${c}/delegations`, {
        scope: { type: 'kind', kind: 'resolution' },
        trustee: cy.id,
      });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json().mine).toMatchObject([{ trustee: { accountId: cy.id, displayName: 'Cy' } }]);
      const seen = (await cy.call('GET', `${c}/delegations`)).json();
      expect(seen.toMe).toMatchObject([{ truster: { accountId: bob.id, displayName: 'Bob' } }]);
      const p = await ada.call('POST', `${c}/proposals`, {
        title: 'Paint the shed',
        action: { kind: 'resolution', text: 'Paint the shed green' },
      });
      const url = `${c}/proposals/${p.json().id}`;
      await ada.call('PUT', `${url}/position`, { stance: 'disagree' });
      const voted = await cy.call('PUT', `${url}/position`, { stance: 'agree' });
      expect(voted.json().status).toBe('open');
      expect(await closeAsIfLater(t, 2, commonsId)).toBe(1);
      const decided = (await ada.call('GET', url)).json();
      expect(decided.status).toBe('passed');
      expect(decided.outcome.counts).toMatchObject({ agree: 2, disagree: 1, participants: 3 });
      expect(decided.outcome.delegation.weights).toEqual(
        expect.arrayContaining([{ member: cy.id, weight: 2 }]),
      );
      expect(decided.outcome.delegation.chains).toMatchObject([{ member: bob.id, scope: 'kind' }]);
      const revoked = await bob.call('POST', `${c}/delegations/revoke`, {
        scope: { type: 'kind', kind: 'resolution' },
      });
      expect(revoked.json().mine).toEqual([]);
    });
  });
}
