// The closer works from the store's index of closing times: it loads only the commons with a proposal due, never
// lists or loads the others, and a log from before the index is backfilled once (loaded, verified, indexed).
import type { Command } from '@peergov/kernel';
import type { Store } from '@peergov/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDueProposals } from '../src/closer';
import { CommonsService } from '../src/commons-service';
import { requirePostgres } from '../../store/test/pg-available';
import { must, testApp, type TestApp } from './harness';
import { openDb } from './raw-db';

const pgOk = await requirePostgres('the closer suite on PostgreSQL');
const DAY = 86_400_000;

const create = (commonsId: string): Command => ({
  type: 'CreateCommons',
  commonsId,
  name: commonsId,
  purpose: '',
  charter: '',
  template: 'do-ocracy',
  displayName: 'Fran',
  classes: [],
});
const propose = (proposalId: string, closesAt?: string): Command => ({
  type: 'SubmitProposal',
  proposalId,
  title: proposalId,
  body: '',
  action: { kind: 'resolution', text: 'Water the beans' },
  ...(closesAt ? { closesAt } : {}),
});

/** The store, counting per commons the reads that load one (a first load, a head check, records) and any listing. */
function counting(store: Store) {
  const loads = new Map<string, number>();
  let listings = 0;
  const counted = new Proxy(store, {
    get(target, key, receiver) {
      const real = Reflect.get(target, key, receiver) as unknown;
      if (typeof real !== 'function') return real;
      if (key === 'readLog' || key === 'head' || key === 'readRecords')
        return (commonsId: string, ...rest: unknown[]) => {
          loads.set(commonsId, (loads.get(commonsId) ?? 0) + 1);
          return (real as (...a: unknown[]) => unknown).call(target, commonsId, ...rest);
        };
      if (key === 'listCommonsIds' || key === 'listDocsOfKind')
        return (...args: unknown[]) => {
          listings++;
          return (real as (...a: unknown[]) => unknown).apply(target, args);
        };
      return (real as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return {
    store: counted,
    loaded: () => [...loads.keys()].sort(),
    reads: () => [...loads.values()].reduce((a, b) => a + b, 0),
    listings: () => listings,
  };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`the closer on ${kind}`, () => {
    let t: TestApp;
    let founder: string;
    const later = new Date(Date.now() + 30 * DAY);
    const far = new Date(Date.now() + 90 * DAY).toISOString();
    beforeAll(async () => {
      t = await testApp(kind);
      founder = (await t.ctx.auth.signUp('fran@example.org', 'long enough pw', 'Fran')).id;
      // Ten commons with a proposal open beyond `later`, one with a proposal due by then.
      for (let i = 0; i < 10; i++) {
        await t.ctx.commons.execute(`quiet${i}`, create(`quiet${i}`), founder);
        await t.ctx.commons.execute(`quiet${i}`, propose('p1', far), founder);
      }
      await t.ctx.commons.execute('due', create('due'), founder);
      await t.ctx.commons.execute('due', propose('p1'), founder);
      await t.ctx.commons.execute('due', propose('p2', far), founder);
      await t.ctx.commons.execute('due', propose('p3'), founder);
    });
    afterAll(async () => t?.close());

    it('loads only the commons with a proposal due, and closes exactly those proposals', async () => {
      const c = counting(t.ctx.store);
      const service = new CommonsService(c.store, t.ctx.keys, () => later);
      expect(await closeDueProposals(service, later)).toBe(2);
      expect(c.loaded()).toEqual(['due']);
      expect(c.listings()).toBe(0);
      const state = must(await service.get('due'), 'the commons');
      expect(state.proposals.p1?.status).not.toBe('open');
      expect(state.proposals.p3?.status).not.toBe('open');
      expect(state.proposals.p2?.status).toBe('open');
      // Closed, their deadlines are gone: the next round has nothing to do, and loads nothing.
      const again = counting(t.ctx.store);
      const next = new CommonsService(again.store, t.ctx.keys, () => later);
      expect(await closeDueProposals(next, later)).toBe(0);
      expect(again.loaded()).toEqual([]);
      expect(await t.ctx.store.dueDeadlines(later.toISOString(), 100)).toEqual([]);
      expect((await t.ctx.store.dueDeadlines(far, 100)).map((d) => d.commonsId).sort()).toEqual(
        ['due', ...Array.from({ length: 10 }, (_, i) => `quiet${i}`)].sort(),
      );
    });

    it('a log from before the index is backfilled once, then closed from the index like any other', async () => {
      await t.ctx.commons.execute('old', create('old'), founder);
      await t.ctx.commons.execute('old', propose('p1'), founder);
      // As a log appended before the index existed: not indexed, no deadlines.
      const db = await openDb(t, kind);
      try {
        await db.run(`DELETE FROM ${db.table('deadlines')} WHERE commons_id = ?`, ['old']);
        await db.run(
          `UPDATE ${db.table('heads')} SET deadlines_indexed = ${kind === 'sqlite' ? 0 : 'false'} WHERE commons_id = ?`,
          ['old'],
        );
      } finally {
        await db.close();
      }
      expect(await t.ctx.store.unindexedCommons(10)).toEqual(['old']);
      const c = counting(t.ctx.store);
      const service = new CommonsService(c.store, t.ctx.keys, () => later);
      expect(await closeDueProposals(service, later)).toBe(1);
      expect(c.loaded()).toEqual(['old']);
      expect(await t.ctx.store.unindexedCommons(10)).toEqual([]);
      expect(must(await service.get('old'), 'old').proposals.p1?.status).not.toBe('open');
      // The pass is done in this process: the next round asks nothing more of the backfill, and loads nothing.
      const before = c.reads();
      expect(await closeDueProposals(service, later)).toBe(0);
      expect(c.reads()).toBe(before);
    });
  });
}
