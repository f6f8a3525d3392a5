import { Command } from 'commander';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerOpinionMap } from '../src/commands/opinion-map';
import { fixture } from '../../methods/test/fixtures';

// In process, through commander, as `peergov opinion-map <dir> [--json]` runs it.
async function run(...args: string[]): Promise<string> {
  const program = new Command('peergov').exitOverride();
  registerOpinionMap(program);
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  try {
    await program.parseAsync(['opinion-map', ...args], { from: 'user' });
  } finally {
    log.mockRestore();
  }
  return lines.join('\n');
}

afterEach(() => vi.restoreAllMocks());

describe('peergov opinion-map', () => {
  it('--json prints a group index for every participant in the map (openData export)', async () => {
    const out = JSON.parse(await run(fixture('polis', 'openData', 'scoop-hivemind.biodiversity'), '--json'));
    const groups = Object.values(out.groups) as number[];
    expect(groups.length).toBe(441);
    expect(new Set(groups)).toEqual(new Set([0, 1]));
    expect(out.groupSizes.reduce((a: number, b: number) => a + b, 0)).toBe(441);
    expect(out.consensus.agree.length).toBeGreaterThan(0);
  });

  it('prints groups, representative and consensus statements (red-dwarf fixture)', async () => {
    const out = await run(fixture('polis', 'red-dwarf', '25ptpt-3gp-no-strict-with-meta'));
    expect(out).toMatch(/opinion groups/);
    expect(out).toMatch(/Group A \(\d+ participants/);
    expect(out).toMatch(/agree .* with #\d+ "/);
    expect(out).toMatch(/Consensus across everyone/);
  });

  it('--variant polis-2017 clusters every voter of the 2017 ubi export; auto chooses it and says why', async () => {
    const dir = fixture('polis', 'openData', 'scoop-hivemind.ubi');
    const today = JSON.parse(await run(dir, '--json'));
    expect(today.variant).toBe('polis');
    expect(Object.keys(today.groups).length).toBe(174);
    const old = JSON.parse(await run(dir, '--json', '--variant', 'polis-2017'));
    expect(Object.keys(old.groups).length).toBe(234);
    expect(old.groupSizes.length).toBe(4);
    const auto = JSON.parse(await run(dir, '--json', '--variant', 'auto'));
    expect(auto.variant).toBe('polis-2017');
    expect(auto.variantReason).toMatch(
      /every voter has a Pol\.is group, including 60 with fewer than 7 votes/,
    );
    expect(auto.groups).toEqual(old.groups);
    const text = await run(dir, '--variant', 'auto');
    expect(text).toMatch(/^Variant polis-2017: every voter has/);
    expect(text).toMatch(/all 234 are placed in the map, however few their votes/);
  });

  it('--variant auto keeps the current math for an export that leaves voters with few votes out', async () => {
    const out = JSON.parse(
      await run(fixture('polis', 'openData', 'scoop-hivemind.biodiversity'), '--json', '--variant', 'auto'),
    );
    expect(out.variant).toBe('polis');
    expect(Object.keys(out.groups).length).toBe(441);
  });

  it('refuses an unknown --variant and documents the option in --help', async () => {
    await expect(
      run(fixture('polis', 'openData', 'scoop-hivemind.ubi'), '--variant', 'polis-2014'),
    ).rejects.toThrow('--variant: unknown variant "polis-2014" (known: polis, polis-2017, auto)');
    const program = new Command('peergov').exitOverride();
    registerOpinionMap(program);
    const help = program.commands.find((c) => c.name() === 'opinion-map')!.helpInformation();
    expect(help).toMatch(/--variant <name>/);
    expect(help).toMatch(/polis-2017/);
  });

  it('names file and line of malformed input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'opinion-'));
    writeFileSync(
      join(dir, 'votes.csv'),
      'timestamp,datetime,comment-id,voter-id,vote\n1,x,0,1,1\n1,x,0,2,yes\n',
    );
    await expect(run(dir)).rejects.toThrow(`${join(dir, 'votes.csv')}:3: vote "yes" is not -1, 0 or 1`);
  });

  it('says what it expected in a folder without a conversation', async () => {
    await expect(run(mkdtempSync(join(tmpdir(), 'opinion-')))).rejects.toThrow(
      /neither votes\.csv .* nor votes\.json/,
    );
  });
});
