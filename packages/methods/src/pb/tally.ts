// One entry point for tools (the CLI, the server): a rule name and options in, a readable text and a
// machine-readable JSON out.
import type { PbInstance } from './format';
import { greedy } from './greedy';
import { equalShares, type MesComparison, type MesCompletion } from './mes';
import type { MesArithmetic, MesUtility } from './mes-engine';
import { buildProfile } from './profile';
import { moneyText, toNumber } from './rational';
import type { TieBreakCriterion } from './tie-break';

export type PbRule = 'mes' | 'greedy' | 'greedy-no-skip';

export interface TallyPbOptions {
  rule: PbRule;
  completion?: MesCompletion;
  comparison?: MesComparison;
  utility?: MesUtility;
  tieBreak?: readonly TieBreakCriterion[];
  seed?: string;
  /** Greedy only: minimum score to be eligible. */
  threshold?: number;
  arithmetic?: MesArithmetic;
  onProgress?: (done: number, total: number, label?: string) => void;
}

export interface TallyPbResult {
  text: string;
  json: { rule: string; selected: string[]; cost: number; budget: number } & Record<string, unknown>;
}

const money = moneyText;

/** Counts a parsed instance with a greedy rule or MES and explains the result. */
export function tallyPb(instance: PbInstance, options: TallyPbOptions): TallyPbResult {
  const profile = buildProfile(instance);
  const lines: string[] = [];
  const name = (id: string): string => {
    const p = instance.projects.find((x) => x.id === id);
    const n = p?.fields.name;
    return n ? `${id} (${n.length > 60 ? n.slice(0, 57) + '...' : n})` : id;
  };
  if (options.rule === 'greedy' || options.rule === 'greedy-no-skip') {
    const o = greedy(profile, {
      variant: options.rule === 'greedy' ? 'skip' : 'no-skip',
      threshold: options.threshold,
      tieBreak: options.tieBreak,
      seed: options.seed,
    });
    lines.push(`Rule: ${o.rule}${o.threshold === undefined ? '' : ` (threshold ${o.threshold})`}`);
    lines.push(`Budget: ${money(o.budget)}; funded ${o.selected.length} projects costing ${money(o.cost)}`);
    lines.push('', 'Projects in order of votes:');
    for (const s of o.steps)
      lines.push(
        `  ${s.decision.padEnd(15)} ${name(s.project)}: ${s.score} votes, cost ${s.cost}, left ${s.remaining}`,
      );
    return {
      text: lines.join('\n'),
      json: {
        rule: o.rule,
        selected: o.selected,
        cost: toNumber(o.cost),
        budget: toNumber(o.budget),
        steps: o.steps,
      },
    };
  }
  const o = equalShares(profile, {
    completion: options.completion,
    comparison: options.comparison,
    utility: options.utility,
    tieBreak: options.tieBreak,
    seed: options.seed,
    arithmetic: options.arithmetic,
    onProgress: options.onProgress,
  });
  lines.push(`Rule: ${o.rule}`);
  lines.push(
    `Budget: ${money(o.budget)}; funded ${o.selected.length} projects costing ${money(o.cost)}; ` +
      `endowment ${moneyText(o.endowment)} per voter after ${o.add1Runs} run(s)`,
  );
  lines.push('', 'Rounds (effective votes = cost / maximum payment per supporter):');
  for (const r of o.rounds)
    lines.push(
      `  ${String(r.round).padStart(3)}. ${name(r.project)}: cost ${r.cost}, ${r.effectiveVotes.toFixed(2)} effective votes, ` +
        `${r.paidInFull} supporters paid ${r.maxPayment}` +
        (r.cappedSupporters > 0 ? `, ${r.cappedSupporters} paid all they had left (${r.cappedPaid})` : '') +
        (r.decidedBy === 'tie-break' ? ' [tie broken]' : ''),
    );
  if (o.toppedUp.length > 0) lines.push('', `Greedy top-up: ${o.toppedUp.map(name).join(', ')}`);
  if (o.comparison)
    lines.push(
      '',
      `Comparison with greedy: ${o.comparison.prefersMes} voters prefer MES, ${o.comparison.prefersGreedy} prefer greedy; ` +
        `${o.comparison.used === 'mes' ? 'MES' : 'greedy'} is used`,
    );
  lines.push('', "Not funded (supporters' money left at the end against the cost):");
  for (const u of o.unfunded)
    lines.push(
      `  ${name(u.project)}: cost ${u.cost}, ${u.supporters} supporters had ${u.moneyBehind}, lacked ${u.lacked}` +
        (u.note ? ` (${u.note})` : ''),
    );
  return {
    text: lines.join('\n'),
    json: {
      rule: o.rule,
      selected: o.selected,
      cost: toNumber(o.cost),
      budget: toNumber(o.budget),
      endowment: toNumber(o.endowment),
      add1Runs: o.add1Runs,
      rounds: o.rounds,
      toppedUp: o.toppedUp,
      comparison: o.comparison,
      unfunded: o.unfunded,
    },
  };
}
