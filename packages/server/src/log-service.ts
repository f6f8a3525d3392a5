import type { KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  READ_MODEL_KINDS,
  readModelDocs,
  stateFromRecords,
  type CommonsState,
  type ReadModelDoc,
} from '@peergov/kernel';
import { READ_MODEL_VERSION, storedReadModelVersion } from '@peergov/kernel';
import {
  completedNodes,
  consistencyProofFromNodes,
  consistencyProofNodeKeys,
  decodeRecord,
  frontierFromNodes,
  fromHex,
  inclusionProofFromNodes,
  inclusionProofNodeKeys,
  nodeSourceOf,
  recordDigests,
  recordLeafHash,
  rootFromNodes,
  rootNodeKeys,
  verifyCheckpoint,
  verifyConsistency,
  verifyInclusion,
  verifyLog,
  type ConsistencyEvidence,
  type LogVerification,
  type MerkleNodeKey,
  type MerkleNodeSource,
  type SignedCheckpoint,
  type VerifyLogOptions,
  type VerifyWhere,
} from '@peergov/kernel/log';
import {
  COMPARED_KINDS,
  docFault,
  replayFailure,
  VerifyChecks,
  type CheckedRecord,
  type ChecksOptions,
  type DocFault,
  type PagedDoc,
  type PushAnswer,
} from './verify-checks';
import type { WorkerAnswer, WorkerOp, WorkerRequest } from './verify-worker';
import {
  StoreConflictError,
  type Doc,
  type LogHead,
  type NewDoc,
  type Store,
  type StoredCheckpoint,
  type StoredLog,
} from '@peergov/store';

export type VerifyResult =
  | {
      ok: true;
      size: number;
      root: string;
      checkpoint: StoredCheckpoint | null;
      /** With a saved checkpoint: the proof that the log extends it. */
      consistency?: ConsistencyEvidence;
      /**
       * Set when the read-model documents were asked for but not compared, and why: the log grew during each of the
       * reads of them (documents describe the newest state, so they are compared only when the head held still
       * while they were read).
       */
      docsNotCompared?: string;
    }
  | {
      ok: false;
      /** Which check failed: a record, the log's checkpoint, the head, a saved checkpoint, or a read-model document. */
      where: VerifyWhere;
      /** The first bad (or missing, or unsigned) record, or null when the fault is not in one record. */
      seq: number | null;
      reason: string;
      /** For a document fault: the document that differs, is missing or is extra. */
      doc?: { kind: string; id: string };
    };

export interface VerifyOptions {
  /** A checkpoint saved earlier, outside the database, that the log must still extend. */
  saved?: SignedCheckpoint;
  /** Also rebuild every read-model document from the log and compare (default true). */
  docs?: boolean;
  /** Told after each chunk of records: how many are verified, of how many the head (as last read) says. */
  onProgress?: (verified: number, size: number) => void;
  /**
   * Check in a worker thread (node:worker_threads) while this thread reads the store: true, false (in this thread,
   * a chunk at a time), or by default when the log has VERIFY_WORKER_MIN records or more. If no worker can start
   * (say, a bundle without its worker file), the checks run in this thread.
   */
  worker?: boolean;
}

/** Records read and verified per step of a verify, between which the event loop serves other requests. */
export const VERIFY_CHUNK = 2000;
/** Read-model documents read and compared per step of a verify. */
export const DOCS_CHUNK = 1000;
/** From this size on, a verify checks in a worker thread (starting one costs some 50 ms, 0.3 s from TypeScript). */
export const VERIFY_WORKER_MIN = 10 * VERIFY_CHUNK;
/** Reads of the documents a verify makes while the log grows under it (extending the records each time). */
const DOCS_ROUNDS = 3;

/** A macrotask: what runs between two steps of long work, so that the event loop serves requests meanwhile. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/**
 * A proof the server was about to serve does not verify against the log's signed checkpoint: a stored Merkle node,
 * a record or the checkpoint is not what the instance signed. Served as 409 log_integrity, never as a proof.
 */
export class ProofIntegrityError extends Error {
  constructor(
    readonly where: VerifyWhere,
    readonly seq: number | null,
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'ProofIntegrityError';
  }
}

