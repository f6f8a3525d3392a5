import { at } from '../common/index';
import { step, plural, DecisionInputError, type ExplanationStep } from './explain';

/** A quadratic-voting ballot: integer votes per option (negative against, if allowed); costs votes² credits. */
export interface QuadraticBallot {
  voter?: string;
  votes: Record<string, number>;
  /** This voter's voice credits, when they differ from the default budget. */
  credits?: number;
}

/** Options of quadratic voting. */
export interface QuadraticOptions {
  /** Voice credits per voter (default 100, as in the Colorado House Democrats' 2019 use). */
  credits?: number;
  /** Whether votes may be negative (against); default true (Lalley & Weyl). */
  allowNegative?: boolean;
  /** An over-budget ballot is left out with a reason (`reject`, default) or stops the count (`error`). */
  overBudget?: 'reject' | 'error';
  /** Options to select, by net votes (default 1). */
  seats?: number;
}

/** The result of quadratic voting: net votes per option, winners, rejected ballots. */
export interface QuadraticResult {
  method: 'quadratic';
  winners: string[];
  tied: string[];
  /** Options best first with net, for and against votes and the credits spent on them. */
  ranking: { option: string; net: number; for: number; against: number; credits: number }[];
  /** Options whose net votes are positive (each option as its own yes/no question). */
  passed: string[];
  ballots: {
    valid: number;
    rejected: { index: number; voter: string | null; cost: number; credits: number }[];
  };
  explanation: ExplanationStep[];
}

/**
 * Quadratic voting with voice credits: each voter spends at most their credits; n votes on one option cost n²
 * credits; options are ranked by net votes. Source: S. Lalley & E. G. Weyl, "Quadratic Voting: How Mechanism
 * Design Can Radicalize Democracy", AEA Papers and Proceedings 108 (2018); variant with a fixed per-voter budget
 * of voice credits as in E. Posner & E. G. Weyl, Radical Markets (2018), ch. 2.
 */
export function quadratic(
  options: readonly string[],
  ballots: readonly QuadraticBallot[],
  settings: QuadraticOptions = {},
): QuadraticResult {
  const budget = settings.credits ?? 100;
  if (!Number.isSafeInteger(budget) || budget < 0)
    throw new DecisionInputError('credits must be a non-negative integer');
  const allowNegative = settings.allowNegative ?? true;
  const seats = settings.seats ?? 1;
  const index = new Map<string, number>();
  for (const o of options) {
    if (typeof o !== 'string' || o === '')
      throw new DecisionInputError('every option must be a non-empty string');
    if (index.has(o)) throw new DecisionInputError(`option "${o}" is listed twice`);
    index.set(o, index.size);
  }
  if (!Number.isSafeInteger(seats) || seats < 1 || seats > options.length)
    throw new DecisionInputError(`seats must be between 1 and ${options.length}`);
  const pro = options.map(() => 0);
  const con = options.map(() => 0);
  const spent = options.map(() => 0);
  const rejected: QuadraticResult['ballots']['rejected'] = [];
  const explanation: ExplanationStep[] = [];
  let valid = 0;
  ballots.forEach((b, i) => {
    if (!b.votes || typeof b.votes !== 'object' || Array.isArray(b.votes))
      throw new DecisionInputError(`ballot ${i + 1}: "votes" must be an object of option to votes`);
    const credits = b.credits ?? budget;
    if (!Number.isSafeInteger(credits) || credits < 0)
      throw new DecisionInputError(`ballot ${i + 1}: credits must be a non-negative integer`);
    let cost = 0;
    for (const [o, v] of Object.entries(b.votes)) {
      if (!index.has(o)) throw new DecisionInputError(`ballot ${i + 1}: unknown option ${JSON.stringify(o)}`);
      if (!Number.isSafeInteger(v))
        throw new DecisionInputError(`ballot ${i + 1}: votes for "${o}" must be an integer`);
      if (v < 0 && !allowNegative)
        throw new DecisionInputError(`ballot ${i + 1}: negative votes for "${o}" are not allowed`);
      cost += v * v;
    }
    if (cost > credits) {
      const voter = b.voter ?? null;
      if (settings.overBudget === 'error')
        throw new DecisionInputError(
          `ballot ${i + 1}: costs ${cost} credits, more than the ${credits} available`,
        );
      rejected.push({ index: i + 1, voter, cost, credits });
      explanation.push(
        step(
          'ballot_over_budget',
          { ballot: i + 1, voter: voter ?? '', cost, credits },
          `Ballot ${i + 1}${voter ? ` (${voter})` : ''} costs ${cost} credits (the sum of its votes squared), more than its ${credits}: it is left out.`,
        ),
      );
      return;
    }
    valid += 1;
    for (const [o, v] of Object.entries(b.votes)) {
      const k = index.get(o)!;
      if (v > 0) pro[k] = at(pro, k, 'votes for') + v;
      else con[k] = at(con, k, 'votes against') - v;
      spent[k] = at(spent, k, 'credits') + v * v;
    }
  });
  const ranking = options.map((option, k) => {
    const votesFor = at(pro, k, 'votes for');
    const votesAgainst = at(con, k, 'votes against');
    return {
      option,
      net: votesFor - votesAgainst,
      for: votesFor,
      against: votesAgainst,
      credits: at(spent, k, 'credits'),
    };
  });
  ranking.sort((a, b) => b.net - a.net || index.get(a.option)! - index.get(b.option)!);
  // 1 <= seats <= options.length, checked above.
  const boundary = ranking[seats - 1]!.net;
  const winners = ranking.filter((r) => r.net > boundary).map((r) => r.option);
  const group = ranking.filter((r) => r.net === boundary).map((r) => r.option);
  let tied: string[] = [];
  if (winners.length + group.length === seats) winners.push(...group);
  else {
    tied = group;
    explanation.push(
      step(
        'tie',
        { tied: group, net: boundary },
        `${group.join(', ')} tie with ${boundary} net votes; the tie is reported, not broken.`,
      ),
    );
  }
  explanation.unshift(
    step(
      'totals',
      { ranking: ranking.map((r) => `${r.option}=${r.net}`), credits: budget },
      `${plural(valid, 'valid ballot')} (each with ${budget} voice credits unless stated; n votes cost n² credits). Net votes: ${ranking.map((r) => `${r.option} ${r.net} (${r.for} for, ${r.against} against)`).join(', ')}.`,
    ),
  );
  explanation.push(
    step(
      'winners',
      { winners },
      winners.length
        ? `${seats === 1 ? 'Winner' : 'Selected'}: ${winners.join(', ')}.`
        : 'No winner without breaking the tie.',
    ),
  );
  return {
    method: 'quadratic',
    winners,
    tied,
    ranking,
    passed: ranking.filter((r) => r.net > 0).map((r) => r.option),
    ballots: { valid, rejected },
    explanation,
  };
}
