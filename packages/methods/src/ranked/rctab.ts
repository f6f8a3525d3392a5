import { at } from '../common/index';
import { JavaRandom } from './java-random';

/** RCTab's label for an explicit overvote mark in a CVR. */
export const OVERVOTE = 'overvote';
/** RCTab's name for the pooled undeclared write-in pseudo-candidate. */
export const UNDECLARED_WRITE_INS = 'Undeclared Write-ins';

export type OvervoteRule = 'alwaysSkipToNextRank' | 'exhaustImmediately' | 'exhaustIfMultipleContinuing';
export type TiebreakMode =
  'random' | 'useCandidateOrder' | 'generatePermutation' | 'previousRoundCountsThenRandom';
export type WinnerElectionMode =
  | 'singleWinnerMajority'
  | 'multiWinnerAllowMultipleWinnersPerRound'
  | 'multiWinnerAllowOnlyOneWinnerPerRound';

/** The tabulation rules of an RCTab contest config (`rules`), with RCTab's names and meanings. */
export interface RctabRules {
  numberOfWinners: number;
  winnerElectionMode: WinnerElectionMode;
  overvoteRule: OvervoteRule;
  /** Ranks that may be skipped before the ballot is inactive; `Infinity` for RCTab's "unlimited". */
  maxSkippedRanksAllowed: number;
  exhaustOnDuplicateCandidate: boolean;
  tiebreakMode: TiebreakMode;
  /** Seed of Java's Random for the random tie-break modes. */
  randomSeed?: bigint | number;
  batchElimination: boolean;
  decimalPlacesForVoteArithmetic: number;
  nonIntegerWinningThreshold: boolean;
  hareQuota: boolean;
  minimumVoteThreshold: number;
  continueUntilTwoCandidatesRemain: boolean;
  doesFirstRoundDetermineThreshold: boolean;
  stopTabulationEarlyAfterRound?: number;
}

/** RCTab's defaults for a single-winner IRV contest. */
export const defaultRctabRules: RctabRules = {
  numberOfWinners: 1,
  winnerElectionMode: 'singleWinnerMajority',
  overvoteRule: 'exhaustImmediately',
  maxSkippedRanksAllowed: 1,
  exhaustOnDuplicateCandidate: false,
  tiebreakMode: 'useCandidateOrder',
  batchElimination: false,
  decimalPlacesForVoteArithmetic: 4,
  nonIntegerWinningThreshold: false,
  hareQuota: false,
  minimumVoteThreshold: 0,
  continueUntilTwoCandidatesRemain: false,
  doesFirstRoundDetermineThreshold: false,
};

/** One cast vote record: the candidates marked at each rank (two or more at one rank is an overvote). */
export interface CastVoteRecord {
  rankings: { rank: number; candidates: string[] }[];
  count?: number;
  id?: string;
}

/** Cast vote records in typed arrays; candidate index `names.length` is the explicit overvote mark. */
export interface PackedCvrs {
  names: string[];
  offsets: Int32Array;
  ranks: Int32Array;
  cands: Int32Array;
  counts: Float64Array;
}

/** A contest: candidates in config order (that order breaks `useCandidateOrder` ties) and its CVRs. */
export interface RcvContest {
  candidates: { name: string; excluded?: boolean }[];
  /** Adds RCTab's "Undeclared Write-ins" pseudo-candidate (when the config names an undeclaredWriteInLabel). */
  undeclaredWriteIns?: boolean;
  cvrs: CastVoteRecord[] | PackedCvrs;
}

/** One round, in the shape of RCTab's detailed JSON report (numbers as decimal strings). */
export interface RcvRound {
  round: number;
  tally: Record<string, string>;
  tallyResults: { elected?: string; eliminated?: string; transfers: Record<string, string> }[];
  threshold: string;
  inactiveBallots: Record<string, string>;
}

/** The result of an RCTab-rules count: winners in order of election, per-round report and a readable account. */
export interface RcvResult {
  method: 'irv' | 'stv';
  winners: string[];
  rounds: RcvRound[];
  summary: {
    finalThreshold: string;
    numCandidates: number;
    numWinners: number;
    totalNumBallots: string;
    undervotes: number;
  };
  explanation: string[];
}

