// Snapshots of a commons' state: a load reads the snapshot and the records after it, not the whole log, and serves
// exactly what folding the whole log gives. The snapshot sits in the store, where an operator can edit it: one that
// does not check (edited, of another commons, re-signed by another key) is ignored and the log folded again; records
// after it are verified as always; a log cut back below it is refused. Run on both stores.
import { generateKeyPairSync } from 'node:crypto';
import { replay, envelopesOfRecord, type CommonsState } from '@peergov/kernel';
import type { Store, StoredSnapshot } from '@peergov/store';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CommonsService } from '../src/commons-service';
import { LogService } from '../src/log-service';
import { openSnapshot, sealSnapshot } from '../src/snapshots';
import { requirePostgres } from '../../store/test/pg-available';
import { comment, create, propose } from './commands';
import { must, testApp, type TestApp } from './harness';
import { openDb, type Db } from './raw-db';

const pgOk = await requirePostgres('the snapshot tests on PostgreSQL');

/** The store, counting the reads a load makes (`listDocs`: reads of documents, whole kinds or pages). */
function counted(store: Store) {
  const reads = { listDocs: 0, readRecordsFrom: [] as number[] };
  const wrapped: Store = Object.create(store) as Store;
  wrapped.listDocs = (id, kind) => {
    reads.listDocs++;
    return store.listDocs(id, kind);
  };
  wrapped.listDocsPage = (id, kind, limit, after) => {
    reads.listDocs++;
    return store.listDocsPage(id, kind, limit, after);
  };
  wrapped.readRecords = (id, from, limit) => {
    reads.readRecordsFrom.push(from ?? 0);
    return store.readRecords(id, from, limit);
  };
  return { store: wrapped, reads };
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`state snapshots on ${kind}`, () => {
    let t: TestApp;
    let db: Db;
    let founder: string;
    /** The services `fresh` started, whose background snapshot writes afterEach awaits. */
    const started: CommonsService[] = [];
    const snapshots = { minRecords: 10, ratio: 0.25 };
    beforeEach(async () => {
      t = await testApp(kind, { snapshotRecords: snapshots.minRecords });
      db = await openDb(t, kind);
      founder = (await t.ctx.auth.signUp('fran@example.org', 'long enough pw', 'Fran')).id;
    });
    afterEach(async () => {
      await t.ctx.commons.snapshotsWritten();
      // A fresh service that ignored a snapshot writes a new one in the background: let it finish first.
      for (const service of started.splice(0)) await service.snapshotsWritten();
      await db.close();
      await t.close();
    });

    /** A commons with a proposal and `comments` comments, written through the service, snapshots written. */
    const grow = async (id: string, comments: number, from = 0) => {
      const service = t.ctx.commons;
      if (from === 0) {
        await service.execute(id, create(id, `Garden ${id}`), founder);
        await service.execute(id, propose('p1'), founder);
      }
      for (let i = from; i < from + comments; i++) await service.execute(id, comment('p1', `k${i}`), founder);
      await service.snapshotsWritten();
    };
    /** The state folding every stored record gives. */
    const folded = async (id: string): Promise<CommonsState> =>
      must(replay((await t.ctx.store.readRecords(id)).flatMap((r) => envelopesOfRecord(r.body))), id);
    /** A service as a newly started process has it: nothing cached (optionally loading `loadChunk` records at a time). */
    const fresh = (store: Store = t.ctx.store, loadChunk?: number) => {
      const service = new CommonsService(
        store,
        t.ctx.keys,
        undefined,
        undefined,
        undefined,
        snapshots,
        loadChunk,
      );
      started.push(service);
      return service;
    };

    it('a commons that grew is snapshotted, and a new process loads the snapshot and only the records after it', async () => {
      await grow('g', 30);
      const snap = must(await t.ctx.store.readSnapshot('g'), 'a snapshot');
      const head = must(await t.ctx.store.head('g'), 'the head');
      expect(snap.size).toBeGreaterThanOrEqual(snapshots.minRecords);
      expect(snap.size).toBeLessThanOrEqual(head.size);
      // A few more records after the snapshot, not enough for another.
      await grow('g', 3, 30);
      const { store, reads } = counted(t.ctx.store);
      const loaded = must(await fresh(store).current('g'), 'loaded');
      expect(loaded.integrity).toEqual({ ok: true });
      expect(loaded.state).toEqual(await folded('g'));
      expect(reads.listDocs).toBe(0);
      expect(reads.readRecordsFrom).toEqual([must(await t.ctx.store.readSnapshot('g'), 'snapshot').size]);
      // It writes on from there, and the next process sees that too.
      const next = fresh(store);
      await next.execute('g', comment('p1', 'after'), founder);
      expect(must(await fresh().get('g'), 'again')).toEqual(await folded('g'));
    });

    it('a small commons is never snapshotted: it loads from its log and documents, as before', async () => {
      await grow('small', 2);
      expect(await t.ctx.store.readSnapshot('small')).toBeNull();
      const { store, reads } = counted(t.ctx.store);
      expect(must(await fresh(store).get('small'), 'small')).toEqual(await folded('small'));
      expect(reads.readRecordsFrom[0]).toBe(0);
      expect(reads.listDocs).toBeGreaterThan(0);
    });

    describe('an operator who edits the snapshot', () => {
      const loadAfter = async (edit: (snap: StoredSnapshot) => Promise<void>) => {
        await grow('g', 30);
        const snap = must(await t.ctx.store.readSnapshot('g'), 'a snapshot');
        await edit(snap);
        const { store, reads } = counted(t.ctx.store);
        const loaded = must(await fresh(store).current('g'), 'loaded');
        return { loaded, reads };
      };
      const expectIgnored = async ({ loaded, reads }: Awaited<ReturnType<typeof loadAfter>>) => {
        // The log is folded again: what is served is what it proves, and nothing is read-only.
        expect(reads.readRecordsFrom[0]).toBe(0);
        expect(reads.listDocs).toBeGreaterThan(0);
        expect(loaded.integrity).toEqual({ ok: true });
        expect(loaded.state).toEqual(await folded('g'));
      };
      const table = () => db.table('snapshots');

      it('one byte of the body changed: ignored', async () => {
        await expectIgnored(
          await loadAfter(async (snap) => {
            const body = Buffer.from(snap.body);
            body[body.length >> 1] = (body[body.length >> 1] ?? 0) ^ 1;
            await db.run(`UPDATE ${table()} SET body = ? WHERE commons_id = ?`, [body, 'g']);
          }),
        );
      });

      it('a state of the operator’s own, with the digest to match but not the signature: ignored', async () => {
        await expectIgnored(
          await loadAfter(async (snap) => {
            const other = generateKeyPairSync('ed25519');
            const state = await folded('g');
            state.core.name = 'Taken over';
            const forged = await sealSnapshot('g', state, must(await t.ctx.store.head('g'), 'head'), {
              ...t.ctx.keys,
              privateKey: other.privateKey,
            });
            expect(forged.size).toBeGreaterThan(0);
            await db.run(`UPDATE ${table()} SET size = ?, header = ?, body = ? WHERE commons_id = ?`, [
              forged.size,
              forged.header,
              Buffer.from(forged.body),
              'g',
            ]);
            expect(snap.size).toBeGreaterThan(0);
          }),
        );
      });

      it('the header’s size or position changed: ignored', async () => {
        await expectIgnored(
          await loadAfter(async (snap) => {
            const header = JSON.parse(snap.header) as { size: number };
            header.size -= 1;
            await db.run(`UPDATE ${table()} SET size = ?, header = ? WHERE commons_id = ?`, [
              header.size,
              JSON.stringify(header),
              'g',
            ]);
          }),
        );
      });

      it('another commons’ snapshot copied over it: ignored', async () => {
        await grow('h', 30);
        // Read back before the load: the load that ignores it writes a fresh snapshot of g in the background.
        let copied = null as StoredSnapshot | null;
        await expectIgnored(
          await loadAfter(async () => {
            const h = must(await t.ctx.store.readSnapshot('h'), 'h');
            await db.run(`UPDATE ${table()} SET size = ?, header = ?, body = ? WHERE commons_id = ?`, [
              h.size,
              h.header,
              Buffer.from(h.body),
              'g',
            ]);
            copied = await t.ctx.store.readSnapshot('g');
          }),
        );
        const opened = await openSnapshot('g', must(copied, 'g'), t.ctx.keys.publicKey, t.ctx.keys.keyId);
        expect(opened).toEqual({ unusable: 'it is of another commons' });
      });

      it('an older snapshot of the same log restored: used, and the records after it verified and folded', async () => {
        await grow('g', 30);
        const older = must(await t.ctx.store.readSnapshot('g'), 'older');
        await grow('g', 40, 30);
        const newer = must(await t.ctx.store.readSnapshot('g'), 'newer');
        expect(newer.size).toBeGreaterThan(older.size);
        await t.ctx.store.saveSnapshot('g', older);
        const { store, reads } = counted(t.ctx.store);
        const loaded = must(await fresh(store).current('g'), 'loaded');
        expect(loaded.integrity).toEqual({ ok: true });
        expect(loaded.state).toEqual(await folded('g'));
        expect(reads.readRecordsFrom).toEqual([older.size]);
      });
    });

    describe('loading the big commons ahead of their first visit', () => {
      /** g and h snapshotted (h the larger log), and the ids in order of their snapshots' sizes, largest first. */
      const two = async () => {
        await grow('g', 15);
        await grow('h', 90);
        const size = async (id: string) => must(await t.ctx.store.readSnapshot(id), id).size;
        const [g, h] = [await size('g'), await size('h')];
        expect(h).toBeGreaterThan(g);
        return ['h', 'g'];
      };

      it('loads the commons with the largest snapshots, the largest first; their first request then reads nothing', async () => {
        const order = await two();
        await grow('small', 2);
        const { store, reads } = counted(t.ctx.store);
        const service = fresh(store);
        expect(await service.prewarm(20)).toEqual(order);
        const before = reads.readRecordsFrom.length;
        expect(must(await service.get('h'), 'h')).toEqual(await folded('h'));
        expect(must(await service.get('g'), 'g')).toEqual(await folded('g'));
        expect(reads.readRecordsFrom.length).toBe(before);
        // Again: what is cached already is not loaded twice.
        expect(await service.prewarm(20)).toEqual([]);
      });

      it('stops at half the cache budget, at the count asked, and when told to stop', async () => {
        const [largest] = await two();
        const tight = new CommonsService(
          t.ctx.store,
          t.ctx.keys,
          undefined,
          undefined,
          { entries: 100, weight: 2 },
          snapshots,
        );
        started.push(tight);
        expect(await tight.prewarm(20)).toEqual([largest]);
        expect(await fresh().prewarm(1)).toEqual([largest]);
        expect(await fresh().prewarm(0)).toEqual([]);
        const stop = new AbortController();
        stop.abort();
        expect(await fresh().prewarm(20, stop.signal)).toEqual([]);
      });

      it('stops, without throwing, at a commons whose load fails', async () => {
        await two();
        const failing: Store = Object.create(t.ctx.store) as Store;
        failing.readRecords = () => Promise.reject(new Error('the disk is gone'));
        expect(await fresh(failing).prewarm(20)).toEqual([]);
      });
    });

    describe('a first load from nothing, read a chunk at a time', () => {
      const chunk = 10;
      // A record changed on either side of a chunk's end is found where it is, and what is served is the records
      // before it (the chunks before are folded as they verify; the one that fails is cut at the bad record).
      for (const seq of [chunk - 1, chunk, 2 * chunk - 1, 2 * chunk, 2 * chunk + 1]) {
        it(`record ${seq} changed (chunks of ${chunk}): read-only from record ${seq}, the records before it served`, async () => {
          await grow('g', 30);
          await db.run(`DELETE FROM ${db.table('snapshots')} WHERE commons_id = ?`, ['g']);
          const expected = must(
            replay((await t.ctx.store.readRecords('g', 0, seq)).flatMap((r) => envelopesOfRecord(r.body))),
            'the records before it',
          );
          const records = db.table('records');
          const row = await db.one(`SELECT body FROM ${records} WHERE commons_id = ? AND seq = ?`, [
            'g',
            seq,
          ]);
          await db.run(`UPDATE ${records} SET body = ? WHERE commons_id = ? AND seq = ?`, [
            String(row.body).replace('"v":', '"v" :'),
            'g',
            seq,
          ]);
          const { store, reads } = counted(t.ctx.store);
          const service = fresh(store, chunk);
          const loaded = must(await service.current('g'), 'loaded');
          expect(loaded.integrity).toMatchObject({ ok: false, where: 'record', seq });
          expect(loaded.state).toEqual(expected);
          // Read a chunk at a time from the start, up to the chunk that holds the bad record.
          expect(reads.readRecordsFrom.slice(0, Math.floor(seq / chunk) + 1)).toEqual(
            Array.from({ length: Math.floor(seq / chunk) + 1 }, (_, i) => i * chunk),
          );
        });
      }

      it('an untouched log of several chunks loads whole, with its documents compared a page at a time', async () => {
        await grow('g', 30);
        await db.run(`DELETE FROM ${db.table('snapshots')} WHERE commons_id = ?`, ['g']);
        const { store, reads } = counted(t.ctx.store);
        const service = fresh(store, chunk);
        const loaded = must(await service.current('g'), 'loaded');
        expect(loaded.integrity).toEqual({ ok: true });
        expect(loaded.state).toEqual(await folded('g'));
        const size = must(await t.ctx.store.head('g'), 'head').size;
        expect(reads.readRecordsFrom.slice(0, Math.ceil(size / chunk))).toEqual(
          Array.from({ length: Math.ceil(size / chunk) }, (_, i) => i * chunk),
        );
        expect(reads.listDocs).toBeGreaterThan(0);
      });
    });

    describe('an operator who edits the log of a snapshotted commons', () => {
      it('a record after the snapshot changed: read-only, from that record', async () => {
        await grow('g', 30);
        await grow('g', 3, 30);
        const snap = must(await t.ctx.store.readSnapshot('g'), 'a snapshot');
        const records = db.table('records');
        const row = await db.one(`SELECT body FROM ${records} WHERE commons_id = ? AND seq = ?`, [
          'g',
          snap.size,
        ]);
        await db.run(`UPDATE ${records} SET body = ? WHERE commons_id = ? AND seq = ?`, [
          String(row.body).replace('comment', 'cOmment'),
          'g',
          snap.size,
        ]);
        const loaded = must(await fresh().current('g'), 'loaded');
        expect(loaded.integrity).toMatchObject({ ok: false, where: 'record', seq: snap.size });
      });

      it('the log cut back below the snapshot (records and head): read-only, records were removed', async () => {
        await grow('g', 30);
        const snap = must(await t.ctx.store.readSnapshot('g'), 'a snapshot');
        const keep = snap.size - 2;
        const head = must(await t.ctx.store.head('g'), 'head');
        const older = must(await t.ctx.store.readRecords('g', 0, keep).then((r) => r.at(-1)), 'last kept');
        await db.run(`DELETE FROM ${db.table('records')} WHERE commons_id = ? AND seq >= ?`, ['g', keep]);
        await db.run(`UPDATE ${db.table('heads')} SET size = ?, hash = ? WHERE commons_id = ?`, [
          keep,
          older.hash,
          'g',
        ]);
        expect(head.size).toBeGreaterThan(keep);
        const loaded = must(await fresh().current('g'), 'loaded');
        expect(loaded.integrity).toMatchObject({ ok: false, where: 'record', seq: keep });
        expect((loaded.integrity as { reason: string }).reason).toMatch(/records were removed/);
      });

      it('a record before the snapshot changed is not read on a load; the full verify finds it', async () => {
        await grow('g', 30);
        const records = db.table('records');
        const row = await db.one(`SELECT body FROM ${records} WHERE commons_id = ? AND seq = ?`, ['g', 3]);
        await db.run(`UPDATE ${records} SET body = ? WHERE commons_id = ? AND seq = ?`, [
          String(row.body).replace('comment', 'cOmment'),
          'g',
          3,
        ]);
        // What is served is the state this server signed when it had verified the whole log.
        const loaded = must(await fresh().current('g'), 'loaded');
        expect(loaded.integrity).toEqual({ ok: true });
        expect(loaded.state.comments.p1?.[1]?.text).toBe('comment k1');
        const verdict = await new LogService(t.ctx.store, t.ctx.keys.publicKey).verify('g');
        expect(verdict).toMatchObject({ ok: false, where: 'record', seq: 3 });
      });
    });
  });
}
