import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { buildApp } from './app';
import { closeDueProposals } from './closer';
import { createContext, type AppContext, type ServerConfig } from './context';
import { seedDemo } from './demo';

const here = dirname(fileURLToPath(import.meta.url));
/**
 * The built web app: $PEERGOV_WEB_DIST if set; else the checkout's packages/web/dist, which is ../../web/dist both
 * from packages/server/src (run from source) and from packages/cli/dist (the bundled `peergov`); else the copy that
 * an installed `@peergov/cli` package carries beside its bundle (dist/web). The first of these that holds an
 * index.html, or the checkout's path when none does (the server then answers the API only, and says so).
 */
export const defaultWebDist = webDistFrom(here, process.env.PEERGOV_WEB_DIST);

function webDistFrom(dir: string, fromEnv?: string): string {
  if (fromEnv) return resolve(fromEnv);
  const checkout = resolve(dir, '../../web/dist');
  const candidates = [checkout, resolve(dir, 'web')];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? checkout;
}

/** How long a closing server waits for requests in flight before it cuts the connections, in ms. */
const CLOSE_GRACE_MS = 2000;

export interface RunningServer {
  url: string;
  context: AppContext;
  close(): Promise<void>;
}

/** Commons loaded ahead of their first visit after a start (see ServerConfig.prewarmCommons). */
export const DEFAULT_PREWARM_COMMONS = 20;

/** How far V8's heap may grow beyond what is live after a full collection, in percent (see boundHeapGrowth). */
export const DEFAULT_HEAP_GROWING_PERCENT = 50;

/**
 * Tells V8 to let its heap grow at most PEERGOV_HEAP_GROWING_PERCENT (default 50) percent beyond the live heap after
 * each full collection (`--heap-growing-percent`); 0 leaves it to V8, which grows it up to fourfold when collecting
 * is fast. Without a bound, loading and evicting commons states left V8 holding two to four times the live heap
 * (measured: 587 MiB resident after touching 6,000 small commons and the big one of the instance benchmark, 341 MiB
 * with 50%, for the same server CPU time; `--optimize-for-size` held 223 MiB but took 1.7 times the CPU and kept an
 * idle server collecting, 5-10% of a core): the cache budget bounds what is live, this bounds what is kept beside
 * it. Returns the percent set (null: V8's own). Set once, before the server allocates.
 */
export function boundHeapGrowth(env: NodeJS.ProcessEnv = process.env): number | null {
  const raw = env.PEERGOV_HEAP_GROWING_PERCENT?.trim();
  const percent = raw === undefined || raw === '' ? DEFAULT_HEAP_GROWING_PERCENT : Number(raw);
  if (!/^\d*$/.test(raw ?? '') || !Number.isInteger(percent) || percent > 1000)
    throw new Error(
      `PEERGOV_HEAP_GROWING_PERCENT must be a whole number from 0 (V8's own growth) to 1000, not "${raw}"`,
    );
  if (percent === 0) return null;
  setFlagsFromString(`--heap-growing-percent=${percent}`);
  return percent;
}

/**
 * Opens the store, builds the app, starts listening and the round of jobs: the closer of due proposals, the reminders
 * due, the daily digests.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  boundHeapGrowth();
  const ctx = await createContext({ webDist: defaultWebDist, ...config });
  const app = await buildApp(ctx);
  const web = ctx.config.webDist;
  if (!web || !existsSync(join(web, 'index.html')))
    app.log.warn(
      `the web app is missing (no index.html in ${web ?? 'no webDist'}): serving the API only; build it with \`npm run build\` or set PEERGOV_WEB_DIST`,
    );
  if (config.demo) await seedDemo(ctx, app.log);
  const address = await app.listen({ port: config.port, host: config.host ?? '127.0.0.1' });
  const interval = config.closeIntervalMs ?? 5000;
  let timer: NodeJS.Timeout | null = null;
  if (interval > 0) {
    let running = false;
    timer = setInterval(() => {
      if (running) return;
      running = true;
      // None of these rejects: each logs its failures and the next round tries again.
      const now = config.clock?.() ?? new Date();
      void closeDueProposals(ctx.commons, now, app.log)
        .then(() => ctx.notifications.sendReminders(now))
        .then(() => ctx.notifications.sendDigests(now))
        .finally(() => (running = false));
    }, interval);
    timer.unref();
  }
  // The big commons loaded ahead of their first visit, in the background (a close stops it between two commons).
  const prewarming = new AbortController();
  const prewarmCount = config.prewarmCommons ?? DEFAULT_PREWARM_COMMONS;
  const started = performance.now();
  const prewarmed = ctx.commons
    .prewarm(prewarmCount, prewarming.signal)
    .then((ids) => {
      if (ids.length > 0)
        app.log.info(
          `loaded ${ids.length} commons ahead of their first visit in ${Math.round(performance.now() - started)} ms`,
        );
    })
    .catch((error: unknown) =>
      app.log.warn({ err: error }, 'loading commons ahead of their first visit failed'),
    );
  const url = address.replace('0.0.0.0', '127.0.0.1').replace('[::]', '127.0.0.1');
  return {
    url,
    context: ctx,
    async close() {
      if (timer) clearInterval(timer);
      prewarming.abort();
      // Requests in flight get a moment to finish; then every connection is cut, so that a keep-alive connection
      // that went idle after the server stopped listening cannot hold the close open for the keep-alive timeout.
      const force = setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS);
      force.unref();
      try {
        await app.close();
      } finally {
        clearTimeout(force);
      }
      // A commons being loaded ahead of its visit is finished (the store stays open for it), then no other starts.
      await prewarmed;
      // A snapshot being written is finished rather than cut off (it is only ever a whole row or none).
      await ctx.commons.snapshotsWritten();
      await ctx.notifications.idle();
      await ctx.mailer.close();
      await ctx.store.close();
    },
  };
}

/**
 * Which proxies to trust, as written in PEERGOV_TRUST_PROXY or `--trust-proxy`: `true` (any), `false` or empty (none),
 * a whole number (that many hops in front of the server), or a comma-separated list of addresses and CIDR ranges
 * (also `loopback`, `linklocal`, `uniquelocal`).
 */
