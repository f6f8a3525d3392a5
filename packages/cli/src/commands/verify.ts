import type { Command } from 'commander';
import { storeOptions, type StoreOptions } from './store-options';

export interface KeyOptions extends StoreOptions {
  publicKey?: string;
}

export interface VerifyOptions extends KeyOptions {
  commons?: string;
  checkpoint?: string;
  docs: boolean;
}

/**
 * `peergov verify`: recomputes every log; exit 1 naming the first fault and where it is. Only the options here: the
 * action's module (the log checks, the store) loads when the command runs, not for its help.
 */
export function registerVerify(program: Command): void {
  storeOptions(
    program
      .command('verify')
      .description(
        'verify every commons log: each record and its stored columns, the hash chain, the head, the signed ' +
          'checkpoint (which must cover the whole log), the read-model documents rebuilt from the log, and ' +
          'optionally a checkpoint saved earlier; exit 1 naming the first fault',
      )
      .option('--commons <id>', 'verify only this commons')
      .option(
        '--public-key <file>',
        'PEM file of the key that signs the checkpoints: its public key (see `peergov export --public-key-out`) ' +
          'or the private key (default: the signing key in the data dir, which an attacker with the database may hold)',
      )
      .option(
        '--checkpoint <file>',
        'a signed checkpoint saved earlier (what GET /api/v1/commons/:id/log/checkpoint answers, or a ' +
          '`peergov export` file): the log must still extend it; catches a rollback and a rewrite re-signed with the key',
      )
      .option('--no-docs', 'do not compare the read-model documents with the log'),
  ).action(async (o: VerifyOptions) => (await import('./verify-action')).verify(o));
}
