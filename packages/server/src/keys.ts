import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateSigningKey, keyIdOf } from '@peergov/kernel/log';

/** The Ed25519 key that signs log checkpoints. */
export interface SigningKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  keyId: string;
}

/** Loads the signing key from the data directory, creating it (mode 0600) on first start. */
export function loadSigningKeys(dataDir: string): SigningKeys {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'signing-key.pem');
  if (!existsSync(file)) {
    const generated = generateSigningKey();
    writeFileSync(file, generated.privateKey, { mode: 0o600 });
  }
  const privateKey = createPrivateKey(readFileSync(file, 'utf8'));
  const publicKey = createPublicKey(privateKey);
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey, publicKey, publicKeyPem, keyId: keyIdOf(publicKey) };
}
