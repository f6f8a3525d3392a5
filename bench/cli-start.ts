// `npm run bench -- cli-start`: how long the built `peergov` (packages/cli/dist/peergov.js, plain node) takes to
// answer, against `node -e 0` in the same run: `--help`, each command's own help (`verify`, `rebuild`, `serve`,
// `admin create-user`), `tally pb --rule mes` on a small Pabulib file (Assen 2024, 5.8 kB), and real runs on a
// SQLite database the bench seeds: `verify` of an empty database (start-up, opening and migrating the store) and
// of a small log (the same plus verifying it), and `export` of that log. Median of BENCH_RUNS runs (default 21),
// runs interleaved so that a burst of load on the machine falls on every command alike. Also, fewer runs, the
// development entry (`tsx packages/cli/src/bin.ts`, what `npm run peergov` runs). Builds the bundle first.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createContext } from '@peergov/server';
import { fixturesDir } from '../packages/methods/test/fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const bin = join(repo, 'packages/cli/dist/peergov.js');
const assen = join(fixturesDir, 'pabulib', 'mes', 'Netherlands_Assen_2024.pb');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const devRuns = Math.max(3, Math.round(runs / 4));
const members = 6;

execFileSync(process.execPath, [join(repo, 'packages/cli/build.mjs')], { stdio: 'inherit' });

/** A SQLite data dir with its signing key: empty, or one commons whose log has a founding and `members` applications. */
async function seed(withLog: boolean): Promise<{ dataDir: string; records: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'peergov-bench-cli-'));
  const ctx = await createContext({ dataDir, port: 0 });
  if (withLog) {
    const founder = await ctx.auth.signUp('founder@bench.local', 'bench password', 'Bench Host');
    await ctx.commons.execute(
      'cbench',
      {
        type: 'CreateCommons',
        commonsId: 'cbench',
        name: 'Bench',
        purpose: '',
        charter: '',
        template: 'do-ocracy',
        displayName: 'Bench Host',
        classes: [],
      },
      founder.id,
    );
    for (let i = 0; i < members; i++) {
      const a = await ctx.auth.signUp(`m${i}@bench.local`, 'bench password', `Member ${i}`);
      await ctx.commons.execute(
        'cbench',
        {
          type: 'ApplyForMembership',
          proposalId: `a${i}`,
          displayName: `Member ${i}`,
          classes: [],
          statement: '',
        },
        a.id,
      );
    }
  }
  const records = (await ctx.store.readLog('cbench'))?.records.length ?? 0;
  await ctx.store.close();
  return { dataDir, records };
}
const empty = await seed(false);
const small = await seed(true);
const exportOut = join(small.dataDir, 'export.jsonl');

interface Case {
  label: string;
  args: string[];
  runs: number;
}
const node = (label: string, args: string[], n = runs): Case => ({ label, args, runs: n });
const baselineCase = node('node -e 0 (baseline)', ['-e', '0']);
const cases: Case[] = [
  baselineCase,
  node('peergov --help', [bin, '--help']),
  node('peergov verify --help', [bin, 'verify', '--help']),
  node('peergov rebuild --help', [bin, 'rebuild', '--help']),
  node('peergov serve --help', [bin, 'serve', '--help']),
  node('peergov admin create-user --help', [bin, 'admin', 'create-user', '--help']),
  node('peergov verify, empty SQLite database', [bin, 'verify', '--data-dir', empty.dataDir]),
  node(`peergov verify, SQLite log of ${small.records} records`, [
    bin,
    'verify',
    '--data-dir',
    small.dataDir,
  ]),
  node(`peergov export of that log (-o file)`, [
    bin,
    'export',
    '--commons',
    'cbench',
    '--data-dir',
    small.dataDir,
    '-o',
    exportOut,
  ]),
  node('peergov tally pb --rule mes Assen', [bin, 'tally', 'pb', '--rule', 'mes', assen]),
  node(
    'tsx src/bin.ts --help (dev)',
    ['--import', 'tsx', join(repo, 'packages/cli/src/bin.ts'), '--help'],
    devRuns,
  ),
];

function once(c: Case): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, c.args, {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, DATABASE_URL: '' },
  });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status}\n${r.stderr}`);
  return ms;
}

const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
const timesOf = (c: Case): number[] => times.get(c) ?? [];
try {
  for (const c of cases) once(c); // warm the file cache
  for (let i = 0; i < runs; i++) for (const c of cases) if (i < c.runs) timesOf(c).push(once(c));
} finally {
  for (const dir of [empty.dataDir, small.dataDir]) rmSync(dir, { recursive: true, force: true });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const baseline = median(timesOf(baselineCase));
console.log(
  `\n${cpus().length} cores, Node.js ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; wall time of the whole process, median (min-max)`,
);
console.log('| command | runs | median ms | min-max ms | above node -e 0 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const c of cases) {
  const xs = timesOf(c);
  const m = median(xs);
  const range = `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  const above = c === baselineCase ? '' : `+${(m - baseline).toFixed(0)} ms`;
  console.log(`| ${c.label} | ${xs.length} | ${m.toFixed(0)} | ${range} | ${above} |`);
}
