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
