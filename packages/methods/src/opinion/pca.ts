// PCA of the vote matrix as Pol.is does it (compdemocracy/polis math/src/polismath/math/pca.clj and the `:mat`
// step of conversation.clj): missing votes are imputed by their column mean, moderated-out columns are zero, the
// top two principal components are found, and each participant is projected from their own votes only, scaled by
// sqrt(n_cmts / n_votes) so that people with few votes are not pulled into the centre.
//
// Imputing by the column mean makes a missing cell zero once centred, so the centred matrix is exactly as sparse as
// the votes: we never build the dense matrix. Pol.is runs 100 power iterations from the previous components; we run
// block subspace iteration with Rayleigh-Ritz until the top two components settle, which reaches the same fixed
// point faster and more exactly.
import type { VoteMatrix } from './matrix';

/** The top two principal components of the imputed vote matrix, over its columns. */
export interface VotePca {
  /** Column means over cast votes (0 for moderated-out columns). */
  center: Float64Array;
  comps: [Float64Array, Float64Array];
  /** Eigenvalues of the covariance (sum of squares) along each component. */
  eigenvalues: [number, number];
  iterations: number;
}

/** Options of {@link votePca}. */
export interface VotePcaOptions {
  /** Columns whose values Pol.is replaces by 0 for everyone (moderated out or meta). */
  zeroed?: Uint8Array;
  /** Previous components (same columns), used as start and to keep signs stable across recomputations. */
  start?: readonly Float64Array[];
  maxIterations?: number;
  tolerance?: number;
  /**
   * How missing votes enter the matrix: `'mean'` (default, Pol.is today) imputes the column mean over cast votes;
   * `'zero'` (Pol.is before column-average imputation, pol-is/polisMath `:mat`) imputes 0, so the centre is the
   * column mean over every participant and having not voted itself places a participant.
   */
  imputation?: 'mean' | 'zero';
}

/** Column means over cast votes, with moderated-out columns at 0 (Pol.is `:mat` column averages). */
export function columnMeans(m: VoteMatrix, zeroed?: Uint8Array): Float64Array {
  const nCols = m.statementIds.length;
  const sum = new Float64Array(nCols);
  const cnt = new Float64Array(nCols);
  const { col, value } = m;
  // In range: k < col.length = value.length, every col[k] < nCols (matrix invariant), j < nCols.
  for (let k = 0; k < col.length; k++) {
    const j = col[k]!;
    sum[j]! += value[k]!;
    cnt[j]!++;
  }
  const center = new Float64Array(nCols);
  for (let j = 0; j < nCols; j++) center[j] = zeroed?.[j] ? 0 : cnt[j]! > 0 ? sum[j]! / cnt[j]! : 0;
  return center;
}

/** Column means over every participant, missing votes counted as 0 (pol-is/polisMath `:mat`, nil -> 0). */
export function zeroImputedMeans(m: VoteMatrix, zeroed?: Uint8Array): Float64Array {
  const nCols = m.statementIds.length;
  const nRows = Math.max(m.participantIds.length, 1);
  const center = new Float64Array(nCols);
  // In range: k < col.length = value.length, every col[k] < nCols (matrix invariant), j < nCols.
  for (let k = 0; k < m.col.length; k++) center[m.col[k]!]! += m.value[k]!;
  for (let j = 0; j < nCols; j++) center[j] = zeroed?.[j] ? 0 : center[j]! / nRows;
  return center;
}

/** Centred sparse values: vote minus column mean, 0 in zeroed columns (imputed cells are implicit zeros). */
function centredValues(m: VoteMatrix, center: Float64Array, zeroed?: Uint8Array): Float64Array {
  const out = new Float64Array(m.col.length);
  // In range: k < col.length = value.length, every col[k] < nCols = center.length (matrix invariant).
  for (let k = 0; k < out.length; k++) {
    const j = m.col[k]!;
    out[k] = zeroed?.[j] ? 0 : m.value[k]! - center[j]!;
  }
  return out;
}

