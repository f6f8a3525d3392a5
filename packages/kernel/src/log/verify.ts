/**
 * Full verification of a stored log, column by column: every record re-hashed from its stored body and its stored
 * seq, type, time and commons compared with the body; the chain of `prev` links; the head (size, last hash, compact
 * Merkle frontier) recomputed from the records; the log's own signed checkpoint, which must cover every record; and
 * optionally a checkpoint saved earlier by someone who does not trust the database, which the log must still
 * extend (same records, same Merkle root at that size). The first fault is reported with where it is.
 */
import type { KeyObject } from 'node:crypto';
import { verifyCheckpoint, type SignedCheckpoint } from './checkpoint';
import type { LogPosition } from './extension';
import { CompactMerkleTree } from './merkle';
import { LogVerifier } from './verify-stream';

/**
 * A record as the store keeps it: its seq, canonical body and hash, and (when the store keeps them in their own
 * columns) its commons, type and time, which must then agree with the body.
 */
export interface StoredRecord {
  seq: number;
  body: string;
  hash: string;
  commons?: string;
  type?: string;
  at?: string;
}

/** The stored head of a log, as the writer extends it: number of records, last hash, compact Merkle frontier. */
export interface StoredHead {
  commons?: string;
  size: number;
  hash: string;
  merkle: readonly string[];
}

/** What verifyLog checks against. */
export interface VerifyLogOptions {
  commons: string;
  /**
   * The log's latest signed checkpoint, which must cover the whole log (its size is the number of records), or null
   * when the store has none (a non-empty log then fails). Not checked when absent (undefined).
   */
  checkpoint?: SignedCheckpoint | null;
  /** The key that checks `checkpoint` and `saved` (an Ed25519 public key, or the private key's public half). */
  publicKey?: KeyObject | string;
  /** The stored head; when given, its size, hash and Merkle frontier must be what the records give. */
  head?: StoredHead;
  /**
   * A checkpoint saved earlier, outside the database: the log must still hold at least that many records and the
   * Merkle tree of that many records must have its root. Catches a rollback and a rewrite re-signed with the key.
   */
  saved?: SignedCheckpoint;
  /** The record versions accepted, oldest first (by default those this code reads, RECORD_VERSIONS). */
  versions?: readonly number[];
}

/** Where a fault is: a record, the log's checkpoint, the head, a checkpoint saved earlier, or a read-model document. */
export type VerifyWhere = 'record' | 'checkpoint' | 'head' | 'saved-checkpoint' | 'document';

/** An RFC 9162 consistency proof that the tree of `toSize` records extends the saved tree of `fromSize`. */
export interface ConsistencyEvidence {
  fromSize: number;
  fromRoot: string;
  toSize: number;
  toRoot: string;
  proof: string[];
}

/**
 * The outcome of verifyLog. On failure `where` says which check failed and `seq` names the first bad record (for a
 * truncated log the first missing one, for an unsigned tail the first unsigned one); seq is null when the fault is
 * not in one record (a checkpoint's signature, the head's frontier).
 */
export type LogVerification =
  | { ok: true; size: number; root: string; consistency?: ConsistencyEvidence }
  | { ok: false; where: VerifyWhere; seq: number | null; reason: string };

function fault(
  where: VerifyWhere,
  seq: number | null,
  reason: string,
): Extract<LogVerification, { ok: false }> {
  return { ok: false, where, seq, reason };
}

/**
 * Checks the log's own signed checkpoint and its stored head against records verified up to `position`: the
 * checkpoint valid for the key, for this commons, covering exactly the records and signing their Merkle root; the
 * head's size, last hash and Merkle frontier those of the records. The first fault, or null. Either is skipped when
 * not given (undefined); a null checkpoint fails for a non-empty log.
 */
export function checkLogHead(
  commons: string,
  position: LogPosition,
  given: Pick<VerifyLogOptions, 'checkpoint' | 'publicKey' | 'head'>,
): Extract<LogVerification, { ok: false }> | null {
  const { checkpoint, publicKey, head } = given;
  const n = position.size;
  const root = CompactMerkleTree.fromState(position.merkle).rootHex();
  if (checkpoint !== undefined) {
    const fail = (reason: string) => fault('checkpoint', null, `checkpoint: ${reason}`);
    if (checkpoint === null) {
      if (n > 0)
        return fault('record', 0, `record 0 is not covered by a signed checkpoint: the log has none`);
    } else {
      if (publicKey === undefined) return fail('given without a public key to check it');
      if (!verifyCheckpoint(checkpoint, publicKey)) return fail('signature is not valid for this key');
      const cp = checkpoint.checkpoint;
      if (cp.commons !== commons) return fail(`it is for commons ${JSON.stringify(cp.commons)}`);
      if (cp.size < n) {
        return fault(
          'record',
          cp.size,
          `record ${cp.size} is not covered by the signed checkpoint, which signs ${cp.size} of the ${n} records`,
        );
      }
      if (cp.size > n) {
        return fault(
          'record',
          n,
          `record ${n} is missing: the signed checkpoint covers ${cp.size} records but the log has only ${n}`,
        );
      }
      if (cp.root !== root)
        return fail(`the ${n} records have Merkle root ${root}, the checkpoint signs ${cp.root}`);
    }
  }
  if (head !== undefined) {
    const fail = (reason: string) => fault('head', null, `head: ${reason}`);
    if (head.commons !== undefined && head.commons !== commons) {
      return fail(`it belongs to commons ${JSON.stringify(head.commons)}`);
    }
    if (head.size !== n) {
      return fault(
        'head',
        Math.min(n, Number.isSafeInteger(head.size) ? head.size : n),
        `head: it says ${String(head.size)} records, the log holds ${n}`,
      );
    }
    if (head.hash !== position.hash)
      return fail(`its hash ${String(head.hash)} is not the hash of the last record (${position.hash})`);
    const frontier = position.merkle.hashes;
    const merkle = head.merkle;
    if (
      !Array.isArray(merkle) ||
      merkle.length !== frontier.length ||
      merkle.some((h, i) => h !== frontier[i])
    ) {
      return fail(
        `its Merkle frontier ${JSON.stringify(merkle)} is not the one the records give (${JSON.stringify(frontier)})`,
      );
    }
  }
  return null;
}

/**
 * Verifies records 0..n-1 of a commons' log (in seq order) and whatever the options give to check them against: the
 * incremental LogVerifier fed all of them at once (feed it in chunks to keep memory bounded).
 */
export function verifyLog(records: readonly StoredRecord[], options: VerifyLogOptions): LogVerification {
  const verifier = new LogVerifier(options);
  verifier.push(records);
  return verifier.result();
}
