// The browser's RFC 9162 consistency check (WebCrypto) against the kernel's proofs on random trees, and the
// browser's Ed25519 checkpoint check against the kernel's signatures. Runs in Node, which has crypto.subtle.
import {
  consistencyProof,
  generateSigningKey,
  hashLeaf as kernelLeaf,
  merkleRoot,
  signCheckpoint,
  verifyConsistency as kernelVerify,
  checkpointMessage as kernelMessage,
} from '@peergov/kernel/log';
import { describe, expect, test } from 'vitest';
import { checkpointMessage, keyIdOf, verifyCheckpoint } from './checkpoint';
import { fromHex, hashChildren, hashLeaf, toHex, verifyConsistency } from './consistency';

// A small deterministic PRNG (mulberry32), so that a failure can be reproduced.
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function leaves(n: number, seed: number): Uint8Array[] {
  const r = rng(seed);
  return Array.from({ length: n }, () =>
    kernelLeaf(Uint8Array.from({ length: 1 + Math.floor(r() * 40) }, () => Math.floor(r() * 256))),
  );
}

describe('hashing', () => {
  test('leaf and node hashes equal the kernel', async () => {
    const data = new TextEncoder().encode('peergov');
    expect(toHex(await hashLeaf(data))).toBe(toHex(kernelLeaf(data)));
    const [a, b] = leaves(2, 7) as [Uint8Array, Uint8Array];
    expect(toHex(await hashChildren(a, b))).toBe(toHex(merkleRoot([a, b])));
  });

  test('hex round-trips and rejects what is not hex', () => {
    expect(toHex(fromHex('00ff10Ab')!)).toBe('00ff10ab');
    expect(fromHex('abc')).toBeNull();
    expect(fromHex('zz')).toBeNull();
  });
});

describe('verifyConsistency (browser) against the kernel', () => {
  test('every pair of sizes of small trees', async () => {
    const all = leaves(17, 1);
    for (let n = 1; n <= all.length; n++) {
      const tree = all.slice(0, n);
      const root2 = merkleRoot(tree);
      for (let m = 1; m <= n; m++) {
        const proof = consistencyProof(tree, m, n);
        const root1 = merkleRoot(tree.slice(0, m));
        expect(await verifyConsistency(m, n, proof, root1, root2), `${m} -> ${n}`).toBe(true);
      }
    }
  });

  test('random trees: valid proofs pass, any change fails, exactly as the kernel says', async () => {
    const r = rng(42);
    for (let round = 0; round < 60; round++) {
      const n = 1 + Math.floor(r() * 300);
      const m = 1 + Math.floor(r() * n);
      const tree = leaves(n, 1000 + round);
      const proof = consistencyProof(tree, m, n);
      const root1 = merkleRoot(tree.slice(0, m));
      const root2 = merkleRoot(tree);
      expect(await verifyConsistency(m, n, proof, root1, root2), `${m} -> ${n}`).toBe(true);
      expect(kernelVerify(m, n, proof, root1, root2)).toBe(true);

      // A flipped bit anywhere in the proof or a root, a wrong size, a dropped or extra hash: rejected by both.
      const cases: [number, number, Uint8Array[], Uint8Array, Uint8Array][] = [];
      const flip = (h: Uint8Array) => {
        const c = Uint8Array.from(h);
        c[Math.floor(r() * c.length)]! ^= 1 << Math.floor(r() * 8);
        return c;
      };
      if (proof.length > 0) {
        const i = Math.floor(r() * proof.length);
        cases.push([m, n, proof.map((h, j) => (j === i ? flip(h) : h)), root1, root2]);
        cases.push([m, n, proof.slice(1), root1, root2]);
      }
      cases.push([m, n, [...proof, proof[0] ?? root1], root1, root2]);
      cases.push([m, n, proof, flip(root1), root2]);
      cases.push([m, n, proof, root1, flip(root2)]);
      if (m < n) cases.push([m + 1, n, proof, root1, root2]);
      if (m > 1) cases.push([m - 1, n, proof, root1, root2]);
      cases.push([m, n + 1, proof, root1, root2]);
      for (const [a, b, p, r1, r2] of cases) {
        const expected = kernelVerify(a, b, p, r1, r2);
        expect(await verifyConsistency(a, b, p, r1, r2), `${a} -> ${b} (kernel: ${expected})`).toBe(expected);
      }
    }
  });

  test('a different history of the same size does not verify', async () => {
    const a = leaves(20, 5);
    const b = [...a.slice(0, 7), ...leaves(13, 6)];
    const proof = consistencyProof(b, 10, 20);
    expect(await verifyConsistency(10, 20, proof, merkleRoot(a.slice(0, 10)), merkleRoot(b))).toBe(false);
  });

  test('edge cases: size 0, equal sizes, shrinking', async () => {
    const t = leaves(8, 9);
    const root = merkleRoot(t);
    expect(await verifyConsistency(0, 8, [], merkleRoot([]), root)).toBe(false);
    expect(await verifyConsistency(8, 8, [], root, root)).toBe(true);
    expect(await verifyConsistency(8, 8, [root], root, root)).toBe(false);
    expect(await verifyConsistency(8, 4, [], root, merkleRoot(t.slice(0, 4)))).toBe(false);
    expect(await verifyConsistency(4, 8, [], merkleRoot(t.slice(0, 4)), root)).toBe(false);
    expect(await verifyConsistency(4, 8, null, merkleRoot(t.slice(0, 4)), root)).toBe(false);
  });
});