/** Top-two PCA of the mean-imputed vote matrix (Pol.is `powerit-pca` fixed point), by sparse subspace iteration. */
export function votePca(m: VoteMatrix, options: VotePcaOptions = {}): VotePca {
  const nRows = m.participantIds.length;
  const nCols = m.statementIds.length;
  const zeroImputed = options.imputation === 'zero';
  const center = zeroImputed ? zeroImputedMeans(m, options.zeroed) : columnMeans(m, options.zeroed);
  // Mean imputation: the centred matrix is sparse. Zero imputation: it is X - 1 center^T, applied implicitly.
  const cv = zeroImputed
    ? centredValues(m, new Float64Array(nCols), options.zeroed)
    : centredValues(m, center, options.zeroed);
  const p = Math.min(4, nCols, Math.max(nRows, 1));
  const maxIter = options.maxIterations ?? 1000;
  const tol = options.tolerance ?? 1e-12;
  const { rowStart, col } = m;
  // In range below: blocks Q, Y, Z, ritz hold p vectors (Q, Z, ritz of nCols, Y of nRows) and every loop over
  // i, j < p, r < nRows, columns < nCols; rowStart has nRows + 1 entries and each col[k] < nCols.

  // Start block: previous components first, then deterministic pseudo-random vectors.
  const Q: Float64Array[] = [];
  for (let i = 0; i < p; i++) {
    const prev = options.start?.[i];
    const v = new Float64Array(nCols);
    if (prev && prev.length === nCols && prev.some((x) => x !== 0)) v.set(prev);
    else {
      let s = 0x9e3779b9 ^ (i * 7919);
      for (let j = 0; j < nCols; j++) {
        s = (Math.imul(s, 1664525) + 1013904223) | 0;
        v[j] = i === 0 ? 1 : (s >>> 0) / 4294967296 - 0.5;
      }
    }
    Q.push(v);
  }
  orthonormalise(Q);

  const Y = Array.from({ length: p }, () => new Float64Array(nRows));
  const Z = Array.from({ length: p }, () => new Float64Array(nCols));
  let ritz: Float64Array[] = Q.map((q) => q.slice());
  let lambda: Float64Array = new Float64Array(p);
  let iterations = 0;
  for (let iter = 0; iter < maxIter; iter++) {
    iterations = iter + 1;
    // Z = Xc^T (Xc Q), one pass per product.
    const shift = Q.map((q) => (zeroImputed ? dot(center, q) : 0));
    for (let r = 0; r < nRows; r++) {
      const a = rowStart[r]!;
      const b = rowStart[r + 1]!;
      for (let i = 0; i < p; i++) {
        const q = Q[i]!;
        let s = 0;
        for (let k = a; k < b; k++) s += cv[k]! * q[col[k]!]!;
        Y[i]![r] = s - shift[i]!;
      }
    }
    for (const z of Z) z.fill(0);
    for (let r = 0; r < nRows; r++) {
      const a = rowStart[r]!;
      const b = rowStart[r + 1]!;
      for (let i = 0; i < p; i++) {
        const y = Y[i]![r]!;
        if (y === 0) continue;
        const z = Z[i]!;
        for (let k = a; k < b; k++) z[col[k]!]! += cv[k]! * y;
      }
    }
    if (zeroImputed)
      for (let i = 0; i < p; i++) {
        const y = Y[i]!;
        const z = Z[i]!;
        let sy = 0;
        for (let r = 0; r < nRows; r++) sy += y[r]!;
        for (let j = 0; j < nCols; j++) z[j]! -= center[j]! * sy;
      }
    // Rayleigh-Ritz on span(Q): H = Q^T A Q.
    const H = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) H[i * p + j] = dot(Q[i]!, Z[j]!);
    for (let i = 0; i < p; i++)
      for (let j = i + 1; j < p; j++) H[i * p + j] = H[j * p + i] = (H[i * p + j]! + H[j * p + i]!) / 2;
    const { values, vectors } = symmetricEigen(H, p);
    const newRitz = combine(Q, vectors, p, nCols);
    const next = combine(Z, vectors, p, nCols);
    let change = 0;
    for (let i = 0; i < Math.min(2, p); i++)
      change = Math.max(change, 1 - Math.abs(dot(newRitz[i]!, ritz[i]!)));
    ritz = newRitz;
    lambda = values;
    orthonormalise(next);
    for (let i = 0; i < p; i++) Q[i]!.set(next[i]!);
    if (change < tol && iter > 0) break;
  }

  const comps: [Float64Array, Float64Array] = [
    ritz[0] ?? new Float64Array(nCols),
    ritz[1] ?? new Float64Array(nCols),
  ];
  for (const [i, c] of comps.entries()) {
    const norm = Math.sqrt(dot(c, c));
    // In range: every component has nCols entries.
    if (norm > 0) for (let j = 0; j < nCols; j++) c[j]! /= norm;
    // Sign: agree with the previous component when given, else point along the all-ones start of Pol.is.
    const prev = options.start?.[i];
    let ref = 0;
    if (prev && prev.length === nCols) ref = dot(c, prev);
    if (ref === 0) for (let j = 0; j < nCols; j++) ref += c[j]!;
    if (ref < 0) for (let j = 0; j < nCols; j++) c[j] = -c[j]!;
  }
  return { center, comps, eigenvalues: [lambda[0] ?? 0, lambda[1] ?? 0], iterations };
}

/**
 * Sparsity-aware projection of every participant (Pol.is `sparsity-aware-project-ptpt`): the dot product of their
 * centred votes with each component, scaled by sqrt(n_cmts / max(n_votes, 1)). Zeroed columns count as votes.
 */
