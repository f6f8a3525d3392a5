import {
  LiquidStatus,
  NULL_TRUSTEE,
  resolveDelegationGraph,
  SCOPE_CODES,
  SCOPE_NAMES,
  type ResolvedDelegations,
  type Scope,
} from './resolve';

/** A member for one issue: own weight (default 1) and whether it may vote on the issue (default true). */
export interface LiquidMember {
  id: string;
  weight?: number;
  eligible?: boolean;
}

/** A delegation with its scope; `unit`, `area` and `issue` name what the scope refers to (optional). */
export interface LiquidDelegation {
  truster: string;
  /** null: an area or issue delegation that blocks the truster's lower-scope delegations. */
  trustee: string | null;
  scope: Scope;
  unit?: string;
  area?: string;
  issue?: string;
}

/** The issue being decided: its unit and area (delegations for other units, areas or issues are ignored). */
export interface LiquidIssue {
  unit?: string;
  area?: string;
  issue?: string;
}

/** The input of a liquid vote on one issue. */
export interface LiquidInput {
  members: readonly LiquidMember[];
  delegations: readonly LiquidDelegation[];
  /** Members who cast a direct vote. */
  directVoters: readonly string[];
  issue?: LiquidIssue;
}

/** Why a member's vote counts for nobody (or `delegated`/`direct` when it counts). */
export type LiquidReason =
  | 'not_eligible'
  | 'direct'
  | 'delegated'
  | 'abstained'
  | 'blocked'
  | 'chain_ends_at_non_voter'
  | 'chain_blocked'
  | 'chain_ineligible'
  | 'cycle';

const REASONS: LiquidReason[] = [
  'not_eligible',
  'direct',
  'delegated',
  'abstained',
  'blocked',
  'chain_ends_at_non_voter',
  'chain_blocked',
  'chain_ineligible',
  'cycle',
];

/** The result: each direct voter's weight, every delegator's chain, and why the others do not count. */
export interface LiquidResult {
  method: 'liquid';
  directVoters: { member: string; ownWeight: number; weight: number }[];
  delegators: { member: string; ownWeight: number; weight: number; scope: Scope; chain: string[] }[];
  notCounted: { member: string; reason: LiquidReason; at: string | null }[];
  /** Direct votes from members who are not eligible: dropped, as LiquidFeedback drops them. */
  droppedVotes: string[];
  voterCount: number;
  explanation: { code: string; params: Record<string, string | number>; text: string }[];
}

/** True when a delegation applies to the issue (scope ids that are not given are taken to match). */
export function appliesTo(d: LiquidDelegation, issue: LiquidIssue | undefined): boolean {
  if (!issue) return true;
  if (d.scope === 'unit') return d.unit === undefined || issue.unit === undefined || d.unit === issue.unit;
  if (d.scope === 'area') return d.area === undefined || issue.area === undefined || d.area === issue.area;
  return d.issue === undefined || issue.issue === undefined || d.issue === issue.issue;
}

/** Builds the typed-array graph from string ids; trustees who are not members count as ineligible members. */
export function buildDelegationGraph(input: LiquidInput): {
  graph: Parameters<typeof resolveDelegationGraph>[0];
  ids: string[];
  index: Map<string, number>;
} {
  const count = input.members.length;
  const ids: string[] = new Array(count);
  const index = new Map<string, number>();
  let weights = new Float64Array(count);
  let eligible = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const m = input.members[k]!; // k < count
    const id = m.id;
    if (typeof id !== 'string' || id === '') throw new Error('every member needs a non-empty id');
    if (index.has(id)) throw new Error(`member ${id} is listed twice`);
    const w = m.weight ?? 1;
    if (!Number.isSafeInteger(w) || w < 0)
      throw new Error(`member ${id}: weight must be a non-negative integer`);
    index.set(id, k);
    ids[k] = id;
    weights[k] = w;
    eligible[k] = m.eligible === false ? 0 : 1;
  }
  const outsiders: string[] = [];
  const idOf = (id: string): number => {
    let k = index.get(id);
    if (k === undefined) {
      // Not a member: reachable as a trustee only, never eligible.
      k = count + outsiders.length;
      index.set(id, k);
      outsiders.push(id);
    }
    return k;
  };
  const all = input.delegations;
  const truster = new Int32Array(all.length);
  const trustee = new Int32Array(all.length);
  const scope = new Uint8Array(all.length);
  let used = 0;
  for (const d of all) {
    if (!appliesTo(d, input.issue)) continue;
    const code = SCOPE_CODES[d.scope];
    if (code === undefined) throw new Error(`delegation of ${d.truster}: scope must be unit, area or issue`);
    const t = index.get(d.truster);
    if (t === undefined || t >= count)
      throw new Error(`delegation of ${d.truster}: the truster is not a member`);
    truster[used] = t;
    trustee[used] = d.trustee === null ? NULL_TRUSTEE : idOf(d.trustee);
    scope[used++] = code;
  }
  const n = count + outsiders.length;
  if (outsiders.length > 0) {
    ids.push(...outsiders);
    const w = new Float64Array(n);
    w.set(weights);
    weights = w;
    const e = new Uint8Array(n);
    e.set(eligible);
    eligible = e;
  }
  const direct = new Uint8Array(n);
  for (const v of input.directVoters) {
    const k = index.get(v);
    if (k === undefined || k >= count) throw new Error(`direct voter ${v} is not a member`);
    direct[k] = 1;
  }
  return {
    graph: {
      memberCount: n,
      eligible,
      weight: weights,
      direct,
      truster: truster.subarray(0, used),
      trustee: trustee.subarray(0, used),
      scope: scope.subarray(0, used),
    },
    ids,
    index,
  };
}

