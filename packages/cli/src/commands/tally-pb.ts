import { Option, type Command } from 'commander';
import {
  parseTieBreak,
  readPbFile,
  tallyPb,
  type MesComparison,
  type MesCompletion,
  type MesUtility,
  type PbRule,
} from '@peergov/methods/pb';
import { progressBar } from '../progress';

interface TallyPbCliOptions {
  rule: PbRule;
  completion: MesCompletion;
  comparison?: MesComparison;
  utility: MesUtility;
  tieBreak?: string;
  seed?: string;
  threshold?: string;
  exact?: boolean;
  json?: boolean;
}

/** Adds `peergov tally pb`: MES or greedy on a Pabulib `.pb` file, with the explanation or `--json`. */
export function registerTallyPb(tally: Command): void {
  tally
    .command('pb')
    .description('participatory budgeting on a Pabulib .pb file: Method of Equal Shares or greedy')
    .argument('<file>', 'a Pabulib .pb file (pabulib.org/format)')
    .addOption(
      new Option('--rule <rule>', 'counting rule')
        .choices(['mes', 'greedy', 'greedy-no-skip'])
        .makeOptionMandatory(),
    )
    .addOption(
      new Option('--completion <completion>', 'MES completion')
        .choices(['add1', 'add1-greedy', 'none'])
        .default('add1'),
    )
    .addOption(
      new Option(
        '--comparison <how>',
        'MES: compare with greedy, keep greedy if more voters prefer it',
      ).choices(['none', 'satisfaction', 'exclusion']),
    )
    .addOption(
      new Option('--utility <utility>', 'MES utilities').choices(['cost', 'approval']).default('cost'),
    )
    .option('--tie-break <chain>', 'tie-break chain, e.g. cost,votes,lot (default cost,votes,lot)')
    .option('--seed <seed>', 'seed of the lot in the tie-break chain', '')
    .option('--threshold <score>', 'greedy: minimum votes (or points) for a project to be eligible')
    .option('--exact', 'MES in exact rational arithmetic throughout (slower, same outcome)')
    .option('--json', 'print the result as JSON')
    .action((file: string, options: TallyPbCliOptions) => {
      const threshold = options.threshold === undefined ? undefined : Number(options.threshold);
      if (threshold !== undefined && !Number.isFinite(threshold))
        throw new Error(`--threshold must be a number, not ${JSON.stringify(options.threshold)}`);
      const instance = readPbFile(file);
      const bar = progressBar();
      let result: ReturnType<typeof tallyPb>;
      try {
        result = tallyPb(instance, {
          rule: options.rule,
          completion: options.completion,
          comparison: options.comparison,
          utility: options.utility,
          tieBreak: options.tieBreak === undefined ? undefined : parseTieBreak(options.tieBreak),
          seed: options.seed,
          threshold,
          arithmetic: options.exact ? 'exact' : 'fast',
          onProgress: bar,
        });
      } finally {
        bar.done();
      }
      process.stdout.write((options.json ? JSON.stringify(result.json, null, 2) : result.text) + '\n');
    });
}