// Ballot statuses (RCTab's StatusForRound).
const ACTIVE = 0;
const NO_RANKINGS = 1;
const OVERVOTED = 2;
const SKIPPED = 3;
const REPEATED = 4;
const EXHAUSTED = 5;
const FINAL_SURPLUS = 6;
const statusNames = [
  'active',
  'undervotes',
  'overvotes',
  'skippedRankings',
  'repeatedRankings',
  'exhaustedChoices',
  'finalRoundSurplus',
];

/** Packs CVRs into typed arrays, merging identical records (every rule treats identical records identically). */
export function packCvrs(names: string[], cvrs: CastVoteRecord[]): PackedCvrs {
  const index = new Map(names.map((n, i) => [n, i]));
  index.set(OVERVOTE, names.length);
  const byKey = new Map<string, number>();
  const lines: { ranks: number[]; cands: number[]; count: number }[] = [];
  for (const cvr of cvrs) {
    const entries: [number, number][] = [];
    for (const { rank, candidates } of cvr.rankings) {
      for (const name of candidates) {
        const c = index.get(name);
        if (c === undefined) throw new Error(`CVR ${cvr.id ?? ''}: unknown candidate "${name}"`);
        entries.push([rank, c]);
      }
    }
    entries.sort((a, b) => a[0] - b[0]);
    const key = entries.map((e) => `${e[0]}:${e[1]}`).join(',');
    const count = cvr.count ?? 1;
    const line = byKey.get(key);
    if (line !== undefined)
      lines[line]!.count += count; // byKey holds indices into lines
    else {
      byKey.set(key, lines.length);
      lines.push({ ranks: entries.map((e) => e[0]), cands: entries.map((e) => e[1]), count });
    }
  }
  let total = 0;
  for (const l of lines) total += l.ranks.length;
  const packed: PackedCvrs = {
    names,
    offsets: new Int32Array(lines.length + 1),
    ranks: new Int32Array(total),
    cands: new Int32Array(total),
    counts: new Float64Array(lines.length),
  };
  let offset = 0;
  lines.forEach((l, b) => {
    packed.offsets[b] = offset;
    packed.counts[b] = l.count;
    packed.ranks.set(l.ranks, offset);
    packed.cands.set(l.cands, offset);
    offset += l.ranks.length;
  });
  packed.offsets[lines.length] = offset;
  return packed;
}

/** Formats a count held in units of 10^-places as RCTab prints BigDecimals: trailing zeros dropped. */
export function formatScaled(value: number, places: number): string {
  const negative = value < 0;
  let digits = BigInt(Math.abs(value)).toString();
  if (places > 0) {
    digits = digits.padStart(places + 1, '0');
    let whole = digits.slice(0, -places);
    const frac = digits.slice(-places).replace(/0+$/, '');
    if (whole === '') whole = '0';
    digits = frac ? `${whole}.${frac}` : whole;
  }
  return (negative ? '-' : '') + digits;
}

/**
 * Ranked-choice tabulation as RCTab does it: single-winner IRV (with batch elimination, skipped-rank, overvote and
 * duplicate-ranking rules, tie-breaks by candidate order, previous rounds or Java's seeded Random) and multi-winner
 * STV (fractional surplus transfers rounded down to `decimalPlacesForVoteArithmetic`, residual surplus).
 * Source: BrightSpots/rcv (RCTab) Tabulator.java, commit 2167c240; report shape of its `*_detailed_report.json`.
 */
export function tabulateRctab(contest: RcvContest, rules: RctabRules): RcvResult {
  const baseNames = contest.candidates.map((c) => c.name);
  const names = contest.undeclaredWriteIns ? [...baseNames, UNDECLARED_WRITE_INS] : baseNames;
  const packed = Array.isArray(contest.cvrs) ? packCvrs(names, contest.cvrs) : contest.cvrs;
  if (packed.names.length !== names.length || packed.names.some((n, i) => n !== names[i])) {
    throw new Error('packed CVRs were built for a different candidate list');
  }
  return new RctabTabulator(names, contest, packed, rules).run();
}

