import { createHash, createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  checkpointMessage,
  generateSigningKey,
  keyIdOf,
  signCheckpoint,
  verifyCheckpoint,
  type Checkpoint,
  type SignedCheckpoint,
} from '../src/log/index';

const seed = (n: number) => new Uint8Array(32).fill(n);
const cp: Checkpoint = { commons: 'c1', size: 3, root: 'ab'.repeat(32), time: '2026-01-01T00:00:00.000Z' };

describe('signing keys', () => {
  it('generates Ed25519 PEM key pairs with a 16-hex key id', () => {
    const k = generateSigningKey();
    expect(k.privateKey).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(k.publicKey).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    expect(createPublicKey(k.publicKey).asymmetricKeyType).toBe('ed25519');
    expect(k.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(keyIdOf(k.publicKey)).toBe(k.keyId);
    expect(keyIdOf(k.privateKey)).toBe(k.keyId);
    expect(generateSigningKey().keyId).not.toBe(k.keyId);
  });

  it('is deterministic from a seed, and matches the RFC 8032 test 1 public key', () => {
    // RFC 8032 section 7.1, TEST 1: this secret key gives this public key.
    const rfcSeed = Buffer.from('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60', 'hex');
    const k = generateSigningKey(rfcSeed);
    const raw = Buffer.from(createPublicKey(k.publicKey).export({ format: 'jwk' }).x as string, 'base64url');
    expect(raw.toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    expect(k.keyId).toBe(createHash('sha256').update(raw).digest('hex').slice(0, 16));
    expect(generateSigningKey(rfcSeed)).toEqual(k);
    expect(() => generateSigningKey(new Uint8Array(31))).toThrow(/32 bytes/);
  });
});

describe('signed checkpoints', () => {
  const key = generateSigningKey(seed(1));
  const other = generateSigningKey(seed(2));

  it('signs and verifies with PEM strings and KeyObjects', () => {
    const signed = signCheckpoint(cp, key.privateKey);
    expect(signed.keyId).toBe(key.keyId);
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(64);
    expect(verifyCheckpoint(signed, key.publicKey)).toBe(true);
    expect(verifyCheckpoint(signed, createPublicKey(key.publicKey))).toBe(true);
    const viaObject = signCheckpoint(cp, createPrivateKey(key.privateKey));
    expect(viaObject).toEqual(signed); // Ed25519 signatures are deterministic
    expect(signed.checkpoint).toEqual(cp);
  });

  it('signs only the four fields, behind a domain tag', () => {
    const withExtra = { ...cp, note: 'ignored' } as Checkpoint;
    const signed = signCheckpoint(withExtra, key.privateKey);
    expect(signed.checkpoint).toEqual(cp);
    expect(checkpointMessage(cp).toString('utf8')).toBe(
      'peergov checkpoint v1\n{"commons":"c1","root":"' +
        cp.root +
        '","size":3,"time":"2026-01-01T00:00:00.000Z"}',
    );
  });

  it('rejects every kind of tampering', () => {
    const signed = signCheckpoint(cp, key.privateKey);
    const tamper = (
      patch: Partial<SignedCheckpoint>,
      cpPatch: Partial<Checkpoint> = {},
    ): SignedCheckpoint => ({
      ...signed,
      ...patch,
      checkpoint: { ...signed.checkpoint, ...cpPatch },
    });
    expect(verifyCheckpoint(tamper({}, { size: 4 }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(tamper({}, { root: 'ac' + 'ab'.repeat(31) }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(tamper({}, { commons: 'c2' }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(tamper({}, { time: '2026-01-01T00:00:00.001Z' }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(tamper({ keyId: other.keyId }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(signed, other.publicKey)).toBe(false);
    // Re-signed by another key but presented under ours.
    expect(
      verifyCheckpoint({ ...signCheckpoint(cp, other.privateKey), keyId: key.keyId }, key.publicKey),
    ).toBe(false);
    // Every single-bit change of the signature.
    const sig = Buffer.from(signed.signature, 'base64');
    for (let bit = 0; bit < sig.length * 8; bit++) {
      const bad = Buffer.from(sig);
      bad[bit >> 3] = bad.readUInt8(bit >> 3) ^ (1 << (bit & 7));
      expect(verifyCheckpoint(tamper({ signature: bad.toString('base64') }), key.publicKey)).toBe(false);
    }
    // Non-canonical base64 that decodes to the same bytes, and garbage.
    const last = signed.signature.at(-3)!;
    const sibling = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    const idx = sibling.indexOf(last);
    const alt = signed.signature.slice(0, -3) + sibling[idx ^ 1] + '==';
    expect(Buffer.from(alt, 'base64')).toEqual(sig);
    expect(verifyCheckpoint(tamper({ signature: alt }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(tamper({ signature: signed.signature + ' ' }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(tamper({ signature: 'not base64!' }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(tamper({}, { size: -1 }), key.publicKey)).toBe(false);
    expect(verifyCheckpoint(null as unknown as SignedCheckpoint, key.publicKey)).toBe(false);
    expect(verifyCheckpoint(signed, 'not a key')).toBe(false);
  });

  it('refuses to sign malformed checkpoints or with the wrong kind of key', () => {
    expect(() => signCheckpoint({ ...cp, root: 'AB'.repeat(32) }, key.privateKey)).toThrow(
      /root must be 64 lower-case hex/,
    );
    expect(() => signCheckpoint({ ...cp, size: 1.5 }, key.privateKey)).toThrow(/size/);
    expect(() => signCheckpoint({ ...cp, time: 'now' }, key.privateKey)).toThrow(/time/);
    expect(() => signCheckpoint(cp, key.publicKey)).toThrow();
  });
});
