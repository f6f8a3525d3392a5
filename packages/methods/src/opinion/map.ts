// The opinion map of a conversation, one recomputation of Pol.is's conversation update
// (compdemocracy/polis math/src/polismath/math/conversation.clj, `small-conv-update-graph`): in-conv participants,
// PCA projection, 100 base clusters, group clusters for k in 2..max-k chosen by silhouette with Pol.is's
// k-smoothing, representative and consensus statements. Every step can start from the previous computation's
// state, as Pol.is does, so groups stay stable across recomputations.
import { at } from '../common/index';
import { kmeans, silhouette, type Cluster, type Points } from './clusters';
import {
  buildVoteMatrix,
  voteCounts,
  type Conversation,
  type OpinionStatement,
  type VoteMatrix,
} from './matrix';
import { projectParticipants, projectStatements, votePca } from './pca';
import {
  commentPriorities,
  consensusStatements,
  groupAwareConsensus,
  groupCounts,
  representativeStatements,
  type ConsensusStatement,
  type RepStatement,
} from './repness';

/** A cluster in the saved state: member ids are participant ids (base clusters) or base-cluster ids (groups). */
export interface SavedCluster<M> {
  id: number;
  members: M[];
  center: [number, number];
}

/** What a recomputation keeps for the next one (JSON-serialisable), as Pol.is keeps its conversation record. */
export interface OpinionState {
  statementIds: string[];
  comps: [number[], number[]];
  inConv: string[];
  baseClusters: SavedCluster<string>[];
  /** Group clusterings for every k tried, keyed by k. */
  groupClusterings: Record<string, SavedCluster<number>[]>;
  kSmoother: { lastK: number; lastKCount: number; smoothedK: number } | null;
}

/**
 * Named variants (docs/methods/opinion.md): `'polis'` is Pol.is's math as it runs today (compdemocracy/polis);
 * `'polis-2017'` is the math of Pol.is exports from 2017 and earlier (pol-is/polisMath): missing votes imputed
 * as 0 rather than by the column mean, and every participant clustered, whatever their vote count.
 */
export type OpinionVariant = 'polis' | 'polis-2017';

/**
 * The options a variant sets; explicit options override them. `'polis-2017'` takes pol-is/polisMath's
 * `src/polismath/conversation.clj` (`:mat` nil -> 0, `:base-k 50`; its `:cluster-iters` is ignored by `kmeans`,
 * whose `max-iters` defaults to 20) and admits everyone, as the 2017 exports show (every voter has a group).
 */
export const VARIANT_DEFAULTS: Record<OpinionVariant, Readonly<OpinionOptions>> = {
  polis: {},
  'polis-2017': { imputation: 'zero', minVotes: 0, baseK: 50, baseIters: 20, groupIters: 20 },
};

/** Options of {@link computeOpinionMap}; defaults are Pol.is's. */
export interface OpinionOptions {
  /** Named variant whose defaults apply (default `'polis'`); explicit options override them. */
  variant?: OpinionVariant;
  /** Missing votes: `'mean'` (Pol.is today, default) or `'zero'` (pol-is/polisMath, `'polis-2017'`). */
  imputation?: 'mean' | 'zero';
  /** A participant enters the map after min(minVotes, number of statements) votes (Pol.is: 7). */
  minVotes?: number;
  /** When fewer are in, the most active participants are added up to this many (Pol.is: 15). */
  greedyCount?: number;
  /** Participants kept in the map whatever their vote count. */
  keepParticipants?: readonly string[];
  baseK?: number;
  maxK?: number;
  /** A new k is adopted only after being the best this many recomputations in a row (Pol.is: 4). */
  kBuffer?: number;
  baseIters?: number;
  groupIters?: number;
  /** Use this many groups instead of the silhouette choice. */
  forceGroupCount?: number;
  /** Start the group k-means for the chosen k from these centres (plain Lloyd start, as red-dwarf's tests do). */
  initialGroupCenters?: readonly [number, number][];
  /** The previous computation's state. */
  previous?: OpinionState | null;
  /**
   * Scale each participant's projection by sqrt(n_cmts / n_votes) (Pol.is since 2018; default true). Older Pol.is
   * projected without it, which keeps participants with few votes near the centre.
   */
  sparsityScaling?: boolean;
  /** Representative statements per group and consensus statements per direction (Pol.is: 5). */
  pickMax?: number;
}

