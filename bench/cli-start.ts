// `npm run bench -- cli-start`: how long the built `peergov` (packages/cli/dist/peergov.js, plain node) takes to
// answer, against `node -e 0` in the same run: `--help`, `verify --help` (loads the server and the stores) and
// `tally pb --rule mes` on a small Pabulib file (Assen 2024, 5.8 kB). Median of BENCH_RUNS runs (default 21), runs
// interleaved so that a burst of load on the machine falls on every command alike. Also, fewer runs, the
// development entry (`tsx packages/cli/src/bin.ts`, what `npm run peergov` runs). Builds the bundle first.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixturesDir } from '../packages/methods/test/fixtures';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');
const bin = join(repo, 'packages/cli/dist/peergov.js');
const assen = join(fixturesDir, 'pabulib', 'mes', 'Netherlands_Assen_2024.pb');
const runs = Number(process.env.BENCH_RUNS ?? 21);
const devRuns = Math.max(3, Math.round(runs / 4));

execFileSync(process.execPath, [join(repo, 'packages/cli/build.mjs')], { stdio: 'inherit' });

interface Case {
  label: string;
  args: string[];
  runs: number;
}
const node = (label: string, args: string[], n = runs): Case => ({ label, args, runs: n });
const cases: Case[] = [
  node('node -e 0 (baseline)', ['-e', '0']),
  node('peergov --help', [bin, '--help']),
  node('peergov verify --help', [bin, 'verify', '--help']),
  node('peergov tally pb --rule mes Assen', [bin, 'tally', 'pb', '--rule', 'mes', assen]),
  node(
    'tsx src/bin.ts --help (dev)',
    ['--import', 'tsx', join(repo, 'packages/cli/src/bin.ts'), '--help'],
    devRuns,
  ),
];

function once(c: Case): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, c.args, { cwd: repo, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status}\n${r.stderr}`);
  return ms;
}

const times = new Map<Case, number[]>(cases.map((c) => [c, []]));
for (const c of cases) once(c); // warm the file cache
for (let i = 0; i < runs; i++) for (const c of cases) if (i < c.runs) times.get(c)!.push(once(c));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const baseline = median(times.get(cases[0])!);
console.log(
  `\n${cpus().length} cores, Node.js ${process.version}, load average ${loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}; wall time of the whole process, median (min-max)`,
);
console.log('| command | runs | median ms | min-max ms | above node -e 0 |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const c of cases) {
  const xs = times.get(c)!;
  const m = median(xs);
  const range = `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
  const above = c === cases[0] ? '' : `+${(m - baseline).toFixed(0)} ms`;
  console.log(`| ${c.label} | ${xs.length} | ${m.toFixed(0)} | ${range} | ${above} |`);
}
