// The tamper matrix: a log built through the real API, then changed straight in the database (as whoever can edit
// it would), one change at a time; verification must catch each and say where. Run on both stores. Rollbacks and
// rewrites re-signed with the instance's own key are only visible against a checkpoint saved earlier.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CompactMerkleTree,
  chainRecords,
  decodeRecord,
  recordLeafHash,
  signCheckpoint,
} from '@peergov/kernel/log';
import {
  LogService,
  parseSavedCheckpoint,
  readModelFromLog,
  type VerifyOptions,
  type VerifyResult,
} from '../src/index';
import { verifyWorkers } from '../src/log-service';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';
import { openDb, type Db, type Row } from './raw-db';

const pgOk = await requirePostgres('the tamper matrix on PostgreSQL');

/** Every stored row of one commons: records, head and documents. */
interface Snapshot {
  head: Row;
  records: Row[];
  docs: Row[];
}

/** A string with one character changed (a hex digit stays a hex digit, a digit a digit). */
function flip(s: string, at = Math.floor(s.length / 2)): string {
  const c = must(s[at], `a character at ${at} of "${s}"`);
  const next = /[0-9]/.test(c)
    ? String((Number(c) + 1) % 10)
    : /[a-f]/.test(c)
      ? c === 'a'
        ? 'b'
        : 'a'
      : c === 'x'
        ? 'y'
        : 'x';
  return s.slice(0, at) + next + s.slice(at + 1);
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`tamper matrix on ${kind}`, () => {
    let t: TestApp;
    let db: Db;
    let ada: Person;
    let bob: Person;
    let commonsId: string;
    let orchard: string;
    let size: number;
    let intact: Snapshot;
    let early: Snapshot;
    let savedEarly: unknown;
    let savedLatest: unknown;

    const T = (name: string) => db.table(name);
    /** The same verify checked in a worker thread and in this one (the default for a small log): one answer. */
    const bothWays = async (options: VerifyOptions = {}): Promise<VerifyResult> => {
      const logs = new LogService(t.ctx.store, t.ctx.keys.publicKey);
      const inThread = await logs.verify(commonsId, { ...options, worker: false });
      const sessions = verifyWorkers.sessions;
      expect(await logs.verify(commonsId, { ...options, worker: true }), 'checked in a worker').toEqual(
        inThread,
      );
      // It did check in a worker, not fall back to this thread.
      expect(verifyWorkers.sessions, 'a worker checked').toBe(sessions + 1);
      return inThread;
    };
    const verify = async (): Promise<VerifyResult> => {
      const r = await ada.call('GET', `/api/v1/commons/${commonsId}/log/verify`);
      expect(r.statusCode).toBe(200);
      const answer = r.json() as VerifyResult;
      expect(answer.ok).toBe((await bothWays()).ok);
      return answer;
    };
    const verifySaved = (saved: unknown) => bothWays({ saved: parseSavedCheckpoint(JSON.stringify(saved)) });
    const checkpoint = async () =>
      (await ada.call('GET', `/api/v1/commons/${commonsId}/log/checkpoint`)).json() as unknown;

    async function snapshot(): Promise<Snapshot> {
      const head = await db.one(`SELECT * FROM ${T('heads')} WHERE commons_id = ?`, [commonsId]);
      const records = await db.all(`SELECT * FROM ${T('records')} WHERE commons_id = ? ORDER BY seq`, [
        commonsId,
      ]);
      const docs = await db.all(`SELECT * FROM ${T('docs')} WHERE commons_id = ? ORDER BY kind, id`, [
        commonsId,
      ]);
      return { head, records, docs };
    }

    /** Writes a snapshot back over the commons' rows (the attacker restoring a backup, or the test undoing a case). */
    async function restore(s: Snapshot): Promise<void> {
      await db.run(`DELETE FROM ${T('docs')} WHERE commons_id = ?`, [commonsId]);
      await db.run(`DELETE FROM ${T('records')} WHERE commons_id = ?`, [commonsId]);
      await writeHead({
        size: Number(s.head.size),
        hash: s.head.hash as string,
        merkle: db.json(s.head.merkle) as string[],
        checkpoint: s.head.checkpoint === null ? null : db.json(s.head.checkpoint),
      });
      for (const r of s.records) {
        await db.run(
          `INSERT INTO ${T('records')} (commons_id, seq, type, at, hash, body) VALUES (?, ?, ?, ?, ?, ?)`,
          [commonsId, Number(r.seq), r.type, r.at, r.hash, r.body],
        );
      }
      for (const d of s.docs) {
        await db.run(
          `INSERT INTO ${T('docs')} (commons_id, kind, id, body) VALUES (?, ?, ?, ?${db.jsonCast})`,
          [commonsId, d.kind, d.id, db.jsonParam(db.json(d.body))],
        );
      }
    }

    async function writeHead(h: { size: number; hash: string; merkle: string[]; checkpoint: unknown }) {
      await db.run(
        `UPDATE ${T('heads')} SET size = ?, hash = ?, merkle = ?${db.jsonCast}, checkpoint = ?${db.jsonCast} WHERE commons_id = ?`,
        [
          h.size,
          h.hash,
          db.jsonParam(h.merkle),
          h.checkpoint === null ? null : db.jsonParam(h.checkpoint),
          commonsId,
        ],
      );
    }

    const headNow = async () => {
      const head = await db.one(`SELECT * FROM ${T('heads')} WHERE commons_id = ?`, [commonsId]);
      return {
        size: Number(head.size),
        hash: head.hash as string,
        merkle: db.json(head.merkle) as string[],
        checkpoint: db.json(head.checkpoint) as Record<string, unknown>,
      };
    };
    const setRecord = (seq: number, column: string, value: unknown) =>
      db.run(`UPDATE ${T('records')} SET ${column} = ? WHERE commons_id = ? AND seq = ?`, [
        value,
        commonsId,
        seq,
      ]);
    const recordRow = async (seq: number) =>
      db.one(`SELECT * FROM ${T('records')} WHERE commons_id = ? AND seq = ?`, [commonsId, seq]);

    beforeAll(async () => {
      t = await testApp(kind);
      db = await openDb(t, kind);
      ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
      const ok = async (p: Promise<{ statusCode: number; body: string }>) => {
        const r = await p;
        expect(r.statusCode, r.body).toBeLessThan(300);
        return JSON.parse(r.body);
      };
      const c = await ok(
        ada.call('POST', '/api/v1/commons', {
          name: 'Garden',
          purpose: 'Grow food',
          template: 'single-class',
        }),
      );
      commonsId = c.id;
      const base = `/api/v1/commons/${commonsId}`;
      const invite = await ok(
        ada.call('POST', `${base}/proposals`, {
          title: 'Invite Bob',
          action: { kind: 'admit_member', email: 'bob@example.org' },
        }),
      );
      await ok(
        ada.call('PUT', `${base}/proposals/${invite.id}/position`, { stance: 'agree', reason: 'Beans' }),
      );
      early = await snapshot();
      savedEarly = await checkpoint();
      const o = await ok(
        bob.call('POST', `${base}/proposals`, {
          title: 'Plant an orchard',
          body: 'Apples and pears along the fence.',
          action: { kind: 'resolution', text: 'Plant ten fruit trees' },
        }),
      );
      orchard = o.id;
      const k = await ok(
        ada.call('POST', `${base}/proposals/${orchard}/comments`, { text: 'Which varieties?' }),
      );
      await ok(
        bob.call('POST', `${base}/proposals/${orchard}/comments`, { text: 'Old ones.', replyTo: k.id }),
      );
      await ok(
        ada.call('PUT', `${base}/proposals/${orchard}/position`, { stance: 'block', reason: 'Too shady' }),
      );
      await ok(
        ada.call('PUT', `${base}/proposals/${orchard}/position`, { stance: 'agree', reason: 'North side' }),
      );
      await ok(
        bob.call('PUT', `${base}/proposals/${orchard}/position`, { stance: 'abstain', reason: 'Mine' }),
      );
      savedLatest = await checkpoint();
      intact = await snapshot();
      size = intact.records.length;
      expect(size).toBeGreaterThan(8);
      expect(await verify()).toMatchObject({ ok: true, size });
    });

    afterEach(async () => {
      await restore(intact);
      expect(await verify(), 'the case was undone').toMatchObject({ ok: true, size });
    });

    afterAll(async () => {
      await db?.close();
      await t?.close();
    });

    const expectFault = async (where: string, seq: number | null, reason: RegExp) => {
      const v = await verify();
      expect(v).toMatchObject({ ok: false, where, seq });
      if (!v.ok) expect(v.reason).toMatch(reason);
      return v;
    };

    describe('one byte changed in a record column', () => {
      it('body', async () => {
        const r = await recordRow(3);
        await setRecord(3, 'body', flip(r.body as string));
        await expectFault('record', 3, /./);
      });
      it('hash', async () => {
        await setRecord(4, 'hash', flip((await recordRow(4)).hash as string));
        await expectFault('record', 4, /^stored hash .* does not match the body's hash/);
      });
      it('type', async () => {
        await setRecord(2, 'type', flip((await recordRow(2)).type as string, 0));
        await expectFault('record', 2, /^stored type .* does not match the body's type/);
      });
      it('at', async () => {
        await setRecord(5, 'at', flip((await recordRow(5)).at as string, 3));
        await expectFault('record', 5, /^stored time .* does not match the body's time/);
      });
      it('seq', async () => {
        await setRecord(3, 'seq', 3 + 1000);
        await expectFault('record', 3, /record 3 is stored with seq 4/);
      });
      it('commons_id: a record moved to another commons breaks both logs', async () => {
        const other = await ada.call('POST', '/api/v1/commons', {
          name: 'Other',
          purpose: '',
          template: 'single-class',
        });
        const otherId = other.json().id as string;
        await setRecord(3, 'commons_id', otherId);
        try {
          await expectFault('record', 3, /record 3 is stored with seq 4/);
          const v = (await ada.call('GET', `/api/v1/commons/${otherId}/log/verify`)).json();
          expect(v).toMatchObject({
            ok: false,
            where: 'record',
            seq: 1,
            reason: 'record 1 is stored with seq 3',
          });
        } finally {
          await db.run(`UPDATE ${T('records')} SET commons_id = ? WHERE commons_id = ? AND seq = 3`, [
            commonsId,
            otherId,
          ]);
        }
      });
    });

    describe('one byte changed in the head', () => {
      it('hash', async () => {
        const h = await headNow();
        await writeHead({ ...h, hash: flip(h.hash) });
        await expectFault('head', null, /^head: its hash .* is not the hash of the last record/);
      });
      it('size', async () => {
        const h = await headNow();
        await writeHead({ ...h, size: h.size + 1 });
        await expectFault(
          'head',
          size,
          new RegExp(`^head: it says ${size + 1} records, the log holds ${size}`),
        );
        await writeHead({ ...h, size: h.size - 1 });
        await expectFault('head', size - 1, /^head: it says/);
      });
      it('merkle', async () => {
        const h = await headNow();
        await writeHead({
          ...h,
          merkle: [flip(must(h.merkle[0], 'a Merkle frontier hash')), ...h.merkle.slice(1)],
        });
        await expectFault('head', null, /^head: its Merkle frontier/);
      });
      for (const field of ['commons', 'size', 'root', 'time', 'signature', 'keyId']) {
        it(`checkpoint ${field}`, async () => {
          const h = await headNow();
          const value = h.checkpoint[field];
          const changed =
            typeof value === 'number'
              ? value - 1
              : field === 'time'
                ? flip(value as string, 3)
                : flip(value as string, field === 'signature' ? 0 : undefined);
          await writeHead({ ...h, checkpoint: { ...h.checkpoint, [field]: changed } });
          await expectFault('checkpoint', null, /^checkpoint: signature is not valid for this key$/);
        });
      }
      it('checkpoint removed', async () => {
        await writeHead({ ...(await headNow()), checkpoint: null });
        await expectFault('record', 0, /not covered by a signed checkpoint/);
      });
    });

    describe('records removed, moved or added', () => {
      it('a deleted record', async () => {
        await db.run(`DELETE FROM ${T('records')} WHERE commons_id = ? AND seq = 4`, [commonsId]);
        await expectFault('record', 4, /record 4 is stored with seq 5/);
      });

      it('two records swapped', async () => {
        const [a, b] = [await recordRow(3), await recordRow(4)];
        for (const [seq, r] of [
          [3, b],
          [4, a],
        ] as const) {
          await db.run(
            `UPDATE ${T('records')} SET type = ?, at = ?, hash = ?, body = ? WHERE commons_id = ? AND seq = ?`,
            [r.type, r.at, r.hash, r.body, commonsId, seq],
          );
        }
        await expectFault('record', 3, /body says seq 4/);
      });

      it('a truncation, with or without the head moved back', async () => {
        await db.run(`DELETE FROM ${T('records')} WHERE commons_id = ? AND seq >= ?`, [commonsId, size - 2]);
        await expectFault(
          'record',
          size - 2,
          new RegExp(`^record ${size - 2} is missing: the signed checkpoint covers ${size} records`),
        );
        // The head moved back to match (size, hash, frontier) but the checkpoint cannot be re-signed without the key.
        const tree = new CompactMerkleTree();
        for (const r of intact.records.slice(0, size - 2)) tree.append(recordLeafHash(r.body as string));
        await writeHead({
          ...(await headNow()),
          size: size - 2,
          hash: must(intact.records[size - 3], `record ${size - 3}`).hash as string,
          merkle: tree.state().hashes,
        });
        await expectFault('record', size - 2, /is missing/);
      });

      it('a correctly chained record forged after the checkpoint, with the head moved on (no key needed)', async () => {
        const h = await headNow();
        const last = decodeRecord(must(intact.records[size - 1], `record ${size - 1}`).body as string);
        const forged = must(
          chainRecords(commonsId, h.hash, size, [
            { type: last.type, data: last.data, actor: last.actor, at: new Date().toISOString() },
          ])[0],
          'the forged record',
        );
        await db.run(
          `INSERT INTO ${T('records')} (commons_id, seq, type, at, hash, body) VALUES (?, ?, ?, ?, ?, ?)`,
          [commonsId, size, forged.record.type, forged.record.at, forged.hash, forged.body],
        );
        const tree = CompactMerkleTree.fromState({ size, hashes: h.merkle });
        tree.append(recordLeafHash(forged.body));
        await writeHead({ ...h, size: size + 1, hash: forged.hash, merkle: tree.state().hashes });
        await expectFault(
          'record',
          size,
          new RegExp(
            `^record ${size} is not covered by the signed checkpoint, which signs ${size} of the ${size + 1}`,
          ),
        );
      });
    });

    describe('read-model documents', () => {
      it('an edited document', async () => {
        const doc = await db.one(
          `SELECT * FROM ${T('docs')} WHERE commons_id = ? AND kind = 'proposal' AND id = ?`,
          [commonsId, orchard],
        );
        const body = db.json(doc.body) as Record<string, unknown>;
        await db.run(
          `UPDATE ${T('docs')} SET body = ?${db.jsonCast} WHERE commons_id = ? AND kind = 'proposal' AND id = ?`,
          [db.jsonParam({ ...body, title: 'Plant a car park' }), commonsId, orchard],
        );
        const v = await expectFault(
          'document',
          null,
          /^document proposal ".*" differs from what the log gives \(in title\)/,
        );
        expect(v).toMatchObject({ doc: { kind: 'proposal', id: orchard } });
      });

      it('a missing and an extra document', async () => {
        await db.run(`DELETE FROM ${T('docs')} WHERE commons_id = ? AND kind = 'position' AND id = ?`, [
          commonsId,
          `${orchard}/${bob.id}`,
        ]);
        const v = await expectFault('document', null, /^document position ".*" is missing/);
        expect(v).toMatchObject({ doc: { kind: 'position', id: `${orchard}/${bob.id}` } });
        await restore(intact);
        await db.run(
          `INSERT INTO ${T('docs')} (commons_id, kind, id, body) VALUES (?, 'comment', ?, ?${db.jsonCast})`,
          [commonsId, `${orchard}/forged`, db.jsonParam({ id: 'forged', text: 'Nobody said this' })],
        );
        await expectFault('document', null, /^document comment ".*\/forged" is extra/);
      });
    });

    describe('caught only with a checkpoint saved earlier', () => {
      it('a rollback: an older backup of records, head, checkpoint and documents restored', async () => {
        await restore(early);
        // Consistent on its own: the database alone cannot tell.
        expect(await verify()).toMatchObject({ ok: true, size: early.records.length });
        expect(await verifySaved(savedEarly)).toMatchObject({ ok: true });
        const v = await verifySaved(savedLatest);
        expect(v).toMatchObject({ ok: false, where: 'saved-checkpoint', seq: early.records.length });
        if (!v.ok) {
          expect(v.reason).toMatch(
            new RegExp(
              `^saved checkpoint: it covers ${size} records but the log now has only ${early.records.length}`,
            ),
          );
        }
      });

      it('a rewrite re-chained and re-signed with the instance key, documents rebuilt to match', async () => {
        const privateKey = readFileSync(join(t.dataDir, 'signing-key.pem'), 'utf8');
        // Change Ada's reason on the orchard, then re-chain everything after it.
        const records = intact.records.map((r) => decodeRecord(r.body as string));
        const target = records.findIndex(
          (r) => r.type === 'PositionTaken' && JSON.stringify(r.data).includes('North side'),
        );
        expect(target).toBeGreaterThan(0);
        const events = records.map((r, i) => ({
          type: r.type,
          actor: r.actor,
          at: r.at,
          data: i === target ? JSON.parse(JSON.stringify(r.data).replace('North side', 'Never')) : r.data,
        }));
        const chained = chainRecords(commonsId, '0'.repeat(64), 0, events);
        const tree = new CompactMerkleTree();
        for (const c of chained) tree.append(recordLeafHash(c.body));
        const signed = signCheckpoint(
          { commons: commonsId, size, root: tree.rootHex(), time: new Date().toISOString() },
          privateKey,
        );
        const docs = readModelFromLog(chained.map((c) => c.body));
        await restore({
          head: {
            size,
            hash: must(chained[size - 1], `record ${size - 1}`).hash,
            merkle: db.asStored(tree.state().hashes),
            checkpoint: db.asStored({
              ...signed.checkpoint,
              signature: signed.signature,
              keyId: signed.keyId,
            }),
          },
          records: chained.map((c) => ({
            seq: c.record.seq,
            type: c.record.type,
            at: c.record.at,
            hash: c.hash,
            body: c.body,
          })),
          docs: docs.map((d) => ({ kind: d.kind, id: d.id, body: db.asStored(d.body) })),
        });
        // Everything in the database agrees, so only the saved checkpoint can tell.
        expect(await verify()).toMatchObject({ ok: true, size });
        const v = await verifySaved(savedLatest);
        expect(v).toMatchObject({ ok: false, where: 'saved-checkpoint', seq: null });
        if (!v.ok)
          expect(v.reason).toMatch(
            /^saved checkpoint: the first \d+ records have Merkle root .* history was rewritten/,
          );
        expect(await verifySaved(savedEarly)).toMatchObject({ ok: true });
      });

      it('an intact log extends both saved checkpoints, with a consistency proof', async () => {
        const v = await verifySaved(savedEarly);
        expect(v).toMatchObject({
          ok: true,
          size,
          consistency: { fromSize: early.records.length, toSize: size },
        });
        expect(await verifySaved(savedLatest)).toMatchObject({ ok: true, size });
      });
    });
  });
}

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`verify under concurrent writes on ${kind}`, () => {
    let t: TestApp;
    afterAll(async () => t?.close());

    it('never reports a fault while comments are being appended (head and records of one snapshot)', async () => {
      t = await testApp(kind);
      const ada = await new Person(t.app, 'ada@example.org', 'Ada').signUp();
      const c = await ada.call('POST', '/api/v1/commons', {
        name: 'Busy',
        purpose: '',
        template: 'single-class',
      });
      const id = c.json().id as string;
      const p = await ada.call('POST', `/api/v1/commons/${id}/proposals`, {
        title: 'Many minds',
        action: { kind: 'resolution', text: 'Change it often' },
      });
      const pid = p.json().id as string;
      let writing = true;
      const writer = (async () => {
        try {
          for (let i = 0; i < 60; i++) {
            const r = await ada.call('POST', `/api/v1/commons/${id}/proposals/${pid}/comments`, {
              text: `thought ${i}`,
            });
            expect(r.statusCode, r.body).toBe(201);
          }
        } finally {
          writing = false;
        }
      })();
      const results: VerifyResult[] = [];
      while (writing || results.length < 5) {
        const [v, w] = await Promise.all([
          ada.call('GET', `/api/v1/commons/${id}/log/verify`),
          new LogService(t.ctx.store, t.ctx.keys.publicKey).verify(id, { worker: true }),
          new Promise((r) => setImmediate(r)),
        ]);
        results.push(v.json(), w);
      }
      await writer;
      expect(results.filter((r) => !r.ok)).toEqual([]);
      expect(new Set(results.map((r) => (r.ok ? r.size : -1))).size).toBeGreaterThan(1);
    });
  });
}

