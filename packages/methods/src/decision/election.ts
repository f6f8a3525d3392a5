// An election to a role's seats: ranked ballots over the candidates, counted by the method its procedure names. This
// file only turns the ballots into each method's input and its result into one shape (the elected, the quota, each
// round's votes, who was elected or excluded in it and the transfers that followed); the counting is the methods'
// own (../ranked/schulze.ts, ../ranked/rctab.ts, ../ranked/scottish-stv.ts), conformance-tested there.
import { defaultRctabRules, schulze, scottishStv, tabulateRctab, type RctabRules } from '../ranked/index';
import type { ElectionMethod } from './proposal';

/** One round (RCTab) or stage (Scottish STV) of a count, in the candidates' order. */
export interface ElectionRound {
  round: number;
  /** The votes of each candidate still in the count, or elected (decimal strings, as the method reports them). */
  tally: { candidate: string; votes: string }[];
  /** Elected in this round (reached the quota, or filled a remaining seat). */
  elected: string[];
  /** Excluded (eliminated) in this round. */
  excluded: string[];
  /** Votes moved at the end of this round: a surplus or an excluded candidate's, to another or to none (`to` null). */
  transfers: { from: string; to: string | null; votes: string }[];
  /** Ballots (or their value) with no continuing candidate left, by the end of this round. */
  nonTransferable: string;
}

/** An election's count: who is elected, in order of election, and how the method came to them. */
export interface ElectionTally {
  method: ElectionMethod;
  seats: number;
  /** Ballots counted (blank ones included). */
  ballots: number;
  /** Candidate ids, in the order they were elected. */
  elected: string[];
  /** Candidates the method could not separate for a seat (Schulze only; RCTab and the Scottish rules break ties). */
  tied: string[];
  /** The quota (STV), the final winning threshold (IRV), or null (Schulze). */
  quota: string | null;
  /** irv, stv, scottish_stv: every round (empty for Schulze). */
  rounds: ElectionRound[];
  /** schulze: pairwise[i][j] ballots ranking candidates[i] above candidates[j], in the candidates' order (else empty). */
  pairwise: number[][];
  /** The method's own account of the count, in English, candidates by their labels. */
  explanation: string[];
}

/** Whether a method can fill this many seats: Schulze and IRV fill one; STV any number. */
export function electionFills(method: ElectionMethod, seats: number): boolean {
  return (
    Number.isInteger(seats) && seats >= 1 && (seats === 1 || method === 'stv' || method === 'scottish_stv')
  );
}

const own = (record: Record<string, string>, key: string) =>
  Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;

/**
 * Counts an election. `candidates` are ids from outside (any text: `__proto__` too) in the order that breaks RCTab's
 * ties (`useCandidateOrder`); the methods see only names of our own (`#1`, `#2`, ...), so no id is ever a key of a
 * plain object. `ballots` rank candidate ids, most preferred first, each at most once (checked by the caller);
 * `labels` name them in the explanation. Schulze: winning link strength, a tie elects no one; irv: RCTab's
 * single-winner defaults; stv: RCTab's multi-winner rules (several winners per round, fractional surplus transfers
 * to 4 places, no skipped-rank limit), as `peergov tally --method stv` counts; scottish_stv: the Scottish Local
 * Government Elections Order 2007, as Droop's rule `scotland`.
 */
