import type { Command } from 'commander';
import { storeOptions, type StoreOptions } from './store-options';

export interface ServeOptions extends StoreOptions {
  port?: string;
  host?: string;
  demo?: boolean;
  trustProxy?: string;
  cacheCommons?: string;
  cacheWeight?: string;
  snapshotRecords?: string;
  prewarmCommons?: string;
}

/** `peergov serve`: runs the platform. Only the options here: the server loads when the command runs. */
export function registerServe(program: Command): void {
  storeOptions(
    program
      .command('serve')
      .description('serve the platform (API and web app); SQLite under ./data unless --database-url is given')
      .option('-p, --port <port>', 'port to listen on (default $PORT or 8080)')
      .option('--host <host>', 'address to listen on (default $HOST or 0.0.0.0)')
      .option(
        '--trust-proxy <proxies>',
        'believe X-Forwarded-For/-Proto from these proxies: true, a number of hops, or addresses/CIDRs, comma-separated (default $PEERGOV_TRUST_PROXY or none)',
      )
      .option(
        '--cache-commons <count>',
        'commons states kept in memory at most (default $PEERGOV_CACHE_COMMONS or 2000)',
      )
      .option(
        '--cache-weight <weight>',
        'commons states kept in memory at most, in about KiB of heap (default $PEERGOV_CACHE_WEIGHT or 160000)',
      )
      .option(
        '--snapshot-records <count>',
        'records a log grows by before its state is snapshotted again, for faster loads (default $PEERGOV_SNAPSHOT_RECORDS or 2000)',
      )
      .option(
        '--prewarm-commons <count>',
        'commons loaded in the background after the start, the largest first, until half the cache is used; 0 for none (default $PEERGOV_PREWARM_COMMONS or 20)',
      )
      .option(
        '--demo',
        'on an empty database, start with a demo commons (members, decided and open proposals)',
      ),
  ).action(async (o: ServeOptions) => (await import('./serve-action')).serve(o));
}
