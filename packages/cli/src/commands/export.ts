import type { Command } from 'commander';
import { storeOptions, type StoreOptions } from './store-options';

export interface ExportOptions extends StoreOptions {
  commons?: string;
  out?: string;
  checkpointOut?: string;
  publicKeyOut?: string;
}

/**
 * `peergov export --commons ID`: the log as JSON lines, each record with its inclusion proof, then the signed
 * checkpoint; `--checkpoint-out` also saves the checkpoint alone and `--public-key-out` the instance's public key,
 * the two things `peergov verify --checkpoint --public-key` needs later to check the log without trusting the
 * database. Only the options here: the action's module loads when the command runs.
 */
export function registerExport(program: Command): void {
  storeOptions(
    program
      .command('export')
      .description(
        'export a commons log as JSON lines: one line per record with its RFC 6962 inclusion proof, then the signed checkpoint',
      )
      .option('--commons <id>', 'the commons to export (required unless only --public-key-out is given)')
      .option('-o, --out <file>', 'write to a file instead of standard output')
      .option(
        '--checkpoint-out <file>',
        "also save the log's signed checkpoint alone, for `peergov verify --checkpoint` later",
      )
      .option(
        '--public-key-out <file>',
        "write the instance's public key (PEM) to this file, for `peergov verify --public-key`",
      ),
  ).action(async (o: ExportOptions) => (await import('./export-action')).exportLog(o));
}
