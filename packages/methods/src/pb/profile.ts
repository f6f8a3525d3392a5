// A compact, index-based view of a budgeting instance for the counting rules: projects by index, voters
// folded into ballot types (identical approval sets, with a multiplicity), both directions in CSR arrays.
import type { PbInstance } from './format';
import { add, type Rational, toNumber, ZERO } from './rational';

/** The counting view of an instance. Ballot types merge voters whose approval sets are identical. */
export interface PbProfile {
  projectIds: string[];
  costs: Rational[];
  costNumbers: Float64Array;
  budget: Rational;
  /** Number of voters, including those with empty ballots (each gets an equal share in MES). */
  voters: number;
  /** Approvals per project (a voter approves a project listed on the ballot; with points, only when > 0). */
  approvals: Int32Array;
  /** Greedy's score: approvals, or the sum of points for cumulative and scoring ballots. */
  scores: Float64Array;
  typeWeight: Int32Array;
  typeStart: Int32Array;
  typeProjects: Int32Array;
  projectTypeStart: Int32Array;
  projectTypes: Int32Array;
  meta: Record<string, string>;
}

/** Builds the counting view of a parsed instance. */
export function buildProfile(instance: PbInstance): PbProfile {
  const m = instance.projects.length;
  const index = new Map<string, number>();
  instance.projects.forEach((p, k) => index.set(p.id, k));
  const approvals = new Int32Array(m);
  const scores = new Float64Array(m);
  const usePoints = instance.voteType === 'cumulative' || instance.voteType === 'scoring';
  const typeOf = new Map<string, number>();
  const typeSets: number[][] = [];
  const weights: number[] = [];
  for (const v of instance.voters) {
    const set: number[] = [];
    v.vote.forEach((id, k) => {
      const p = index.get(id)!;
      const pts = usePoints ? (v.points?.[k] ?? 0) : 1;
      scores[p]! += pts;
      if (pts > 0) set.push(p);
    });
    set.sort((a, b) => a - b);
    for (const p of set) approvals[p]!++;
    const key = set.join(',');
    let t = typeOf.get(key);
    if (t === undefined) {
      t = typeSets.length;
      typeOf.set(key, t);
      typeSets.push(set);
      weights.push(0);
    }
    weights[t]!++;
  }
  const T = typeSets.length;
  const typeStart = new Int32Array(T + 1);
  for (let t = 0; t < T; t++) typeStart[t + 1] = typeStart[t]! + typeSets[t]!.length;
  const typeProjects = new Int32Array(typeStart[T]!);
  const perProject = new Int32Array(m + 1);
  for (let t = 0; t < T; t++) {
    typeProjects.set(typeSets[t]!, typeStart[t]!);
    for (const p of typeSets[t]!) perProject[p + 1]!++;
  }
  for (let p = 0; p < m; p++) perProject[p + 1]! += perProject[p]!;
  const projectTypes = new Int32Array(typeStart[T]!);
  const fill = perProject.slice(0, m);
  for (let t = 0; t < T; t++) for (const p of typeSets[t]!) projectTypes[fill[p]!++] = t;
  return {
    projectIds: instance.projects.map((p) => p.id),
    costs: instance.projects.map((p) => p.cost),
    costNumbers: Float64Array.from(instance.projects, (p) => toNumber(p.cost)),
    budget: instance.budget,
    voters: instance.voters.length,
    approvals,
    scores,
    typeWeight: Int32Array.from(weights),
    typeStart,
    typeProjects,
    projectTypeStart: perProject,
    projectTypes,
    meta: instance.meta,
  };
}

/** Exact total cost of the projects with the given indices. */
export function totalCost(profile: PbProfile, projects: Iterable<number>): Rational {
  let s = ZERO;
  for (const p of projects) s = add(s, profile.costs[p]!);
  return s;
}
