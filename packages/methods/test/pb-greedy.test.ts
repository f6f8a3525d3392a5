import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProfile, greedy, parsePb, readPbFile, toNumber } from '@peergov/methods/pb';
import { fixture } from './fixtures';

const official = (file: string) => {
  const instance = readPbFile(file);
  return {
    instance,
    profile: buildProfile(instance),
    selected: instance.projects
      .filter((p) => p.fields.selected === '1')
      .map((p) => p.id)
      .sort(),
  };
};

for (const [folder, variant] of [
  ['greedy', 'skip'],
  ['greedy-no-skip', 'no-skip'],
] as const) {
  describe(`${folder}: every file reproduces its official selected set`, () => {
    const files = readdirSync(fixture('pabulib', folder)).filter((f) => f.endsWith('.pb'));
    it('has the 20 fixture files', () => expect(files).toHaveLength(20));
    for (const file of files) {
      it(file, () => {
        const { instance, profile, selected } = official(fixture('pabulib', folder, file));
        // the votes column equals the approvals counted from VOTES
        instance.projects.forEach((p, k) => expect(Number(p.fields.votes)).toBe(profile.approvals[k]));
        const o = greedy(profile, { variant });
        expect([...o.selected].sort()).toEqual(selected);
        expect(toNumber(o.cost)).toBeLessThanOrEqual(toNumber(profile.budget));
        expect(o.rule).toBe(folder);
      });
    }
  });
}

describe('Łódź 2022 as a greedy check', () => {
  it('greedy with and without the 100-approval threshold reproduces the 16 official projects', () => {
    const { instance, profile, selected } = official(fixture('pabulib', 'benchmark', 'Poland_Lodz_2022.pb'));
    expect(instance.meta.min_project_score_threshold).toBe('100');
    expect(selected).toHaveLength(16);
    expect([...greedy(profile).selected].sort()).toEqual(selected);
    expect([...greedy(profile, { threshold: 100 }).selected].sort()).toEqual(selected);
  });
});

describe('greedy variants, thresholds and explanations', () => {
  const profile = buildProfile(
    parsePb(
      [
        'META',
        'key;value',
        'budget;100',
        'PROJECTS',
        'project_id;cost',
        'a;60',
        'b;50',
        'c;30',
        'd;10',
        'VOTES',
        'voter_id;vote',
        '1;a,b,c,d',
        '2;a,b,c',
        '3;a,b',
        '4;a',
      ].join('\n'),
      'small.pb',
    ),
  );

  it('skip passes over b (does not fit) and funds c; no-skip stops at b', () => {
    expect(greedy(profile).selected).toEqual(['a', 'c', 'd']);
    expect(greedy(profile, { variant: 'no-skip' }).selected).toEqual(['a']);
    const steps = greedy(profile, { variant: 'no-skip' }).steps.map((s) => [s.project, s.decision]);
    expect(steps).toEqual([
      ['a', 'funded'],
      ['b', 'does-not-fit'],
      ['c', 'not-reached'],
      ['d', 'not-reached'],
    ]);
  });

  it('a threshold makes low-support projects ineligible', () => {
    const o = greedy(profile, { threshold: 2 });
    expect(o.selected).toEqual(['a', 'c']);
    expect(o.steps.find((s) => s.project === 'd')?.decision).toBe('below-threshold');
  });

  it('equal votes go to the lower cost, then the seeded lot', () => {
    const tie = buildProfile(
      parsePb(
        'META\nkey;value\nbudget;40\nPROJECTS\nproject_id;cost\nx;30\ny;20\nz;20\nVOTES\nvoter_id;vote\n1;x,y,z\n',
        't.pb',
      ),
    );
    expect(greedy(tie, { tieBreak: ['cost', 'lot'], seed: 'a' }).selected[0]).not.toBe('x');
    const firsts = new Set(
      ['1', '2', '3', '4', '5', '6'].map((s) => greedy(tie, { tieBreak: ['lot'], seed: s }).selected[0]),
    );
    expect(firsts.size).toBeGreaterThan(1);
  });

  it('cumulative ballots are scored by points', () => {
    const cum = buildProfile(
      parsePb(
        'META\nkey;value\nbudget;50\nvote_type;cumulative\nPROJECTS\nproject_id;cost\nx;50\ny;50\nVOTES\nvoter_id;vote;points\n1;x,y;1,4\n2;x;2\n',
        'c.pb',
      ),
    );
    expect(Array.from(cum.scores)).toEqual([3, 4]);
    expect(greedy(cum).selected).toEqual(['y']);
  });
});
