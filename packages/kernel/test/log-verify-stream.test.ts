// The incremental verifier against the all-at-once computation verifyLog did before it (kept here as the
// reference: every leaf held, the root at a saved size and the consistency proof from all the leaves): fed in
// chunks of every size, on random logs and on each kind of tampering, it gives the same result, first fault and
// consistency proof included.
import { describe, expect, it } from 'vitest';
import {
  GENESIS_PREV,
  LogVerifier,
  chainRecords,
  checkExtension,
  checkLogHead,
  CompactMerkleTree,
  consistencyProof,
  EMPTY_POSITION,
  emptyRoot,
  fromHex,
  generateSigningKey,
  merkleRoot,
  recordHash,
  recordLeafHash,
  signCheckpoint,
  toHex,
  verifyCheckpoint,
  verifyConsistency,
  verifyLog,
  type ConsistencyEvidence,
  type LogEventInput,
  type LogVerification,
  type SignedCheckpoint,
  type StoredHead,
  type StoredRecord,
  type VerifyLogOptions,
} from '../src/log/index';

const key = generateSigningKey(new Uint8Array(32).fill(3));
const otherKey = generateSigningKey(new Uint8Array(32).fill(4));
const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();

/** verifyLog as it was before the incremental verifier: all records, all leaves, proofs from all the leaves. */
function reference(records: readonly StoredRecord[], options: VerifyLogOptions): LogVerification {
  const { commons, checkpoint, publicKey, head, saved, versions } = options;
  const checked = checkExtension(
    commons,
    EMPTY_POSITION,
    records.map((r) => ({
      seq: r.seq,
      body: r.body,
      hash: r.hash,
      type: r.type,
      at: r.at,
      commonsId: r.commons,
    })),
    versions,
  );
  if (!checked.ok) return { ok: false, where: 'record', seq: checked.seq, reason: checked.reason };
  const position = checked.position;
  const n = position.size;
  const root = CompactMerkleTree.fromState(position.merkle).rootHex();
  const headFault = checkLogHead(commons, position, { checkpoint, publicKey, head });
  if (headFault) return headFault;
  let consistency: ConsistencyEvidence | undefined;
  if (saved !== undefined) {
    const fail = (seq: number | null, reason: string): LogVerification => ({
      ok: false,
      where: 'saved-checkpoint',
      seq,
      reason: `saved checkpoint: ${reason}`,
    });
    if (publicKey === undefined) return fail(null, 'given without a public key to check it');
    if (!verifyCheckpoint(saved, publicKey)) return fail(null, 'signature is not valid for this key');
    const cp = saved.checkpoint;
    if (cp.commons !== commons) return fail(null, `it is for commons ${JSON.stringify(cp.commons)}`);
    if (cp.size > n)
      return fail(
        n,
        `it covers ${cp.size} records but the log now has only ${n}: the log was truncated or rolled back`,
      );
    const leaves = records.map((r) => recordLeafHash(r.body));
    const rootAtSaved = toHex(merkleRoot(leaves.slice(0, cp.size)));
    if (rootAtSaved !== cp.root)
      return fail(
        null,
        `the first ${cp.size} records have Merkle root ${rootAtSaved}, it signed ${cp.root}: history was rewritten`,
      );
    if (cp.size > 0) {
      const proof = consistencyProof(leaves, cp.size, n);
      if (!verifyConsistency(cp.size, n, proof, fromHex(cp.root), fromHex(root)))
        return fail(null, `no consistency proof from size ${cp.size} to ${n}`);
      consistency = {
        fromSize: cp.size,
        fromRoot: cp.root,
        toSize: n,
        toRoot: root,
        proof: proof.map(toHex),
      };
    } else if (cp.root !== toHex(emptyRoot())) {
      return fail(null, 'it covers no records but does not sign the empty root');
    }
  }
  return consistency ? { ok: true, size: n, root, consistency } : { ok: true, size: n, root };
}

/** The incremental verifier fed `records` in chunks of `chunk`. */
function streamed(
  records: readonly StoredRecord[],
  options: VerifyLogOptions,
  chunk: number,
): LogVerification {
  const v = new LogVerifier(options);
  for (let i = 0; i < records.length; i += chunk) v.push(records.slice(i, i + chunk));
  return v.result();
}

