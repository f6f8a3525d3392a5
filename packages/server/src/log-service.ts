import { decodeRecord, hashLeaf, inclusionProof, merkleRoot, verifyLog } from '@peergov/kernel/log';
import type { Store, StoredRecord } from '@peergov/store';

export type VerifyResult =
  | { ok: true; size: number; root: string; checkpoint: unknown }
  | { ok: false; seq: number | null; reason: string };

const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Reading, proving and verifying a commons' log from what the store holds. */
export class LogService {
  constructor(
    private readonly store: Store,
    private readonly publicKey: import('node:crypto').KeyObject,
  ) {}

  /** Records with their decoded data; a record that no longer decodes is shown as such, not hidden. */
  async read(commonsId: string, from: number, limit: number) {
    const records = await this.store.readRecords(commonsId, from, limit);
    return records.map((r) => {
      try {
        const d = decodeRecord(r.body);
        return {
          seq: r.seq,
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

  /** Recomputes every hash, the chain and the Merkle root against the signed checkpoint. */
  async verify(commonsId: string): Promise<VerifyResult> {
    const head = await this.store.head(commonsId);
    const records = await this.store.readRecords(commonsId, 0);
    if (!head) return { ok: false, seq: 0, reason: 'this commons has no log' };
    return verifyStored(commonsId, records, head, this.publicKey);
  }

  /** An RFC 6962 inclusion proof of record `seq` in the tree of the first `size` records. */
  async proof(commonsId: string, seq: number, size?: number) {
    const records = await this.store.readRecords(commonsId, 0);
    const n = size ?? records.length;
    if (seq >= n || n > records.length) return null;
    const leaves = records.slice(0, n).map((r) => hashLeaf(new TextEncoder().encode(r.body)));
    return {
      seq,
      size: n,
      leafHash: toHex(leaves[seq]),
      proof: inclusionProof(leaves, seq, n).map(toHex),
      root: toHex(merkleRoot(leaves)),
    };
  }
}

/** Verifies stored records against the head (size, last hash) and its signed checkpoint. */
export function verifyStored(
  commonsId: string,
  records: StoredRecord[],
  head: {
    size: number;
    hash: string;
    checkpoint: {
      commons: string;
      size: number;
      root: string;
      time: string;
      signature: string;
      keyId: string;
    } | null;
  },
  publicKey: import('node:crypto').KeyObject,
): VerifyResult {
  const checkpoint = head.checkpoint
    ? {
        checkpoint: {
          commons: head.checkpoint.commons,
          size: head.checkpoint.size,
          root: head.checkpoint.root,
          time: head.checkpoint.time,
        },
        signature: head.checkpoint.signature,
        keyId: head.checkpoint.keyId,
      }
    : undefined;
  const result = verifyLog(
    records.map((r) => ({ seq: r.seq, body: r.body, hash: r.hash })),
    { commons: commonsId, checkpoint, publicKey },
  );
  if (!result.ok) return { ok: false, seq: result.seq, reason: result.reason };
  if (records.length !== head.size) {
    return {
      ok: false,
      seq: Math.min(records.length, head.size),
      reason: `the log holds ${records.length} records but its head says ${head.size}`,
    };
  }
  if (records.length > 0 && records[records.length - 1].hash !== head.hash) {
    return { ok: false, seq: records.length - 1, reason: 'the last record does not match the head hash' };
  }
  return { ok: true, size: result.size, root: result.root, checkpoint: head.checkpoint };
}
