/**
 * Signed checkpoints: a commons' log size and Merkle root at a time, signed with Ed25519. The signed message is
 * the domain tag below followed by the canonical JSON of the checkpoint's four fields, so a signature over a
 * checkpoint can never be mistaken for a signature over anything else.
 */
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { canonicalJson } from './canonical-json';
import { isIsoTime } from './record';

/** What a checkpoint states: the first `size` records of `commons` have Merkle root `root` (hex), as of `time`. */
export interface Checkpoint {
  commons: string;
  size: number;
  root: string;
  time: string;
}

/** A checkpoint with its Ed25519 signature (base64) and the signer's key id. */
export interface SignedCheckpoint {
  checkpoint: Checkpoint;
  signature: string;
  keyId: string;
}

/** An Ed25519 key pair as PEM (PKCS#8 private, SPKI public) with its key id. */
export interface SigningKeyPair {
  privateKey: string;
  publicKey: string;
  keyId: string;
}

const DOMAIN = 'peergov checkpoint v1\n';
const HEX_HASH = /^[0-9a-f]{64}$/;
// PKCS#8 DER header of an Ed25519 private key (RFC 8410); the 32-byte seed follows.
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

function checkCheckpoint(cp: Checkpoint): string | null {
  if (typeof cp !== 'object' || cp === null) return 'checkpoint is not an object';
  if (typeof cp.commons !== 'string' || cp.commons === '') return 'commons must be a non-empty string';
  if (!Number.isSafeInteger(cp.size) || cp.size < 0) return 'size must be a non-negative integer';
  if (typeof cp.root !== 'string' || !HEX_HASH.test(cp.root)) return 'root must be 64 lower-case hex digits';
  if (!isIsoTime(cp.time)) return 'time must be an ISO 8601 date-time';
  return null;
}

/** The exact bytes an Ed25519 checkpoint signature covers: a domain tag and the canonical JSON of the four fields. */
export function checkpointMessage(cp: Checkpoint): Buffer {
  const { commons, size, root, time } = cp;
  return Buffer.from(DOMAIN + canonicalJson({ commons, size, root, time }), 'utf8');
}

function asPrivateKey(key: KeyObject | string): KeyObject {
  const k = typeof key === 'string' ? createPrivateKey(key) : key;
  if (k.type !== 'private' || k.asymmetricKeyType !== 'ed25519')
    throw new Error('checkpoint signing needs an Ed25519 private key');
  return k;
}

function asPublicKey(key: KeyObject | string): KeyObject {
  // createPublicKey also accepts a private key (PEM or KeyObject) and derives its public half.
  const k = typeof key === 'string' || key.type === 'private' ? createPublicKey(key) : key;
  if (k.asymmetricKeyType !== 'ed25519') throw new Error('checkpoint verification needs an Ed25519 key');
  return k;
}

/** The key ids of KeyObjects already seen (see keyIdOf). */
const keyIds = new WeakMap<KeyObject, string>();

/** Key id of an Ed25519 key (public, or private whose public half is used): first 16 hex of SHA-256 of the raw 32-byte public key. */
export function keyIdOf(key: KeyObject | string): string {
  // A KeyObject never changes: its id is computed once (deriving and exporting the public key costs about as much
  // as a tenth of a signature, on every checkpoint signed or verified).
  const known = typeof key === 'string' ? undefined : keyIds.get(key);
  if (known !== undefined) return known;
  const jwk = asPublicKey(key).export({ format: 'jwk' });
  const id = hash('sha256', Buffer.from(jwk.x as string, 'base64url'), 'hex').slice(0, 16);
  if (typeof key !== 'string') keyIds.set(key, id);
  return id;
}

/** Signs a checkpoint with an Ed25519 private key (KeyObject or PKCS#8 PEM); throws if the checkpoint is malformed. */
export function signCheckpoint(cp: Checkpoint, privateKey: KeyObject | string): SignedCheckpoint {
  const problem = checkCheckpoint(cp);
  if (problem) throw new Error(`signCheckpoint: ${problem}`);
  const key = asPrivateKey(privateKey);
  const { commons, size, root, time } = cp;
  const signature = sign(null, checkpointMessage(cp), key).toString('base64');
  return { checkpoint: { commons, size, root, time }, signature, keyId: keyIdOf(key) };
}

/** Whether the signature is a valid Ed25519 signature of the checkpoint by `publicKey` and the key id matches; never throws on malformed input. */
export function verifyCheckpoint(signed: SignedCheckpoint, publicKey: KeyObject | string): boolean {
  try {
    if (typeof signed !== 'object' || signed === null) return false;
    if (checkCheckpoint(signed.checkpoint) !== null) return false;
    if (typeof signed.signature !== 'string') return false;
    const sig = Buffer.from(signed.signature, 'base64');
    // Buffer.from ignores stray characters and padding bits: insist on the one canonical encoding.
    if (sig.length !== 64 || sig.toString('base64') !== signed.signature) return false;
    const key = asPublicKey(publicKey);
    if (signed.keyId !== keyIdOf(key)) return false;
    return verify(null, checkpointMessage(signed.checkpoint), key, sig);
  } catch {
    return false;
  }
}

/**
 * A new Ed25519 key pair as PEM strings. Without a seed it draws randomness from node:crypto (the one impure
 * function here, meant for the server's first start); with a 32-byte seed it is deterministic. Does no I/O.
 */
export function generateSigningKey(seed?: Uint8Array): SigningKeyPair {
  let priv: KeyObject;
  if (seed === undefined) {
    priv = generateKeyPairSync('ed25519').privateKey;
  } else {
    if (seed.length !== 32) throw new Error(`generateSigningKey: seed must be 32 bytes, got ${seed.length}`);
    priv = createPrivateKey({
      key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
      format: 'der',
      type: 'pkcs8',
    });
  }
  const pub = createPublicKey(priv);
  return {
    privateKey: priv.export({ format: 'pem', type: 'pkcs8' }) as string,
    publicKey: pub.export({ format: 'pem', type: 'spki' }) as string,
    keyId: keyIdOf(pub),
  };
}
