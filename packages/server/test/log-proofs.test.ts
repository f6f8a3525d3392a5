// Inclusion and consistency proofs served from stored Merkle nodes, on both stores: the same bytes as the proofs
// computed from every record, for logs written by the server (nodes with each append) and for logs without nodes
// (from before they were kept, or appended by a writer that gave none), which the first proof backfills from the
// records in chunks that let the event loop run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CompactMerkleTree,
  consistencyProof,
  fromHex,
  inclusionProof,
  merkleRoot,
  recordLeafHash,
  signCheckpoint,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '@peergov/kernel/log';
import type { Store, StoredRecord } from '@peergov/store';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';
import { openDb } from './raw-db';

const pgOk = await requirePostgres('log proofs on PostgreSQL');

interface InclusionAnswer {
  seq: number;
  size: number;
  leafHash: string;
  proof: string[];
  root: string;
}

/**
 * Appends `count` records with made-up bodies to a commons' log directly through the store, without Merkle nodes
 * (as a log from before nodes were kept), with a head whose checkpoint the instance key signs.
 */
async function appendWithoutNodes(t: TestApp, commonsId: string, count: number, batch = 2000): Promise<void> {
  const head = await t.ctx.store.head(commonsId);
  const tree = CompactMerkleTree.fromState({ size: head?.size ?? 0, hashes: head?.merkle ?? [] });
  let size = head?.size ?? 0;
  let hash = head?.hash ?? '0'.repeat(64);
  for (let done = 0; done < count;) {
    const n = Math.min(batch, count - done);
    const records: StoredRecord[] = [];
    for (let i = 0; i < n; i++) {
      const seq = size + i;
      const body = JSON.stringify({ seq, note: `record ${seq} of ${commonsId}` });
      tree.append(recordLeafHash(body));
      hash = toHex(recordLeafHash(`${hash}${body}`));
      records.push({ commonsId, seq, type: 'Test', at: '2026-01-01T00:00:00.000Z', hash, body });
    }
    const signed = signCheckpoint(
      { commons: commonsId, size: size + n, root: tree.rootHex(), time: '2026-01-01T00:00:00.000Z' },
      t.ctx.keys.privateKey,
    );
    await t.ctx.store.append({
      commonsId,
      expectedSize: size,
      records,
      head: {
        commonsId,
        size: size + n,
        hash,
        merkle: tree.state().hashes,
        checkpoint: { ...signed.checkpoint, signature: signed.signature, keyId: signed.keyId },
      },
      docs: [],
    });
    size += n;
    done += n;
  }
}

