// LiquidFeedback's result of a vote on one issue: the weighted pairwise matrix of graded ballots, the Schulze ranking
// with the status quo as a candidate, and the per-initiative flags that decide the winner. A line-by-line port of
// LiquidFeedback core 4.2.2 (core.sql: close_voting, defeat_strength, secondary_link_strength, find_best_paths,
// calculate_ranks; MIT, Public Software Group e. V.), checked against the core's own outputs in fixtures/liquid.
// All arithmetic is exact: link strengths are the core's INT8 pairs held in bigints.
import { at } from '../common/index';

/** How a pairwise defeat is measured (policy.defeat_strength). */
export type LfDefeatStrength = 'simple' | 'tuple';
/** How ties in the Schulze ranking are broken (policy.tie_breaking). */
export type LfTieBreaking = 'simple' | 'variant1' | 'variant2';

/** A majority requirement (policy.{direct,indirect}_majority_{num,den,strict,positive,non_negative}). */
export interface LfMajority {
  num: number;
  den: number;
  /** true: positive/(positive+negative) must exceed num/den; false: reach it. */
  strict: boolean;
  /** Minimum positive votes. */
  positive: number;
  /** Minimum of voter_count − negative votes. */
  nonNegative: number;
}

/** The policy columns that calculate_ranks reads. */
export interface LfPolicy {
  defeatStrength: LfDefeatStrength;
  tieBreaking: LfTieBreaking;
  directMajority: LfMajority;
  indirectMajority: LfMajority;
  /** Initiatives with a beat path (ties allowed) to the status quo cannot win. Requires 'tuple'. */
  noReverseBeatPath: boolean;
  /** Initiatives beaten by a better-ranked one in a "multistage" way cannot win. */
  noMultistageMajority: boolean;
}

/** The core's defaults for a new policy (tuple, variant1, simple majorities of 1/2 strict). */
export const LF_DEFAULT_POLICY: LfPolicy = {
  defeatStrength: 'tuple',
  tieBreaking: 'variant1',
  directMajority: { num: 1, den: 2, strict: true, positive: 0, nonNegative: 0 },
  indirectMajority: { num: 1, den: 2, strict: true, positive: 0, nonNegative: 0 },
  noReverseBeatPath: false,
  noMultistageMajority: false,
};

/** A direct voter's graded ballot with its resolved weight; a missing grade is 0 (abstention). */
export interface LfBallot {
  weight: number;
  /** Grade per initiative id; may include initiatives that were not admitted (they count for first preferences). */
  grades: Readonly<Record<string, number>> | ReadonlyMap<string, number>;
}

/** Why a LiquidFeedback result cannot be computed. */
export type LfErrorCode = 'invalid_input' | 'schulze_ranking_does_not_compute' | 'no_shared_weakest_link';

/** A LiquidFeedback result that cannot be computed; `code` is stable, the message says why. */
export class LiquidFeedbackError extends Error {
  constructor(
    readonly code: LfErrorCode,
    message: string,
    /** For 'schulze_ranking_does_not_compute': the candidates left unranked (null = status quo). */
    readonly unranked: (string | null)[] = [],
  ) {
    super(message);
    this.name = 'LiquidFeedbackError';
  }
}

/** One admitted initiative's result; field names follow the core's initiative columns. */
export interface LfInitiativeResult {
  id: string;
  positiveVotes: number;
  negativeVotes: number;
  schulzeRank: number;
  betterThanStatusQuo: boolean;
  worseThanStatusQuo: boolean;
  /** A beat path (ties allowed) from the status quo to this initiative; null under 'simple' defeat strength. */
  reverseBeatPath: boolean | null;
  multistageMajority: boolean;
  directMajority: boolean;
  indirectMajority: boolean;
  eligible: boolean;
  winner: boolean;
  /** Final rank: the winner, then the other eligible initiatives, then the rest, each by Schulze rank and order. */
  rank: number;
}

