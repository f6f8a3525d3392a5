// Signed checkpoints checked in the browser with WebCrypto (Ed25519), reproducing the kernel's log/checkpoint.ts:
// the signed message is "peergov checkpoint v1\n" followed by the canonical JSON (RFC 8785: keys sorted, no
// whitespace, JSON.stringify's strings and numbers) of the checkpoint's four fields.
import { bytesEqual, fromHex, toHex } from './consistency';

/** What a checkpoint states: the first `size` records of `commons` have Merkle root `root` (hex), as of `time`. */
export interface Checkpoint {
  commons: string;
  size: number;
  root: string;
  time: string;
}

/** A checkpoint with its Ed25519 signature (base64) and the signer's key id, as the API sends it. */
export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  signature: string;
  keyId: string;
}

const DOMAIN = 'peergov checkpoint v1\n';
const HEX_HASH = /^[0-9a-f]{64}$/;
// DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the raw 32-byte key follows.
const SPKI_ED25519_PREFIX = fromHex('302a300506032b6570032100')!;

/** The exact bytes an Ed25519 checkpoint signature covers (the kernel's checkpointMessage). */
export function checkpointMessage(cp: Checkpoint): Uint8Array {
  // Keys in UTF-16 order, as canonical JSON writes them: commons, root, size, time.
  const json = `{"commons":${JSON.stringify(cp.commons)},"root":${JSON.stringify(cp.root)},"size":${JSON.stringify(cp.size)},"time":${JSON.stringify(cp.time)}}`;
  return new TextEncoder().encode(DOMAIN + json);
}

/** The DER bytes of an SPKI PEM ("-----BEGIN PUBLIC KEY-----"), or null. */
export function pemToDer(pem: string): Uint8Array | null {
  const body = /-----BEGIN PUBLIC KEY-----([A-Za-z0-9+/=\s]+)-----END PUBLIC KEY-----/.exec(pem ?? '')?.[1];
  if (body === undefined) return null;
  try {
    const bin = atob(body.replace(/\s+/g, ''));
    return Uint8Array.from(bin, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The raw 32-byte Ed25519 public key inside an SPKI PEM, or null if the PEM is not an Ed25519 public key. */
export function rawEd25519Key(pem: string): Uint8Array | null {
  const der = pemToDer(pem);
  if (!der || der.length !== SPKI_ED25519_PREFIX.length + 32) return null;
  if (!bytesEqual(der.slice(0, SPKI_ED25519_PREFIX.length), SPKI_ED25519_PREFIX)) return null;
  return der.slice(SPKI_ED25519_PREFIX.length);
}

/** Key id of an Ed25519 public key: the first 16 hex digits of SHA-256 of the raw key (the kernel's keyIdOf). */
export async function keyIdOf(pem: string): Promise<string | null> {
  const raw = rawEd25519Key(pem);
  if (!raw) return null;
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', raw as BufferSource))).slice(0, 16);
}

function base64ToBytes(s: string): Uint8Array | null {
  if (typeof s !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return null;
  try {
    return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

function wellFormed(cp: Checkpoint): boolean {
  return (
    typeof cp === 'object' &&
    cp !== null &&
    typeof cp.commons === 'string' &&
    cp.commons !== '' &&
    Number.isSafeInteger(cp.size) &&
    cp.size >= 0 &&
    typeof cp.root === 'string' &&
    HEX_HASH.test(cp.root) &&
    typeof cp.time === 'string'
  );
}

/**
 * Whether `signed` carries a valid Ed25519 signature of its checkpoint by the SPKI PEM `publicKey`, with the key
 * id of that key. Never throws: a malformed checkpoint, key or signature, or a browser without Ed25519, is false.
 */
export async function verifyCheckpoint(signed: SignedCheckpoint, publicKey: string): Promise<boolean> {
  try {
    if (typeof signed !== 'object' || signed === null || !wellFormed(signed.checkpoint)) return false;
    const sig = base64ToBytes(signed.signature);
    if (!sig || sig.length !== 64) return false;
    const der = pemToDer(publicKey);
    if (!der || rawEd25519Key(publicKey) === null) return false;
    if (signed.keyId !== (await keyIdOf(publicKey))) return false;
    const key = await crypto.subtle.importKey('spki', der as BufferSource, { name: 'Ed25519' }, false, [
      'verify',
    ]);
    return await crypto.subtle.verify(
      { name: 'Ed25519' },
      key,
      sig as BufferSource,
      checkpointMessage(signed.checkpoint) as BufferSource,
    );
  } catch {
    return false;
  }
}
