import { readFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import {
  DECISION_METHODS,
  DecisionInputError,
  majority,
  parseFraction,
  tallyDecisionFile,
  type DecisionMethodName,
  type DecisionResult,
  type ExplanationStep,
  type RuleOverrides,
  type YesNoCounts,
} from '@peergov/methods/decision';
import { readLiquidJson, resolveLiquid } from '@peergov/methods/liquid';
import { sortitionFromJson } from '@peergov/methods/sortition';
import { progressBar } from '../progress';
import { registerTallyPb } from './tally-pb';
import { rankedTallyMethods } from './tally-ranked';
import type { TallyMethod, TallyOutput } from './tally-types';

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DecisionInputError(
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
      file,
    );
  }
}

function intOption(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value))
    throw new Error(`--${name} must be a non-negative integer, not ${JSON.stringify(value)}`);
  return Number(value);
}

/** The command-line rules that override a file's `rules`. */
function overridesFrom(o: Record<string, unknown>): RuleOverrides {
  return {
    threshold: o.threshold as string | undefined,
    quorum: o.quorum as string | undefined,
    base: o.base as string | undefined,
    electorate: intOption(o.electorate, 'electorate'),
    seats: intOption(o.seats, 'seats'),
    seed: o.seed as string | undefined,
    tieBreak: o.tieBreak as string | undefined,
    min: o.minScore === undefined ? undefined : Number(o.minScore),
    max: o.maxScore === undefined ? undefined : Number(o.maxScore),
    aggregate: o.aggregate as string | undefined,
    credits: intOption(o.credits, 'credits'),
    mode: o.chambersMode as string | undefined,
    minParticipation: o.minParticipation as string | undefined,
    fallback: o.fallback as string | undefined,
    maxApprovals: intOption(o.maxApprovals, 'max-approvals'),
  };
}

const steps = (explanation: readonly ExplanationStep[]) => explanation.map((s) => `  ${s.text}`);

/** The readable text and the machine result of a single-question method. */
function present(result: DecisionResult, title?: string): TallyOutput {
  const head = title ? [title] : [];
  switch (result.method) {
    case 'majority':
    case 'consent':
    case 'consensus':
    case 'chambers': {
      const outcome = result.passed ? 'yes' : 'no';
      const label = {
        majority: () =>
          `majority (${result.method === 'majority' ? `${result.strict ? 'more than' : 'at least'} ${result.threshold} of ${result.base === 'cast' ? 'the votes cast' : result.base === 'present' ? 'those present' : 'the electorate'}` : ''})`,
        consent: () => 'consent (no standing objection)',
        consensus: () => 'consensus (no block)',
        chambers: () => `chambers (${result.method === 'chambers' ? result.mode : ''})`,
      }[result.method]();
      return {
        text: [
          ...head,
          `${label}: ${result.passed ? 'PASSED' : 'NOT PASSED'}`,
          ...steps(result.explanation),
        ].join('\n'),
        json: {
          method: result.method,
          winners: [outcome],
          passed: result.passed,
          rounds: [{ round: 1, ...roundOf(result) }],
          explanation: result.explanation,
          result,
        },
      };
    }
    case 'plurality':
    case 'approval':
    case 'score':
    case 'cumulative': {
      const key = result.seats === 1 ? 'winners' : 'elected';
      const totals = result.ranking.map((r) => `${r.candidate} ${r.total}`).join(', ');
      return {
        text: [
          ...head,
          `${result.method}: ${result.seats === 1 ? 'winner' : 'elected'} ${result.winners.join(', ') || '(none)'}${result.tied.length ? `; tied: ${result.tied.join(', ')}` : ''}`,
          `  totals: ${totals}`,
          ...steps(result.explanation),
        ].join('\n'),
        json: {
          method: result.method,
          [key]: result.winners,
          tied: result.tied,
          rounds: [{ round: 1, tally: result.ranking }],
          explanation: result.explanation,
        },
      };
    }
    case 'quadratic': {
      const seats = result.winners.length + (result.tied.length ? 1 : 0);
      const key = seats <= 1 ? 'winners' : 'elected';
      return {
        text: [
          ...head,
          `quadratic: ${result.winners.length ? `winner ${result.winners.join(', ')}` : '(no winner)'}${result.tied.length ? `; tied: ${result.tied.join(', ')}` : ''}`,
          ...steps(result.explanation),
        ].join('\n'),
        json: {
          method: 'quadratic',
          [key]: result.winners,
          tied: result.tied,
          passed: result.passed,
          rounds: [{ round: 1, tally: result.ranking }],
          rejected: result.ballots.rejected,
          explanation: result.explanation,
        },
      };
    }
  }
}

function roundOf(result: DecisionResult): Record<string, unknown> {
  if ('counts' in result) return { counts: result.counts };
  if (result.method === 'chambers')
    return {
      chambers: result.chambers.map((c) => ({ name: c.name, passed: c.passed, counts: c.result.counts })),
      weighted: result.weighted,
    };
  return {};
}