/** The result of an issue: each admitted initiative in the given order, the status quo's rank and the state. */
export interface LfResult {
  initiatives: LfInitiativeResult[];
  statusQuoSchulzeRank: number;
  state: 'finished_with_winner' | 'finished_without_winner';
  winner: string | null;
  explanation: { code: string; params: Record<string, string | number>; text: string }[];
}

/** The input of `lfResult`: admitted initiatives in the core's order (ascending id) and the battle matrix. */
export interface LfResultInput {
  /** Admitted initiatives, in the order that breaks ties (LiquidFeedback: ascending id). */
  initiatives: readonly string[];
  /** battles[x][y] = weighted voters preferring x to y; index 0 is the status quo, index k the k-th initiative. */
  battles: readonly (readonly number[])[];
  /** Sum of the direct voters' weights (issue.voter_count). */
  voterCount: number;
  policy: LfPolicy;
}

const TWO31 = 1n << 31n;
const TWO62 = 1n << 62n;
const TWO63 = 1n << 63n;
const TWO64 = 1n << 64n;

/**
 * A link strength, the core's composite (primary INT8, secondary INT8) compared lexicographically, packed into one
 * bigint: primary·2^64 + (secondary + 2^63). Every secondary lies in [−2^62, 2^63), so the packing keeps the order.
 */
const link = (primary: bigint, secondary: bigint): bigint => primary * TWO64 + secondary + TWO63;
/** The primary part of a packed link strength. */
const primaryOf = (l: bigint): bigint => (l - (((l % TWO64) + TWO64) % TWO64)) / TWO64;
/** The core's "worst possible value" for a forbidden link: (−2^63, 0). */
const FORBIDDEN = link(-TWO63, 0n);

/** core.sql defeat_strength(positive, negative, defeat_strength). */
function defeatStrength(p: number, q: number, mode: LfDefeatStrength): bigint {
  if (mode === 'simple') return p > q ? BigInt(p) : 0n;
  if (p > q) return BigInt(p) * TWO31 - BigInt(q);
  return p === q ? 0n : -1n;
}

/** core.sql secondary_link_strength(i, j, tie_breaking), with 1-based candidate indices. */
function secondaryLinkStrength(i: number, j: number, mode: LfTieBreaking): bigint {
  if (mode === 'simple') return 0n;
  const a = BigInt(i);
  const b = BigInt(j);
  return (i < j ? TWO62 : 0n) + (mode === 'variant2' ? b * TWO31 - a : b - a * TWO31);
}

/** core.sql find_best_paths: widest paths (max-min) by Floyd-Warshall, in the core's loop order. */
function findBestPaths(d: readonly bigint[][]): bigint[][] {
  const n = d.length;
  const p = d.map((row) => row.slice());
  // In range: p is n x n (d is square) and i, j, k < n.
  for (let i = 0; i < n; i++) {
    const pi = p[i]!;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const pj = p[j]!;
      for (let k = 0; k < n; k++) {
        if (i === k || j === k) continue;
        const via = pj[i]! < pi[k]! ? pj[i]! : pi[k]!;
        if (via > pj[k]!) pj[k] = via;
      }
    }
  }
  return p;
}

/** The Schulze part of calculate_ranks: each candidate's rank (index 0 = status quo) and the best-path matrix. */
export interface LfSchulze {
  /** 1-based ranks, all distinct; ranks[0] is the status quo's. */
  ranks: number[];
  /** Primary part of the strongest path from x to y (the core's matrix_p[x][y].primary). */
  pathPrimary: bigint[][];
}

/**
 * LiquidFeedback's Schulze ranking (core 4.2.2 calculate_ranks): link strength (defeat, secondary) per the policy's
 * defeat_strength and tie_breaking; strongest paths; with 'variant1'/'variant2' each tied pair is settled by
 * repeatedly forbidding the first link (row-major) equal to the pair's current strongest path; ranks go to the
 * first unranked candidate that no unranked candidate beats or, when tied, precedes. `labels` name candidates in
 * errors. Throws LiquidFeedbackError 'schulze_ranking_does_not_compute' where the core raises the same (only
 * possible with tie_breaking 'simple': the tied pairs, broken by index, form a cycle).
 */
