// Certificate Transparency's gossip, in one browser: for each commons it visits, the browser keeps the last signed
// checkpoint it saw (and pins the first public key this instance showed it). On each visit it asks for the latest
// checkpoint with a consistency proof from the saved size and checks, itself, the signature with the pinned key and
// the proof from the saved root to the new one. A server that rewrote or rolled back what this browser saw cannot
// pass; the saved checkpoint is then kept, never replaced by the one that failed.
import { ApiError, api } from '../api/client';
import type { ConsistencyAnswer } from '../api/types';
import { verifyCheckpoint, type SignedCheckpoint } from './checkpoint';
import { fromHex, verifyConsistency } from './consistency';

/** What the browser keeps for one commons: the last checkpoint that verified, and the key that signed it. */
export interface SavedCheckpoint {
  commons: string;
  size: number;
  root: string;
  time: string;
  signature: string;
  keyId: string;
  /** The instance's key pinned when this browser first saw it (SPKI PEM). */
  publicKey: string;
}

export type TrustFailure =
  /** The server's signed log is shorter than the one this browser saw. */
  | 'rollback'
  /** The server cannot prove that its log extends the one this browser saw (a rewritten history). */
  | 'fork'
  /** The server now shows a different key than the one this browser pinned. */
  | 'key'
  /** The latest checkpoint's signature does not verify with the pinned key. */
  | 'signature';

export type TrustResult =
  | { ok: true; size: number; first: boolean }
  /** `seen`: the size this browser saw before; `served`: the size the server shows now (null if unknown). */
  | { ok: false; failure: TrustFailure; seen: number; served: number | null }
  /** The check could not be made (offline, no such commons, storage or crypto unavailable): no verdict. */
  | { ok: null };

const PREFIX = 'peergov.checkpoint.';
const PIN = 'peergov.instanceKey';

function storage(): Storage | null {
  try {
    return typeof localStorage === 'undefined' ? null : localStorage;
  } catch {
    return null;
  }
}

const samePem = (a: string, b: string) => a.replace(/\s+/g, '') === b.replace(/\s+/g, '');

/** The checkpoint this browser saved for a commons, or null. */
export function savedCheckpoint(commonsId: string): SavedCheckpoint | null {
  try {
    const raw = storage()?.getItem(PREFIX + commonsId);
    if (!raw) return null;
    const v = JSON.parse(raw) as SavedCheckpoint;
    if (!Number.isSafeInteger(v.size) || v.size < 0 || typeof v.root !== 'string') return null;
    return v;
  } catch {
    return null;
  }
}

/** The instance key this browser pinned, or null. */
export function pinnedKey(): string | null {
  try {
    return storage()?.getItem(PIN) ?? null;
  } catch {
    return null;
  }
}

function save(commonsId: string, signed: SignedCheckpoint, publicKey: string): void {
  const cp = signed.checkpoint;
  const value: SavedCheckpoint = {
    commons: cp.commons,
    size: cp.size,
    root: cp.root,
    time: cp.time,
    signature: signed.signature,
    keyId: signed.keyId,
    publicKey,
  };
  try {
    storage()?.setItem(PREFIX + commonsId, JSON.stringify(value));
  } catch {
    // Storage full or refused: the next visit checks against the older checkpoint.
  }
}

async function servedSize(commonsId: string): Promise<number | null> {
  try {
    const r = await api.get(`/api/v1/commons/${encodeURIComponent(commonsId)}/log/checkpoint`);
    return typeof r.checkpoint?.size === 'number' ? r.checkpoint.size : null;
  } catch {
    return null;
  }
}

async function check(commonsId: string): Promise<TrustResult> {
  if (!storage() || typeof crypto === 'undefined' || !crypto.subtle) return { ok: null };
  const saved = savedCheckpoint(commonsId);
  const seen = saved?.size ?? 0;
  let answer: ConsistencyAnswer;
  try {
    answer = await api.get(`/api/v1/commons/${encodeURIComponent(commonsId)}/log/consistency?from=${seen}`);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'log_rollback')
      return { ok: false, failure: 'rollback', seen, served: await servedSize(commonsId) };
    // The server itself refuses the proof (its stored log does not match what it signed): what this browser saw
    // cannot be proved to be in the log it serves now.
    if (e instanceof ApiError && e.code === 'log_integrity' && seen > 0)
      return { ok: false, failure: 'fork', seen, served: await servedSize(commonsId) };
    return { ok: null };
  }
  const signed = answer.checkpoint;
  const served = signed?.checkpoint?.size;
  if (typeof served !== 'number') return { ok: null };

  // The key: the one pinned for this commons, else the instance's, else this first one (pinned now).
  const pinned = saved?.publicKey ?? pinnedKey();
  if (pinned && !samePem(pinned, answer.publicKey)) return { ok: false, failure: 'key', seen, served };
  const key = pinned ?? answer.publicKey;
  const signatureOk =
    signed.checkpoint.commons === commonsId && answer.to === served && (await verifyCheckpoint(signed, key));
  if (!signatureOk) return { ok: false, failure: 'signature', seen, served };

  if (saved) {
    if (served < saved.size) return { ok: false, failure: 'rollback', seen, served };
    if (saved.size > 0) {
      const root1 = fromHex(saved.root);
      const root2 = fromHex(signed.checkpoint.root);
      const proof = Array.isArray(answer.proof) ? answer.proof.map(fromHex) : [null];
      const consistent =
        answer.from === saved.size &&
        root1 !== null &&
        root2 !== null &&
        proof.every((h): h is Uint8Array => h !== null) &&
        (await verifyConsistency(saved.size, served, proof, root1, root2));
      if (!consistent) return { ok: false, failure: 'fork', seen, served };
    }
  }
  if (!pinnedKey()) {
    try {
      storage()?.setItem(PIN, key);
    } catch {
      // Not pinned: the next visit pins.
    }
  }
  save(commonsId, signed, key);
  return { ok: true, size: served, first: saved === null };
}

// One check at a time per commons, so that two visits never race to save.
const running = new Map<string, Promise<TrustResult>>();

/** Checks the server's latest signed checkpoint of a commons against what this browser saw before. */
export function checkLog(commonsId: string): Promise<TrustResult> {
  const before = running.get(commonsId) ?? Promise.resolve<TrustResult>({ ok: null });
  const next = before
    .catch(() => undefined)
    .then(() => check(commonsId).catch(() => ({ ok: null }) as const));
  running.set(commonsId, next);
  void next.finally(() => {
    if (running.get(commonsId) === next) running.delete(commonsId);
  });
  return next;
}
