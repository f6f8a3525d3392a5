import { packRankedBallots, type PackedRankings } from './packed';
import type { RankedElection } from './types';

/** The link-strength variants of the Schulze method (M. Schulze, arXiv:1804.02973, section 2.1). */
export type SchulzeVariant = 'winning' | 'margin' | 'ratio';

/** A Schulze result: winners, the full ranking with ties, the pairwise and strongest-path matrices. */
export interface SchulzeResult {
  method: 'schulze';
  variant: SchulzeVariant;
  candidates: string[];
  winners: string[];
  /** Groups from first to last place; candidates in one group are tied. */
  ranking: string[][];
  /** pairwise[X][Y]: ballots ranking X strictly above Y. */
  pairwise: Record<string, Record<string, number>>;
  /** strongestPaths[X][Y]: strength of the strongest path from X to Y (ratio: an exact fraction "n/d"). */
  strongestPaths: Record<string, Record<string, number | string>>;
  explanation: string[];
}

/** Pairwise preference counts d[X*n+Y] (ballots ranking X strictly above Y), unranked candidates tied last. */
export function pairwiseMatrix(ballots: PackedRankings): Float64Array {
  const n = ballots.candidates.length;
  const d = new Float64Array(n * n);
  // rowAdd[X]: ballots where X is ranked; X then beats every unranked candidate. Pairs of ranked candidates are
  // corrected below, so a truncated ballot of k names costs k*k instead of n*n.
  const rowAdd = new Float64Array(n);
  const { offsets, members, groups, counts } = ballots;
  // In range: offsets has counts.length + 1 entries bounding each ballot's members and groups; members are
  // candidates below n, so every index into d is below n * n.
  for (let b = 0; b < counts.length; b++) {
    const c = counts[b]!;
    const start = offsets[b]!;
    const end = offsets[b + 1]!;
    for (let i = start; i < end; i++) {
      const x = members[i]!;
      const gx = groups[i]!;
      rowAdd[x]! += c;
      const row = x * n;
      for (let j = start; j < end; j++) {
        if (j === i) continue;
        // X above Y keeps its +c; tied or below removes the +c that rowAdd will give.
        if (gx >= groups[j]!) d[row + members[j]!]! -= c;
      }
    }
  }
  for (let x = 0; x < n; x++) {
    const add = rowAdd[x]!;
    if (add === 0) continue;
    const row = x * n;
    for (let y = 0; y < n; y++) if (y !== x) d[row + y]! += add;
  }
  return d;
}

/**
 * Schulze method, variants winning / margin / ratio, with the full ranking (ties kept) and the strongest-path matrix.
 * Source: M. Schulze, "The Schulze Method of Voting", arXiv:1804.02973; widest paths by Floyd–Warshall as in
 * Condorcet PHP (julien-boudry/Condorcet). Candidates a ballot does not mention are tied below all it mentions.
 * Ratio links are d[X][Y]/d[Y][X] (and (d[X][Y]+1)/1 when d[Y][X] = 0), compared exactly as fractions.
 */