export function lfSchulze(
  battles: readonly (readonly number[])[],
  policy: Pick<LfPolicy, 'defeatStrength' | 'tieBreaking'>,
  labels: readonly (string | null)[] = battles.map((_, i) => (i === 0 ? null : String(i))),
): LfSchulze {
  const n = battles.length;
  // In range: battles, d, p, t, beats and forbidden are n x n, ranks has n entries, and every index is below n.
  const d: bigint[][] = [];
  for (let i = 0; i < n; i++) {
    d.push(new Array<bigint>(n).fill(0n));
    for (let j = 0; j < n; j++)
      if (i !== j)
        d[i]![j] = link(
          defeatStrength(battles[i]![j]!, battles[j]![i]!, policy.defeatStrength),
          secondaryLinkStrength(i + 1, j + 1, policy.tieBreaking),
        );
  }
  const p = findBestPaths(d);
  // beats[i][j]: 1 when i beats j, -1 when j beats i, 0 when tied (the core's NULL).
  const beats: number[][] = [];
  for (let i = 0; i < n; i++) beats.push(new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (p[i]![j]! > p[j]![i]!) [beats[i]![j], beats[j]![i]] = [1, -1];
      else if (p[i]![j]! < p[j]![i]!) [beats[i]![j], beats[j]![i]] = [-1, 1];
    }
  if (policy.tieBreaking !== 'simple') {
    for (let m = 0; m < n; m++)
      for (let k = m + 1; k < n; k++) {
        if (beats[m]![k] !== 0) continue;
        let t = p;
        const forbidden: boolean[][] = d.map((row) => row.map(() => false));
        for (;;) {
          // Forbid the link that is the weakest in both strongest paths, m→k and k→m.
          let found = false;
          for (let i = 0; i < n && !found; i++)
            for (let j = 0; j < n && !found; j++)
              if (i !== j && d[i]![j] === t[m]![k]!) forbidden[i]![j] = found = true;
          if (!found)
            throw new LiquidFeedbackError(
              'no_shared_weakest_link',
              `Schulze tie-breaking found no shared weakest link between ${name(at(labels, m, 'label'))} and ${name(at(labels, k, 'label'))} (LiquidFeedback core raises "Did not find shared weakest link for tie-breaking" here)`,
            );
          t = findBestPaths(d.map((row, i) => row.map((v, j) => (forbidden[i]![j]! ? FORBIDDEN : v))));
          if (t[m]![k]! > t[k]![m]!) {
            [beats[m]![k], beats[k]![m]] = [1, -1];
            break;
          }
          if (t[m]![k]! < t[k]![m]!) {
            [beats[m]![k], beats[k]![m]] = [-1, 1];
            break;
          }
        }
      }
  }
  const ranks = new Array<number>(n).fill(0);
  for (let rank = 1; rank <= n; rank++) {
    let chosen = -1;
    for (let i = 0; i < n && chosen < 0; i++) {
      if (ranks[i] !== 0) continue;
      let better = false;
      for (let j = 0; j < n && !better; j++)
        if (i !== j && ranks[j] === 0 && (beats[j]![i] === 1 || (beats[j]![i] === 0 && j < i))) better = true;
      if (!better) chosen = i;
    }
    if (chosen < 0) {
      const unranked = labels.filter((_, i) => ranks[i] === 0);
      throw new LiquidFeedbackError(
        'schulze_ranking_does_not_compute',
        `Schulze ranking does not compute: with tie_breaking '${policy.tieBreaking}', the tied pairs broken by order form a cycle among ${unranked.map(name).join(', ')}, so no candidate is unbeaten. LiquidFeedback core 4.2.2 aborts here too ("Schulze ranking does not compute (should not happen)"); tie_breaking 'variant1' or 'variant2' always ranks.`,
        unranked,
      );
    }
    ranks[chosen] = rank;
  }
  return { ranks, pathPrimary: p.map((row) => row.map(primaryOf)) };
}

const name = (label: string | null) => (label === null ? 'the status quo' : label);

