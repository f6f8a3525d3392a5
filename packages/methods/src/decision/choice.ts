import { at } from '../common/index';
import { SeedStream, seededShuffle } from '../sortition/stream';
import { step, plural, DecisionInputError, type ExplanationStep } from './explain';
import { Rational } from './fraction';

/** How ties for the last seat are settled: reported (`none`), by the listed candidate order, or by a public seed. */
export type TieBreak = { mode: 'none' } | { mode: 'order' } | { mode: 'seed'; seed: string };

/** Options shared by plurality, approval and score. */
export interface ChoiceOptions {
  /** Winners to choose (default 1). */
  seats?: number;
  tieBreak?: TieBreak;
}

/** The result of a plurality, approval or score count. */
export interface ChoiceResult {
  method: 'plurality' | 'approval' | 'score' | 'cumulative';
  seats: number;
  winners: string[];
  /** Candidates tied for the remaining seats when ties are reported, not broken. */
  tied: string[];
  /** Every candidate, best first, with its total (exact; a fraction for score averages). */
  ranking: { candidate: string; total: string; ballots?: number }[];
  ballots: { valid: number; invalid: number };
  explanation: ExplanationStep[];
}

function checkCandidates(candidates: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  if (candidates.length === 0) throw new DecisionInputError('there are no candidates');
  candidates.forEach((c) => {
    if (typeof c !== 'string' || c === '')
      throw new DecisionInputError('every candidate must be a non-empty string');
    if (index.has(c)) throw new DecisionInputError(`candidate "${c}" is listed twice`);
    index.set(c, index.size);
  });
  return index;
}

function checkWeight(w: number | undefined, i: number): number {
  const weight = w ?? 1;
  if (!Number.isSafeInteger(weight) || weight < 0)
    throw new DecisionInputError(`ballot ${i + 1}: weight must be a non-negative integer`);
  return weight;
}

/** Picks `seats` winners by total, then settles or reports a tie at the boundary. */
function pickWinners(
  method: ChoiceResult['method'],
  candidates: readonly string[],
  totals: Rational[],
  options: ChoiceOptions,
  explanation: ExplanationStep[],
  extra?: (i: number) => number,
): Pick<ChoiceResult, 'winners' | 'tied' | 'ranking' | 'seats'> {
  const seats = options.seats ?? 1;
  if (!Number.isSafeInteger(seats) || seats < 1 || seats > candidates.length) {
    throw new DecisionInputError(
      `seats must be between 1 and the number of candidates (${candidates.length})`,
    );
  }
  const total = (i: number) => at(totals, i, 'total');
  const name = (i: number) => at(candidates, i, 'candidate');
  const order = candidates.map((_, i) => i).sort((a, b) => total(b).cmp(total(a)) || a - b);
  const ranking = order.map((i) => ({
    candidate: name(i),
    total: total(i).toString(),
    ...(extra ? { ballots: extra(i) } : {}),
  }));
  // 1 <= seats <= candidates.length, checked above.
  const boundary = total(order[seats - 1]!);
  const above = order.filter((i) => total(i).cmp(boundary) > 0);
  const group = order.filter((i) => total(i).cmp(boundary) === 0);
  const remaining = seats - above.length;
  const winners = above.map(name);
  let tied: string[] = [];
  if (group.length === remaining) {
    winners.push(...group.map(name));
  } else {
    const names = group.map(name);
    const tb = options.tieBreak ?? { mode: 'none' };
    if (tb.mode === 'none') {
      tied = names;
      explanation.push(
        step(
          'tie',
          { tied: names, seats: remaining, total: boundary.toString() },
          `${names.join(', ')} tie with ${boundary} for ${plural(remaining, 'remaining seat')}; the tie is reported, not broken.`,
        ),
      );
    } else if (tb.mode === 'order') {
      const chosen = names.slice(0, remaining);
      winners.push(...chosen);
      explanation.push(
        step(
          'tie_broken_by_order',
          { tied: names, chosen },
          `${names.join(', ')} tie with ${boundary}; by the listed order of candidates, ${chosen.join(', ')} ${chosen.length === 1 ? 'takes' : 'take'} the remaining seat(s).`,
        ),
      );
    } else {
      const sorted = names.slice().sort();
      const chosen = seededShuffle(sorted, new SeedStream(tb.seed, 'tie-break'), remaining);
      winners.push(...chosen);
      explanation.push(
        step(
          'tie_broken_by_seed',
          { tied: names, chosen, seed: tb.seed },
          `${names.join(', ')} tie with ${boundary}; a draw from the public seed "${tb.seed}" (procedure peergov-sortition-v1, label "tie-break") chose ${chosen.join(', ')}.`,
        ),
      );
    }
  }
  const label = { plurality: 'votes', approval: 'approvals', score: 'points', cumulative: 'points' }[method];
  explanation.unshift(
    step(
      'totals',
      { ranking: ranking.map((r) => `${r.candidate}=${r.total}`) },
      `Totals (${label}): ${ranking.map((r) => `${r.candidate} ${r.total}`).join(', ')}.`,
    ),
  );
  explanation.push(
    step(
      'winners',
      { winners, seats },
      winners.length > 0
        ? `${seats === 1 ? 'Winner' : 'Elected'}: ${winners.join(', ')}.`
        : 'No winner without breaking the tie.',
    ),
  );
  return { winners, tied, ranking, seats };
}