/**
 * Liquid delegation on one issue, as LiquidFeedback core 4.2.2 resolves it (close_voting with
 * add_vote_delegations; `issue_delegation` view): issue > area > unit scope, null trustees block, direct votes
 * override the voter's own delegation, transitive chains, cycles and chains to non-voters count for nobody.
 * Source: LiquidFeedback core.sql (Public Software Group e. V., MIT), checked against its own outputs in
 * fixtures/liquid. Returns each direct voter's weight, each delegator's chain and why others do not count.
 */
export function resolveLiquid(input: LiquidInput): LiquidResult {
  const { graph, ids } = buildDelegationGraph(input);
  const r = resolveDelegationGraph(graph);
  return describeResolution(r, ids, graph.direct, graph.eligible!, input.members.length);
}

/** Turns a typed-array resolution back into named lists and an explanation. */
export function describeResolution(
  r: ResolvedDelegations,
  ids: readonly string[],
  direct: Uint8Array,
  eligible: Uint8Array,
  memberCount = ids.length,
): LiquidResult {
  const directVoters: LiquidResult['directVoters'] = [];
  const delegators: LiquidResult['delegators'] = [];
  const notCounted: LiquidResult['notCounted'] = [];
  const droppedVotes: string[] = [];
  const byReason = new Map<LiquidReason, number>();
  let longest = 0;
  let overriding = 0;
  for (let m = 0; m < memberCount; m++) {
    // In range: every per-member array of r has memberCount entries, ids names each member index, and REASONS
    // has an entry for every uncounted status.
    const s = r.status[m]!;
    if (s === LiquidStatus.direct) {
      directVoters.push({ member: ids[m]!, ownWeight: r.ownWeight[m]!, weight: r.weight[m]! });
      if (r.trustee[m]! >= 0) overriding++;
    } else if (s === LiquidStatus.delegated) {
      delegators.push({
        member: ids[m]!,
        ownWeight: r.ownWeight[m]!,
        weight: r.weight[m]!,
        scope: SCOPE_NAMES[r.scope[m]!]!,
        chain: r.chain(m).map((k) => ids[k]!),
      });
      if (r.depth[m]! > longest) longest = r.depth[m]!;
    } else if (s === LiquidStatus.notEligible) {
      if (direct[m] && !eligible[m]) droppedVotes.push(ids[m]!);
    } else {
      const reason = REASONS[s]!;
      const end = r.end[m]!;
      notCounted.push({ member: ids[m]!, reason, at: end >= 0 && end !== m ? ids[end]! : null });
      byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    }
  }
  const explanation: LiquidResult['explanation'] = [
    {
      code: 'resolved',
      params: {
        directVoters: directVoters.length,
        delegators: delegators.length,
        voterCount: r.voterCount,
        longestChain: longest,
      },
      text: `${directVoters.length} members voted directly and ${delegators.length} delegated to them (chains up to ${longest} long); the direct voters carry a total weight of ${r.voterCount}.`,
    },
  ];
  if (r.overriddenDelegations > 0) {
    explanation.push({
      code: 'scope_override',
      params: { delegations: r.overriddenDelegations },
      text: `${r.overriddenDelegations} lower-scope delegations were overridden by the same member's higher-scope one (issue beats area beats unit).`,
    });
  }
  if (overriding > 0) {
    explanation.push({
      code: 'direct_overrides',
      params: { voters: overriding },
      text: `${overriding} direct voters had a delegation of their own; their direct vote overrides it.`,
    });
  }
  const sentences: Record<string, string> = {
    abstained: 'neither voted nor delegated',
    blocked: 'blocked delegation for this issue with a null trustee',
    chain_ends_at_non_voter: 'delegated along a chain that ends at a member who neither votes nor delegates',
    chain_blocked: 'delegated along a chain that reaches a member who blocked delegation for this issue',
    chain_ineligible: 'delegated along a chain that reaches a member who may not vote on this issue',
    cycle: 'delegated into a cycle with no direct voter on it',
  };
  for (const [reason, count] of byReason) {
    explanation.push({
      code: `not_counted_${reason}`,
      params: { members: count },
      text: `${count} members ${sentences[reason]}: they count for nobody.`,
    });
  }
  if (droppedVotes.length > 0) {
    explanation.push({
      code: 'votes_dropped',
      params: { members: droppedVotes.length },
      text: `${droppedVotes.length} direct votes came from members not eligible for this issue and were dropped.`,
    });
  }
  return {
    method: 'liquid',
    directVoters,
    delegators,
    notCounted,
    droppedVotes,
    voterCount: r.voterCount,
    explanation,
  };
}