/** The core's majority test: positive share above (or at) num/den, enough positive and non-negative votes. */
function hasMajority(positive: number, negative: number, voterCount: number, rule: LfMajority): boolean {
  const share = BigInt(positive) * BigInt(rule.den);
  const needed = BigInt(rule.num) * BigInt(positive + negative);
  return (
    (rule.strict ? share > needed : share >= needed) &&
    positive >= rule.positive &&
    voterCount - negative >= rule.nonNegative
  );
}

const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

function checkResultInput(input: LfResultInput): void {
  const fail = (problem: string): never => {
    throw new LiquidFeedbackError('invalid_input', problem);
  };
  const n = input.initiatives.length + 1;
  if (new Set(input.initiatives).size !== input.initiatives.length) fail('an initiative is listed twice');
  if (input.battles.length !== n)
    fail(
      `battles must be a ${n}×${n} matrix (status quo and ${n - 1} initiatives), got ${input.battles.length} rows`,
    );
  input.battles.forEach((row, i) => {
    if (row.length !== n) fail(`battles row ${i} has ${row.length} entries, expected ${n}`);
    row.forEach((v, j) => {
      if (i !== j && !isCount(v)) fail(`battles[${i}][${j}] must be a non-negative integer`);
    });
  });
  if (!isCount(input.voterCount)) fail('voterCount must be a non-negative integer');
  const p = input.policy;
  if (p.defeatStrength !== 'simple' && p.defeatStrength !== 'tuple')
    fail(`defeatStrength must be 'simple' or 'tuple'`);
  if (p.tieBreaking !== 'simple' && p.tieBreaking !== 'variant1' && p.tieBreaking !== 'variant2')
    fail(`tieBreaking must be 'simple', 'variant1' or 'variant2'`);
  // The core's CHECK constraint no_reverse_beat_path_requires_tuple_defeat_strength.
  if (p.noReverseBeatPath && p.defeatStrength !== 'tuple')
    fail('noReverseBeatPath requires tuple defeat strength');
  for (const [k, rule] of [
    ['directMajority', p.directMajority],
    ['indirectMajority', p.indirectMajority],
  ] as const) {
    if (!isCount(rule.num) || !isCount(rule.den) || rule.den === 0)
      fail(`${k}: num and den must be non-negative integers, den > 0`);
    if (!Number.isSafeInteger(rule.positive) || !Number.isSafeInteger(rule.nonNegative))
      fail(`${k}: positive and nonNegative must be integers`);
  }
}

/**
 * LiquidFeedback core 4.2.2 calculate_ranks on one issue: the Schulze ranks (status quo included, see `lfSchulze`),
 * then per initiative direct and indirect majority (indirect spreads to any initiative that beats one that has it
 * by the same test, until nothing changes), better/worse than the status quo, reverse beat path, multistage
 * majority, eligibility, the winner (eligible, lowest Schulze rank, then first in order) and the final rank.
 * Throws LiquidFeedbackError where the core aborts (see `lfSchulze`) and on malformed input.
 */
