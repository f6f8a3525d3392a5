// `npm run bench -- pb`: the Method of Equal Shares with Add1 on Łódź 2022 (90,494 voters, 160 projects),
// fast path against exact-only arithmetic (the outcomes must be identical; this script fails otherwise), plus
// greedy. Run by bench/run.ts with --expose-gc so that heap figures are measured after a collection.
import { join } from 'node:path';
import {
  buildProfile,
  equalShares,
  greedy,
  readPbFile,
  toNumber,
  type MesOutcome,
} from '@peergov/methods/pb';
import { fixturesDir } from '../packages/methods/test/fixtures';

const fixtures = fixturesDir;
const file = join(fixtures, 'pabulib', 'benchmark', 'Poland_Lodz_2022.pb');
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
/** JavaScript heap plus typed-array buffers (the engine's state lives mostly in the latter). */
const used = () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;

/** Samples memory after each Add1 run: the peak working set of MES above what was in use before. */
function peakSampler(): { onProgress: () => void; peak: () => number } {
  gc();
  const base = used();
  let peak = 0;
  return { onProgress: () => void (peak = Math.max(peak, used() - base)), peak: () => peak };
}

function measure<T>(label: string, f: () => T, repeat = 1): { value: T; ms: number[] } {
  const ms: number[] = [];
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    gc();
    const heap0 = used();
    const t = performance.now();
    value = f();
    ms.push(performance.now() - t);
    gc();
    const retained = used() - heap0;
    if (i === repeat - 1)
      console.log(
        `${label.padEnd(34)} ${ms.map((x) => x.toFixed(0).padStart(6)).join(' ')} ms` +
          `   retained ${mib(retained)}, peak rss so far ${mib(process.resourceUsage().maxRSS * 1024)}`,
      );
  }
  return { value, ms };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`node ${process.version}, ${file}`);
const instance = measure('read .pb (parse, validate)', () => readPbFile(file)).value;
const profile = measure('build profile (ballot types)', () => buildProfile(instance)).value;
console.log(
  `voters ${profile.voters}, projects ${profile.projectIds.length}, ballot types ${profile.typeWeight.length}, budget ${toNumber(profile.budget)}`,
);

const fastMem = peakSampler();
equalShares(profile, { onProgress: fastMem.onProgress });
const fast = measure('MES + Add1, fast path', () => equalShares(profile), 5);
const exactMem = peakSampler();
const exact = measure('MES + Add1, exact-only (bigint)', () =>
  equalShares(profile, { arithmetic: 'exact', onProgress: exactMem.onProgress }),
);
console.log(
  `peak MES working set (heap + buffers above baseline, sampled after each Add1 run): fast ${mib(fastMem.peak())}, exact ${mib(exactMem.peak())}`,
);

const summary = (o: MesOutcome) =>
  JSON.stringify({
    selected: o.selected,
    endowment: o.endowment.num.toString(),
    runs: o.add1Runs,
    cost: toNumber(o.cost),
  });
if (summary(fast.value) !== summary(exact.value)) {
  console.error('FAIL: fast and exact outcomes differ\n', summary(fast.value), '\n', summary(exact.value));
  process.exit(1);
}
const f = fast.value;
console.log(
  `same outcome: ${f.selected.length} projects, cost ${toNumber(f.cost)}, final endowment ${f.endowment.num} ` +
    `after ${f.add1Runs} Add1 runs; fast path: ${f.stats.evaluations} evaluations, ` +
    `${f.stats.exactEvaluations} exact fallbacks, ${f.stats.exactRhoReplays} exact replays, at most ${f.stats.groups} voter groups`,
);
console.log(
  `fast median ${median(fast.ms).toFixed(0)} ms, exact ${median(exact.ms).toFixed(0)} ms, ratio ${(median(exact.ms) / median(fast.ms)).toFixed(1)}x`,
);

const g = measure('greedy', () => greedy(profile), 5).value;
const gn = measure('greedy-no-skip', () => greedy(profile, { variant: 'no-skip' }), 5).value;
console.log(
  `greedy funds ${g.selected.length} (cost ${toNumber(g.cost)}), greedy-no-skip ${gn.selected.length}`,
);
