// Ranked methods benchmark (runnable alone: `npx tsx bench/ranked.ts`; bench/methods.ts runs it too).
// Schulze: 100 candidates over 1,000,000 ranked ballots; IRV (RCTab rules): 1,000,000 ballots, 20 candidates.
// Ballots come from a seeded faction model: each voter copies one of 12 faction orders with a few local swaps and
// ranks a truncated prefix (most voters rank 3-8 candidates), so some ballots repeat, as in real elections.
import {
  packRankedBallots,
  pairwiseMatrix,
  schulze,
  tabulateRctab,
  defaultRctabRules,
  type PackedCvrs,
  type PackedRankings,
  type RankedBallot,
} from '../packages/methods/src/ranked/index';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function factionOrders(candidates: number, factions: number, random: () => number): Int32Array[] {
  return Array.from({ length: factions }, () => {
    const order = Int32Array.from({ length: candidates }, (_, i) => i);
    for (let i = candidates - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!]; // j <= i < candidates
    }
    return order;
  });
}

/** Fills `out` with one voter's ranking (a perturbed faction order, truncated); returns its length. */
function voter(
  orders: Int32Array[],
  candidates: number,
  random: () => number,
  out: Int32Array,
  maxLength: number,
): number {
  const order = orders[Math.floor(random() * orders.length)]!; // random() < 1
  out.set(order);
  for (let s = 0; s < 3; s++) {
    const i = Math.floor(random() * Math.min(candidates - 1, 10));
    [out[i], out[i + 1]] = [out[i + 1]!, out[i]!]; // i + 1 < candidates = out.length
  }
  const length = Math.min(maxLength, 1 + Math.floor(-Math.log(1 - random()) * 4));
  return length;
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
function memory(label: string): void {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  console.log(
    `  memory after ${label}: rss ${mb(m.rss)}, heap ${mb(m.heapUsed)}, typed arrays ${mb(m.arrayBuffers)}`,
  );
}

function time<T>(label: string, f: () => T): T {
  const start = performance.now();
  const result = f();
  console.log(`  ${label}: ${((performance.now() - start) / 1000).toFixed(3)} s`);
  return result;
}

const BALLOTS = 1_000_000;

console.log(`Schulze: 100 candidates, ${BALLOTS.toLocaleString('en')} ballots`);
{
  const random = rng(1);
  const orders = factionOrders(100, 12, random);
  const scratch = new Int32Array(100);
  // 1. Every ballot its own line (no aggregation): the worst case for the pairwise matrix.
  const offsets = new Int32Array(BALLOTS + 1);
  const members = new Int32Array(BALLOTS * 10);
  const groups = new Int32Array(BALLOTS * 10);
  let at = 0;
  for (let b = 0; b < BALLOTS; b++) {
    offsets[b] = at;
    const length = voter(orders, 100, random, scratch, 10);
    for (let i = 0; i < length; i++) {
      // i < length <= scratch.length; at - 1 is this ballot's previous entry when i > 0.
      members[at] = scratch[i]!;
      groups[at] = random() < 0.05 && i > 0 ? groups[at - 1]! : i; // a few ties
      at++;
    }
  }
  offsets[BALLOTS] = at;
  const packed: PackedRankings = {
    candidates: Array.from({ length: 100 }, (_, i) => `C${i}`),
    offsets,
    members: members.subarray(0, at),
    groups: groups.subarray(0, at),
    counts: new Float64Array(BALLOTS).fill(1),
  };
  console.log(`  ${at.toLocaleString('en')} ranked names (mean ${(at / BALLOTS).toFixed(1)} per ballot)`);
  time('pairwise matrix, 1M unaggregated truncated ballots', () => pairwiseMatrix(packed));
  const result = time('schulze total (matrix + strongest paths + ranking), winning', () =>
    schulze(packed, 'winning'),
  );
  time('schulze total, margin', () => schulze(packed, 'margin'));
  time('schulze total, ratio (exact fractions)', () => schulze(packed, 'ratio'));
  console.log(`  winner ${result.winners.join(', ')}`);
  memory('Schulze on packed ballots');

  // 2. The same model as JSON-shaped ballot objects, through our reader (validation + merging identical ballots).
  const objects: RankedBallot[] = [];
  for (let b = 0; b < BALLOTS; b++) {
    const ranking: string[][] = [];
    for (let i = offsets[b]!; i < offsets[b + 1]!; i++)
      ranking.push([packed.candidates[packed.members[i]!]!]);
    objects.push({ ranking });
  }
  memory('building 1M ballot objects');
  const merged = time('packRankedBallots (validate + merge identical) on 1M ballot objects', () =>
    packRankedBallots({ candidates: packed.candidates, ballots: objects }),
  );
  console.log(`  ${merged.counts.length.toLocaleString('en')} distinct ballots after merging`);
  time('schulze on the merged ballots', () => schulze(merged, 'winning'));

  // 3. Full rankings of all 100 candidates: 1M voters, 2,000 distinct orders (already merged, with counts).
  const distinct = 2000;
  const full: PackedRankings = {
    candidates: packed.candidates,
    offsets: Int32Array.from({ length: distinct + 1 }, (_, i) => i * 100),
    members: new Int32Array(distinct * 100),
    groups: new Int32Array(distinct * 100),
    counts: new Float64Array(distinct).fill(BALLOTS / distinct),
  };
  for (let d = 0; d < distinct; d++) {
    voter(orders, 100, random, scratch, 100);
    full.members.set(scratch, d * 100);
    for (let i = 0; i < 100; i++) full.groups[d * 100 + i] = i;
  }
  time('schulze, 1M full rankings in 2,000 distinct lines', () => schulze(full, 'winning'));
  // 4. Full rankings that do not repeat cost n*n each: 50,000 of them, to show the per-ballot cost without merging.
  const unique = 50_000;
  const spread: PackedRankings = {
    candidates: packed.candidates,
    offsets: Int32Array.from({ length: unique + 1 }, (_, i) => i * 100),
    members: new Int32Array(unique * 100),
    groups: new Int32Array(unique * 100),
    counts: new Float64Array(unique).fill(1),
  };
  for (let d = 0; d < unique; d++) {
    voter(orders, 100, random, scratch, 100);
    spread.members.set(scratch, d * 100);
    for (let i = 0; i < 100; i++) spread.groups[d * 100 + i] = i;
  }
  time('schulze, 50,000 distinct full rankings (no merging possible)', () => schulze(spread, 'winning'));
}

console.log(`\nIRV (RCTab rules): 20 candidates, ${BALLOTS.toLocaleString('en')} ballots`);
{
  const random = rng(2);
  const orders = factionOrders(20, 12, random);
  const scratch = new Int32Array(20);
  const offsets = new Int32Array(BALLOTS + 1);
  const ranks = new Int32Array(BALLOTS * 20);
  const cands = new Int32Array(BALLOTS * 20);
  let at = 0;
  for (let b = 0; b < BALLOTS; b++) {
    offsets[b] = at;
    const length = voter(orders, 20, random, scratch, 20);
    for (let i = 0; i < length; i++) {
      ranks[at] = i + 1;
      cands[at] = scratch[i]!; // i < length <= scratch.length
      at++;
    }
  }
  offsets[BALLOTS] = at;
  const names = Array.from({ length: 20 }, (_, i) => `C${i}`);
  const packed: PackedCvrs = {
    names,
    offsets,
    ranks: ranks.subarray(0, at),
    cands: cands.subarray(0, at),
    counts: new Float64Array(BALLOTS).fill(1),
  };
  const contest = { candidates: names.map((name) => ({ name })), cvrs: packed };
  const result = time('tabulate, 1M unaggregated CVRs', () => tabulateRctab(contest, defaultRctabRules));
  console.log(`  ${result.rounds.length} rounds, winner ${result.winners.join(', ')}`);
  time('tabulate with batch elimination', () =>
    tabulateRctab(contest, { ...defaultRctabRules, batchElimination: true }),
  );
  const stv = time('multi-winner STV (5 seats, fractional transfers)', () =>
    tabulateRctab(contest, {
      ...defaultRctabRules,
      numberOfWinners: 5,
      winnerElectionMode: 'multiWinnerAllowMultipleWinnersPerRound',
    }),
  );
  console.log(`  STV: ${stv.rounds.length} rounds, elected ${stv.winners.join(', ')}`);
  memory('IRV');
}
