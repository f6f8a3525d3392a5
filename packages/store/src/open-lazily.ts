// openStore for short-lived processes (the `peergov` command): the same choice, but only the driver of the store it
// opens is loaded, when it opens it. The package's index imports both drivers (better-sqlite3 and pg) at load.

import { join } from 'node:path';
import type { StoreConfig } from './index';
import type { Store } from './types';

/** What openStore opens, for the same config, loading only that store's module (and driver) now. */
export async function openStoreLazily(config: StoreConfig): Promise<Store> {
  const url = config.databaseUrl;
  if (url && /^postgres(ql)?:\/\//i.test(url)) {
    const { openPostgresStore } = await import('./postgres');
    return openPostgresStore({ url, schema: config.schema });
  }
  if (url)
    throw new Error(`database URL must start with postgres:// or postgresql:// (got ${redactUrl(url)})`);
  const { openSqliteStore } = await import('./sqlite');
  return openSqliteStore({ file: join(config.dataDir, 'peergov.sqlite') });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
