// Pol.is k-means over 2-D points (compdemocracy/polis math/src/polismath/math/clusters.clj): initial centres are
// the first k distinct points, or the previous clusters "clean-started" on the new data (recentred, identical
// centres merged, the most distal point split off until k clusters exist); Lloyd steps drop empty clusters and
// stop when the sorted centres move less than 0.01; group centres are weighted by base-cluster sizes.

/** Points to cluster: ids name them (participant rows for base clusters, base-cluster ids for groups). */
export interface Points {
  ids: ArrayLike<number>;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Weights (base-cluster sizes); all 1 when absent. */
  weights?: ArrayLike<number>;
}

/** A cluster: its id, its members (point ids) and its centre. */
export interface Cluster {
  id: number;
  members: number[];
  center: [number, number];
}

/** Options of {@link kmeans}. */
export interface KmeansOptions {
  /** Clusters of the previous computation, to start from (Pol.is `:last-clusters`). */
  last?: readonly Cluster[];
  /** Pol.is runs at most max-iters + 1 Lloyd steps (100 for base clusters, 20 for groups). */
  maxIters?: number;
  /** Start from these centres instead (a plain Lloyd start, as scikit-learn's `init=` in red-dwarf). */
  init?: readonly (readonly [number, number])[];
}

/** Pol.is k-means (`clusters/kmeans`): deterministic given the point order and the previous clusters. */
export function kmeans(points: Points, k: number, options: KmeansOptions = {}): Cluster[] {
  const n = points.ids.length;
  if (n === 0) return [];
  const index = new Map<number, number>();
  for (let i = 0; i < n; i++) index.set(points.ids[i]!, i); // i < n = ids.length
  let clusters = options.init
    ? options.init.map((c, id): Cluster => ({ id, members: [], center: [c[0], c[1]] }))
    : options.last && options.last.length > 0
      ? cleanStart(points, index, options.last, k)
      : initClusters(points, k);
  const maxIters = options.maxIters ?? 20;
  const assign = new Int32Array(n);
  for (let iter = maxIters; ; iter--) {
    const next = clusterStep(points, clusters, assign);
    if (iter === 0 || sameClustering(clusters, next)) return next.sort((a, b) => a.id - b.id);
    clusters = next;
  }
}

