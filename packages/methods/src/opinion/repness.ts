// Statement statistics of Pol.is (compdemocracy/polis math/src/polismath/math/repness.clj, stats.clj and the
// `:group-aware-consensus` / `:comment-priorities` steps of conversation.clj): representativeness of a statement
// for a group with its one- and two-proportion z-tests (pseudocount 1, significance z > 1.2816, i.e. 90%
// one-sided), consensus statements, group-informed consensus and comment priorities.
import { at } from '../common/index';
import type { VoteMatrix } from './matrix';

/** A representative statement of a group, in Pol.is's `repness` format. */
export interface RepStatement {
  tid: string;
  nSuccess: number;
  nTrials: number;
  pSuccess: number;
  pTest: number;
  repness: number;
  /** Pol.is stores this z-score as a single-precision float. */
  repnessTest: number;
  repfulFor: 'agree' | 'disagree';
  /** Set on the statement Pol.is puts first as the group's best agreed statement. */
  bestAgree?: boolean;
  nAgree?: number;
}

/** A consensus statement, in Pol.is's `consensus` format. */
export interface ConsensusStatement {
  tid: string;
  nSuccess: number;
  nTrials: number;
  pSuccess: number;
  pTest: number;
}

/** Pol.is significance threshold: one-sided 90% (`z-sig-90?`). */
export const Z_90 = 1.2816;

/** Pol.is one-proportion test with pseudocounts (`stats/prop-test`). */
export function propTest(succ: number, n: number): number {
  const s = succ + 1;
  const m = n + 1;
  return 2 * Math.sqrt(m) * (s / m - 0.5);
}

/** Pol.is two-proportion test with pseudocounts (`stats/two-prop-test`); 0 when the pooled proportion is 1. */
export function twoPropTest(succIn: number, succOut: number, popIn: number, popOut: number): number {
  const s1 = succIn + 1;
  const s2 = succOut + 1;
  const n1 = popIn + 1;
  const n2 = popOut + 1;
  const piHat = (s1 + s2) / (n1 + n2);
  if (piHat === 1) return 0;
  return (s1 / n1 - s2 / n2) / Math.sqrt(piHat * (1 - piHat) * (1 / n1 + 1 / n2));
}

/** Agree / disagree / seen counts per group and statement column (flat arrays, index g * nCols + j). */
export interface GroupCounts {
  nGroups: number;
  nCols: number;
  A: Int32Array;
  D: Int32Array;
  S: Int32Array;
}

/** Counts votes per group; rows with label < 0 are left out. */
export function groupCounts(m: VoteMatrix, labels: Int32Array, nGroups: number): GroupCounts {
  const nCols = m.statementIds.length;
  const A = new Int32Array(nGroups * nCols);
  const D = new Int32Array(nGroups * nCols);
  const S = new Int32Array(nGroups * nCols);
  // In range: labels has a label below nGroups per row, rowStart nRows + 1 entries, each col[k] < nCols.
  for (let r = 0; r < m.participantIds.length; r++) {
    const g = labels[r]!;
    if (g < 0) continue;
    const base = g * nCols;
    for (let k = m.rowStart[r]!; k < m.rowStart[r + 1]!; k++) {
      const i = base + m.col[k]!;
      S[i]!++;
      if (m.value[k] === 1) A[i]!++;
      else if (m.value[k] === -1) D[i]!++;
    }
  }
  return { nGroups, nCols, A, D, S };
}

interface CommentStats {
  na: number;
  nd: number;
  ns: number;
  pa: number;
  pd: number;
  pat: number;
  pdt: number;
  ra: number;
  rd: number;
  rat: number;
  rdt: number;
}

function finalize(tid: string, s: CommentStats): RepStatement {
  const agree = s.rat > s.rdt;
  return {
    tid,
    nSuccess: agree ? s.na : s.nd,
    nTrials: s.ns,
    pSuccess: agree ? s.pa : s.pd,
    pTest: agree ? s.pat : s.pdt,
    repness: agree ? s.ra : s.rd,
    repnessTest: Math.fround(agree ? s.rat : s.rdt),
    repfulFor: agree ? 'agree' : 'disagree',
  };
}

