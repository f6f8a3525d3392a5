// The browser's decision on each visit (log/trust.ts), with the API answered here from kernel-made trees and
// signatures, and localStorage kept in a Map: what passes is saved, what fails is reported and never saved.
import {
  consistencyProof,
  generateSigningKey,
  hashLeaf,
  merkleRoot,
  signCheckpoint,
  toHex,
} from '@peergov/kernel/log';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { checkLog, pinnedKey, savedCheckpoint } from './trust';

const ID = 'garden';
const key = generateSigningKey(new Uint8Array(32).fill(1));
const otherKey = generateSigningKey(new Uint8Array(32).fill(2));
const leaves = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => hashLeaf(new TextEncoder().encode(`${tag}${i}`)));

/** What the server serves: a tree (its leaves), the key it signs with and the key it shows. */
let served: { leaves: Uint8Array[]; sign: string; show: string; rollback?: boolean; integrity?: boolean };

function answer(url: string): Response {
  const u = new URL(url, 'http://x');
  const n = served.leaves.length;
  const checkpoint = signCheckpoint(
    { commons: ID, size: n, root: toHex(merkleRoot(served.leaves)), time: '2025-01-01T00:00:00.000Z' },
    served.sign,
  );
  const json = (status: number, body: unknown, type = 'application/json') =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': type } });
  if (u.pathname.endsWith('/log/checkpoint')) return json(200, { ...checkpoint, publicKey: served.show });
  const from = Number(u.searchParams.get('from'));
  if (from > n || served.rollback)
    return json(409, { code: 'log_rollback', detail: 'shorter' }, 'application/problem+json');
  if (served.integrity)
    return json(409, { code: 'log_integrity', detail: 'no proof is served' }, 'application/problem+json');
  const proof = from > 0 && from < n ? consistencyProof(served.leaves, from, n).map(toHex) : [];
  return json(200, { from, to: n, proof, checkpoint, publicKey: served.show });
}

beforeEach(() => {
  const store = new Map<string, string>();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => store.get(k) ?? null,
    setItem: (k: string, v: string) => void store.set(k, v),
    removeItem: (k: string) => void store.delete(k),
  });
  vi.stubGlobal('fetch', async (url: string) => answer(url));
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('checkLog', () => {
  test('the first visit pins the key and saves; a grown log that extends it passes and is saved', async () => {
    const history = leaves('a', 40);
    served = { leaves: history.slice(0, 7), sign: key.privateKey, show: key.publicKey };
    expect(await checkLog(ID)).toEqual({ ok: true, size: 7, first: true });
    expect(pinnedKey()).toBe(key.publicKey);
    expect(savedCheckpoint(ID)?.size).toBe(7);
    for (const n of [7, 8, 16, 40]) {
      served = { ...served, leaves: history.slice(0, n) };
      expect(await checkLog(ID)).toEqual({ ok: true, size: n, first: false });
      expect(savedCheckpoint(ID)?.size).toBe(n);
    }
  });

  test('a shorter log, a rewritten one, a changed key or a bad signature fails and keeps the saved checkpoint', async () => {
    const history = leaves('a', 30);
    served = { leaves: history.slice(0, 12), sign: key.privateKey, show: key.publicKey };
    await checkLog(ID);
    const before = savedCheckpoint(ID);
    const cases: [typeof served, string, number | null][] = [
      [{ ...served, leaves: history.slice(0, 5) }, 'rollback', 5],
      [{ ...served, rollback: true }, 'rollback', 12],
      [{ ...served, leaves: [...history.slice(0, 11), ...leaves('b', 10)] }, 'fork', 21],
      [{ ...served, leaves: [...history.slice(0, 11), ...leaves('b', 1)] }, 'fork', 12],
      [{ ...served, leaves: history.slice(0, 20), integrity: true }, 'fork', 20],
      [{ ...served, sign: otherKey.privateKey, show: otherKey.publicKey }, 'key', 12],
      [{ ...served, leaves: history.slice(0, 20), sign: otherKey.privateKey }, 'signature', 20],
    ];
    for (const [s, failure, size] of cases) {
      served = s;
      expect(await checkLog(ID), failure).toEqual({ ok: false, failure, seen: 12, served: size });
      expect(savedCheckpoint(ID)).toEqual(before);
    }
    // The honest log again: it passes.
    served = { leaves: history, sign: key.privateKey, show: key.publicKey };
    expect(await checkLog(ID)).toEqual({ ok: true, size: 30, first: false });
  });

  test('no verdict when the server cannot be reached', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('offline');
    });
    expect(await checkLog(ID)).toEqual({ ok: null });
    expect(savedCheckpoint(ID)).toBeNull();
  });
});