/** A participant placed in the map. */
export interface MappedParticipant {
  id: string;
  x: number;
  y: number;
  votes: number;
  inConv: boolean;
  /** Group index, or -1 when not in the map. */
  group: number;
  baseCluster: number;
}

/** A statement with its projection and statistics. */
export interface MappedStatement {
  id: string;
  x: number;
  y: number;
  extremity: number;
  center: number;
  moderatedOut: boolean;
  isMeta: boolean;
  groupAwareConsensus: number;
  priority: number;
}

/** An opinion group. */
export interface OpinionGroup {
  /** Pol.is's group-cluster id. */
  id: number;
  members: string[];
  baseClusters: number[];
  center: [number, number];
}

/** The result of one recomputation. */
export interface OpinionMap {
  participants: MappedParticipant[];
  statements: MappedStatement[];
  pca: {
    center: Float64Array;
    comps: [Float64Array, Float64Array];
    eigenvalues: [number, number];
    iterations: number;
  };
  baseClusters: SavedCluster<string>[];
  groups: OpinionGroup[];
  /** Group index of every participant in the map. */
  groupOf: Record<string, number>;
  /** Silhouette of each k tried; `k` is the group count used. */
  silhouettes: Record<string, number>;
  k: number;
  /** Representative statements per group index. */
  repness: RepStatement[][];
  consensus: { agree: ConsensusStatement[]; disagree: ConsensusStatement[] };
  state: OpinionState;
}

/** Pol.is `max-k-fn`: at most 5 groups, and 2 + one per 12 base clusters. */
export function maxGroupCount(nBase: number, maxK = 5): number {
  return Math.min(maxK, 2 + Math.floor(nBase / 12));
}

/** Opinion map of a conversation given as vote events (last vote wins). */
export function mapConversation(conversation: Conversation, options: OpinionOptions = {}): OpinionMap {
  return computeOpinionMap(buildVoteMatrix(conversation.votes), conversation.statements, options);
}

/**
 * One Pol.is recomputation (variant: Pol.is small-conversation update with exact PCA, see docs/methods/opinion.md)
 * over a sparse vote matrix; `statements` gives moderation and meta flags (statements not listed count as in).
 */
