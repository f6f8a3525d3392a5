import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePb, readPbFile, toFractionString, writePb, type PbInstance } from '@peergov/methods/pb';
import { fixture } from './fixtures';

const good = [
  'META',
  'key;value',
  'budget;1000',
  'vote_type;approval',
  'comment;"a; quoted ""comment"""',
  'PROJECTS',
  'project_id;cost;votes;name;selected',
  'p1;600;2;"Park; phase ""II""";1',
  'p2;400.50;1;Bench;0',
  'VOTES',
  'voter_id;vote;age',
  '1;p1,p2;30',
  '2;p1,;41',
  '3;;22',
].join('\r\n');

/** Replaces line `lineNo` (1-based) of the good file. */
const withLine = (lineNo: number, text: string) =>
  good
    .split('\r\n')
    .map((l, k) => (k === lineNo - 1 ? text : l))
    .join('\n');

describe('.pb reader', () => {
  it('reads META, PROJECTS and VOTES with quotes, CRLF, decimal costs, a trailing comma and an empty ballot', () => {
    const pb = parsePb('\uFEFF' + good, 'good.pb');
    expect(pb.meta.comment).toBe('a; quoted "comment"');
    expect(pb.projects.map((p) => p.id)).toEqual(['p1', 'p2']);
    expect(pb.projects[0]!.fields.name).toBe('Park; phase "II"');
    expect(toFractionString(pb.projects[1]!.cost)).toBe('801/2');
    expect(pb.voters.map((v) => v.vote)).toEqual([['p1', 'p2'], ['p1'], []]);
    expect(pb.voters[0]!.fields).toEqual({ age: '30' });
  });

  const bad: [string, string, RegExp][] = [
    ['unknown project in a vote', withLine(12, '1;p1,p9;30'), /bad\.pb:12: .*unknown project "p9"/],
    ['too many fields', withLine(8, 'p1;600;2;Park;1;extra'), /bad\.pb:8: expected 5 fields/],
    ['invalid cost', withLine(9, 'p2;abc;1;Bench;0'), /bad\.pb:9: project "p2" has an invalid cost "abc"/],
    ['negative cost', withLine(9, 'p2;-5;1;Bench;0'), /bad\.pb:9: .*invalid cost/],
    ['duplicate project', withLine(9, 'p1;400;1;Bench;0'), /bad\.pb:9: project "p1" appears twice/],
    ['duplicate voter', withLine(13, '1;p1;41'), /bad\.pb:13: voter "1" appears twice/],
    [
      'project twice in a ballot',
      withLine(12, '1;p1,p1;30'),
      /bad\.pb:12: voter "1" names project "p1" twice/,
    ],
    ['unclosed quote', withLine(8, 'p1;600;2;"Park;1'), /bad\.pb:8: unclosed quote/],
    [
      'missing cost column',
      withLine(7, 'project_id;price;votes;name;selected'),
      /bad\.pb:7: PROJECTS header lacks the column "cost"/,
    ],
    [
      'missing vote column',
      withLine(11, 'voter_id;ballot;age'),
      /bad\.pb:11: VOTES header lacks the column "vote"/,
    ],
    [
      'sections out of order',
      withLine(6, 'VOTES'),
      /bad\.pb:6: section VOTES found where PROJECTS was expected/,
    ],
    ['text before META', 'hello\n' + good, /bad\.pb:1: expected the META section header/],
    ['no budget', withLine(3, 'currency;PLN'), /bad\.pb: META lacks the key "budget"/],
    ['bad budget', withLine(3, 'budget;lots'), /bad\.pb: META budget "lots" is not a number/],
    ['unknown vote type', withLine(4, 'vote_type;veto'), /bad\.pb: unknown vote_type "veto"/],
    ['missing VOTES', good.split('\r\n').slice(0, 9).join('\n'), /bad\.pb: missing section VOTES/],
    [
      'VOTES without header',
      good.split('\r\n').slice(0, 10).join('\n'),
      /bad\.pb: section VOTES has no header line/,
    ],
  ];
  for (const [what, text, message] of bad) {
    it(`rejects ${what}, naming the file and line`, () => {
      expect(() => parsePb(text, 'bad.pb')).toThrow(message);
    });
  }

  it('points must match the projects for cumulative ballots', () => {
    const text =
      'META\nkey;value\nbudget;10\nvote_type;cumulative\nPROJECTS\nproject_id;cost\na;5\nb;5\nVOTES\nvoter_id;vote;points\n1;a,b;3\n';
    expect(() => parsePb(text, 'cum.pb')).toThrow(/cum\.pb:11: voter "1" has 2 projects but 1 points/);
  });

  it('readPbFile names the file when it cannot be read', () => {
    expect(() => readPbFile('/nonexistent/x.pb')).toThrow(/x\.pb: cannot read/);
  });
});

/** The parts of an instance that a writer must keep. */
const essence = (pb: PbInstance) => ({
  meta: pb.meta,
  budget: pb.budget,
  voteType: pb.voteType,
  projectColumns: pb.projectColumns,
  voteColumns: pb.voteColumns,
  projects: pb.projects,
  voters: pb.voters,
});

describe('.pb writer round-trip', () => {
  it('parse(write(x)) equals x for the small example with quotes, points and ordinal ballots', () => {
    for (const text of [
      good,
      'META\nkey;value\nbudget;10\nvote_type;scoring\nPROJECTS\nproject_id;cost;name\na;5;"x;y"\nb;5;"say ""hi"""\nVOTES\nvoter_id;vote;points\n1;a,b;3,-1\n2;;\n',
      'META\nkey;value\nbudget;10\nvote_type;ordinal\nPROJECTS\nproject_id;cost\na;5\nb;5\nVOTES\nvoter_id;vote\n1;b,a\n',
    ]) {
      const x = parsePb(text, 'x.pb');
      const written = writePb(x);
      expect(essence(parsePb(written, 'y.pb'))).toEqual(essence(x));
      expect(writePb(parsePb(written, 'y.pb'))).toBe(written);
    }
  });

  const files = ['mes', 'greedy', 'greedy-no-skip'].flatMap((d) =>
    readdirSync(fixture('pabulib', d))
      .filter((f) => f.endsWith('.pb'))
      .map((f) => [d, f] as const),
  );
  it(`round-trips all ${files.length} fixture files (besides the benchmark) without losing anything`, () => {
    expect(files.length).toBe(43);
    for (const [d, f] of files) {
      const path = fixture('pabulib', d, f);
      const x = parsePb(readFileSync(path, 'utf8'), f);
      const written = writePb(x);
      expect(essence(parsePb(written, f)), f).toEqual(essence(x));
    }
  });
});