export function lfResult(input: LfResultInput): LfResult {
  checkResultInput(input);
  const { initiatives, battles: a, voterCount, policy } = input;
  const { ranks, pathPrimary } = lfSchulze(a, policy, [null, ...initiatives]);
  const k = initiatives.length;
  const sq = at(ranks, 0, 'status quo rank');
  // In range: checkResultInput has made a (k + 1) x (k + 1), lfSchulze gives k + 1 ranks and paths, rows has k
  // entries, and x, y, w < k.
  const rows = initiatives.map((id, x) => {
    const i = x + 1;
    const positive = a[i]![0]!;
    const negative = a[0]![i]!;
    return {
      id,
      positiveVotes: positive,
      negativeVotes: negative,
      schulzeRank: ranks[i]!,
      betterThanStatusQuo: ranks[i]! < sq,
      worseThanStatusQuo: ranks[i]! > sq,
      reverseBeatPath: policy.defeatStrength === 'simple' ? null : pathPrimary[0]![i]! >= 0n,
      multistageMajority: ranks[i]! >= sq,
      directMajority: hasMajority(positive, negative, voterCount, policy.directMajority),
      indirectMajority: hasMajority(positive, negative, voterCount, policy.indirectMajority),
      eligible: false,
      winner: false,
      rank: 0,
    };
  });
  // Indirect majority: an initiative that wins its battle against one that has it (by the same test) gets it too.
  for (;;) {
    const gained = [];
    for (let x = 0; x < k; x++) {
      if (rows[x]!.indirectMajority) continue;
      for (let y = 0; y < k; y++)
        if (
          y !== x &&
          rows[y]!.indirectMajority &&
          hasMajority(a[x + 1]![y + 1]!, a[y + 1]![x + 1]!, voterCount, policy.indirectMajority)
        ) {
          gained.push(x);
          break;
        }
    }
    if (gained.length === 0) break;
    for (const x of gained) rows[x]!.indirectMajority = true;
  }
  // Multistage majority: a better-ranked initiative beats this one pairwise by more than it beats the status quo,
  // or this one loses to it by less than it loses to the status quo.
  for (let x = 0; x < k; x++)
    for (let w = 0; w < k; w++) {
      const win = a[w + 1]![x + 1]!;
      const lose = a[x + 1]![w + 1]!;
      if (
        w !== x &&
        rows[w]!.schulzeRank < rows[x]!.schulzeRank &&
        win > lose &&
        (win > rows[w]!.positiveVotes || lose < rows[x]!.negativeVotes)
      )
        rows[x]!.multistageMajority = true;
    }
  for (const r of rows)
    r.eligible =
      r.directMajority &&
      r.indirectMajority &&
      r.betterThanStatusQuo &&
      (!policy.noMultistageMajority || !r.multistageMajority) &&
      (!policy.noReverseBeatPath || !(r.reverseBeatPath ?? false));
  const order = rows.map((_, x) => x);
  const byRank = (x: number, y: number) => rows[x]!.schulzeRank - rows[y]!.schulzeRank || x - y;
  const winner = order.filter((x) => rows[x]!.eligible).sort(byRank)[0];
  if (winner !== undefined) rows[winner]!.winner = true;
  order
    .sort(
      (x, y) =>
        Number(rows[y]!.winner) - Number(rows[x]!.winner) ||
        Number(rows[y]!.eligible) - Number(rows[x]!.eligible) ||
        byRank(x, y),
    )
    .forEach((x, r) => (rows[x]!.rank = r + 1));
  return {
    initiatives: rows,
    statusQuoSchulzeRank: sq,
    state: winner === undefined ? 'finished_without_winner' : 'finished_with_winner',
    winner: winner === undefined ? null : rows[winner]!.id,
    explanation: explain(rows, sq, policy, winner === undefined ? null : rows[winner]!),
  };
}

function explain(
  rows: LfInitiativeResult[],
  sq: number,
  policy: LfPolicy,
  winner: LfInitiativeResult | null,
): LfResult['explanation'] {
  const schulze = [
    ...rows.map((r) => ({ label: r.id, rank: r.schulzeRank })),
    { label: 'status quo', rank: sq },
  ]
    .sort((x, y) => x.rank - y.rank)
    .map((c) => c.label);
  const steps: LfResult['explanation'] = [
    {
      code: 'lf_schulze_order',
      params: {
        order: schulze.join(' > '),
        defeatStrength: policy.defeatStrength,
        tieBreaking: policy.tieBreaking,
      },
      text: `Schulze order (${policy.defeatStrength} defeat strength, ${policy.tieBreaking} tie-breaking): ${schulze.join(' > ')}.`,
    },
  ];
  for (const r of rows) {
    if (r.eligible) continue;
    const why = !r.betterThanStatusQuo
      ? 'is not ranked above the status quo'
      : !r.directMajority
        ? 'has no direct majority against the status quo'
        : !r.indirectMajority
          ? 'has no indirect majority'
          : policy.noMultistageMajority && r.multistageMajority
            ? 'is beaten by a better-ranked initiative in a multistage way'
            : 'has a beat path from the status quo (ties included)';
    steps.push({
      code: 'lf_not_eligible',
      params: { initiative: r.id },
      text: `Initiative ${r.id} cannot win: it ${why}.`,
    });
  }
  steps.push(
    winner
      ? {
          code: 'lf_winner',
          params: { initiative: winner.id, schulzeRank: winner.schulzeRank },
          text: `Initiative ${winner.id} wins: the best-ranked eligible initiative.`,
        }
      : { code: 'lf_no_winner', params: {}, text: 'No initiative is eligible: the status quo stays.' },
  );
  return steps;
}