const SUMMARIES: Record<DecisionMethodName, string> = {
  plurality: 'one choice per ballot, most votes win (--seats for several)',
  approval: 'approve any number of candidates, most approvals win',
  score: 'score (range) voting: sum or mean of integer scores (--min-score, --max-score, --aggregate)',
  majority: 'yes/no with threshold, quorum and abstention rules (--threshold 2/3, --quorum, --base)',
  consent: 'passes unless an objection stands',
  consensus: 'passes unless someone blocks; minimum participation, optional modified-consensus fallback',
  chambers:
    'must pass in every stakeholder class by its own threshold and quorum, or by class weights with vetoes',
  quadratic: 'quadratic voting: n votes cost n² voice credits (--credits)',
};

const decisionMethods: TallyMethod[] = DECISION_METHODS.map((name) => ({
  name,
  summary: SUMMARIES[name],
  run: async (file, options, progress) => {
    progress(0, 2, 'reading');
    const text = readText(file);
    progress(1, 2, 'counting');
    const result = tallyDecisionFile(name, text, file, overridesFrom(options));
    progress(2, 2);
    let title: string | undefined;
    try {
      title = (JSON.parse(text) as { title?: string }).title;
    } catch {
      title = undefined;
    }
    return present(result, title);
  },
}));

const liquidMethod: TallyMethod = {
  name: 'liquid',
  summary:
    'liquid delegation (unit/area/issue scopes, chains, cycles) with each voter’s weight; a weighted yes/no if ballots carry choices',
  run: async (file, options, progress) => {
    progress(0, 3, 'reading');
    const { input, choices, rules } = readLiquidJson(readText(file), file);
    progress(1, 3, 'resolving delegations');
    const result = resolveLiquid(input);
    progress(2, 3, 'counting');
    const lines = ['liquid delegation', ...steps(result.explanation as ExplanationStep[])];
    const json: Record<string, unknown> = {
      method: 'liquid',
      voterCount: result.voterCount,
      directVoters: result.directVoters,
      delegators: result.delegators,
      notCounted: result.notCounted,
      droppedVotes: result.droppedVotes,
    };
    if (choices) {
      const counts: YesNoCounts = { yes: 0, no: 0, abstain: 0 };
      for (const v of result.directVoters) counts[choices.get(v.member)!] += v.weight;
      const merged: Record<string, unknown> = {
        ...rules,
        ...Object.fromEntries(Object.entries(overridesFrom(options)).filter(([, v]) => v !== undefined)),
      };
      const fraction = (k: string) => {
        try {
          return merged[k] === undefined ? undefined : parseFraction(merged[k] as string);
        } catch (e) {
          throw new DecisionInputError(`rules.${k}: ${(e as Error).message}`, file);
        }
      };
      const electorate = input.members.reduce((s, m) => s + (m.eligible === false ? 0 : (m.weight ?? 1)), 0);
      const vote = majority(counts, {
        threshold: fraction('threshold'),
        quorum: fraction('quorum'),
        base: merged.base as 'cast' | 'present' | 'electorate' | undefined,
        electorate,
      });
      lines.push(`weighted vote: ${vote.passed ? 'PASSED' : 'NOT PASSED'}`, ...steps(vote.explanation));
      Object.assign(json, {
        winners: [vote.passed ? 'yes' : 'no'],
        passed: vote.passed,
        rounds: [{ round: 1, counts: vote.counts }],
      });
      json.explanation = [...result.explanation, ...vote.explanation];
    } else json.explanation = result.explanation;
    const shown = 20;
    lines.push('direct voters (weight):');
    for (const v of [...result.directVoters].sort((a, b) => b.weight - a.weight).slice(0, shown))
      lines.push(`  ${v.member} ${v.weight}`);
    if (result.directVoters.length > shown)
      lines.push(`  … and ${result.directVoters.length - shown} more (--json lists all, with every chain)`);
    if (result.delegators.length > 0) {
      lines.push('delegation chains:');
      for (const d of result.delegators.slice(0, shown))
        lines.push(`  ${d.member} → ${d.chain.join(' → ')} (${d.scope})`);
      if (result.delegators.length > shown) lines.push(`  … and ${result.delegators.length - shown} more`);
    }
    progress(3, 3);
    return { text: lines.join('\n'), json };
  },
};

const sortitionMethod: TallyMethod = {
  name: 'sortition',
  summary:
    'verifiable random selection from a public seed (SHA-256 stream), optionally stratified by class (--seed, --seats, --alternates)',
  run: async (file, options, progress) => {
    progress(0, 1, 'drawing');
    const result = sortitionFromJson(readText(file), file, {
      seed: options.seed as string | undefined,
      seats: intOption(options.seats, 'seats'),
      alternates: intOption(options.alternates, 'alternates'),
    });
    progress(1, 1);
    return {
      text: [
        `sortition (${result.procedure}): selected ${result.selected.join(', ') || '(nobody)'}`,
        ...(result.alternates.length ? [`  alternates: ${result.alternates.join(', ')}`] : []),
        ...steps(result.explanation as ExplanationStep[]),
      ].join('\n'),
      json: {
        method: 'sortition',
        elected: result.selected,
        alternates: result.alternates,
        seed: result.seed,
        procedure: result.procedure,
        strata: result.strata,
        explanation: result.explanation,
      },
    };
  },
};

