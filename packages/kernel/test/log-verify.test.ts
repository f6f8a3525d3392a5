import { describe, expect, it } from 'vitest';
import {
  GENESIS_PREV,
  chainRecords,
  CompactMerkleTree,
  emptyRoot,
  fromHex,
  generateSigningKey,
  merkleRoot,
  recordHash,
  recordLeafHash,
  signCheckpoint,
  toHex,
  verifyConsistency,
  verifyLog,
  type LogEventInput,
  type StoredRecord,
  type VerifyLogOptions,
} from '../src/log/index';
import { four, nth, type Four } from './must';

const key = generateSigningKey(new Uint8Array(32).fill(7));
const otherKey = generateSigningKey(new Uint8Array(32).fill(8));
const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();

const events: Four<LogEventInput> = [
  {
    type: 'CommonsFounded',
    data: { name: 'Ærø Makers', template: 'cooperative' },
    actor: 'alice',
    at: at(0),
  },
  { type: 'MemberJoined', data: { member: 'bob', classes: ['worker'] }, actor: 'bob', at: at(1) },
  {
    type: 'ProposalSubmitted',
    data: { id: 'p1', title: 'Buy a 3D printer ✓ 𝄞', amount: 1250.5 },
    actor: 'bob',
    at: at(2),
  },
  { type: 'Note', data: null, actor: null, at: at(3) },
];

function makeLog(): Four<StoredRecord> {
  return four(
    chainRecords('c1', GENESIS_PREV, 0, events).map((r) => ({
      seq: r.record.seq,
      body: r.body,
      hash: r.hash,
    })),
  );
}

function rootOf(log: StoredRecord[], size = log.length): string {
  return toHex(merkleRoot(log.slice(0, size).map((r) => recordLeafHash(r.body))));
}

function checkpointFor(log: StoredRecord[], size = log.length, signer = key) {
  return signCheckpoint({ commons: 'c1', size, root: rootOf(log, size), time: at(10) }, signer.privateKey);
}

