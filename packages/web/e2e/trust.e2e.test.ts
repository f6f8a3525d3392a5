// Issue 8, trust: the log must protect what members actually read. A member's browser keeps the last signed
// checkpoint it saw of each commons; the operator then changes the SQLite file behind the server (a read-model
// document, or a rollback of the log to an older size with the head the server signed then) and restarts it on
// the same data dir and port (so the browser's localStorage is the same origin's). Revisiting the proposal page,
// the member is warned.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  chromium,
  type APIRequestContext,
  type Browser,
  type BrowserContext,
  type Page,
} from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, chromiumPath, ensureBuilt, webDist } from './harness';

const run = browserAvailable();

type Row = Record<string, unknown>;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

describe.skipIf(!run)('a browser that saw the log warns when the server’s history changes', () => {
  let dataDir: string;
  let port: number;
  let server: { url: string; close(): Promise<void> } | null = null;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let csrf = '';

  const start = async () => {
    const { startServer } = await import('@peergov/server');
    server = await startServer({
      dataDir,
      port,
      host: '127.0.0.1',
      logLevel: 'warn',
      webDist,
      closeIntervalMs: 0,
    });
    expect(server.url).toBe(`http://127.0.0.1:${port}`);
  };
  const stop = async () => {
    // Leave the page first, so that no live-updates stream holds the server open.
    await page.goto('about:blank');
    await server?.close();
    server = null;
  };
  /** Runs `change` on the SQLite file with the server stopped, then starts it again on the same data and port. */
  const tamper = async <T>(change: (db: Database.Database) => T): Promise<T> => {
    await stop();
    const db = new Database(join(dataDir, 'peergov.sqlite'));
    try {
      return db.transaction(() => change(db))();
    } finally {
      db.close();
      await start();
    }
  };

  const call = async (req: APIRequestContext, method: 'POST' | 'PUT', url: string, data: unknown) => {
    const r = await req.fetch(url, { method, data, headers: { 'x-csrf-token': csrf } });
    expect(r.status(), await r.text()).toBeLessThan(300);
    return (await r.json()) as Record<string, unknown>;
  };
  const idOf = (created: Record<string, unknown>): string => {
    if (typeof created.id !== 'string') throw new Error(`the answer has no id: ${JSON.stringify(created)}`);
    return created.id;
  };
  const newCommons = async (name: string) => {
    const c = await call(ctx.request, 'POST', '/api/v1/commons', {
      name,
      purpose: 'Grow food',
      template: 'single-class',
    });
    return idOf(c);
  };
  const propose = async (commons: string, title: string, reason: string) => {
    const base = `/api/v1/commons/${commons}`;
    const p = await call(ctx.request, 'POST', `${base}/proposals`, {
      title,
      action: { kind: 'resolution', text: `${title}, as agreed` },
    });
    const pid = idOf(p);
    await call(ctx.request, 'PUT', `${base}/proposals/${pid}/position`, { stance: 'agree', reason });
    return pid;
  };
  const saved = (commons: string) =>
    page.evaluate(
      (id) =>
        JSON.parse(localStorage.getItem(`peergov.checkpoint.${id}`) ?? 'null') as { size: number } | null,
      commons,
    );
  const signedSize = async (commons: string) => {
    const r = await ctx.request.get(`/api/v1/commons/${commons}/log/checkpoint`);
    return ((await r.json()) as { checkpoint: { size: number } }).checkpoint.size;
  };
  /** Visits a proposal page and waits until this browser has checked (and saved) the log at `size`. */
  const visitAndSave = async (commons: string, pid: string, title: string) => {
    await page.goto(`/c/${commons}/proposals/${pid}`);
    await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
    const size = await signedSize(commons);
    await expect.poll(async () => (await saved(commons))?.size).toBe(size);
    expect(await page.locator('.trust-banner').count()).toBe(0);
    return size;
  };

  /** Tables an operator's backup holds for one commons besides its records and head. */
  const restored = ['docs', 'merkle_nodes', 'deadlines'] as const;
  /** The head row (with the checkpoint the server signed), the read models, the Merkle nodes and the deadlines. */
  const snapshot = (commons: string) => {
    const db = new Database(join(dataDir, 'peergov.sqlite'), { readonly: true });
    try {
      const head = db.prepare('SELECT * FROM heads WHERE commons_id = ?').get(commons) as Row;
      const tables = new Map(
        restored.map((t) => [t, db.prepare(`SELECT * FROM ${t} WHERE commons_id = ?`).all(commons) as Row[]]),
      );
      return { head, tables };
    } finally {
      db.close();
    }
  };
  /**
   * The operator rolls the commons back to a snapshot, as a restore from a backup does: later records deleted, the
   * old head, read models, Merkle nodes and deadlines put back. The server can then prove its rewritten log to
   * itself; only a browser that saw the later records can tell.
   */
  const rollBack = (commons: string, old: { head: Row; tables: Map<string, Row[]> }) =>
    tamper((d) => {
      d.prepare('DELETE FROM records WHERE commons_id = ? AND seq >= ?').run(commons, Number(old.head.size));
      for (const [table, rows] of old.tables) {
        d.prepare(`DELETE FROM ${table} WHERE commons_id = ?`).run(commons);
        for (const row of rows) {
          const columns = Object.keys(row);
          d.prepare(
            `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
          ).run(...columns.map((c) => row[c]));
        }
      }
      const columns = Object.keys(old.head).filter((c) => c !== 'commons_id');
      d.prepare(`UPDATE heads SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE commons_id = ?`).run(
        ...columns.map((c) => old.head[c]),
        commons,
      );
    });

  beforeAll(async () => {
    await ensureBuilt();
    dataDir = mkdtempSync(join(tmpdir(), 'peergov-e2e-trust-'));
    port = await freePort();
    await start();
    browser = await chromium.launch({
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
    ctx = await browser.newContext({
      baseURL: `http://127.0.0.1:${port}`,
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
      // axe-core is injected as a script, which the app's Content Security Policy refuses.
      bypassCSP: true,
    });
    page = await ctx.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    const account = { email: 'ada@example.org', password: 'correct horse battery', displayName: 'Ada' };
    expect((await ctx.request.post('/api/v1/auth/signup', { data: account })).status()).toBe(202);
    const s = await ctx.request.post('/api/v1/auth/signin', {
      data: { email: account.email, password: account.password },
    });
    expect(s.status()).toBe(200);
    csrf = ((await s.json()) as { csrfToken: string }).csrfToken;
  });

  afterEach(async (c) => {
    if (c.task.result?.state !== 'fail') return;
    const stem = c.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await page?.screenshot({ path: `test-results/trust-${stem}.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await server?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('a reason changed in the stored read model is shown as a warning on the proposal page', async () => {
    const commons = await newCommons('Riverside Garden');
    const title = 'Plant an orchard';
    const pid = await propose(commons, title, 'Apples grow well by the river.');
    await visitAndSave(commons, pid, title);
    await page.getByText('Apples grow well by the river.').first().waitFor();

    const changed = await tamper(
      (db) =>
        db
          .prepare(
            "UPDATE docs SET body = replace(body, 'Apples grow well', 'Pears grow well') WHERE commons_id = ? AND body LIKE '%Apples grow well%'",
          )
          .run(commons).changes,
    );
    expect(changed).toBeGreaterThan(0);

    await page.goto(`/c/${commons}/proposals/${pid}`);
    await page.getByRole('heading', { level: 1, name: title, exact: true }).waitFor();
    const warning = page.locator('.trust-banner[data-integrity="document"]');
    await warning.waitFor();
    expect(await warning.getAttribute('role')).toBe('alert');
    expect(await warning.textContent()).toMatch(/this commons is read-only/i);
    expect(await warning.textContent()).toMatch(/differs from what its log says/);
    expect(await axeViolations(page), 'axe on a proposal page with the warning').toEqual([]);
    // The same warning on every page of the commons.
    for (const path of ['', '/proposals', '/constitution', '/log']) {
      await page.goto(`/c/${commons}${path}`);
      await page.locator('.trust-banner[data-integrity="document"]').waitFor();
    }
    // A write is refused and says why.
    const r = await ctx.request.fetch(`/api/v1/commons/${commons}/proposals`, {
      method: 'POST',
      data: { title: 'Anything', action: { kind: 'resolution', text: 'x' } },
      headers: { 'x-csrf-token': csrf },
    });
    expect(r.status()).toBe(409);
    expect(((await r.json()) as { code: string }).code).toBe('log_integrity');
  });

  test('a log rolled back to an older signed size is shown as a warning on the proposal page', async () => {
    const commons = await newCommons('Hill Orchard');
    const first = await propose(commons, 'Buy a ladder', 'For the high branches.');
    // What the operator will restore later: the head (with the checkpoint the server signed) and the read models.
    const old = snapshot(commons);
    const older = Number(old.head.size);

    const title = 'Share the harvest';
    const pid = await propose(commons, title, 'Half for the food bank.');
    const seen = await visitAndSave(commons, pid, title);
    expect(seen).toBeGreaterThan(older);

    await rollBack(commons, old);
    // The server itself sees nothing wrong: its log is whole and signed, only shorter.
    expect(await signedSize(commons)).toBe(older);
    const v = await ctx.request.get(`/api/v1/commons/${commons}/log/verify`);
    expect(((await v.json()) as { ok: boolean }).ok).toBe(true);

    // The rolled-back proposal no longer exists; the older one is still there, with the warning.
    await page.goto(`/c/${commons}/proposals/${first}`);
    await page.getByRole('heading', { level: 1, name: 'Buy a ladder', exact: true }).waitFor();
    const warning = page.locator('.trust-banner[data-trust="rollback"]');
    await warning.waitFor();
    expect(await warning.getAttribute('role')).toBe('alert');
    const text = (await warning.textContent()) ?? '';
    expect(text).toContain('does not extend what this browser saw before');
    expect(text).toContain(`saw a signed log of ${seen} records, the server now shows only ${older}`);
    // The browser keeps what it saw: the bad checkpoint never replaces it, and the warning stays.
    expect((await saved(commons))?.size).toBe(seen);
    for (const path of [`/proposals/${pid}`, '/proposals', '/log']) {
      await page.goto(`/c/${commons}${path}`);
      await page.locator('.trust-banner[data-trust="rollback"]').waitFor();
    }
    expect((await saved(commons))?.size).toBe(seen);
  });

  test('a log rolled back and then grown past what the browser saw is shown as a rewritten history', async () => {
    const commons = await newCommons('Meadow');
    await propose(commons, 'Mow in June', 'Before the seeds fall.');
    const old = snapshot(commons);
    const title = 'Keep bees';
    const pid = await propose(commons, title, 'For the pollination.');
    const seen = await visitAndSave(commons, pid, title);

    // Rolled back, then other decisions appended (signed by the server's own key) until the log is longer.
    await rollBack(commons, old);
    let n = 0;
    while ((await signedSize(commons)) <= seen) await propose(commons, `Other motion ${++n}`, 'Rewritten.');
    const served = await signedSize(commons);
    const v = await ctx.request.get(`/api/v1/commons/${commons}/log/verify`);
    expect(((await v.json()) as { ok: boolean }).ok).toBe(true);

    await page.goto(`/c/${commons}`);
    const warning = page.locator('.trust-banner[data-trust="fork"]');
    await warning.waitFor();
    expect(await warning.textContent()).toContain(
      `cannot prove that its log of ${served} records contains the ${seen} records this browser saw`,
    );
    expect((await saved(commons))?.size).toBe(seen);
  });
});
