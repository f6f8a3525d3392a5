import { describe, expect, it } from 'vitest';
import { largestRemainder, SeedStream, sortition } from '../src/sortition';

// Known-answer vector, computed independently with Python's hashlib from the documented procedure
// (docs/methods/decision.md, "Sortition"), not with this code.
const seed = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
const pool = Array.from({ length: 20 }, (_, i) => ({ id: `m${String(i + 1).padStart(2, '0')}` }));

describe('sortition: known-answer vector', () => {
  it('the stream starts with the documented words', () => {
    const s = new SeedStream(seed);
    expect([s.nextWord(), s.nextWord(), s.nextWord()]).toEqual([4275719189, 1383916164, 570021646]);
  });

  it('given 20 members and a Merkle root as seed, when 5 are drawn with 2 alternates, then the known people', () => {
    const r = sortition({ candidates: pool, seed, seats: 5, alternates: 2 });
    expect(r.selected).toEqual(['m10', 'm18', 'm07', 'm14', 'm06']);
    expect(r.alternates).toEqual(['m19', 'm20']);
  });

  it('given the same pool in another order, then the same people (the list is sorted first)', () => {
    const r = sortition({ candidates: [...pool].reverse(), seed, seats: 5 });
    expect(r.selected).toEqual(['m10', 'm18', 'm07', 'm14', 'm06']);
  });

  it('given classes, when stratified proportionally, then largest remainder quotas and a draw per class', () => {
    const candidates = [
      ...Array.from({ length: 4 }, (_, i) => ({ id: `f${i + 1}`, class: 'funders' })),
      ...Array.from({ length: 10 }, (_, i) => ({ id: `u${i + 1}`, class: 'users' })),
      ...Array.from({ length: 6 }, (_, i) => ({ id: `w${i + 1}`, class: 'workers' })),
    ];
    const r = sortition({ candidates, seed, seats: 5, strata: { mode: 'proportional' } });
    // 5 × 4/20 = 1, 5 × 10/20 = 2.5, 5 × 6/20 = 1.5: the tied remainder goes to the larger class (users).
    expect(r.strata.map((s) => [s.class, s.seats])).toEqual([
      ['funders', 1],
      ['users', 3],
      ['workers', 1],
    ]);
    expect(r.selected).toEqual(['f1', 'u2', 'u1', 'u7', 'w1']);
    expect(r.explanation.map((s) => s.code)).toEqual(['procedure', 'quotas', 'drawn', 'drawn', 'drawn']);
  });
});

describe('sortition: rules', () => {
  it('given another seed, then (almost surely) other people', () => {
    const a = sortition({ candidates: pool, seed, seats: 5 }).selected;
    const b = sortition({ candidates: pool, seed: seed.replace(/^9/, '8'), seats: 5 }).selected;
    expect(a).not.toEqual(b);
  });

  it('draws without modulo bias: rejection sampling discards words at or above the largest multiple', () => {
    // With n = 3·2^30, the limit is 3·2^30 and about a quarter of the words must be discarded.
    const s = new SeedStream('bias');
    const n = 3 * 2 ** 30;
    for (let i = 0; i < 200; i++) expect(s.below(n)).toBeLessThan(n);
    expect(s.consumed).toBeGreaterThan(200);
  });

  it('is uniform enough: the one seat goes to each of 4 people about equally often over 4,000 seeds', () => {
    const counts = new Map<string, number>();
    for (let k = 0; k < 4000; k++) {
      const first = sortition({
        candidates: [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }],
        seed: `s${k}`,
        seats: 1,
      }).selected[0]!;
      counts.set(first, (counts.get(first) ?? 0) + 1);
    }
    for (const id of ['a', 'b', 'c', 'd']) expect(Math.abs(counts.get(id)! - 1000)).toBeLessThan(150);
  });

  it('explicit quotas must fit the classes', () => {
    expect(() =>
      sortition({
        candidates: [{ id: 'a', class: 'x' }],
        seed,
        strata: { mode: 'quotas', quotas: { x: 2 } },
      }),
    ).toThrow(/only 1 candidates/);
    const r = sortition({
      candidates: [
        { id: 'a', class: 'x' },
        { id: 'b', class: 'y' },
      ],
      seed,
      strata: { mode: 'quotas', quotas: { x: 1, y: 0 } },
    });
    expect(r.selected).toEqual(['a']);
  });

  it('refuses duplicates, a missing seed and too many seats', () => {
    expect(() => sortition({ candidates: [{ id: 'a' }, { id: 'a' }], seed, seats: 1 })).toThrow(/twice/);
    expect(() => sortition({ candidates: pool, seed: '', seats: 1 })).toThrow(/seed/);
    expect(() => sortition({ candidates: pool, seed, seats: 21 })).toThrow(/only 20/);
  });

  it('largest remainder splits exactly (Hamilton), ties to the larger class then by name', () => {
    expect(largestRemainder(10, { a: 1, b: 1, c: 1 })).toEqual({ a: 4, b: 3, c: 3 });
    expect(largestRemainder(7, { a: 50, b: 30, c: 20 })).toEqual({ a: 4, b: 2, c: 1 });
    expect(largestRemainder(3, { a: 0, b: 1 })).toEqual({ a: 0, b: 3 });
  });
});
