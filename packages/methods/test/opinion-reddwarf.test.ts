// Conformance against Pol.is's own production math output, as carried by the red-dwarf fixtures
// (../shared/fixtures/polis/red-dwarf, README section "polis/red-dwarf"). Compared as red-dwarf's own tests do.
import { describe, expect, it } from 'vitest';
import {
  adjustedRandIndexOf,
  mapConversation,
  readConversationDir,
  replayConversation,
  type ImportedConversation,
  type OpinionMap,
  type PolisMath,
} from '../src/opinion/index';
import { fixture } from './fixtures';

const load = (name: string) => readConversationDir(fixture('polis', 'red-dwarf', name));

// Pol.is keeps these below-100-ptpts participants in clustering with fewer votes than in-conv needs (its history
// put them in; once in, always in). red-dwarf hard-codes them; the replay test below derives them.
const keep = (name: string) => (name === 'below-100-ptpts' ? ['5', '10', '11', '14'] : []);

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < b.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!)); // lengths checked equal
  return d;
};

// Our sign for each component relative to Pol.is's (PCA components are defined up to sign).
const signs = (ours: OpinionMap, math: PolisMath) =>
  ([0, 1] as const).map((i) => {
    let d = 0;
    const theirs = math.pca.comps[i]!;
    ours.pca.comps[i].forEach((v, j) => (d += v * theirs[j]!));
    return d < 0 ? -1 : 1;
  });

// Pol.is's fixture votes were sign-flipped to 1 = agree, so its centre and projections have the opposite sign of
// ours (its components are the same, since X^T X does not change); red-dwarf flips the same keys.
function checkPca(c: ImportedConversation, ours: OpinionMap, tol: number) {
  const math = c.math!;
  expect(ours.statements.map((s) => s.id)).toEqual(math.tids.map(String));
  const sg = signs(ours, math);
  for (const i of [0, 1] as const)
    expect(
      maxAbsDiff(
        ours.pca.comps[i].map((v) => v * sg[i]!),
        math.pca.comps[i]!,
      ),
    ).toBeLessThan(tol);
  expect(
    maxAbsDiff(
      ours.pca.center,
      math.pca.center.map((v) => -v),
    ),
  ).toBeLessThan(1e-12);
  const proj = [ours.statements.map((s) => s.x), ours.statements.map((s) => s.y)] as const;
  for (const i of [0, 1] as const)
    expect(
      maxAbsDiff(
        proj[i].map((v) => -v * sg[i]!),
        math.pca['comment-projection'][i]!,
      ),
    ).toBeLessThan(tol * 100);
  expect(
    maxAbsDiff(
      ours.statements.map((s) => s.extremity),
      math.pca['comment-extremity'],
    ),
  ).toBeLessThan(tol * 100);
}

const close = (a: number, b: number, rel = 1e-9) => Math.abs(a - b) <= rel * Math.max(1, Math.abs(b));

function repnessAsPolis(ours: OpinionMap) {
  const out: Record<string, Record<string, unknown>[]> = {};
  ours.repness.forEach((list, gi) => {
    out[String(ours.groups[gi]!.id)] = list.map((r) => ({
      tid: Number(r.tid),
      'n-success': r.nSuccess,
      'n-trials': r.nTrials,
      'p-success': r.pSuccess,
      'p-test': r.pTest,
      repness: r.repness,
      'repness-test': r.repnessTest,
      'repful-for': r.repfulFor,
      ...(r.bestAgree ? { 'best-agree': true, 'n-agree': r.nAgree } : {}),
    }));
  });
  return out;
}