describe('saved checkpoint files', () => {
  const signed = {
    checkpoint: { commons: 'c1', size: 3, root: 'ab'.repeat(32), time: '2026-01-01T00:00:00.000Z' },
    signature: 'c2ln',
    keyId: '0123456789abcdef',
  };
  const flat = { ...signed.checkpoint, signature: signed.signature, keyId: signed.keyId };

  it('reads the API answer, an export (its last line), and a stored checkpoint', () => {
    expect(parseSavedCheckpoint(JSON.stringify({ ...signed, publicKey: 'PEM' }, null, 2))).toEqual(signed);
    const exported = [
      JSON.stringify({ seq: 0, hash: 'x', leafHash: 'y', proof: [], record: {} }),
      JSON.stringify({ checkpoint: flat, size: 3, root: signed.checkpoint.root }),
      '',
    ].join('\n');
    expect(parseSavedCheckpoint(exported)).toEqual(signed);
    expect(parseSavedCheckpoint(JSON.stringify(flat))).toEqual(signed);
  });

  it('says what is wrong with anything else', () => {
    expect(() => parseSavedCheckpoint('')).toThrow(/empty/);
    expect(() => parseSavedCheckpoint('{not json')).toThrow(/not JSON/);
    expect(() => parseSavedCheckpoint(JSON.stringify({ checkpoint: null, size: 0 }))).toThrow(
      /must be what GET/,
    );
  });
});
