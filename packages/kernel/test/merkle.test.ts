import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../methods/test/fixtures';
import {
  CompactMerkleTree,
  consistencyProof,
  emptyRoot,
  fromHex,
  hashChildren,
  hashLeaf,
  inclusionProof,
  merkleRoot,
  toHex,
  verifyConsistency,
  verifyInclusion,
} from '../src/log/index';
import { must, nth } from './must';

const vectors = JSON.parse(readFileSync(fixture('merkle', 'rfc6962-vectors.json'), 'utf8'));
const leafInputs: Uint8Array[] = vectors.leafInputsHex.map((h: string) => fromHex(h));
const leafHashes = leafInputs.map(hashLeaf);

function probes(kind: 'inclusion' | 'consistency'): { name: string; probe: Record<string, unknown> }[] {
  const dir = fixture('merkle', 'testdata', kind);
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith('.json')).sort();
  return files.map((f) => ({
    name: relative(dir, join(dir, f)),
    probe: JSON.parse(readFileSync(join(dir, f), 'utf8')),
  }));
}

const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
const b64List = (l: string[] | null): Uint8Array[] | null => (l === null ? null : l.map(b64));

describe('RFC 6962 hasher vectors', () => {
  it('matches every hasher vector byte for byte', () => {
    expect(vectors.hasherVectors).toHaveLength(4);
    for (const v of vectors.hasherVectors) {
      const inputs = (v.inputHex as string[]).map(fromHex);
      const got =
        v.function === 'EmptyRoot'
          ? emptyRoot()
          : v.function === 'HashLeaf'
            ? hashLeaf(nth(inputs, 0))
            : hashChildren(nth(inputs, 0), nth(inputs, 1));
      expect(toHex(got), v.desc).toBe(v.wantHex);
    }
  });

  it('gives the root of every size 0..8 (batch and incremental)', () => {
    const roots: string[] = vectors.rootHashesHexBySize.roots;
    expect(roots).toHaveLength(9);
    const tree = new CompactMerkleTree();
    expect(tree.rootHex()).toBe(nth(roots, 0));
    for (let n = 0; n <= 8; n++) {
      expect(toHex(merkleRoot(leafHashes.slice(0, n))), `size ${n}`).toBe(nth(roots, n));
      if (n > 0) {
        tree.append(nth(leafHashes, n - 1));
        expect(tree.rootHex(), `incremental size ${n}`).toBe(nth(roots, n));
      }
    }
  });

  it('matches the node hashes per level and the compact-tree hashes', () => {
    const levels: string[][] = vectors.nodeHashesHex.levels;
    nth(levels, 0).forEach((h, i) => expect(toHex(nth(leafHashes, i))).toBe(h));
    for (let level = 1; level < levels.length; level++) {
      const width = 2 ** level;
      nth(levels, level).forEach((h, i) =>
        expect(toHex(merkleRoot(leafHashes.slice(i * width, (i + 1) * width)))).toBe(h),
      );
    }
    const trees: string[][] = vectors.compactTreesHex.trees;
    for (let n = 0; n <= 8; n++) {
      const tree = new CompactMerkleTree();
      leafHashes.slice(0, n).forEach((h) => tree.append(h));
      expect(tree.state(), `compact tree ${n}`).toEqual({ size: n, hashes: trees[n] });
    }
  });
});

describe('transparency-dev inclusion probes', () => {
  const all = probes('inclusion');
  it('has all 98 probes (6 accepted, 92 rejected)', () => {
    expect(all).toHaveLength(98);
    expect(all.filter((p) => p.probe.wantErr === false)).toHaveLength(6);
  });
  it.each(all.map((p) => [p.name, p.probe] as const))('%s', (_name, p) => {
    const ok = verifyInclusion(
      p.leafIdx as number,
      p.treeSize as number,
      b64(p.leafHash as string),
      b64List(p.proof as string[] | null),
      b64(p.root as string),
    );
    expect(ok).toBe(!p.wantErr);
  });
});

describe('transparency-dev consistency probes', () => {
  const all = probes('consistency');
  it('has all 98 probes (6 accepted, 92 rejected)', () => {
    expect(all).toHaveLength(98);
    expect(all.filter((p) => p.probe.wantErr === false)).toHaveLength(6);
  });
  it.each(all.map((p) => [p.name, p.probe] as const))('%s', (_name, p) => {
    const ok = verifyConsistency(
      p.size1 as number,
      p.size2 as number,
      b64List(p.proof as string[] | null),
      b64(p.root1 as string),
      b64(p.root2 as string),
    );
    expect(ok).toBe(!p.wantErr);
  });
});

