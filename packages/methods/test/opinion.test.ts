// Opinion mapping units: vote matrix, importers' errors, ARI, stability across recomputations, planted groups.
import { describe, expect, it } from 'vitest';
import {
  adjustedRandIndex,
  adjustedRandIndexOf,
  buildVoteMatrix,
  computeOpinionMap,
  explainOpinionMap,
  mapConversation,
  matrixFromTriplets,
  parseOpenDataComments,
  parseOpenDataVotes,
  parseRedDwarfVotes,
  type OpinionState,
  type OpinionVote,
} from '../src/opinion/index';

describe('vote matrix', () => {
  it('keeps the latest vote per participant and statement, whatever the input order', () => {
    const votes: OpinionVote[] = [
      { participant: '2', statement: '1', vote: 1, time: 30 },
      { participant: '2', statement: '1', vote: -1, time: 10 },
      { participant: '10', statement: '0', vote: 0, time: 5 },
      { participant: '2', statement: '0', vote: -1, time: 1 },
    ];
    const m = buildVoteMatrix(votes);
    expect(m.participantIds).toEqual(['2', '10']);
    expect(m.statementIds).toEqual(['0', '1']);
    const row0 = new Map<number, number>();
    for (let k = m.rowStart[0]!; k < m.rowStart[1]!; k++) row0.set(m.col[k]!, m.value[k]!);
    expect(row0).toEqual(
      new Map([
        [1, 1],
        [0, -1],
      ]),
    );
  });

  it('on equal times the later input row wins', () => {
    const m = matrixFromTriplets({
      participantIds: ['a'],
      statementIds: ['s'],
      row: Int32Array.of(0, 0),
      col: Int32Array.of(0, 0),
      value: Int8Array.of(1, -1),
    });
    expect(Array.from(m.value)).toEqual([-1]);
  });
});

describe('importers name file and line of malformed input', () => {
  it('openData votes.csv', () => {
    const text = 'timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n2,x,0,2,7\n';
    expect(() => parseOpenDataVotes(text, 'votes.csv')).toThrow('votes.csv:3: vote "7" is not -1, 0 or 1');
    expect(() => parseOpenDataVotes('timestamp,vote\n', 'v.csv')).toThrow(
      'v.csv:1: header lacks column(s) comment-id, voter-id',
    );
    expect(() =>
      parseOpenDataVotes('timestamp,datetime,comment-id,voter-id,vote\n1,x,a,1,1\n', 'v.csv'),
    ).toThrow('v.csv:2: comment-id "a" is not an integer');
  });
  it('openData comments.csv with a multi-line body', () => {
    const text = 'comment-id,moderated,comment-body\n0,1,"two\nlines"\n1,5,x\n';
    expect(() => parseOpenDataComments(text, 'comments.csv')).toThrow(
      'comments.csv:4: moderated 5 is not -1, 0 or 1',
    );
    expect(parseOpenDataComments('comment-id,moderated,comment-body\n0,1,"a ""b"""\n', 'c')[0]?.text).toBe(
      'a "b"',
    );
  });
  it('red-dwarf votes.json', () => {
    const text =
      '[\n  {"pid": 0, "tid": 0, "vote": 1, "modified": 1},\n  {"pid": 1, "tid": 0, "vote": 2, "modified": 2}\n]';
    expect(() => parseRedDwarfVotes(text, 'votes.json')).toThrow('votes.json:3: vote 2 is not -1, 0 or 1');
    expect(() => parseRedDwarfVotes('[\n{"pid": 0,\n', 'votes.json')).toThrow(
      /votes\.json:\d+: invalid JSON/,
    );
  });
});

describe('adjusted Rand index', () => {
  it('is 1 for equal partitions up to relabelling and about 0 for unrelated ones', () => {
    expect(adjustedRandIndex([0, 0, 1, 1, 2], [5, 5, 3, 3, 9])).toBe(1);
    expect(adjustedRandIndex([0, 0, 0, 1, 1, 1], [0, 1, 0, 1, 0, 1])).toBeLessThan(0);
    expect(
      adjustedRandIndexOf(
        { a: 0, b: 0, c: 1 },
        new Map([
          ['a', 1],
          ['b', 1],
          ['c', 0],
          ['d', 0],
        ]),
      ),
    ).toEqual({
      ari: 1,
      compared: 3,
    });
  });
});

// Planted groups: each group agrees with its own block of statements and disagrees with the others; noise flips
// votes and participants skip statements.
function planted(
  sizes: number[],
  nStatements: number,
  seed = 1,
): { votes: OpinionVote[]; truth: Map<string, number> } {
  let s = seed;
  const rand = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 4294967296;
  const votes: OpinionVote[] = [];
  const truth = new Map<string, number>();
  let p = 0;
  sizes.forEach((n, g) => {
    for (let i = 0; i < n; i++, p++) {
      truth.set(String(p), g);
      for (let t = 0; t < nStatements; t++) {
        if (rand() < 0.4) continue;
        const own = t % sizes.length === g;
        let v: -1 | 0 | 1 = own ? 1 : -1;
        if (rand() < 0.15) v = rand() < 0.5 ? 0 : (-v as -1 | 1);
        votes.push({ participant: String(p), statement: String(t), vote: v, time: t });
      }
    }
  });
  return { votes, truth };
}

describe('opinion groups', () => {
  it('recovers planted groups, including a 10% group', () => {
    const { votes, truth } = planted([300, 200, 60], 40);
    const map = mapConversation({ statements: [], votes });
    expect(map.k).toBe(3);
    expect(adjustedRandIndexOf(map.groupOf, truth).ari).toBeGreaterThan(0.95);
    const text = explainOpinionMap(map);
    expect(text).toContain('3 opinion groups');
    expect(text).toContain('Bridging statements');
  });

  it('keeps groups stable when recomputed from the previous state', () => {
    const { votes } = planted([120, 80, 40], 30, 7);
    const m = buildVoteMatrix(votes);
    const first = computeOpinionMap(m);
    const again = computeOpinionMap(m, [], { previous: JSON.parse(JSON.stringify(first.state)) });
    expect(again.k).toBe(first.k);
    expect(again.groups.map((g) => g.id)).toEqual(first.groups.map((g) => g.id));
    expect(again.groupOf).toEqual(first.groupOf);
    expect(again.state.kSmoother!.lastKCount).toBe(2);
  });

  it('a new best k is adopted only after four recomputations in a row (Pol.is k-smoothing)', () => {
    const { votes } = planted([120, 80, 40], 30, 3);
    const m = buildVoteMatrix(votes);
    const fake = { ...computeOpinionMap(m).state, kSmoother: { lastK: 2, lastKCount: 9, smoothedK: 2 } };
    let state: OpinionState = fake;
    const ks: number[] = [];
    for (let i = 0; i < 4; i++) {
      const r = computeOpinionMap(m, [], { previous: state });
      ks.push(r.k);
      state = r.state;
    }
    expect(ks).toEqual([2, 2, 2, 3]);
  });
});
