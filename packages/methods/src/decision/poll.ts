// A poll: one question with several alternatives, counted by the method its procedure names. This file only turns
// a poll's ballots into each method's input and the method's result into one shape (winners, totals, IRV rounds,
// the Schulze matrix, the method's own explanation); the counting is the methods' own (choice.ts, quadratic.ts,
// ../ranked/schulze.ts, ../ranked/rctab.ts).
import { defaultRctabRules, schulze, tabulateRctab } from '../ranked/index';
import { approval, cumulative, score, type ChoiceResult } from './choice';
import type { PollMethod, Procedure } from './proposal';
import { quadratic } from './quadratic';

/** A ballot of a poll, already checked against its options and method (ids from outside are only array values). */
export type PollBallot =
  /** schulze, irv: options from most to least preferred, each at most once; unranked options come after. */
  | { ranking: string[] }
  /** approval: the options approved of. */
  | { approve: string[] }
  /** score, dots, quadratic: a number per option (a score, points, votes); options left out get none. */
  | { values: { option: string; value: number }[] };

/** One round of an instant-runoff count, in the options' order. */
export interface PollRound {
  round: number;
  /** The votes of each option still in the count (decimal strings, as RCTab reports them). */
  tally: { option: string; votes: string }[];
  threshold: string;
  elected: string[];
  eliminated: string[];
  /** Votes moved at the end of the round, from an option to another or to `exhausted` (`to` null). */
  transfers: { from: string; to: string | null; votes: string }[];
  /** Ballots with no continuing option left, by the end of this round. */
  exhausted: string;
}

/** A poll's result: the winners (more than one is a tie) and how the method came to them. */
export interface PollTally {
  method: PollMethod;
  /** Ballots counted. */
  ballots: number;
  /** Option ids; several when tied for first place, none when no ballot was cast. */
  winners: string[];
  /** Approval, score, dots: each option's total; quadratic: net votes; schulze: pairwise wins; irv: first round. */
  totals: { option: string; total: string }[];
  /** The order the method puts the options in, best first; options in one group are tied. */
  ranking: string[][];
  /** irv: every round (empty for the other methods). */
  rounds: PollRound[];
  /** schulze: pairwise[i][j] ballots ranking options[i] above options[j], in the options' order (else empty). */
  pairwise: number[][];
  /** The method's own account of the count, in English. */
  explanation: string[];
}

type Poll = Extract<Procedure, { type: 'poll' }>;

const valuesOf = (b: PollBallot): Record<string, number> => {
  // Keyed by option ids from outside: a record without a prototype (`__proto__` is an option like any other).
  const out = Object.create(null) as Record<string, number>;
  if ('values' in b) for (const v of b.values) out[v.option] = v.value;
  return out;
};

/** Groups of tied options, best first, from totals compared as exact fractions "n" or "n/d". */
function rankByTotals(ranking: { candidate: string; total: string }[]): string[][] {
  const groups: string[][] = [];
  let last: string | null = null;
  for (const r of ranking) {
    if (r.total === last) groups[groups.length - 1]!.push(r.candidate);
    else groups.push([r.candidate]);
    last = r.total;
  }
  return groups;
}

function fromChoice(method: PollMethod, result: ChoiceResult, ballots: number): PollTally {
  return {
    method,
    ballots,
    winners: result.winners.length > 0 ? result.winners : result.tied,
    totals: result.ranking.map((r) => ({ option: r.candidate, total: r.total })),
    ranking: rankByTotals(result.ranking),
    rounds: [],
    pairwise: [],
    explanation: result.explanation.map((s) => s.text),
  };
}

/**
 * Counts a poll's ballots by its method; `options` are the option ids in the question's order (which breaks IRV's
 * ties, as RCTab's `useCandidateOrder` does). Approval: Brams & Fishburn; score: sum, unscored counts as the
 * minimum; dots: cumulative voting; schulze: winning link strength; irv: RCTab's single-winner rules with its
 * defaults (no batch elimination, 4 decimal places); quadratic: net votes, negative votes allowed. Ties for first
 * place are reported as several winners, never broken (but IRV's eliminations follow the option order).
 */