class RctabTabulator {
  private readonly n: number;
  private readonly uwi: number;
  private readonly unit: number;
  private readonly places: number;
  private readonly excluded: boolean[];
  private readonly winnerRound: number[];
  private readonly eliminatedRound: number[];
  private readonly winnersInOrder: number[] = [];
  private readonly status: Uint8Array;
  private readonly recipient: Int32Array;
  private readonly value: Float64Array;
  private readonly allocations = new Map<number, Float64Array>();
  private readonly seenStamp: Int32Array;
  private stamp = 0;
  private readonly tallies: Map<number, number>[] = [];
  private readonly thresholds: number[] = [];
  private readonly inactive: Float64Array[] = [];
  private readonly active: number[] = [];
  private readonly residual: number[] = [];
  /** transfers[round][source] = target -> value; target -1 exhausted, -2 residual surplus. */
  private readonly transfers: Map<number, Map<number, number>>[] = [];
  private readonly explanation: string[] = [];
  private round = 0;
  private readonly random?: JavaRandom;
  private readonly permutation: number[];
  private readonly usesSurpluses: boolean;

  constructor(
    private readonly names: string[],
    contest: RcvContest,
    private readonly ballots: PackedCvrs,
    private readonly rules: RctabRules,
  ) {
    this.n = names.length;
    this.uwi = contest.undeclaredWriteIns ? names.length - 1 : -1;
    this.places = rules.decimalPlacesForVoteArithmetic;
    if (!Number.isInteger(this.places) || this.places < 0 || this.places > 12) {
      throw new Error('decimalPlacesForVoteArithmetic must be an integer from 0 to 12');
    }
    this.unit = 10 ** this.places;
    let total = 0;
    for (const c of ballots.counts) total += c;
    if (total * this.unit > Number.MAX_SAFE_INTEGER) {
      throw new Error(
        `${total} ballots at ${this.places} decimal places exceed exact arithmetic; use fewer places`,
      );
    }
    this.excluded = names.map((_, i) => contest.candidates[i]?.excluded === true);
    this.winnerRound = new Array(this.n).fill(0);
    this.eliminatedRound = new Array(this.n).fill(0);
    const count = ballots.counts.length;
    this.status = new Uint8Array(count);
    this.recipient = new Int32Array(count).fill(-1);
    this.value = new Float64Array(count).fill(this.unit);
    this.seenStamp = new Int32Array(this.n + 1);
    this.usesSurpluses = rules.numberOfWinners > 1;
    this.permutation = names.map((_, i) => i);
    const needsSeed = rules.tiebreakMode !== 'useCandidateOrder';
    if (needsSeed) {
      if (rules.randomSeed === undefined)
        throw new Error(`tiebreakMode ${rules.tiebreakMode} needs a randomSeed`);
      this.random = new JavaRandom(rules.randomSeed);
      if (rules.tiebreakMode === 'generatePermutation') {
        this.permutation.sort((a, b) => compareJava(this.name(a), this.name(b)));
        this.random.shuffle(this.permutation);
      }
    }
  }

  /** The name of candidate index `c`. */
  private name(c: number): string {
    return at(this.names, c, 'candidate');
  }

  private continuing(c: number): boolean {
    if (c >= this.n || this.excluded[c] || this.eliminatedRound[c]! > 0) return false; // c < n past the test
    return this.winnerRound[c] === 0 || this.rules.continueUntilTwoCandidatesRemain;
  }

  private numWinners(): number {
    return this.winnersInOrder.length;
  }

  private numEliminated(): number {
    return this.eliminatedRound.filter((r) => r > 0).length;
  }

  private addTransfer(round: number, source: number, target: number, value: number): void {
    const perRound = (this.transfers[round] ??= new Map());
    let row = perRound.get(source);
    if (!row) perRound.set(source, (row = new Map()));
    row.set(target, (row.get(target) ?? 0) + value);
  }

