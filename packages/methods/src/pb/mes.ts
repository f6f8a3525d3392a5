// The Method of Equal Shares with its completions (Add1, Add1 then greedy) and the comparison step.
import { greedyIndices, type GreedyStep } from './greedy';
import { MesEngine, type MesArithmetic, type MesRun, type MesRunStats, type MesUtility } from './mes-engine';
import type { PbProfile } from './profile';
import { totalCost } from './profile';
import { cmp, div, floor, moneyText, type Rational, rat, toNumber } from './rational';
import { DEFAULT_TIE_BREAK, makeTieBreaker, type TieBreakCriterion } from './tie-break';

export type MesCompletion = 'add1' | 'add1-greedy' | 'none';
export type MesComparison = 'none' | 'satisfaction' | 'exclusion';

export interface MesOptions {
  /** `cost` (default; equalshares.net) or `approval` (cardinality) utilities. */
  utility?: MesUtility;
  /** Default `add1`. */
  completion?: MesCompletion;
  /** Compare the result with greedy and keep greedy if more voters prefer it (equalshares.net); default none. */
  comparison?: MesComparison;
  tieBreak?: readonly TieBreakCriterion[];
  seed?: string;
  /** `fast` (default; certified floats with exact fallback) or `exact` (bigint rationals throughout). */
  arithmetic?: MesArithmetic;
  /** Progress of Add1: called after each run with the outcome's cost against the budget. */
  onProgress?: (done: number, total: number, label?: string) => void;
}

/** Why a project was not funded, in money: what its supporters had left at the end against its cost. */
export interface MesUnfunded {
  project: string;
  cost: string;
  supporters: number;
  /** Supporters' remaining money when MES stopped (floats rounded to cents). */
  moneyBehind: string;
  lacked: string;
  note?: string;
}

/** One funded project, in the order MES funded it. */
export interface MesRoundExplained {
  round: number;
  project: string;
  cost: string;
  effectiveVotes: number;
  maxPayment: string;
  supporters: number;
  paidInFull: number;
  cappedSupporters: number;
  cappedPaid: string;
  decidedBy: 'bounds' | 'exact' | 'tie-break';
}

/** The result of MES with its completion and comparison, explained. */
export interface MesOutcome {
  rule: string;
  selected: string[];
  cost: Rational;
  budget: Rational;
  /** The per-voter endowment of the final MES run (Add1 raises it one unit at a time from floor(B/n)). */
  endowment: Rational;
  add1Runs: number;
  rounds: MesRoundExplained[];
  unfunded: MesUnfunded[];
  /** Projects added by the greedy top-up (completion add1-greedy). */
  toppedUp: string[];
  topUpSteps?: GreedyStep[];
  comparison?: {
    prefersMes: number;
    prefersGreedy: number;
    used: 'mes' | 'greedy';
    greedySelected: string[];
  };
  stats: MesRunStats & { runs: number };
}

function sumCost(profile: PbProfile, winners: readonly number[]): Rational {
  return totalCost(profile, winners);
}

/**
 * Method of Equal Shares (Peters, Pierczyński and Skowron, NeurIPS 2021; the equalshares.net formulation
 * with cost utilities: each round funds the affordable project with the largest effective vote count
 * cost/ρ, ties to lower cost then more votes). Completion `add1` (equalshares.net "Add1", integral variant):
 * start at floor(B/n) per voter, add one unit and re-run while the re-run's outcome costs at most B.
 * `add1-greedy` then tops up greedily; `none` runs once with endowment B/n.
 */
