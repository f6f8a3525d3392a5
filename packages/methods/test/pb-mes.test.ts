import { describe, expect, it } from 'vitest';
import {
  buildProfile,
  equalShares,
  makeTieBreaker,
  MesEngine,
  mesReferenceRun,
  parsePb,
  rat,
  readPbFile,
  totalCost,
  toNumber,
  type PbProfile,
  type MesUtility,
  type TieBreakCriterion,
} from '@peergov/methods/pb';
import { fixture } from './fixtures';

const cities = [
  { file: 'Netherlands_Assen_2024.pb', endowment: 2033n, count: 9, cost: 76700 },
  { file: 'Poland_Swiecie_2023.pb', endowment: 662n, count: 17, cost: 1040337 },
  { file: 'Poland_Wieliczka_2023_Green_Budget.pb', endowment: 315n, count: 30, cost: 995079 },
];

const load = (file: string) => {
  const instance = readPbFile(fixture('pabulib', 'mes', file));
  const official = instance.projects.filter((p) => p.fields.selected === '1').map((p) => p.id);
  return { instance, profile: buildProfile(instance), official };
};

const sorted = (xs: readonly string[]) => [...xs].sort();

describe('MES with Add1 reproduces the three official MES elections exactly', () => {
  for (const city of cities) {
    for (const arithmetic of ['fast', 'exact'] as const) {
      it(`${city.file} (${arithmetic})`, () => {
        const { profile, official } = load(city.file);
        const o = equalShares(profile, { arithmetic });
        expect(sorted(o.selected)).toEqual(sorted(official));
        expect(o.endowment).toEqual(rat(city.endowment));
        expect(o.selected).toHaveLength(city.count);
        expect(toNumber(o.cost)).toBe(city.cost);
        // explanations: one round per funded project, effective votes never increase, unfunded ones lacked money
        expect(o.rounds.map((r) => r.project)).toEqual(o.selected);
        for (let k = 1; k < o.rounds.length; k++)
          expect(o.rounds[k]!.effectiveVotes).toBeLessThanOrEqual(o.rounds[k - 1]!.effectiveVotes + 1e-9);
        for (const u of o.unfunded) if (!u.note) expect(Number(u.lacked)).toBeGreaterThan(0);
      });
    }
  }

  it('Wieliczka with the comparison step keeps the MES result (as the city did)', () => {
    const { profile, official } = load('Poland_Wieliczka_2023_Green_Budget.pb');
    const o = equalShares(profile, { comparison: 'satisfaction' });
    expect(o.comparison?.used).toBe('mes');
    expect(o.comparison!.prefersMes).toBeGreaterThan(o.comparison!.prefersGreedy);
    expect(sorted(o.selected)).toEqual(sorted(official));
  });

  it('negative check: stopping Add1 at the first exhaustive outcome gives the wrong Wieliczka result', () => {
    const { profile, official } = load('Poland_Wieliczka_2023_Green_Budget.pb');
    const engine = new MesEngine(profile, 'cost', makeTieBreaker(profile, ['cost', 'votes']));
    const B = toNumber(profile.budget);
    let e = BigInt(Math.floor(B / profile.voters));
    let winners: number[];
    for (;;) {
      winners = engine.run(rat(e)).winners;
      const cost = toNumber(totalCost(profile, winners));
      const exhaustive = profile.projectIds.every(
        (_, c) => winners.includes(c) || cost + toNumber(profile.costs[c]!) > B,
      );
      if (exhaustive) break;
      e++;
    }
    const ids = winners.map((c) => profile.projectIds[c]!);
    expect(e).toBe(302n);
    expect(ids).toHaveLength(31);
    expect(toNumber(totalCost(profile, winners))).toBe(984579);
    const diff = [...ids.filter((p) => !official.includes(p)), ...official.filter((p) => !ids.includes(p))];
    expect(sorted(diff)).toEqual(['46', '66', '67']);
    // and the real implementation does not stop there
    expect(sorted(equalShares(profile).selected)).not.toEqual(sorted(ids));
  });

  it('add1-greedy tops up within the budget and keeps every MES project', () => {
    const { profile } = load('Poland_Swiecie_2023.pb');
    const plain = equalShares(profile);
    const topped = equalShares(profile, { completion: 'add1-greedy' });
    expect(topped.selected.slice(0, plain.selected.length)).toEqual(plain.selected);
    expect(topped.selected).toEqual([...plain.selected, ...topped.toppedUp]);
    expect(toNumber(topped.cost)).toBeLessThanOrEqual(toNumber(profile.budget));
    const left = toNumber(profile.budget) - toNumber(topped.cost);
    for (const u of topped.unfunded) expect(Number(u.cost)).toBeGreaterThan(left);
  });
});

/** Runs the fast engine, the exact engine and the plain reference at one endowment; all three must agree. */
function agreeAt(profile: PbProfile, e: bigint, utility: MesUtility, chain: TieBreakCriterion[], seed = '') {
  const tie = makeTieBreaker(profile, chain, seed);
  const engine = new MesEngine(profile, utility, tie);
  const fast = engine.run(rat(e), 'fast').winners;
  const exact = engine.run(rat(e), 'exact').winners;
  const reference = mesReferenceRun(profile, rat(e), utility, tie).map((r) => r.project);
  return { fast, exact, reference };
}