  run(): RcvResult {
    const { rules } = this;
    const N = rules.numberOfWinners;
    let guard = 0;
    while (this.shouldContinue()) {
      if (++guard > 10 * this.n + 10) throw new Error('tabulation did not terminate');
      this.round++;
      const round = this.round;
      const tally = this.computeTallies(round);
      this.residual[round] = round === 1 ? 0 : at(this.residual, round - 1, 'residual of the round before');
      const recompute = N > 1 ? round === 1 : !rules.doesFirstRoundDetermineThreshold || round === 1;
      const threshold = recompute
        ? this.threshold(at(this.active, round, 'active votes of the round'))
        : at(this.thresholds, round - 1, 'threshold of the round before');
      this.thresholds[round] = threshold;
      const groups = groupByTally(tally);
      const winners = this.identifyWinners(tally, groups, threshold);
      if (winners.length > 0) {
        for (const w of winners) {
          this.winnerRound[w] = round;
          this.winnersInOrder.push(w);
          this.explanation.push(
            `Round ${round}: ${this.name(w)} is elected with ${formatScaled(tally.get(w)!, this.places)} votes (threshold ${formatScaled(threshold, this.places)}).`,
          );
        }
        if (this.usesSurpluses) {
          for (const w of winners) this.recordSurplus(w, tally.get(w)!, threshold);
        }
      } else if (
        this.numWinners() < N ||
        (rules.continueUntilTwoCandidatesRemain && this.numEliminated() < this.n - 2)
      ) {
        let eliminated = this.dropUndeclaredWriteIns(tally);
        let how = 'as undeclared write-ins';
        if (eliminated.length === 0) {
          eliminated = this.dropBelowMinimum(groups);
          how = `below the minimum of ${rules.minimumVoteThreshold} votes`;
          const declared = this.n - (this.uwi >= 0 ? 1 : 0);
          if (eliminated.length === declared)
            throw new Error('every declared candidate is below the minimum vote threshold');
        }
        if (eliminated.length === 0 && rules.batchElimination) {
          eliminated = this.batchEliminate(groups);
          how = 'by batch elimination (together they could not overtake the next candidate)';
        }
        if (eliminated.length === 0) {
          eliminated = [this.regularElimination(groups, round)];
          how = 'with the fewest votes';
        }
        for (const c of eliminated) this.eliminatedRound[c] = round;
        this.explanation.push(
          `Round ${round}: eliminated ${how}: ${eliminated.map((c) => `${this.name(c)} (${formatScaled(tally.get(c) ?? 0, this.places)})`).join(', ')}.`,
        );
      }
      if (N > 1) this.updateWinnerTallies(round, tally);
    }
    return this.report();
  }

  private shouldContinue(): boolean {
    const { rules } = this;
    const winners = this.numWinners();
    const declared = this.n - (this.uwi >= 0 ? 1 : 0);
    if (
      rules.stopTabulationEarlyAfterRound !== undefined &&
      this.round >= rules.stopTabulationEarlyAfterRound
    )
      return false;
    if (winners === declared && rules.numberOfWinners > this.n) return false;
    if (rules.continueUntilTwoCandidatesRemain) {
      return this.numEliminated() + winners + 1 < this.n || this.eliminatedRound.includes(this.round);
    }
    return (
      winners < rules.numberOfWinners ||
      (this.usesSurpluses && this.winnerRound.includes(this.round) && this.round > 0)
    );
  }

  private threshold(active: number): number {
    const { rules, unit } = this;
    const divisor = rules.hareQuota ? rules.numberOfWinners : rules.numberOfWinners + 1;
    // Threshold precision: whole votes unless nonIntegerWinningThreshold (then decimalPlacesForVoteArithmetic).
    const step = rules.nonIntegerWinningThreshold ? 1 : unit;
    let threshold = rules.hareQuota
      ? Math.ceil(active / (divisor * step)) * step
      : Math.floor(active / (divisor * step)) * step + step;
    const minimum = Math.round(rules.minimumVoteThreshold * unit);
    if (minimum > 0 && minimum > threshold) threshold = minimum;
    return threshold;
  }