export function schulze(
  input: RankedElection | PackedRankings,
  variant: SchulzeVariant = 'winning',
): SchulzeResult {
  const ballots = 'offsets' in input ? input : packRankedBallots(input);
  const names = ballots.candidates;
  const n = names.length;
  const d = pairwiseMatrix(ballots);
  // In range: d, num and den are n x n and x, y, i, j, k < n.
  // Path strengths as fractions num/den (den is 1 except for ratio); 0 means no path.
  const num = new Float64Array(n * n);
  const den = new Float64Array(n * n).fill(1);
  for (let x = 0; x < n; x++) {
    for (let y = 0; y < n; y++) {
      if (x === y) continue;
      const xy = d[x * n + y]!;
      const yx = d[y * n + x]!;
      if (xy <= yx) continue;
      if (variant === 'winning') num[x * n + y] = xy;
      else if (variant === 'margin') num[x * n + y] = xy - yx;
      else if (yx === 0) num[x * n + y] = xy + 1;
      else {
        num[x * n + y] = xy;
        den[x * n + y] = yx;
      }
    }
  }
  // a/b < c/e, exactly for integers below 2^26 each; beyond that the products need BigInt.
  const less = (a: number, b: number, c: number, e: number): boolean => {
    if (b === 1 && e === 1) return a < c;
    const left = a * e;
    const right = c * b;
    if (left < 2 ** 53 && right < 2 ** 53) return left < right;
    return BigInt(a) * BigInt(e) < BigInt(c) * BigInt(b);
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const ji = j * n + i;
      if (num[ji] === 0) continue;
      for (let k = 0; k < n; k++) {
        if (k === i || k === j) continue;
        const ik = i * n + k;
        const jk = j * n + k;
        // min(p[j][i], p[i][k])
        let mn = num[ji]!;
        let md = den[ji]!;
        if (less(num[ik]!, den[ik]!, mn, md)) {
          mn = num[ik]!;
          md = den[ik]!;
        }
        if (less(num[jk]!, den[jk]!, mn, md)) {
          num[jk] = mn;
          den[jk] = md;
        }
      }
    }
  }
  const remaining = new Set(names.map((_, i) => i));
  const ranking: string[][] = [];
  while (remaining.size > 0) {
    const group: number[] = [];
    for (const x of remaining) {
      let top = true;
      for (const y of remaining) {
        if (y !== x && less(num[x * n + y]!, den[x * n + y]!, num[y * n + x]!, den[y * n + x]!)) {
          top = false;
          break;
        }
      }
      if (top) group.push(x);
    }
    // Schulze's relation is transitive, so a group always exists; the guard keeps a bad input from looping.
    const place = group.length > 0 ? group : [...remaining];
    for (const x of place) remaining.delete(x);
    ranking.push(place.map((x) => names[x]!));
  }
  // Keyed by candidate names, which may come from outside: records without a prototype, so that a candidate called
  // `__proto__` is a row like any other.
  const pairwise: SchulzeResult['pairwise'] = Object.create(null);
  const strongestPaths: SchulzeResult['strongestPaths'] = Object.create(null);
  for (const [x, nx] of names.entries()) {
    const pairs: Record<string, number> = (pairwise[nx] = Object.create(null));
    const paths: Record<string, number | string> = (strongestPaths[nx] = Object.create(null));
    for (const [y, ny] of names.entries()) {
      if (x === y) continue;
      pairs[ny] = d[x * n + y]!;
      paths[ny] = variant === 'ratio' ? `${num[x * n + y]}/${den[x * n + y]}` : num[x * n + y]!;
    }
  }
  const explanation = explainSchulze(names, d, num, den, variant, ranking);
  return {
    method: 'schulze',
    variant,
    candidates: [...names],
    winners: ranking[0] ?? [],
    ranking,
    pairwise,
    strongestPaths,
    explanation,
  };
}

function explainSchulze(
  names: string[],
  d: Float64Array,
  num: Float64Array,
  den: Float64Array,
  variant: SchulzeVariant,
  ranking: string[][],
): string[] {
  const n = names.length;
  const lines: string[] = [
    `Schulze method (${variant} link strength): each pair of candidates is compared head to head; a candidate not mentioned on a ballot counts as ranked below every mentioned one.`,
  ];
  const show = (x: number, y: number): string =>
    variant === 'ratio' && den[x * n + y] !== 1 ? `${num[x * n + y]}/${den[x * n + y]}` : `${num[x * n + y]}`;
  if (n <= 12) {
    for (let x = 0; x < n; x++) {
      for (let y = x + 1; y < n; y++) {
        const xy = d[x * n + y]!; // d is n x n
        const yx = d[y * n + x]!;
        const [a, b, ab, ba] = xy >= yx ? ([x, y, xy, yx] as const) : ([y, x, yx, xy] as const);
        lines.push(
          ab === ba
            ? `${names[a]} and ${names[b]} tie ${ab} to ${ba}.`
            : `${names[a]} beats ${names[b]} ${ab} to ${ba}; strongest paths: ${names[a]}→${names[b]} ${show(a, b)}, ${names[b]}→${names[a]} ${show(b, a)}.`,
        );
      }
    }
  } else {
    lines.push(`${n} candidates: the pairwise and strongest-path matrices are in the result.`);
  }
  ranking.forEach((group, i) =>
    lines.push(
      `${i + 1}. ${group.join(', ')}${group.length > 1 ? ' (tied: their strongest paths to each other are equal)' : ''}`,
    ),
  );
  return lines;
}
