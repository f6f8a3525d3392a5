import type { KeyObject } from 'node:crypto';
import { READ_MODEL_KINDS, readModelDocs, stateFromRecords, type CommonsState } from '@peergov/kernel';
import { READ_MODEL_VERSION, storedReadModelVersion } from '@peergov/kernel';
import {
  canonicalJson,
  decodeRecord,
  hashLeaf,
  inclusionProof,
  merkleRoot,
  verifyLog,
  type ConsistencyEvidence,
  type SignedCheckpoint,
  type VerifyWhere,
} from '@peergov/kernel/log';
import type { Doc, NewDoc, Store, StoredCheckpoint, StoredLog } from '@peergov/store';

export type VerifyResult =
  | {
      ok: true;
      size: number;
      root: string;
      checkpoint: StoredCheckpoint | null;
      /** With a saved checkpoint: the proof that the log extends it. */
      consistency?: ConsistencyEvidence;
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
}

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

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
   * Verifies one snapshot of the commons (head, records and documents read in one transaction): every stored
   * column, the chain, the head, the signed checkpoint over the whole log, the read models, and optionally a
   * checkpoint saved earlier.
   */
  async verify(commonsId: string, options: VerifyOptions = {}): Promise<VerifyResult> {
    const log = await this.store.readLog(commonsId);
    if (!log) return { ok: false, where: 'head', seq: 0, reason: 'this commons has no log' };
    return verifyStored(commonsId, log, this.publicKey, options);
  }

  /** An RFC 6962 inclusion proof of record `seq` in the tree of the first `size` records. */
  async proof(commonsId: string, seq: number, size?: number) {
    const records = await this.store.readRecords(commonsId, 0);
    const n = size ?? records.length;
    if (seq >= n || n > records.length) return null;
    const leaves = records.slice(0, n).map((r) => hashLeaf(new TextEncoder().encode(r.body)));
    const leaf = leaves[seq];
    if (leaf === undefined) return null;
    return {
      seq,
      size: n,
      leafHash: toHex(leaf),
      proof: inclusionProof(leaves, seq, n).map(toHex),
      root: toHex(merkleRoot(leaves)),
    };
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

/** The JSON value a document body stands for, in canonical form (undefined fields dropped, as the store drops them). */
function canonicalBody(body: unknown): string {
  const json = JSON.stringify(body) as string | undefined;
  return json === undefined ? 'undefined' : canonicalJson(JSON.parse(json));
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

/** Top-level fields of two JSON values that differ, for a reason a person can act on. */
function differingFields(expected: unknown, stored: unknown): string[] {
  if (typeof expected !== 'object' || typeof stored !== 'object' || !expected || !stored) return [];
  if (Array.isArray(expected) || Array.isArray(stored)) return [];
  const a = expected as Record<string, unknown>;
  const b = stored as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => !(k in a) || !(k in b) || canonicalBody(a[k]) !== canonicalBody(b[k]));
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
    return {
      ok: false,
      where: 'document',
      seq: null,
      reason: `the read models cannot be rebuilt: replaying the log failed (${(e as Error).message})`,
    };
  }
  const bad = compareDocs(expected, docs);
  const version = storedReadModelVersion(docs);
  if (bad && version < READ_MODEL_VERSION) {
    return {
      ...bad,
      reason: `${bad.reason}: the documents are read-model version ${version}, written by an older peergov (this one writes ${READ_MODEL_VERSION}); the server rebuilds them from the log when it first loads the commons, or run \`peergov rebuild\``,
    };
  }
  return bad;
}

/** Compares stored read-model documents with the `expected` ones; the first that differs, is missing or extra. */
export function compareDocs(
  expected: readonly NewDoc[],
  docs: readonly Doc[],
): Extract<VerifyResult, { ok: false }> | null {
  const want = new Map(expected.map((d) => [docKey(d.kind, d.id), d]));
  const have = new Map(
    docs
      .filter((d) => (READ_MODEL_KINDS as readonly string[]).includes(d.kind))
      .map((d) => [docKey(d.kind, d.id), d]),
  );
  const keys = [...new Set([...want.keys(), ...have.keys()])].sort();
  for (const key of keys) {
    const w = want.get(key);
    const h = have.get(key);
    const { kind, id } = (w ?? h)!;
    const fail = (what: string): Extract<VerifyResult, { ok: false }> => ({
      ok: false,
      where: 'document',
      seq: null,
      reason: `document ${kind} ${JSON.stringify(id)} ${what}`,
      doc: { kind, id },
    });
    if (!h) return fail('is missing: the log implies it');
    if (!w) return fail('is extra: the log does not imply it');
    if (canonicalBody(w.body) !== canonicalBody(h.body)) {
      const fields = differingFields(w.body, h.body);
      return fail(
        `differs from what the log gives${fields.length > 0 ? ` (in ${fields.slice(0, 5).join(', ')})` : ''}`,
      );
    }
  }
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
    {
      commons: commonsId,
      checkpoint: head.checkpoint ? signedCheckpointOf(head.checkpoint) : null,
      publicKey,
      head: { commons: head.commonsId, size: head.size, hash: head.hash, merkle: head.merkle },
      saved: options.saved,
    },
  );
  if (!result.ok) return { ok: false, where: result.where, seq: result.seq, reason: result.reason };
  if (options.docs !== false) {
    const bad = compareReadModel(
      records.map((r) => r.body),
      log.docs,
    );
    if (bad) return bad;
  }
  return {
    ok: true,
    size: result.size,
    root: result.root,
    checkpoint: head.checkpoint,
    ...(result.consistency ? { consistency: result.consistency } : {}),
  };
}
