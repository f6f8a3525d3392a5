// `npm run bench -- instance` (issue 10): a busy instance, BENCH_COMMONS commons (default 10,000) of BENCH_MEMBERS
// members (default 20) with one open proposal each, plus one commons of BENCH_BIG_MEMBERS members (default 100,000)
// with BENCH_BIG_PROPOSALS open proposals (default 10,000), the first with BENCH_BIG_POSITIONS positions (default
// 10,000), seeded through the store (bench/seed.ts). Then, on each store: start-up of a real server process (on
// SQLite the built `peergov serve`, as `npm start` runs it; on PostgreSQL bench/scale-server.ts through tsx, since
// `peergov serve` cannot name a schema), resident memory after start, idle CPU over 10 s (the closer of due
// proposals runs at its default interval), p50/p99 of the commons list, an overview and a proposal page (the big
// commons' and small ones'), resident memory after touching every commons and proposal, idle CPU again, one
// inclusion proof of the big commons; a second start and the big commons' first load then (from the snapshot the
// first server wrote); after the server stops, `peergov verify` of the big commons (PostgreSQL: the
// same check, verifyStored, in its own process). In quick mode `peergov verify` checks the whole seeded database:
// it must verify, which is how the seeder's logs are checked. Every non-2xx answer or failed check fails the run.
// BENCH_PAGE_REQUESTS (default 100), BENCH_TOUCH_S (default 120), BENCH_STORES, BENCH_QUICK=1, BENCH_TIMEOUT_S.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import {
  cpuMs,
  failureOf,
  here,
  machineLine,
  quick,
  remainingMs,
  run,
  rssMiB,
  seed,
  size,
  startPeergov,
  startServer,
  stores,
  tsx,
  type Server,
} from './scale-lib';
import { dropTarget, newTarget, type Target } from './seed';

const smallCount = size('BENCH_COMMONS', 10_000);
const smallMembers = size('BENCH_MEMBERS', 20);
const bigMembers = size('BENCH_BIG_MEMBERS', 100_000);
const bigProposals = size('BENCH_BIG_PROPOSALS', 10_000);
const bigPositions = size('BENCH_BIG_POSITIONS', 10_000);
const pageRequests = Number(process.env.BENCH_PAGE_REQUESTS ?? (quick ? 20 : 100));
const touchMs = Number(process.env.BENCH_TOUCH_S ?? 120) * 1000;
const repo = resolve(here, '..');
const bin = join(repo, 'packages/cli/dist/peergov.js');
const big = 'big0';

/** Metric name -> value per store, in the order first set. */
const table = new Map<string, Map<string, string>>();
const goals = new Map<string, string>();
const failures: string[] = [];
const put = (store: string, metric: string, value: string, goal?: string) => {
  if (!table.has(metric)) table.set(metric, new Map());
  table.get(metric)!.set(store, value);
  if (goal) goals.set(metric, goal);
};
const fail = (store: string, what: string) => {
  failures.push(`${store}: ${what}`);
  put(store, 'failure', what);
};

function dirBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    total += st.isDirectory() ? dirBytes(join(dir, name)) : st.size;
  }
  return total;
}