/** A plurality ballot: one candidate, or null for a blank ballot. */
export interface PluralityBallot {
  choice: string | null;
  weight?: number;
}

/**
 * Plurality (first past the post; with seats > 1, the top `seats` win, as in the single non-transferable vote):
 * each ballot names one candidate and the most-named win. Blank ballots are counted as invalid, not as votes. Source:
 * the textbook definition, e.g. A. Taylor & A. Pacelli, Mathematics and Politics (2nd ed., 2008), ch. 1.
 */
export function plurality(
  candidates: readonly string[],
  ballots: readonly PluralityBallot[],
  options: ChoiceOptions = {},
): ChoiceResult {
  const index = checkCandidates(candidates);
  const totals = candidates.map(() => 0);
  let valid = 0;
  let invalid = 0;
  ballots.forEach((b, i) => {
    const w = checkWeight(b.weight, i);
    if (b.choice === null || b.choice === undefined) {
      invalid += w;
      return;
    }
    const k = index.get(b.choice);
    if (k === undefined)
      throw new DecisionInputError(`ballot ${i + 1}: unknown candidate ${JSON.stringify(b.choice)}`);
    totals[k] = at(totals, k, 'total') + w;
    valid += w;
  });
  const explanation: ExplanationStep[] = [];
  const picked = pickWinners(
    'plurality',
    candidates,
    totals.map((t) => new Rational(BigInt(t))),
    options,
    explanation,
  );
  explanation.unshift(
    step(
      'ballots',
      { valid, blank: invalid },
      `${plural(valid, 'valid ballot')} and ${plural(invalid, 'blank ballot')}.`,
    ),
  );
  return { method: 'plurality', ...picked, ballots: { valid, invalid }, explanation };
}

/** An approval ballot: the candidates the voter approves of (any number, each at most once). */
export interface ApprovalBallot {
  approved: string[];
  weight?: number;
}

/**
 * Approval voting: each ballot approves any set of candidates; the most approved win (with seats > 1, block
 * approval voting, the top `seats`). Source: S. Brams & P. Fishburn, "Approval Voting", American Political Science
 * Review 72(3), 1978; optional `maxApprovals` limits how many one ballot may approve.
 */
export function approval(
  candidates: readonly string[],
  ballots: readonly ApprovalBallot[],
  options: ChoiceOptions & { maxApprovals?: number } = {},
): ChoiceResult {
  const index = checkCandidates(candidates);
  const totals = candidates.map(() => 0);
  let valid = 0;
  ballots.forEach((b, i) => {
    const w = checkWeight(b.weight, i);
    if (!Array.isArray(b.approved))
      throw new DecisionInputError(`ballot ${i + 1}: "approved" must be an array of candidates`);
    if (options.maxApprovals !== undefined && b.approved.length > options.maxApprovals) {
      throw new DecisionInputError(
        `ballot ${i + 1}: approves ${b.approved.length} candidates, at most ${options.maxApprovals} allowed`,
      );
    }
    const seen = new Set<number>();
    for (const c of b.approved) {
      const k = index.get(c);
      if (k === undefined)
        throw new DecisionInputError(`ballot ${i + 1}: unknown candidate ${JSON.stringify(c)}`);
      if (seen.has(k)) throw new DecisionInputError(`ballot ${i + 1}: approves "${c}" twice`);
      seen.add(k);
      totals[k] = at(totals, k, 'total') + w;
    }
    valid += w;
  });
  const explanation: ExplanationStep[] = [];
  const picked = pickWinners(
    'approval',
    candidates,
    totals.map((t) => new Rational(BigInt(t))),
    options,
    explanation,
  );
  explanation.unshift(step('ballots', { valid }, `${plural(valid, 'ballot')} counted.`));
  return { method: 'approval', ...picked, ballots: { valid, invalid: 0 }, explanation };
}

/** A score ballot: an integer score per candidate; a candidate left out is unscored. */
export interface ScoreBallot {
  scores: Record<string, number>;
  weight?: number;
}

/** Options of score (range) voting. */
export interface ScoreOptions extends ChoiceOptions {
  /** Lowest and highest allowed score (default 0 and 5). */
  min?: number;
  max?: number;
  /** `sum` (default) or `mean` of the scores given; with `mean`, unscored candidates do not pull the mean down. */
  aggregate?: 'sum' | 'mean';
  /** With `sum`: an unscored candidate gets `min` (default). With `mean` it is simply left out. */
}

/**
 * Score (range) voting: each ballot scores candidates on an integer scale; the highest total (or mean) wins.
 * Variant: sum with unscored = minimum by default, or mean over the ballots that scored the candidate (exact
 * fractions). Source: W. D. Smith, "Range voting" (2000); Center for Election Science, "Score voting".
 */