export function tallyElection(
  method: ElectionMethod,
  seats: number,
  candidates: readonly string[],
  ballots: readonly (readonly string[])[],
  labels: readonly string[] = candidates,
): ElectionTally {
  if (!electionFills(method, seats)) throw new Error(`${method} cannot fill ${seats} seats`);
  const names = candidates.map((_, i) => `#${i + 1}`);
  const index = new Map(candidates.map((c, i) => [c, i]));
  const idOf = (name: string) => candidates[Number(name.slice(1)) - 1]!;
  const label = (text: string) =>
    text.replace(/#(\d+)/g, (m, n: string) => labels[Number(n) - 1] ?? candidates[Number(n) - 1] ?? m);
  const ranked = ballots.map((b) => b.map((c) => index.get(c)).filter((i): i is number => i !== undefined));
  const base: ElectionTally = {
    method,
    seats,
    ballots: ballots.length,
    elected: [],
    tied: [],
    quota: null,
    rounds: [],
    pairwise: [],
    explanation: [],
  };
  if (candidates.length === 0) return { ...base, explanation: ['No candidate stood, so no one is elected.'] };
  if (ranked.every((b) => b.length === 0))
    return {
      ...base,
      explanation: [
        ballots.length === 0
          ? 'No ballot was cast, so no one is elected.'
          : 'No ballot ranks any candidate, so no one is elected.',
      ],
    };
  switch (method) {
    case 'schulze': {
      const r = schulze({
        candidates: names,
        ballots: ranked.map((b) => ({ ranking: b.map((i) => [names[i]!]) })),
      });
      const pairwise = names.map((x) => names.map((y) => (x === y ? 0 : r.pairwise[x]![y]!)));
      const winners = r.winners.map(idOf);
      return {
        ...base,
        elected: winners.length === 1 ? winners : [],
        tied: winners.length > 1 ? winners : [],
        pairwise,
        explanation: r.explanation.map(label),
      };
    }
    case 'irv':
    case 'stv': {
      const rules: RctabRules = {
        ...defaultRctabRules,
        numberOfWinners: seats,
        winnerElectionMode: seats > 1 ? 'multiWinnerAllowMultipleWinnersPerRound' : 'singleWinnerMajority',
        // Ballots here have no gaps between ranks.
        maxSkippedRanksAllowed: Infinity,
      };
      const r = tabulateRctab(
        {
          candidates: names.map((name) => ({ name })),
          cvrs: ranked.map((b) => ({
            rankings: b.map((i, k) => ({ rank: k + 1, candidates: [names[i]!] })),
          })),
        },
        rules,
      );
      const rounds = r.rounds.map((round): ElectionRound => ({
        round: round.round,
        tally: names.flatMap((name, i) => {
          const votes = own(round.tally, name);
          return votes === undefined ? [] : [{ candidate: candidates[i]!, votes }];
        }),
        elected: round.tallyResults.flatMap((t) => (t.elected === undefined ? [] : [idOf(t.elected)])),
        excluded: round.tallyResults.flatMap((t) => (t.eliminated === undefined ? [] : [idOf(t.eliminated)])),
        transfers: round.tallyResults.flatMap((t) => {
          const fromName = t.elected ?? t.eliminated;
          if (fromName === undefined) return [];
          const from = idOf(fromName);
          const to = names.flatMap((name, i) => {
            const votes = own(t.transfers, name);
            return votes === undefined ? [] : [{ from, to: candidates[i]! as string | null, votes }];
          });
          const exhausted = own(t.transfers, 'exhausted');
          return exhausted === undefined ? to : [...to, { from, to: null, votes: exhausted }];
        }),
        nonTransferable: round.inactiveBallots.exhaustedChoices ?? '0',
      }));
      return {
        ...base,
        elected: r.winners.map(idOf),
        quota: r.summary.finalThreshold,
        rounds,
        explanation: r.explanation.map(label),
      };
    }
    case 'scottish_stv': {
      const r = scottishStv(
        {
          candidates: names,
          seats,
          withdrawn: [],
          ballots: ranked.map((b, line) => ({ weight: 1, ranking: b.map((i) => [i]), line: line + 1 })),
          title: '',
        },
        { seats },
      );
      // Stage k shows the votes after the transfer it names; as rounds, that transfer ends round k-1.
      const stages = r.stages;
      const rounds = stages.map((stage, k): ElectionRound => {
        const next = stages[k + 1];
        const electedNow = (next ? next.elected : r.elected).filter((n) => !stage.elected.includes(n));
        const tally = names.flatMap((name, i) => {
          const votes = own(stage.votes, name);
          return votes === undefined ? [] : [{ candidate: candidates[i]!, votes }];
        });
        const transfers: ElectionRound['transfers'] = [];
        if (next?.candidate !== undefined) {
          const from = idOf(next.candidate);
          names.forEach((name, i) => {
            if (name === next.candidate) return;
            const gain = fixed(own(next.votes, name)) - fixed(own(stage.votes, name));
            if (gain > 0n) transfers.push({ from, to: candidates[i]!, votes: formatFixed(gain) });
          });
          const lost = fixed(next.nonTransferable) - fixed(stage.nonTransferable);
          if (lost > 0n) transfers.push({ from, to: null, votes: formatFixed(lost) });
        }
        return {
          round: k + 1,
          tally,
          elected: electedNow.map(idOf),
          excluded:
            next?.action === 'exclusion' && next.candidate !== undefined ? [idOf(next.candidate)] : [],
          transfers,
          nonTransferable: stage.nonTransferable,
        };
      });
      return {
        ...base,
        elected: r.elected.map(idOf),
        quota: r.quota,
        rounds,
        explanation: r.explanation.map(label),
      };
    }
  }
}

// Scottish STV's values are 5-decimal strings: compared and subtracted exactly as integers of 10^-5.
const fixed = (v: string | undefined): bigint => (v === undefined ? 0n : BigInt(v.replace('.', '')));
const formatFixed = (v: bigint): string => `${v / 100000n}.${String(v % 100000n).padStart(5, '0')}`;