/** Every method of `peergov tally --method <name>`: ours, then the ranked ones. */
export const tallyMethods: TallyMethod[] = [
  ...decisionMethods,
  liquidMethod,
  sortitionMethod,
  ...rankedTallyMethods,
];

/** Whether `option` would clash with an option already on `command` (methods may share one, e.g. --seed). */
function clashes(command: Command, option: Option): boolean {
  return command.options.some(
    (o) => (option.long && o.long === option.long) || (option.short && o.short === option.short),
  );
}

/** The command as seen by a method's `options` hook: options already defined are kept, not redefined. */
function sharing(command: Command): Command {
  const proxy: Command = new Proxy(command, {
    get(target, prop) {
      if (prop === 'option' || prop === 'requiredOption') {
        return (flags: string, ...rest: unknown[]) => {
          if (!clashes(target, new Option(flags)))
            (target[prop] as (...a: unknown[]) => Command)(flags, ...rest);
          return proxy;
        };
      }
      if (prop === 'addOption') {
        return (option: Option) => {
          if (!clashes(target, option)) target.addOption(option);
          return proxy;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}

/** Adds `peergov tally --method <name> [options] <file>` and its `pb` subcommand. */
export function registerTally(program: Command): void {
  const names = tallyMethods.map((m) => m.name);
  const tally = program
    .command('tally')
    .description('count ballots with a decision method and explain the result')
    .argument('[file]', 'the ballot file (our JSON format, or the method’s own: RCTab, BLT, ...)')
    .addOption(new Option('--method <name>', 'the counting method').choices(names))
    .option(
      '--json',
      'print the result as JSON ({"winners": [...]} or {"elected": [...]}, rounds, explanation)',
    )
    .option('--seats <n>', 'plurality/approval/score/quadratic/sortition: how many to choose')
    .option(
      '--seed <text>',
      'sortition: the public seed (e.g. a Merkle root); plurality/approval/score: break ties by a draw from it',
    )
    .addOption(
      new Option(
        '--tie-break <mode>',
        'plurality/approval/score: none (report ties) or order (listed order)',
      ).choices(['none', 'order']),
    )
    .option('--threshold <fraction>', 'majority, chambers (weighted), liquid: share needed, e.g. 1/2 or 2/3')
    .option('--quorum <fraction>', 'majority, consent, liquid: share of the electorate that must take part')
    .addOption(
      new Option(
        '--base <base>',
        'majority: threshold of the votes cast, those present or the electorate',
      ).choices(['cast', 'present', 'electorate']),
    )
    .option('--electorate <n>', 'majority/consent/consensus: number of eligible members')
    .option('--min-participation <fraction>', 'consensus: share of the electorate that must take part')
    .option(
      '--fallback <fraction>',
      'consensus: modified consensus, pass despite blocks with this supermajority',
    )
    .option('--max-approvals <n>', 'approval: at most this many approvals per ballot')
    .option('--min-score <n>', 'score: lowest score (default 0)')
    .option('--max-score <n>', 'score: highest score (default 5)')
    .addOption(new Option('--aggregate <how>', 'score: sum or mean').choices(['sum', 'mean']))
    .option('--credits <n>', 'quadratic: voice credits per voter (default 100)')
    .addOption(
      new Option('--chambers-mode <mode>', 'chambers: every chamber must pass, or weighted by class').choices(
        ['concurrent', 'weighted'],
      ),
    )
    .option('--alternates <n>', 'sortition: alternates to draw after the selected');
  // `peergov tally pb --json x.pb`: options after "pb" belong to pb, not to tally. Commander only stops at a
  // subcommand when every command above it has positional options (peergov's own options are only -V and -h).
  program.enablePositionalOptions();
  tally.enablePositionalOptions();
  for (const m of tallyMethods) m.options?.(sharing(tally));
  tally.addHelpText(
    'after',
    [
      '',
      'Methods:',
      ...tallyMethods.map((m) => `  ${m.name.padEnd(13)} ${m.summary}`),
      '  pb            participatory budgeting: peergov tally pb --help',
    ].join('\n'),
  );
  tally.action(async (file: string | undefined, options: Record<string, unknown>) => {
    if (!options.method) throw new Error(`tally: --method <name> is needed (${names.join(', ')})`);
    if (!file) throw new Error('tally: the ballot file is missing');
    const method = tallyMethods.find((m) => m.name === options.method)!;
    const bar = progressBar();
    let out: TallyOutput;
    try {
      out = await method.run(file, options, bar);
    } finally {
      bar.done();
    }
    process.stdout.write((options.json ? JSON.stringify(out.json, null, 2) : out.text) + '\n');
  });
  registerTallyPb(tally);
}