export function score(
  candidates: readonly string[],
  ballots: readonly ScoreBallot[],
  options: ScoreOptions = {},
): ChoiceResult {
  const index = checkCandidates(candidates);
  const min = options.min ?? 0;
  const max = options.max ?? 5;
  if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min >= max)
    throw new DecisionInputError('the score range must be integers with min < max');
  const aggregate = options.aggregate ?? 'sum';
  const sums = candidates.map(() => 0n);
  const scored = candidates.map(() => 0);
  let valid = 0;
  ballots.forEach((b, i) => {
    const w = checkWeight(b.weight, i);
    if (!b.scores || typeof b.scores !== 'object' || Array.isArray(b.scores))
      throw new DecisionInputError(`ballot ${i + 1}: "scores" must be an object of candidate to score`);
    const given = new Set<number>();
    for (const [c, s] of Object.entries(b.scores)) {
      const k = index.get(c);
      if (k === undefined)
        throw new DecisionInputError(`ballot ${i + 1}: unknown candidate ${JSON.stringify(c)}`);
      if (!Number.isSafeInteger(s) || s < min || s > max)
        throw new DecisionInputError(
          `ballot ${i + 1}: score of "${c}" must be an integer from ${min} to ${max}`,
        );
      sums[k] = at(sums, k, 'sum') + BigInt(s) * BigInt(w);
      scored[k] = at(scored, k, 'count') + w;
      given.add(k);
    }
    if (aggregate === 'sum' && min !== 0) {
      sums.forEach((sum, k) => {
        if (!given.has(k)) sums[k] = sum + BigInt(min) * BigInt(w);
      });
    }
    valid += w;
  });
  const totals = sums.map((sum, k) => {
    const n = at(scored, k, 'count');
    return aggregate === 'sum'
      ? new Rational(sum)
      : n === 0
        ? new Rational(BigInt(min))
        : new Rational(sum, BigInt(n));
  });
  const explanation: ExplanationStep[] = [];
  const picked = pickWinners(
    'score',
    candidates,
    totals,
    options,
    explanation,
    aggregate === 'mean' ? (k) => at(scored, k, 'count') : undefined,
  );
  explanation.unshift(
    step(
      'ballots',
      { valid, min, max, aggregate },
      `${plural(valid, 'ballot')} scored candidates from ${min} to ${max}; candidates are ranked by the ${aggregate === 'sum' ? 'sum of scores (unscored counts as ' + min + ')' : 'mean of the scores given (unscored is left out)'}.`,
    ),
  );
  return { method: 'score', ...picked, ballots: { valid, invalid: 0 }, explanation };
}

/** A cumulative (dot-voting) ballot: points per candidate, in all at most the budget; a candidate left out gets 0. */
export interface CumulativeBallot {
  points: Record<string, number>;
  weight?: number;
}

/**
 * Cumulative voting (dot voting): each ballot spreads at most `budget` points over the candidates, several on one if
 * it likes; the most points win. Source: S. Bowler, T. Donovan & D. Brockington, Electoral Reform and Minority
 * Representation: Local Experiments with Alternative Elections (2003), ch. 1; dot voting is the same count with
 * dots for points. Variant: a ballot that spends less than its budget is valid, one that spends more is an error.
 */
export function cumulative(
  candidates: readonly string[],
  ballots: readonly CumulativeBallot[],
  options: ChoiceOptions & { budget: number },
): ChoiceResult {
  const index = checkCandidates(candidates);
  const { budget } = options;
  if (!Number.isSafeInteger(budget) || budget < 1)
    throw new DecisionInputError('the budget of points must be a positive integer');
  const totals = candidates.map(() => 0n);
  let valid = 0;
  ballots.forEach((b, i) => {
    const w = checkWeight(b.weight, i);
    if (!b.points || typeof b.points !== 'object' || Array.isArray(b.points))
      throw new DecisionInputError(`ballot ${i + 1}: "points" must be an object of candidate to points`);
    let spent = 0;
    for (const [c, p] of Object.entries(b.points)) {
      const k = index.get(c);
      if (k === undefined)
        throw new DecisionInputError(`ballot ${i + 1}: unknown candidate ${JSON.stringify(c)}`);
      if (!Number.isSafeInteger(p) || p < 0)
        throw new DecisionInputError(`ballot ${i + 1}: points for "${c}" must be a non-negative integer`);
      spent += p;
      totals[k] = at(totals, k, 'total') + BigInt(p) * BigInt(w);
    }
    if (spent > budget)
      throw new DecisionInputError(
        `ballot ${i + 1}: spends ${spent} points, more than the ${budget} allowed`,
      );
    valid += w;
  });
  const explanation: ExplanationStep[] = [];
  const picked = pickWinners(
    'cumulative',
    candidates,
    totals.map((t) => new Rational(t)),
    options,
    explanation,
  );
  explanation.unshift(
    step(
      'ballots',
      { valid, budget },
      `${plural(valid, 'ballot')}, each spreading at most ${plural(budget, 'point')} over the candidates.`,
    ),
  );
  return { method: 'cumulative', ...picked, ballots: { valid, invalid: 0 }, explanation };
}
