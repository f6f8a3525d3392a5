// What `peergov serve` does (its options are in serve.ts): loaded only when it runs, with the whole server.
import { configFromEnv, parseCount, parseTrustProxy, startServer } from '@peergov/server';
import type { ServeOptions } from './serve';
import { dataDirOf } from './store-options';

/** `peergov serve`: starts the server with the options over the environment's configuration, until a signal. */
export async function serve(o: ServeOptions): Promise<void> {
  const config = configFromEnv();
  if (o.port !== undefined) {
    const port = Number(o.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535)
      throw new Error(`--port must be a port number (got ${o.port})`);
    config.port = port;
  }
  if (o.host) config.host = o.host;
  if (o.dataDir) config.dataDir = dataDirOf(o);
  if (o.databaseUrl) config.databaseUrl = o.databaseUrl;
  if (o.trustProxy !== undefined) config.trustProxy = parseTrustProxy(o.trustProxy);
  if (o.cacheCommons !== undefined) config.cacheCommons = parseCount('--cache-commons', o.cacheCommons);
  if (o.cacheWeight !== undefined) config.cacheWeight = parseCount('--cache-weight', o.cacheWeight);
  if (o.snapshotRecords !== undefined)
    config.snapshotRecords = parseCount('--snapshot-records', o.snapshotRecords);
  if (o.prewarmCommons !== undefined)
    config.prewarmCommons = parseCount('--prewarm-commons', o.prewarmCommons, 0);
  config.demo = o.demo ?? false;
  const server = await startServer(config);
  const shown = server.url.replace('127.0.0.1', 'localhost');
  console.log(
    `peergov is running at ${shown} (store: ${server.context.store.kind}${server.context.store.kind === 'sqlite' ? `, data in ${config.dataDir}` : ''})`,
  );
  if (config.demo) console.log('demo: sign in as amara@demo.peergov.org with the password demo-password');
  const stop = async () => {
    await server.close();
    process.exit(0);
  };
  // A failed close is an unhandled rejection: node prints it and exits 1.
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
