// `npm run bench -- heap` (issue 10): which bound on V8's heap keeps the server's resident memory bounded, and at what
// cost. Seeds one SQLite instance (BENCH_COMMONS small commons of 20 members, default 10,000, and one of
// BENCH_BIG_MEMBERS / BENCH_BIG_PROPOSALS / BENCH_BIG_POSITIONS, defaults 100,000 / 10,000 / 10,000), or takes the data
// dir BENCH_DATA_DIR seeded before; then for each variant of BENCH_HEAP_VARIANTS (rounds of them interleaved,
// BENCH_ROUNDS, default 2) starts the built `peergov serve`, loads the big commons from nothing (its snapshot deleted
// first), touches BENCH_TOUCH small commons (default 6,000: overview and proposal page, 8 fetchers at once), and
// prints one JSON line: the big commons' first load, pages per second, the server's CPU time (all threads), resident
// memory after touching and after 10 s idle, idle CPU. Variants: `default` (the server's own bound), `none`
// (PEERGOV_HEAP_GROWING_PERCENT=0), `envN` (=N), `size` (--optimize-for-size, no bound), `oldN`
// (--max-old-space-size=N), `semiN` (--max-semi-space-size=N). BENCH_BIN: another built bin (e.g. a copy, so
// that a rebuild meanwhile does not pull chunks from under a running server).
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { cpuMs, here, machineLine, rssMiB, seed, size, startServer } from './scale-lib';
import { execFileSync } from 'node:child_process';
import { newTarget } from './seed';

const repo = resolve(here, '..');
const bin = process.env.BENCH_BIN ?? join(repo, 'packages/cli/dist/peergov.js');
if (!process.env.BENCH_BIN)
  execFileSync(process.execPath, [join(repo, 'packages/cli/build.mjs')], { stdio: 'inherit' });
const small = size('BENCH_COMMONS', 10_000);
const touch = Math.min(small, size('BENCH_TOUCH', 6_000));
const target = process.env.BENCH_DATA_DIR
  ? { kind: 'sqlite' as const, dataDir: process.env.BENCH_DATA_DIR }
  : newTarget('sqlite');
if (!process.env.BENCH_DATA_DIR) {
  const s = await seed({
    target,
    groups: [
      { prefix: 'c', count: small, shape: { members: 20, proposals: 1, positions: 0, tokens: 0 } },
      {
        prefix: 'big',
        count: 1,
        shape: {
          members: size('BENCH_BIG_MEMBERS', 100_000),
          proposals: size('BENCH_BIG_PROPOSALS', 10_000),
          positions: size('BENCH_BIG_POSITIONS', 10_000),
          tokens: 0,
        },
      },
    ],
  });
  if ('failure' in s) throw new Error(s.failure);
  console.log(
    `seeded into ${target.dataDir}: ${s.result.records} records in ${s.result.seconds.toFixed(0)} s`,
  );
}
const variants: [string, string[], Record<string, string>][] = (
  process.env.BENCH_HEAP_VARIANTS ?? 'default;none;size'
)
  .split(';')
  .map((v) => {
    if (v === 'size') return [v, ['--optimize-for-size'], { PEERGOV_HEAP_GROWING_PERCENT: '0' }];
    if (v === 'none') return [v, [], { PEERGOV_HEAP_GROWING_PERCENT: '0' }];
    if (v === 'default') return [v, [], {}];
    const e = /^env(\d+)$/.exec(v);
    if (e) return [v, [], { PEERGOV_HEAP_GROWING_PERCENT: e[1]! }];
    const o = /^old(\d+)$/.exec(v);
    if (o) return [v, [`--max-old-space-size=${o[1]}`], { PEERGOV_HEAP_GROWING_PERCENT: '0' }];
    const s = /^semi(\d+)$/.exec(v);
    if (s) return [v, [`--max-semi-space-size=${s[1]}`], {}];
    throw new Error(
      `BENCH_HEAP_VARIANTS: no variant ${JSON.stringify(v)} (default, none, envN, size, oldN, semiN)`,
    );
  });
for (let round = 0; round < Number(process.env.BENCH_ROUNDS ?? 2); round++)
  for (const [name, args, env] of variants) {
    const db = new Database(join(target.dataDir, 'peergov.sqlite'));
    db.exec('DELETE FROM snapshots');
    db.close();
    const server = await startServer(
      [process.execPath, ...args, bin, 'serve', '--data-dir', target.dataDir, '--port', '0'],
      { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    );
    const pid = server.child.pid!;
    const cpu0 = await cpuMs(pid);
    const t0 = performance.now();
    const r = await fetch(`${server.url}/api/v1/commons/big0`);
    await r.arrayBuffer();
    const bigMs = performance.now() - t0;
    await fetch(`${server.url}/api/v1/commons/big0/proposals/p0`).then((x) => x.arrayBuffer());
    let next = 0;
    const t1 = performance.now();
    let peak = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (;;) {
          const i = next++;
          if (i >= touch) return;
          const c = `c${(i * 7919) % small}`;
          for (const p of [`/api/v1/commons/${c}`, `/api/v1/commons/${c}/proposals/p0`]) {
            const x = await fetch(server.url + p);
            await x.arrayBuffer();
            if (!x.ok) throw new Error(`${p}: ${x.status}`);
          }
          if (i % 500 === 0) peak = Math.max(peak, await rssMiB(pid));
        }
      }),
    );
    const touchMs = performance.now() - t1;
    const cpuLoad = (await cpuMs(pid)) - cpu0;
    const rss = await rssMiB(pid);
    const c2 = await cpuMs(pid);
    await sleep(10_000);
    const idle = ((await cpuMs(pid)) - c2) / 100;
    const rssIdle = await rssMiB(pid);
    console.log(
      JSON.stringify({
        round,
        name,
        bigFirstLoadMs: Math.round(bigMs),
        touchPagesPerS: Math.round((touch * 2) / (touchMs / 1000)),
        serverCpuS: (cpuLoad / 1000).toFixed(1),
        rssAfterTouch: rss,
        peakSampled: Math.max(peak, rss),
        idleCpuPct: idle.toFixed(1),
        rssAfterIdle: rssIdle,
        load: (await import('node:os'))
          .loadavg()
          .map((x) => x.toFixed(1))
          .join(' '),
      }),
    );
    await server.stop();
  }
console.log(machineLine());
// A data dir this run seeded goes; one given stays.
if (!process.env.BENCH_DATA_DIR) rmSync(target.dataDir, { recursive: true, force: true });
