import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { schulze, type SchulzeVariant } from '@peergov/methods/ranked';
import { fixture } from './fixtures';

interface Example {
  id: string;
  candidates: string[];
  ballots: { ranking: string[][]; count: number }[];
  expected: {
    variant: SchulzeVariant;
    winners?: string[];
    ranking?: string[][];
    strongestPaths?: Record<string, Record<string, number | string>>;
  }[];
}

const examples: Example[] = JSON.parse(
  readFileSync(fixture('schulze', 'schulze-examples.json'), 'utf8'),
).examples;

const asSets = (ranking: string[][]) => ranking.map((group) => [...group].sort());
const rational = (v: number | string): [bigint, bigint] => {
  const [n = '', d = '1'] = String(v).split('/');
  return [BigInt(n), BigInt(d)];
};
const sameRational = (a: number | string | undefined, b: number | string) => {
  if (a === undefined) return false;
  const [an, ad] = rational(a);
  const [bn, bd] = rational(b);
  return an * bd === bn * ad;
};

describe("Schulze: Markus Schulze's examples (Condorcet PHP transcription)", () => {
  it('has all 20 elections', () => expect(examples).toHaveLength(20));
  for (const example of examples) {
    for (const expected of example.expected) {
      it(`${example.id} (${expected.variant})`, () => {
        const result = schulze(
          { candidates: example.candidates, ballots: example.ballots },
          expected.variant,
        );
        if (expected.winners) expect([...result.winners].sort()).toEqual([...expected.winners].sort());
        if (expected.ranking) expect(asSets(result.ranking)).toEqual(asSets(expected.ranking));
        if (expected.strongestPaths) {
          for (const [x, row] of Object.entries(expected.strongestPaths)) {
            for (const [y, value] of Object.entries(row)) {
              const ours = result.strongestPaths[x]?.[y];
              expect(sameRational(ours, value), `p[${x}][${y}] = ${ours}, expected ${value}`).toBe(true);
            }
          }
        }
      });
    }
  }
  it('example 10 gives a different winner per variant (margin A, ratio B, winning D)', () => {
    const ex = examples.find((e) => e.id === 'schulze-official-example-10')!;
    const election = { candidates: ex.candidates, ballots: ex.ballots };
    expect(schulze(election, 'margin').winners).toEqual(['A']);
    expect(schulze(election, 'ratio').winners).toEqual(['B']);
    expect(schulze(election, 'winning').winners).toEqual(['D']);
  });
  it('rejects unknown and repeated candidates', () => {
    expect(() => schulze({ candidates: ['A', 'B'], ballots: [{ ranking: [['A'], ['Z']] }] })).toThrow(
      /unknown candidate "Z"/,
    );
    expect(() => schulze({ candidates: ['A', 'B'], ballots: [{ ranking: [['A'], ['A']] }] })).toThrow(
      /ranked twice/,
    );
  });
  it('explains the pairwise contests and the ranking', () => {
    const r = schulze({
      candidates: ['A', 'B', 'C'],
      ballots: [
        { ranking: [['A'], ['B']], count: 3 },
        { ranking: [['C']], count: 2 },
      ],
    });
    expect(r.ranking).toEqual([['A'], ['B'], ['C']]);
    expect(r.explanation.join('\n')).toMatch(/A beats B 3 to 0/);
  });
});

describe('pairwise matrix', () => {
  it('equals the naive count on random truncated ballots with ties', async () => {
    const { packRankedBallots, pairwiseMatrix } = await import('@peergov/methods/ranked');
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const names = ['A', 'B', 'C', 'D', 'E', 'F'];
    const ballots = Array.from({ length: 300 }, () => {
      const order = [...names].sort(() => random() - 0.5).slice(0, Math.floor(random() * 7));
      const ranking: string[][] = [];
      for (const name of order) {
        const last = ranking.at(-1);
        if (last && random() < 0.3) last.push(name);
        else ranking.push([name]);
      }
      return { ranking, count: 1 + Math.floor(random() * 3) };
    });
    const d = pairwiseMatrix(packRankedBallots({ candidates: names, ballots }));
    const level = (ranking: string[][], name: string) => {
      const g = ranking.findIndex((group) => group.includes(name));
      return g < 0 ? Infinity : g;
    };
    names.forEach((x, i) =>
      names.forEach((y, j) => {
        if (i === j) return;
        const naive = ballots.reduce(
          (sum, b) => sum + (level(b.ranking, x) < level(b.ranking, y) ? b.count : 0),
          0,
        );
        expect(d[i * names.length + j], `${x}>${y}`).toBe(naive);
      }),
    );
  });
});
