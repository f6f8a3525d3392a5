import type { Command } from 'commander';
import { StoreConflictError } from '@peergov/store';
import { readModelFromLog, verifyStored } from '@peergov/server';
import { openFromOptions, storeOptions } from './store-options';
import { describeFailure, loadPublicKey, loadSavedCheckpoint, type KeyOptions } from './verify';

/**
 * `peergov rebuild`: verifies each log, then rewrites every read-model document of the commons from the log in one
 * transaction (only if the log did not move meanwhile). A log that fails verification is left alone: exit 1.
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
  ).action(async (o: KeyOptions & { commons?: string; checkpoint?: string }) => {
    const key = loadPublicKey(o, (line) => console.error(line));
    const saved = o.checkpoint === undefined ? undefined : loadSavedCheckpoint(o.checkpoint);
    const only = o.commons ?? saved?.checkpoint.commons;
    const store = await openFromOptions(o);
    let bad = 0;
    try {
      const ids = only ? [only] : await store.listCommonsIds();
      for (const id of ids) {
        for (let attempt = 1; ; attempt++) {
          const log = await store.readLog(id);
          if (!log) throw new Error(`there is no commons ${id}`);
          const r = verifyStored(id, log, key, { saved });
          if (!r.ok && r.where !== 'document') {
            bad += 1;
            console.log(`FAIL  ${id}: ${describeFailure(r)}; documents left as they are`);
            break;
          }
          const docs = readModelFromLog(log.records.map((x) => x.body));
          try {
            await store.replaceDocs(id, log.head.size, docs);
          } catch (error) {
            // A server appended meanwhile: read the log again.
            if (error instanceof StoreConflictError && error.code === 'log_conflict' && attempt < 5) continue;
            throw error;
          }
          const was = r.ok ? 'they already matched the log' : `before: ${r.reason}`;
          console.log(
            `ok    ${id}: rewrote ${docs.length} documents from ${log.records.length} records (${was})`,
          );
          break;
        }
      }
      console.log(
        bad === 0 ? `rebuilt ${ids.length} commons` : `${bad} of ${ids.length} log(s) failed verification`,
      );
    } finally {
      await store.close();
    }
    if (bad > 0) process.exitCode = 1;
  });
}