/** A deterministic pseudo-random generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeLog(n: number, rnd: () => number, commons = 'c1'): StoredRecord[] {
  const events: LogEventInput[] = Array.from({ length: n }, (_, i) => ({
    type: rnd() < 0.5 ? 'Note' : 'MemberJoined',
    data: { i, text: 'x'.repeat(Math.floor(rnd() * 40)) },
    actor: rnd() < 0.2 ? null : `a${Math.floor(rnd() * 5)}`,
    at: at(i),
  }));
  return chainRecords(commons, GENESIS_PREV, 0, events).map((r) => ({
    seq: r.record.seq,
    body: r.body,
    hash: r.hash,
    commons,
    type: r.record.type,
    at: r.record.at,
  }));
}

const rootOf = (log: readonly StoredRecord[], size = log.length) =>
  toHex(merkleRoot(log.slice(0, size).map((r) => recordLeafHash(r.body))));
const signed = (log: readonly StoredRecord[], size = log.length, signer = key, commons = 'c1') =>
  signCheckpoint({ commons, size, root: rootOf(log, size), time: at(999) }, signer.privateKey);
function headOf(log: readonly StoredRecord[]): StoredHead {
  const tree = new CompactMerkleTree();
  for (const r of log) tree.append(recordLeafHash(r.body));
  return {
    commons: 'c1',
    size: log.length,
    hash: log[log.length - 1]?.hash ?? GENESIS_PREV,
    merkle: tree.state().hashes,
  };
}
const fullOptions = (
  log: readonly StoredRecord[],
  extra: Partial<VerifyLogOptions> = {},
): VerifyLogOptions => ({
  commons: 'c1',
  checkpoint: signed(log),
  publicKey: key.publicKey,
  head: headOf(log),
  ...extra,
});

/** Chunk sizes 1 to 9 and around the log's length give what the reference gives (and verifyLog too). */
function expectSame(records: readonly StoredRecord[], options: VerifyLogOptions, what: string) {
  const want = reference(records, options);
  expect(verifyLog(records, options), `${what}: verifyLog`).toEqual(want);
  const n = records.length;
  const chunks = new Set([1, 2, 3, 4, 5, 6, 7, 8, 9, Math.max(1, n - 1), Math.max(1, n), n + 1]);
  for (const chunk of chunks)
    expect(streamed(records, options, chunk), `${what}: chunks of ${chunk}`).toEqual(want);
  return want;
}

