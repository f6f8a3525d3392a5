// Greedy (utilitarian) budgeting, the rule most cities use: projects in order of votes, funded while they fit.
import type { PbProfile } from './profile';
import { add, cmp, moneyText, type Rational, sub, ZERO } from './rational';
import { DEFAULT_TIE_BREAK, makeTieBreaker, type TieBreakCriterion } from './tie-break';

export type GreedyVariant = 'skip' | 'no-skip';

export interface GreedyOptions {
  /** `skip` (default) passes over a project that no longer fits; `no-skip` stops at the first one. */
  variant?: GreedyVariant;
  /** Minimum score (approvals or points) a project needs to be eligible (Pabulib `min_project_score_threshold`). */
  threshold?: number;
  /** Order among equal scores; default cost, votes, lot. */
  tieBreak?: readonly TieBreakCriterion[];
  seed?: string;
  /** Overrides the instance budget. */
  budget?: Rational;
  /** Projects already funded (e.g. by MES before a greedy top-up); they are skipped and their cost counts. */
  alreadyFunded?: readonly number[];
}

export type GreedyDecision = 'funded' | 'already-funded' | 'does-not-fit' | 'below-threshold' | 'not-reached';

/** One line of a greedy explanation, in the order the rule considered the projects. */
export interface GreedyStep {
  project: string;
  score: number;
  cost: string;
  decision: GreedyDecision;
  /** Money left before this project was considered. */
  remaining: string;
}

export interface GreedyResult {
  selected: number[];
  cost: Rational;
  steps: GreedyStep[];
}

/**
 * Greedy by score (approval count, or points for cumulative/scoring ballots), ties by the chain (lower cost
 * first by default). Variant `skip` is Pabulib's `greedy`, `no-skip` its `greedy-no-skip` (stop at the first
 * project that does not fit). Source: Pabulib rule names (pabulib.org/format), as in the official results.
 */
export function greedyIndices(profile: PbProfile, options: GreedyOptions = {}): GreedyResult {
  const m = profile.projectIds.length;
  const tie = makeTieBreaker(profile, options.tieBreak ?? DEFAULT_TIE_BREAK, options.seed);
  const order = Array.from({ length: m }, (_, k) => k).sort(
    (a, b) => profile.scores[b]! - profile.scores[a]! || tie.compare(a, b),
  );
  const budget = options.budget ?? profile.budget;
  const funded = new Set(options.alreadyFunded ?? []);
  let spent = ZERO;
  for (const p of funded) spent = add(spent, profile.costs[p]!);
  const selected: number[] = [];
  const steps: GreedyStep[] = [];
  let stopped = false;
  for (const p of order) {
    const remaining = sub(budget, spent);
    const step = (decision: GreedyDecision): void => {
      steps.push({
        project: profile.projectIds[p]!,
        score: profile.scores[p]!,
        cost: moneyText(profile.costs[p]!),
        decision,
        remaining: moneyText(remaining),
      });
    };
    if (funded.has(p)) {
      step('already-funded');
      continue;
    }
    if (stopped) {
      step('not-reached');
      continue;
    }
    if (options.threshold !== undefined && profile.scores[p]! < options.threshold) {
      step('below-threshold');
      continue;
    }
    if (cmp(profile.costs[p]!, remaining) <= 0) {
      selected.push(p);
      spent = add(spent, profile.costs[p]!);
      step('funded');
    } else {
      step('does-not-fit');
      if (options.variant === 'no-skip') stopped = true;
    }
  }
  return { selected, cost: spent, steps };
}

/** The result of a greedy rule, explained step by step. */
export interface GreedyOutcome {
  rule: 'greedy' | 'greedy-no-skip';
  selected: string[];
  cost: Rational;
  budget: Rational;
  threshold?: number;
  steps: GreedyStep[];
}

/** Greedy on a profile, with project ids in the result (see `greedyIndices` for the rule itself). */
export function greedy(profile: PbProfile, options: GreedyOptions = {}): GreedyOutcome {
  const r = greedyIndices(profile, options);
  const out: GreedyOutcome = {
    rule: options.variant === 'no-skip' ? 'greedy-no-skip' : 'greedy',
    selected: r.selected.map((p) => profile.projectIds[p]!),
    cost: r.cost,
    budget: options.budget ?? profile.budget,
    steps: r.steps,
  };
  if (options.threshold !== undefined) out.threshold = options.threshold;
  return out;
}
