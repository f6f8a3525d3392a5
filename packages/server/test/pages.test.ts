// The paged lists (members, positions, comments) and the lean views that carry only their first page, on both
// stores: every item once, in a stable order, through the cursors; totals; filters; clear 400s; hostile ids.
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCommons } from '../../../bench/seed';
import { requirePostgres } from '../../store/test/pg-available';
import { must, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the paged lists on PostgreSQL');

/** Members besides the founder, positions on the first proposal. */
const MEMBERS = 25;
const POSITIONS = 23;

interface Page<T> {
  items: T[];
  next: string | null;
  total: number;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`paged lists on ${kind}`, () => {
    let t: TestApp;
    let commons: string;
    let first: string;
    let second: string;
    let tokens: string[];
    let accounts: string[];

    const get = (url: string, token?: string) =>
      t.app.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });
    const write = async (method: 'POST' | 'PUT', url: string, token: string, payload: object) => {
      const r = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
      expect(r.statusCode, r.body).toBeLessThan(300);
      return r.json();
    };
    /** Every item of a list, a page of `limit` at a time, and the pages' totals. */
    const walk = async <T>(
      url: string,
      limit: number,
    ): Promise<{ items: T[]; pages: number; totals: number[] }> => {
      const items: T[] = [];
      const totals: number[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const sep = url.includes('?') ? '&' : '?';
        const r: LightMyRequestResponse = await get(
          `${url}${sep}limit=${limit}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
        );
        expect(r.statusCode, r.body).toBe(200);
        const page = r.json() as Page<T>;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        items.push(...page.items);
        totals.push(page.total);
        after = page.next;
        pages += 1;
        expect(pages).toBeLessThan(100);
      } while (after !== null);
      return { items, pages, totals };
    };

    beforeAll(async () => {
      t = await testApp(kind);
      const seeded = await seedCommons(t.ctx.store, t.ctx.keys, {
        id: 'cpages',
        members: MEMBERS,
        proposals: 2,
        positions: POSITIONS,
        tokens: 4,
      });
      commons = seeded.id;
      [first, second] = [must(seeded.proposalIds[0]), must(seeded.proposalIds[1])];
      tokens = seeded.tokens;
      accounts = seeded.accountIds;
    });
    afterAll(async () => t?.close());

    it('lists every member once, by display name, a page at a time, with the total on every page', async () => {
      const all = await walk<{ accountId: string; displayName: string; status: string; roles: string[] }>(
        `/api/v1/commons/${commons}/members`,
        4,
      );
      expect(all.items).toHaveLength(MEMBERS + 1);
      expect(all.pages).toBe(Math.ceil((MEMBERS + 1) / 4));
      expect(new Set(all.totals)).toEqual(new Set([MEMBERS + 1]));
      expect(new Set(all.items.map((m) => m.accountId)).size).toBe(MEMBERS + 1);
      const names = all.items.map((m) => m.displayName.toLowerCase());
      expect(names).toEqual([...names].sort());
      expect(all.items[0]).toMatchObject({ displayName: 'Bench Host', status: 'member', roles: [] });
      // The same list whatever the page size.
      const big = await walk<{ accountId: string }>(`/api/v1/commons/${commons}/members`, 200);
      expect(big.pages).toBe(1);
      expect(big.items.map((m) => m.accountId)).toEqual(all.items.map((m) => m.accountId));
    });

    it('filters members by status and searches their display names, ignoring case', async () => {
      const found = await walk<{ displayName: string }>(`/api/v1/commons/${commons}/members?q=MEMBER%202`, 2);
      expect(found.items.map((m) => m.displayName)).toEqual([
        'Member 2',
        'Member 20',
        'Member 21',
        'Member 22',
        'Member 23',
        'Member 24',
      ]);
      expect(found.totals[0]).toBe(6);
      const members = (await get(`/api/v1/commons/${commons}/members?status=member&limit=1`)).json();
      expect(members.total).toBe(MEMBERS + 1);
      const left = (await get(`/api/v1/commons/${commons}/members?status=left`)).json();
      expect(left).toEqual({ items: [], next: null, total: 0 });
      const one = await get(`/api/v1/commons/${commons}/members/${must(accounts[0])}`);
      expect(one.json()).toMatchObject({ accountId: accounts[0], status: 'member' });
    });

    it('keeps counts, not the member list, in the commons view; the caller in `me`', async () => {
      const view = (await get(`/api/v1/commons/${commons}`, must(tokens[0]))).json();
      expect(view).not.toHaveProperty('members');
      expect(view.memberCounts).toEqual({
        byStatus: { applicant: 0, member: MEMBERS + 1, left: 0, removed: 0, declined: 0 },
        byClass: [{ classId: 'member', members: MEMBERS + 1 }],
      });
      expect(view.me).toMatchObject({
        accountId: accounts[0],
        status: 'member',
        displayName: expect.any(String),
      });
      expect(view.me.since).toEqual(expect.any(String));
    });

    it('pages positions oldest first; a changed position moves to the end; the view has the first page', async () => {
      const url = `/api/v1/commons/${commons}/proposals/${first}/positions`;
      const all = await walk<{ accountId: string; stance: string; at: string; reason: string }>(url, 5);
      expect(all.items).toHaveLength(POSITIONS);
      expect(new Set(all.totals)).toEqual(new Set([POSITIONS]));
      const ats = all.items.map((p) => p.at);
      expect(ats).toEqual([...ats].sort());
      // The view: the first page (20), the total and the cursor that goes on from there.
      const view = (await get(`/api/v1/commons/${commons}/proposals/${first}`)).json();
      expect(view.positions.total).toBe(POSITIONS);
      expect(view.positions.items).toEqual(all.items.slice(0, 20));
      const rest = (await get(`${url}?after=${encodeURIComponent(view.positions.next)}`)).json();
      expect([...view.positions.items, ...rest.items]).toEqual(all.items);
      expect(rest.next).toBeNull();
      // Filtered by stance (the seed alternates agree, abstain).
      const agree = await walk<{ stance: string }>(`${url}?stance=agree`, 3);
      expect(agree.items.every((p) => p.stance === 'agree')).toBe(true);
      expect(agree.items).toHaveLength(Math.ceil(POSITIONS / 2));
      expect(agree.totals[0]).toBe(Math.ceil(POSITIONS / 2));

      // Members with a token (the last ones, who took positions early) take them again: each moves to the end.
      for (const i of [0, 1]) {
        const before = (await walk<{ accountId: string }>(url, 50)).items.map((p) => p.accountId);
        expect(before.indexOf(must(accounts[i]))).toBeLessThan(before.length - 1);
        await write('PUT', `/api/v1/commons/${commons}/proposals/${first}/position`, must(tokens[i]), {
          stance: i === 0 ? 'block' : 'agree',
        });
        const after = (await walk<{ accountId: string }>(url, 50)).items.map((p) => p.accountId);
        expect(after.at(-1)).toBe(accounts[i]);
        expect(after).toHaveLength(POSITIONS);
      }
      const me = must(tokens[0]);
      const view2 = (await get(`/api/v1/commons/${commons}/proposals/${first}`, me)).json();
      expect(view2.myPosition).toMatchObject({ stance: 'block', counted: true });
    });

    it('pages the discussion in the order it was posted, the view with its first page', async () => {
      const url = `/api/v1/commons/${commons}/proposals/${second}/comments`;
      const posted: string[] = [];
      for (let i = 0; i < 23; i++) {
        const c = await write('POST', url, must(tokens[i % tokens.length]), { text: `thought ${i}` });
        posted.push(String(c.id));
      }
      const all = await walk<{ id: string; text: string }>(url, 4);
      expect(all.items.map((c) => c.id)).toEqual(posted);
      expect(all.items.map((c) => c.text)).toEqual(posted.map((_, i) => `thought ${i}`));
      expect(new Set(all.totals)).toEqual(new Set([23]));
      const view = (await get(`/api/v1/commons/${commons}/proposals/${second}`)).json();
      expect(view.comments.total).toBe(23);
      expect(view.comments.items.map((c: { id: string }) => c.id)).toEqual(posted.slice(0, 20));
      const rest = (await get(`${url}?after=${encodeURIComponent(view.comments.next)}`)).json();
      expect(rest.items.map((c: { id: string }) => c.id)).toEqual(posted.slice(20));
      // A cursor of one discussion is refused by another.
      const other = await get(
        `/api/v1/commons/${commons}/proposals/${first}/comments?after=${encodeURIComponent(view.comments.next)}`,
      );
      expect(other.statusCode).toBe(400);
      expect(other.json().code).toBe('invalid_cursor');
    });

    it('answers bad limits and cursors with a clear 400, and unknown ids (inherited names too) with a 404', async () => {
      const base = `/api/v1/commons/${commons}`;
      for (const limit of ['0', '201', 'abc', '-1', '1.5', '']) {
        const r = await get(`${base}/members?limit=${limit}`);
        expect(r.statusCode, limit).toBe(400);
        expect(r.json().code, limit).toBe('invalid_limit');
      }
      const cursor = must((await get(`${base}/members?limit=1`)).json().next as string | null);
      for (const after of [
        'nope',
        'W10',
        `${cursor}=`,
        Buffer.from('["a",1]').toString('base64url'),
        `x${cursor}`,
      ]) {
        for (const path of ['members', `proposals/${first}/positions`, `proposals/${first}/comments`]) {
          const r = await get(`${base}/${path}?after=${encodeURIComponent(after)}`);
          expect(r.statusCode, `${path} ${after}`).toBe(400);
          expect(r.json().code, `${path} ${after}`).toBe('invalid_cursor');
        }
      }
      expect((await get(`${base}/members?status=ghost`)).statusCode).toBe(400);
      expect((await get(`${base}/proposals/${first}/positions?stance=maybe`)).statusCode).toBe(400);
      expect((await get(`${base}/members?colour=red`)).statusCode).toBe(400);
      for (const id of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const member = await get(`${base}/members/${id}`);
        expect(member.statusCode, id).toBe(404);
        expect(member.json().code).toBe('member_not_found');
        for (const list of ['positions', 'comments']) {
          const r = await get(`${base}/proposals/${id}/${list}`);
          expect(r.statusCode, `${id} ${list}`).toBe(404);
          expect(r.json().code).toBe('proposal_not_found');
        }
        const c = await get(`/api/v1/commons/${id}/members`);
        expect(c.statusCode, id).toBe(404);
        expect(c.json().code).toBe('commons_not_found');
      }
    });
  });
}
