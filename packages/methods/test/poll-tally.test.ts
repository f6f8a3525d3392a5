// The poll tally (decision/poll.ts) over the methods' own counts, cumulative voting, and candidate names that are
// also names of Object.prototype's members.
import { describe, expect, it } from 'vitest';
import { cumulative, DecisionInputError, tallyPoll } from '@peergov/methods/decision';
import { schulze, tabulateRctab, defaultRctabRules } from '@peergov/methods/ranked';

describe('cumulative (dot) voting', () => {
  it('sums the points and refuses a ballot over its budget', () => {
    const r = cumulative(['a', 'b'], [{ points: { a: 3, b: 2 } }, { points: { b: 5 } }], { budget: 5 });
    expect(r.winners).toEqual(['b']);
    expect(r.ranking).toEqual([
      { candidate: 'b', total: '7' },
      { candidate: 'a', total: '3' },
    ]);
    expect(() => cumulative(['a', 'b'], [{ points: { a: 4, b: 2 } }], { budget: 5 })).toThrow(
      DecisionInputError,
    );
  });
});

describe('candidates named like Object.prototype members', () => {
  it('Schulze keeps a row and a column for __proto__', () => {
    const r = schulze({ candidates: ['__proto__', 'b'], ballots: [{ ranking: [['__proto__'], ['b']] }] });
    expect(Object.keys(r.pairwise)).toEqual(['__proto__', 'b']);
    expect(r.pairwise['__proto__']?.b).toBe(1);
    expect(r.winners).toEqual(['__proto__']);
  });

  it('RCTab reports a tally for __proto__', () => {
    const r = tabulateRctab(
      {
        candidates: [{ name: '__proto__' }, { name: 'b' }],
        cvrs: [{ rankings: [{ rank: 1, candidates: ['__proto__'] }] }],
      },
      defaultRctabRules,
    );
    expect(Object.keys(r.rounds[0]!.tally)).toContain('__proto__');
    expect(r.winners).toEqual(['__proto__']);
  });
});

describe('tallyPoll', () => {
  const irv = { type: 'poll', hours: 1, method: 'irv' } as const;
  it('IRV: rounds in the options order with transfers and exhausted ballots', () => {
    const t = tallyPoll(
      irv,
      ['a', 'b', 'c'],
      [
        { ranking: ['a'] },
        { ranking: ['a'] },
        { ranking: ['b', 'a'] },
        { ranking: ['c', 'b'] },
        { ranking: ['c'] },
      ],
    );
    // Round 1: a 2, b 1, c 2: b out, its ballot to a; round 2: a 3 of 5 wins.
    expect(t.rounds[0]?.tally).toEqual([
      { option: 'a', votes: '2' },
      { option: 'b', votes: '1' },
      { option: 'c', votes: '2' },
    ]);
    expect(t.rounds[0]?.transfers).toEqual([{ from: 'b', to: 'a', votes: '1' }]);
    expect(t.winners).toEqual(['a']);
    expect(t.ranking[0]).toEqual(['a']);
  });

  it('no ranked ballot: no winner, without running a count', () => {
    expect(tallyPoll(irv, ['a', 'b'], [{ ranking: [] }])).toMatchObject({
      winners: [],
      ballots: 1,
      rounds: [],
    });
  });

  it('approval ties are several winners', () => {
    const t = tallyPoll(
      { type: 'poll', hours: 1, method: 'approval' },
      ['a', 'b'],
      [{ approve: ['a', 'b'] }],
    );
    expect(t.winners).toEqual(['a', 'b']);
    expect(t.ranking).toEqual([['a', 'b']]);
  });
});