  private computeTallies(round: number): Map<number, number> {
    const { ballots, status, recipient, value, rules } = this;
    const { offsets, ranks, cands, counts } = ballots;
    // In range: b < counts.length, the length of status, recipient and value; offsets has one more entry; i, j, k
    // lie in [offsets[b], offsets[b + 1]) within ranks and cands; candidates are below n + 1 (the overvote mark
    // is n), the length of continuing and seenStamp; recipients and targets >= 0 are candidates below n; statuses
    // are below statusNames.length.
    const tally = new Map<number, number>();
    for (let c = 0; c < this.n; c++) if (this.continuing(c)) tally.set(c, 0);
    const inactive = new Float64Array(statusNames.length);
    const continuing = new Uint8Array(this.n + 1);
    for (let c = 0; c < this.n; c++) continuing[c] = this.continuing(c) ? 1 : 0;
    // Dense tallies for the hot loop; copied into the map at the end.
    const dense = new Float64Array(this.n);
    let active = 0;
    const maxSkipped = rules.maxSkippedRanksAllowed;
    const finalSurplus = this.usesSurpluses && this.numWinners() === rules.numberOfWinners;
    const record = (b: number, target: number, newStatus: number): void => {
      const v = value[b]! * counts[b]!;
      if (value[b]! > 0) this.addTransfer(round, recipient[b]!, target, v);
      recipient[b] = target;
      if (target < 0) {
        status[b] = newStatus;
        inactive[newStatus]! += v;
      } else {
        dense[target]! += v;
        active += v;
      }
    };
    for (let b = 0; b < counts.length; b++) {
      if (status[b] !== ACTIVE) {
        inactive[status[b]!]! += value[b]! * counts[b]!;
        continue;
      }
      const current = recipient[b]!;
      if (current >= 0 && continuing[current]) {
        const v = value[b]! * counts[b]!;
        dense[current]! += v;
        active += v;
        continue;
      }
      const start = offsets[b]!;
      const end = offsets[b + 1]!;
      if (start === end) {
        record(b, -1, NO_RANKINGS);
        continue;
      }
      const maxRank = ranks[end - 1]!;
      let lastRank = 0;
      this.stamp++;
      let i = start;
      while (i < end) {
        const rank = ranks[i]!;
        let j = i + 1;
        while (j < end && ranks[j] === rank) j++;
        // candidates at this rank: cands[i..j)
        if (finalSurplus) {
          record(b, -1, FINAL_SURPLUS);
          break;
        }
        if (rank - lastRank > maxSkipped + 1) {
          record(b, -1, SKIPPED);
          break;
        }
        lastRank = rank;
        if (rules.exhaustOnDuplicateCandidate) {
          let duplicate = false;
          for (let k = i; k < j; k++) {
            if (this.seenStamp[cands[k]!] === this.stamp) {
              duplicate = true;
              break;
            }
            this.seenStamp[cands[k]!] = this.stamp;
          }
          if (duplicate) {
            record(b, -1, REPEATED);
            break;
          }
        }
        const decision = this.overvoteDecision(cands, i, j, continuing);
        if (decision === 'exhaust') {
          record(b, -1, OVERVOTED);
          break;
        }
        if (decision === 'skip') {
          if (rank === maxRank) record(b, -1, EXHAUSTED);
          i = j;
          continue;
        }
        let selected = -1;
        for (let k = i; k < j; k++) {
          if (continuing[cands[k]!]) {
            selected = cands[k]!;
            break;
          }
        }
        if (selected >= 0) {
          record(b, selected, ACTIVE);
          break;
        }
        if (rank === maxRank) record(b, -1, EXHAUSTED);
        i = j;
      }
    }
    for (const c of tally.keys()) tally.set(c, dense[c]!);
    this.tallies[round] = tally;
    this.inactive[round] = inactive;
    this.active[round] = active;
    return tally;
  }

  private overvoteDecision(
    cands: Int32Array,
    i: number,
    j: number,
    continuing: Uint8Array,
  ): 'none' | 'exhaust' | 'skip' {
    const rule = this.rules.overvoteRule;
    let explicit = false;
    for (let k = i; k < j; k++) if (cands[k] === this.n) explicit = true;
    if (explicit) {
      if (j - i !== 1) throw new Error('a CVR has an explicit overvote and a candidate at the same rank');
      if (rule === 'exhaustIfMultipleContinuing') {
        throw new Error(
          'overvoteRule exhaustIfMultipleContinuing cannot be used with an explicit overvote label',
        );
      }
      return rule === 'exhaustImmediately' ? 'exhaust' : 'skip';
    }
    if (j - i <= 1) return 'none';
    if (rule === 'exhaustImmediately') return 'exhaust';
    if (rule === 'alwaysSkipToNextRank') return 'skip';
    let seen = 0;
    for (let k = i; k < j; k++) if (continuing[cands[k]!]) seen++; // i <= k < j <= cands.length
    return seen >= 2 ? 'exhaust' : 'none';
  }