const metric = (r: RepStatement) => r.repness * r.repnessTest * r.pSuccess * r.pTest;

/**
 * Representative statements per group (Pol.is `conv-repness` + `select-rep-comments`): statements whose agree (or
 * disagree) share is significantly above 50% in the group and significantly above the rest of the clustered
 * participants; at most 5, the best agreed statement first, agrees before disagrees. `excluded` columns
 * (moderated out, meta) are never chosen.
 */
export function representativeStatements(
  counts: GroupCounts,
  statementIds: readonly string[],
  excluded?: Uint8Array,
  pickMax = 5,
): RepStatement[][] {
  const { nGroups, nCols, A, D, S } = counts;
  const state = Array.from({ length: nGroups }, () => ({
    best: undefined as RepStatement | undefined,
    bestAgree: undefined as (CommentStats & { tid: string }) | undefined,
    sufficient: [] as RepStatement[],
  }));
  // In range: A, D and S hold nGroups x nCols counts, g < nGroups and j < nCols.
  for (let j = 0; j < nCols; j++) {
    if (excluded?.[j]) continue;
    let tA = 0;
    let tD = 0;
    let tS = 0;
    for (let g = 0; g < nGroups; g++) {
      tA += A[g * nCols + j]!;
      tD += D[g * nCols + j]!;
      tS += S[g * nCols + j]!;
    }
    const tid = at(statementIds, j, 'statement id');
    for (let g = 0; g < nGroups; g++) {
      const na = A[g * nCols + j]!;
      const nd = D[g * nCols + j]!;
      const ns = S[g * nCols + j]!;
      const ra_ = tA - na;
      const rd_ = tD - nd;
      const rs_ = tS - ns;
      const pa = (1 + na) / (2 + ns);
      const pd = (1 + nd) / (2 + ns);
      const s: CommentStats = {
        na,
        nd,
        ns,
        pa,
        pd,
        pat: propTest(na, ns),
        pdt: propTest(nd, ns),
        ra: pa / ((1 + ra_) / (2 + rs_)),
        rd: pd / ((1 + rd_) / (2 + rs_)),
        rat: twoPropTest(na, ra_, ns, rs_),
        rdt: twoPropTest(nd, rd_, ns, rs_),
      };
      const st = state[g]!;
      if ((s.rat > Z_90 && s.pat > Z_90) || (s.rdt > Z_90 && s.pdt > Z_90))
        st.sufficient.push(finalize(tid, s));
      if (
        st.sufficient.length === 0 &&
        (st.best === undefined || Math.max(s.rat, s.rdt) > st.best.repnessTest)
      )
        st.best = finalize(tid, s);
      if (beatsBestAgree(s, st.bestAgree)) st.bestAgree = { ...s, tid };
    }
  }
  return state.map(({ best, bestAgree, sufficient }) => {
    const head: RepStatement[] = bestAgree
      ? [{ ...finalize(bestAgree.tid, bestAgree), nAgree: bestAgree.na, bestAgree: true }]
      : best
        ? [best]
        : [];
    if (sufficient.length === 0) return head;
    const rest = sufficient
      .filter((r) => !bestAgree || r.tid !== bestAgree.tid)
      .map((r, i) => ({ r, i, m: metric(r) }))
      .sort((a, b) => b.m - a.m || a.i - b.i)
      .map((x) => x.r);
    const picked = [...(bestAgree ? head : []), ...rest].slice(0, pickMax);
    return [
      ...picked.filter((r) => r.repfulFor === 'agree'),
      ...picked.filter((r) => r.repfulFor === 'disagree'),
    ];
  });
}

// Pol.is `beats-best-agr?`.
function beatsBestAgree(s: CommentStats, best: CommentStats | undefined): boolean {
  if (s.na === 0 && s.nd === 0) return false;
  if (best && best.ra > 1.0) return s.ra * s.rat * s.pa * s.pat > best.ra * best.rat * best.pa * best.pat;
  if (best) return s.pa * s.pat > best.pa * best.pat;
  return s.pat > Z_90 || (s.ra > 1.0 && s.pa > 0.5);
}