export function computeOpinionMap(
  m: VoteMatrix,
  statements: readonly OpinionStatement[] = [],
  givenOptions: OpinionOptions = {},
): OpinionMap {
  const variant = givenOptions.variant ?? 'polis';
  if (!Object.hasOwn(VARIANT_DEFAULTS, variant))
    throw new Error(
      `unknown opinion variant "${variant}" (known: ${Object.keys(VARIANT_DEFAULTS).join(', ')})`,
    );
  const options: OpinionOptions = { ...VARIANT_DEFAULTS[variant], ...definedOnly(givenOptions) };
  const nRows = m.participantIds.length;
  const nCols = m.statementIds.length;
  const prev = options.previous ?? null;
  const byId = new Map(statements.map((s) => [s.id, s]));
  const zeroed = new Uint8Array(nCols);
  const meta = new Uint8Array(nCols);
  m.statementIds.forEach((id, j) => {
    const s = byId.get(id);
    if (s?.isMeta) meta[j] = 1;
    if (s && (s.isMeta || s.moderated === -1)) zeroed[j] = 1;
  });

  // In-conv: once in, always in (Pol.is `:in-conv`).
  // In range below: counts, inConv, baseOfRow, labels and the projections have one entry per row r < nRows, the
  // statement arrays one per column j < nCols; base-cluster members are rows.
  const counts = voteCounts(m);
  const rowOf = new Map(m.participantIds.map((id, r) => [id, r]));
  const inConv = new Uint8Array(nRows);
  const threshold = Math.min(options.minVotes ?? 7, nCols);
  for (let r = 0; r < nRows; r++) if (counts[r]! >= threshold) inConv[r] = 1;
  for (const id of [...(prev?.inConv ?? []), ...(options.keepParticipants ?? [])]) {
    const r = rowOf.get(id);
    if (r !== undefined) inConv[r] = 1;
  }
  const greedy = options.greedyCount ?? 15;
  let nIn = inConv.reduce((a, b) => a + b, 0);
  if (nIn < greedy) {
    const rest = [...Array(nRows).keys()]
      .filter((r) => !inConv[r])
      .sort((a, b) => counts[b]! - counts[a]! || a - b);
    for (const r of rest.slice(0, greedy - nIn)) inConv[r] = 1;
    nIn = Math.min(greedy, nRows);
  }

  // PCA and projections, starting from the previous components.
  let start: Float64Array[] | undefined;
  if (prev) {
    const prevCol = new Map(prev.statementIds.map((id, j) => [id, j]));
    start = prev.comps.map((c) => {
      const v = new Float64Array(nCols);
      m.statementIds.forEach((id, j) => (v[j] = c[prevCol.get(id) ?? -1] ?? 0));
      return v;
    });
  }
  const pca = votePca(m, { zeroed, start, imputation: options.imputation ?? 'mean' });
  const proj = projectParticipants(m, pca, zeroed, options.sparsityScaling ?? true);
  const sproj = projectStatements(pca);

  // Base clusters over in-conv participants (ids are matrix rows).
  const inRows: number[] = [];
  for (let r = 0; r < nRows; r++) if (inConv[r]) inRows.push(r);
  const basePoints: Points = {
    ids: inRows,
    x: inRows.map((r) => proj.x[r]!),
    y: inRows.map((r) => proj.y[r]!),
  };
  const lastBase: Cluster[] | undefined = prev?.baseClusters.map((c) => ({
    id: c.id,
    members: c.members.map((id) => rowOf.get(id)).filter((r): r is number => r !== undefined),
    center: c.center,
  }));
  const base = kmeans(basePoints, options.baseK ?? 100, {
    last: lastBase,
    maxIters: options.baseIters ?? 100,
  });
  const baseOfRow = new Int32Array(nRows).fill(-1);
  for (const c of base) for (const r of c.members) baseOfRow[r] = c.id;

  // Group clusterings for each k, silhouettes, k-smoothing.
  const groupPoints: Points = {
    ids: base.map((c) => c.id),
    x: base.map((c) => c.center[0]),
    y: base.map((c) => c.center[1]),
    weights: base.map((c) => c.members.length),
  };
  const maxK = maxGroupCount(base.length, options.maxK ?? 5);
  const groupIters = options.groupIters ?? 20;
  const clusterings: Record<string, Cluster[]> = {};
  const silhouettes: Record<string, number> = {};
  const ks = options.forceGroupCount ? [options.forceGroupCount] : range(2, maxK);
  for (const k of ks) {
    let clustering: Cluster[];
    if (options.initialGroupCenters && k === options.forceGroupCount)
      clustering = kmeans(groupPoints, k, { init: options.initialGroupCenters, maxIters: groupIters });
    else clustering = kmeans(groupPoints, k, { last: prev?.groupClusterings[k], maxIters: groupIters });
    clusterings[k] = clustering;
    silhouettes[k] = silhouette(groupPoints, clustering);
  }
  let kSmoother = prev?.kSmoother ?? null;
  let k: number;
  if (options.forceGroupCount) k = options.forceGroupCount;
  else {
    // ks = 2..maxK is not empty for maxK >= 2, and every k in ks has a silhouette.
    let thisK = ks[0]!;
    for (const kk of ks) if (silhouettes[kk]! >= silhouettes[thisK]!) thisK = kk;
    const buffer = options.kBuffer ?? 4;
    const same = kSmoother ? kSmoother.lastK === thisK : false;
    const count = same ? kSmoother!.lastKCount + 1 : 1;
    const smoothed = count >= buffer ? thisK : (kSmoother?.smoothedK ?? thisK);
    kSmoother = { lastK: thisK, lastKCount: count, smoothedK: smoothed };
    k = clusterings[smoothed] ? smoothed : thisK;
  }
  const groupClusters = clusterings[k] ?? [];

  // Labels: group index per row, through base clusters.
  const groupOfBase = new Map<number, number>();
  groupClusters.forEach((g, gi) => g.members.forEach((b) => groupOfBase.set(b, gi)));
  const labels = new Int32Array(nRows).fill(-1);
  for (let r = 0; r < nRows; r++) {
    const b = baseOfRow[r]!;
    if (b >= 0) labels[r] = groupOfBase.get(b) ?? -1;
  }

  const gc = groupCounts(m, labels, groupClusters.length);
  const repness = representativeStatements(gc, m.statementIds, zeroed, options.pickMax ?? 5);
  const consensus = consensusStatements(m, zeroed, options.pickMax ?? 5);
  const gac = groupAwareConsensus(gc);
  const priorities = commentPriorities(gc, sproj.extremity, meta);

  const baseSaved: SavedCluster<string>[] = base.map((c) => ({
    id: c.id,
    members: c.members.map((r) => m.participantIds[r]!),
    center: c.center,
  }));
  const groupOf: Record<string, number> = {};
  const groups: OpinionGroup[] = groupClusters.map((g) => ({
    id: g.id,
    members: [],
    baseClusters: g.members.slice(),
    center: g.center,
  }));
  for (let r = 0; r < nRows; r++) {
    const g = labels[r]!;
    if (g < 0) continue;
    const id = m.participantIds[r]!;
    groupOf[id] = g;
    at(groups, g, 'group').members.push(id);
  }
  const savedClusterings: Record<string, SavedCluster<number>[]> = { ...(prev?.groupClusterings ?? {}) };
  if (!options.forceGroupCount)
    for (const [kk, cs] of Object.entries(clusterings))
      savedClusterings[kk] = cs.map((c) => ({ id: c.id, members: c.members.slice(), center: c.center }));

  return {
    participants: m.participantIds.map((id, r) => ({
      id,
      x: proj.x[r]!,
      y: proj.y[r]!,
      votes: counts[r]!,
      inConv: inConv[r] === 1,
      group: labels[r]!,
      baseCluster: baseOfRow[r]!,
    })),
    statements: m.statementIds.map((id, j) => ({
      id,
      x: sproj.x[j]!,
      y: sproj.y[j]!,
      extremity: sproj.extremity[j]!,
      center: pca.center[j]!,
      moderatedOut: zeroed[j] === 1,
      isMeta: meta[j] === 1,
      groupAwareConsensus: gac[j]!,
      priority: priorities[j]!,
    })),
    pca: { center: pca.center, comps: pca.comps, eigenvalues: pca.eigenvalues, iterations: pca.iterations },
    baseClusters: baseSaved,
    groups,
    groupOf,
    silhouettes,
    k,
    repness,
    consensus,
    state: {
      statementIds: m.statementIds.slice(),
      comps: [Array.from(pca.comps[0]), Array.from(pca.comps[1])],
      inConv: m.participantIds.filter((_, r) => inConv[r]),
      baseClusters: baseSaved,
      groupClusterings: savedClusterings,
      kSmoother,
    },
  };
}