export function parseTrustProxy(value: string | undefined): boolean | number | string[] {
  const v = (value ?? '').trim();
  if (v === '' || v === 'false' || v === '0') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const list = v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x.length > 0);
  for (const x of list)
    if (!/^[0-9A-Fa-f.:]+(\/\d{1,3})?$/.test(x) && !['loopback', 'linklocal', 'uniquelocal'].includes(x))
      throw new Error(
        `trust proxy: "${x}" is not an address, a CIDR range, loopback, linklocal or uniquelocal`,
      );
  return list;
}

/**
 * Server configuration from the environment: PORT, HOST, PEERGOV_DATA_DIR, DATABASE_URL, LOG_LEVEL,
 * PEERGOV_SECURE_COOKIES=1 (always Secure cookies), PEERGOV_TRUST_PROXY (see parseTrustProxy), PEERGOV_CACHE_COMMONS
 * and PEERGOV_CACHE_WEIGHT (the cache budget, see ServerConfig), PEERGOV_SNAPSHOT_RECORDS (how often a state is
 * snapshotted), PEERGOV_PREWARM_COMMONS (commons loaded ahead of their first visit), PEERGOV_SMTP_URL,
 * PEERGOV_MAIL_FROM and PEERGOV_PUBLIC_URL (mail, see ServerConfig), PEERGOV_DIGEST_HOUR (the UTC hour of the daily
 * digest).
 */
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
    trustProxy: parseTrustProxy(env.PEERGOV_TRUST_PROXY),
    cacheCommons: parseCount('PEERGOV_CACHE_COMMONS', env.PEERGOV_CACHE_COMMONS),
    cacheWeight: parseCount('PEERGOV_CACHE_WEIGHT', env.PEERGOV_CACHE_WEIGHT),
    snapshotRecords: parseCount('PEERGOV_SNAPSHOT_RECORDS', env.PEERGOV_SNAPSHOT_RECORDS),
    prewarmCommons: parseCount('PEERGOV_PREWARM_COMMONS', env.PEERGOV_PREWARM_COMMONS, 0),
    smtpUrl: env.PEERGOV_SMTP_URL || undefined,
    mailFrom: env.PEERGOV_MAIL_FROM || undefined,
    publicUrl: parsePublicUrl(env.PEERGOV_PUBLIC_URL),
    digestHour: parseHour(env.PEERGOV_DIGEST_HOUR),
  };
}

/** PEERGOV_DIGEST_HOUR: a whole hour 0-23 (UTC), or undefined if unset. */
export function parseHour(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!/^\s*\d{1,2}\s*$/.test(value) || n > 23)
    throw new Error(`PEERGOV_DIGEST_HOUR must be a whole hour from 0 to 23 (got ${value})`);
  return n;
}

/**
 * A whole number of at least `min` (default 1) from the environment or an option (`what` names it in the error), or
 * undefined if unset.
 */
export function parseCount(what: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min)
    throw new Error(
      `${what} must be a ${min === 0 ? 'whole number (0 or more)' : 'positive whole number'} (got ${value})`,
    );
  return n;
}

/** PEERGOV_PUBLIC_URL: an http(s) address without query or fragment, or undefined if unset. */
export function parsePublicUrl(value: string | undefined): string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new Error(`PEERGOV_PUBLIC_URL must be an address like https://example.org (got ${value})`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash)
    throw new Error(`PEERGOV_PUBLIC_URL must be an http or https address without ? or # (got ${value})`);
  return url.href.replace(/\/+$/, '');
}
