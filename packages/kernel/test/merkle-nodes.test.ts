// Proofs from stored Merkle nodes (complete subtrees) against proofs from all the leaves: the same bytes, from
// O(log n) nodes, and the nodes an append completes are exactly the complete subtrees of the grown tree.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CompactMerkleTree,
  completedNodes,
  consistencyProof,
  consistencyProofFromNodes,
  consistencyProofNodeKeys,
  emptyRoot,
  frontierFromNodes,
  hashLeaf,
  inclusionProof,
  inclusionProofFromNodes,
  inclusionProofNodeKeys,
  merkleRoot,
  nodeSourceOf,
  rootFromNodes,
  rootNodeKeys,
  toHex,
  verifyConsistency,
  verifyInclusion,
  type MerkleNode,
  type MerkleNodeSource,
} from '../src/log/index';

const leaf = (i: number) => hashLeaf(new TextEncoder().encode(`leaf ${i}`));
const leavesOf = (n: number) => Array.from({ length: n }, (_, i) => leaf(i));

/** Every complete subtree of the leaves, computed directly: node (l, i) is MTH of leaves [i 2^l, (i + 1) 2^l). */
function allNodes(leaves: readonly Uint8Array[]): MerkleNode[] {
  const nodes: MerkleNode[] = [];
  for (let level = 0; 2 ** level <= leaves.length; level++) {
    const width = 2 ** level;
    for (let index = 0; (index + 1) * width <= leaves.length; index++) {
      nodes.push({ level, index, hash: toHex(merkleRoot(leaves.slice(index * width, (index + 1) * width))) });
    }
  }
  return nodes;
}

/** Nodes written append by append, as the write path does, for leaves added in batches of the given sizes. */
function nodesByAppends(leaves: readonly Uint8Array[], batches: readonly number[]): MerkleNode[] {
  const tree = new CompactMerkleTree();
  const nodes: MerkleNode[] = [];
  let at = 0;
  for (const b of [...batches, leaves.length]) {
    const batch = leaves.slice(at, Math.min(leaves.length, at + b));
    nodes.push(...completedNodes(tree.state(), batch));
    for (const h of batch) tree.append(h);
    at += batch.length;
    if (at >= leaves.length) break;
  }
  return nodes;
}

const sortKey = (n: MerkleNode) => `${String(n.level).padStart(3, '0')}:${String(n.index).padStart(12, '0')}`;
const sorted = (nodes: readonly MerkleNode[]) =>
  [...nodes].sort((a, b) => sortKey(a).localeCompare(sortKey(b)));

/** A source that counts what it is asked for. */
function counting(nodes: readonly MerkleNode[]): { source: MerkleNodeSource; asked: () => number } {
  const inner = nodeSourceOf(nodes);
  let asked = 0;
  return {
    source: (level, index) => {
      asked++;
      return inner(level, index);
    },
    asked: () => asked,
  };
}

const hexes = (proof: readonly Uint8Array[]) => proof.map(toHex);

describe('completedNodes', () => {
  it('the nodes appends complete are every complete subtree, once, with its hash', () => {
    for (const n of [0, 1, 2, 3, 5, 8, 13, 64, 100]) {
      const leaves = leavesOf(n);
      const expected = sorted(allNodes(leaves));
      expect(sorted(nodesByAppends(leaves, [n]))).toEqual(expected);
      expect(sorted(nodesByAppends(leaves, [1, 1, 1, 1, 1, 1, 1]))).toEqual(expected);
      expect(sorted(nodesByAppends(leaves, [3, 7, 2]))).toEqual(expected);
    }
  });

  it('writes about two nodes per leaf', () => {
    expect(completedNodes({ size: 0, hashes: [] }, leavesOf(1024))).toHaveLength(2047);
  });

  it('refuses a frontier that is not a compact tree state, and a leaf that is not 32 bytes', () => {
    expect(() => completedNodes({ size: 3, hashes: [] }, [leaf(0)])).toThrow(/needs 2 hashes/);
    expect(() => completedNodes({ size: 0, hashes: [] }, [new Uint8Array(31)])).toThrow(/32 bytes/);
  });
});

