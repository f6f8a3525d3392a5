// LogService.verify streams (issue 10): on a log of about 50,000 records seeded through the store, the event loop
// keeps turning while it runs (the longest gap between timer ticks is a small part of the verify's own time, over
// many chunks), the store is read in chunks of at most VERIFY_CHUNK records and never whole (no readLog), and a log
// that grows during the verify is verified up to its newer head, its documents compared only when the head held
// still while they were read. Ratios, not absolute times: the machine is shared.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '@peergov/store';
import {
  dropTarget,
  newTarget,
  openTarget,
  seedCommons,
  type SeededCommons,
  type Target,
} from '../../../bench/seed';
import { loadSigningKeys } from '../src/keys';
import { DOCS_CHUNK, LogService, VERIFY_CHUNK, VERIFY_WORKER_MIN, verifyWorkers } from '../src/log-service';
import { requirePostgres } from '../../store/test/pg-available';
import { Person, testApp, type TestApp } from './harness';

const pgOk = await requirePostgres('the streaming verify on PostgreSQL');
/** About 50,000 records: the founding, 25,000 admissions, a proposal, 25,000 positions. */
const MEMBERS = 25_000;

/** What a verify asked the store for. */
interface Calls {
  readRecords: { from: number; limit: number | undefined; got: number }[];
  readLog: number;
  /** Unpaged reads of documents (a verify makes none). */
  listDocs: string[];
  /** Pages of documents: kind, limit, how many came. */
  listDocsPage: { kind: string; limit: number; got: number }[];
}

/** The store with its reads counted; `before` runs before each call is passed on (to write meanwhile). */
function counted(store: Store, before?: (method: string, args: unknown[]) => Promise<void>) {
  const calls: Calls = { readRecords: [], readLog: 0, listDocs: [], listDocsPage: [] };
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await before?.(String(prop), args);
        const result = (await (value as (...a: unknown[]) => Promise<unknown>).apply(
          target,
          args,
        )) as unknown;
        if (prop === 'readRecords')
          calls.readRecords.push({
            from: args[1] as number,
            limit: args[2] as number | undefined,
            got: (result as unknown[]).length,
          });
        if (prop === 'readLog') calls.readLog++;
        if (prop === 'listDocs') calls.listDocs.push(args[1] as string);
        if (prop === 'listDocsPage')
          calls.listDocsPage.push({
            kind: args[1] as string,
            limit: args[2] as number,
            got: (result as unknown[]).length,
          });
        return result;
      };
    },
  });
  return { store: proxy, calls };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`streaming verify of a large log on ${kind}`, () => {
    let target: Target;
    let store: Store;
    let seeded: SeededCommons;
    let service: () => LogService;

    beforeAll(async () => {
      target = newTarget(kind);
      store = openTarget(target);
      await store.migrate();
      const keys = loadSigningKeys(target.dataDir);
      seeded = await seedCommons(store, keys, {
        id: 'big',
        members: MEMBERS,
        proposals: 1,
        positions: MEMBERS,
        tokens: 0,
      });
      service = () => new LogService(store, keys.publicKey);
    }, 300_000);

    afterAll(async () => {
      await store?.close();
      if (target) await dropTarget(target);
    });

    for (const worker of [undefined, false] as const)
      it(`keeps the event loop turning${worker === false ? ', checking in this thread' : ' (a worker checks)'}: the longest gap is a small part of the verify, over many chunks`, async () => {
        expect(seeded.records).toBeGreaterThanOrEqual(10 * VERIFY_CHUNK);
        let chunks = 0;
        let ticks = 0;
        let last = performance.now();
        let longest = 0;
        const timer = setInterval(() => {
          const now = performance.now();
          longest = Math.max(longest, now - last);
          last = now;
          ticks++;
        }, 1);
        const workers = { ...verifyWorkers };
        const started = performance.now();
        last = started;
        let result;
        try {
          result = await service().verify(seeded.id, { onProgress: () => chunks++, worker });
        } finally {
          clearInterval(timer);
        }
        const took = performance.now() - started;
        // The default for a log this size is a worker, and it checked (no silent fallback to this thread).
        expect(verifyWorkers.sessions - workers.sessions).toBe(worker === false ? 0 : 1);
        expect(verifyWorkers.failed).toBe(workers.failed);
        longest = Math.max(longest, performance.now() - last);
        expect(result).toMatchObject({ ok: true, size: seeded.records });
        expect(result).not.toHaveProperty('docsNotCompared');
        expect(chunks).toBeGreaterThanOrEqual(Math.floor(seeded.records / VERIFY_CHUNK));
        // A blocking verify would show one gap as long as itself and a tick or two.
        expect(ticks).toBeGreaterThanOrEqual(chunks);
        expect(
          longest,
          `longest gap ${longest.toFixed(0)} ms of a ${took.toFixed(0)} ms verify, ${chunks} chunks`,
        ).toBeLessThan(took / 5);
      }, 120_000);

    it('reads the records in chunks of at most VERIFY_CHUNK, each once, and never the whole log; the documents in pages', async () => {
      expect(seeded.records).toBeGreaterThanOrEqual(VERIFY_WORKER_MIN);
      const { store: proxy, calls } = counted(store);
      const keys = loadSigningKeys(target.dataDir);
      const result = await new LogService(proxy, keys.publicKey).verify(seeded.id);
      expect(result).toMatchObject({ ok: true, size: seeded.records });
      expect(calls.readLog).toBe(0);
      expect(calls.readRecords.length).toBeGreaterThanOrEqual(Math.floor(seeded.records / VERIFY_CHUNK));
      for (const c of calls.readRecords) {
        expect(c.limit).toBeDefined();
        expect(c.limit!).toBeLessThanOrEqual(VERIFY_CHUNK);
        expect(c.got).toBeLessThanOrEqual(VERIFY_CHUNK);
      }
      // Each record read once: the chunks follow each other, and the one read past the head finds nothing.
      expect(calls.readRecords.reduce((n, c) => n + c.got, 0)).toBe(seeded.records);
      expect(calls.readRecords.map((c) => c.from)).toEqual(
        calls.readRecords.map((_, i) => Math.min(i * VERIFY_CHUNK, seeded.records)),
      );
      // The documents a page at a time, never a whole kind at once.
      expect(calls.listDocs).toEqual([]);
      for (const c of calls.listDocsPage) {
        expect(c.limit).toBe(DOCS_CHUNK);
        expect(c.got).toBeLessThanOrEqual(DOCS_CHUNK);
      }
      expect(calls.listDocsPage.filter((c) => c.kind === 'member').length).toBeGreaterThanOrEqual(
        Math.floor(MEMBERS / DOCS_CHUNK),
      );
    }, 120_000);

    it('without documents reads none', async () => {
      const { store: proxy, calls } = counted(store);
      const keys = loadSigningKeys(target.dataDir);
      const result = await new LogService(proxy, keys.publicKey).verify(seeded.id, { docs: false });
      expect(result).toMatchObject({ ok: true, size: seeded.records });
      expect(calls.listDocs).toEqual([]);
      expect(calls.listDocsPage).toEqual([]);
      expect(calls.readLog).toBe(0);
    }, 120_000);
  });
}

