// What `peergov verify` does (its options are in verify.ts): loaded only when it runs. Imports the log checks from
// the server's log-service module itself, not the package index, which would load fastify and both stores.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignedCheckpoint } from '@peergov/kernel/log';
import { LogService, parseSavedCheckpoint, type VerifyResult } from '../../../server/src/log-service';
import { dataDirOf, openExistingFromOptions } from './store-options';
import type { KeyOptions, VerifyOptions } from './verify';

/**
 * The public key that checks checkpoints: --public-key (a PEM public key, or a private key whose public half is
 * used), else the signing key in the data dir, with a warning on standard error: whoever can edit the database
 * can usually read that key too, so only a key obtained elsewhere makes the check independent.
 */
export function loadPublicKey(o: KeyOptions, warn: (line: string) => void = () => {}): KeyObject {
  const file = o.publicKey ?? join(dataDirOf(o), 'signing-key.pem');
  if (!existsSync(file)) {
    throw new Error(
      `no key at ${file}: give --public-key <pem file> or the --data-dir that holds signing-key.pem`,
    );
  }
  if (o.publicKey === undefined) {
    warn(
      `note: checking with the signing key beside the database (${file}); whoever can edit the database may hold ` +
        'it too: for an independent check pass --public-key (from `peergov export --public-key-out`) and --checkpoint',
    );
  }
  try {
    return createPublicKey(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file} is not a PEM Ed25519 key (${(e as Error).message})`);
  }
}

/** A saved checkpoint file, read and parsed, with a clear error naming the file. */
export function loadSavedCheckpoint(file: string): SignedCheckpoint {
  if (!existsSync(file)) throw new Error(`no saved checkpoint at ${file}`);
  try {
    return parseSavedCheckpoint(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as Error).message}`);
  }
}

/** One line that says which check failed: `record 7: ...`, `checkpoint: ...`, `head: ...`, `document ...`. */
export function describeFailure(r: Extract<VerifyResult, { ok: false }>): string {
  if (r.where === 'record' && r.seq !== null) {
    return r.reason.startsWith(`record ${r.seq} `) ? r.reason : `record ${r.seq}: ${r.reason}`;
  }
  return r.reason;
}

/** `peergov verify`: recomputes every log; exit 1 naming the first fault and where it is. */
export async function verify(o: VerifyOptions): Promise<void> {
  const key = loadPublicKey(o, (line) => console.error(line));
  const saved = o.checkpoint === undefined ? undefined : loadSavedCheckpoint(o.checkpoint);
  if (saved && o.commons && saved.checkpoint.commons !== o.commons) {
    throw new Error(`the saved checkpoint is for commons ${saved.checkpoint.commons}, not ${o.commons}`);
  }
  const only = o.commons ?? saved?.checkpoint.commons;
  const store = await openExistingFromOptions(o);
  let bad = 0;
  let ids: string[] = [];
  try {
    ids = only ? [only] : await store.listCommonsIds();
    // The server's streaming verify: the log read a chunk at a time, never the whole of it in memory.
    const logs = new LogService(store, key);
    for (const id of ids) {
      if (!(await store.head(id))) {
        if (only) throw new Error(`there is no commons ${id}`);
        continue;
      }
      const r = await logs.verify(id, { saved, docs: o.docs });
      if (r.ok) {
        const extends_ = r.consistency
          ? `; extends the saved checkpoint of ${r.consistency.fromSize} records (consistency proof of ${r.consistency.proof.length} hashes)`
          : saved
            ? `; matches the saved checkpoint of ${saved.checkpoint.size} records`
            : '';
        const docs = r.docsNotCompared ? `; documents not compared: ${r.docsNotCompared}` : '';
        console.log(`ok    ${id}: ${r.size} records, root ${r.root}${extends_}${docs}`);
      } else {
        bad += 1;
        console.log(`FAIL  ${id}: ${describeFailure(r)}`);
      }
    }
    console.log(
      bad === 0 ? `verified ${ids.length} log(s)` : `${bad} of ${ids.length} log(s) failed verification`,
    );
  } finally {
    await store.close();
  }
  if (bad > 0) process.exitCode = 1;
}