describe('proofs from stored nodes', () => {
  it('roots and frontiers of every size from the nodes', () => {
    const leaves = leavesOf(70);
    const source = nodeSourceOf(allNodes(leaves));
    expect(rootFromNodes(0, source)).toEqual(emptyRoot());
    for (let n = 1; n <= leaves.length; n++) {
      const tree = new CompactMerkleTree();
      for (const h of leaves.slice(0, n)) tree.append(h);
      expect(toHex(rootFromNodes(n, source))).toBe(tree.rootHex());
      expect(frontierFromNodes(n, source)).toEqual(tree.state());
      expect(rootNodeKeys(n)).toHaveLength(tree.state().hashes.length);
    }
  });

  it('equal the proofs from all the leaves for every index and pair of sizes up to 40', () => {
    const leaves = leavesOf(40);
    const source = nodeSourceOf(allNodes(leaves));
    for (let n = 1; n <= leaves.length; n++) {
      for (let i = 0; i < n; i++) {
        expect(hexes(inclusionProofFromNodes(i, n, source)), `inclusion ${i} in ${n}`).toEqual(
          hexes(inclusionProof(leaves, i, n)),
        );
      }
      for (let m = 1; m <= n; m++) {
        expect(hexes(consistencyProofFromNodes(m, n, source)), `consistency ${m} -> ${n}`).toEqual(
          hexes(consistencyProof(leaves, m, n)),
        );
      }
    }
  });

  it('property: equal the all-leaves proofs for random sizes, indices and earlier sizes, from O(log n) nodes', () => {
    const leaves = leavesOf(3000);
    const nodes = allNodes(leaves);
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: leaves.length })
          .chain((n) =>
            fc.tuple(fc.constant(n), fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 1, max: n })),
          ),
        ([n, i, m]) => {
          const bound = 2 * Math.ceil(Math.log2(n + 1)) + 2;
          const incl = counting(nodes);
          const proof = inclusionProofFromNodes(i, n, incl.source);
          expect(hexes(proof)).toEqual(hexes(inclusionProof(leaves, i, n)));
          expect(incl.asked()).toBeLessThanOrEqual(bound);
          expect(inclusionProofNodeKeys(i, n).length).toBeLessThanOrEqual(bound);
          const root = rootFromNodes(n, incl.source);
          expect(verifyInclusion(i, n, leaves[i]!, proof, root)).toBe(true);

          const cons = counting(nodes);
          const cproof = consistencyProofFromNodes(m, n, cons.source);
          expect(hexes(cproof)).toEqual(hexes(consistencyProof(leaves, m, n)));
          expect(cons.asked()).toBeLessThanOrEqual(2 * bound);
          expect(consistencyProofNodeKeys(m, n).length).toBeLessThanOrEqual(2 * bound);
          expect(verifyConsistency(m, n, cproof, rootFromNodes(m, cons.source), root)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('the keys a proof names are exactly the nodes it reads: a source of only those gives the same proof', () => {
    const leaves = leavesOf(1000);
    const nodes = allNodes(leaves);
    const byKey = new Map(nodes.map((n) => [`${n.level}:${n.index}`, n]));
    const only = (keys: { level: number; index: number }[]) =>
      nodeSourceOf(keys.map((k) => byKey.get(`${k.level}:${k.index}`)!));
    for (const [i, n] of [
      [0, 1000],
      [999, 1000],
      [511, 513],
      [700, 777],
    ] as const) {
      expect(hexes(inclusionProofFromNodes(i, n, only(inclusionProofNodeKeys(i, n))))).toEqual(
        hexes(inclusionProof(leaves, i, n)),
      );
    }
    for (const [m, n] of [
      [1, 1000],
      [999, 1000],
      [512, 1000],
      [333, 777],
    ] as const) {
      expect(hexes(consistencyProofFromNodes(m, n, only(consistencyProofNodeKeys(m, n))))).toEqual(
        hexes(consistencyProof(leaves, m, n)),
      );
    }
  });

  it('a missing or malformed node is a clear error, and bounds are checked as for leaves', () => {
    const nodes = allNodes(leavesOf(8)).filter((n) => !(n.level === 2 && n.index === 1));
    expect(() => inclusionProofFromNodes(0, 8, nodeSourceOf(nodes))).toThrow(
      /node \(level 2, index 1\) is not stored/,
    );
    expect(() => rootFromNodes(1, nodeSourceOf([{ level: 0, index: 0, hash: 'zz' }]))).toThrow(/not a hash/);
    const source = nodeSourceOf(allNodes(leavesOf(8)));
    expect(() => inclusionProofFromNodes(8, 8, source)).toThrow(RangeError);
    expect(() => consistencyProofFromNodes(0, 8, source)).toThrow(/empty tree/);
    expect(() => consistencyProofFromNodes(9, 8, source)).toThrow(RangeError);
  });

  it('handles sizes far beyond what is stored here without overflow (keys only)', () => {
    const n = 2 ** 40 + 12345;
    const keys = inclusionProofNodeKeys(2 ** 39 + 7, n);
    expect(keys.length).toBeLessThanOrEqual(2 * 41);
    for (const k of keys) expect((k.index + 1) * 2 ** k.level).toBeLessThanOrEqual(n);
    const ckeys = consistencyProofNodeKeys(2 ** 33 + 1, n);
    expect(ckeys.length).toBeLessThanOrEqual(4 * 41);
    for (const k of ckeys) expect((k.index + 1) * 2 ** k.level).toBeLessThanOrEqual(n);
  });
});