  private identifyWinners(
    tally: Map<number, number>,
    groups: [number, number[]][],
    threshold: number,
  ): number[] {
    const { rules } = this;
    const uwiVotes = this.uwi >= 0 ? tally.get(this.uwi) : undefined;
    if (uwiVotes !== undefined && uwiVotes !== 0) return [];
    let selected: number[] = [];
    const unfilled = rules.numberOfWinners - this.numWinners();
    if (unfilled > 0) {
      if (tally.size <= unfilled) selected = [...tally.keys()].filter((c) => c !== this.uwi);
      else if (rules.doesFirstRoundDetermineThreshold && tally.size - 1 === rules.numberOfWinners) {
        selected = [...at(groups, groups.length - 1, 'tally group')[1]];
      } else {
        for (const [votes, cs] of groups)
          if (votes >= threshold) selected.push(...cs.filter((c) => c !== this.uwi));
      }
    }
    const oneAtATime =
      selected.length > 1 &&
      (rules.winnerElectionMode === 'multiWinnerAllowOnlyOneWinnerPerRound' ||
        rules.doesFirstRoundDetermineThreshold);
    const lastTwo =
      rules.numberOfWinners === 1 &&
      selected.length === 0 &&
      tally.size === 2 &&
      unfilled === 1 &&
      groups.every(([votes]) => votes >= Math.round(rules.minimumVoteThreshold * this.unit));
    if (oneAtATime || lastTwo) {
      const [votes, top] = at(groups, groups.length - 1, 'tally group');
      selected = top.length > 1 ? [this.breakTie(top, true, votes)] : [...top];
    }
    return selected.sort((a, b) => compareJava(this.name(a), this.name(b)));
  }

  private dropUndeclaredWriteIns(tally: Map<number, number>): number[] {
    return this.uwi >= 0 && (tally.get(this.uwi) ?? 0) > 0 ? [this.uwi] : [];
  }

  private dropBelowMinimum(groups: [number, number[]][]): number[] {
    const minimum = Math.round(this.rules.minimumVoteThreshold * this.unit);
    const lowest = groups[0];
    if (minimum <= 0 || lowest === undefined || lowest[0] >= minimum) return [];
    return groups.filter(([votes]) => votes < minimum).flatMap(([, cs]) => cs);
  }

  private batchEliminate(groups: [number, number[]][]): number[] {
    let running = 0;
    const seen: number[] = [];
    const eliminated = new Set<number>();
    let eliminations: number[] = [];
    let previous: number[] = [];
    for (const [votes, cs] of groups) {
      const next = [...eliminations];
      if (running < votes) {
        for (const c of seen) {
          if (!eliminated.has(c)) {
            eliminated.add(c);
            next.push(c);
          }
        }
      }
      running += votes * cs.length;
      seen.push(...cs);
      if (next.length > eliminations.length) {
        previous = eliminations;
        eliminations = next;
      }
    }
    if (
      this.rules.continueUntilTwoCandidatesRemain &&
      eliminations.length + this.numEliminated() === this.n - 1
    ) {
      eliminations = previous;
    }
    return eliminations.length > 1 ? eliminations : [];
  }

  private regularElimination(groups: [number, number[]][], round: number): number {
    const [votes, lowest] = at(groups, 0, 'tally group');
    if (lowest.length === 1) return lowest[0]!;
    const loser = this.breakTie(lowest, false, votes);
    void round;
    return loser;
  }

