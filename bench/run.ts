// `npm run bench [name...]`: runs each benchmark in its own process, one after another, so that they do not
// compete for the machine's two cores. Figures go to stdout; record them in docs/BENCHMARKS.md.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const all = ['http', 'pb', 'opinion', 'methods', 'cli-start', 'log-proofs', 'replay'];
// The scale benchmarks of issue 10 (bench/scale-lib.ts): run by name, not by default (the full sizes take minutes).
// `npm run bench -- scale` runs the four.
const scale = ['spread', 'hot', 'mixed', 'instance'];
const asked = process.argv.slice(2).flatMap((name) => (name === 'scale' ? scale : [name]));
const wanted = asked.length > 0 ? asked : all;
let failed = false;
for (const name of wanted) {
  const file = join(here, `${name}.ts`);
  if (!existsSync(file)) {
    console.error(
      `bench: no benchmark named ${name} (known: ${[...all, ...scale, 'verify', 'heap'].join(', ')}, scale)`,
    );
    failed = true;
    continue;
  }
  console.log(`\n=== bench ${name} ===`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', file], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