/** Records hashed per step of a backfill, between which the event loop serves other requests. */
const BACKFILL_CHUNK = 1024;

/** Backfills in flight per store and commons: one at a time in this process (other processes lose a conditional write). */
const backfills = new WeakMap<Store, Map<string, Promise<void>>>();

/**
 * Stores the Merkle nodes of a log appended before nodes were kept (or by a writer that gave none), from its records,
 * until they cover at least `size` records and, if it can keep up, the whole log (after which every append brings
 * its own). In chunks, yielding to the event loop between them; one at a time per commons in this process.
 */
export async function backfillMerkleNodes(store: Store, commonsId: string, size: number): Promise<void> {
  let running = backfills.get(store);
  if (!running) backfills.set(store, (running = new Map()));
  for (;;) {
    const inflight = running.get(commonsId);
    if (!inflight) break;
    await inflight;
    if ((await store.merkleNodesSize(commonsId)) >= size) return;
  }
  const work = backfillSteps(store, commonsId, size).finally(() => running.delete(commonsId));
  running.set(commonsId, work);
  return work;
}

async function backfillSteps(store: Store, commonsId: string, size: number): Promise<void> {
  // Past `size`, a few more rounds to catch the appends made meanwhile (they leave their nodes out while the stored
  // ones lag behind); a log that keeps growing without nodes is caught up by the next proof instead.
  for (let extra = 0; extra < 4;) {
    const covered = await store.merkleNodesSize(commonsId);
    const head = await store.head(commonsId);
    if (!head || covered >= head.size) return;
    if (covered >= size) extra++;
    const peaks = await store.readMerkleNodes(commonsId, rootNodeKeys(covered));
    const frontier = frontierFromNodes(covered, nodeSourceOf(peaks));
    const records = await store.readRecords(
      commonsId,
      covered,
      Math.min(BACKFILL_CHUNK, head.size - covered),
    );
    // Records missing below the head: nothing to build nodes from; the proof then fails as it should.
    if (records.length === 0) return;
    const nodes = completedNodes(
      frontier,
      records.map((r) => recordLeafHash(r.body)),
    );
    try {
      await store.addMerkleNodes(commonsId, covered, covered + records.length, nodes);
    } catch (error) {
      // Another process moved the nodes on first: read where they are now and go on from there.
      if (!(error instanceof StoreConflictError)) throw error;
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The stored Merkle nodes at `keys`, as a node source; backfills first when the stored nodes do not cover `size`
 * records yet. A key still missing afterwards throws ProofIntegrityError (the nodes say they cover it).
 */
async function readNodes(
  store: Store,
  commonsId: string,
  keys: readonly MerkleNodeKey[],
  size: number,
): Promise<MerkleNodeSource> {
  let nodes = await store.readMerkleNodes(commonsId, keys);
  if (nodes.length < keys.length) {
    await backfillMerkleNodes(store, commonsId, size);
    nodes = await store.readMerkleNodes(commonsId, keys);
  }
  const source = nodeSourceOf(nodes);
  return (level, index) => {
    try {
      return source(level, index);
    } catch (e) {
      throw new ProofIntegrityError(
        'head',
        null,
        `the log's Merkle tree cannot be read: ${(e as Error).message}`,
      );
    }
  };
}

const unionKeys = (...lists: readonly MerkleNodeKey[][]): MerkleNodeKey[] => {
  const byKey = new Map<string, MerkleNodeKey>();
  for (const list of lists) for (const k of list) byKey.set(`${k.level}:${k.index}`, k);
  return [...byKey.values()];
};

/**
 * The signed checkpoint of a head, checked with the instance key; ProofIntegrityError when there is none or it does
 * not verify (a proof against it would prove nothing).
 */
function signedRootOf(head: LogHead, publicKey: KeyObject): { size: number; root: Uint8Array } {
  const cp = head.checkpoint;
  if (!cp)
    throw new ProofIntegrityError('checkpoint', null, 'the log has no signed checkpoint to prove against');
  if (!verifyCheckpoint(signedCheckpointOf(cp), publicKey))
    throw new ProofIntegrityError(
      'checkpoint',
      null,
      "the log's checkpoint is not signed by this instance's key",
    );
  return { size: cp.size, root: fromHex(cp.root) };
}

/**
 * Whether the tree of `size` leaves whose root is `root` (from stored nodes) is the signed tree or extends to it:
 * the consistency proof from the same nodes must verify, so that what is served holds up against the checkpoint.
 */
function reachesSigned(
  size: number,
  root: Uint8Array,
  signed: { size: number; root: Uint8Array },
  source: MerkleNodeSource,
): boolean {
  if (size === signed.size) return Buffer.from(root).equals(Buffer.from(signed.root));
  return verifyConsistency(
    size,
    signed.size,
    consistencyProofFromNodes(size, signed.size, source),
    root,
    signed.root,
  );
}

/** Reading, proving and verifying a commons' log from what the store holds. */
export class LogService {
  constructor(
    private readonly store: Store,
    private readonly publicKey: KeyObject,
  ) {}

  /** Records with their decoded data; a record that no longer decodes is shown as such, not hidden. */
  async read(commonsId: string, from: number, limit: number) {
    const records = await this.store.readRecords(commonsId, from, limit);
    return records.map((r) => {
      try {
        const d = decodeRecord(r.body);
        return {
          seq: r.seq,
          v: d.v,
          type: d.type,
          at: d.at,
          actor: d.actor,
          hash: r.hash,
          prev: d.prev,
          data: d.data,
        };
      } catch (e) {
        return {
          seq: r.seq,
          v: null,
          type: r.type,
          at: r.at,
          actor: null,
          hash: r.hash,
          prev: '',
          data: null,
          error: String(e),
        };
      }
    });
  }

  /**
   * Verifies the commons' log as it streams from the store, a chunk of VERIFY_CHUNK records at a time (never the
   * whole log in memory, the event loop served between chunks): every stored column, the chain, the head, the signed
   * checkpoint over the whole log, optionally a checkpoint saved earlier, and the read models, rebuilt by folding
   * the records chunk by chunk and compared with the stored documents.
   *
   * A log that grows meanwhile (another writer) is verified by extending: records past the head read at the start
   * are appends committed since when the head read after them covers them (an append moves records and head in one
   * transaction), else records no head accounts for, verified as part of the log so that the head check names them.
   * The documents describe the newest state: they are compared only if the head is the same before and after they
   * are read; if it moved, the new records are verified and folded and the documents read again, DOCS_ROUNDS times
   * at most, after which the answer is ok with `docsNotCompared` saying why.
   */
  async verify(commonsId: string, options: VerifyOptions = {}): Promise<VerifyResult> {
    const { store } = this;
    const first = await store.head(commonsId);
    if (!first) return { ok: false, where: 'head', seq: 0, reason: 'this commons has no log' };
    const docs = options.docs !== false;
    const useWorker = options.worker ?? first.size >= VERIFY_WORKER_MIN;
    const checks = await openChecks(
      { commons: commonsId, publicKey: this.publicKey, saved: options.saved, docs },
      useWorker,
    );
    try {
      return await this.verifyWith(checks, commonsId, first, docs, options);
    } finally {
      await checks.close();
    }
  }

  private async verifyWith(
    checks: Checks,
    commonsId: string,
    first: LogHead,
    docs: boolean,
    options: VerifyOptions,
  ): Promise<VerifyResult> {
    const { store } = this;
    let head = first;
    /** Records read and handed to the checks (those checked trail by at most one chunk). */
    let sent = 0;
    let fault: Extract<LogVerification, { ok: false }> | null = null;

    /**
     * Reads and verifies the records from where the checks are; false on a bad record. The next chunk is read while
     * the checks (in the worker) take the one before.
     */
    const extend = async (): Promise<boolean> => {
      let pending: Promise<PushAnswer> | null = null;
      for (;;) {
        const from = sent;
        const below = from < head.size;
        const chunk = await store.readRecords(
          commonsId,
          from,
          below ? Math.min(VERIFY_CHUNK, head.size - from) : VERIFY_CHUNK,
        );
        if (chunk.length > 0 && !below) {
          const now = await store.head(commonsId);
          if (now && now.size > head.size) head = now;
        }
        if (pending) {
          const answer: PushAnswer = await pending;
          pending = null;
          if (answer.fault) {
            fault = answer.fault;
            return false;
          }
          options.onProgress?.(answer.size, head.size);
        }
        if (chunk.length === 0) return true;
        pending = checks.push(chunk);
        sent += chunk.length;
        await nextTurn();
      }
    };

    for (let round = 1; ; round++) {
      const clean = await extend();
      const result = clean ? await checks.result(headChecks(head)) : fault!;
      if (!result.ok) return { ok: false, where: result.where, seq: result.seq, reason: result.reason };
      if (!docs) return verified(result, head);
      const replay = await checks.docsFailure();
      if (replay) return replay;
      const bad = await this.compareDocsPaged(checks, commonsId);
      const after = await store.head(commonsId);
      if (after && after.size === head.size && after.hash === head.hash) {
        if (!bad) return verified(result, head);
        const meta = await store.getDoc(commonsId, 'meta', 'read-model');
        return withVersionNote(
          bad,
          meta === null ? [] : [{ commonsId, kind: 'meta', id: 'read-model', body: meta }],
        );
      }
      if (!after || round >= DOCS_ROUNDS) {
        return {
          ...verified(result, head),
          docsNotCompared: `the log grew while the documents were read, ${round} time(s): the ${result.size} records verified, the documents of a newer state not compared`,
        };
      }
      head = after;
    }
  }

  /**
   * The stored documents of every kind compared with those the folded state implies, a page of DOCS_CHUNK at a
   * time (the next page read while the checks take the one before, the event loop served between pages): the
   * first fault, in order of kind then id, or null.
   */
  private async compareDocsPaged(checks: Checks, commonsId: string): Promise<DocFault | null> {
    for (const kind of COMPARED_KINDS) {
      await checks.docsBegin(kind);
      let pending: Promise<void> | null = null;
      for (let after: string | undefined; ;) {
        const page = await this.store.listDocsPage(commonsId, kind, DOCS_CHUNK, after);
        if (pending) await pending;
        pending =
          page.length > 0 ? checks.docsPage(page.map(({ kind, id, body }) => ({ kind, id, body }))) : null;
        await nextTurn();
        if (page.length < DOCS_CHUNK) break;
        after = page[page.length - 1]!.id;
      }
      if (pending) await pending;
      const bad = await checks.docsEnd();
      if (bad) return bad;
    }
    return null;
  }

  /**
   * An RFC 6962 inclusion proof of record `seq` in the tree of the first `size` records (default: every record the
   * signed checkpoint covers), from O(log n) stored Merkle nodes and the record itself; null when there is no such
   * record. Checked before it is served: the proof must lead from the record's leaf to the root, and that root must be
   * the signed one or be proven consistent with it (else ProofIntegrityError).
   */
  async proof(commonsId: string, seq: number, size?: number) {
    const head = await this.store.head(commonsId);
    if (!head) return null;
    const n = size ?? head.checkpoint?.size ?? head.size;
    if (seq >= n || n > head.size) return null;
    const signed = signedRootOf(head, this.publicKey);
    if (n > signed.size) {
      throw new ProofIntegrityError(
        'checkpoint',
        null,
        `the signed checkpoint covers ${signed.size} records, not the ${n} this proof is asked for`,
      );
    }
    const [record] = await this.store.readRecords(commonsId, seq, 1);
    if (!record || record.seq !== seq)
      throw new ProofIntegrityError('record', seq, `record ${seq} is missing`);
    const leaf = recordLeafHash(record.body);
    const keys = unionKeys(
      [{ level: 0, index: seq }],
      inclusionProofNodeKeys(seq, n),
      rootNodeKeys(n),
      n < signed.size ? consistencyProofNodeKeys(n, signed.size) : [],
    );
    const source = await readNodes(this.store, commonsId, keys, signed.size);
    if (!Buffer.from(source(0, seq)).equals(Buffer.from(leaf))) {
      throw new ProofIntegrityError(
        'record',
        seq,
        `record ${seq} is not the record the log holds at that place (its leaf hash differs)`,
      );
    }
    const proof = inclusionProofFromNodes(seq, n, source);
    const root = rootFromNodes(n, source);
    if (!verifyInclusion(seq, n, leaf, proof, root) || !reachesSigned(n, root, signed, source)) {
      throw new ProofIntegrityError(
        'head',
        null,
        "the log's stored Merkle tree does not match its signed checkpoint",
      );
    }
    return { seq, size: n, leafHash: toHex(leaf), proof: proof.map(toHex), root: toHex(root) };
  }

  /**
   * The RFC 9162 consistency proof that the signed tree of `to` records (the head's checkpoint) extends the tree of
   * the first `from`, 1 <= from < to, from O(log n) stored Merkle nodes. Checked before it is served: the proof must
   * lead to the signed root from the tree of `from` the same nodes give (else ProofIntegrityError).
   */
  async consistency(commonsId: string, head: LogHead, from: number, to: number): Promise<string[]> {
    const signed = signedRootOf(head, this.publicKey);
    if (signed.size !== to) throw new ProofIntegrityError('checkpoint', null, 'the signed checkpoint moved');
    const keys = unionKeys(consistencyProofNodeKeys(from, to), rootNodeKeys(from));
    const source = await readNodes(this.store, commonsId, keys, to);
    const proof = consistencyProofFromNodes(from, to, source);
    if (!verifyConsistency(from, to, proof, rootFromNodes(from, source), signed.root)) {
      throw new ProofIntegrityError(
        'head',
        null,
        "the log's stored Merkle tree does not match its signed checkpoint",
      );
    }
    return proof.map(toHex);
  }
}

/** The kernel's SignedCheckpoint of a checkpoint as the head stores it. */
export function signedCheckpointOf(cp: StoredCheckpoint): SignedCheckpoint {
  return {
    checkpoint: { commons: cp.commons, size: cp.size, root: cp.root, time: cp.time },
    signature: cp.signature,
    keyId: cp.keyId,
  };
}

/** What the verifier checks a head against: its signed checkpoint and its size, hash and Merkle frontier. */
function headChecks(head: LogHead) {
  return {
    checkpoint: head.checkpoint ? signedCheckpointOf(head.checkpoint) : null,
    head: { commons: head.commonsId, size: head.size, hash: head.hash, merkle: head.merkle },
  };
}

function verified(
  result: Extract<LogVerification, { ok: true }>,
  head: LogHead,
): Extract<VerifyResult, { ok: true }> {
  return {
    ok: true,
    size: result.size,
    root: result.root,
    checkpoint: head.checkpoint,
    ...(result.consistency ? { consistency: result.consistency } : {}),
  };
}

/**
 * A signed checkpoint saved earlier, in any form peergov hands one out: the answer of
 * GET /api/v1/commons/:id/log/checkpoint, the last line of `peergov export` (or the whole export), or a checkpoint
 * as the head stores it. Throws a clear error on anything else.
 */
export function parseSavedCheckpoint(text: string): SignedCheckpoint {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const first = lines[0];
  const last = lines[lines.length - 1];
  if (first === undefined || last === undefined) throw new Error('the saved checkpoint file is empty');
  let value: unknown;
  try {
    // A JSON-lines export ends with its checkpoint line; a pretty-printed JSON file is one value.
    value = JSON.parse(lines.length > 1 && first.trim() !== '{' ? last : text);
  } catch (e) {
    throw new Error(`the saved checkpoint is not JSON (${(e as Error).message})`);
  }
  const obj = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const inner = (
    typeof obj.checkpoint === 'object' && obj.checkpoint !== null ? obj.checkpoint : null
  ) as Record<string, unknown> | null;
  const fields = (c: Record<string, unknown>) =>
    signedCheckpointOf(c as unknown as StoredCheckpoint).checkpoint;
  // { checkpoint: {commons, size, root, time}, signature, keyId }: the API's answer (and the kernel's form).
  if (inner && typeof obj.signature === 'string') {
    return { checkpoint: fields(inner), signature: obj.signature, keyId: String(obj.keyId) };
  }
  // { checkpoint: {commons, size, root, time, signature, keyId}, ... }: the last line of an export.
  if (inner && typeof inner.signature === 'string')
    return signedCheckpointOf(inner as unknown as StoredCheckpoint);
  // {commons, size, root, time, signature, keyId}: as the head stores it.
  if (typeof obj.signature === 'string' && 'root' in obj)
    return signedCheckpointOf(obj as unknown as StoredCheckpoint);
  throw new Error(
    'the saved checkpoint must be what GET /api/v1/commons/:id/log/checkpoint answers or what peergov export writes',
  );
}

/** Every read-model document the records imply, with JSON bodies as the store keeps them. Trusts the records. */
export function readModelFromLog(bodies: readonly string[]): NewDoc[] {
  const state = stateFromRecords(bodies);
  return state ? readModelOf(state) : [];
}

/** Every read-model document a state implies, with JSON bodies as the store keeps them. */
export function readModelOf(state: CommonsState): NewDoc[] {
  return readModelDocs(state).map((d) => ({
    kind: d.kind,
    id: d.id,
    body: JSON.parse(JSON.stringify(d.body)) as unknown,
  }));
}

const docKey = (kind: string, id: string) => `${kind}\u0000${id}`;

/** A document fault, with a note when the documents are of an older read-model version. */
function withVersionNote(
  bad: Extract<VerifyResult, { ok: false }>,
  docs: readonly Doc[],
): Extract<VerifyResult, { ok: false }> {
  const version = storedReadModelVersion(docs);
  if (version >= READ_MODEL_VERSION) return bad;
  return {
    ...bad,
    reason: `${bad.reason}: the documents are read-model version ${version}, written by an older peergov (this one writes ${READ_MODEL_VERSION}); the server rebuilds them from the log when it first loads the commons, or run \`peergov rebuild\``,
  };
}

/** Compares the stored read-model documents with those the records imply; the first that differs, or null. */
export function compareReadModel(
  bodies: readonly string[],
  docs: readonly Doc[],
): Extract<VerifyResult, { ok: false }> | null {
  let expected: NewDoc[];
  try {
    expected = readModelFromLog(bodies);
  } catch (e) {
    return replayFailure((e as Error).message);
  }
  const bad = compareDocs(expected, docs);
  return bad && withVersionNote(bad, docs);
}

/**
 * The comparison of expected and stored documents as steps: it yields null after each DOCS_CHUNK documents (where a
 * caller may let the event loop turn), then the first document, in order of kind and id, that differs, is missing
 * or is extra, if there is one. Bodies compare as canonical JSON of the values they stand for (undefined fields
 * dropped, as the store drops them). readModelDocs gives the expected documents in that order, so only the extra
 * ones are sorted here (the others are if they come unsorted).
 */
function* docSteps(
  expected: readonly NewDoc[],
  docs: readonly Doc[],
): Generator<Extract<VerifyResult, { ok: false }> | null, null> {
  let work = 0;
  const have = new Map<string, Doc>();
  for (const d of docs) {
    if ((READ_MODEL_KINDS as readonly string[]).includes(d.kind)) have.set(docKey(d.kind, d.id), d);
    if (++work % DOCS_CHUNK === 0) yield null;
  }
  const want = new Map<string, NewDoc>();
  let sorted = true;
  let previous: string | undefined;
  for (const d of expected) {
    const key = docKey(d.kind, d.id);
    if (previous !== undefined && !(previous < key)) sorted = false;
    previous = key;
    want.set(key, d);
    if (++work % DOCS_CHUNK === 0) yield null;
  }
  const extras: string[] = [];
  for (const key of have.keys()) {
    if (!want.has(key)) extras.push(key);
    if (++work % DOCS_CHUNK === 0) yield null;
  }
  extras.sort();
  const wanted = (sorted ? want.keys() : [...want.keys()].sort().values())[Symbol.iterator]();

  const check = (key: string): Extract<VerifyResult, { ok: false }> | null =>
    docFault(want.get(key), have.get(key));
  // Both lists in order, merged: the first fault is the first in order of the union, as one sorted list gives.
  let next = wanted.next();
  let e = 0;
  while (!next.done || e < extras.length) {
    let key: string;
    if (next.done || (e < extras.length && extras[e]! < next.value)) key = extras[e++]!;
    else {
      key = next.value;
      next = wanted.next();
    }
    const bad = check(key);
    if (bad) {
      yield bad;
      return null;
    }
    if (++work % DOCS_CHUNK === 0) yield null;
  }
  return null;
}

/** Compares stored read-model documents with the `expected` ones; the first that differs, is missing or extra. */
export function compareDocs(
  expected: readonly NewDoc[],
  docs: readonly Doc[],
): Extract<VerifyResult, { ok: false }> | null {
  for (const step of docSteps(expected, docs)) if (step) return step;
  return null;
}

/**
 * Verifies a stored log (head, records, documents of one snapshot) with the public key alone: every record and its
 * stored columns, the chain, the head, the signed checkpoint over the whole log, optionally a checkpoint saved
 * earlier, and the read-model documents rebuilt from the log.
 */
export function verifyStored(
  commonsId: string,
  log: StoredLog,
  publicKey: KeyObject | string,
  options: VerifyOptions = {},
): VerifyResult {
  const { head, records } = log;
  const result = verifyLog(
    records.map((r) => ({
      seq: r.seq,
      body: r.body,
      hash: r.hash,
      commons: r.commonsId,
      type: r.type,
      at: r.at,
    })),
    { commons: commonsId, publicKey, ...headChecks(head), saved: options.saved },
  );
  if (!result.ok) return { ok: false, where: result.where, seq: result.seq, reason: result.reason };
  if (options.docs !== false) {
    const bad = compareReadModel(
      records.map((r) => r.body),
      log.docs,
    );
    if (bad) return bad;
  }
  return verified(result, head);
}

/** The checks of a verify, in this thread or in a worker: each call answers once its work is done. */
interface Checks {
  push(records: readonly CheckedRecord[]): Promise<PushAnswer>;
  result(at: Pick<VerifyLogOptions, 'checkpoint' | 'head'>): Promise<LogVerification>;
  docsFailure(): Promise<DocFault | null>;
  docsBegin(kind: ReadModelDoc['kind']): Promise<void>;
  docsPage(docs: readonly PagedDoc[]): Promise<void>;
  docsEnd(): Promise<DocFault | null>;
  close(): Promise<void>;
}

/** The checks in this thread (each call runs at once; the caller yields to the event loop between them). */
class LocalChecks implements Checks {
  constructor(private readonly checks: VerifyChecks) {}
  push = async (records: readonly CheckedRecord[]) => this.checks.push(records);
  result = async (at: Pick<VerifyLogOptions, 'checkpoint' | 'head'>) => this.checks.result(at);
  docsFailure = async () => this.checks.docsFailure();
  /** Takes in the kind's expected documents a DOCS_CHUNK at a time, the event loop served between. */
  docsBegin = async (kind: ReadModelDoc['kind']) => {
    const steps = this.checks.docsBegin(kind, DOCS_CHUNK);
    while (!steps.next().done) await nextTurn();
  };
  docsPage = async (docs: readonly PagedDoc[]) => this.checks.docsPage(docs);
  docsEnd = async () => this.checks.docsEnd();
  close = async () => {};
}

/**
 * The worker, started: from the bundle's JavaScript beside this module, or from TypeScript (development and tests)
 * through tsx's loader, registered in the worker before it imports the module.
 */
function spawnWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./verify-worker.js', here));
  const tsx = new URL(
    './dist/esm/api/index.mjs',
    pathToFileURL(createRequire(here).resolve('tsx/package.json')),
  );
  const module = new URL('./verify-worker.ts', here);
  const boot = `import(${JSON.stringify(tsx.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(module.href)}); })`;
  return new Worker(boot, { eval: true });
}

/**
 * How many verify workers started, how many could not (the checks then ran in the calling thread), and how many
 * verifies checked in one.
 */
export const verifyWorkers = { started: 0, failed: 0, sessions: 0 };

/**
 * One worker thread, shared by the verifies of this process (started on the first, kept for the next, never keeping
 * the process alive): requests posted in order, answered in order, each in a session of its verify.
 */
class WorkerHost {
  private readonly waiting: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  private dead: Error | null = null;
  private sessions = 0;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: WorkerAnswer) => {
      const w = this.waiting.shift();
      // Idle, it does not keep the process alive; while it owes answers, it does.
      if (this.waiting.length === 0) worker.unref();
      if (!w) return;
      if (m.ok) w.resolve(m.value);
      else w.reject(new Error(`verify worker: ${m.error}`));
    });
    const fail = (e: Error) => {
      this.dead ??= e;
      if (host && this === hostStarted) host = null;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`verify worker exited (code ${code})`)));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    worker.unref();
  }

  /** A worker that said it is ready, or null when none could start. */
  static async start(): Promise<WorkerHost | null> {
    let worker: Worker;
    try {
      worker = spawnWorker();
    } catch {
      verifyWorkers.failed++;
      return null;
    }
    const started = new WorkerHost(worker);
    try {
      await started.call(null);
      verifyWorkers.started++;
      return started;
    } catch {
      verifyWorkers.failed++;
      await worker.terminate();
      return null;
    }
  }

  /** Posts a request (null: waits for the ready message) and answers its answer. */
  call<T>(request: WorkerRequest | null, transfer?: ArrayBuffer[]): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const answer = new Promise<T>((resolve, reject) =>
      this.waiting.push({ resolve: resolve as (v: unknown) => void, reject }),
    );
    if (this.waiting.length === 1) this.worker.ref();
    if (request) this.worker.postMessage(request, transfer);
    return answer;
  }

  nextSession(): number {
    return ++this.sessions;
  }
}

