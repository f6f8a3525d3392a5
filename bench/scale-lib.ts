// What the scale benchmarks (spread, hot, mixed, instance) share: sizes from the environment (BENCH_QUICK=1 divides
// the data sizes by 100), child processes bounded by the run's deadline (BENCH_TIMEOUT_S, default 600 s) that say
// whether they ran out of memory or out of time, the seeder, the servers and the load process, and the tables.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LoadPlan, LoadResult } from './scale-load';
import type { SeedPlan, SeedResult, Target } from './seed';

export const here = dirname(fileURLToPath(import.meta.url));
export const quick = process.env.BENCH_QUICK === '1';
const startedAt = Date.now();
const deadline = startedAt + Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;

/** A data size: $name if set, else `full` (divided by 100, at least 1, in quick mode). */
export function size(name: string, full: number): number {
  const set = process.env[name];
  if (set !== undefined && set !== '') return Number(set);
  return quick ? Math.max(1, Math.round(full / 100)) : full;
}
export const seconds = Number(process.env.BENCH_SECONDS ?? (quick ? 3 : 10));
export const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);
/** The stores to run on, in order (BENCH_STORES=sqlite runs one). */
export const stores = (process.env.BENCH_STORES ?? 'sqlite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is Target['kind'] => s === 'sqlite' || s === 'postgres');

/** Milliseconds left before the run's deadline. */
export const remainingMs = (): number => Math.max(0, deadline - Date.now());

const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
export const loadAtStart = load();

/** The machine line printed under every table. */
export function machineLine(): string {
  return (
    `machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ` +
    `load average at start ${loadAtStart}, at end ${load()}; ${new Date(startedAt).toISOString()}${quick ? '; BENCH_QUICK=1' : ''}`
  );
}

/** How a child process ended. */
export interface Ended {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  outOfMemory: boolean;
  ms: number;
}

/** Why a child failed, in a few words for the table, or null if it exited 0. */
export function failureOf(label: string, e: Ended): string | null {
  if (e.outOfMemory) return `${label}: OUT OF MEMORY after ${(e.ms / 1000).toFixed(0)} s`;
  if (e.timedOut) return `${label}: TIMED OUT after ${(e.ms / 1000).toFixed(0)} s (deadline of the run)`;
  if (e.status === 0) return null;
  const lines = e.stderr.trim().split('\n');
  const error = lines.find((l) => /Error\b/.test(l)) ?? lines.slice(-3).join(' / ');
  return `${label}: exit ${e.status ?? e.signal} (${error.trim().slice(0, 400)})`;
}

const oom = (stderr: string, signal: NodeJS.Signals | null, status: number | null) =>
  /heap out of memory|Allocation failed|ENOMEM|Cannot allocate memory/.test(stderr) ||
  signal === 'SIGKILL' ||
  signal === 'SIGABRT' ||
  status === 134;

const children = new Set<ChildProcess>();
// A benchmark that fails must not leave its servers running.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** Runs a process to its end or until the run's deadline (then killed); stdout and stderr kept. */
export function run(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; echo?: boolean } = {},
): Promise<Ended> {
  const started = performance.now();
  const child = spawn(args[0] ?? process.execPath, args.slice(1), {
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (options.echo) process.stderr.write(c);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, remainingMs());
  return new Promise((resolve) => {
    child.once('exit', (status, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({
        status,
        signal,
        stdout,
        stderr,
        timedOut,
        outOfMemory: !timedOut && oom(stderr, signal, status),
        ms: performance.now() - started,
      });
    });
  });
}

export const tsx = (file: string, ...args: string[]): string[] => [
  process.execPath,
  '--import',
  'tsx',
  join(here, file),
  ...args,
];

function planFile(plan: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'peergov-scale-plan-'));
  const file = join(dir, 'plan.json');
  writeFileSync(file, JSON.stringify(plan));
  return file;
}

/** Seeds a target in its own process: the result, or why it failed (out of memory, out of time). */
export async function seed(
  plan: SeedPlan,
): Promise<{ result: SeedResult } | { failure: string; ended: Ended }> {
  const file = planFile(plan);
  const ended = await run(tsx('seed.ts', `@${file}`), { echo: true });
  rmSync(dirname(file), { recursive: true, force: true });
  const failure = failureOf('seed', ended);
  if (failure) return { failure, ended };
  return { result: JSON.parse(ended.stdout.trim().split('\n').pop() ?? '{}') as SeedResult };
}

