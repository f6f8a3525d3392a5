// The 'polis-2017' variant (pol-is/polisMath: missing votes as 0, everyone clustered, base-k 50) and its detection
// from an openData export; see docs/methods/opinion.md, "Variants".
import { describe, expect, it } from 'vitest';
import {
  buildVoteMatrix,
  detectOpinionVariant,
  mapConversation,
  votePca,
  zeroImputedMeans,
  type ImportedConversation,
  type OpinionVote,
} from '../src/opinion/index';

// Deterministic pseudo-random votes: `n` participants over `c` statements, some cells missing.
function votes(n: number, c: number, seed = 7, missing = 0.3): OpinionVote[] {
  let s = seed;
  const rnd = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const out: OpinionVote[] = [];
  for (let p = 0; p < n; p++)
    for (let j = 0; j < c; j++) {
      const u = rnd();
      if (u < missing) continue;
      const lean = p < n / 2 ? 1 : -1;
      const v = rnd() < 0.15 ? 0 : rnd() < 0.8 ? lean * (j % 2 ? 1 : -1) : -lean * (j % 2 ? 1 : -1);
      out.push({ participant: String(p), statement: String(j), vote: v as -1 | 0 | 1, time: p * c + j });
    }
  return out;
}

// Dense reference: zero-imputed matrix, centred by column means over every row, top two eigenvectors of X^T X by
// power iteration with deflation (Pol.is `powerit-pca` run to convergence).
function densePca(X: number[][]): { center: number[]; comps: number[][] } {
  // In range: X is n x c with n > 0, v and z have c entries, y has n.
  const n = X.length;
  const c = X[0]!.length;
  const center = Array.from({ length: c }, (_, j) => X.reduce((s, r) => s + r[j]!, 0) / n);
  let W = X.map((r) => r.map((v, j) => v - center[j]!));
  const comps: number[][] = [];
  for (let k = 0; k < 2; k++) {
    let v = new Array<number>(c).fill(1);
    for (let it = 0; it < 5000; it++) {
      const y = W.map((r) => r.reduce((s, x, j) => s + x * v[j]!, 0));
      const z = new Array<number>(c).fill(0);
      W.forEach((r, i) => r.forEach((x, j) => (z[j]! += x * y[i]!)));
      const norm = Math.hypot(...z);
      v = z.map((x) => x / norm);
    }
    comps.push(v);
    W = W.map((r) => {
      const d = r.reduce((s, x, j) => s + x * v[j]!, 0);
      return r.map((x, j) => x - d * v[j]!);
    });
  }
  return { center, comps };
}

describe("imputation 'zero' (pol-is/polisMath `:mat`, nil -> 0)", () => {
  const vs = votes(40, 9);
  const m = buildVoteMatrix(vs);
  const X = m.participantIds.map((_, r) => {
    const row = new Array(m.statementIds.length).fill(0);
    for (let k = m.rowStart[r]!; k < m.rowStart[r + 1]!; k++) row[m.col[k]!] = m.value[k]!;
    return row;
  });

  it('centres by the column mean over every participant, missing votes as 0', () => {
    const center = zeroImputedMeans(m);
    const ref = densePca(X).center;
    center.forEach((v, j) => expect(v).toBeCloseTo(ref[j]!, 12));
    expect(votePca(m, { imputation: 'zero' }).center).toEqual(center);
  });

  it('finds the components of the dense zero-imputed matrix (up to sign)', () => {
    const pca = votePca(m, { imputation: 'zero' });
    const ref = densePca(X);
    for (const i of [0, 1] as const) {
      const theirs = ref.comps[i]!;
      const dot = pca.comps[i].reduce((s, v, j) => s + v * theirs[j]!, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 8);
    }
  });

  it('differs from the default column-mean imputation when votes are missing', () => {
    const mean = votePca(m).center;
    const zero = votePca(m, { imputation: 'zero' }).center;
    expect(Array.from(mean)).not.toEqual(Array.from(zero));
  });
});

describe("variant 'polis-2017'", () => {
  // 30 participants with 9 votes, 6 with 2 votes.
  const many = votes(30, 9, 7, 0);
  const few = votes(6, 2, 11, 0).map((v) => ({ ...v, participant: `f${v.participant}` }));
  const conversation = { statements: [], votes: [...many, ...few] };

  it('clusters every voter, where the default keeps those with fewer than 7 votes out', () => {
    const today = mapConversation(conversation);
    const old = mapConversation(conversation, { variant: 'polis-2017' });
    const voters = new Set(conversation.votes.map((v) => v.participant)).size;
    expect(Object.keys(old.groupOf).length).toBe(voters);
    expect(Object.keys(today.groupOf).length).toBe(30);
    expect(old.statements[0]?.center).toBeCloseTo(
      zeroImputedMeans(buildVoteMatrix(conversation.votes))[0]!,
      12,
    );
  });

  it('uses 50 base clusters; explicit options override the variant', () => {
    const big = { statements: [], votes: votes(120, 30, 3) };
    expect(mapConversation(big, { variant: 'polis-2017' }).baseClusters.length).toBe(50);
    expect(mapConversation(big).baseClusters.length).toBe(100);
    const over = mapConversation(conversation, { variant: 'polis-2017', minVotes: 7, baseK: 20 });
    expect(Object.keys(over.groupOf).length).toBe(30);
    expect(over.baseClusters.length).toBe(20);
  });

  it('refuses an unknown variant, naming the known ones', () => {
    expect(() => mapConversation(conversation, { variant: 'polis-2014' as never })).toThrow(
      'unknown opinion variant "polis-2014" (known: polis, polis-2017)',
    );
  });
});

describe('detectOpinionVariant', () => {
  const vs = [
    ...votes(20, 9, 7, 0),
    ...votes(3, 2, 5, 0).map((v) => ({ ...v, participant: `f${v.participant}` })),
  ];
  const ids = [...new Set(vs.map((v) => v.participant))];
  const conv = (groups?: Map<string, number>): ImportedConversation => ({
    format: 'openData',
    statements: [],
    votes: vs,
    polisGroups: groups,
  });

  it("names 'polis-2017' when every voter has a group although some have fewer than 7 votes", () => {
    const d = detectOpinionVariant(conv(new Map(ids.map((id, i) => [id, i % 2]))));
    expect(d.variant).toBe('polis-2017');
    expect(d.reason).toMatch(/every voter has a Pol\.is group, including 3 with fewer than 7 votes/);
  });

  it("names 'polis' when voters with few votes have no group, or without groups", () => {
    const grouped = new Map(ids.filter((id) => !id.startsWith('f')).map((id, i) => [id, i % 2]));
    expect(detectOpinionVariant(conv(grouped)).variant).toBe('polis');
    expect(detectOpinionVariant(conv(grouped)).reason).toMatch(/3 voters have no Pol\.is group/);
    expect(detectOpinionVariant(conv()).variant).toBe('polis');
  });
});
