/**
 * RFC 6962 / RFC 9162 section 2.1 Merkle tree over SHA-256, with the conventions of transparency-dev/merkle
 * (github.com/transparency-dev/merkle, proof/verify.go): proofs are lists of sibling hashes ordered from the leaf
 * up, a consistency proof from size 0 is rejected, and verification compares roots byte for byte.
 */
import { hash } from 'node:crypto';

const HASH_SIZE = 32;

// Public functions return plain Uint8Array views, not Buffers: Buffer#slice shares memory, which would surprise
// callers. Internally the tree keeps the Buffers that node:crypto returns.
function view(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function sha256(data: Uint8Array): Uint8Array {
  return view(hash('sha256', data, 'buffer'));
}

// Hashing is synchronous, so one scratch buffer serves every 32 + 32 byte interior node: no allocation per hash.
const scratch = Buffer.alloc(1 + 2 * HASH_SIZE);
scratch[0] = 1;

function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) return hashChildren(left, right);
  scratch.set(left, 1);
  scratch.set(right, 1 + HASH_SIZE);
  return hash('sha256', scratch, 'buffer');
}

/** The root of the empty tree: SHA-256 of the empty string (RFC 9162 section 2.1.1). */
export function emptyRoot(): Uint8Array {
  return sha256(new Uint8Array(0));
}

/** Leaf hash SHA-256(0x00 ‖ data) (RFC 9162 section 2.1.1). */
export function hashLeaf(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + data.length);
  buf.set(data, 1);
  return sha256(buf);
}

/** Interior node hash SHA-256(0x01 ‖ left ‖ right) (RFC 9162 section 2.1.1). */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  const buf = new Uint8Array(1 + left.length + right.length);
  buf[0] = 1;
  buf.set(left, 1);
  buf.set(right, 1 + left.length);
  return sha256(buf);
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Bytes of a lower-case or upper-case hex string; throws on odd length or a non-hex character. */
export function fromHex(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex))
    throw new Error(`not a hex string: ${JSON.stringify(hex)}`);
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Serialisable state of a compact tree: the leaf count and the roots of its maximal complete subtrees, left to right, in hex. */
export interface CompactTreeState {
  size: number;
  hashes: string[];
}

/**
 * An append-only Merkle tree that keeps only the roots of its maximal complete subtrees (one per set bit of the
 * size, left to right), as transparency-dev/merkle's compact.Range does: append is O(log n) (amortised one hash),
 * the root costs popcount(size) - 1 hashes, and the state is small enough to store beside the log head.
 */
export class CompactMerkleTree {
  private count = 0;
  private readonly peaks: Uint8Array[] = [];

  /** A tree restored from a saved state; throws if the state is inconsistent (wrong hash count or malformed hash). */
  static fromState(state: CompactTreeState): CompactMerkleTree {
    const { size, hashes } = state;
    if (!Number.isSafeInteger(size) || size < 0)
      throw new Error(`compact tree state: invalid size ${String(size)}`);
    if (!Array.isArray(hashes) || hashes.length !== popCount(size)) {
      throw new Error(
        `compact tree state: size ${size} needs ${popCount(size)} hashes, got ${hashes?.length}`,
      );
    }
    const tree = new CompactMerkleTree();
    for (const h of hashes) {
      if (typeof h !== 'string' || !HEX_HASH.test(h))
        throw new Error(`compact tree state: malformed hash ${JSON.stringify(h)}`);
      tree.peaks.push(fromHex(h));
    }
    tree.count = size;
    return tree;
  }

  /** Number of leaves appended so far. */
  get size(): number {
    return this.count;
  }

