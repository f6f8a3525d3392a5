/**
 * Full verification of a stored log: every record re-hashed from its stored body, the chain of `prev` links, and
 * the Merkle root against a signed checkpoint. It reports the first record that fails, so a tampered log says where.
 */
import type { KeyObject } from 'node:crypto';
import { verifyCheckpoint, type SignedCheckpoint } from './checkpoint';
import { CompactMerkleTree } from './merkle';
import { GENESIS_PREV, decodeRecord, encodeRecord, recordHash, recordLeafHash } from './record';

/** A record as the store keeps it: its seq, canonical body and hash. */
export interface StoredRecord {
  seq: number;
  body: string;
  hash: string;
}

/** What verifyLog checks against: the commons id and optionally a signed checkpoint with the key to check it. */
export interface VerifyLogOptions {
  commons: string;
  checkpoint?: SignedCheckpoint;
  publicKey?: KeyObject | string;
}

/**
 * The outcome of verifyLog. On failure `seq` is the first bad record (or, for a truncated log, the first missing
 * one); it is null when the fault is in the checkpoint itself (bad signature, other commons, root mismatch).
 */
export type LogVerification =
  { ok: true; size: number; root: string } | { ok: false; seq: number | null; reason: string };

/** Verifies records 0..n-1 of a commons' log (in seq order) and, if given, a signed checkpoint over a prefix of it. */
export function verifyLog(records: readonly StoredRecord[], options: VerifyLogOptions): LogVerification {
  const { commons, checkpoint, publicKey } = options;
  const tree = new CompactMerkleTree();
  const wantSize = checkpoint?.checkpoint?.size;
  let rootAtCheckpoint: string | null = wantSize === 0 ? tree.rootHex() : null;
  let prev = GENESIS_PREV;

  for (let i = 0; i < records.length; i++) {
    const fail = (reason: string): LogVerification => ({ ok: false, seq: i, reason });
    const { seq, body, hash } = records[i];
    if (seq !== i) return fail(`record ${i} is stored with seq ${String(seq)}`);
    if (typeof body !== 'string') return fail('stored body is not a string');
    const actual = recordHash(body);
    if (hash !== actual) return fail(`stored hash ${String(hash)} does not match the body's hash ${actual}`);
    let record;
    try {
      record = decodeRecord(body);
    } catch (e) {
      return fail((e as Error).message);
    }
    let canonical: string;
    try {
      canonical = encodeRecord(record);
    } catch (e) {
      return fail((e as Error).message);
    }
    if (canonical !== body) return fail('body is not in canonical encoding');
    if (record.seq !== i) return fail(`body says seq ${record.seq}`);
    if (record.commons !== commons)
      return fail(`record belongs to commons ${JSON.stringify(record.commons)}`);
    if (record.prev !== prev)
      return fail(`prev ${record.prev} does not match the hash of record ${i - 1} (${prev})`);
    prev = actual;
    tree.append(recordLeafHash(body));
    if (tree.size === wantSize) rootAtCheckpoint = tree.rootHex();
  }

  if (checkpoint !== undefined) {
    const fail = (reason: string): LogVerification => ({ ok: false, seq: null, reason });
    if (publicKey === undefined) return fail('a checkpoint was given without a public key to check it');
    if (!verifyCheckpoint(checkpoint, publicKey))
      return fail('checkpoint signature is not valid for this key');
    const cp = checkpoint.checkpoint;
    if (cp.commons !== commons) return fail(`checkpoint is for commons ${JSON.stringify(cp.commons)}`);
    if (cp.size > records.length) {
      return {
        ok: false,
        seq: records.length,
        reason: `checkpoint covers ${cp.size} records but the log has only ${records.length}`,
      };
    }
    if (rootAtCheckpoint !== cp.root) {
      return fail(
        `Merkle root of the first ${cp.size} records is ${rootAtCheckpoint}, the checkpoint signs ${cp.root}`,
      );
    }
  }
  return { ok: true, size: tree.size, root: tree.rootHex() };
}