/** Weighted pairwise counts of graded ballots and first-preference votes, as the core's close_voting counts them. */
export interface LfBattles {
  /** battles[x][y], index 0 = status quo; the diagonal is 0. */
  battles: number[][];
  /** Per initiative (in the given order): weight of the voters whose highest grade (> 0) it shares. */
  firstPreferenceVotes: number[];
  voterCount: number;
}

const gradeOf = (b: LfBallot, id: string): number =>
  (b.grades instanceof Map ? b.grades.get(id) : (b.grades as Record<string, number>)[id]) ?? 0;

/**
 * The core's battle_view and first preferences (close_voting): battle(x, y) sums the weights of ballots grading x
 * above y (status quo = grade 0, missing grade = 0); a voter's first preferences are the initiatives with its highest
 * grade when that grade is > 0, the highest taken over all its grades, those of initiatives not admitted included.
 */
export function lfBattles(initiatives: readonly string[], ballots: readonly LfBallot[]): LfBattles {
  const n = initiatives.length + 1;
  const battles: number[][] = [];
  for (let i = 0; i < n; i++) battles.push(new Array<number>(n).fill(0));
  const first = new Array<number>(n - 1).fill(0);
  let voterCount = 0;
  const g = new Array<number>(n);
  // In range: battles is n x n, g has n entries, first n - 1, and x, y, i < n.
  ballots.forEach((b, index) => {
    if (!isCount(b.weight))
      throw new LiquidFeedbackError(
        'invalid_input',
        `ballot ${index + 1}: weight must be a non-negative integer`,
      );
    const all = b.grades instanceof Map ? [...b.grades.values()] : Object.values(b.grades);
    if (!all.every((v) => Number.isSafeInteger(v)))
      throw new LiquidFeedbackError('invalid_input', `ballot ${index + 1}: grades must be integers`);
    voterCount += b.weight;
    g[0] = 0;
    for (let i = 1; i < n; i++) g[i] = gradeOf(b, initiatives[i - 1]!);
    for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) if (g[x]! > g[y]!) battles[x]![y]! += b.weight;
    const best = all.length === 0 ? 0 : Math.max(...all);
    if (best > 0) for (let i = 1; i < n; i++) if (g[i] === best) first[i - 1]! += b.weight;
  });
  return { battles, firstPreferenceVotes: first, voterCount };
}

/** The input of `lfTally`: admitted initiatives in order, the direct voters' weighted ballots and the policy. */
export interface LfTallyInput {
  initiatives: readonly string[];
  ballots: readonly LfBallot[];
  policy: LfPolicy;
}

/** `lfResult` with first-preference votes and the battle matrix. */
export interface LfTally extends LfResult {
  initiatives: (LfInitiativeResult & { firstPreferenceVotes: number })[];
  battles: number[][];
  voterCount: number;
}

/**
 * A LiquidFeedback vote from graded ballots (weights from the delegation resolution, `resolveLiquid`) to the
 * winner, as core 4.2.2 close_voting and calculate_ranks compute it: `lfBattles`, then `lfResult`.
 */
export function lfTally(input: LfTallyInput): LfTally {
  const counted = lfBattles(input.initiatives, input.ballots);
  const result = lfResult({
    initiatives: input.initiatives,
    battles: counted.battles,
    voterCount: counted.voterCount,
    policy: input.policy,
  });
  return {
    ...result,
    initiatives: result.initiatives.map((r, x) => ({
      ...r,
      firstPreferenceVotes: at(counted.firstPreferenceVotes, x, 'first-preference votes'),
    })),
    battles: counted.battles,
    voterCount: counted.voterCount,
  };
}
