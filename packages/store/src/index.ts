// The store's public surface: the interface, both implementations and the one place that picks between them.

import { join } from 'node:path';
import { openPostgresStore } from './postgres';
import { openSqliteStore } from './sqlite';
import type { Store } from './types';

export * from './types';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite';
export { openPostgresStore, type PostgresStoreOptions } from './postgres';

export interface StoreConfig {
  /** postgres:// or postgresql:// URL; absent or empty means the embedded SQLite store. */
  databaseUrl?: string;
  /** Directory of the SQLite file `peergov.sqlite` (created if missing). */
  dataDir: string;
  /** PostgreSQL schema (default `public`). */
  schema?: string;
}

/** Opens PostgreSQL when databaseUrl is a postgres URL, else the SQLite file `<dataDir>/peergov.sqlite`; call migrate() next. */
export function openStore(config: StoreConfig): Store {
  const url = config.databaseUrl;
  if (url && /^postgres(ql)?:\/\//i.test(url)) return openPostgresStore({ url, schema: config.schema });
  // A URL we cannot use is a configuration mistake: silently falling back to SQLite would split the data.
  if (url)
    throw new Error(`database URL must start with postgres:// or postgresql:// (got ${redactUrl(url)})`);
  return openSqliteStore({ file: join(config.dataDir, 'peergov.sqlite') });
}

function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
