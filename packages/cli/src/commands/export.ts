import { createWriteStream } from 'node:fs';
import type { Command } from 'commander';
import { decodeRecord, hashChildren, hashLeaf } from '@peergov/kernel/log';
import { openFromOptions, storeOptions, type StoreOptions } from './store-options';

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

  /** The hash of leaves[lo, hi). */
  hash(lo: number, hi: number): Uint8Array {
    if (hi - lo === 1) return this.leaves[lo];
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

/** `peergov export --commons ID`: the log as JSON lines, each record with its inclusion proof. */
export function registerExport(program: Command): void {
  storeOptions(
    program
      .command('export')
      .description(
        'export a commons log as JSON lines: one line per record with its RFC 6962 inclusion proof, then the signed checkpoint',
      )
      .requiredOption('--commons <id>', 'the commons to export')
      .option('-o, --out <file>', 'write to a file instead of standard output'),
  ).action(async (o: StoreOptions & { commons: string; out?: string }) => {
    const store = await openFromOptions(o);
    try {
      const head = await store.head(o.commons);
      if (!head) throw new Error(`there is no commons ${o.commons}`);
      const records = await store.readRecords(o.commons, 0);
      const leaves = records.map((r) => hashLeaf(new TextEncoder().encode(r.body)));
      const prover = new MerkleProver(leaves);
      const out = o.out ? createWriteStream(o.out) : process.stdout;
      const write = (line: unknown) => out.write(`${JSON.stringify(line)}\n`);
      for (const [i, r] of records.entries()) {
        write({
          seq: r.seq,
          hash: r.hash,
          leafHash: hex(leaves[i]),
          proof: prover.inclusionProof(i, records.length).map(hex),
          record: decodeRecord(r.body),
        });
      }
      write({ checkpoint: head.checkpoint, size: records.length, root: hex(prover.root(records.length)) });
      if (o.out) await new Promise<void>((res) => (out as ReturnType<typeof createWriteStream>).end(res));
    } finally {
      await store.close();
    }
  });
}