describe('LogVerifier, fed in chunks of every size, gives what verifyLog gave', () => {
  it('on random intact logs, with and without head and checkpoints', () => {
    const rnd = random(1);
    for (const n of [0, 1, 2, 3, 5, 8, 13, 17, 33]) {
      const log = makeLog(n, rnd);
      expectSame(log, { commons: 'c1' }, `n=${n} bare`);
      expect(expectSame(log, fullOptions(log), `n=${n} full`)).toMatchObject({ ok: true, size: n });
    }
  });

  it('with a saved checkpoint at every size: the same consistency proof, and faults past the log', () => {
    const rnd = random(2);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 21, 32, 33]) {
      const log = makeLog(n, rnd);
      // Every size for short logs; for longer ones the powers of two and their neighbours, the middle and the ends.
      const sizes =
        n <= 9
          ? Array.from({ length: n + 1 }, (_, m) => m)
          : [0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, n >> 1, n - 2, n - 1, n].filter((m) => m <= n);
      for (const m of new Set(sizes)) {
        const r = expectSame(log, fullOptions(log, { saved: signed(log, m) }), `n=${n} saved ${m}`);
        expect(r.ok, `n=${n} saved ${m}`).toBe(true);
        if (r.ok && m > 0) expect(r.consistency).toMatchObject({ fromSize: m, toSize: n });
      }
      // A saved checkpoint beyond the log (a rollback), and one over a different history.
      const longer = makeLog(n + 3, random(n));
      expectSame(log, fullOptions(log, { saved: signed(longer, n + 2) }), `n=${n} saved beyond`);
      expectSame(log, fullOptions(log, { saved: signed(longer, Math.max(1, n - 1)) }), `n=${n} rewritten`);
    }
  });

  it('on each kind of tampering, at every record', () => {
    const rnd = random(3);
    const log = makeLog(11, rnd);
    const opts = fullOptions(log);
    const bump = (s: string) => (s.endsWith('0') ? `${s.slice(0, -1)}1` : `${s.slice(0, -1)}0`);
    for (let i = 0; i < log.length; i++) {
      const change = (f: (r: StoredRecord) => StoredRecord) => log.map((r, j) => (j === i ? f(r) : r));
      const body = log[i]!.body.replace('"data":{', '"data":{"x":1,');
      const cases: [string, StoredRecord[]][] = [
        ['body', change((r) => ({ ...r, body }))],
        ['body rehashed', change((r) => ({ ...r, body, hash: recordHash(body) }))],
        ['body not canonical', change((r) => ({ ...r, body: ` ${r.body}`, hash: recordHash(` ${r.body}`) }))],
        [
          'body not JSON',
          change((r) => ({ ...r, body: r.body.slice(1), hash: recordHash(r.body.slice(1)) })),
        ],
        ['hash', change((r) => ({ ...r, hash: bump(r.hash) }))],
        ['seq', change((r) => ({ ...r, seq: r.seq + 100 }))],
        ['type', change((r) => ({ ...r, type: `${r.type}x` }))],
        ['at', change((r) => ({ ...r, at: at(500) }))],
        ['commons column', change((r) => ({ ...r, commons: 'c2' }))],
        ['deleted', log.filter((_, j) => j !== i)],
        [
          'swapped',
          i + 1 < log.length ? log.map((r, j) => (j === i ? log[i + 1]! : j === i + 1 ? log[i]! : r)) : log,
        ],
        ['truncated', log.slice(0, i)],
        ['duplicated', [...log.slice(0, i + 1), ...log.slice(i)]],
      ];
      for (const [what, records] of cases) {
        const r = expectSame(records, opts, `record ${i} ${what}`);
        if (records !== log) expect(r.ok, `record ${i} ${what}`).toBe(false);
      }
      // Checkpoint over a prefix, head of a prefix, with a saved checkpoint too.
      expectSame(log, { ...opts, checkpoint: signed(log, i) }, `checkpoint over ${i}`);
      expectSame(log, { ...opts, head: headOf(log.slice(0, i)) }, `head of ${i}`);
      expectSame(log.slice(0, i), { ...opts, saved: signed(log, i + 1) }, `truncated below saved ${i + 1}`);
    }
    const forged = [
      ...log,
      ...makeLog(12, random(3))
        .slice(11)
        .map((r) => ({ ...r })),
    ];
    expectSame(forged, opts, 'a record past the checkpoint');
    const h = headOf(log);
    const cases: [string, VerifyLogOptions][] = [
      ['no checkpoint', { ...opts, checkpoint: null }],
      ['checkpoint of another key', { ...opts, checkpoint: signed(log, log.length, otherKey) }],
      ['checkpoint of another commons', { ...opts, checkpoint: signed(log, log.length, key, 'c2') }],
      ['checkpoint without a key', { ...opts, publicKey: undefined }],
      ['head of another commons', { ...opts, head: { ...h, commons: 'c2' } }],
      ['head hash', { ...opts, head: { ...h, hash: bump(h.hash) } }],
      ['head size', { ...opts, head: { ...h, size: h.size + 1 } }],
      ['head merkle', { ...opts, head: { ...h, merkle: h.merkle.slice(1) } }],
      ['saved of another key', { ...opts, saved: signed(log, 4, otherKey) }],
      ['saved of another commons', { ...opts, saved: signed(log, 4, key, 'c2') }],
      [
        'saved without a key',
        { ...opts, checkpoint: undefined, publicKey: undefined, saved: signed(log, 4) },
      ],
      [
        'saved signature changed',
        { ...opts, saved: { ...signed(log, 4), signature: signed(log, 5).signature } as SignedCheckpoint },
      ],
    ];
    for (const [what, o] of cases) expect(expectSame(log, o, what).ok, what).toBe(false);
  });

  it('a wrong record version is the same fault', () => {
    const log = makeLog(5, random(5));
    expectSame(log, { ...fullOptions(log), versions: [99] }, 'versions');
  });

  it('extends: results asked between chunks are those of the prefix, and the last one of the whole log', () => {
    const rnd = random(6);
    const log = makeLog(40, rnd);
    for (const m of [0, 1, 6, 16, 39]) {
      const saved = signed(log, m);
      const v = new LogVerifier({ commons: 'c1', publicKey: key.publicKey, saved });
      for (let size = 0; size < log.length; size += 7) {
        const prefix = log.slice(0, size);
        expect(v.result({ checkpoint: signed(prefix), head: headOf(prefix) })).toEqual(
          reference(prefix, fullOptions(prefix, { saved })),
        );
        v.push(log.slice(size, size + 7));
      }
      expect(v.result({ checkpoint: signed(log), head: headOf(log) })).toEqual(
        reference(log, fullOptions(log, { saved })),
      );
    }
  });

  it('keeps O(log n) subtrees for the consistency proof, not the leaves', () => {
    const log = makeLog(1000, random(7));
    const v = new LogVerifier({ commons: 'c1', publicKey: key.publicKey, saved: signed(log, 333) });
    for (let i = 0; i < log.length; i += 64) v.push(log.slice(i, i + 64));
    expect(v.result()).toEqual(
      reference(log, { commons: 'c1', publicKey: key.publicKey, saved: signed(log, 333) }),
    );
    const kept = (v as unknown as { kept: Map<string, Uint8Array> }).kept;
    expect(kept.size).toBeLessThanOrEqual(3 * 11);
  });

  it('stops at the first bad record: nothing fed after it changes the result', () => {
    const log = makeLog(10, random(8));
    const bad = log.map((r, j) => (j === 4 ? { ...r, hash: '0'.repeat(64) } : r));
    const v = new LogVerifier(fullOptions(log));
    expect(v.push(bad.slice(0, 6))).toHaveLength(4);
    expect(v.fault).toMatchObject({ where: 'record', seq: 4 });
    expect(v.push(bad.slice(6))).toEqual([]);
    expect(v.size).toBe(4);
    expect(v.result()).toEqual(reference(bad, fullOptions(log)));
  });
});
