// GET /api/v1/commons/:id/log/consistency: the latest signed checkpoint with the RFC 9162 consistency proof from a
// size the client saw before, checked here the way a client would (verifyConsistency, verifyCheckpoint). Both stores.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  consistencyProofFromNodes,
  consistencyProofNodeKeys,
  fromHex,
  nodeSourceOf,
  toHex,
  verifyCheckpoint,
  verifyConsistency,
} from '@peergov/kernel/log';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';
import { openDb } from './raw-db';

const pgOk = await requirePostgres('the consistency endpoint on PostgreSQL');

interface Answer {
  from: number;
  to: number;
  proof: string[];
  checkpoint: {
    checkpoint: { commons: string; size: number; root: string; time: string };
    signature: string;
    keyId: string;
  };
  publicKey: string;
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`log consistency on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let commonsId: string;
    /** Signed checkpoints seen along the way, oldest first. */
    const seen: Answer['checkpoint'][] = [];

    const url = (from: string | number) => `/api/v1/commons/${commonsId}/log/consistency?from=${from}`;
    const get = async (from: number): Promise<Answer> => {
      const r = await ada.call('GET', url(from));
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      const ok = async (p: Promise<{ statusCode: number; body: string }>) => {
        const r = await p;
        expect(r.statusCode, r.body).toBeLessThan(300);
        return JSON.parse(r.body);
      };
      const checkpoint = async () =>
        seen.push((await ok(ada.call('GET', `/api/v1/commons/${commonsId}/log/checkpoint`))) as never);
      const c = await ok(
        ada.call('POST', '/api/v1/commons', { name: 'Garden', purpose: 'Grow', template: 'single-class' }),
      );
      commonsId = c.id;
      await checkpoint();
      const base = `/api/v1/commons/${commonsId}`;
      for (let i = 0; i < 6; i++) {
        const p = await ok(
          ada.call('POST', `${base}/proposals`, {
            title: `Motion ${i}`,
            action: { kind: 'resolution', text: `Do thing ${i}` },
          }),
        );
        await checkpoint();
        await ok(ada.call('PUT', `${base}/proposals/${p.id}/position`, { stance: 'agree', reason: `r${i}` }));
        await checkpoint();
      }
    });

    afterAll(async () => {
      await t?.close();
    });

    it('proves every earlier checkpoint is extended by the latest, which is signed by the instance key', async () => {
      const sizes = [...new Set(seen.map((s) => s.checkpoint.size))];
      expect(sizes.length).toBeGreaterThan(5);
      const latest = await get(0);
      expect(latest.from).toBe(0);
      expect(latest.proof).toEqual([]);
      expect(latest.publicKey).toBe(t.ctx.keys.publicKeyPem);
      expect(verifyCheckpoint(latest.checkpoint, latest.publicKey)).toBe(true);
      const n = latest.to;
      expect(latest.checkpoint.checkpoint.size).toBe(n);
      for (const old of seen) {
        const m = old.checkpoint.size;
        const a = await get(m);
        expect(a).toMatchObject({ from: m, to: n });
        expect(verifyCheckpoint(a.checkpoint, a.publicKey)).toBe(true);
        const ok = verifyConsistency(
          m,
          n,
          a.proof.map(fromHex),
          fromHex(old.checkpoint.root),
          fromHex(a.checkpoint.checkpoint.root),
        );
        expect(ok, `consistency ${m} -> ${n}`).toBe(true);
        if (m === n) expect(a.proof).toEqual([]);
        // The same proof does not show consistency with some other root.
        const wrong = fromHex(old.checkpoint.root);
        wrong[0]! ^= 1;
        expect(
          verifyConsistency(m, n, a.proof.map(fromHex), wrong, fromHex(a.checkpoint.checkpoint.root)),
        ).toBe(false);
      }
    });

    // Proofs are made from the stored Merkle nodes (complete subtrees), checked against the signed checkpoint before
    // they are served: a rewritten node gives a proof that no longer reaches a root seen before, so none is served.
    it('a Merkle node rewritten in the database gives a proof that no longer reaches a root seen before: 409 log_integrity instead', async () => {
      const old = must(seen[2], 'a third checkpoint seen').checkpoint;
      const before = await get(old.size);
      const db = await openDb(t, kind);
      const nodes = db.table('merkle_nodes');
      const readNodes = async () =>
        (await db.all(`SELECT level, idx, hash FROM ${nodes} WHERE commons_id = ?`, [commonsId])).map(
          (r) => ({
            level: Number(r.level),
            index: Number(r.idx),
            hash: String(r.hash),
          }),
        );
      const first = must(consistencyProofNodeKeys(old.size, before.to)[0], 'a node the proof reads');
      const row = await db.one(`SELECT hash FROM ${nodes} WHERE commons_id = ? AND level = ? AND idx = ?`, [
        commonsId,
        first.level,
        first.index,
      ]);
      const hash = row.hash as string;
      const where = `WHERE commons_id = ? AND level = ? AND idx = ?`;
      try {
        await db.run(`UPDATE ${nodes} SET hash = ? ${where}`, [
          `${hash[0] === '0' ? '1' : '0'}${hash.slice(1)}`,
          commonsId,
          first.level,
          first.index,
        ]);
        // The proof these nodes give differs and does not verify...
        const tampered = consistencyProofFromNodes(old.size, before.to, nodeSourceOf(await readNodes()));
        expect(tampered.map(toHex)).not.toEqual(before.proof);
        const ok = verifyConsistency(
          old.size,
          before.to,
          tampered,
          fromHex(old.root),
          fromHex(before.checkpoint.checkpoint.root),
        );
        expect(ok).toBe(false);
        // ...so the server, which checks it against the signed root first, does not serve it.
        const r = await ada.call('GET', url(old.size));
        expect(r.statusCode, r.body).toBe(409);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(r.json()).toMatchObject({ code: 'log_integrity', status: 409 });
      } finally {
        await db.run(`UPDATE ${nodes} SET hash = ? ${where}`, [hash, commonsId, first.level, first.index]);
        await db.close();
      }
      expect((await get(old.size)).proof).toEqual(before.proof);
    });

    it('a record rewritten in the database: its inclusion proof is refused (409 log_integrity); the consistency proof, over the signed tree, still verifies', async () => {
      const old = must(seen[2], 'a third checkpoint seen').checkpoint;
      const before = await get(old.size);
      const proofOf1 = await ada.call('GET', `/api/v1/commons/${commonsId}/log/proof/1`);
      expect(proofOf1.statusCode, proofOf1.body).toBe(200);
      const db = await openDb(t, kind);
      const records = db.table('records');
      const row = await db.one(`SELECT body FROM ${records} WHERE commons_id = ? AND seq = 1`, [commonsId]);
      const body = row.body as string;
      try {
        await db.run(`UPDATE ${records} SET body = ? WHERE commons_id = ? AND seq = 1`, [
          body.replace('Motion 0', 'Motion X'),
          commonsId,
        ]);
        const r = await ada.call('GET', `/api/v1/commons/${commonsId}/log/proof/1`);
        expect(r.statusCode, r.body).toBe(409);
        expect(r.json()).toMatchObject({ code: 'log_integrity', status: 409 });
        expect(r.json().detail).toMatch(/record 1/);
        // The consistency proof is made of the signed tree's nodes, not of records: it is what it was, and proves
        // the signed checkpoint extends the one seen before (the rewritten record is what fails, above and in verify).
        const after = await get(old.size);
        expect(after.proof).toEqual(before.proof);
        expect(
          verifyConsistency(
            old.size,
            after.to,
            after.proof.map(fromHex),
            fromHex(old.root),
            fromHex(after.checkpoint.checkpoint.root),
          ),
        ).toBe(true);
      } finally {
        await db.run(`UPDATE ${records} SET body = ? WHERE commons_id = ? AND seq = 1`, [body, commonsId]);
        await db.close();
      }
    });

    it('answers 409 log_rollback for a size beyond the latest signed checkpoint', async () => {
      const { to } = await get(0);
      for (const from of [to + 1, to + 1000, '999999999999']) {
        const r = await ada.call('GET', url(from));
        expect(r.statusCode, r.body).toBe(409);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(r.json()).toMatchObject({ code: 'log_rollback', status: 409 });
      }
    });

    it('answers the latest checkpoint with an empty proof when from is missing (a first visit)', async () => {
      const r = await ada.call('GET', `/api/v1/commons/${commonsId}/log/consistency`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toMatchObject({ from: 0, proof: [] });
    });

    it('answers 400 when from is not a log size (digits, at most 12, as every size in the API)', async () => {
      const odd = [
        '?from=',
        '?from=-1',
        '?from=1.5',
        '?from=abc',
        '?from=1e3',
        '?from=0x10',
        '?from=99999999999999999999',
      ];
      for (const q of odd) {
        const r = await ada.call('GET', `/api/v1/commons/${commonsId}/log/consistency${q}`);
        expect(r.statusCode, `${q}: ${r.body}`).toBe(400);
        expect(r.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    });

    it('answers 404 for an unknown commons, and anyone may ask', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/v1/commons/nope/log/consistency?from=0' });
      expect(r.statusCode).toBe(404);
      const anon = await t.app.inject({ method: 'GET', url: url(1) });
      expect(anon.statusCode).toBe(200);
    });

    it('is documented in the OpenAPI document', async () => {
      const r = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
      expect(r.statusCode).toBe(200);
      const doc = r.json();
      const op = doc.paths['/api/v1/commons/{id}/log/consistency']?.get;
      expect(op).toBeDefined();
      expect(Object.keys(op.responses)).toContain('409');
    });
  });
}