describe('proofs our tree generates', () => {
  // 70 leaves: several non-power-of-two shapes and trees of depth 7.
  const leaves = Array.from({ length: 70 }, (_, i) => hashLeaf(Buffer.from(`leaf ${i}`)));
  const roots = Array.from({ length: leaves.length + 1 }, (_, n) => merkleRoot(leaves.slice(0, n)));

  it('inclusion proofs verify for every index of every size, and fail when moved or altered', () => {
    for (let size = 1; size <= leaves.length; size++) {
      for (let i = 0; i < size; i++) {
        const proof = inclusionProof(leaves, i, size);
        expect(verifyInclusion(i, size, nth(leaves, i), proof, nth(roots, size))).toBe(true);
        expect(verifyInclusion(i, size, nth(leaves, (i + 1) % leaves.length), proof, nth(roots, size))).toBe(
          false,
        );
        if (size > 1)
          expect(verifyInclusion((i + 1) % size, size, nth(leaves, i), proof, nth(roots, size))).toBe(false);
        if (size < leaves.length)
          expect(verifyInclusion(i, size + 1, nth(leaves, i), proof, nth(roots, size + 1))).toBe(false);
        if (proof.length > 0) {
          const bent = proof.map((h) => Uint8Array.from(h));
          const last = nth(bent, bent.length - 1);
          last[0] = must(last[0]) ^ 1;
          expect(verifyInclusion(i, size, nth(leaves, i), bent, nth(roots, size))).toBe(false);
        }
      }
    }
  });

  it('matches the RFC 9162 example proofs for the 7-leaf tree (section 2.1.5)', () => {
    const d = leaves.slice(0, 7);
    const node = (a: number, b: number) => toHex(merkleRoot(d.slice(a, b)));
    expect(inclusionProof(d, 0, 7).map(toHex)).toEqual([node(1, 2), node(2, 4), node(4, 7)]);
    expect(inclusionProof(d, 3, 7).map(toHex)).toEqual([node(2, 3), node(0, 2), node(4, 7)]);
    expect(inclusionProof(d, 4, 7).map(toHex)).toEqual([node(5, 6), node(6, 7), node(0, 4)]);
    expect(inclusionProof(d, 6, 7).map(toHex)).toEqual([node(4, 6), node(0, 4)]);
    expect(consistencyProof(d, 3, 7).map(toHex)).toEqual([node(2, 3), node(3, 4), node(0, 2), node(4, 7)]);
    expect(consistencyProof(d, 4, 7).map(toHex)).toEqual([node(4, 7)]);
    expect(consistencyProof(d, 6, 7).map(toHex)).toEqual([node(4, 6), node(6, 7), node(0, 4)]);
  });

  it('consistency proofs verify for every pair of sizes, and fail for the wrong roots', () => {
    for (let size2 = 1; size2 <= 40; size2++) {
      for (let size1 = 1; size1 <= size2; size1++) {
        const proof = consistencyProof(leaves, size1, size2);
        expect(
          verifyConsistency(size1, size2, proof, nth(roots, size1), nth(roots, size2)),
          `${size1}->${size2}`,
        ).toBe(true);
        if (size1 < size2) {
          expect(verifyConsistency(size1, size2, proof, nth(roots, size1 - 1), nth(roots, size2))).toBe(
            false,
          );
          expect(verifyConsistency(size1, size2, proof, nth(roots, size1), nth(roots, size2 - 1))).toBe(
            false,
          );
          expect(verifyConsistency(size1, size2, proof.slice(1), nth(roots, size1), nth(roots, size2))).toBe(
            false,
          );
        }
      }
    }
  });

  it('refuses to build impossible proofs', () => {
    expect(() => consistencyProof(leaves, 0, 5)).toThrow(/meaningless/);
    expect(() => consistencyProof(leaves, 6, 5)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, 5, 5)).toThrow(RangeError);
    expect(() => inclusionProof(leaves, 0, 71)).toThrow(RangeError);
  });
});

describe('CompactMerkleTree', () => {
  it('saves and restores its state, and continues to the same roots', () => {
    const leaves = Array.from({ length: 300 }, (_, i) => hashLeaf(Buffer.from(String(i))));
    const tree = new CompactMerkleTree();
    for (let i = 0; i < leaves.length; i++) {
      tree.append(nth(leaves, i));
      if (i % 37 === 0) {
        const restored = CompactMerkleTree.fromState(JSON.parse(JSON.stringify(tree.state())));
        expect(restored.size).toBe(i + 1);
        expect(restored.rootHex()).toBe(tree.rootHex());
        restored.append(nth(leaves, 0));
        expect(restored.rootHex()).toBe(toHex(merkleRoot([...leaves.slice(0, i + 1), nth(leaves, 0)])));
        expect(tree.size).toBe(i + 1);
      }
    }
    expect(tree.rootHex()).toBe(toHex(merkleRoot(leaves)));
    const copy = tree.clone();
    copy.append(nth(leaves, 1));
    expect(tree.rootHex()).toBe(toHex(merkleRoot(leaves)));
  });

  it('rejects inconsistent states and malformed leaf hashes', () => {
    const h = 'ab'.repeat(32);
    expect(() => CompactMerkleTree.fromState({ size: 3, hashes: [h] })).toThrow(/needs 2 hashes/);
    expect(() => CompactMerkleTree.fromState({ size: 1, hashes: ['xyz'] })).toThrow(/malformed hash/);
    expect(() => CompactMerkleTree.fromState({ size: -1, hashes: [] })).toThrow(/invalid size/);
    expect(() => new CompactMerkleTree().append(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});