describe('streaming verify of a log that grows meanwhile', () => {
  let t: TestApp;
  let ada: Person;
  let id: string;
  let pid: string;

  beforeAll(async () => {
    t = await testApp('sqlite');
    ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
    id = (
      await ada.call('POST', '/api/v1/commons', { name: 'Busy', purpose: '', template: 'single-class' })
    ).json().id as string;
    pid = (
      await ada.call('POST', `/api/v1/commons/${id}/proposals`, {
        title: 'Many minds',
        action: { kind: 'resolution', text: 'Change it often' },
      })
    ).json().id as string;
  });
  afterAll(async () => t?.close());

  let n = 0;
  const comment = async () => {
    const r = await ada.call('POST', `/api/v1/commons/${id}/proposals/${pid}/comments`, {
      text: `thought ${n++}`,
    });
    expect(r.statusCode, r.body).toBe(201);
  };
  const size = async () => (await t.ctx.store.head(id))!.size;

  /** Verifies with a comment appended before each store call `when` picks (by method and arguments). */
  async function verifyWhile(when: (method: string, args: unknown[]) => boolean) {
    const { store } = counted(t.ctx.store, async (method, args) => {
      if (when(method, args)) await comment();
    });
    return new LogService(store, t.ctx.keys.publicKey).verify(id);
  }
  /** Picks the first `times` calls of `method` (with `arg` as second argument, when given). */
  const first = (times: number, method: string, arg?: string) => {
    let count = 0;
    return (m: string, args: unknown[]) =>
      m === method && (arg === undefined || args[1] === arg) && count++ < times;
  };

  it('an append while the records are read: verified up to the newer head, documents compared', async () => {
    const before = await size();
    const r = await verifyWhile(first(1, 'readRecords'));
    expect(r).toMatchObject({ ok: true, size: before + 1 });
    expect(r).not.toHaveProperty('docsNotCompared');
  });

  it('an append while the documents are read: the new records verified, the documents read again and compared', async () => {
    const before = await size();
    const r = await verifyWhile(first(1, 'listDocsPage', 'member'));
    expect(r).toMatchObject({ ok: true, size: before + 1 });
    expect(r).not.toHaveProperty('docsNotCompared');
  });

  it('an append during every read of the documents: ok for the records, and it says the documents were not compared', async () => {
    const before = await size();
    const r = await verifyWhile(first(Infinity, 'listDocsPage', 'member'));
    // Three rounds, an append before each read of the documents: the records verified are those of the head read
    // before the third, the third append came after it.
    expect(r).toMatchObject({ ok: true, size: before + 2 });
    expect(await size()).toBe(before + 3);
    expect(r.ok && r.docsNotCompared).toMatch(/^the log grew while the documents were read, 3 time\(s\)/);
    // Once it holds still, everything verifies.
    expect(await new LogService(t.ctx.store, t.ctx.keys.publicKey).verify(id)).toMatchObject({
      ok: true,
      size: before + 3,
    });
  });
});
