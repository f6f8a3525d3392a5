import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBlt, scottishStv } from '@peergov/methods/ranked';
import { fixture } from './fixtures';

/** The parts of a Droop JSON report read here: per-candidate state after each action. */
interface DroopReport {
  quota: string;
  nballots: number;
  cdict: Record<string, { name: string }>;
  actions: DroopAction[];
}

interface DroopAction {
  tag: string;
  msg: string;
  votes: string;
  nt_votes: string;
  cstate: Record<string, { vote: string; state: string }>;
}

const bltDir = fixture('stv', 'blt', 'scotland');
const refDir = fixture('stv', 'ref', 'json', 'scotland');
const wards = readdirSync(bltDir)
  .filter((f) => f.endsWith('.blt'))
  .map((f) => f.replace(/\.blt$/, ''))
  .sort();

describe('Scottish STV: Glasgow 2007 wards against Droop v0.11 (rule scotland, fixed 5 places)', () => {
  it('has the 10 wards', () => expect(wards).toHaveLength(10));
  for (const ward of wards) {
    it(ward, () => {
      const file = join(bltDir, `${ward}.blt`);
      const election = parseBlt(readFileSync(file, 'utf8'), file);
      const ref: DroopReport = JSON.parse(
        readFileSync(join(refDir, `${ward}-scotland-fixed-p5-d5.txt`), 'utf8'),
      );
      const result = scottishStv(election);
      expect(result.quota).toBe(ref.quota);
      expect(result.ballots).toBe(ref.nballots);
      const name = (cid: string) => ref.cdict[cid]!.name;
      // Every stage: the first count ('begin') and the state after each transfer, exactly to 5 decimals.
      const refStages = ref.actions.filter((a) => a.tag === 'begin' || a.tag === 'transfer');
      expect(result.stages.length, 'number of stages').toBe(refStages.length);
      refStages.forEach((action, i) => {
        const stage = result.stages[i]!; // the stage counts are equal
        const votes = Object.fromEntries(
          Object.entries(action.cstate).map(([cid, s]) => [name(cid), s.vote]),
        );
        expect(stage.votes, `stage ${i} (${action.msg}) votes`).toEqual(votes);
        expect(stage.nonTransferable, `stage ${i} non-transferable`).toBe(action.nt_votes);
        const total = BigInt(ref.nballots) * 100000n;
        const residual =
          total - BigInt(action.votes.replace('.', '')) - BigInt(action.nt_votes.replace('.', ''));
        const residualStr = `${residual / 100000n}.${String(residual % 100000n).padStart(5, '0')}`;
        expect(stage.residual, `stage ${i} residual`).toBe(residualStr);
      });
      const end = ref.actions.find((a) => a.tag === 'end')!;
      const electedRef = Object.entries(end.cstate)
        .filter(([, s]) => s.state === 'elected')
        .map(([cid]) => name(cid))
        .sort();
      expect([...result.elected].sort()).toEqual(electedRef);
    });
  }
});

describe('BLT reader', () => {
  it('reads withdrawn candidates, ties and names', () => {
    const e = parseBlt('3 1\n-2\n2 1 3 0\n1 3=1 0\n0\n"A"\n"B"\n"C"\n"Title"\n');
    expect(e.withdrawn).toEqual([1]);
    expect(e.ballots.map((b) => b.ranking)).toEqual([[[0], [2]], [[2, 0]]]);
    expect(e.candidates).toEqual(['A', 'B', 'C']);
    expect(e.title).toBe('Title');
  });
  it('names the file, line and problem', () => {
    expect(() => parseBlt('2 1\n1 1 2 0\n1 3 0\n0\n"A"\n"B"\n', 'x.blt')).toThrow(
      'x.blt:3: "3" is not a candidate number from 1 to 2',
    );
    expect(() => parseBlt('2 1\n1 1 2\n0\n"A"\n"B"\n', 'x.blt')).toThrow(
      'x.blt:2: a ballot line must end with 0',
    );
    expect(() => parseBlt('2 1\n1 1 2 0\n"A"\n"B"\n', 'x.blt')).toThrow(
      /x\.blt:\d+: .*bad ballot weight|never end/,
    );
    expect(() => parseBlt('2 1\n1 1 2 0\n0\n"A"\n', 'x.blt')).toThrow('2 candidate names expected');
  });
});