  /**
   * Appends one leaf hash (32 bytes, as made by hashLeaf). `onNode`, when given, is told each complete subtree the
   * leaf completes, as completedNodes lists them: the leaf (level 0), then each subtree it closes (the hash is the
   * tree's own: copy it to keep it).
   */
  append(leafHash: Uint8Array, onNode?: (level: number, index: number, hash: Uint8Array) => void): void {
    if (leafHash.length !== HASH_SIZE)
      throw new Error(`leaf hash must be ${HASH_SIZE} bytes, got ${leafHash.length}`);
    let s = this.count;
    onNode?.(0, s, leafHash);
    if (s % 2 === 0) {
      // Kept as a peak: copy, so that a caller reusing its buffer cannot change the tree.
      this.peaks.push(Uint8Array.from(leafHash));
    } else {
      // Each trailing one bit of the old size is a complete subtree of the same height as `node`: merge them.
      let node = leafHash;
      for (let level = 1; s % 2 === 1; s = (s - 1) / 2, level++) {
        node = nodeHash(this.peaks.pop()!, node);
        onNode?.(level, Math.floor(this.count / 2 ** level), node);
      }
      this.peaks.push(node);
    }
    this.count++;
  }

  /** The Merkle tree hash of all leaves appended so far (the empty root when there are none). */
  root(): Uint8Array {
    const n = this.peaks.length;
    if (n === 0) return emptyRoot();
    if (n === 1) return Uint8Array.from(this.peaks[0]!);
    let acc = this.peaks[n - 1]!;
    for (let i = n - 2; i >= 0; i--) acc = nodeHash(this.peaks[i]!, acc);
    return Uint8Array.from(acc);
  }

  /** The root as lower-case hex. */
  rootHex(): string {
    return toHex(this.root());
  }

  /** The state to persist (leaf count and subtree roots in hex); restore it with CompactMerkleTree.fromState. */
  state(): CompactTreeState {
    return { size: this.count, hashes: this.peaks.map(toHex) };
  }

  /** An independent copy of this tree. */
  clone(): CompactMerkleTree {
    const copy = new CompactMerkleTree();
    copy.count = this.count;
    copy.peaks.push(...this.peaks);
    return copy;
  }
}

/** The Merkle tree hash MTH of a list of leaf hashes (RFC 9162 section 2.1.1). */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  const tree = new CompactMerkleTree();
  for (const h of leafHashes) tree.append(h);
  return tree.root();
}

/** Largest power of two strictly below n (n >= 2). */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH of leafHashes[start, end), end > start. */
function subtreeRoot(leaves: readonly Uint8Array[], start: number, end: number): Uint8Array {
  if (end - start === 1) return Uint8Array.from(leaves[start]!);
  const k = splitPoint(end - start);
  return hashChildren(subtreeRoot(leaves, start, start + k), subtreeRoot(leaves, start + k, end));
}

