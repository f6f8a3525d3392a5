// Opinion mapping at scale: synthetic conversations with planted opinion groups (50% / 40% / 10%), each
// participant voting on a random 10% of the statements, agreeing with their group's side with probability 0.8
// (passing 0.1). Times one full recomputation (vote matrix with last-vote-wins + PCA + base/group clusters +
// repness + consensus), reports the peak memory and how well the planted groups are recovered (ARI).
import {
  adjustedRandIndex,
  computeOpinionMap,
  matrixFromTriplets,
} from '../packages/methods/src/opinion/index';

function conversation(nParticipants: number, nStatements: number, seed = 42) {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  const shares = [0.5, 0.4, 0.1] as const;
  const side = shares.map(() => Int8Array.from({ length: nStatements }, () => (rand() < 0.5 ? 1 : -1)));
  const perParticipant = Math.round(nStatements * 0.1);
  const n = nParticipants * perParticipant;
  const row = new Int32Array(n);
  const col = new Int32Array(n);
  const value = new Int8Array(n);
  const truth = new Int32Array(nParticipants);
  const seen = new Int32Array(nStatements).fill(-1);
  let k = 0;
  for (let p = 0; p < nParticipants; p++) {
    const u = rand();
    const g = u < shares[0] ? 0 : u < shares[0] + shares[1] ? 1 : 2;
    truth[p] = g;
    for (let v = 0; v < perParticipant; v++) {
      let t = Math.floor(rand() * nStatements);
      while (seen[t] === p) t = (t + 1) % nStatements;
      seen[t] = p;
      const r = rand();
      row[k] = p;
      col[k] = t;
      // In range: g < shares.length = side.length and t < nStatements, the length of each side.
      const agree = side[g]![t]!;
      value[k] = r < 0.8 ? agree : r < 0.9 ? 0 : -agree;
      k++;
    }
  }
  return {
    triplets: {
      participantIds: Array.from({ length: nParticipants }, (_, i) => String(i)),
      statementIds: Array.from({ length: nStatements }, (_, i) => String(i)),
      row,
      col,
      value,
    },
    truth,
  };
}

const sizes =
  process.argv.slice(2).length > 0 ? process.argv.slice(2).map(Number) : [10_000, 20_000, 50_000, 100_000];
const nStatements = 1000;
console.log(
  `participants x statements | votes | matrix s | map s | total s | PCA iters | k | ARI | heap MB | peak RSS MB`,
);
for (const n of sizes) {
  const { triplets, truth } = conversation(n, nStatements);
  (globalThis as { gc?: () => void }).gc?.();
  const t0 = performance.now();
  const m = matrixFromTriplets(triplets);
  const t1 = performance.now();
  const map = computeOpinionMap(m);
  const t2 = performance.now();
  const ours = new Int32Array(n).fill(-1);
  const rowOf = new Map(m.participantIds.map((id, r) => [id, r]));
  for (const [id, g] of Object.entries(map.groupOf)) ours[Number(id)] = g;
  // In range: ours and truth have one entry per participant p < n.
  const keep = [...truth.keys()].filter((p) => ours[p]! >= 0 && rowOf.has(String(p)));
  const ari = adjustedRandIndex(
    keep.map((p) => ours[p]!),
    keep.map((p) => truth[p]!),
  );
  const mem = process.memoryUsage();
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(
    `${n} x ${nStatements} | ${triplets.row.length} | ${((t1 - t0) / 1000).toFixed(2)} | ${((t2 - t1) / 1000).toFixed(2)} | ` +
      `${((t2 - t0) / 1000).toFixed(2)} | ${map.pca.iterations} | ${map.k} (${map.groups.map((g) => g.members.length).join('/')}) | ` +
      `${ari.toFixed(3)} | ${(mem.heapUsed / 2 ** 20).toFixed(0)} | ${peak.toFixed(0)}`,
  );
}
