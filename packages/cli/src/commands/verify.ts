import { createPublicKey, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { verifyStored } from '@peergov/server';
import { dataDirOf, openFromOptions, storeOptions, type StoreOptions } from './store-options';

/** The public key that checks checkpoints: --public-key, or the one beside the signing key in the data dir. */
export function loadPublicKey(o: StoreOptions & { publicKey?: string }): KeyObject {
  const file = o.publicKey ?? join(dataDirOf(o), 'signing-key.pem');
  if (!existsSync(file)) {
    throw new Error(
      `no key at ${file}: give --public-key <pem file> or the --data-dir that holds signing-key.pem`,
    );
  }
  return createPublicKey(readFileSync(file, 'utf8'));
}

/** `peergov verify`: recomputes every log; exit 1 naming the first bad record. */
export function registerVerify(program: Command): void {
  storeOptions(
    program
      .command('verify')
      .description(
        'verify every commons log (hashes, chain, Merkle root, signed checkpoint); exit 1 naming the first bad record',
      )
      .option('--commons <id>', 'verify only this commons')
      .option(
        '--public-key <file>',
        'PEM file of the key that signed the checkpoints (default: the data dir signing key)',
      ),
  ).action(async (o: StoreOptions & { commons?: string; publicKey?: string }) => {
    const key = loadPublicKey(o);
    const store = await openFromOptions(o);
    let bad = 0;
    try {
      const ids = o.commons ? [o.commons] : await store.listCommonsIds();
      if (o.commons && !(await store.head(o.commons))) throw new Error(`there is no commons ${o.commons}`);
      for (const id of ids) {
        const head = (await store.head(id))!;
        const records = await store.readRecords(id, 0);
        const r = verifyStored(id, records, head, key);
        if (r.ok) {
          console.log(`ok    ${id}: ${r.size} records, root ${r.root}`);
        } else {
          bad += 1;
          console.log(`FAIL  ${id}: record ${r.seq}: ${r.reason}`);
        }
      }
      console.log(
        bad === 0 ? `verified ${ids.length} log(s)` : `${bad} of ${ids.length} log(s) failed verification`,
      );
    } finally {
      await store.close();
    }
    if (bad > 0) process.exitCode = 1;
  });
}
