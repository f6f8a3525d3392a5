// HTTP benchmark: positions recorded per second through the API with 64 concurrent connections from a separate
// load process, on SQLite and PostgreSQL, against a bare node:http JSON endpoint as the ratio's denominator.
// Usage: npm run bench -- http   (BENCH_SECONDS, BENCH_CONNECTIONS change the run)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const here = dirname(fileURLToPath(import.meta.url));
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 64);

function startServer(
  mode: string,
): Promise<{ child: ChildProcess; info: { url: string; path: string; tokens: string[]; schema?: string } }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(here, 'http-server.ts'), mode, String(connections)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', (line) => resolve({ child, info: JSON.parse(line) }));
    child.once('exit', (code) => reject(new Error(`${mode} server exited with ${code}`)));
  });
}

const bodies = ['agree', 'abstain', 'disagree', 'agree'].map((stance, i) =>
  JSON.stringify({ stance, reason: `benchmark reason ${i}` }),
);
const results: Record<
  string,
  { perSecond: number; p50: number; p99: number; errors: number; firstError: string }
> = {};
for (const mode of ['bare', 'sqlite', 'postgres']) {
  let server;
  try {
    server = await startServer(mode);
  } catch (e) {
    console.error(`bench http: ${mode} could not start: ${String(e)}`);
    continue;
  }
  const plan = {
    url: server.info.url,
    path: server.info.path,
    method: 'PUT',
    tokens: server.info.tokens,
    bodies,
    connections,
    seconds,
  };
  const load = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(here, 'http-load.ts'), JSON.stringify(plan)],
    { encoding: 'utf8' },
  );
  server.child.kill('SIGTERM');
  if (load.status !== 0) {
    console.error(`bench http: load against ${mode} failed: ${load.stderr}`);
    continue;
  }
  const result: (typeof results)[string] = JSON.parse(load.stdout.trim().split('\n').pop()!);
  results[mode] = result;
  if (server.info.schema) {
    const c = new pg.Client({
      connectionString: process.env.PEERGOV_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS ${server.info.schema} CASCADE`);
    await c.end();
  }
  console.log(
    `${mode.padEnd(9)} ${String(result.perSecond).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms  errors ${result.errors} ${result.firstError}`,
  );
}
const bare = results.bare?.perSecond;
console.log(
  `\nmachine: ${cpus().length} x ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${connections} connections, ${seconds} s`,
);
console.log('| target | positions/s | p50 ms | p99 ms | share of bare node:http |');
console.log('| --- | --- | --- | --- | --- |');
for (const [mode, r] of Object.entries(results)) {
  console.log(
    `| ${mode} | ${r.perSecond} | ${r.p50} | ${r.p99} | ${bare ? (r.perSecond / bare).toFixed(3) : '-'} |`,
  );
}
