// An election's count (`tallyElection`): the same elected and rounds as the methods it calls, counted directly
// (RCTab's STV and IRV, the Scottish rules on a Glasgow 2007 ward), candidate ids that are hostile names, a Schulze tie
// that elects no one, and the seats each method can fill.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { electionFills, tallyElection } from '@peergov/methods/decision';
import { defaultRctabRules, parseBlt, scottishStv, tabulateRctab } from '@peergov/methods/ranked';
import { fixture } from './fixtures';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

describe('tallyElection', () => {
  it('STV with hostile candidate ids elects as RCTab does with plain names, and names the rounds by id', () => {
    const ballots = [
      ['__proto__', 'constructor'],
      ['__proto__', 'toString'],
      ['__proto__', 'constructor'],
      ['constructor'],
      ['toString', 'hasOwnProperty'],
      ['hasOwnProperty', 'toString'],
      ['toString'],
    ];
    const r = tallyElection('stv', 2, HOSTILE, ballots);
    const plain = ['a', 'b', 'c', 'd'];
    const rename = (id: string) => plain[HOSTILE.indexOf(id)]!;
    const direct = tabulateRctab(
      {
        candidates: plain.map((name) => ({ name })),
        cvrs: ballots.map((b) => ({ rankings: b.map((c, i) => ({ rank: i + 1, candidates: [rename(c)] })) })),
      },
      {
        ...defaultRctabRules,
        numberOfWinners: 2,
        winnerElectionMode: 'multiWinnerAllowMultipleWinnersPerRound',
        maxSkippedRanksAllowed: Infinity,
      },
    );
    expect(r.elected.map(rename)).toEqual(direct.winners);
    expect(r.quota).toBe(direct.summary.finalThreshold);
    expect(r.rounds).toHaveLength(direct.rounds.length);
    expect(r.rounds[0]?.tally.map((x) => x.candidate)).toEqual(HOSTILE);
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(r.explanation.join(' ')).not.toMatch(/#\d/);
  });

  it('Scottish STV on a Glasgow 2007 ward: the elected, quota and every stage Droop prints', () => {
    const file = fixture('stv', 'blt', 'scotland', 'Calton-2007.blt');
    const blt = parseBlt(readFileSync(file, 'utf8'), file);
    const ids = blt.candidates.map((_, i) => `c${i}`);
    const ballots = blt.ballots.flatMap((b) =>
      Array.from({ length: b.weight }, () => b.ranking.map((g) => ids[g[0]!]!)),
    );
    const r = tallyElection('scottish_stv', blt.seats, ids, ballots, blt.candidates);
    const direct = scottishStv(blt);
    expect(r.elected.map((id) => blt.candidates[ids.indexOf(id)])).toEqual(direct.elected);
    expect(r.quota).toBe(direct.quota);
    expect(r.rounds.map((x) => x.tally.map((v) => v.votes))).toEqual(
      direct.stages.map((s) => Object.values(s.votes)),
    );
    // Each transfer ends a round: what the next stage's candidate gave, to whom.
    const moved = r.rounds.slice(0, -1).every((round, k) => {
      const next = direct.stages[k + 1]!;
      return round.transfers.every((x) => x.from === ids[blt.candidates.indexOf(next.candidate!)]);
    });
    expect(moved).toBe(true);
    expect(r.explanation.join(' ')).toContain(direct.elected[0]!);
  });

  it('Schulze fills one seat and a tie elects no one; IRV elects the majority winner', () => {
    const tie = tallyElection(
      'schulze',
      1,
      ['a', 'b'],
      [
        ['a', 'b'],
        ['b', 'a'],
      ],
    );
    expect(tie).toMatchObject({ elected: [], tied: ['a', 'b'] });
    expect(tie.pairwise).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const irv = tallyElection('irv', 1, ['a', 'b', 'c'], [['a'], ['b', 'a'], ['a'], ['c', 'b']]);
    expect(irv.elected).toEqual(['a']);
  });

  it('says which methods fill how many seats, and refuses what they cannot', () => {
    expect(electionFills('stv', 5)).toBe(true);
    expect(electionFills('scottish_stv', 1)).toBe(true);
    expect(electionFills('schulze', 2)).toBe(false);
    expect(electionFills('irv', 0)).toBe(false);
    expect(() => tallyElection('irv', 2, ['a'], [])).toThrow(/cannot fill 2 seats/);
    expect(tallyElection('stv', 2, [], [['a']]).elected).toEqual([]);
    expect(tallyElection('stv', 2, ['a'], []).explanation).toEqual([
      'No ballot was cast, so no one is elected.',
    ]);
  });
});
