// What `peergov export` does (its options are in export.ts): loaded only when it runs.
import { createPublicKey } from 'node:crypto';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeRecord, emptyRoot, hashChildren, hashLeaf } from '@peergov/kernel/log';
import type { ExportOptions } from './export';
import { dataDirOf, openExistingFromOptions, type StoreOptions } from './store-options';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** RFC 6962 section 2.1 MTH and PATH over fixed leaves, caching subtree hashes so that n proofs cost O(n log n). */
class MerkleProver {
  private readonly cache = new Map<number, Uint8Array>();
  constructor(private readonly leaves: Uint8Array[]) {}

  private split(n: number): number {
    let k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  /** Leaf i's hash. */
  leaf(i: number): Uint8Array {
    const leaf = this.leaves[i];
    if (leaf === undefined) throw new RangeError(`no leaf ${i} among ${this.leaves.length}`);
    return leaf;
  }

  /** The hash of leaves[lo, hi). */
  hash(lo: number, hi: number): Uint8Array {
    if (hi - lo === 1) return this.leaf(lo);
    const key = lo * 4_294_967_296 + hi;
    let h = this.cache.get(key);
    if (!h) {
      const k = this.split(hi - lo);
      h = hashChildren(this.hash(lo, lo + k), this.hash(lo + k, hi));
      this.cache.set(key, h);
    }
    return h;
  }

  root(size: number): Uint8Array {
    return this.hash(0, size);
  }

  /** The audit path of leaf m in the tree of the first `size` leaves. */
  inclusionProof(m: number, size: number, lo = 0): Uint8Array[] {
    const n = size - lo;
    if (n <= 1) return [];
    const k = this.split(n);
    return m - lo < k
      ? [...this.inclusionProof(m, lo + k, lo), this.hash(lo + k, size)]
      : [...this.inclusionProof(m, size, lo + k), this.hash(lo, lo + k)];
  }
}

/** The instance's public key (SPKI PEM), derived from the signing key in the data dir; never creates one. */
export function publicKeyPem(o: StoreOptions): string {
  const file = join(dataDirOf(o), 'signing-key.pem');
  if (!existsSync(file)) throw new Error(`no signing key at ${file}: give the --data-dir the server uses`);
  return createPublicKey(readFileSync(file, 'utf8')).export({ type: 'spki', format: 'pem' }).toString();
}

/** `peergov export`: the log as JSON lines with inclusion proofs, then the checkpoint; see registerExport. */
export async function exportLog(o: ExportOptions): Promise<void> {
  if (o.publicKeyOut) writeFileSync(o.publicKeyOut, publicKeyPem(o));
  if (!o.commons) {
    if (o.publicKeyOut) return;
    throw new Error('give --commons <id> (or only --public-key-out <file>)');
  }
  const store = await openExistingFromOptions(o);
  try {
    // One snapshot: the checkpoint line is the head of exactly these records.
    const log = await store.readLog(o.commons);
    if (!log) throw new Error(`there is no commons ${o.commons}`);
    const { head, records } = log;
    const leaves = records.map((r) => hashLeaf(new TextEncoder().encode(r.body)));
    const prover = new MerkleProver(leaves);
    const last = {
      checkpoint: head.checkpoint,
      size: records.length,
      root: hex(records.length === 0 ? emptyRoot() : prover.root(records.length)),
    };
    if (o.checkpointOut) {
      if (!head.checkpoint) throw new Error(`the log of ${o.commons} has no signed checkpoint`);
      const cp = head.checkpoint;
      const saved = {
        checkpoint: { commons: cp.commons, size: cp.size, root: cp.root, time: cp.time },
        signature: cp.signature,
        keyId: cp.keyId,
      };
      writeFileSync(o.checkpointOut, `${JSON.stringify(saved, null, 2)}\n`);
    }
    const out = o.out ? createWriteStream(o.out) : process.stdout;
    const write = (line: unknown) => out.write(`${JSON.stringify(line)}\n`);
    for (const [i, r] of records.entries()) {
      write({
        seq: r.seq,
        hash: r.hash,
        leafHash: hex(prover.leaf(i)),
        proof: prover.inclusionProof(i, records.length).map(hex),
        record: decodeRecord(r.body),
      });
    }
    write(last);
    if (o.out) await new Promise<void>((res) => (out as ReturnType<typeof createWriteStream>).end(res));
  } finally {
    await store.close();
  }
}
