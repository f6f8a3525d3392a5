// A commons of 10,000 members, seeded through the store as the write path would have written it (bench/seed.ts: the
// kernel's events, chained, signed, with their read-model documents), then served by a real `peergov serve` process
// after a restart: it starts, verifies the log, answers the overview and a proposal page, takes a position, and stays
// within the memory bound the scale issue sets (512 MiB resident). Also on PostgreSQL, in process.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropTarget,
  newTarget,
  openTarget,
  seedCommons,
  type SeededCommons,
  type Target,
} from '../../../bench/seed';
import { loadSigningKeys } from '../src/keys';
import { buildApp, createContext } from '../src/index';
import { requirePostgres } from '../../store/test/pg-available';

const here = fileURLToPath(new URL('.', import.meta.url));
const bin = resolve(here, '../../cli/dist/peergov.js');
const MEMBERS = 10_000;
const MEMORY_BOUND_MIB = 512;

async function seed(target: Target): Promise<SeededCommons> {
  const store = openTarget(target);
  await store.migrate();
  try {
    return await seedCommons(store, loadSigningKeys(target.dataDir), {
      id: 'city',
      members: MEMBERS,
      proposals: 50,
      positions: 2_000,
      tokens: 2,
    });
  } finally {
    await store.close();
  }
}

const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Number(m[1]) / 1024 : NaN;
};

/** `peergov serve` on the target's data dir, on a free port; resolves with its URL once it listens. */
function serve(target: Target): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(
    process.execPath,
    [bin, 'serve', '--data-dir', target.dataDir, '--port', '0', '--host', '127.0.0.1'],
    {
      env: { ...process.env, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`serve did not start in 60 s: ${out}`)), 60_000);
    const read = (b: Buffer) => {
      out += b.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        ok({ url: m[1].replace('localhost', '127.0.0.1'), child });
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`serve exited with ${code}: ${out}`));
    });
  });
}

describe('a commons of 10,000 members after a restart, on SQLite, in a real server process', () => {
  let target: Target;
  let seeded: SeededCommons;
  let server: { url: string; child: ChildProcess } | undefined;
  beforeAll(async () => {
    if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build (npm test does) first`);
    target = newTarget('sqlite');
    seeded = await seed(target);
    server = await serve(target);
  }, 300_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    if (target) await dropTarget(target);
  });

  it('serves the overview and a proposal page, takes a position, and stays within the memory bound', async () => {
    const { url, child } = server!;
    const get = async (path: string) => {
      const r = await fetch(`${url}${path}`);
      expect(r.status, path).toBe(200);
      return (await r.json()) as Record<string, unknown>;
    };
    const overview = await get(`/api/v1/commons/${seeded.id}`);
    expect(overview.integrity).toEqual({ ok: true });
    const pid = seeded.proposalIds[0]!;
    const proposal = await get(`/api/v1/commons/${seeded.id}/proposals/${pid}`);
    expect(proposal).toMatchObject({ electorate: MEMBERS + 1, status: 'open', positionCount: 2_000 });
    const put = await fetch(`${url}/api/v1/commons/${seeded.id}/proposals/${pid}/position`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${seeded.tokens[0]}`, 'content-type': 'application/json' },
      body: JSON.stringify({ stance: 'agree', reason: 'yes' }),
    });
    expect(put.status, await put.clone().text()).toBe(200);
    expect(((await put.json()) as { positionCount: number }).positionCount).toBe(2_001);
    const rss = rssMiB(child.pid!);
    console.log(
      `scale: resident memory of the server after serving ${MEMBERS} members: ${rss.toFixed(0)} MiB`,
    );
    expect(rss, `resident memory ${rss.toFixed(0)} MiB`).toBeLessThan(MEMORY_BOUND_MIB);
  });
});

const pgOk = await requirePostgres('the scale test on PostgreSQL');

describe.skipIf(!pgOk)('a commons of 10,000 members after a restart, on PostgreSQL', () => {
  let target: Target;
  let seeded: SeededCommons;
  beforeAll(async () => {
    target = newTarget('postgres');
    seeded = await seed(target);
  }, 300_000);
  afterAll(async () => {
    if (target) await dropTarget(target);
  });

  it('a new server verifies and serves it', async () => {
    const ctx = await createContext({
      dataDir: target.dataDir,
      port: 0,
      logLevel: 'silent',
      closeIntervalMs: 0,
      databaseUrl: target.databaseUrl,
      databaseSchema: target.schema,
      webDist: join(target.dataDir, 'no-web'),
    });
    const app = await buildApp(ctx);
    try {
      const overview = await app.inject({ url: `/api/v1/commons/${seeded.id}` });
      expect(overview.statusCode).toBe(200);
      expect(overview.json().integrity).toEqual({ ok: true });
      const pid = seeded.proposalIds[0]!;
      const proposal = await app.inject({ url: `/api/v1/commons/${seeded.id}/proposals/${pid}` });
      expect(proposal.json()).toMatchObject({ electorate: MEMBERS + 1, positionCount: 2_000 });
    } finally {
      await app.close();
      await ctx.store.close();
    }
  });
});
