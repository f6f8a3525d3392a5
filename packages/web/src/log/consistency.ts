// RFC 9162 (Certificate Transparency 2.0) Merkle tree checks in the browser: SHA-256 through WebCrypto
// (crypto.subtle, asynchronous), the same conventions as the kernel's log/merkle.ts and transparency-dev/merkle:
// proofs list sibling hashes from the leaf up, a consistency proof from size 0 is rejected, roots compare bytewise.

const HASH_SIZE = 32;

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource));
}

/** Leaf hash SHA-256(0x00 ‖ data) (RFC 9162 section 2.1.1). */
export async function hashLeaf(data: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(1 + data.length);
  buf.set(data, 1);
  return sha256(buf);
}

/** Interior node hash SHA-256(0x01 ‖ left ‖ right) (RFC 9162 section 2.1.1). */
export async function hashChildren(left: Uint8Array, right: Uint8Array): Promise<Uint8Array> {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** Bytes of a hex string, or null if it is not one. */
export function fromHex(hex: string): Uint8Array | null {
  if (typeof hex !== 'string' || hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// Sizes are handled as bigints so that every safe integer works without 32-bit bit tricks.

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

function onesCount(x: bigint): number {
  let c = 0;
  for (const ch of x.toString(2)) if (ch === '1') c++;
  return c;
}

function trailingZeros(x: bigint): number {
  let c = 0;
  while (x > 0n && (x & 1n) === 0n) {
    x >>= 1n;
    c++;
  }
  return c;
}

/** Numbers of inner and border hashes of an inclusion proof (transparency-dev decompInclProof). */
function decompose(index: bigint, size: bigint): [number, number] {
  const inner = bitLength(index ^ (size - 1n));
  return [inner, onesCount(index >> BigInt(inner))];
}

async function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint) {
  for (const [i, h] of proof.entries()) {
    seed = ((index >> BigInt(i)) & 1n) === 0n ? await hashChildren(seed, h) : await hashChildren(h, seed);
  }
  return seed;
}

async function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint) {
  for (const [i, h] of proof.entries()) {
    if (((index >> BigInt(i)) & 1n) === 1n) seed = await hashChildren(h, seed);
  }
  return seed;
}

async function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]) {
  for (const h of proof) seed = await hashChildren(h, seed);
  return seed;
}

const isCount = (n: number) => Number.isSafeInteger(n) && n >= 0;

/**
 * Whether `proof` shows that the tree of size2 leaves with root2 extends the tree of size1 leaves with root1
 * (RFC 9162 section 2.1.4.2, as transparency-dev/merkle VerifyConsistency). size1 = 0 is always rejected.
 */
export async function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[] | null,
  root1: Uint8Array,
  root2: Uint8Array,
): Promise<boolean> {
  const path = proof ?? [];
  if (!isCount(size1) || !isCount(size2) || size2 < size1) return false;
  if (size1 === 0) return false;
  if (root1.length !== HASH_SIZE || root2.length !== HASH_SIZE) return false;
  if (path.some((h) => h.length !== HASH_SIZE)) return false;
  if (size1 === size2) return path.length === 0 && bytesEqual(root1, root2);
  const [first] = path;
  if (first === undefined) return false;

  const s1 = BigInt(size1);
  const [innerWithShift, border] = decompose(s1 - 1n, BigInt(size2));
  const shift = trailingZeros(s1);
  const inner = innerWithShift - shift;
  // The proof starts with the root of the size-2^shift subtree, unless size1 is itself that power of two.
  let seed = first;
  let start = 1;
  if (s1 === 1n << BigInt(shift)) {
    seed = root1;
    start = 0;
  }
  if (path.length !== start + inner + border) return false;
  const rest = path.slice(start);
  const mask = (s1 - 1n) >> BigInt(shift);

  let hash1 = await chainInnerRight(seed, rest.slice(0, inner), mask);
  hash1 = await chainBorderRight(hash1, rest.slice(inner));
  if (!bytesEqual(hash1, root1)) return false;

  let hash2 = await chainInner(seed, rest.slice(0, inner), mask);
  hash2 = await chainBorderRight(hash2, rest.slice(inner));
  return bytesEqual(hash2, root2);
}
