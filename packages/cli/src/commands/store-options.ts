import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { Store } from '@peergov/store';
// The module itself: the package's index imports both drivers at load, and its exports name no lighter entry.
import { openStoreLazily } from '../../../store/src/open-lazily';

export interface StoreOptions {
  dataDir?: string;
  databaseUrl?: string;
}

/** Adds --data-dir and --database-url (defaults: PEERGOV_DATA_DIR or ./data, and DATABASE_URL). */
export function storeOptions(command: Command): Command {
  return command
    .option(
      '--data-dir <dir>',
      'data directory (SQLite file and signing key); default $PEERGOV_DATA_DIR or ./data',
    )
    .option(
      '--database-url <url>',
      'PostgreSQL URL (postgres://...); default $DATABASE_URL; SQLite when absent',
    );
}

export function dataDirOf(o: StoreOptions): string {
  return resolve(o.dataDir ?? process.env.PEERGOV_DATA_DIR ?? 'data');
}

const databaseUrlOf = (o: StoreOptions): string | undefined =>
  o.databaseUrl ?? (process.env.DATABASE_URL || undefined);

/** Opens the store the options name, migrated; loads only that store's driver (better-sqlite3 or pg). */
export async function openFromOptions(o: StoreOptions): Promise<Store> {
  const store = await openStoreLazily({ dataDir: dataDirOf(o), databaseUrl: databaseUrlOf(o) });
  await store.migrate();
  return store;
}

/**
 * Opens a store that must already exist, for the commands that read one (export, verify, rebuild): without a database
 * URL, a data directory with no SQLite file in it is refused, and nothing is created there (opening it would make an
 * empty database in whatever folder the command was run from).
 */
export async function openExistingFromOptions(o: StoreOptions): Promise<Store> {
  if (!databaseUrlOf(o)) {
    const file = join(dataDirOf(o), 'peergov.sqlite');
    if (!existsSync(file))
      throw new Error(
        `there is no database at ${file}: give the --data-dir the server uses (or --database-url for ` +
          'PostgreSQL); nothing was created',
      );
  }
  return openFromOptions(o);
}