function definedOnly(o: OpinionOptions): OpinionOptions {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as OpinionOptions;
}

function range(a: number, b: number): number[] {
  const out: number[] = [];
  for (let i = a; i <= b; i++) out.push(i);
  return out;
}

/** Options of {@link replayConversation}. */
export interface ReplayOptions extends Omit<OpinionOptions, 'previous'> {
  /** Recompute after the vote count grows by this fraction (default 0.05) ... */
  growth?: number;
  /** ... and by at least this many votes (default 20). */
  minStep?: number;
}

/**
 * Replays a conversation in time order, recomputing as its votes arrive and carrying each recomputation's state
 * into the next, as the Pol.is math worker does; returns the final map. This reproduces what depends on history
 * in Pol.is: who is in the map (once in, always in), base-cluster and group identities, and k-smoothing.
 */
export function replayConversation(conversation: Conversation, options: ReplayOptions = {}): OpinionMap {
  const votes = conversation.votes
    .map((v, i) => ({ v, i }))
    .sort((a, b) => a.v.time - b.v.time || a.i - b.i)
    .map((x) => x.v);
  const growth = options.growth ?? 0.05;
  const minStep = options.minStep ?? 20;
  let previous: OpinionState | null = null;
  let result: OpinionMap | undefined;
  let upto = Math.min(votes.length, minStep);
  for (;;) {
    // Votes with the same timestamp arrive together.
    while (upto < votes.length && votes[upto]!.time === votes[upto - 1]!.time) upto++; // 0 < upto < length
    result = computeOpinionMap(buildVoteMatrix(votes.slice(0, upto)), conversation.statements, {
      ...options,
      previous,
    });
    previous = result.state;
    if (upto >= votes.length) return result;
    upto = Math.min(votes.length, Math.max(upto + minStep, Math.ceil(upto * (1 + growth))));
  }
}