function initClusters(p: Points, k: number): Cluster[] {
  const out: Cluster[] = [];
  const seen = new Set<string>();
  // In range: x and y have one entry per id.
  for (let i = 0; i < p.ids.length && out.length < k; i++) {
    const x = p.x[i]!;
    const y = p.y[i]!;
    const key = `${x},${y}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ id: out.length, members: [], center: [x, y] });
  }
  return out;
}

// One Lloyd step: every point to its nearest centre (first in id order on ties), empty clusters dropped.
function clusterStep(p: Points, clusters: Cluster[], assign: Int32Array): Cluster[] {
  const n = p.ids.length;
  // In range: order is a permutation of the k cluster indices; x, y, weights and assign have n entries; every
  // per-cluster array has k entries and best, assign[i] < k.
  const order = clusters.map((_, i) => i).sort((a, b) => clusters[a]!.id - clusters[b]!.id);
  const k = order.length;
  const cx = new Float64Array(k);
  const cy = new Float64Array(k);
  for (let c = 0; c < k; c++) [cx[c], cy[c]] = clusters[order[c]!]!.center;
  const sx = new Float64Array(k);
  const sy = new Float64Array(k);
  const sw = new Float64Array(k);
  const count = new Int32Array(k);
  for (let i = 0; i < n; i++) {
    const x = p.x[i]!;
    const y = p.y[i]!;
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      const dx = x - cx[c]!;
      const dy = y - cy[c]!;
      const d = dx * dx + dy * dy;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    assign[i] = best;
    const w = p.weights ? p.weights[i]! : 1;
    sx[best]! += w * x;
    sy[best]! += w * y;
    sw[best]! += w;
    count[best]!++;
  }
  const members: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < n; i++) members[assign[i]!]!.push(p.ids[i]!);
  const out: Cluster[] = [];
  for (let c = 0; c < k; c++) {
    if (count[c] === 0) continue;
    out.push({
      id: clusters[order[c]!]!.id,
      members: members[c]!,
      center: [sx[c]! / sw[c]!, sy[c]! / sw[c]!],
    });
  }
  return out;
}

// Pol.is `same-clustering?`: centres sorted (by x, then y) and zipped pairwise, each within 0.01.
function sameClustering(a: Cluster[], b: Cluster[]): boolean {
  const sort = (cs: Cluster[]) =>
    cs.map((c) => c.center).sort((u, v) => (u[0] !== v[0] ? u[0] - v[0] : u[1] - v[1]));
  const sb = sort(b);
  for (const [i, u] of sort(a).entries()) {
    const v = sb[i];
    if (v === undefined) break;
    if (Math.hypot(u[0] - v[0], u[1] - v[1]) >= 0.01) return false;
  }
  return true;
}

function weightedCenter(
  p: Points,
  index: Map<number, number>,
  members: number[],
): [number, number] | undefined {
  let sx = 0;
  let sy = 0;
  let sw = 0;
  for (const m of members) {
    const i = index.get(m);
    if (i === undefined) continue;
    // In range: index maps ids to positions in x, y and weights.
    const w = p.weights ? p.weights[i]! : 1;
    sx += w * p.x[i]!;
    sy += w * p.y[i]!;
    sw += w;
  }
  return sw > 0 ? [sx / sw, sy / sw] : undefined;
}

// Pol.is `clean-start-clusters`: adapt the previous clusters to the current points.
function cleanStart(p: Points, index: Map<number, number>, last: readonly Cluster[], k: number): Cluster[] {
  let clusters: Cluster[] = [];
  for (const c of last) {
    const members = c.members.filter((m) => index.has(m));
    const center = weightedCenter(p, index, members);
    if (center) clusters.push({ id: c.id, members, center });
  }
  if (clusters.length === 0) {
    const all = Array.from(p.ids);
    return [
      {
        id: Math.max(-1, ...last.map((c) => c.id)) + 1,
        members: all,
        center: weightedCenter(p, index, all)!,
      },
    ];
  }
  // Merge clusters whose centres coincide (the larger keeps its id).
  const uniq: Cluster[] = [];
  for (const c of clusters) {
    const same = uniq.findIndex((u) => u.center[0] === c.center[0] && u.center[1] === c.center[1]);
    if (same < 0) uniq.push(c);
    else {
      const u = uniq[same]!;
      const nu = u.members.length;
      const nc = c.members.length;
      uniq[same] = {
        id: nu > nc ? u.id : c.id,
        members: [...u.members, ...c.members],
        center: [
          (u.center[0] * nu + c.center[0] * nc) / (nu + nc),
          (u.center[1] * nu + c.center[1] * nc) / (nu + nc),
        ],
      };
    }
  }
  clusters = uniq;
  const distinct = new Set<string>();
  // In range: x and y have one entry per id; far is set to a point index since distances are >= 0 > -1.
  for (let i = 0; i < p.ids.length; i++) distinct.add(`${p.x[i]!},${p.y[i]!}`);
  const possible = Math.min(k, distinct.size);
  for (;;) {
    clusters = clusters.flatMap((c) => {
      const center = weightedCenter(p, index, c.members);
      return center ? [{ ...c, center }] : [];
    });
    if (possible <= clusters.length) return clusters;
    // Split off the point farthest from its nearest centre.
    let far = -1;
    let farD = -1;
    for (let i = 0; i < p.ids.length; i++) {
      let d = Infinity;
      for (const c of clusters) d = Math.min(d, Math.hypot(p.x[i]! - c.center[0], p.y[i]! - c.center[1]));
      if (d >= farD) {
        farD = d;
        far = i;
      }
    }
    if (!(farD > 0)) return clusters;
    const id = p.ids[far]!;
    const maxId = Math.max(...clusters.map((c) => c.id));
    clusters = clusters.map((c) => ({ ...c, members: c.members.filter((m) => m !== id) }));
    clusters.push({ id: maxId + 1, members: [id], center: [p.x[far]!, p.y[far]!] });
  }
}

/**
 * Pol.is silhouette of a clustering of points (`clusters/silhouette`), unweighted over the clustered points; a
 * point alone in its cluster scores 0.
 */
export function silhouette(p: Points, clusters: readonly Cluster[]): number {
  const index = new Map<number, number>();
  for (let i = 0; i < p.ids.length; i++) index.set(p.ids[i]!, i);
  const pos = clusters.map((c) => c.members.map((m) => index.get(m)!).filter((i) => i !== undefined));
  let total = 0;
  let count = 0;
  // In range: every position in pos comes from index, so it is below the length of x and y.
  for (const [ci, own] of pos.entries()) {
    for (const i of own) {
      count++;
      if (own.length === 1) continue;
      let a = 0;
      let b = Infinity;
      for (const [cj, other] of pos.entries()) {
        let s = 0;
        let n = 0;
        for (const j of other) {
          if (j === i) continue;
          s += Math.hypot(p.x[i]! - p.x[j]!, p.y[i]! - p.y[j]!);
          n++;
        }
        if (n === 0) continue;
        if (cj === ci) a = s / n;
        else b = Math.min(b, s / n);
      }
      if (b === Infinity) continue;
      const m = Math.max(a, b);
      total += m > 0 ? (b - a) / m : 0;
    }
  }
  return count > 0 ? total / count : 0;
}
