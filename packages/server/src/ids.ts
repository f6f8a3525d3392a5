import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function random(n: number): string {
  const bytes = randomBytes(n);
  let s = '';
  for (const b of bytes) s += ALPHABET[b & 31];
  return s;
}

let last = 0;
let counter = 0;

/** A new id that sorts by creation time within this process (prefix + time + counter + randomness). */
export function newId(prefix: string): string {
  const now = Date.now();
  counter = now === last ? counter + 1 : 0;
  last = now;
  return `${prefix}${now.toString(32).padStart(9, '0')}${counter.toString(32).padStart(3, '0')}${random(6)}`;
}

/** A secret token (URL-safe), e.g. for sessions and API tokens. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