export function equalShares(profile: PbProfile, options: MesOptions = {}): MesOutcome {
  const utility = options.utility ?? 'cost';
  const completion = options.completion ?? 'add1';
  const arithmetic = options.arithmetic ?? 'fast';
  const chain = options.tieBreak ?? DEFAULT_TIE_BREAK;
  const tie = makeTieBreaker(profile, chain, options.seed);
  const engine = new MesEngine(profile, utility, tie);
  const B = profile.budget;
  const n = Math.max(1, profile.voters);
  const totals = { evaluations: 0, exactEvaluations: 0, exactRhoReplays: 0, groups: 0, runs: 0 };
  const runAt = (e: Rational, explain = false): MesRun => {
    const r = engine.run(e, arithmetic, explain);
    totals.evaluations += r.stats.evaluations;
    totals.exactEvaluations += r.stats.exactEvaluations;
    totals.exactRhoReplays += r.stats.exactRhoReplays;
    totals.groups = Math.max(totals.groups, r.stats.groups);
    totals.runs++;
    return r;
  };
  const eligible = profile.projectIds.map((_, c) => profile.costs[c]!.num > 0n && profile.approvals[c]! > 0);
  const eligibleCount = eligible.filter(Boolean).length;
  let run: MesRun;
  let runs = 1;
  if (completion === 'none') {
    run = runAt(div(B, rat(n)));
  } else {
    let e = floor(div(B, rat(n)));
    run = runAt(rat(e));
    const bNum = toNumber(B);
    options.onProgress?.(toNumber(sumCost(profile, run.winners)), bNum, `Add1: endowment ${e}`);
    // Keep going while the NEXT outcome stays within the budget; stop when every eligible project is in.
    while (run.winners.length < eligibleCount) {
      const next = runAt(rat(e + 1n));
      runs++;
      const cost = sumCost(profile, next.winners);
      options.onProgress?.(Math.min(toNumber(cost), bNum), bNum, `Add1: endowment ${e + 1n}`);
      if (cmp(cost, B) > 0) break;
      e += 1n;
      run = next;
    }
  }
  // Re-run the final endowment with the explanation (cheap compared with Add1's search).
  const final = runAt(run.endowment, true);
  let selected = final.winners.slice();
  let toppedUp: number[] = [];
  let topUpSteps: GreedyStep[] | undefined;
  if (completion === 'add1-greedy') {
    const g = greedyIndices(profile, { tieBreak: chain, seed: options.seed, alreadyFunded: selected });
    toppedUp = g.selected;
    topUpSteps = g.steps;
    selected = [...selected, ...toppedUp];
  }
  let comparison: MesOutcome['comparison'];
  let rule = `mes-${utility}${completion === 'none' ? '' : `/${completion}`}`;
  if (options.comparison && options.comparison !== 'none') {
    const greedy = greedyIndices(profile, { tieBreak: chain, seed: options.seed }).selected;
    const { prefersMes, prefersGreedy } = compareOutcomes(profile, selected, greedy, options.comparison);
    const used = prefersGreedy > prefersMes ? 'greedy' : 'mes';
    comparison = {
      prefersMes,
      prefersGreedy,
      used,
      greedySelected: greedy.map((p) => profile.projectIds[p]!),
    };
    if (used === 'greedy') selected = greedy;
    rule += `/comparison-${options.comparison}`;
  }
  const money = (x: number): string => x.toFixed(2);
  const rounds: MesRoundExplained[] = final.rounds.map((r, k) => ({
    round: k + 1,
    project: profile.projectIds[r.project]!,
    cost: moneyText(profile.costs[r.project]!),
    effectiveVotes: Number(r.effectiveVotes.toFixed(6)),
    maxPayment: money(r.rho),
    supporters: r.supporters,
    paidInFull: r.supporters - r.capped,
    cappedSupporters: r.capped,
    cappedPaid: money(r.cappedPaid),
    decidedBy: r.decidedBy,
  }));
  const funded = new Set(selected);
  const unfunded: MesUnfunded[] = [];
  for (let c = 0; c < profile.projectIds.length; c++) {
    if (funded.has(c)) continue;
    const behind = final.moneyBehind?.[c] ?? 0;
    const cost = profile.costNumbers[c]!;
    const entry: MesUnfunded = {
      project: profile.projectIds[c]!,
      cost: moneyText(profile.costs[c]!),
      supporters: profile.approvals[c]!,
      moneyBehind: money(behind),
      lacked: money(Math.max(0, cost - behind)),
    };
    if (!eligible[c])
      entry.note = profile.approvals[c] === 0 ? 'no supporters' : 'zero cost is not funded by MES';
    else if (final.winners.includes(c))
      entry.note = 'funded by MES, replaced by greedy in the comparison step';
    unfunded.push(entry);
  }
  return {
    rule,
    selected: selected.map((p) => profile.projectIds[p]!),
    cost: sumCost(profile, selected),
    budget: B,
    endowment: final.endowment,
    add1Runs: runs,
    rounds,
    unfunded,
    toppedUp: toppedUp.map((p) => profile.projectIds[p]!),
    topUpSteps,
    comparison,
    stats: totals,
  };
}

/**
 * The comparison step of equalshares.net: each voter prefers the outcome with more of their approved projects
 * (`satisfaction`) or the one that funds at least one of them when the other funds none (`exclusion`).
 */
export function compareOutcomes(
  profile: PbProfile,
  mes: readonly number[],
  greedy: readonly number[],
  how: Exclude<MesComparison, 'none'>,
): { prefersMes: number; prefersGreedy: number } {
  const inMes = new Uint8Array(profile.projectIds.length);
  const inGreedy = new Uint8Array(profile.projectIds.length);
  for (const p of mes) inMes[p] = 1;
  for (const p of greedy) inGreedy[p] = 1;
  let prefersMes = 0;
  let prefersGreedy = 0;
  const { typeWeight, typeStart, typeProjects } = profile;
  for (let t = 0; t < typeWeight.length; t++) {
    let a = 0;
    let b = 0;
    for (let j = typeStart[t]!; j < typeStart[t + 1]!; j++) {
      a += inMes[typeProjects[j]!]!;
      b += inGreedy[typeProjects[j]!]!;
    }
    if (how === 'exclusion') {
      a = a > 0 ? 1 : 0;
      b = b > 0 ? 1 : 0;
    }
    if (a > b) prefersMes += typeWeight[t]!;
    else if (b > a) prefersGreedy += typeWeight[t]!;
  }
  return { prefersMes, prefersGreedy };
}
