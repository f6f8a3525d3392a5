import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rankedTallyMethods } from '../src/commands/tally-ranked';
import { fixturesDir } from '../../methods/test/fixtures';

/** The fields of the ranked methods' `--json` output that these tests read (each method fills some). */
interface RankedJson {
  winners: string[];
  elected: string[];
  ranking: string[][];
  explanation: unknown[];
  variant: string;
  quota: string;
  rounds: { tallyResults: unknown[]; threshold: string }[];
}

const fixtures = fixturesDir;
const dir = mkdtempSync(join(tmpdir(), 'tally-ranked-'));
const noProgress = () => {};
const method = (name: string) => {
  const m = rankedTallyMethods.find((x) => x.name === name);
  if (!m) throw new Error(`no method ${name}`);
  return m;
};
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};

const ballots = write('ballots.json', {
  candidates: ['A', 'B', 'C'],
  ballots: [
    { ranking: [['A'], ['B'], ['C']], count: 4 },
    { ranking: [['B'], ['C'], ['A']], count: 3 },
    { ranking: [['C'], ['B'], ['A']], count: 2 },
  ],
});

describe('peergov tally: ranked methods', () => {
  it('exports schulze, irv, stv and scottish-stv', () => {
    expect(rankedTallyMethods.map((m) => m.name)).toEqual(['schulze', 'irv', 'stv', 'scottish-stv']);
  });

  it('schulze on our JSON ballots: winners, ranking and explanation', async () => {
    const out = await method('schulze').run(ballots, {}, noProgress);
    const json = out.json as RankedJson;
    expect(json.winners).toEqual(['B']);
    expect(json.ranking).toEqual([['B'], ['C'], ['A']]); // C beats A 5 to 4
    expect(json.explanation.length).toBeGreaterThan(1);
    expect(out.text).toMatch(/winner B/);
    const ratio = (await method('schulze').run(ballots, { schulzeVariant: 'ratio' }, noProgress))
      .json as RankedJson;
    expect(ratio.variant).toBe('ratio');
  });

  it('irv on our JSON ballots: C eliminated, B wins in round 2', async () => {
    const json = (await method('irv').run(ballots, {}, noProgress)).json as RankedJson;
    expect(json.winners).toEqual(['B']);
    expect(json.rounds).toHaveLength(2);
    expect(json.rounds[0]?.tallyResults).toEqual([{ eliminated: 'C', transfers: { B: '2' } }]);
  });

  it('irv on an RCTab config reads its CVRs', async () => {
    const config = join(
      fixtures,
      'rcv',
      'test_set_0_skipped_first_choice',
      'test_set_0_skipped_first_choice_config.json',
    );
    const json = (await method('irv').run(config, {}, noProgress)).json as RankedJson;
    expect(json.winners).toEqual(['Candidate B Name']);
    expect(json.rounds).toHaveLength(3);
  });

  it('stv on an RCTab config prints {"elected": [...]}', async () => {
    const config = join(
      fixtures,
      'rcv',
      'test_set_multi_winner_fractional_threshold',
      'test_set_multi_winner_fractional_threshold_config.json',
    );
    const json = (await method('stv').run(config, {}, noProgress)).json as RankedJson;
    expect([...json.elected].sort()).toEqual(['Candidate A Name', 'Candidate B Name', 'Candidate C Name']);
    expect(json.rounds[1]?.threshold).toBe('7.2501');
  });

  it('scottish-stv on a Glasgow BLT file', async () => {
    const blt = join(fixtures, 'stv', 'blt', 'scotland', 'Anderston-City-2007.blt');
    const out = await method('scottish-stv').run(blt, {}, noProgress);
    const json = out.json as RankedJson;
    expect([...json.elected].sort()).toEqual([
      'Craig MacKay',
      'Gordon Matheson',
      'Nina Baker',
      'Philip Braat',
    ]);
    expect(json.quota).toBe('1381.00000');
    expect(out.text).toMatch(/quota 1381\.00000/);
  });

  it('stv on a BLT file counts with RCTab rules and --stv-seats', async () => {
    const blt = join(fixtures, 'stv', 'blt', 'scotland', 'Anderston-City-2007.blt');
    const json = (await method('stv').run(blt, { stvSeats: '2' }, noProgress)).json as RankedJson;
    expect(json.elected).toHaveLength(2);
  });

  it('a malformed file gets an error naming file, line and problem, never a result', async () => {
    const bad = write(
      'bad.json',
      '{\n  "candidates": ["A", "B"],\n  "ballots": [\n    {"ranking": [["A"]]},\n    {"ranking": [["Z"]]}\n  ]\n}\n',
    );
    await expect(method('irv').run(bad, {}, noProgress)).rejects.toThrow(
      `${bad}:5: ballot 2: unknown candidate "Z"`,
    );
    const badBlt = write('bad.blt', '2 1\n1 1 2 0\n1 1 7 0\n0\n"A"\n"B"\n');
    await expect(method('scottish-stv').run(badBlt, {}, noProgress)).rejects.toThrow(
      `${badBlt}:3: "7" is not a candidate number from 1 to 2`,
    );
    const broken = write('broken.json', '{"candidates": ["A"],\n "ballots": [}');
    await expect(method('schulze').run(broken, {}, noProgress)).rejects.toThrow(
      /broken\.json:2: not valid JSON/,
    );
    await expect(method('irv').run(join(dir, 'missing.json'), {}, noProgress)).rejects.toThrow(
      /missing\.json: cannot read the file/,
    );
  });

  it('irv refuses a multi-seat contest', async () => {
    const config = join(
      fixtures,
      'rcv',
      'test_set_multi_winner_whole_threshold',
      'test_set_multi_winner_whole_threshold_config.json',
    );
    await expect(method('irv').run(config, {}, noProgress)).rejects.toThrow(/use --method stv/);
  });
});
