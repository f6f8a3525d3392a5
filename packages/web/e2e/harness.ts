import { readFileSync } from 'node:fs';
// Shared set-up for the browser tests: the built web app, a real server on a temp data dir, Debian's Chromium.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const webRoot = resolve(here, '..');
export const repoRoot = resolve(webRoot, '../..');
export const webDist = join(webRoot, 'dist');

export const chromiumPath = process.env.PEERGOV_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Whether the browser tests can run. Without Chromium they fail when PEERGOV_REQUIRE_ALL=1 and are skipped
 * otherwise, with a loud warning.
 */
export function browserAvailable(): boolean {
  if (existsSync(chromiumPath)) return true;
  const message = `Chromium not found at ${chromiumPath} (set PEERGOV_CHROMIUM or apt-get install chromium).`;
  if (process.env.PEERGOV_REQUIRE_ALL === '1')
    throw new Error(`${message} PEERGOV_REQUIRE_ALL=1, so the e2e tests cannot be skipped.`);
  console.warn(
    `\n${'!'.repeat(80)}\n!! WARNING: ${message}\n!! The web e2e tests are SKIPPED.\n${'!'.repeat(80)}\n`,
  );
  return false;
}

/** Builds the web app unless packages/web/dist/index.html already exists (npm test builds first). */
export async function ensureBuilt(): Promise<void> {
  if (existsSync(join(webDist, 'index.html'))) return;
  const { build } = await import('vite');
  await build({ configFile: join(webRoot, 'vite.config.ts'), logLevel: 'warn' });
}

export interface Running {
  url: string;
  /** The server's data directory (the SQLite file is peergov.sqlite in it). */
  dataDir: string;
  browser: Browser;
  /** The server's services (jobs run by hand with a chosen clock: reminders, digests). */
  context: Awaited<ReturnType<typeof import('@peergov/server').startServer>>['context'];
  close(): Promise<void>;
}

/** A port free on 127.0.0.1 now (for a server whose own address must be known before it starts). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts the real server in-process (temp data dir, port 0) and a headless Chromium. With `smtpUrl`, the server
 * mails through it, on a port chosen first so that the links in its mails point to it.
 */
export async function startAll(
  options: { demo?: boolean; smtpUrl?: string; clock?: () => Date } = {},
): Promise<Running> {
  await ensureBuilt();
  const { startServer } = await import('@peergov/server');
  const dataDir = mkdtempSync(join(tmpdir(), 'peergov-e2e-'));
  const port = options.smtpUrl ? await freePort() : 0;
  const server = await startServer({
    dataDir,
    port,
    host: '127.0.0.1',
    logLevel: 'warn',
    webDist,
    demo: options.demo,
    // The platform's clock for the commons' writes (rules for rules: a test moves it to bring a date due).
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.smtpUrl ? { smtpUrl: options.smtpUrl, publicUrl: `http://127.0.0.1:${port}` } : {}),
  });
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    url: server.url,
    dataDir,
    browser,
    context: server.context,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs axe-core on the page and returns the serious and critical violations, readably. */
export async function axeViolations(page: Page): Promise<string[]> {
  // Evaluated through the DevTools protocol rather than added as a <script>: the app's Content-Security-Policy
  // (no inline or foreign script) rightly refuses a script tag, and evaluation is not subject to it.
  await page.evaluate(readFileSync(join(repoRoot, 'node_modules/axe-core/axe.min.js'), 'utf8'));
  const result = (await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx?: unknown, opts?: unknown) => Promise<unknown> } })
      .axe;
    return axe.run(document, { resultTypes: ['violations'] });
  })) as {
    violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`,
    );
}
