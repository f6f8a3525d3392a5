// What `peergov rebuild` does (its options are in rebuild.ts): loaded only when it runs. Imports from the server's
// and the store's module files, not their package indexes, which would load fastify and both store drivers.
import { readModelFromLog, verifyStored } from '../../../server/src/log-service';
import { StoreConflictError } from '../../../store/src/types';
import type { RebuildOptions } from './rebuild';
import { openExistingFromOptions } from './store-options';
import { describeFailure, loadPublicKey, loadSavedCheckpoint } from './verify-action';

/** `peergov rebuild`: see registerRebuild. */
export async function rebuild(o: RebuildOptions): Promise<void> {
  const key = loadPublicKey(o, (line) => console.error(line));
  const saved = o.checkpoint === undefined ? undefined : loadSavedCheckpoint(o.checkpoint);
  const only = o.commons ?? saved?.checkpoint.commons;
  const store = await openExistingFromOptions(o);
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
}
