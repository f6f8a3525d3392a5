import { createHash } from 'node:crypto';

/** The domain-separation tag of procedure version 1; part of every hashed block. */
export const SORTITION_TAG = 'peergov-sortition-v1';

/**
 * A deterministic stream of 32-bit words from a public seed: block k (k = 0, 1, 2, ...) is
 * SHA-256(utf8(TAG) || 0x00 || utf8(seed) || 0x00 || utf8(label) || 0x00 || uint64be(k)), read as eight big-endian
 * 32-bit words in order. NIST SP 800-90A's Hash_DRBG uses the same counter-mode idea; this simpler form is enough
 * because the seed is public anyway and only unpredictability before the seed is fixed matters.
 */
export class SeedStream {
  private block = new Uint8Array(0);
  private word = 8;
  private counter = 0n;
  /** Words consumed so far (for the explanation). */
  consumed = 0;
  private readonly prefix: Buffer;

  constructor(
    readonly seed: string,
    readonly label = '',
  ) {
    this.prefix = Buffer.concat([
      Buffer.from(SORTITION_TAG, 'utf8'),
      Buffer.from([0]),
      Buffer.from(seed, 'utf8'),
      Buffer.from([0]),
      Buffer.from(label, 'utf8'),
      Buffer.from([0]),
    ]);
  }

  /** The next 32-bit word of the stream. */
  nextWord(): number {
    if (this.word === 8) {
      const counter = Buffer.alloc(8);
      counter.writeBigUInt64BE(this.counter);
      this.counter += 1n;
      this.block = createHash('sha256').update(this.prefix).update(counter).digest();
      this.word = 0;
    }
    const b = this.block;
    const i = this.word * 4;
    this.word += 1;
    this.consumed += 1;
    // In range: a SHA-256 block has 32 bytes and i + 3 < 32 while word < 8.
    return ((b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!) >>> 0;
  }

  /**
   * A uniform integer in [0, n) by rejection sampling: words at or above the largest multiple of n below 2^32
   * are discarded, so there is no modulo bias. n must be between 1 and 2^32.
   */
  below(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new Error(`cannot draw below ${n}`);
    const limit = Math.floor(2 ** 32 / n) * n;
    for (;;) {
      const x = this.nextWord();
      if (x < limit) return x % n;
    }
  }
}

/** SHA-256 of the ordered candidate ids joined by newlines (hex): lets anyone check they re-run on the same list. */
export function listDigest(ids: readonly string[]): string {
  return createHash('sha256').update(ids.join('\n'), 'utf8').digest('hex');
}

/** Orders items by seeded Fisher–Yates on `ids` (already in canonical order); returns the first `k` drawn. */
export function seededShuffle(ids: readonly string[], stream: SeedStream, k = ids.length): string[] {
  const a = ids.slice();
  const n = a.length;
  const m = Math.min(k, n);
  for (let i = 0; i < m; i++) {
    const j = i + stream.below(n - i);
    // In range: i < m <= n and i <= j < n.
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a.slice(0, m);
}