/** A server process that printed its URL, and how it ended (once it has). */
export interface Server {
  child: ChildProcess;
  url: string;
  /** Milliseconds from spawn to the line that says where it listens. */
  startMs: number;
  ended: Promise<Ended>;
  stop(): Promise<Ended>;
}

/**
 * Spawns a server and waits for the line naming its URL: a JSON line ({ url }) or `peergov serve`'s "running at".
 * Rejects with the reason (out of memory, out of time, exit) if it ends first.
 */
export function startServer(args: string[], env?: NodeJS.ProcessEnv): Promise<Server> {
  const started = performance.now();
  const child = spawn(args[0] ?? process.execPath, args.slice(1), {
    env: env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
    if (stderr.length > 1 << 20) stderr = stderr.slice(-65536);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, remainingMs());
  const ended = new Promise<Ended>((resolve) =>
    child.once('exit', (status, signal) => {
      clearTimeout(timer);
      children.delete(child);
      resolve({
        status,
        signal,
        stdout,
        stderr,
        timedOut,
        outOfMemory: !timedOut && oom(stderr, signal, status),
        ms: performance.now() - started,
      });
    }),
  );
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      stdout += `${line}\n`;
      const url = line.startsWith('{')
        ? (JSON.parse(line) as { url: string }).url
        : /running at (http:\/\/\S+)/.exec(line)?.[1]?.replace('localhost', '127.0.0.1');
      if (!url) return;
      resolve({
        child,
        url,
        startMs: performance.now() - started,
        ended,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
          const e = await ended;
          clearTimeout(kill);
          return e;
        },
      });
    });
    void ended.then((e) => reject(new Error(failureOf('server', e) ?? 'server: exited before listening')));
  });
}

export const startBare = (): Promise<Server> => startServer(tsx('scale-server.ts', 'bare'));
/** BENCH_SERVER_NODE_ARGS: extra Node flags for the peergov server only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/p`). */
const serverNodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
export const startPeergov = (target: Target): Promise<Server> => {
  const [node, ...rest] = tsx('scale-server.ts', 'peergov', JSON.stringify(target));
  return startServer([node!, ...serverNodeArgs, ...rest]);
};

/**
 * Runs the load process against a server: its result, or why it failed. A server that ends meanwhile (out of
 * memory, say) is the failure named.
 */
export async function loadServer(
  server: Server,
  plan: Omit<LoadPlan, 'url'>,
  prime: string[] = [],
): Promise<{ result: LoadResult; primeMs: number; serverCpuMs?: number } | { failure: string }> {
  // The first load of each commons (verify and fold its log) is timed on its own, not inside the measured window.
  const primed = performance.now();
  for (const path of prime) {
    try {
      const r = await fetch(server.url + path, { signal: AbortSignal.timeout(Math.max(1, remainingMs())) });
      const text = await r.text();
      if (!r.ok) return { failure: `first load, GET ${path}: ${r.status} ${text.slice(0, 300)}` };
    } catch (e) {
      return {
        failure:
          failureOf('server', await Promise.race([server.ended, sleepThen(2000)])) ??
          `first load, GET ${path}: ${String(e)}`,
      };
    }
  }
  const primeMs = performance.now() - primed;
  const file = planFile({ ...plan, url: server.url });
  const pid = server.child.pid;
  const cpuBefore = pid === undefined ? NaN : await cpuMs(pid);
  const loading = run(tsx('scale-load.ts', file));
  const first = await Promise.race([
    loading.then((e) => ({ load: e })),
    server.ended.then((e) => ({ server: e })),
  ]);
  rmSync(dirname(file), { recursive: true, force: true });
  if ('server' in first) {
    const e = await loading;
    void e;
    return { failure: failureOf('server', first.server) ?? 'server: exited during the load' };
  }
  const failure = failureOf('load', first.load);
  if (failure) return { failure };
  // The server's CPU time (all its threads) over the load process's run, warm-up included.
  const serverCpuMs = pid === undefined ? NaN : (await cpuMs(pid)) - cpuBefore;
  return {
    result: JSON.parse(first.load.stdout.trim().split('\n').pop() ?? '{}') as LoadResult,
    primeMs,
    serverCpuMs,
  };
}

