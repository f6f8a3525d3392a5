// Liquid delegation resolved for one issue, in linear time over typed arrays and without recursion, so that a
// million members resolve in well under a second: "we resolve on every read".

/** Scope of a delegation; for one issue, issue beats area beats unit. */
export type Scope = 'unit' | 'area' | 'issue';
/** Scope codes used in the typed-array graph. */
export const SCOPE_CODES: Record<Scope, number> = { unit: 0, area: 1, issue: 2 };
/** Scope names by code. */
export const SCOPE_NAMES: readonly Scope[] = ['unit', 'area', 'issue'];

/** No applicable delegation. */
export const NO_TRUSTEE = -1;
/** The highest-scope applicable delegation has a null trustee: it blocks lower-scope delegations. */
export const NULL_TRUSTEE = -2;

/** What happened to a member's vote. */
export const LiquidStatus = {
  /** Not eligible for this issue (inactive or without voting right); ballot dropped, delegation ignored. */
  notEligible: 0,
  /** Voted directly: counts with own weight plus everything delegated to it. */
  direct: 1,
  /** Delegated, and the chain reaches a direct voter: counted for that voter. */
  delegated: 2,
  /** Neither voted nor delegated. */
  abstained: 3,
  /** Its own highest-scope delegation has a null trustee. */
  blocked: 4,
  /** The chain ends at a member who neither votes nor delegates. */
  chainEndsAtNonVoter: 5,
  /** The chain reaches a member whose delegation has a null trustee. */
  chainBlocked: 6,
  /** The chain reaches a member who is not eligible. */
  chainIneligible: 7,
  /** The chain runs into a cycle with no direct voter on it. */
  cycle: 8,
} as const;
/** A value of `LiquidStatus`. */
export type LiquidStatusCode = (typeof LiquidStatus)[keyof typeof LiquidStatus];

/** Members 0..n-1 and their delegations for one issue, as parallel typed arrays. */
export interface DelegationGraph {
  memberCount: number;
  /** 1 when the member may vote on the issue (default: everyone). */
  eligible?: Uint8Array;
  /** Own weight (default 1); non-negative integers keep the sums exact. */
  weight?: Float64Array | Int32Array | Uint32Array;
  /** 1 when the member cast a direct vote. */
  direct: Uint8Array;
  /** Delegation d: truster[d] delegates to trustee[d] (or NULL_TRUSTEE) with scope code scope[d]. */
  truster: Int32Array;
  trustee: Int32Array;
  scope: Uint8Array;
}

/** The resolution: per member, its effective delegation, status, chain end and weight. */
export interface ResolvedDelegations {
  memberCount: number;
  /** Effective trustee (NO_TRUSTEE, NULL_TRUSTEE or a member), for eligible members. */
  trustee: Int32Array;
  /** Scope code of the effective delegation, -1 when none. */
  scope: Int8Array;
  /** A `LiquidStatus` per member. */
  status: Uint8Array;
  /** For delegated members: the direct voter the chain ends at; for uncounted chains: the member it stops at. */
  end: Int32Array;
  /** Chain length: number of trustees from the member to its direct voter (0 for a direct voter). */
  depth: Int32Array;
  /** For direct and delegated members: own weight plus the weight delegated to them (transitively). */
  weight: Float64Array;
  ownWeight: Float64Array;
  /** Sum of the direct voters' weights. */
  voterCount: number;
  /** Delegations ignored because the truster is not eligible. */
  ignoredDelegations: number;
  /** Delegations overridden by a higher-scope delegation of the same truster. */
  overriddenDelegations: number;
  /** The chain of a delegated member: immediate trustee first, direct voter last. */
  chain(member: number): number[];
}

/**
 * Resolves liquid delegation for one issue as LiquidFeedback core 4.2.2 does (`issue_delegation` view and
 * `add_vote_delegations`): per eligible truster the applicable delegation with the highest scope wins
 * (issue > area > unit) and a null trustee blocks lower scopes; a direct vote overrides the voter's own delegation;
 * chains are followed transitively to a direct voter; chains ending at a non-voter, at a block, at an ineligible
 * member or in a cycle without a direct voter count for nobody. Linear time: a multi-source BFS from the direct
 * voters over reversed edges, weights summed in reverse BFS order, uncounted chains classified by one path walk.
 */