// Exact fields equal, floating fields to 1e-9 relative (Pol.is computes pa, ra with exact rationals).
function expectStatsEqual(
  ours: Record<string, unknown>[] | undefined,
  theirs: Record<string, unknown>[] | undefined,
) {
  expect(ours?.map((r) => r.tid)).toEqual(theirs?.map((r) => r.tid));
  ours?.forEach((r, i) => {
    const t = theirs![i]!; // same tids, so same length
    expect(Object.keys(r).sort()).toEqual(Object.keys(t).sort());
    for (const [k, v] of Object.entries(t)) {
      // Pol.is stores repness-test as a single-precision float, printed to 7 digits.
      const rel = k === 'repness-test' ? 1e-6 : 1e-9;
      if (typeof v === 'number' && !Number.isInteger(v))
        expect(close(r[k] as number, v, rel), `${k} of tid ${t.tid}`).toBe(true);
      else expect(r[k], `${k} of tid ${t.tid}`).toEqual(v);
    }
  });
}

function expectConsensusEqual(ours: OpinionMap, math: PolisMath) {
  for (const dir of ['agree', 'disagree'] as const)
    expectStatsEqual(
      ours.consensus[dir].map((c) => ({
        tid: Number(c.tid),
        'n-success': c.nSuccess,
        'n-trials': c.nTrials,
        'p-success': c.pSuccess,
        'p-test': c.pTest,
      })),
      math.consensus[dir],
    );
}

describe('Pol.is production math, conversations under 100 participants (exact)', () => {
  for (const name of ['below-100-ptpts', '25ptpt-3gp-no-strict-with-meta']) {
    describe(name, () => {
      const c = load(name);
      const math = c.math!;
      // As red-dwarf's tests: K forced to Pol.is's group count, k-means started from Pol.is's group centres
      // (sign-flipped like the projections). Pol.is's k-smoothing depends on history we do not have.
      const ours = mapConversation(c, {
        keepParticipants: keep(name),
        forceGroupCount: math['group-clusters'].length,
        initialGroupCenters: math['group-clusters'].map(
          (g) => [-g.center[0], -g.center[1]] as [number, number],
        ),
      });

      it('PCA components, centre, statement projections and extremity match', () => checkPca(c, ours, 1e-5));

      it('participant projections match Pol.is base clusters (one participant each)', () => {
        const bc = math['base-clusters'];
        const sg = signs(ours, math);
        const byId = new Map(ours.participants.map((p) => [p.id, p]));
        expect(ours.participants.filter((p) => p.inConv).length).toBe(bc.id.length);
        bc.members.forEach((members, i) => {
          expect(members).toHaveLength(1);
          const p = byId.get(String(members[0]))!;
          expect(p.inConv).toBe(true);
          expect(Math.abs(-p.x * sg[0]! - bc.x[i]!)).toBeLessThan(1e-4);
          expect(Math.abs(-p.y * sg[1]! - bc.y[i]!)).toBeLessThan(1e-4);
        });
      });

      it('group labels are equal', () => {
        const theirs = c.polisGroups!;
        const labels = Object.fromEntries(
          Object.entries(ours.groupOf).map(([p, gi]) => [p, ours.groups[gi]!.id]),
        );
        expect(Object.keys(labels).sort()).toEqual([...theirs.keys()].sort());
        for (const [p, g] of theirs) expect(labels[p], `participant ${p}`).toBe(g);
      });

      it('representative statements are equal', () => {
        const r = repnessAsPolis(ours);
        expect(Object.keys(r).sort()).toEqual(Object.keys(math.repness).sort());
        for (const g of Object.keys(math.repness)) expectStatsEqual(r[g], math.repness[g]);
      });

      it('consensus statements are equal', () => expectConsensusEqual(ours, math));

      it('group-aware consensus is equal', () => {
        const gac = math['group-aware-consensus'];
        expect(ours.statements.map((s) => s.id).sort()).toEqual(Object.keys(gac).sort());
        for (const s of ours.statements) expect(close(s.groupAwareConsensus, gac[s.id]!, 1e-12)).toBe(true);
      });

      it('comment priorities are equal up to PCA convergence (Pol.is stops after 100 power iterations)', () => {
        const pr = math['comment-priorities'];
        for (const s of ours.statements) expect(close(s.priority, pr[s.id]!, 1e-4), `tid ${s.id}`).toBe(true);
      });
    });
  }
});