const sleepThen = (ms: number): Promise<Ended> =>
  new Promise((resolve) =>
    setTimeout(
      () =>
        resolve({ status: 0, signal: null, stdout: '', stderr: '', timedOut: false, outOfMemory: false, ms }),
      ms,
    ),
  );

/** Resident memory of a process in MiB (Linux: /proc). */
export async function rssMiB(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] ? Math.round(Number(m[1]) / 1024) : NaN;
}

/** CPU time (user + system) a process has used, in ms (Linux: /proc, clock ticks of 10 ms). */
export async function cpuMs(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** One row of a throughput table. */
export interface Row {
  target: string;
  result?: LoadResult;
  /** How long the first GET of each commons took, before the measured window. */
  primeMs?: number;
  /** The server process's CPU time over the load run (warm-up included), in ms. */
  serverCpuMs?: number;
  failure?: string;
}

/** Prints the table (ours, baseline, ratio, p50, p99, errors) and returns whether every row succeeded cleanly. */
export function printThroughput(title: string, rows: Row[], extra?: (r: LoadResult) => string): boolean {
  const bare = rows.find((r) => r.target === 'bare node:http')?.result?.perSecond;
  console.log(`\n${title}`);
  console.log(
    `| target | requests/s | bare node:http requests/s | ratio | p50 ms | p99 ms | errors |${extra ? ' notes |' : ''}`,
  );
  console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: |${extra ? ' --- |' : ''}`);
  let clean = true;
  for (const r of rows) {
    if (!r.result) {
      clean = false;
      console.log(
        `| ${r.target} | ${r.failure ?? 'failed'} | ${bare ?? '-'} | - | - | - | - |${extra ? ' |' : ''}`,
      );
      continue;
    }
    const x = r.result;
    // A window with no answer at all has no percentiles (NaN, written as null).
    const f = (v: number | null) => (v === null || Number.isNaN(v) ? '-' : v);
    if (x.errors > 0 || x.followers.errors > 0) clean = false;
    console.log(
      `| ${r.target} | ${x.perSecond} | ${bare ?? '-'} | ${bare ? (x.perSecond / bare).toFixed(3) : '-'} | ${f(x.p50)} | ${f(x.p99)} | ${x.errors} |${extra ? ` ${extra(x)} |` : ''}`,
    );
  }
  for (const r of rows)
    if (r.primeMs !== undefined && r.target !== 'bare node:http')
      console.log(
        `${r.target}: first load of the commons (one GET each, before the run): ${r.primeMs.toFixed(0)} ms`,
      );
  // CPU per request: less sensitive than requests/s to what else the machine runs (others share it).
  for (const r of rows) {
    if (r.result && r.serverCpuMs !== undefined && Number.isFinite(r.serverCpuMs) && r.result.perSecond > 0) {
      const runSeconds = seconds;
      const perRequest = r.serverCpuMs / (r.result.perSecond * runSeconds);
      console.log(
        `${r.target}: server CPU ${(r.serverCpuMs / 1000).toFixed(1)} s over the ${runSeconds} s run, about ` +
          `${perRequest.toFixed(3)} ms per request (at the window's rate)`,
      );
    }
  }
  for (const r of rows) {
    if (r.result?.firstError)
      console.error(`FAILED: ${r.target}: non-2xx answers, first: ${r.result.firstError}`);
    if (r.result?.followers.firstError)
      console.error(`FAILED: ${r.target}: live-update streams: ${r.result.followers.firstError}`);
    if (r.failure) console.error(`FAILED: ${r.target}: ${r.failure}`);
  }
  console.log(machineLine());
  return clean;
}

/** The three stances in turn: each request changes the connection's position, so each one writes. */
export const stanceBodies = ['agree', 'abstain', 'disagree'].map((stance, i) =>
  JSON.stringify({ stance, reason: `scale benchmark reason ${i}` }),
);