  /** RCTab's Tiebreak: tied candidates sorted by name, then the configured mode. */
  private breakTie(tied: number[], selectingWinner: boolean, votes: number): number {
    const sorted = [...tied].sort((a, b) => compareJava(this.name(a), this.name(b)));
    const mode = this.rules.tiebreakMode;
    const list = sorted.map((c) => this.name(c)).join(', ');
    const verb = selectingWinner ? 'wins' : 'loses';
    let chosen: number;
    let how: string;
    if (mode === 'random') {
      chosen = at(sorted, Math.floor(this.random!.nextDouble() * sorted.length), 'tied candidate');
      how = `a random draw (Java Random, seed ${this.rules.randomSeed})`;
    } else if (mode === 'useCandidateOrder' || mode === 'generatePermutation') {
      const order = selectingWinner ? this.permutation : [...this.permutation].reverse();
      chosen = order.find((c) => sorted.includes(c))!;
      how =
        mode === 'useCandidateOrder'
          ? `candidate order in the config (${selectingWinner ? 'earliest' : 'latest'} listed)`
          : `a seeded random permutation (${selectingWinner ? 'earliest' : 'latest'} in it)`;
    } else {
      let contenders = sorted;
      let found = -1;
      let roundUsed = 0;
      for (let r = this.round - 1; r > 0 && found < 0; r--) {
        const t = at(this.tallies, r, 'tally of an earlier round');
        const values = contenders.map((c) => t.get(c) ?? 0);
        const pick = selectingWinner ? Math.max(...values) : Math.min(...values);
        contenders = contenders.filter((_, i) => values[i] === pick);
        if (contenders.length === 1) {
          found = contenders[0]!;
          roundUsed = r;
        }
      }
      if (found >= 0) {
        chosen = found;
        how = `previous round counts (round ${roundUsed})`;
      } else {
        chosen = at(contenders, Math.floor(this.random!.nextDouble() * contenders.length), 'tied candidate');
        how = `previous round counts, still tied, then a random draw (seed ${this.rules.randomSeed})`;
      }
    }
    this.explanation.push(
      `Round ${this.round}: tie at ${formatScaled(votes, this.places)} votes between ${list}; ${this.name(chosen)} ${verb} the tie-break by ${how}.`,
    );
    return chosen;
  }

  /** Surplus fraction rounded down; each ballot keeps for the winner its value minus its (rounded-down) transfer. */
  private recordSurplus(winner: number, votes: number, threshold: number): void {
    const unit = BigInt(this.unit);
    const extra = votes - threshold;
    const fraction = extra > 0 ? (BigInt(extra) * unit) / BigInt(votes) : 0n;
    const alloc = new Float64Array(this.ballots.counts.length);
    for (let b = 0; b < alloc.length; b++) {
      if (this.recipient[b] !== winner || this.status[b] !== ACTIVE) continue;
      const v = BigInt(this.value[b]!); // b < alloc.length = ballots.counts.length = value.length
      const transfer = (v * fraction) / unit;
      alloc[b] = Number(v - transfer);
      this.value[b] = Number(transfer);
    }
    this.allocations.set(winner, alloc);
    if (extra > 0) {
      this.explanation.push(
        `Round ${this.round}: ${this.name(winner)}'s surplus of ${formatScaled(extra, this.places)} moves on at ${formatScaled(Number(fraction), this.places)} of each ballot's value.`,
      );
    }
  }

  private updateWinnerTallies(round: number, tally: Map<number, number>): void {
    const requiring: number[] = [];
    for (const w of this.winnersInOrder) {
      const won = this.winnerRound[w];
      if (won === round) continue;
      tally.set(w, won === round - 1 ? 0 : at(this.tallies, round - 1, 'tally of the round before').get(w)!);
      if (won === round - 1) requiring.push(w);
    }
    if (requiring.length === 0) return;
    const { counts } = this.ballots;
    for (const w of requiring) {
      const alloc = this.allocations.get(w)!;
      let sum = 0;
      // b < alloc.length = counts.length.
      for (let b = 0; b < alloc.length; b++) if (alloc[b] !== 0) sum += alloc[b]! * counts[b]!;
      const threshold = at(this.thresholds, round, 'threshold');
      const residual = sum - threshold;
      if (residual > 0) {
        this.residual[round] = at(this.residual, round, 'residual') + residual;
        this.addTransfer(round, w, -2, residual);
        sum = threshold;
      }
      tally.set(w, sum);
    }
  }