const leavesOf = async (store: Store, commonsId: string) =>
  (await store.readRecords(commonsId)).map((r) => recordLeafHash(r.body));

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`log proofs from stored nodes on ${kind}`, () => {
    let t: TestApp;
    let ada: Person;
    let commonsId: string;

    const inclusion = async (id: string, seq: number, size?: number): Promise<InclusionAnswer> => {
      const q = size === undefined ? '' : `?size=${size}`;
      const r = await t.app.inject({ method: 'GET', url: `/api/v1/commons/${id}/log/proof/${seq}${q}` });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const consistency = async (id: string, from: number): Promise<{ to: number; proof: string[] }> => {
      const r = await t.app.inject({
        method: 'GET',
        url: `/api/v1/commons/${id}/log/consistency?from=${from}`,
      });
      expect(r.statusCode, r.body).toBe(200);
      return r.json();
    };
    const nodesSize = (id: string) => t.ctx.store.merkleNodesSize(id);

    beforeAll(async () => {
      t = await testApp(kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      const ok = async (p: Promise<{ statusCode: number; body: string }>) => {
        const r = await p;
        expect(r.statusCode, r.body).toBeLessThan(300);
        return JSON.parse(r.body);
      };
      commonsId = (
        await ok(
          ada.call('POST', '/api/v1/commons', {
            name: 'Orchard',
            purpose: 'Trees',
            template: 'single-class',
          }),
        )
      ).id;
      for (let i = 0; i < 5; i++) {
        const p = await ok(
          ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
            title: `Plant ${i}`,
            action: { kind: 'resolution', text: `Plant tree ${i}` },
          }),
        );
        await ok(
          ada.call('PUT', `/api/v1/commons/${commonsId}/proposals/${p.id}/position`, {
            stance: 'agree',
            reason: 'y',
          }),
        );
      }
    });

    afterAll(async () => {
      await t?.close();
    });

    /** Every inclusion proof (default size and every smaller one) and every consistency proof equal the all-leaves ones. */
    async function expectAllProofsAsFromLeaves(id: string): Promise<void> {
      const leaves = await leavesOf(t.ctx.store, id);
      const n = leaves.length;
      const head = must(await t.ctx.store.head(id), 'a head');
      const signedRoot = must(head.checkpoint, 'a checkpoint').root;
      for (let seq = 0; seq < n; seq++) {
        const a = await inclusion(id, seq);
        expect(a).toEqual({
          seq,
          size: n,
          leafHash: toHex(must(leaves[seq], 'a leaf')),
          proof: inclusionProof(leaves, seq, n).map(toHex),
          root: signedRoot,
        });
        expect(verifyInclusion(seq, n, fromHex(a.leafHash), a.proof.map(fromHex), fromHex(signedRoot))).toBe(
          true,
        );
      }
      for (let size = 1; size < n; size++) {
        const seq = Math.floor(size / 2);
        const a = await inclusion(id, seq, size);
        expect(a.proof).toEqual(inclusionProof(leaves, seq, size).map(toHex));
        expect(a.root).toBe(toHex(merkleRoot(leaves.slice(0, size))));
        const c = await consistency(id, size);
        expect(c.to).toBe(n);
        expect(c.proof).toEqual(consistencyProof(leaves, size, n).map(toHex));
        expect(
          verifyConsistency(
            size,
            n,
            c.proof.map(fromHex),
            merkleRoot(leaves.slice(0, size)),
            fromHex(signedRoot),
          ),
        ).toBe(true);
      }
    }

    it('a log the server wrote has its nodes, and every proof is the one all the records give', async () => {
      const head = must(await t.ctx.store.head(commonsId), 'a head');
      expect(await nodesSize(commonsId)).toBe(head.size);
      await expectAllProofsAsFromLeaves(commonsId);
    });

    it('a log whose nodes are gone (as from before they were kept) is backfilled on its first proof; appends then bring theirs', async () => {
      const db = await openDb(t, kind);
      try {
        await db.run(`DELETE FROM ${db.table('merkle_nodes')} WHERE commons_id = ?`, [commonsId]);
        await db.run(`UPDATE ${db.table('heads')} SET nodes_size = 0 WHERE commons_id = ?`, [commonsId]);
      } finally {
        await db.close();
      }
      expect(await nodesSize(commonsId)).toBe(0);
      const size = must(await t.ctx.store.head(commonsId), 'a head').size;
      await inclusion(commonsId, 0);
      expect(await nodesSize(commonsId)).toBe(size);
      await expectAllProofsAsFromLeaves(commonsId);
      const r = await ada.call('POST', `/api/v1/commons/${commonsId}/proposals`, {
        title: 'After the backfill',
        action: { kind: 'resolution', text: 'More trees' },
      });
      expect(r.statusCode, r.body).toBe(201);
      const grown = must(await t.ctx.store.head(commonsId), 'a head').size;
      expect(grown).toBeGreaterThan(size);
      expect(await nodesSize(commonsId)).toBe(grown);
      await expectAllProofsAsFromLeaves(commonsId);
    });

    it('a long log without nodes is backfilled once, in chunks between which the event loop runs', async () => {
      const id = `long-${kind}`;
      await appendWithoutNodes(t, id, 10_000);
      expect(await nodesSize(id)).toBe(0);
      const store = t.ctx.store;
      const add = store.addMerkleNodes.bind(store);
      let steps = 0;
      store.addMerkleNodes = async (...args) => {
        steps++;
        return add(...args);
      };
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 0);
      try {
        // Proofs asked for at once share one backfill.
        const answers = await Promise.all([inclusion(id, 0), inclusion(id, 9_999), consistency(id, 4_097)]);
        expect(steps).toBe(Math.ceil(10_000 / 1024));
        expect(ticks).toBeGreaterThan(0);
        const leaves = await leavesOf(store, id);
        expect(answers[0].proof).toEqual(inclusionProof(leaves, 0, 10_000).map(toHex));
        expect(answers[1].proof).toEqual(inclusionProof(leaves, 9_999, 10_000).map(toHex));
        expect(answers[2].proof).toEqual(consistencyProof(leaves, 4_097, 10_000).map(toHex));
      } finally {
        clearInterval(ticker);
        store.addMerkleNodes = add;
      }
      expect(await nodesSize(id)).toBe(10_000);
      // Records appended without nodes later are caught up by the next proof, from where the nodes stopped.
      await appendWithoutNodes(t, id, 5);
      const leaves = await leavesOf(store, id);
      expect((await inclusion(id, 10_004)).proof).toEqual(inclusionProof(leaves, 10_004, 10_005).map(toHex));
      expect(await nodesSize(id)).toBe(10_005);
    });

    it('a checkpoint that the instance did not sign, or no checkpoint, gives no proof: 409 log_integrity', async () => {
      const id = `unsigned-${kind}`;
      await appendWithoutNodes(t, id, 3);
      const db = await openDb(t, kind);
      const heads = db.table('heads');
      try {
        const row = await db.one(`SELECT checkpoint FROM ${heads} WHERE commons_id = ?`, [id]);
        const cp = db.json(row.checkpoint) as { root: string };
        const forged = { ...cp, root: `${cp.root[0] === '0' ? '1' : '0'}${cp.root.slice(1)}` };
        await db.run(`UPDATE ${heads} SET checkpoint = ?${db.jsonCast} WHERE commons_id = ?`, [
          db.jsonParam(forged),
          id,
        ]);
        for (const url of [
          `/api/v1/commons/${id}/log/proof/1`,
          `/api/v1/commons/${id}/log/consistency?from=1`,
        ]) {
          const r = await t.app.inject({ method: 'GET', url });
          expect(r.statusCode, `${url}: ${r.body}`).toBe(409);
          expect(r.json()).toMatchObject({ code: 'log_integrity' });
        }
        await db.run(`UPDATE ${heads} SET checkpoint = NULL WHERE commons_id = ?`, [id]);
        const r = await t.app.inject({ method: 'GET', url: `/api/v1/commons/${id}/log/proof/1` });
        expect(r.statusCode, r.body).toBe(409);
        expect(r.json()).toMatchObject({ code: 'log_integrity' });
      } finally {
        await db.close();
      }
    });
  });
}
