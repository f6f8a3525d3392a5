import { at } from '../common/index';
import type { BltElection } from './readers/blt';

/** One stage of a Scottish STV count: the state after the first count or after one transfer. */
export interface StvStage {
  stage: number;
  action: 'first count' | 'surplus' | 'exclusion';
  candidate?: string;
  /** The surplus transferred, or the votes of the excluded candidate. */
  transferred?: string;
  votes: Record<string, string>;
  nonTransferable: string;
  residual: string;
  elected: string[];
}

/** A Scottish STV result: elected in order of election, the quota and every stage, as 5-decimal strings. */
export interface ScottishStvResult {
  method: 'scottish-stv';
  seats: number;
  ballots: number;
  quota: string;
  elected: string[];
  stages: StvStage[];
  explanation: string[];
}

const PLACES = 5;
const UNIT = 10 ** PLACES;

/** A fixed-point value (units of 10^-5) as a string with exactly five decimals, as the count sheets print it. */
export function formatFixed5(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  const whole = Math.floor(abs / UNIT);
  const frac = String(abs - whole * UNIT).padStart(PLACES, '0');
  return `${sign}${whole}.${frac}`;
}

/**
 * Scottish STV: The Scottish Local Government Elections Order 2007 (SSI 2007/42), rules 45–52 — Droop quota
 * floor(valid/(seats+1))+1; weighted inclusive Gregory surplus transfers, the highest surplus first, transfer values
 * truncated to five decimal places; exclusion of the lowest candidate keeping each paper's value; ties broken by
 * the most recent earlier stage with unequal votes, then by lot (here: ballot order). Reference implementation:
 * Droop v0.11 (jklundell/droop) rule `scotland`, fixed-point arithmetic with 5 places.
 */