/**
 * Consensus statements (Pol.is `consensus-stats` + `select-consensus-comments`): over every participant, the
 * statements agreed (or disagreed) by more than half with z > 1.2816, best 5 by p * z.
 */
export function consensusStatements(
  m: VoteMatrix,
  excluded?: Uint8Array,
  pickMax = 5,
): { agree: ConsensusStatement[]; disagree: ConsensusStatement[] } {
  const all = groupCounts(m, new Int32Array(m.participantIds.length), 1);
  const rows: {
    tid: string;
    na: number;
    nd: number;
    ns: number;
    pa: number;
    pd: number;
    pat: number;
    pdt: number;
  }[] = [];
  for (let j = 0; j < all.nCols; j++) {
    if (excluded?.[j]) continue;
    const na = at(all.A, j);
    const nd = at(all.D, j);
    const ns = at(all.S, j);
    rows.push({
      tid: at(m.statementIds, j, 'statement id'),
      na,
      nd,
      ns,
      pa: (1 + na) / (2 + ns),
      pd: (1 + nd) / (2 + ns),
      pat: propTest(na, ns),
      pdt: propTest(nd, ns),
    });
  }
  const top = (agree: boolean): ConsensusStatement[] =>
    rows
      .filter((r) => (agree ? r.pa > 0.5 && r.pat > Z_90 : r.pd > 0.5 && r.pdt > Z_90))
      .map((r, i) => ({ r, i, m: agree ? r.pa * r.pat : r.pd * r.pdt }))
      .sort((a, b) => b.m - a.m || a.i - b.i)
      .slice(0, pickMax)
      .map(({ r }) => ({
        tid: r.tid,
        nSuccess: agree ? r.na : r.nd,
        nTrials: r.ns,
        pSuccess: agree ? r.pa : r.pd,
        pTest: agree ? r.pat : r.pdt,
      }));
  return { agree: top(true), disagree: top(false) };
}

/**
 * Group-informed consensus (Pol.is `:group-aware-consensus`): for each statement, the product over groups of
 * the group's smoothed agree probability (A + 1) / (S + 2). High only when every group agrees.
 */
export function groupAwareConsensus(counts: GroupCounts): Float64Array {
  const { nGroups, nCols, A, S } = counts;
  const out = new Float64Array(nCols).fill(1);
  // In range: A and S hold nGroups x nCols counts.
  for (let g = 0; g < nGroups; g++)
    for (let j = 0; j < nCols; j++) out[j]! *= (A[g * nCols + j]! + 1.0) / (S[g * nCols + j]! + 2.0);
  return out;
}

/**
 * Comment priorities for choosing the next statement to show (Pol.is `priority-metric`): the square of
 * importance (agree rate x engagement x (1 + extremity)) boosted for statements with few votes; meta statements
 * get 7 squared. Counts are those of the clustered participants.
 */
export function commentPriorities(
  counts: GroupCounts,
  extremity: Float64Array,
  isMeta?: Uint8Array,
): Float64Array {
  const { nGroups, nCols, A, D, S } = counts;
  const out = new Float64Array(nCols);
  // In range: A, D and S hold nGroups x nCols counts.
  for (let j = 0; j < nCols; j++) {
    let a = 0;
    let d = 0;
    let s = 0;
    for (let g = 0; g < nGroups; g++) {
      a += A[g * nCols + j]!;
      d += D[g * nCols + j]!;
      s += S[g * nCols + j]!;
    }
    const p = s - (a + d);
    const importance = (1 - (p + 1) / (s + 2)) * (at(extremity, j, 'extremity') + 1) * ((a + 1) / (s + 2));
    const priority = isMeta?.[j] ? 7 : importance * (1 + 8 * Math.pow(2, s / -5));
    out[j] = priority * priority;
  }
  return out;
}