let host: Promise<WorkerHost | null> | null = null;
let hostStarted: WorkerHost | null = null;

/** The shared worker, started if there is none (again after one died); null when none can start. */
async function workerHost(): Promise<WorkerHost | null> {
  host ??= WorkerHost.start().then((h) => {
    hostStarted = h;
    if (!h) host = null;
    return h;
  });
  return host;
}

/** The checks of one verify in the shared worker. */
class WorkerChecks implements Checks {
  private closed = false;
  constructor(
    private readonly host: WorkerHost,
    private readonly session: number,
  ) {}

  private call<T>(request: WorkerOp, transfer?: ArrayBuffer[]): Promise<T> {
    return this.host.call<T>({ ...request, session: this.session } as WorkerRequest, transfer);
  }

  /**
   * Hashes the bodies here (recordDigests: two of the three hashes a record costs, a few ms a chunk), the rest of
   * the checks in the worker: the thread that reads is otherwise idle while the worker checks.
   */
  push = (records: readonly CheckedRecord[]) => {
    const digests = recordDigests(records.map((r) => r.body));
    return this.call<PushAnswer>({ op: 'push', records, digests }, [digests.leaves.buffer as ArrayBuffer]);
  };
  result = (at: Pick<VerifyLogOptions, 'checkpoint' | 'head'>) =>
    this.call<LogVerification>({ op: 'result', at });
  docsFailure = () => this.call<DocFault | null>({ op: 'docsFailure' });
  docsBegin = (kind: ReadModelDoc['kind']) => this.call<void>({ op: 'docsBegin', kind });
  docsPage = (docs: readonly PagedDoc[]) => this.call<void>({ op: 'docsPage', docs });
  docsEnd = () => this.call<DocFault | null>({ op: 'docsEnd' });
  close = async () => {
    if (this.closed) return;
    this.closed = true;
    // Drops the session's state in the worker; a worker that died meanwhile has nothing to drop.
    await this.call<void>({ op: 'close' }).catch(() => {});
  };
}

/** The checks of one verify: in the shared worker when asked and one starts, else in this thread. */
async function openChecks(options: ChecksOptions, worker: boolean): Promise<Checks> {
  if (worker) {
    const h = await workerHost();
    if (h) {
      const key = options.publicKey;
      const publicKeyPem =
        typeof key === 'string' ? key : (key.export({ type: 'spki', format: 'pem' }) as string);
      const session = h.nextSession();
      verifyWorkers.sessions++;
      const { publicKey: _, ...rest } = options;
      await h.call<void>({ op: 'open', session, init: { ...rest, publicKeyPem } });
      return new WorkerChecks(h, session);
    }
  }
  return new LocalChecks(new VerifyChecks(options));
}