export function scottishStv(election: BltElection, options: { seats?: number } = {}): ScottishStvResult {
  const names = election.candidates;
  const n = names.length;
  const nameOf = (c: number) => at(names, c, 'candidate');
  const seats = options.seats ?? election.seats;
  if (!Number.isInteger(seats) || seats < 1) throw new Error('seats must be a positive integer');
  const withdrawn = new Set(election.withdrawn);
  type Paper = { weight: number; ranking: number[]; index: number; value: number };
  const papers: Paper[] = [];
  let nBallots = 0;
  for (const b of election.ballots) {
    if (!Number.isInteger(b.weight))
      throw new Error(`ballot line ${b.line}: Scottish STV counts whole ballot papers`);
    const ranking: number[] = [];
    for (const group of b.ranking) {
      if (group.length > 1)
        throw new Error(`ballot line ${b.line}: Scottish STV ballots cannot rank candidates equally`);
      const c = at(group, 0, `ballot line ${b.line}: candidate`);
      if (!withdrawn.has(c)) ranking.push(c);
    }
    nBallots += b.weight;
    if (ranking.length > 0) papers.push({ weight: b.weight, ranking, index: 0, value: UNIT });
  }
  const quota = (Math.floor(nBallots / (seats + 1)) + 1) * UNIT;
  const vote = new Array<number>(n).fill(0);
  const hopeful = new Set<number>();
  for (let c = 0; c < n; c++) if (!withdrawn.has(c)) hopeful.add(c);
  const elected: number[] = [];
  const pending: number[] = [];
  const defeated = new Set<number>();
  const stages: StvStage[] = [];
  const history: number[][] = [];
  const explanation: string[] = [
    `Scottish STV (2007 rules) for ${seats} seats: ${nBallots} valid ballot papers, quota ${formatFixed5(quota)} (floor(${nBallots}/${seats + 1}) + 1).`,
  ];

  // In range: vote has an entry per candidate c < n; papers have non-empty rankings and are read at p.index only
  // while p.index < p.ranking.length; history rows are copies of vote.
  for (const p of papers) vote[p.ranking[0]!]! += p.value * p.weight;

  const snapshot = (action: StvStage['action'], candidate?: number, transferred?: number) => {
    let total = 0;
    let nt = 0;
    for (const c of hopeful) total += vote[c]!;
    for (const c of elected) total += vote[c]!;
    for (const p of papers) if (p.index >= p.ranking.length) nt += p.value * p.weight;
    const votes: Record<string, string> = {};
    names.forEach((name, c) => {
      if (!withdrawn.has(c)) votes[name] = formatFixed5(vote[c]!);
    });
    stages.push({
      stage: stages.length,
      action,
      candidate: candidate === undefined ? undefined : nameOf(candidate),
      transferred: transferred === undefined ? undefined : formatFixed5(transferred),
      votes,
      nonTransferable: formatFixed5(nt),
      residual: formatFixed5(nBallots * UNIT - total - nt),
      elected: elected.map((c) => nameOf(c)),
    });
  };

  // Rule 49(2)/51(2): the most recent earlier stage at which the tied candidates had unequal votes decides; then lot.
  const breakTie = (tied: number[], highest: boolean, reason: string): number => {
    if (tied.length === 1) return tied[0]!;
    for (let s = history.length - 1; s >= 0; s--) {
      const stage = history[s]!;
      const values = tied.map((c) => stage[c]!);
      const pick = highest ? Math.max(...values) : Math.min(...values);
      const [first, ...others] = tied.filter((_, i) => values[i] === pick);
      if (first !== undefined && others.length === 0) {
        explanation.push(
          `Tie (${reason}) between ${tied.map((c) => nameOf(c)).join(', ')}: broken by an earlier stage -> ${nameOf(first)}.`,
        );
        return first;
      }
    }
    const chosen = at(
      [...tied].sort((a, b) => a - b),
      0,
      'tied candidate',
    );
    explanation.push(
      `Tie (${reason}) between ${tied.map((c) => nameOf(c)).join(', ')}: equal at every stage, decided by lot (ballot order) -> ${nameOf(chosen)}.`,
    );
    return chosen;
  };

  const advance = (p: Paper): boolean => {
    while (p.index < p.ranking.length && !hopeful.has(p.ranking[p.index]!)) p.index++;
    return p.index < p.ranking.length;
  };

  const seatsLeft = () => seats - elected.length;
  const complete = () => seatsLeft() <= 0 || hopeful.size <= seatsLeft();

  snapshot('first count');
  while (true) {
    for (const c of [...hopeful].sort((a, b) => a - b)) {
      if (vote[c]! >= quota) {
        hopeful.delete(c);
        elected.push(c);
        pending.push(c);
        explanation.push(
          `Stage ${stages.length}: ${nameOf(c)} reaches the quota with ${formatFixed5(vote[c]!)} and is elected.`,
        );
      }
    }
    if (complete()) break;
    history.push([...vote]);
    if (pending.length > 0) {
      const high = Math.max(...pending.map((c) => vote[c]!));
      const c = breakTie(
        pending.filter((x) => vote[x] === high),
        true,
        'largest surplus',
      );
      pending.splice(pending.indexOf(c), 1);
      const total = vote[c]!;
      const surplus = total - quota;
      const bigSurplus = BigInt(surplus);
      const bigTotal = BigInt(total);
      for (const p of papers) {
        if (p.index >= p.ranking.length || p.ranking[p.index] !== c) continue;
        // Rule 48(3): value × surplus / total, to five decimal places, the remainder ignored.
        p.value = Number((BigInt(p.value) * bigSurplus) / bigTotal);
        if (advance(p)) vote[p.ranking[p.index]!]! += p.value * p.weight;
      }
      vote[c] = quota;
      explanation.push(
        `Stage ${stages.length}: ${nameOf(c)}'s surplus of ${formatFixed5(surplus)} is transferred at ${formatFixed5(surplus)}/${formatFixed5(total)} of each paper's value.`,
      );
      snapshot('surplus', c, surplus);
      continue;
    }
    if (hopeful.size > 0) {
      const low = Math.min(...[...hopeful].map((c) => vote[c]!));
      const c = breakTie(
        [...hopeful].filter((x) => vote[x] === low),
        false,
        'exclusion',
      );
      hopeful.delete(c);
      defeated.add(c);
      const had = vote[c]!;
      for (const p of papers) {
        if (p.index >= p.ranking.length || p.ranking[p.index] !== c) continue;
        if (advance(p)) vote[p.ranking[p.index]!]! += p.value * p.weight;
      }
      vote[c] = 0;
      explanation.push(
        `Stage ${stages.length}: ${nameOf(c)} has the fewest votes (${formatFixed5(had)}) and is excluded; the papers move on at their current value.`,
      );
      snapshot('exclusion', c, had);
    }
    if (complete()) break;
  }
  if (hopeful.size <= seatsLeft()) {
    for (const c of [...hopeful].sort((a, b) => a - b)) {
      hopeful.delete(c);
      elected.push(c);
      explanation.push(
        `${nameOf(c)} is elected to fill a remaining seat (rule 52: as many continuing candidates as vacancies).`,
      );
    }
  }
  explanation.push(`Elected: ${elected.map((c) => nameOf(c)).join(', ')}.`);
  return {
    method: 'scottish-stv',
    seats,
    ballots: nBallots,
    quota: formatFixed5(quota),
    elected: elected.map((c) => nameOf(c)),
    stages,
    explanation,
  };
}