describe('the fast path decides exactly like exact arithmetic', () => {
  for (const city of cities) {
    it(`${city.file}: fast = exact = reference at the Add1 endowments`, () => {
      const { profile } = load(city.file);
      const start = BigInt(Math.floor(toNumber(profile.budget) / profile.voters));
      // every endowment Add1 visits for Assen; sampled for the larger two, whose reference runs are slower
      const step = city.file.startsWith('Poland_Wieliczka')
        ? 9n
        : city.file.startsWith('Poland_Swiecie')
          ? 4n
          : 1n;
      for (let e = start; e <= city.endowment + 1n; e += step) {
        const { fast, exact, reference } = agreeAt(profile, e, 'cost', ['cost', 'votes']);
        expect(fast, `endowment ${e}`).toEqual(exact);
        expect(reference, `endowment ${e}`).toEqual(exact);
      }
    });
  }

  it('Łódź 2022 (90,494 voters): fast = exact at the final Add1 endowment and the next one', () => {
    const profile = buildProfile(readPbFile(fixture('pabulib', 'benchmark', 'Poland_Lodz_2022.pb')));
    const engine = new MesEngine(profile, 'cost', makeTieBreaker(profile, ['cost', 'votes', 'lot']));
    for (const e of [126n, 127n]) {
      expect(engine.run(rat(e), 'fast').winners).toEqual(engine.run(rat(e), 'exact').winners);
    }
    const o = equalShares(profile);
    expect(o.endowment).toEqual(rat(126n));
    expect(o.selected).toHaveLength(44);
  });

  // Small random elections with few distinct costs and tiny electorates are full of exact ties and of budgets
  // exactly equal to the equal share: the cases a float implementation gets wrong.
  it('random tie-heavy elections: fast = exact = reference (cost and approval utilities, several chains)', () => {
    let seed = 12345;
    const rnd = (k: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return (seed >>> 8) % k;
    };
    let exactDecisions = 0;
    for (let trial = 0; trial < 250; trial++) {
      const m = 2 + rnd(7);
      const costs = Array.from({ length: m }, () => [6, 10, 12, 20, 30, 60][rnd(6)]!);
      const voters = 1 + rnd(30);
      const lines = ['META', 'key;value', 'budget;100', 'vote_type;approval', 'PROJECTS', 'project_id;cost'];
      costs.forEach((c, k) => lines.push(`p${k};${c}`));
      lines.push('VOTES', 'voter_id;vote');
      for (let v = 0; v < voters; v++) {
        const ballot = Array.from({ length: m }, (_, k) => k).filter(() => rnd(3) === 0);
        lines.push(`${v};${ballot.map((k) => `p${k}`).join(',')}`);
      }
      const profile = buildProfile(parsePb(lines.join('\n'), `trial-${trial}`));
      const utility: MesUtility = trial % 3 === 0 ? 'approval' : 'cost';
      const chain: TieBreakCriterion[][] = [['cost', 'votes'], ['votes', 'lot'], ['lot'], []];
      for (const e of [1n, 2n, 3n, 5n, 10n, 20n]) {
        const r = agreeAt(profile, e, utility, chain[trial % 4]!, `s${trial}`);
        expect(r.fast, `trial ${trial} e ${e}`).toEqual(r.reference);
        expect(r.exact, `trial ${trial} e ${e}`).toEqual(r.reference);
      }
      const engine = new MesEngine(profile, utility, makeTieBreaker(profile, ['cost']));
      exactDecisions += engine.run(rat(10n)).rounds.filter((r) => r.decidedBy !== 'bounds').length;
    }
    // the trials must actually exercise the exact fallback
    expect(exactDecisions).toBeGreaterThan(50);
  });

  it('a non-integral endowment (completion none: B/n) agrees with the reference', () => {
    const { profile } = load('Netherlands_Assen_2024.pb');
    const tie = makeTieBreaker(profile, ['cost', 'votes']);
    const e = { num: toNumber(profile.budget) > 0 ? 100000n : 0n, den: 84n };
    const o = equalShares(profile, { completion: 'none' });
    const ref = mesReferenceRun(profile, rat(e.num, e.den), 'cost', tie).map(
      (r) => profile.projectIds[r.project]!,
    );
    expect(o.selected).toEqual(ref);
    expect(o.endowment).toEqual(rat(100000n, 84n));
  });
});

describe('tie-breaking chain', () => {
  const text = (costs: number[], ballots: string[]) =>
    [
      'META',
      'key;value',
      'budget;60',
      'PROJECTS',
      'project_id;cost',
      ...costs.map((c, k) => `p${k};${c}`),
      'VOTES',
      'voter_id;vote',
      ...ballots.map((b, k) => `${k};${b}`),
    ].join('\n');

  it('equal effective votes go to the lower cost, then to more votes, then to the seeded lot', () => {
    // p0 and p1: same supporters, same ρ/cost; p1 is cheaper
    const a = buildProfile(parsePb(text([20, 10], ['p0,p1', 'p0,p1']), 'a'));
    const oa = equalShares(a, { completion: 'none' });
    expect(oa.rounds[0]!.project).toBe('p1');
    expect(oa.rounds[0]!.decidedBy).toBe('tie-break');
    // with only a lot, the seed decides, reproducibly
    const lot = (seed: string) =>
      equalShares(a, { completion: 'none', tieBreak: ['lot'], seed }).rounds[0]!.project;
    const seeds = ['1', '2', '3', '4', '5', '6', '7', '8'].map(lot);
    expect(new Set(seeds).size).toBe(2);
    expect(seeds).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'].map(lot));
  });
});
