// The server never builds on, or serves from, what its log does not prove. Whoever edits the database behind a
// running server (or before a start) makes the commons read-only: writes answer 409 log_integrity, the views say
// why, and what is shown is what the log gives, not the forged rows.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, createContext } from '../src/index';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';
import { openDb, type Db } from './raw-db';

const pgOk = await requirePostgres('the read-only suite on PostgreSQL');

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`a tampered commons on ${kind}`, () => {
    let t: TestApp;
    let db: Db;
    let ada: Person;
    let commonsId: string;
    let proposalId: string;
    const T = (name: string) => db.table(name);

    beforeEach(async () => {
      t = await testApp(kind);
      db = await openDb(t, kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      commonsId = (
        await ada.call('POST', '/api/v1/commons', { name: 'Garden', template: 'single-class' })
      ).json().id;
      const p = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'Beans',
        action: { kind: 'resolution', text: 'Water the beans' },
      });
      proposalId = p.json().id;
      expect(
        (
          await ada.call('PUT', `/api/v1/commons/${commonsId}/proposals/${proposalId}/position`, {
            stance: 'disagree',
            reason: 'Too much water',
          })
        ).statusCode,
      ).toBe(200);
    });
    afterEach(async () => {
      await db.close();
      await t.close();
    });

    const comment = () =>
      ada.call('POST', `/api/v1/commons/${commonsId}/proposals/${proposalId}/comments`, { text: 'hello' });
    const logSize = async () =>
      Number((await db.one(`SELECT size FROM ${T('heads')} WHERE commons_id = ?`, [commonsId])).size);

    async function expectReadOnly(app: TestApp['app'], where: string) {
      const as = new Person(app, ada.email, ada.name);
      Object.assign(as, { cookie: ada.cookie, csrf: ada.csrf, id: ada.id });
      const view = (await as.call('GET', `/api/v1/commons/${commonsId}`)).json();
      expect(view.integrity).toMatchObject({ ok: false, where });
      const size = await logSize();
      const w = await as.call('POST', `/api/v1/commons/${commonsId}/proposals/${proposalId}/comments`, {
        text: 'x',
      });
      expect(w.statusCode, w.body).toBe(409);
      expect(w.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(w.json().code).toBe('log_integrity');
      expect(await logSize()).toBe(size);
      return as;
    }

    it('given a record forged after the signed checkpoint, when the server next reads the log, then it is read-only', async () => {
      const last = await db.one(
        `SELECT * FROM ${T('records')} WHERE commons_id = ? ORDER BY seq DESC LIMIT 1`,
        [commonsId],
      );
      // A correctly chained extra record, as anyone with the database can write without the key.
      const { chainRecords, CompactMerkleTree, recordLeafHash } = await import('@peergov/kernel/log');
      const seq = Number(last.seq) + 1;
      const forged = must(
        chainRecords(commonsId, last.hash as string, seq, [
          {
            type: 'PositionTaken',
            data: { proposalId, accountId: ada.id, stance: 'agree', reason: 'forged' },
            actor: ada.id,
            at: new Date().toISOString(),
          },
        ])[0],
        'the forged record',
      );
      const head = await db.one(`SELECT * FROM ${T('heads')} WHERE commons_id = ?`, [commonsId]);
      const tree = CompactMerkleTree.fromState({ size: seq, hashes: db.json(head.merkle) as string[] });
      tree.append(recordLeafHash(forged.body));
      await db.run(
        `INSERT INTO ${T('records')} (commons_id, seq, type, at, hash, body) VALUES (?, ?, ?, ?, ?, ?)`,
        [commonsId, seq, forged.record.type, forged.record.at, forged.hash, forged.body],
      );
      await db.run(
        `UPDATE ${T('heads')} SET size = ?, hash = ?, merkle = ?${db.jsonCast} WHERE commons_id = ?`,
        [seq + 1, forged.hash, db.jsonParam(tree.state().hashes), commonsId],
      );
      await expectReadOnly(t.app, 'record');
      // The forged position is not shown, in the view nor in the list of positions.
      const p = (await ada.call('GET', `/api/v1/commons/${commonsId}/proposals/${proposalId}`)).json();
      expect(p.positions.items.map((x: { reason: string }) => x.reason)).toEqual(['Too much water']);
      const listed = (
        await ada.call('GET', `/api/v1/commons/${commonsId}/proposals/${proposalId}/positions`)
      ).json();
      expect(listed.items.map((x: { reason: string }) => x.reason)).toEqual(['Too much water']);
      expect(listed.total).toBe(1);
    });

    it('given records removed from the end, when the server next reads the log, then it is read-only', async () => {
      const head = await db.one(`SELECT * FROM ${T('heads')} WHERE commons_id = ?`, [commonsId]);
      const size = Number(head.size);
      await db.run(`DELETE FROM ${T('records')} WHERE commons_id = ? AND seq = ?`, [commonsId, size - 1]);
      await db.run(`UPDATE ${T('heads')} SET size = ? WHERE commons_id = ?`, [size - 1, commonsId]);
      await expectReadOnly(t.app, 'record');
    });

    it('given the last record replaced behind a running server, then its next write is refused, not built on it', async () => {
      const last = await db.one(
        `SELECT * FROM ${T('records')} WHERE commons_id = ? ORDER BY seq DESC LIMIT 1`,
        [commonsId],
      );
      const { chainRecords, decodeRecord } = await import('@peergov/kernel/log');
      const r = decodeRecord(last.body as string);
      // Re-chained from the same previous record, with the head moved to it: consistent, except for the checkpoint.
      const forged = must(
        chainRecords(commonsId, r.prev, r.seq, [
          { type: r.type, data: { ...(r.data as object), reason: 'forged' }, actor: r.actor, at: r.at },
        ])[0],
        'the forged record',
      );
      await db.run(`UPDATE ${T('records')} SET body = ?, hash = ? WHERE commons_id = ? AND seq = ?`, [
        forged.body,
        forged.hash,
        commonsId,
        r.seq,
      ]);
      await db.run(`UPDATE ${T('heads')} SET hash = ? WHERE commons_id = ?`, [forged.hash, commonsId]);
      const size = await logSize();
      // A write first, without a read before it: the append names the hash it extends.
      const w = await comment();
      expect(w.statusCode, w.body).toBe(409);
      expect(w.json().code).toBe('log_integrity');
      expect(await logSize()).toBe(size);
      await expectReadOnly(t.app, 'record');
    });

    it('given an old record changed behind a running server, when verify finds it, then the commons is read-only', async () => {
      expect((await comment()).statusCode).toBe(201);
      const r = await db.one(`SELECT body FROM ${T('records')} WHERE commons_id = ? AND seq = 0`, [
        commonsId,
      ]);
      await db.run(`UPDATE ${T('records')} SET body = ? WHERE commons_id = ? AND seq = 0`, [
        (r.body as string).replace('Garden', 'Gardes'),
        commonsId,
      ]);
      const v = (await ada.call('GET', `/api/v1/commons/${commonsId}/log/verify`)).json();
      expect(v).toMatchObject({ ok: false, where: 'record', seq: 0 });
      await expectReadOnly(t.app, 'record');
    });

    it('given a read-model document edited before a start, then the new process serves the log, says so, and refuses writes', async () => {
      const doc = await db.one(`SELECT * FROM ${T('docs')} WHERE commons_id = ? AND kind = 'position'`, [
        commonsId,
      ]);
      const body = db.json(doc.body) as Record<string, unknown>;
      await db.run(
        `UPDATE ${T('docs')} SET body = ?${db.jsonCast} WHERE commons_id = ? AND kind = 'position' AND id = ?`,
        [db.jsonParam({ ...body, reason: 'Forged reason' }), commonsId, doc.id],
      );
      const ctx = await createContext({ ...t.ctx.config });
      const app = await buildApp(ctx);
      try {
        const as = await expectReadOnly(app, 'document');
        const p = (await as.call('GET', `/api/v1/commons/${commonsId}/proposals/${proposalId}`)).json();
        expect(p.integrity).toMatchObject({ ok: false, where: 'document' });
        // The view presents what the caller may do: nothing, in a read-only commons.
        expect(p.canTakePosition).toBe(false);
        const listed = (
          await as.call('GET', `/api/v1/commons/${commonsId}/proposals/${proposalId}/positions`)
        ).json();
        expect(listed.items.map((x: { reason: string }) => x.reason)).toEqual(['Too much water']);
        expect(listed.total).toBe(1);
      } finally {
        await app.close();
        await ctx.store.close();
      }
    });
  });
}
