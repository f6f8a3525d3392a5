import type { Command } from 'commander';
import { storeOptions } from './store-options';
import type { KeyOptions } from './verify';

export interface RebuildOptions extends KeyOptions {
  commons?: string;
  checkpoint?: string;
}

/**
 * `peergov rebuild`: verifies each log, then rewrites every read-model document of the commons from the log in one
 * transaction (only if the log did not move meanwhile). A log that fails verification is left alone: exit 1. Only
 * the options here: the action's module loads when the command runs.
 */
export function registerRebuild(program: Command): void {
  storeOptions(
    program
      .command('rebuild')
      .description(
        'verify each commons log, then rewrite all its read-model documents (commons, proposals, positions, ' +
          'comments) from the log in one transaction; a log that fails verification is not touched (exit 1). ' +
          'Restart running servers afterwards so that they reload what they cache.',
      )
      .option('--commons <id>', 'rebuild only this commons')
      .option(
        '--public-key <file>',
        'PEM file of the key that signs the checkpoints (default: the signing key in the data dir)',
      )
      .option('--checkpoint <file>', 'a signed checkpoint saved earlier that the log must still extend'),
  ).action(async (o: RebuildOptions) => (await import('./rebuild-action')).rebuild(o));
}