export function resolveDelegationGraph(g: DelegationGraph): ResolvedDelegations {
  const n = g.memberCount;
  // In range: k < d, the common length of truster, trustee and scope; truster and trustee values are checked to
  // be members below n before use, so are trustee[] entries that are >= 0; every per-member array has n entries,
  // childStart n + 1, children and fill hold positions below childStart[n], and queue and path hold members.
  const eligible = g.eligible;
  const own = new Float64Array(n);
  if (g.weight) own.set(g.weight);
  else own.fill(1);
  if (eligible) for (let m = 0; m < n; m++) if (!eligible[m]) own[m] = 0;
  const isEligible = (m: number) => (eligible ? eligible[m] === 1 : true);

  // 1. Effective delegation per truster: highest scope wins.
  const trustee = new Int32Array(n).fill(NO_TRUSTEE);
  const scope = new Int8Array(n).fill(-1);
  let ignored = 0;
  let overridden = 0;
  const d = g.truster.length;
  if (g.trustee.length !== d || g.scope.length !== d)
    throw new Error('truster, trustee and scope must have the same length');
  for (let k = 0; k < d; k++) {
    const t = g.truster[k]!;
    const to = g.trustee[k]!;
    const s = g.scope[k]!;
    if (t < 0 || t >= n) throw new Error(`delegation ${k}: truster ${t} is not a member`);
    if (to !== NULL_TRUSTEE && (to < 0 || to >= n))
      throw new Error(`delegation ${k}: trustee ${to} is not a member`);
    if (s > 2) throw new Error(`delegation ${k}: unknown scope code ${s}`);
    if (to === NULL_TRUSTEE && s === 0)
      throw new Error(`delegation ${k}: a unit delegation cannot have a null trustee`);
    if (!isEligible(t)) {
      ignored++;
      continue;
    }
    if (s > scope[t]!) {
      if (scope[t]! >= 0) overridden++;
      scope[t] = s;
      trustee[t] = to;
    } else if (s === scope[t]!) {
      throw new Error(
        `delegation ${k}: member ${t} has two ${['unit', 'area', 'issue'][s]} delegations for this issue`,
      );
    } else overridden++;
  }

  // 2. Reverse edges (CSR) from trustee to the trusters who are eligible, not direct voters, and delegate.
  const status = new Uint8Array(n);
  const childStart = new Int32Array(n + 1);
  for (let m = 0; m < n; m++) {
    if (!isEligible(m)) continue; // status notEligible = 0
    if (g.direct[m]) status[m] = LiquidStatus.direct;
    else if (trustee[m]! >= 0) childStart[trustee[m]! + 1]!++;
  }
  for (let m = 0; m < n; m++) childStart[m + 1]! += childStart[m]!;
  const fill = childStart.slice(0, n);
  const children = new Int32Array(childStart[n]!);
  for (let m = 0; m < n; m++) {
    if (status[m] === 0 && isEligible(m) && trustee[m]! >= 0) children[fill[trustee[m]!]!++] = m;
  }

  // 3. Multi-source BFS from the direct voters. Each member has at most one effective trustee and direct voters
  // are never children, so every member is enqueued at most once and cycles off the voters are never entered.
  const end = new Int32Array(n).fill(-1);
  const depth = new Int32Array(n);
  const queue = new Int32Array(n);
  let tail = 0;
  for (let m = 0; m < n; m++) {
    if (status[m] === LiquidStatus.direct) {
      queue[tail++] = m;
      end[m] = m;
    }
  }
  for (let head = 0; head < tail; head++) {
    const p = queue[head]!;
    const root = end[p]!;
    const dp = depth[p]! + 1;
    for (let c = childStart[p]!, e = childStart[p + 1]!; c < e; c++) {
      const m = children[c]!;
      status[m] = LiquidStatus.delegated;
      end[m] = root;
      depth[m] = dp;
      queue[tail++] = m;
    }
  }

  // 4. Weights: children come after their trustee in BFS order, so a reverse sweep sums subtrees.
  const weight = new Float64Array(n);
  for (let k = 0; k < tail; k++) weight[queue[k]!] = own[queue[k]!]!;
  for (let k = tail - 1; k >= 0; k--) {
    const m = queue[k]!;
    if (status[m] === LiquidStatus.delegated) weight[trustee[m]!]! += weight[m]!;
  }
  let voterCount = 0;
  for (let m = 0; m < n; m++) if (status[m] === LiquidStatus.direct) voterCount += weight[m]!;

  // 5. Why the others count for nobody: walk each unresolved chain once, then label the whole path.
  const onPath = new Int32Array(n).fill(-1);
  const path = new Int32Array(n);
  for (let m = 0; m < n; m++) {
    if (status[m] !== 0 || !isEligible(m)) continue;
    let len = 0;
    let x = m;
    let pathStatus: number;
    let pathEnd: number;
    let selfStatus = -1; // status of the last member on the path when it is the terminal itself
    for (;;) {
      if (onPath[x] === m) {
        pathStatus = LiquidStatus.cycle;
        pathEnd = x;
        break;
      }
      if (status[x] !== 0 || !isEligible(x)) {
        // x was resolved before (or is ineligible, reached as the trustee of the previous member)
        const sx = isEligible(x) ? status[x]! : LiquidStatus.notEligible;
        if (sx === LiquidStatus.notEligible) {
          pathStatus = LiquidStatus.chainIneligible;
          pathEnd = x;
        } else if (sx === LiquidStatus.abstained) {
          pathStatus = LiquidStatus.chainEndsAtNonVoter;
          pathEnd = x;
        } else if (sx === LiquidStatus.blocked) {
          pathStatus = LiquidStatus.chainBlocked;
          pathEnd = x;
        } else {
          pathStatus = sx;
          pathEnd = end[x]!;
        }
        break;
      }
      onPath[x] = m;
      path[len++] = x;
      const t = trustee[x]!;
      if (t === NO_TRUSTEE || t === NULL_TRUSTEE) {
        selfStatus = t === NO_TRUSTEE ? LiquidStatus.abstained : LiquidStatus.blocked;
        pathStatus = t === NO_TRUSTEE ? LiquidStatus.chainEndsAtNonVoter : LiquidStatus.chainBlocked;
        pathEnd = x;
        break;
      }
      x = t;
    }
    for (let k = 0; k < len; k++) {
      const y = path[k]!;
      if (selfStatus >= 0 && k === len - 1) {
        status[y] = selfStatus;
        end[y] = y;
      } else {
        status[y] = pathStatus;
        end[y] = pathEnd;
      }
    }
  }

  return {
    memberCount: n,
    trustee,
    scope,
    status,
    end,
    depth,
    weight,
    ownWeight: own,
    voterCount,
    ignoredDelegations: ignored,
    overriddenDelegations: overridden,
    chain(member: number): number[] {
      if (status[member] !== LiquidStatus.delegated) return [];
      const out: number[] = [];
      let x = member;
      while (status[x] === LiquidStatus.delegated) {
        x = trustee[x]!;
        out.push(x);
      }
      return out;
    },
  };
}
