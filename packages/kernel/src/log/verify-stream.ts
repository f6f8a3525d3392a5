/**
 * Incremental verification of a stored log: the records are fed in order, a chunk at a time, and only what the
 * checks need is kept (the last hash, the compact Merkle frontier, and with a saved checkpoint the root at its size
 * and the O(log n) complete subtrees a consistency proof from it can use), never the records or all the leaves.
 * `result` then checks the head, the log's own signed checkpoint and the saved checkpoint against what was fed, with
 * the outcome and first-fault reporting of verifyLog (which is this, fed once). Pure: no I/O.
 */
import { verifyCheckpoint } from './checkpoint';
import { checkStoredRecord, type StoredColumns } from './extension';
import {
  CompactMerkleTree,
  consistencyProofFromNodes,
  emptyRoot,
  fromHex,
  rootNodeKeys,
  toHex,
  verifyConsistency,
} from './merkle';
import { GENESIS_PREV, RECORD_VERSIONS, recordLeafHash, type LogRecord, type RecordDigests } from './record';
import {
  checkLogHead,
  type ConsistencyEvidence,
  type LogVerification,
  type StoredRecord,
  type VerifyLogOptions,
  type VerifyWhere,
} from './verify';

type Fault = Extract<LogVerification, { ok: false }>;

function fault(where: VerifyWhere, seq: number | null, reason: string): Fault {
  return { ok: false, where, seq, reason };
}

/** Levels a tree of at most 2^53 leaves can have. */
const LEVELS = 54;

/**
 * Verifies a log fed to it in order, chunk by chunk (`push`), then against its head and checkpoints (`result`,
 * which may be asked again after more records are fed: a log that grew meanwhile is checked by extending).
 */
export class LogVerifier {
  private readonly commons: string;
  private readonly versions: readonly number[];
  private readonly tree = new CompactMerkleTree();
  private prev = GENESIS_PREV;
  private failed: Fault | null = null;
  /** The saved checkpoint's size, when it is one a tree can have. */
  private readonly savedSize: number | null;
  private rootAtSaved: string | null = null;
  /** Per level, the indices of the subtrees a consistency proof from the saved size may use (see the constructor). */
  private readonly wanted: number[][] = [];
  private readonly kept = new Map<string, Uint8Array>();
  private readonly keep: ((level: number, index: number, hash: Uint8Array) => void) | undefined;

  /** `head` and `checkpoint` in the options are what `result` checks against unless it is given others. */
  constructor(private readonly options: VerifyLogOptions) {
    this.commons = options.commons;
    this.versions = options.versions ?? RECORD_VERSIONS;
    const size = options.saved?.checkpoint?.size;
    this.savedSize = typeof size === 'number' && Number.isSafeInteger(size) && size >= 0 ? size : null;
    if (this.savedSize === 0) this.rootAtSaved = toHex(emptyRoot());
    if (this.savedSize !== null && this.savedSize > 0) {
      // Every element of PROOF(m, D[0:n]), whatever n, is the hash of a subtree on the path of leaf m - 1 or of a
      // sibling of one (RFC 9162 2.1.4.1 splits only ranges that hold leaf m - 1), or of a range that ends at n,
      // which the frontier at n gives. So 3 subtrees per level are kept as they complete.
      const last = this.savedSize - 1;
      for (let level = 0; level < LEVELS; level++) {
        const i = Math.floor(last / 2 ** level);
        this.wanted.push([i - 1, i, i + 1]);
      }
      this.keep = (level, index, hash) => {
        const w = this.wanted[level];
        if (w && (index === w[0] || index === w[1] || index === w[2]))
          this.kept.set(`${level}:${index}`, Uint8Array.from(hash));
      };
    }
  }

  /** Number of records fed and verified so far. */
  get size(): number {
    return this.tree.size;
  }

  /** The first record fault, once there is one (nothing fed after it is checked). */
  get fault(): Fault | null {
    return this.failed;
  }

