// `npm run bench -- methods`: liquid delegation from 10,000 to 1,000,000 members on random delegation graphs with
// chains, cycles, null-trustee blocks and scope overrides; then the ranked benchmark (bench/ranked.ts) if present.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  NULL_TRUSTEE,
  resolveDelegationGraph,
  resolveLiquid,
  type DelegationGraph,
  type LiquidDelegation,
} from '../packages/methods/src/liquid';

const here = dirname(fileURLToPath(import.meta.url));
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** xorshift32: a deterministic generator so every run measures the same graphs. */
function rng(seed: number) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/**
 * A random graph for one issue: 97% eligible, 15% direct voters; 60% delegate at unit scope, 20% at area scope
 * (a tenth of those with a null trustee), 5% at issue scope, plus a three-member ring every 1,000 members. Trustees are mostly "popular" members (a small pool)
 * so that long chains and hubs form; the rest are uniform, which closes cycles.
 */
function randomGraph(n: number, seed: number): DelegationGraph & { delegationCount: number } {
  const r = rng(seed);
  const eligible = new Uint8Array(n);
  const direct = new Uint8Array(n);
  const weight = new Float64Array(n);
  const cap = Math.ceil(n * 0.87) + 16;
  const truster = new Int32Array(cap);
  const trustee = new Int32Array(cap);
  const scope = new Uint8Array(cap);
  let d = 0;
  const popular = Math.max(10, Math.floor(n / 50));
  const pick = (m: number) => {
    let t = r() < 0.7 ? Math.floor(r() * popular) : Math.floor(r() * n);
    if (t === m) t = (t + 1) % n;
    return t;
  };
  for (let m = 0; m < n; m++) {
    eligible[m] = r() < 0.97 ? 1 : 0;
    direct[m] = r() < 0.15 ? 1 : 0;
    // Every 1,000 members, three non-voters form an issue-scope ring (a cycle without a direct voter) that
    // overrides their unit delegations, and a few members delegate into it.
    const ring = m % 1000;
    if (ring < 3) {
      eligible[m] = 1;
      direct[m] = 0;
      truster[d] = m;
      trustee[d] = m - ring + ((ring + 1) % 3);
      scope[d++] = 2;
    }
    weight[m] = 1 + (r() < 0.1 ? 1 : 0);
    const u = r();
    if (u < 0.6) {
      truster[d] = m;
      trustee[d] = ring >= 3 && ring < 8 ? m - ring : pick(m);
      scope[d++] = 0;
    }
    if (r() < 0.2) {
      truster[d] = m;
      trustee[d] = r() < 0.1 ? NULL_TRUSTEE : pick(m);
      scope[d++] = 1;
    }
    if (ring >= 3 && r() < 0.05) {
      truster[d] = m;
      trustee[d] = pick(m);
      scope[d++] = 2;
    }
    if (d + 3 > cap) break;
  }
  return {
    memberCount: n,
    eligible,
    direct,
    weight,
    truster: truster.subarray(0, d),
    trustee: trustee.subarray(0, d),
    scope: scope.subarray(0, d),
    delegationCount: d,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!; // of at least one run
}

const mib = (b: number) => (b / 2 ** 20).toFixed(1);

console.log(
  'Liquid delegation (one issue; typed-array resolution incl. scope choice, BFS, weights and why-not-counted):',
);
console.log(
  'members    delegations  median ms (of 3)  ms/1k members  longest chain  direct  delegated  cycle  peak MiB',
);
const sizes = [10_000, 30_000, 100_000, 300_000, 1_000_000];
for (const n of sizes) {
  const g = randomGraph(n, 20240601 + n);
  resolveDelegationGraph(g); // warm-up
  gc();
  const times: number[] = [];
  let result = resolveDelegationGraph(g);
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    result = resolveDelegationGraph(g);
    times.push(performance.now() - t0);
  }
  let longest = 0;
  let direct = 0;
  let delegated = 0;
  let cycle = 0;
  for (let m = 0; m < n; m++) {
    const depth = result.depth[m]!; // m < n = memberCount
    if (depth > longest) longest = depth;
    if (result.status[m] === 1) direct++;
    else if (result.status[m] === 2) delegated++;
    else if (result.status[m] === 8) cycle++;
  }
  // Memory by construction (GC timing makes deltas unreliable): the result's arrays, plus the temporaries of one
  // run (reverse edges, BFS queue, path walk: 5 × 4 bytes per member and 4 per delegation).
  const held = [
    result.trustee,
    result.scope,
    result.status,
    result.end,
    result.depth,
    result.weight,
    result.ownWeight,
  ].reduce((s, a) => s + a.byteLength, 0);
  const extra = held + 20 * n + 4 * g.delegationCount;
  const ms = median(times);
  console.log(
    `${String(n).padStart(9)}  ${String(g.delegationCount).padStart(11)}  ${ms.toFixed(1).padStart(16)}  ${((ms / n) * 1000).toFixed(3).padStart(13)}  ${String(longest).padStart(13)}  ${String(direct).padStart(6)}  ${String(delegated).padStart(9)}  ${String(cycle).padStart(5)}  ${mib(extra).padStart(9)}`,
  );
}

console.log('\nWith string ids and every chain materialised (resolveLiquid, what the CLI and API return):');
console.log('members    ms (1 run)  heap+buffers MiB after');
for (const n of [10_000, 100_000, 1_000_000]) {
  const g = randomGraph(n, 7 + n);
  const members = Array.from({ length: n }, (_, m) => ({
    id: `m${m}`,
    eligible: g.eligible![m] === 1,
    weight: g.weight![m],
  }));
  const delegations: LiquidDelegation[] = [];
  for (let k = 0; k < g.truster.length; k++) {
    // k < the common length of truster, trustee and scope; the generator's scope codes are 0, 1 and 2.
    delegations.push({
      truster: `m${g.truster[k]}`,
      trustee: g.trustee[k] === NULL_TRUSTEE ? null : `m${g.trustee[k]}`,
      scope: (['unit', 'area', 'issue'] as const)[g.scope[k]!]!,
    });
  }
  const directVoters: string[] = [];
  for (let m = 0; m < n; m++) if (g.direct[m]) directVoters.push(`m${m}`);
  gc();
  const t0 = performance.now();
  const r = resolveLiquid({ members, delegations, directVoters });
  const ms = performance.now() - t0;
  const mem = process.memoryUsage();
  console.log(
    `${String(n).padStart(9)}  ${ms.toFixed(0).padStart(10)}  ${mib(mem.heapUsed + mem.arrayBuffers).padStart(8)}   (${r.delegators.length} chains)`,
  );
  if (n === 1_000_000) console.log(`rss with 1,000,000 members' objects and result: ${mib(mem.rss)} MiB`);
}
console.log(`\nrss at the end: ${mib(process.memoryUsage().rss)} MiB`);

const ranked = join(here, 'ranked.ts');
if (existsSync(ranked)) {
  console.log('\n--- bench/ranked.ts ---');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', ranked], { stdio: 'inherit' });
  if (r.status !== 0) process.exitCode = 1;
} else {
  console.log('\n(bench/ranked.ts not present: ranked benchmark skipped)');
}
