// GET /api/v1/commons answers from each commons' summary document, a page at a time, without loading any commons:
// oldest first, `next` to follow, the caller's status from their member documents, the same figures as the state.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, createContext } from '../src/index';
import { commonsSummary } from '../src/views';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the directory suite on PostgreSQL');

interface Page {
  items: { id: string; name: string; myStatus: string | null; memberCount: number; openProposals: number }[];
  next: string | null;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`the directory on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let bob: Person;
    const ids: string[] = [];
    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      for (let i = 0; i < 5; i++) {
        const c = await ada.call('POST', '/api/v1/commons', { name: `Garden ${i}`, template: 'do-ocracy' });
        ids.push(c.json().id);
      }
      const joined = must(ids[3], 'a commons');
      await bob.call('POST', `/api/v1/commons/${joined}/applications`, { statement: 'Hello' });
      await ada.call('POST', `/api/v1/commons/${joined}/proposals`, {
        title: 'Beans',
        action: { kind: 'resolution', text: 'Water the beans' },
      });
    });
    afterAll(async () => t?.close());

    it('pages oldest first and follows `next` to the end', async () => {
      const seen: string[] = [];
      let path = '/api/v1/commons?limit=2';
      for (let pages = 0; ; pages++) {
        expect(pages).toBeLessThan(4);
        const r = await ada.call('GET', path);
        expect(r.statusCode).toBe(200);
        const page = r.json() as Page;
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((c) => c.id));
        if (page.next === null) break;
        path = `/api/v1/commons?limit=2&after=${encodeURIComponent(page.next)}`;
      }
      expect(seen).toEqual(ids);
      const all = (await ada.call('GET', '/api/v1/commons')).json() as Page;
      expect(all.items.map((c) => c.id)).toEqual(ids);
      expect(all.next).toBeNull();
      for (const bad of ['limit=-1', 'limit=abc', 'after=', 'after=nowhere', 'after=a%00', 'other=1'])
        expect((await ada.call('GET', `/api/v1/commons?${bad}`)).statusCode).toBe(400);
      // Past the maximum the page is the maximum's size; 0 is one.
      expect(((await ada.call('GET', '/api/v1/commons?limit=0')).json() as Page).items).toHaveLength(1);
      expect(((await ada.call('GET', '/api/v1/commons?limit=9999')).json() as Page).items).toHaveLength(5);
    });

    it("says the caller's status and the same figures as the commons' state, without loading any commons", async () => {
      const ctx = await createContext({ ...t.ctx.config });
      const app = await buildApp(ctx);
      try {
        const asBob = new Person(app, bob.email, bob.name);
        Object.assign(asBob, { cookie: bob.cookie, csrf: bob.csrf, id: bob.id });
        const page = (await asBob.call('GET', '/api/v1/commons')).json() as Page;
        const anonymous = (await app.inject({ method: 'GET', url: '/api/v1/commons' })).json() as Page;
        expect(ctx.commons.cacheUse().entries).toBe(0);
        expect(page.items.map((c) => c.myStatus)).toEqual([null, null, null, 'member', null]);
        expect(anonymous.items.every((c) => c.myStatus === null)).toBe(true);
        for (const item of page.items) {
          const state = must(await ctx.commons.get(item.id), item.id);
          expect(item).toEqual(commonsSummary(state, bob.id));
        }
        expect(page.items[3]).toMatchObject({ memberCount: 2, openProposals: 1 });
      } finally {
        await app.close();
        await ctx.store.close();
      }
    });
  });
}