export function projectParticipants(
  m: VoteMatrix,
  pca: VotePca,
  zeroed?: Uint8Array,
  scaled = true,
): { x: Float64Array; y: Float64Array } {
  const nRows = m.participantIds.length;
  const nCols = m.statementIds.length;
  let nZeroed = 0;
  // In range: rowStart has nRows + 1 entries, each col[k] < nCols, center and components have nCols entries.
  if (zeroed) for (let j = 0; j < nCols; j++) nZeroed += zeroed[j] ?? 0;
  const x = new Float64Array(nRows);
  const y = new Float64Array(nRows);
  const { rowStart, col, value } = m;
  const { center } = pca;
  const [c1, c2] = pca.comps;
  for (let r = 0; r < nRows; r++) {
    let s1 = 0;
    let s2 = 0;
    let nVotes = nZeroed;
    for (let k = rowStart[r]!; k < rowStart[r + 1]!; k++) {
      const j = col[k]!;
      if (zeroed?.[j]) continue;
      const d = value[k]! - center[j]!;
      s1 += d * c1[j]!;
      s2 += d * c2[j]!;
      nVotes++;
    }
    const scale = scaled ? Math.sqrt(nCols / Math.max(nVotes, 1)) : 1;
    x[r] = s1 * scale;
    y[r] = s2 * scale;
  }
  return { x, y };
}

/** Projection of each statement as a participant who agrees with it alone (Pol.is `pca-project-cmnts`). */
export function projectStatements(pca: VotePca): {
  x: Float64Array;
  y: Float64Array;
  extremity: Float64Array;
} {
  const nCols = pca.center.length;
  const x = new Float64Array(nCols);
  const y = new Float64Array(nCols);
  const extremity = new Float64Array(nCols);
  const scale = Math.sqrt(nCols);
  const [c1, c2] = pca.comps;
  // In range: the centre and both components have nCols entries.
  for (let j = 0; j < nCols; j++) {
    const d = 1 - pca.center[j]!;
    const xj = d * c1[j]! * scale;
    const yj = d * c2[j]! * scale;
    x[j] = xj;
    y[j] = yj;
    extremity[j] = Math.hypot(xj, yj);
  }
  return { x, y, extremity };
}

// In range: callers pass vectors of one length.
function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

// Modified Gram-Schmidt, in place; a vector that vanishes is replaced by zeros.
// In range: i, j < vs.length and all vectors have one length.
function orthonormalise(vs: Float64Array[]): void {
  for (let i = 0; i < vs.length; i++) {
    const v = vs[i]!;
    for (let pass = 0; pass < 2; pass++)
      for (let j = 0; j < i; j++) {
        const u = vs[j]!;
        const d = dot(v, u);
        for (let k = 0; k < v.length; k++) v[k]! -= d * u[k]!;
      }
    const n = Math.sqrt(dot(v, v));
    if (n > 1e-300) for (let k = 0; k < v.length; k++) v[k]! /= n;
    else v.fill(0);
  }
}

// Columns of `vectors` (p×p, column i = eigenvector i) applied to the block: out_i = sum_j B_j * W[j][i].
// In range: B holds p vectors of n entries and W has p * p entries.
function combine(B: Float64Array[], W: Float64Array, p: number, n: number): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < p; i++) {
    const o = new Float64Array(n);
    for (let j = 0; j < p; j++) {
      const w = W[j * p + i]!;
      if (w === 0) continue;
      const b = B[j]!;
      for (let k = 0; k < n; k++) o[k]! += w * b[k]!;
    }
    out.push(o);
  }
  return out;
}

/** Eigen-decomposition of a small symmetric matrix by cyclic Jacobi; eigenvalues descending. */
function symmetricEigen(A0: Float64Array, p: number): { values: Float64Array; vectors: Float64Array } {
  // In range: A and V are p x p and every index is i * p + j with i, j, k < p.
  const A = A0.slice();
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++) V[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += A[i * p + j]! ** 2;
    if (off < 1e-300) break;
    for (let i = 0; i < p; i++)
      for (let j = i + 1; j < p; j++) {
        const aij = A[i * p + j]!;
        if (aij === 0) continue;
        const theta = (A[j * p + j]! - A[i * p + i]!) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = A[k * p + i]!;
          const akj = A[k * p + j]!;
          A[k * p + i] = c * aki - s * akj;
          A[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = A[i * p + k]!;
          const ajk = A[j * p + k]!;
          A[i * p + k] = c * aik - s * ajk;
          A[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = V[k * p + i]!;
          const vkj = V[k * p + j]!;
          V[k * p + i] = c * vki - s * vkj;
          V[k * p + j] = s * vki + c * vkj;
        }
      }
  }
  const order = Array.from({ length: p }, (_, i) => i).sort((a, b) => A[b * p + b]! - A[a * p + a]!);
  const values = new Float64Array(p);
  const vectors = new Float64Array(p * p);
  order.forEach((src, dst) => {
    values[dst] = A[src * p + src]!;
    for (let k = 0; k < p; k++) vectors[k * p + dst] = V[k * p + src]!;
  });
  return { values, vectors };
}