export function tallyPoll(
  procedure: Poll,
  options: readonly string[],
  ballots: readonly PollBallot[],
): PollTally {
  const n = ballots.length;
  const empty = (explanation: string): PollTally => ({
    method: procedure.method,
    ballots: n,
    winners: [],
    totals: options.map((option) => ({ option, total: '0' })),
    ranking: [[...options]],
    rounds: [],
    pairwise: [],
    explanation: [explanation],
  });
  if (n === 0) return empty('No ballot was cast, so no option won.');
  const ranked = procedure.method === 'schulze' || procedure.method === 'irv';
  if (ranked && ballots.every((b) => !('ranking' in b) || b.ranking.length === 0))
    return empty(
      `${n === 1 ? 'The only ballot ranks' : `None of the ${n} ballots ranks`} any option, so no option won.`,
    );
  switch (procedure.method) {
    case 'approval':
      return fromChoice(
        'approval',
        approval(
          options,
          ballots.map((b) => ({ approved: 'approve' in b ? b.approve : [] })),
        ),
        n,
      );
    case 'score':
      return fromChoice(
        'score',
        score(
          options,
          ballots.map((b) => ({ scores: valuesOf(b) })),
          { min: procedure.min ?? 0, max: procedure.max ?? 5 },
        ),
        n,
      );
    case 'dots':
      return fromChoice(
        'dots',
        cumulative(
          options,
          ballots.map((b) => ({ points: valuesOf(b) })),
          { budget: procedure.points ?? 10 },
        ),
        n,
      );
    case 'quadratic': {
      const r = quadratic(
        options,
        ballots.map((b) => ({ votes: valuesOf(b) })),
        { credits: procedure.credits ?? 100, overBudget: 'error' },
      );
      return {
        method: 'quadratic',
        ballots: n,
        winners: r.winners.length > 0 ? r.winners : r.tied,
        totals: r.ranking.map((x) => ({ option: x.option, total: String(x.net) })),
        ranking: rankByTotals(r.ranking.map((x) => ({ candidate: x.option, total: String(x.net) }))),
        rounds: [],
        pairwise: [],
        explanation: r.explanation.map((s) => s.text),
      };
    }
    case 'schulze': {
      const r = schulze({
        candidates: [...options],
        ballots: ballots.map((b) => ({ ranking: ('ranking' in b ? b.ranking : []).map((o) => [o]) })),
      });
      const row = (x: string) => r.pairwise[x]!;
      const pairwise = options.map((x) => options.map((y) => (x === y ? 0 : row(x)[y]!)));
      return {
        method: 'schulze',
        ballots: n,
        winners: r.winners,
        // Pairwise wins: how many other options each beats head to head.
        totals: options.map((x, i) => ({
          option: x,
          total: String(options.filter((_, j) => pairwise[i]![j]! > pairwise[j]![i]!).length),
        })),
        ranking: r.ranking,
        rounds: [],
        pairwise,
        explanation: r.explanation,
      };
    }
    case 'irv': {
      const r = tabulateRctab(
        {
          candidates: options.map((name) => ({ name })),
          cvrs: ballots.map((b) => ({
            rankings: ('ranking' in b ? b.ranking : []).map((o, i) => ({ rank: i + 1, candidates: [o] })),
          })),
        },
        defaultRctabRules,
      );
      const rounds = r.rounds.map((round): PollRound => {
        const own = (record: Record<string, string>, key: string) =>
          Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
        return {
          round: round.round,
          tally: options.flatMap((option) => {
            const votes = own(round.tally, option);
            return votes === undefined ? [] : [{ option, votes }];
          }),
          threshold: round.threshold,
          elected: round.tallyResults.flatMap((t) => (t.elected === undefined ? [] : [t.elected])),
          eliminated: round.tallyResults.flatMap((t) => (t.eliminated === undefined ? [] : [t.eliminated])),
          transfers: round.tallyResults.flatMap((t) => {
            const from = t.elected ?? t.eliminated ?? '';
            const to = options.flatMap((option) => {
              const votes = own(t.transfers, option);
              return votes === undefined ? [] : [{ from, to: option as string | null, votes }];
            });
            const exhausted = own(t.transfers, 'exhausted');
            return exhausted === undefined ? to : [...to, { from, to: null, votes: exhausted }];
          }),
          exhausted: round.inactiveBallots.exhaustedChoices ?? '0',
        };
      });
      const first = rounds[0]?.tally ?? [];
      // Winner first, then by the round each option left the count, latest first.
      const outIn = new Map<string, number>();
      rounds.forEach((round) => round.eliminated.forEach((o) => outIn.set(o, round.round)));
      const rest = options
        .filter((o) => !r.winners.includes(o))
        .sort((a, b) => (outIn.get(b) ?? Infinity) - (outIn.get(a) ?? Infinity));
      const ranking: string[][] = [[...r.winners]];
      for (const o of rest) {
        const prev = ranking[ranking.length - 1]!;
        if (ranking.length > 1 && outIn.get(prev[0]!) === outIn.get(o)) prev.push(o);
        else ranking.push([o]);
      }
      return {
        method: 'irv',
        ballots: n,
        winners: r.winners,
        totals: options.map((option) => ({
          option,
          total: first.find((t) => t.option === option)?.votes ?? '0',
        })),
        ranking,
        rounds,
        pairwise: [],
        explanation: r.explanation,
      };
    }
  }
}