function checkSize(name: string, value: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${name} ${String(value)} is not an integer in [0, ${max}]`);
  }
}

/** A leaf range [start, end) whose Merkle tree hash is one element of a proof. */
type Range = readonly [start: number, end: number];

/** The ranges whose hashes make PATH(index, D[0:size]), leaf to root (RFC 9162 section 2.1.3.1). */
function inclusionRanges(index: number, size: number): Range[] {
  const ranges: Range[] = [];
  // Walk from the root down, collecting siblings; they are reversed at the end so the proof reads leaf to root.
  let start = 0;
  let end = size;
  let m = index;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (m < k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
    }
  }
  return ranges.reverse();
}

/** The ranges whose hashes make PROOF(size1, D[0:size2]), in proof order (RFC 9162 section 2.1.4.1). */
function consistencyRanges(size1: number, size2: number): Range[] {
  const ranges: Range[] = [];
  // SUBPROOF(m, D[start:end], b), unrolled; the recursion appends after the recursive call, so collect and reverse.
  let start = 0;
  let end = size2;
  let m = size1;
  let whole = true;
  while (m !== end - start) {
    const k = splitPoint(end - start);
    if (m <= k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      m -= k;
      whole = false;
    }
  }
  if (!whole) ranges.push([start, end]);
  return ranges.reverse();
}

function checkInclusion(index: number, size: number, available: number): void {
  checkSize('tree size', size, available);
  checkSize('leaf index', index, size - 1);
}

function checkConsistency(size1: number, size2: number, available: number): void {
  checkSize('size2', size2, available);
  checkSize('size1', size1, size2);
  if (size1 === 0) throw new RangeError('a consistency proof from the empty tree is meaningless (size1 = 0)');
}

/** Audit path PATH(index, D[0:size]) for the leaf at `index` in the tree of the first `size` leaves (RFC 9162 section 2.1.3.1). */
export function inclusionProof(leafHashes: readonly Uint8Array[], index: number, size: number): Uint8Array[] {
  checkInclusion(index, size, leafHashes.length);
  return inclusionRanges(index, size).map(([start, end]) => subtreeRoot(leafHashes, start, end));
}

/** Consistency proof PROOF(size1, D[0:size2]) (RFC 9162 section 2.1.4.1); size1 must be in [1, size2]. */
export function consistencyProof(
  leafHashes: readonly Uint8Array[],
  size1: number,
  size2: number,
): Uint8Array[] {
  checkConsistency(size1, size2, leafHashes.length);
  return consistencyRanges(size1, size2).map(([start, end]) => subtreeRoot(leafHashes, start, end));
}

// Proofs from stored nodes. Every complete subtree of the log is one node: node (level, index) is the Merkle tree
// hash of leaves [index * 2^level, (index + 1) * 2^level), level 0 being the leaf hashes (the simplest form of
// Certificate Transparency's tiles). A proof element is the hash of a range that is either such a node or ends at
// the tree's right edge, and then is folded from at most log2(size) nodes: a proof needs O(log size) nodes, and the
// same bytes come out as from all the leaves.

/** Where a complete subtree sits: the root of leaves [index * 2^level, (index + 1) * 2^level). */
export interface MerkleNodeKey {
  level: number;
  index: number;
}

/** A complete subtree and its hash (lower-case hex), as the store keeps it. */
export interface MerkleNode extends MerkleNodeKey {
  hash: string;
}

/** The hash of a stored node (32 bytes); throws if it is not there. */
export type MerkleNodeSource = (level: number, index: number) => Uint8Array;

/** MTH of leaves [start, end) from complete subtrees: one node when the range is one, else split as RFC 9162 splits. */
function rangeFromNodes(start: number, end: number, node: MerkleNodeSource): Uint8Array {
  const size = end - start;
  if (size === 1) return node(0, start);
  const k = splitPoint(size);
  if (k * 2 === size && start % size === 0) return node(bitLength(BigInt(k)), start / size);
  return nodeHash(rangeFromNodes(start, start + k, node), rangeFromNodes(start + k, end, node));
}

/** The distinct nodes `compute` asks its source for (it is run once with placeholder hashes). */
function keysAskedBy(compute: (node: MerkleNodeSource) => unknown): MerkleNodeKey[] {
  const seen = new Map<string, MerkleNodeKey>();
  const placeholder = new Uint8Array(HASH_SIZE);
  compute((level, index) => {
    seen.set(`${level}:${index}`, { level, index });
    return placeholder;
  });
  return [...seen.values()];
}

function ownBytes(hash: Uint8Array): Uint8Array {
  return Uint8Array.from(hash);
}

/** The nodes the root of the tree of `size` leaves is folded from: its maximal complete subtrees, left to right. */
export function rootNodeKeys(size: number): MerkleNodeKey[] {
  checkSize('tree size', size, Number.MAX_SAFE_INTEGER);
  const keys: MerkleNodeKey[] = [];
  let start = 0;
  // One node per set bit of the size, highest first (the peaks a CompactMerkleTree of that size keeps).
  for (let level = bitLength(BigInt(size)) - 1; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) {
      keys.push({ level, index: start / width });
      start += width;
    }
  }
  return keys;
}

/** The Merkle tree hash of the first `size` leaves from stored nodes (the empty root for size 0). */
export function rootFromNodes(size: number, node: MerkleNodeSource): Uint8Array {
  checkSize('tree size', size, Number.MAX_SAFE_INTEGER);
  if (size === 0) return emptyRoot();
  return ownBytes(rangeFromNodes(0, size, node));
}

/** The compact tree of the first `size` leaves (its peaks) from stored nodes: where a backfill or a writer resumes. */
export function frontierFromNodes(size: number, node: MerkleNodeSource): CompactTreeState {
  return { size, hashes: rootNodeKeys(size).map(({ level, index }) => toHex(node(level, index))) };
}

/** The nodes inclusionProofFromNodes(index, size) reads: at most 2 log2(size). */
export function inclusionProofNodeKeys(index: number, size: number): MerkleNodeKey[] {
  checkInclusion(index, size, Number.MAX_SAFE_INTEGER);
  return keysAskedBy((node) => inclusionProofFromNodes(index, size, node));
}

/** PATH(index, D[0:size]) from stored nodes: the same bytes as inclusionProof over all the leaves. */
export function inclusionProofFromNodes(index: number, size: number, node: MerkleNodeSource): Uint8Array[] {
  checkInclusion(index, size, Number.MAX_SAFE_INTEGER);
  return inclusionRanges(index, size).map(([start, end]) => ownBytes(rangeFromNodes(start, end, node)));
}

/** The nodes consistencyProofFromNodes(size1, size2) reads: O(log2(size2)). */
export function consistencyProofNodeKeys(size1: number, size2: number): MerkleNodeKey[] {
  checkConsistency(size1, size2, Number.MAX_SAFE_INTEGER);
  return keysAskedBy((node) => consistencyProofFromNodes(size1, size2, node));
}

/** PROOF(size1, D[0:size2]) from stored nodes: the same bytes as consistencyProof over all the leaves. */
export function consistencyProofFromNodes(
  size1: number,
  size2: number,
  node: MerkleNodeSource,
): Uint8Array[] {
  checkConsistency(size1, size2, Number.MAX_SAFE_INTEGER);
  return consistencyRanges(size1, size2).map(([start, end]) => ownBytes(rangeFromNodes(start, end, node)));
}

/** A node source over nodes read from a store; asking for one that is not among them throws, naming it. */
export function nodeSourceOf(nodes: readonly MerkleNode[]): MerkleNodeSource {
  const byKey = new Map<string, string>();
  for (const n of nodes) byKey.set(`${n.level}:${n.index}`, n.hash);
  return (level, index) => {
    const hex = byKey.get(`${level}:${index}`);
    if (hex === undefined) throw new Error(`Merkle node (level ${level}, index ${index}) is not stored`);
    if (!HEX_HASH.test(hex)) throw new Error(`Merkle node (level ${level}, index ${index}) is not a hash`);
    return fromHex(hex);
  };
}

/**
 * The nodes that appending `leafHashes` to the tree `frontier` completes, in the order they complete: each new
 * leaf (level 0), then each subtree it closes. About two per leaf; what an append stores beside its records.
 */
export function completedNodes(frontier: CompactTreeState, leafHashes: readonly Uint8Array[]): MerkleNode[] {
  CompactMerkleTree.fromState(frontier);
  const peaks = frontier.hashes.map(fromHex);
  const nodes: MerkleNode[] = [];
  let size = frontier.size;
  for (const leaf of leafHashes) {
    if (leaf.length !== HASH_SIZE)
      throw new Error(`leaf hash must be ${HASH_SIZE} bytes, got ${leaf.length}`);
    nodes.push({ level: 0, index: size, hash: toHex(leaf) });
    let node: Uint8Array = leaf;
    let level = 0;
    // Each trailing one bit of the size is a complete subtree of the node's height: merging closes a parent.
    for (let s = size; s % 2 === 1; s = (s - 1) / 2) {
      node = nodeHash(peaks.pop()!, node);
      level++;
      nodes.push({ level, index: Math.floor(size / 2 ** level), hash: toHex(node) });
    }
    peaks.push(node);
    size++;
  }
  return nodes;
}

// Proof verification works on bigints so that sizes up to 2^53 - 1 need no 32-bit bit tricks.

function popCount(n: number): number {
  let c = 0;
  for (let s = n; s > 0; s = Math.floor(s / 2)) c += s % 2;
  return c;
}

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

/** Number of inner (below the border) and border hashes in an inclusion proof, as transparency-dev decompInclProof. */
function decompose(index: bigint, size: bigint): [number, number] {
  const inner = bitLength(index ^ (size - 1n));
  return [inner, onesCount(index >> BigInt(inner))];
}

function chainInner(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  proof.forEach((h, i) => {
    seed = ((index >> BigInt(i)) & 1n) === 0n ? hashChildren(seed, h) : hashChildren(h, seed);
  });
  return seed;
}

function chainInnerRight(seed: Uint8Array, proof: readonly Uint8Array[], index: bigint): Uint8Array {
  proof.forEach((h, i) => {
    if (((index >> BigInt(i)) & 1n) === 1n) seed = hashChildren(h, seed);
  });
  return seed;
}

function chainBorderRight(seed: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  for (const h of proof) seed = hashChildren(h, seed);
  return seed;
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function isCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/** The root implied by an inclusion proof, or null if the proof cannot be for that index and size (transparency-dev RootFromInclusionProof). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[] | null,
): Uint8Array | null {
  if (!isCount(index) || !isCount(size) || index >= size) return null;
  if (leafHash.length !== HASH_SIZE) return null;
  const path = proof ?? [];
  const [inner, border] = decompose(BigInt(index), BigInt(size));
  if (path.length !== inner + border) return null;
  const res = chainInner(leafHash, path.slice(0, inner), BigInt(index));
  return chainBorderRight(res, path.slice(inner));
}

/** Whether `proof` shows the leaf `leafHash` at `index` in the tree of `size` leaves with root `root` (RFC 9162 section 2.1.3.2). */
export function verifyInclusion(
  index: number,
  size: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[] | null,
  root: Uint8Array,
): boolean {
  const calc = rootFromInclusionProof(index, size, leafHash, proof);
  return calc !== null && bytesEqual(calc, root);
}

/** Whether `proof` shows the tree of size2 leaves (root2) extends the tree of size1 leaves (root1) (RFC 9162 section 2.1.4.2); size1 = 0 is always rejected. */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[] | null,
  root1: Uint8Array,
  root2: Uint8Array,
): boolean {
  const path = proof ?? [];
  if (!isCount(size1) || !isCount(size2) || size2 < size1) return false;
  // transparency-dev's convention: proving consistency with the empty tree is meaningless, even 0 -> 0.
  if (size1 === 0) return false;
  if (size1 === size2) return path.length === 0 && bytesEqual(root1, root2);
  if (path.length === 0) return false;

  const s1 = BigInt(size1);
  const [innerWithShift, border] = decompose(s1 - 1n, BigInt(size2));
  const shift = trailingZeros(s1);
  const inner = innerWithShift - shift;
  // The proof starts with the root of the size-2^shift subtree, unless size1 is itself that power of two.
  let seed = path[0]!;
  let start = 1;
  if (s1 === 1n << BigInt(shift)) {
    seed = root1;
    start = 0;
  }
  if (path.length !== start + inner + border) return false;
  const rest = path.slice(start);
  const mask = (s1 - 1n) >> BigInt(shift);

  let hash1 = chainInnerRight(seed, rest.slice(0, inner), mask);
  hash1 = chainBorderRight(hash1, rest.slice(inner));
  if (!bytesEqual(hash1, root1)) return false;

  let hash2 = chainInner(seed, rest.slice(0, inner), mask);
  hash2 = chainBorderRight(hash2, rest.slice(inner));
  return bytesEqual(hash2, root2);
}
