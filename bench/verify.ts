// `npm run bench -- verify`: the streaming verify (issue 10) on a log of 200,000 records (BENCH_RECORDS, rounded to
// an even number: a founding, half admissions, a proposal, half positions, seeded through the store by
// bench/seed.ts as the write path writes them) on SQLite and PostgreSQL. Timed, BENCH_RUNS times each (default 3,
// median and best shown): (a) raw hashing, SHA-256 of every record body read from the store in the same chunks
// (VERIFY_CHUNK, a macrotask between them); (b) LogService.verify without documents, checked in the verify worker
// (the default at this size), (b1) the same in this thread; (c) with documents (the state folded chunk by chunk and
// every read-model document compared, a page at a time), in the worker, (c1) in this thread. Each with its time and
// its ratio to (a), its CPU time over every thread (process.cpuUsage, the worker's included) and its ratio to (a)'s
// (what the wall-clock ratio owes to the second core shows there), the growth of the
// resident set over the process's before it (sampled every 5 ms) and the longest the event loop was held
// (monitorEventLoopDelay, 10 ms resolution, and the longest gap between 1 ms timer ticks). Last, once, what verify
// did before for comparison: readLog and verifyStored over the whole log in one synchronous call.
import { hash } from 'node:crypto';
import { loadavg, cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { dropTarget, newTarget, openTarget, seedCommons, type Target } from './seed';
import { loadSigningKeys } from '../packages/server/src/keys';
import { LogService, VERIFY_CHUNK, verifyStored } from '../packages/server/src/log-service';
import type { Store } from '@peergov/store';

const RECORDS = Number(process.env.BENCH_RECORDS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const half = Math.max(1, Math.floor((RECORDS - 2) / 2));
const commonsId = 'cverify';

const gc = () => (globalThis as { gc?: () => void }).gc?.();
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

interface Measure {
  ms: number;
  /** CPU time of the whole process (every thread, the verify worker's too), user + system. */
  cpuMs: number;
  rssGrowth: number;
  maxDelayMs: number;
  maxGapMs: number;
}

/** Runs `work` once, timing it and sampling the resident set and the event loop meanwhile. */
async function measure(work: () => Promise<unknown>): Promise<Measure> {
  gc();
  await nextTurn();
  const base = process.memoryUsage().rss;
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  let last = performance.now();
  let gap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    gap = Math.max(gap, now - last);
    last = now;
  }, 1);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  last = t0;
  try {
    await work();
  } finally {
    loop.disable();
    clearInterval(sampler);
    clearInterval(ticker);
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  peak = Math.max(peak, process.memoryUsage().rss);
  gap = Math.max(gap, performance.now() - last);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssGrowth: peak - base,
    maxDelayMs: loop.max / 1e6,
    maxGapMs: gap,
  };
}