describe('checkpoints (browser) against the kernel', () => {
  const keys = generateSigningKey(new Uint8Array(32).fill(3));
  const other = generateSigningKey(new Uint8Array(32).fill(4));
  const cp = {
    commons: 'riverside-garden',
    size: 12,
    root: toHex(merkleRoot(leaves(12, 11))),
    time: '2025-03-01T10:00:00.000Z',
  };
  const signed = signCheckpoint(cp, keys.privateKey);

  test('the signed message is the kernel one, byte for byte', () => {
    expect(new TextDecoder().decode(checkpointMessage(cp))).toBe(kernelMessage(cp).toString('utf8'));
    const odd = { commons: 'é "quoted" \u2028', size: 0, root: cp.root, time: cp.time };
    expect(new TextDecoder().decode(checkpointMessage(odd))).toBe(kernelMessage(odd).toString('utf8'));
  });

  test('key ids equal the kernel ones', async () => {
    expect(await keyIdOf(keys.publicKey)).toBe(keys.keyId);
    expect(await keyIdOf('not a key')).toBeNull();
  });

  test('a kernel signature verifies with its key, not with another or once anything changed', async () => {
    expect(await verifyCheckpoint(signed, keys.publicKey)).toBe(true);
    expect(await verifyCheckpoint(signed, other.publicKey)).toBe(false);
    expect(await verifyCheckpoint({ ...signed, keyId: other.keyId }, other.publicKey)).toBe(false);
    for (const change of [
      { size: 13 },
      { root: toHex(merkleRoot(leaves(12, 12))) },
      { commons: 'elsewhere' },
      { time: '2025-03-01T10:00:01.000Z' },
    ]) {
      expect(await verifyCheckpoint({ ...signed, checkpoint: { ...cp, ...change } }, keys.publicKey)).toBe(
        false,
      );
    }
    const sig = Uint8Array.from(atob(signed.signature), (c) => c.charCodeAt(0));
    sig[5]! ^= 1;
    const bad = btoa(String.fromCharCode(...sig));
    expect(await verifyCheckpoint({ ...signed, signature: bad }, keys.publicKey)).toBe(false);
    expect(await verifyCheckpoint({ ...signed, signature: 'xyz' }, keys.publicKey)).toBe(false);
    expect(await verifyCheckpoint(signed, 'garbage')).toBe(false);
  });
});