async function storeBytes(target: Target): Promise<number> {
  if (target.kind === 'sqlite') return dirBytes(target.dataDir);
  const c = new pg.Client({ connectionString: target.databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query<{ bytes: string }>(
      `SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) AS bytes FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relkind = 'r'`,
      [target.schema],
    );
    return Number(rows[0]?.bytes ?? 0);
  } finally {
    await c.end();
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const alive = (s: Server) => s.child.exitCode === null && s.child.signalCode === null;

/** Sequential GETs (path by index), at most `n` or until `capMs`: p50, p99, max; throws on a non-2xx answer. */
async function timeGets(url: string, path: (i: number) => string, n: number, capMs: number) {
  const times: number[] = [];
  const until = performance.now() + Math.min(capMs, remainingMs() - 30_000);
  let bytes = 0;
  for (let i = 0; i < n && performance.now() < until; i++) {
    const t = performance.now();
    const r = await fetch(url + path(i));
    const body = await r.arrayBuffer();
    if (!r.ok) throw new Error(`GET ${path(i)}: ${r.status} ${Buffer.from(body).toString().slice(0, 300)}`);
    bytes = body.byteLength;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const q = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? NaN;
  return { n: times.length, p50: q(0.5), p99: q(0.99), max: times[times.length - 1] ?? NaN, bytes };
}
const ms = (x: number) => (Number.isNaN(x) ? '-' : x < 10 ? x.toFixed(2) : x.toFixed(0));

async function idleCpu(server: Server): Promise<string> {
  const pid = server.child.pid!;
  const before = await cpuMs(pid);
  for (let t = 0; t < 10 && alive(server); t++) await sleep(1000);
  if (!alive(server)) throw new Error(failureOf('server', await server.ended) ?? 'server exited while idle');
  return `${((((await cpuMs(pid)) - before) / 10_000) * 100).toFixed(1)}% of a core`;
}

/** A real server process on the target (see the header). */
function startFor(kind: Target['kind'], target: Target): Promise<Server> {
  return kind === 'sqlite'
    ? startServer(
        [process.execPath, bin, 'serve', '--data-dir', target.dataDir, '--port', '0', '--host', '127.0.0.1'],
        { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' },
      )
    : startPeergov(target);
}

/**
 * A second start, after the first server loaded the big commons (and wrote its snapshot in the background): how
 * long the big commons' first load takes now, from its snapshot and the records after it.
 */
async function restarted(kind: Target['kind'], target: Target): Promise<void> {
  let server: Server;
  try {
    server = await startFor(kind, target);
  } catch (e) {
    return fail(kind, `restart: ${String(e)}`);
  }
  try {
    put(kind, 'restart: start-up (spawn to listening)', `${ms(server.startMs)} ms`, '< 2,000 ms');
    const first = await timeGets(server.url, () => `/api/v1/commons/${big}`, 1, 120_000);
    put(
      kind,
      'restart: first load of the big commons (its overview, from the snapshot)',
      `${ms(first.max)} ms`,
    );
    const page = await timeGets(
      server.url,
      () => `/api/v1/commons/${big}/proposals/p0`,
      pageRequests,
      60_000,
    );
    put(
      kind,
      'restart: proposal page of the big commons (p0): p50 / p99 / max',
      `${ms(page.p50)} / ${ms(page.p99)} / ${ms(page.max)} ms`,
      'p99 < 50 ms',
    );
    put(
      kind,
      'restart: resident memory after the big commons',
      `${await rssMiB(server.child.pid!)} MiB`,
      '< 512 MiB',
    );
  } catch (e) {
    fail(kind, `restart: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await server.stop();
  }
}

async function measure(kind: Target['kind'], target: Target, bigSize: number): Promise<void> {
  const s = kind;
  let server: Server;
  try {
    server = await startFor(kind, target);
  } catch (e) {
    return fail(s, `start: ${String(e)}`);
  }
  const pid = server.child.pid!;
  try {
    put(s, 'start-up (spawn to listening)', `${ms(server.startMs)} ms`, '< 2,000 ms');
    put(s, 'resident memory after start', `${await rssMiB(pid)} MiB`, '< 512 MiB');
    put(s, 'idle CPU, first 10 s after start', await idleCpu(server), '< 1%');
    put(s, 'resident memory after those 10 s', `${await rssMiB(pid)} MiB`, '< 512 MiB');
    const pages: [string, (i: number) => string][] = [
      ['GET /api/v1/commons (list)', () => '/api/v1/commons'],
      [`overview of the big commons`, () => `/api/v1/commons/${big}`],
      [`proposal page of the big commons (p0)`, () => `/api/v1/commons/${big}/proposals/p0`],
      ['overview of a small commons', (i) => `/api/v1/commons/c${(i * 7919) % smallCount}`],
      ['proposal page of a small commons', (i) => `/api/v1/commons/c${(i * 7919) % smallCount}/proposals/p0`],
    ];
    for (const [label, path] of pages) {
      const r = await timeGets(server.url, path, pageRequests, quick ? 20_000 : 60_000);
      put(
        s,
        `${label}: p50 / p99 / max`,
        `${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.max)} ms (${r.n} requests, ${(r.bytes / 1024).toFixed(0)} KiB)`,
        'p99 < 50 ms',
      );
    }
    // Every commons' overview and every proposal page, 8 at a time, for at most BENCH_TOUCH_S.
    const paths: string[] = [];
    for (let i = 0; i < smallCount; i++)
      paths.push(`/api/v1/commons/c${i}`, `/api/v1/commons/c${i}/proposals/p0`);
    paths.push(`/api/v1/commons/${big}`);
    for (let p = 0; p < bigProposals; p++) paths.push(`/api/v1/commons/${big}/proposals/p${p}`);
    const touchStart = performance.now();
    const until = touchStart + Math.min(touchMs, remainingMs() - 60_000);
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < paths.length && performance.now() < until && alive(server)) {
          const path = paths[next++]!;
          const r = await fetch(server.url + path);
          await r.arrayBuffer();
          if (!r.ok) throw new Error(`GET ${path}: ${r.status}`);
        }
      }),
    );
    const touched = Math.min(next, paths.length);
    put(
      s,
      'touching every commons and proposal page',
      `${touched} of ${paths.length} GETs in ${((performance.now() - touchStart) / 1000).toFixed(1)} s${touched < paths.length ? ' (stopped at the time limit)' : ''}`,
    );
    if (!alive(server)) throw new Error(failureOf('server', await server.ended) ?? 'server exited');
    put(s, 'resident memory after touching', `${await rssMiB(pid)} MiB`, '< 512 MiB');
    put(s, 'idle CPU, 10 s after touching', await idleCpu(server), '< 1%');
    const proof = await timeGets(
      server.url,
      () => `/api/v1/commons/${big}/log/proof/${Math.floor(bigSize / 2)}`,
      10,
      60_000,
    );
    put(
      s,
      `inclusion proof, big commons (log of ${bigSize} records): p50 / max`,
      `${ms(proof.p50)} / ${ms(proof.max)} ms`,
      '< 5 ms at 1,000,000 records',
    );
    const { readFileSync } = await import('node:fs');
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    put(
      s,
      'peak resident memory of the server',
      hwm ? `${Math.round(Number(hwm) / 1024)} MiB` : '-',
      '< 512 MiB',
    );
  } catch (e) {
    fail(s, `server: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    await server.stop();
  }
}

async function verify(kind: Target['kind'], target: Target): Promise<void> {
  const whole = quick && kind === 'sqlite';
  const ended =
    kind === 'sqlite'
      ? await run(
          [
            process.execPath,
            bin,
            'verify',
            '--data-dir',
            target.dataDir,
            ...(whole ? [] : ['--commons', big]),
          ],
          { env: { ...process.env, DATABASE_URL: '' } },
        )
      : await run(tsx('scale-server.ts', 'verify', JSON.stringify(target), big));
  const label = whole ? 'peergov verify of the whole database' : `verify of the big commons`;
  const failure = failureOf('verify', ended);
  if (failure) return fail(kind, `${label}: ${failure} ${ended.stdout.slice(0, 300)}`);
  put(
    kind,
    `${whole ? '`peergov verify` of the whole seeded database' : kind === 'sqlite' ? '`peergov verify --commons big0`' : 'verifyStored of big0 (what `peergov verify` does)'}`,
    `${(ended.ms / 1000).toFixed(1)} s, ok`,
  );
}

if (stores.includes('sqlite'))
  execFileSync(process.execPath, [join(repo, 'packages/cli/build.mjs')], { stdio: 'inherit' });

for (const kind of stores) {
  const target = newTarget(kind);
  try {
    const seeded = await seed({
      target,
      groups: [
        {
          prefix: 'c',
          count: smallCount,
          shape: { members: smallMembers, proposals: 1, positions: 0, tokens: 0 },
        },
        {
          prefix: 'big',
          count: 1,
          shape: { members: bigMembers, proposals: bigProposals, positions: bigPositions, tokens: 0 },
        },
      ],
    });
    if ('failure' in seeded) {
      fail(
        kind,
        `${seeded.failure} (${
          seeded.ended.stderr
            .trim()
            .split('\n')
            .filter((l) => l.startsWith('seed:'))
            .pop() ?? 'no progress line'
        })`,
      );
      continue;
    }
    const bigSize = seeded.result.commons.find((c) => c.id === big)?.records ?? 0;
    put(
      kind,
      'seeded',
      `${seeded.result.records} records in ${seeded.result.seconds.toFixed(0)} s (big commons: ${bigSize} records)`,
    );
    put(kind, 'size on disk', mib(await storeBytes(target)));
    await measure(kind, target, bigSize);
    if (remainingMs() > 0) await restarted(kind, target);
    if (remainingMs() > 0) await verify(kind, target);
  } finally {
    await dropTarget(target);
  }
}

console.log(
  `\ninstance: ${smallCount} commons of ${smallMembers} members + founder (one open proposal each), and one of ${bigMembers} members + founder with ${bigProposals} open proposals (${bigPositions} positions on the first)`,
);
console.log(`| measure | ${stores.join(' | ')} | goal |`);
console.log(`| --- | ${stores.map(() => '---').join(' | ')} | --- |`);
for (const [metric, values] of table) {
  console.log(
    `| ${metric} | ${stores.map((k) => values.get(k) ?? '-').join(' | ')} | ${goals.get(metric) ?? ''} |`,
  );
}
console.log(machineLine());
for (const f of failures) console.error(`FAILED: ${f}`);
process.exit(failures.length > 0 ? 1 : 0);