describe('verifyLog', () => {
  const log = makeLog();
  const full = { commons: 'c1', checkpoint: checkpointFor(log), publicKey: key.publicKey };

  it('accepts an intact log, without a checkpoint or with one over the whole log', () => {
    expect(verifyLog(log, { commons: 'c1' })).toEqual({ ok: true, size: 4, root: rootOf(log) });
    expect(verifyLog(log, full)).toEqual({ ok: true, size: 4, root: rootOf(log) });
    expect(verifyLog([], { commons: 'c1' })).toEqual({ ok: true, size: 0, root: toHex(emptyRoot()) });
    expect(verifyLog([], { commons: 'c1', checkpoint: null })).toMatchObject({ ok: true, size: 0 });
  });

  it('refuses a signed checkpoint over a prefix: the unsigned tail is named, first record first', () => {
    for (let size = 0; size < log.length; size++) {
      const r = verifyLog(log, { ...full, checkpoint: checkpointFor(log, size) });
      expect(r, `checkpoint size ${size}`).toEqual({
        ok: false,
        where: 'record',
        seq: size,
        reason: `record ${size} is not covered by the signed checkpoint, which signs ${size} of the 4 records`,
      });
    }
    expect(verifyLog(log, { ...full, checkpoint: null })).toMatchObject({
      ok: false,
      where: 'record',
      seq: 0,
      reason: expect.stringMatching(/not covered by a signed checkpoint/),
    });
  });

  it('a forged record chained after the last checkpoint, needing no key, fails', () => {
    const forged = [
      ...log,
      ...chainRecords('c1', log[3].hash, 4, [{ type: 'Note', data: 'forged', actor: null, at: at(4) }]).map(
        (r) => ({ seq: r.record.seq, body: r.body, hash: r.hash }),
      ),
    ];
    expect(verifyLog(forged, { commons: 'c1' }).ok).toBe(true);
    expect(verifyLog(forged, full)).toMatchObject({ ok: false, where: 'record', seq: 4 });
  });

  it('names the record for every single-byte change anywhere in any body', () => {
    let checked = 0;
    for (let r = 0; r < log.length; r++) {
      const bytes = Buffer.from(nth(log, r).body, 'utf8');
      for (let p = 0; p < bytes.length; p++) {
        for (const mask of [0x01, 0x20, 0x80]) {
          const bad = Buffer.from(bytes);
          bad[p] = bad.readUInt8(p) ^ mask;
          const body = bad.toString('utf8');
          expect(body).not.toBe(nth(log, r).body);
          const tampered = log.map((x, i) => (i === r ? { ...x, body } : x));
          const res = verifyLog(tampered, full);
          expect(res.ok, `record ${r} byte ${p} ^${mask}`).toBe(false);
          if (!res.ok) expect(res.seq, `record ${r} byte ${p} ^${mask}: ${res.reason}`).toBe(r);

          // An attacker who also rewrites the stored hash is caught by the next record's prev link, or, for the
          // last record, by the signed Merkle root.
          const rehashed = log.map((x, i) => (i === r ? { ...x, body, hash: recordHash(body) } : x));
          const res2 = verifyLog(rehashed, full);
          expect(res2.ok, `rehashed record ${r} byte ${p} ^${mask}`).toBe(false);
          if (!res2.ok) {
            const allowed = r === log.length - 1 ? [r, null] : [r, r + 1];
            expect(allowed, `rehashed record ${r} byte ${p}: ${res2.reason}`).toContain(res2.seq);
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(3 * 600);
  });

  it('catches changes that leave the body valid JSON, with clear reasons', () => {
    const withBody = (i: number, body: string, rehash = true): StoredRecord[] =>
      log.map((x, j) => (j === i ? { ...x, body, hash: rehash ? recordHash(body) : x.hash } : x));
    const fail = (records: StoredRecord[], opts: VerifyLogOptions = full) => {
      const r = verifyLog(records, opts);
      return r.ok ? r : { seq: r.seq, reason: r.reason };
    };

    expect(
      fail(withBody(1, log[1].body, false).map((x, j) => (j === 1 ? { ...x, hash: '0'.repeat(64) } : x))),
    ).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(/stored hash .* does not match/),
    });
    // Whitespace is valid JSON but not canonical.
    expect(fail(withBody(2, log[2].body.replace('{', '{ ')))).toMatchObject({
      seq: 2,
      reason: expect.stringMatching(/canonical/),
    });
    // Unparsable.
    expect(fail(withBody(0, log[0].body.slice(0, -1)))).toMatchObject({
      seq: 0,
      reason: expect.stringMatching(/not valid JSON/),
    });
    // Another commons' record, re-chained consistently, is still not ours.
    const foreign = chainRecords('c2', GENESIS_PREV, 0, events).map((r) => ({
      seq: r.record.seq,
      body: r.body,
      hash: r.hash,
    }));
    expect(fail(foreign, { commons: 'c1' })).toMatchObject({
      seq: 0,
      reason: expect.stringMatching(/commons "c2"/),
    });
    // Records out of order, a deleted record, a duplicated record.
    expect(fail([log[0], log[2], log[1], log[3]])).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(/stored with seq 2/),
    });
    expect(fail([log[0], { ...log[2], seq: 1 }, log[3]])).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(/body says seq 2/),
    });
    expect(fail([log[0], log[1], { ...log[1], seq: 2 }, log[3]])).toMatchObject({
      seq: 2,
      reason: expect.stringMatching(/body says seq 1/),
    });
    // A record whose body is intact but whose prev link points elsewhere.
    const relinked = nth(chainRecords('c1', 'ab'.repeat(32), 1, events.slice(1, 2)), 0);
    expect(
      fail([log[0], { seq: 1, body: relinked.body, hash: relinked.hash }, log[2], log[3]]),
    ).toMatchObject({
      seq: 1,
      reason: expect.stringMatching(/prev .* does not match the hash of record 0/),
    });
  });

  it('relies on the signed checkpoint to catch a rewritten history', () => {
    // Rewrite from record 2 on, with every hash and prev link recomputed: the chain alone cannot tell.
    const forged = [
      ...log.slice(0, 2),
      ...chainRecords('c1', log[1].hash, 2, [
        { ...events[2], data: { id: 'p1', title: 'Buy a boat', amount: 99999 } },
        events[3],
      ]).map((r) => ({ seq: r.record.seq, body: r.body, hash: r.hash })),
    ];
    expect(verifyLog(forged, { commons: 'c1' }).ok).toBe(true);
    expect(verifyLog(forged, full)).toMatchObject({
      ok: false,
      where: 'checkpoint',
      seq: null,
      reason: expect.stringMatching(
        /^checkpoint: the 4 records have Merkle root [0-9a-f]{64}, the checkpoint signs/,
      ),
    });
    // A checkpoint saved earlier over the untouched prefix still holds; one over the rewritten part does not.
    const prefix = { commons: 'c1', saved: checkpointFor(log, 2), publicKey: key.publicKey };
    expect(verifyLog(forged, prefix).ok).toBe(true);
    expect(verifyLog(forged, { ...prefix, saved: checkpointFor(log, 3) })).toMatchObject({
      ok: false,
      where: 'saved-checkpoint',
      reason: expect.stringMatching(
        /^saved checkpoint: the first 3 records have Merkle root .* history was rewritten/,
      ),
    });
  });

  it('checks the checkpoint itself', () => {
    expect(verifyLog(log.slice(0, 3), full)).toMatchObject({
      ok: false,
      where: 'record',
      seq: 3,
      reason: expect.stringMatching(/record 3 is missing: .*covers 4 records but the log has only 3/),
    });
    expect(verifyLog(log, { ...full, publicKey: otherKey.publicKey })).toEqual({
      ok: false,
      where: 'checkpoint',
      seq: null,
      reason: 'checkpoint: signature is not valid for this key',
    });
    expect(verifyLog(log, { ...full, checkpoint: checkpointFor(log, 4, otherKey) })).toMatchObject({
      ok: false,
      seq: null,
    });
    expect(verifyLog(log, { ...full, publicKey: undefined })).toMatchObject({
      ok: false,
      seq: null,
      reason: expect.stringMatching(/without a public key/),
    });
    const tamperedRoot = {
      ...full.checkpoint,
      checkpoint: { ...full.checkpoint.checkpoint, root: rootOf(log, 3) },
    };
    expect(verifyLog(log, { ...full, checkpoint: tamperedRoot })).toMatchObject({
      ok: false,
      seq: null,
      reason: expect.stringMatching(/signature/),
    });
    const otherCommons = signCheckpoint(
      { commons: 'c2', size: 4, root: rootOf(log), time: at(10) },
      key.privateKey,
    );
    expect(verifyLog(log, { ...full, checkpoint: otherCommons })).toMatchObject({
      ok: false,
      seq: null,
      reason: expect.stringMatching(/commons "c2"/),
    });
    // A bad record is named before any checkpoint problem.
    const broken = log.map((x, i) => (i === 1 ? { ...x, hash: '1'.repeat(64) } : x));
    expect(verifyLog(broken, { ...full, publicKey: otherKey.publicKey })).toMatchObject({
      ok: false,
      seq: 1,
    });
  });

  it('verifies a long log and agrees with the batch Merkle root', () => {
    const many: LogEventInput[] = Array.from({ length: 2000 }, (_, i) => ({
      type: 'Tick',
      data: { i },
      actor: i % 3 === 0 ? null : `m${i % 7}`,
      at: at(i),
    }));
    const long = chainRecords('c1', GENESIS_PREV, 0, many).map((r) => ({
      seq: r.record.seq,
      body: r.body,
      hash: r.hash,
    }));
    const res = verifyLog(long, {
      commons: 'c1',
      checkpoint: checkpointFor(long),
      saved: checkpointFor(long, 1234),
      publicKey: key.publicKey,
    });
    expect(res).toMatchObject({ ok: true, size: 2000, root: rootOf(long) });
    const evidence = res.ok ? res.consistency! : undefined;
    expect(evidence).toMatchObject({ fromSize: 1234, fromRoot: rootOf(long, 1234), toSize: 2000 });
    expect(
      verifyConsistency(
        1234,
        2000,
        evidence!.proof.map(fromHex),
        fromHex(rootOf(long, 1234)),
        fromHex(rootOf(long)),
      ),
    ).toBe(true);
  });

  it('checks the stored type, time and commons columns against the body', () => {
    const columns = log.map((r, i) => ({
      ...r,
      commons: 'c1',
      type: nth(events, i).type,
      at: nth(events, i).at,
    }));
    expect(verifyLog(columns, full).ok).toBe(true);
    const change = (i: number, patch: Partial<StoredRecord>) =>
      verifyLog(
        columns.map((r, j) => (j === i ? { ...r, ...patch } : r)),
        full,
      );
    expect(change(2, { type: 'ProposalWithdrawn' })).toMatchObject({
      where: 'record',
      seq: 2,
      reason: expect.stringMatching(
        /stored type "ProposalWithdrawn" does not match the body's type "ProposalSubmitted"/,
      ),
    });
    expect(change(1, { at: at(9) })).toMatchObject({
      where: 'record',
      seq: 1,
      reason: expect.stringMatching(/stored time .* does not match the body's time/),
    });
    expect(change(3, { commons: 'c2' })).toMatchObject({
      where: 'record',
      seq: 3,
      reason: expect.stringMatching(/stored under commons "c2"/),
    });
  });

  it('checks the head: its size, last hash and Merkle frontier are what the records give', () => {
    const tree = new CompactMerkleTree();
    for (const r of log) tree.append(recordLeafHash(r.body));
    const head = { commons: 'c1', size: 4, hash: log[3].hash, merkle: tree.state().hashes };
    expect(verifyLog(log, { ...full, head }).ok).toBe(true);
    expect(verifyLog([], { commons: 'c1', head: { size: 0, hash: GENESIS_PREV, merkle: [] } }).ok).toBe(true);
    expect(verifyLog(log, { ...full, head: { ...head, size: 5 } })).toMatchObject({
      where: 'head',
      seq: 4,
      reason: 'head: it says 5 records, the log holds 4',
    });
    expect(verifyLog(log, { ...full, head: { ...head, hash: log[2].hash } })).toMatchObject({
      where: 'head',
      seq: null,
      reason: expect.stringMatching(/^head: its hash .* is not the hash of the last record/),
    });
    const flipped = head.merkle.map((h, i) => (i === 0 ? (h[0] === 'a' ? 'b' : 'a') + h.slice(1) : h));
    expect(verifyLog(log, { ...full, head: { ...head, merkle: flipped } })).toMatchObject({
      where: 'head',
      reason: expect.stringMatching(/^head: its Merkle frontier/),
    });
    expect(verifyLog(log, { ...full, head: { ...head, merkle: head.merkle.slice(1) } })).toMatchObject({
      where: 'head',
    });
    expect(verifyLog(log, { ...full, head: { ...head, commons: 'c2' } })).toMatchObject({ where: 'head' });
  });

  it('a saved checkpoint catches a rollback and a rewrite re-signed with the key', () => {
    const saved = checkpointFor(log, 4);
    // Rollback: the last record removed and the checkpoint of that time restored: consistent on its own.
    const rolledBack = { commons: 'c1', checkpoint: checkpointFor(log, 3), publicKey: key.publicKey };
    expect(verifyLog(log.slice(0, 3), rolledBack).ok).toBe(true);
    expect(verifyLog(log.slice(0, 3), { ...rolledBack, saved })).toEqual({
      ok: false,
      where: 'saved-checkpoint',
      seq: 3,
      reason:
        'saved checkpoint: it covers 4 records but the log now has only 3: the log was truncated or rolled back',
    });
    // Rewrite of record 1 with everything after it re-chained and a new checkpoint signed with the same key.
    const rewritten = [
      log[0],
      ...chainRecords('c1', log[0].hash, 1, [
        { ...events[1], data: { member: 'mallory', classes: ['worker'] } },
        ...events.slice(2),
      ]).map((r) => ({ seq: r.record.seq, body: r.body, hash: r.hash })),
    ];
    const resigned = { commons: 'c1', checkpoint: checkpointFor(rewritten), publicKey: key.publicKey };
    expect(verifyLog(rewritten, resigned).ok).toBe(true);
    expect(verifyLog(rewritten, { ...resigned, saved })).toMatchObject({
      ok: false,
      where: 'saved-checkpoint',
      seq: null,
      reason: expect.stringMatching(/first 4 records have Merkle root .*history was rewritten/),
    });
    // The saved checkpoint must itself be signed by the key, for this commons.
    expect(verifyLog(log, { ...full, saved: checkpointFor(log, 4, otherKey) })).toMatchObject({
      where: 'saved-checkpoint',
      reason: 'saved checkpoint: signature is not valid for this key',
    });
    expect(verifyLog(log, { commons: 'c1', saved })).toMatchObject({ where: 'saved-checkpoint' });
    // Growth after the saved checkpoint is fine and comes with a consistency proof.
    for (let size = 0; size <= 4; size++) {
      const r = verifyLog(log, { ...full, saved: checkpointFor(log, size) });
      expect(r.ok, `saved size ${size}`).toBe(true);
      if (r.ok && size > 0) {
        const c = r.consistency!;
        expect(verifyConsistency(size, 4, c.proof.map(fromHex), fromHex(c.fromRoot), fromHex(c.toRoot))).toBe(
          true,
        );
      }
    }
  });
});