  private report(): RcvResult {
    const { places } = this;
    const fmt = (v: number) => formatScaled(v, places);
    const targetName = (t: number) => (t === -1 ? 'exhausted' : t === -2 ? 'residual surplus' : this.name(t));
    const rounds: RcvRound[] = [];
    for (let r = 1; r <= this.round; r++) {
      // Records keyed by candidate names have no prototype: a candidate called `__proto__` is counted like any other.
      const tally: Record<string, string> = Object.create(null);
      for (const [c, v] of at(this.tallies, r, 'tally')) tally[this.name(c)] = fmt(v);
      const tallyResults: RcvRound['tallyResults'] = [];
      const byName = (a: number, b: number) => compareJava(this.name(a), this.name(b));
      const action = (kind: 'elected' | 'eliminated', c: number) => {
        const transfers: Record<string, string> = Object.create(null);
        const row = this.transfers[r + 1]?.get(c);
        if (row) for (const [t, v] of row) transfers[targetName(t)] = fmt(v);
        tallyResults.push({ [kind]: this.name(c), transfers });
      };
      this.names
        .map((_, c) => c)
        .filter((c) => this.winnerRound[c] === r)
        .sort(byName)
        .forEach((c) => action('elected', c));
      this.names
        .map((_, c) => c)
        .filter((c) => this.eliminatedRound[c] === r)
        .sort(byName)
        .forEach((c) => action('eliminated', c));
      const inactive = at(this.inactive, r, 'inactive ballots');
      // Status codes are indices below statusNames.length, the length of each round's inactive totals.
      const inactiveBallots: Record<string, string> = {
        overvotes: fmt(inactive[OVERVOTED]!),
        skippedRankings: fmt(inactive[SKIPPED]!),
        exhaustedChoices: fmt(inactive[EXHAUSTED]!),
        repeatedRankings: fmt(inactive[REPEATED]!),
      };
      if (this.usesSurpluses && r === this.round)
        inactiveBallots.finalRoundSurplus = fmt(inactive[FINAL_SURPLUS]!);
      rounds.push({
        round: r,
        tally,
        tallyResults,
        threshold: fmt(at(this.thresholds, r, 'threshold')),
        inactiveBallots,
      });
    }
    let inactiveFirst = 0;
    for (const v of this.inactive[1] ?? []) inactiveFirst += v;
    const winners = this.winnersInOrder.map((c) => this.name(c));
    const explanation = [
      this.rules.numberOfWinners > 1
        ? `Single transferable vote for ${this.rules.numberOfWinners} seats, counted as RCTab counts it (threshold ${fmt(this.thresholds[1] ?? 0)}; surpluses move on at a fraction of each ballot's value, rounded down to ${places} decimal places).`
        : `Instant-runoff, counted as RCTab counts it: each round every ballot counts for its highest-ranked continuing candidate; a candidate with a majority of active ballots wins, otherwise the last is eliminated.`,
      ...this.explanation,
      `${winners.length === 1 ? 'Winner' : 'Elected'}: ${winners.join(', ') || '(none)'}.`,
    ];
    return {
      method: this.rules.numberOfWinners > 1 ? 'stv' : 'irv',
      winners,
      rounds,
      summary: {
        finalThreshold: fmt(this.thresholds[this.round] ?? 0),
        numCandidates: this.n,
        numWinners: this.rules.numberOfWinners,
        totalNumBallots: fmt((this.active[1] ?? 0) + inactiveFirst),
        undervotes: Math.round((this.inactive[1]?.[NO_RANKINGS] ?? 0) / this.unit),
      },
      explanation,
    };
  }
}

/** Java's String.compareTo (UTF-16 code units), which RCTab uses to sort tied candidates. */
function compareJava(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Candidates grouped by tally, lowest tally first (RCTab's sorted tally-to-candidates map). */
function groupByTally(tally: Map<number, number>): [number, number[]][] {
  const byVotes = new Map<number, number[]>();
  for (const [c, v] of tally) {
    const list = byVotes.get(v);
    if (list) list.push(c);
    else byVotes.set(v, [c]);
  }
  return [...byVotes.entries()].sort((a, b) => a[0] - b[0]);
}
