import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram } from '../src/program';
import { tallyMethods } from '../src/commands/tally';
import { fixturesDir } from '../../methods/test/fixtures';

const fixtures = fixturesDir;
const dir = mkdtempSync(join(tmpdir(), 'tally-'));
const noProgress = () => {};
const write = (name: string, content: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return path;
};
const method = (name: string) => {
  const m = tallyMethods.find((x) => x.name === name);
  if (!m) throw new Error(`no method ${name}`);
  return m;
};

/** Runs `peergov <args>` in-process and returns what it printed on stdout. */
async function cli(...args: string[]): Promise<string> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await buildProgram()
      .exitOverride()
      .parseAsync(['node', 'peergov', ...args]);
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

const bylaws = write('bylaws.json', {
  method: 'majority',
  title: 'Adopt the new bylaws',
  electorate: 12,
  rules: { threshold: '2/3', quorum: '1/2' },
  ballots: [
    { voter: 'ana', choice: 'yes' },
    { voter: 'bo', choice: 'yes' },
    { voter: 'cy', choice: 'no' },
    { voter: 'di', choice: 'yes' },
    { voter: 'ed', choice: 'abstain' },
    { voter: 'fe', choice: 'yes' },
  ],
});

describe('peergov tally', () => {
  it('knows every method, ours and the ranked ones', () => {
    const names = tallyMethods.map((m) => m.name);
    for (const n of [
      'plurality',
      'approval',
      'score',
      'majority',
      'consent',
      'consensus',
      'chambers',
      'quadratic',
      'liquid',
      'sortition',
      'schulze',
      'irv',
      'stv',
      'scottish-stv',
    ]) {
      expect(names).toContain(n);
    }
  });

  it('--help lists the methods and the pb subcommand', () => {
    const tally = buildProgram().commands.find((c) => c.name() === 'tally')!;
    let help = '';
    tally.configureOutput({ writeOut: (s) => (help += s) });
    tally.outputHelp();
    expect(help).toMatch(/majority\s+yes\/no with threshold/);
    expect(help).toMatch(/liquid\s+liquid delegation/);
    expect(help).toMatch(/schulze/);
    expect(help).toMatch(/pb\s+participatory budgeting/);
  });

  it('majority with 2/3 and a quorum: readable explanation, and --json gives {"winners": ["yes"]}', async () => {
    const text = await cli('tally', '--method', 'majority', bylaws);
    expect(text).toContain('majority (at least 2/3 of the votes cast): PASSED');
    expect(text).toContain('Quorum met: 6 of 12 took part, at least 6 (1/2) were needed.');
    const json = JSON.parse(await cli('tally', '--method', 'majority', '--json', bylaws));
    expect(json.winners).toEqual(['yes']);
    expect(json.rounds[0].counts).toMatchObject({ yes: 4, no: 1, abstain: 1 });
    expect(json.explanation.map((s: { code: string }) => s.code)).toEqual([
      'counted',
      'quorum_met',
      'threshold_met',
      'passed',
    ]);
    const stricter = JSON.parse(
      await cli('tally', '--method', 'majority', '--json', '--threshold', '5/6', bylaws),
    );
    expect(stricter.winners).toEqual(['no']); // 4 of 5 is less than 5/6
  });

  it('approval with --seats 2 prints {"elected": [...]} and one round of totals', async () => {
    const file = write('approval.json', {
      candidates: ['A', 'B', 'C'],
      ballots: [{ approved: ['A', 'B'] }, { approved: ['B'] }, { approved: ['C', 'A'] }],
    });
    const json = (await method('approval').run(file, { seats: '2' }, noProgress)).json as {
      elected: string[];
      rounds: { tally: unknown[] }[];
    };
    expect(json.elected).toEqual(['A', 'B']);
    expect(json.rounds[0]?.tally[0]).toEqual({ candidate: 'A', total: '2' });
  });

  it('consent names the standing objection', async () => {
    const file = write('consent.json', {
      ballots: [
        { voter: 'ana', position: 'consent' },
        { voter: 'bo', position: 'object', reason: 'too costly' },
      ],
    });
    const out = await method('consent').run(file, {}, noProgress);
    expect((out.json as { winners: string[] }).winners).toEqual(['no']);
    expect(out.text).toContain('bo objected: "too costly".');
  });

  it('chambers: weighted by class with a veto', async () => {
    const file = write('chambers.json', {
      chambers: [
        { name: 'workers', weight: 50 },
        { name: 'users', weight: 30 },
        { name: 'investors', weight: 20, veto: true },
      ],
      counts: { workers: { yes: 2, no: 1 }, users: { yes: 1, no: 1 }, investors: { yes: 0, no: 2 } },
      rules: { mode: 'weighted' },
    });
    const json = (await method('chambers').run(file, {}, noProgress)).json as {
      passed: boolean;
      explanation: { code: string }[];
    };
    expect(json.passed).toBe(false);
    expect(json.explanation.map((s: { code: string }) => s.code)).toContain('vetoed');
    const concurrent = (await method('chambers').run(file, { chambersMode: 'concurrent' }, noProgress))
      .json as { result: { mode: string } };
    expect(concurrent.result.mode).toBe('concurrent');
  });

  it('liquid: chains, weights and a weighted yes/no', async () => {
    const file = write('liquid.json', {
      issue: { unit: 'coop', area: 'finance', issue: 'budget-2026' },
      members: ['ana', 'bo', 'cy', 'di', { id: 'ed', weight: 2 }],
      delegations: [
        { truster: 'bo', trustee: 'ana', scope: 'unit', unit: 'coop' },
        { truster: 'cy', trustee: 'bo', scope: 'area', area: 'finance' },
        { truster: 'di', trustee: 'cy', scope: 'unit', unit: 'coop' },
        { truster: 'di', trustee: 'ed', scope: 'issue', issue: 'budget-2026' },
      ],
      ballots: [
        { voter: 'ana', choice: 'yes' },
        { voter: 'ed', choice: 'no' },
      ],
    });
    const out = await method('liquid').run(file, {}, noProgress);
    const json = out.json as {
      directVoters: unknown[];
      delegators: { member: string; chain: string[] }[];
      winners: string[];
    };
    expect(json.directVoters).toEqual([
      { member: 'ana', ownWeight: 1, weight: 3 },
      { member: 'ed', ownWeight: 2, weight: 3 },
    ]);
    expect(json.delegators.find((d: { member: string }) => d.member === 'cy')?.chain).toEqual(['bo', 'ana']);
    expect(json.delegators.find((d: { member: string }) => d.member === 'di')).toMatchObject({
      scope: 'issue',
      chain: ['ed'],
    });
    expect(json.winners).toEqual(['no']); // 3 to 3 is not more than half
    expect(out.text).toContain('cy → bo → ana (area)');
  });

  it('sortition: the known-answer draw, stratified output as {"elected": [...]}', async () => {
    const file = write('jury.json', {
      seed: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      candidates: Array.from({ length: 20 }, (_, i) => `m${String(i + 1).padStart(2, '0')}`),
    });
    const json = JSON.parse(
      await cli('tally', '--method', 'sortition', '--json', '--seats', '5', '--alternates', '2', file),
    );
    expect(json.elected).toEqual(['m10', 'm18', 'm07', 'm14', 'm06']);
    expect(json.alternates).toEqual(['m19', 'm20']);
  });

  it('a malformed file gets an error naming the file, the line and the problem, never a result', async () => {
    const bad = write(
      'bad.json',
      '{\n  "candidates": ["A", "B"],\n  "ballots": [\n    {"approved": ["A"]},\n    {"approved": ["Q"]}\n  ]\n}',
    );
    await expect(method('approval').run(bad, {}, noProgress)).rejects.toThrow(
      `${bad}:5: ballot 2: unknown candidate "Q"`,
    );
    const broken = write(
      'broken.json',
      '{\n  "ballots": [\n    {"choice": "yes"}\n    {"choice": "no"}\n  ]\n}',
    );
    await expect(method('majority').run(broken, {}, noProgress)).rejects.toThrow(
      new RegExp(`${broken.replace(/[.\\/]/g, '\\$&')}:4: not valid JSON`),
    );
    const liquid = write(
      'bad-liquid.json',
      '{\n  "members": ["a", "b"],\n  "delegations": [\n    {"truster": "a", "trustee": "b", "scope": "planet"}\n  ]\n}',
    );
    await expect(method('liquid').run(liquid, {}, noProgress)).rejects.toThrow(
      `${liquid}:4: delegation 1: "scope" must be unit, area or issue`,
    );
    await expect(
      method('sortition').run(write('s.json', { candidates: ['a'] }), {}, noProgress),
    ).rejects.toThrow(/a public "seed"/);
    await expect(cli('tally', '--method', 'plurality', join(dir, 'missing.json'))).rejects.toThrow(
      /missing\.json: cannot read the file \(ENOENT\)/,
    );
  });

  it('options after "pb" belong to the pb subcommand', async () => {
    const pb = join(fixtures, 'pabulib', 'greedy', 'Poland_Warszawa_2017_Plac_Wojska_Polskiego.pb');
    const out = await cli('tally', 'pb', '--rule', 'greedy', '--json', pb);
    expect(() => JSON.parse(out)).not.toThrow();
  });
});