/** (a): every body read in the verify's chunks and hashed, nothing else. */
async function rawHashing(store: Store, size: number): Promise<void> {
  for (let from = 0; from < size;) {
    const chunk = await store.readRecords(commonsId, from, Math.min(VERIFY_CHUNK, size - from));
    if (chunk.length === 0) throw new Error(`no records from ${from}`);
    for (const r of chunk) hash('sha256', r.body, 'hex');
    from += chunk.length;
    await nextTurn();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const best = (xs: number[]) => Math.min(...xs);

async function run(kind: Target['kind']): Promise<string[]> {
  const target = newTarget(kind);
  const store = openTarget(target);
  try {
    await store.migrate();
    const keys = loadSigningKeys(target.dataDir);
    const t0 = performance.now();
    const seeded = await seedCommons(store, keys, {
      id: commonsId,
      members: half,
      proposals: 1,
      positions: half,
      tokens: 0,
    });
    const size = seeded.records;
    const name = kind === 'sqlite' ? 'SQLite' : 'PostgreSQL';
    console.log(`${name}: seeded ${size} records in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const logs = new LogService(store, keys.publicKey);
    const verifyCase =
      (docs: boolean, worker: boolean): (() => Promise<unknown>) =>
      async () => {
        const r = await logs.verify(commonsId, { docs, worker });
        if (!r.ok || r.size !== size || r.docsNotCompared) throw new Error(`verify: ${JSON.stringify(r)}`);
      };
    const cases: [string, () => Promise<unknown>][] = [
      ['(a) raw hashing (read + SHA-256)', () => rawHashing(store, size)],
      ['(b) verify, no documents (worker, the default)', verifyCase(false, true)],
      ['(b1) verify, no documents, in this thread', verifyCase(false, false)],
      ['(c) verify with documents (worker, the default)', verifyCase(true, true)],
      ['(c1) verify with documents, in this thread', verifyCase(true, false)],
    ];
    // Warm-up: one of each.
    for (const [, work] of cases) await work();
    const results = new Map<string, Measure[]>(cases.map(([label]) => [label, []]));
    // Interleaved, so that the machine's load falls on each alike.
    for (let i = 0; i < RUNS; i++)
      for (const [label, work] of cases) results.get(label)!.push(await measure(work));
    const rawMs = median(results.get(cases[0]![0])!.map((m) => m.ms));
    const rawCpu = median(results.get(cases[0]![0])!.map((m) => m.cpuMs));
    const rows = [...results].map(([label, ms]) => {
      const times = ms.map((m) => m.ms);
      const cpu = median(ms.map((m) => m.cpuMs));
      // Ratios of medians, and the ratio of the runs' sums (each run of a case beside the raw run of its round).
      return `| ${name} | ${label} | ${(median(times) / 1000).toFixed(2)} s (best ${(best(times) / 1000).toFixed(2)}) | ${(median(times) / rawMs).toFixed(2)}x | ${(cpu / 1000).toFixed(2)} s, ${(cpu / rawCpu).toFixed(2)}x | ${mib(Math.max(...ms.map((m) => m.rssGrowth)))} MiB | ${Math.max(...ms.map((m) => m.maxDelayMs)).toFixed(0)} ms / ${Math.max(...ms.map((m) => m.maxGapMs)).toFixed(0)} ms |`;
    });
    // What verify did before: the whole log read in one transaction and checked in one synchronous call.
    const old = await measure(async () => {
      const log = await store.readLog(commonsId);
      const r = verifyStored(commonsId, log!, keys.publicKey);
      if (!r.ok) throw new Error(`verifyStored: ${JSON.stringify(r)}`);
    });
    rows.push(
      `| ${name} | before: readLog + verifyStored, with documents (once) | ${(old.ms / 1000).toFixed(2)} s | ${(old.ms / rawMs).toFixed(2)}x | ${(old.cpuMs / 1000).toFixed(2)} s, ${(old.cpuMs / rawCpu).toFixed(2)}x | ${mib(old.rssGrowth)} MiB | ${old.maxDelayMs.toFixed(0)} ms / ${old.maxGapMs.toFixed(0)} ms |`,
    );
    for (const row of rows) console.log(row);
    return rows;
  } finally {
    await store.close();
    await dropTarget(target);
  }
}

console.log(
  `machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${RECORDS} records, chunks of ${VERIFY_CHUNK}, ${RUNS} runs each`,
);
const rows: string[] = [];
for (const kind of ['sqlite', 'postgres'] as const) {
  try {
    rows.push(...(await run(kind)));
  } catch (e) {
    if (kind === 'postgres' && /ECONNREFUSED|connect/.test(String(e))) {
      console.log(`PostgreSQL: not reachable (${(e as Error).message}); skipped`);
      continue;
    }
    throw e;
  }
}
console.log(
  '\n| store | what | time (median of runs) | to raw | CPU, all threads (median), to raw | RSS growth (max) | event loop held: max delay / max timer gap |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) console.log(row);
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
