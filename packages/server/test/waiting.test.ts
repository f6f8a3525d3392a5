// Who has not yet taken a position on an open proposal, through HTTP on both stores: its electorate without a
// position (or, for a role's decision, the role's holders), by display name, paged; members only; empty once
// everyone has taken one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the waiting list suite on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`who has not voted yet, on ${kind}`, () => {
    let t: TestApp;
    let n = 0;
    let people: Person[];
    let c: string;

    beforeAll(async () => {
      t = await testApp(kind);
      people = await Promise.all(
        ['Ada', 'Bob', 'Cleo', 'Dan', 'Eve'].map((name) =>
          new Person(t.app, `${name.toLowerCase()}-${++n}@example.org`, name).signUp(),
        ),
      );
      const [ada, ...others] = people as [Person, ...Person[]];
      const made = await ada.call('POST', '/api/v1/commons', { name: 'Orchard', template: 'single-class' });
      c = `/api/v1/commons/${made.json().id as string}`;
      // Bob, Cleo and Dan join; Eve stays outside.
      for (const [i, other] of others.slice(0, 3).entries()) {
        const p = await ada.call('POST', `${c}/proposals`, {
          title: `Admit ${other.name}`,
          action: { kind: 'admit_member', email: other.email },
        });
        expect(p.statusCode, p.body).toBe(201);
        for (const voter of [ada, ...others].slice(0, i + 1))
          await voter.call('PUT', `${c}/proposals/${p.json().id as string}/position`, { stance: 'agree' });
      }
    });
    afterAll(async () => t?.close());

    it('lists the electorate without a position, by name, a page at a time; only to members', async () => {
      const [ada, bob, cleo, dan, eve] = people as [Person, Person, Person, Person, Person];
      const p = await bob.call('POST', `${c}/proposals`, {
        title: 'Paint the shed',
        action: { kind: 'resolution', text: 'Green' },
      });
      const pid: string = p.json().id;
      const waiting = async (who: Person, query = '') => {
        const r = await who.call('GET', `${c}/proposals/${pid}/waiting${query}`);
        expect(r.statusCode, r.body).toBe(200);
        return r.json() as { items: { displayName: string }[]; next: string | null; total: number };
      };
      expect((await waiting(cleo)).items.map((m) => m.displayName)).toEqual(['Ada', 'Bob', 'Cleo', 'Dan']);
      await bob.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'agree' });
      await dan.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'disagree', reason: 'Blue' });
      const first = await waiting(ada, '?limit=1');
      expect(first).toMatchObject({ items: [{ displayName: 'Ada' }], total: 2 });
      const second = await waiting(ada, `?limit=1&after=${encodeURIComponent(first.next!)}`);
      expect(second).toMatchObject({ items: [{ displayName: 'Cleo' }], next: null, total: 2 });

      // Outside the commons, nothing: who is in it and who has not voted is for its members.
      const outsider = await eve.call('GET', `${c}/proposals/${pid}/waiting`);
      expect({ status: outsider.statusCode, code: outsider.json().code }).toEqual({
        status: 403,
        code: 'not_a_member',
      });
      const anonymous = await t.app.inject({ url: `${c}/proposals/${pid}/waiting` });
      expect(anonymous.statusCode).toBe(403);
      const unknown = await ada.call('GET', `${c}/proposals/__proto__/waiting`);
      expect({ status: unknown.statusCode, code: unknown.json().code }).toEqual({
        status: 404,
        code: 'proposal_not_found',
      });
      expect((await ada.call('GET', `${c}/proposals/${pid}/waiting?limit=0`)).statusCode).toBe(400);

      // Once everyone has taken a position, no one waits any more.
      await ada.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'agree' });
      await cleo.call('PUT', `${c}/proposals/${pid}/position`, { stance: 'agree' });
      expect(await waiting(ada)).toMatchObject({ items: [], total: 0 });
    });
  });
}