describe('Pol.is production math, conversations over 100 participants (base clusters)', () => {
  for (const name of ['150ptpt-3gp-no-strict-no-meta', 'above-100-ptpts']) {
    describe(name, () => {
      const c = load(name);
      const math = c.math!;
      const free = mapConversation(c);
      const forced = mapConversation(c, {
        forceGroupCount: math['group-clusters'].length,
        initialGroupCenters: math['group-clusters'].map(
          (g) => [-g.center[0], -g.center[1]] as [number, number],
        ),
      });

      it('PCA matches within tolerance after sign alignment', () => checkPca(c, free, 1e-5));

      it('the silhouette choice gives Pol.is group count, 100 base clusters', () => {
        expect(free.k).toBe(math['group-clusters'].length);
        expect(free.baseClusters).toHaveLength(100);
      });

      it('consensus statements are equal (they do not depend on clustering)', () =>
        expectConsensusEqual(free, math));

      it('partition agreement (ARI) with Pol.is groups', () => {
        const a = adjustedRandIndexOf(forced.groupOf, c.polisGroups!);
        // Measured: 1.00 (150ptpt) and 0.81 (above-100) from Pol.is's centres; our base clusters differ from
        // Pol.is's, which were built incrementally over the conversation's history.
        expect(a.ari).toBeGreaterThan(name === 'above-100-ptpts' ? 0.8 : 0.99);
      });
    });
  }

  it('150ptpt: with Pol.is centres and its in-conv set, representative statements equal Pol.is', () => {
    const c = load('150ptpt-3gp-no-strict-no-meta');
    const math = c.math!;
    // Pol.is's in-conv (which the replay test below reproduces) has 4 participants more than the one-shot rule.
    const ours = mapConversation(c, {
      keepParticipants: math['in-conv'].map(String),
      forceGroupCount: math['group-clusters'].length,
      initialGroupCenters: math['group-clusters'].map(
        (g) => [-g.center[0], -g.center[1]] as [number, number],
      ),
    });
    const r = repnessAsPolis(ours);
    for (const g of Object.keys(math.repness)) expectStatsEqual(r[g], math.repness[g]);
  });
});

describe('in-conv: replaying the history reproduces who Pol.is keeps in the map', () => {
  // Pol.is adds a participant once they have min(7, n_cmts) votes, or as one of the 15 most active while fewer
  // than 15 are in; once in, always in. Replaying the votes in time order reproduces its in-conv set exactly,
  // including below-100-ptpts' participants 5, 10, 11 and 14 that red-dwarf hard-codes.
  for (const name of ['below-100-ptpts', '25ptpt-3gp-no-strict-with-meta', '150ptpt-3gp-no-strict-no-meta']) {
    it(name, () => {
      const c = load(name);
      // below-100-ptpts needs a recomputation after every vote (its greedy top-15 happened early); the others
      // are reproduced with Pol.is-like batches (recompute on 5% growth).
      const r = replayConversation(c, name === 'below-100-ptpts' ? { growth: 0, minStep: 1 } : {});
      const ours = r.participants.filter((p) => p.inConv).map((p) => Number(p.id));
      expect(ours.sort((a, b) => a - b)).toEqual([...c.math!['in-conv']].sort((a, b) => a - b));
    });
  }
});

describe('50ptpt-3gp-strict-no-meta (known data-integrity problem)', () => {
  // The vote export lacks votes that Pol.is counted (`user-vote-counts`), so PCA and groups cannot match; only
  // what survives the missing votes is compared.
  it('consensus statements are equal', () => {
    const c = load('50ptpt-3gp-strict-no-meta');
    expectConsensusEqual(mapConversation(c), c.math!);
  });
  it('the export really lacks votes Pol.is counted', () => {
    const c = load('50ptpt-3gp-strict-no-meta');
    const m = mapConversation(c);
    const counted = c.math!['user-vote-counts'] as Record<string, number>;
    const ours = new Map(m.participants.map((p) => [p.id, p.votes]));
    // Participant 50: 4 votes counted by Pol.is, none exported.
    const short = Object.entries(counted).filter(([p, n]) => (ours.get(p) ?? 0) < n);
    expect(short).toEqual([['50', 4]]);
  });
});
