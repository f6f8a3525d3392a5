import type { Command } from 'commander';
import { configFromEnv, parseTrustProxy, startServer } from '@peergov/server';
import { dataDirOf, storeOptions } from './store-options';

/** `peergov serve`: runs the platform. */
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
        '--demo',
        'on an empty database, start with a demo commons (members, decided and open proposals)',
      ),
  ).action(
    async (o: {
      port?: string;
      host?: string;
      demo?: boolean;
      dataDir?: string;
      databaseUrl?: string;
      trustProxy?: string;
    }) => {
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
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  );
}
