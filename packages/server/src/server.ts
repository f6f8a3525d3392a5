import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildApp } from './app';
import { closeDueProposals } from './closer';
import { createContext, type AppContext, type ServerConfig } from './context';
import { seedDemo } from './demo';

const here = dirname(fileURLToPath(import.meta.url));
/** The built web app inside this checkout. */
export const defaultWebDist = resolve(here, '../../web/dist');

export interface RunningServer {
  url: string;
  context: AppContext;
  close(): Promise<void>;
}

/** Opens the store, builds the app, starts listening and the closer of due proposals. */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const ctx = await createContext({ webDist: defaultWebDist, ...config });
  const app = await buildApp(ctx);
  if (config.demo) await seedDemo(ctx, app.log);
  const address = await app.listen({ port: config.port, host: config.host ?? '127.0.0.1' });
  const interval = config.closeIntervalMs ?? 5000;
  let timer: NodeJS.Timeout | null = null;
  if (interval > 0) {
    let running = false;
    timer = setInterval(() => {
      if (running) return;
      running = true;
      closeDueProposals(ctx.commons, new Date(), app.log).finally(() => (running = false));
    }, interval);
    timer.unref();
  }
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  return {
    url,
    context: ctx,
    async close() {
      if (timer) clearInterval(timer);
      await app.close();
      await ctx.store.close();
    },
  };
}

/** Server configuration from the environment: PORT, HOST, PEERGOV_DATA_DIR, DATABASE_URL, LOG_LEVEL. */
export function configFromEnv(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const port = env.PORT === undefined ? 8080 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`PORT must be a port number (got ${env.PORT})`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    dataDir: resolve(env.PEERGOV_DATA_DIR ?? join(process.cwd(), 'data')),
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: env.LOG_LEVEL ?? 'info',
    secureCookies: env.PEERGOV_SECURE_COOKIES === '1',
  };
}
