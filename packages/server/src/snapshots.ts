// Snapshots of a commons' state at a log position, so that a load reads one row and the records after it instead of
// every record and document. The snapshot is derived data in the store, where an operator can edit it: the server
// signs each one with the instance key (the commons, the log position with its Merkle frontier, the state version, a
// digest of the body) and uses it only if that signature and the digest check. A bad or foreign snapshot is ignored
// (the log is folded again), and the records after a good one are verified from its position, as those after a
// cached state are, up to the signed checkpoint of the head.

import { createHash, sign, verify, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { decodeState, encodeState, STATE_VERSION, type CommonsState } from '@peergov/kernel';
import { canonicalJson, type LogPosition } from '@peergov/kernel/log';
import type { LogHead, StoredSnapshot } from '@peergov/store';
import type { SigningKeys } from './keys';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

const FORMAT = 'peergov-state-snapshot';

/** What a snapshot's header says, all of it signed. */
interface SnapshotClaim {
  format: typeof FORMAT;
  /** The kernel's STATE_VERSION that encoded it. */
  version: number;
  commons: string;
  size: number;
  /** The hash of the last record folded in (64 zeros for none). */
  hash: string;
  /** The Merkle frontier of the log at `size`. */
  merkle: string[];
  /** SHA-256 (hex) of the body as stored (gzip of the encoded state). */
  digest: string;
  keyId: string;
}

interface SnapshotHeader extends SnapshotClaim {
  /** Ed25519 signature (base64) of the claim's canonical JSON, prefixed with the format name. */
  signature: string;
}

const message = (claim: SnapshotClaim) => Buffer.from(`${FORMAT}\n${canonicalJson(claim)}`);

/**
 * The snapshot of a state at its head, signed. The state is encoded before the first await, so that writes committed
 * meanwhile (which go into the published records in place) cannot mix into it: it is the state at `head`.
 */
export async function sealSnapshot(
  commonsId: string,
  state: CommonsState,
  head: LogHead,
  keys: SigningKeys,
): Promise<StoredSnapshot> {
  const text = encodeState(state);
  const claim: SnapshotClaim = {
    format: FORMAT,
    version: STATE_VERSION,
    commons: commonsId,
    size: head.size,
    hash: head.hash,
    merkle: [...head.merkle],
    digest: '',
    keyId: keys.keyId,
  };
  // Level 1: most of the gain for little time (in the thread pool, not on the event loop).
  const body = await gzipAsync(text, { level: 1 });
  claim.digest = createHash('sha256').update(body).digest('hex');
  const header: SnapshotHeader = {
    ...claim,
    signature: sign(null, message(claim), keys.privateKey).toString('base64'),
  };
  return { size: head.size, header: JSON.stringify(header), body };
}

/** A snapshot that checked: the state it holds and the log position it is of. */
export interface OpenedSnapshot {
  state: CommonsState;
  position: LogPosition;
}

/**
 * The state and position of a stored snapshot of `commonsId`, or why it cannot be used: another format or state
 * version (written by other code: not an attack), another commons or key, a signature or digest that does not check,
 * or a body that does not decode. Never throws.
 */
export async function openSnapshot(
  commonsId: string,
  stored: StoredSnapshot,
  publicKey: KeyObject,
  keyId: string,
): Promise<OpenedSnapshot | { unusable: string }> {
  let header: SnapshotHeader;
  try {
    header = JSON.parse(stored.header) as SnapshotHeader;
  } catch {
    return { unusable: 'its header is not JSON' };
  }
  if (typeof header !== 'object' || header === null) return { unusable: 'its header is not an object' };
  if (header.format !== FORMAT) return { unusable: 'it is not a state snapshot' };
  if (header.version !== STATE_VERSION)
    return { unusable: `it is of state version ${String(header.version)}, not ${STATE_VERSION}` };
  if (header.commons !== commonsId) return { unusable: 'it is of another commons' };
  if (header.keyId !== keyId) return { unusable: 'it was signed by another key' };
  const { signature, ...claim } = header;
  if (
    !Number.isSafeInteger(claim.size) ||
    claim.size !== stored.size ||
    typeof claim.hash !== 'string' ||
    !Array.isArray(claim.merkle) ||
    !claim.merkle.every((h) => typeof h === 'string') ||
    typeof claim.digest !== 'string' ||
    typeof signature !== 'string'
  )
    return { unusable: 'its header is malformed' };
  let signed = false;
  try {
    const sig = Buffer.from(signature, 'base64');
    signed = sig.length === 64 && verify(null, message(claim), publicKey, sig);
  } catch {
    signed = false;
  }
  if (!signed) return { unusable: 'its signature does not check' };
  if (createHash('sha256').update(stored.body).digest('hex') !== claim.digest)
    return { unusable: 'its body is not the one signed' };
  let state: CommonsState;
  try {
    state = decodeState((await gunzipAsync(stored.body)).toString('utf8'));
  } catch {
    return { unusable: 'its body does not decode' };
  }
  if (state.core.id !== commonsId) return { unusable: 'its state is of another commons' };
  return {
    state,
    position: { size: claim.size, hash: claim.hash, merkle: { size: claim.size, hashes: claim.merkle } },
  };
}
