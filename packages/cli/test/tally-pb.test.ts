import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readPbFile } from '@peergov/methods/pb';
import { registerTallyPb } from '../src/commands/tally-pb';
import { fixturesDir } from '../../methods/test/fixtures';

const fixtures = fixturesDir;
const assen = join(fixtures, 'pabulib', 'mes', 'Netherlands_Assen_2024.pb');
const gdynia = join(fixtures, 'pabulib', 'greedy-no-skip', 'Poland_Gdynia_2021_Chylonia__large.pb');

/** Runs `peergov tally pb ...args` through commander and returns what it printed on stdout. */
async function run(...args: string[]): Promise<string> {
  const program = new Command('peergov').exitOverride();
  const tally = program.command('tally').exitOverride();
  registerTallyPb(tally);
  for (const c of tally.commands) c.exitOverride();
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += chunk.toString();
    return true;
  });
  try {
    await program.parseAsync(['tally', 'pb', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

afterEach(() => vi.restoreAllMocks());

describe('peergov tally pb', () => {
  it('--rule mes --json on Assen 2024: the official 9 projects, cost and endowment', async () => {
    const json = JSON.parse(await run('--rule', 'mes', '--json', assen));
    expect([...json.selected].sort()).toEqual(['11', '12', '13', '14', '2', '3', '5', '6', '9']);
    expect(json.cost).toBe(76700);
    expect(json.budget).toBe(100000);
    expect(json.endowment).toBe(2033);
    expect(json.rounds).toHaveLength(9);
    expect(json.unfunded.map((u: { project: string }) => u.project).sort()).toEqual([
      '1',
      '10',
      '4',
      '7',
      '8',
    ]);
  });

  it('--rule greedy-no-skip --json reproduces a Gdynia result', async () => {
    const json = JSON.parse(await run('--rule', 'greedy-no-skip', '--json', gdynia));
    const official = readPbFile(gdynia)
      .projects.filter((p) => p.fields.selected === '1')
      .map((p) => p.id);
    expect(json.rule).toBe('greedy-no-skip');
    expect([...json.selected].sort()).toEqual(official.sort());
    expect(json.cost).toBeLessThanOrEqual(json.budget);
  });

  it('prints a readable explanation without --json', async () => {
    const text = await run('--rule', 'mes', '--tie-break', 'cost,votes', assen);
    expect(text).toMatch(/funded 9 projects costing 76700/);
    expect(text).toMatch(/effective votes/);
    expect(text).toMatch(/Not funded/);
  });

  it('rejects an unknown tie-break criterion and a missing rule', async () => {
    await expect(run('--rule', 'mes', '--tie-break', 'cost,age', assen)).rejects.toThrow(
      /unknown tie-break criterion "age"/,
    );
    await expect(run(assen)).rejects.toThrow(/--rule/);
  });
});