  /**
   * Checks the next records, in seq order: each re-hashed from its body, in canonical form, in this commons, at its
   * seq, chained to the one before, and its stored columns (seq, commons, type, time) what the body says. Answers
   * the decoded records that verified (all of them unless one is at fault, see `fault`). `digests`, when given, are
   * recordDigests of these records' bodies, computed by the caller (say, in the thread that read them) instead of
   * here.
   */
  push(records: readonly (StoredRecord | StoredColumns)[], digests?: RecordDigests): LogRecord[] {
    const out: LogRecord[] = [];
    if (this.failed) return out;
    if (
      digests &&
      (digests.hashes.length !== records.length || digests.leaves.length !== 32 * records.length)
    )
      throw new Error('LogVerifier: the digests are not of these records');
    for (const [i, r] of records.entries()) {
      const seq = this.tree.size;
      const storedCommons = (r as StoredRecord).commons ?? (r as StoredColumns).commonsId;
      const record = checkStoredRecord(
        this.commons,
        seq,
        this.prev,
        r,
        storedCommons,
        this.versions,
        digests?.hashes[i],
      );
      if (typeof record === 'string') {
        this.failed = fault('record', seq, record);
        return out;
      }
      this.tree.append(
        digests ? digests.leaves.subarray(32 * i, 32 * i + 32) : recordLeafHash(r.body),
        this.keep,
      );
      this.prev = r.hash;
      if (this.tree.size === this.savedSize) this.rootAtSaved = this.tree.rootHex();
      out.push(record);
    }
    return out;
  }

  /**
   * The outcome for the records fed so far: the first record fault if there was one, else the log's signed
   * checkpoint and head (those given here, else the constructor's) against them, then the saved checkpoint.
   */
  result(at: Pick<VerifyLogOptions, 'checkpoint' | 'head'> = this.options): LogVerification {
    if (this.failed) return this.failed;
    const { commons } = this;
    const { publicKey, saved } = this.options;
    const position = { size: this.tree.size, hash: this.prev, merkle: this.tree.state() };
    const n = position.size;
    const root = this.tree.rootHex();
    const headFault = checkLogHead(commons, position, {
      checkpoint: at.checkpoint,
      publicKey,
      head: at.head,
    });
    if (headFault) return headFault;
    if (saved === undefined) return { ok: true, size: n, root };

    const fail = (seq: number | null, reason: string) =>
      fault('saved-checkpoint', seq, `saved checkpoint: ${reason}`);
    if (publicKey === undefined) return fail(null, 'given without a public key to check it');
    if (!verifyCheckpoint(saved, publicKey)) return fail(null, 'signature is not valid for this key');
    const cp = saved.checkpoint;
    if (cp.commons !== commons) return fail(null, `it is for commons ${JSON.stringify(cp.commons)}`);
    if (cp.size > n) {
      return fail(
        n,
        `it covers ${cp.size} records but the log now has only ${n}: the log was truncated or rolled back`,
      );
    }
    if (cp.size !== this.savedSize)
      throw new Error('LogVerifier: the saved checkpoint changed while the log was verified');
    if (this.rootAtSaved !== cp.root) {
      return fail(
        null,
        `the first ${cp.size} records have Merkle root ${String(this.rootAtSaved)}, it signed ${cp.root}: history was rewritten`,
      );
    }
    if (cp.size === 0) {
      return cp.root === toHex(emptyRoot())
        ? { ok: true, size: n, root }
        : fail(null, 'it covers no records but does not sign the empty root');
    }
    const proof = this.consistencyProof(cp.size, n);
    if (!verifyConsistency(cp.size, n, proof, fromHex(cp.root), fromHex(root)))
      return fail(null, `no consistency proof from size ${cp.size} to ${n}`);
    const consistency: ConsistencyEvidence = {
      fromSize: cp.size,
      fromRoot: cp.root,
      toSize: n,
      toRoot: root,
      proof: proof.map(toHex),
    };
    return { ok: true, size: n, root, consistency };
  }

  /** PROOF(m, D[0:n]) from the subtrees kept and the frontier at n. */
  private consistencyProof(m: number, n: number): Uint8Array[] {
    const peaks = new Map<string, Uint8Array>();
    const hashes = this.tree.state().hashes;
    rootNodeKeys(n).forEach(({ level, index }, i) => peaks.set(`${level}:${index}`, fromHex(hashes[i]!)));
    return consistencyProofFromNodes(m, n, (level, index) => {
      const key = `${level}:${index}`;
      const hash = this.kept.get(key) ?? peaks.get(key);
      if (!hash) throw new Error(`LogVerifier: subtree (level ${level}, index ${index}) was not kept`);
      return hash;
    });
  }
}
