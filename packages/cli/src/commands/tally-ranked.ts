import { readFileSync } from 'node:fs';
import {
  RankedInputError,
  defaultRctabRules,
  parseBlt,
  parseRankedBallotsJson,
  rankedBallotsToCvrs,
  readRctabContest,
  schulze,
  scottishStv,
  tabulateRctab,
  type BltElection,
  type RankedElection,
  type RcvContest,
  type RcvResult,
  type RctabRules,
  type SchulzeVariant,
  type TiebreakMode,
} from '@peergov/methods/ranked';
import type { ProgressReporter, TallyMethod, TallyOutput } from './tally-types';

type Input =
  | { kind: 'blt'; election: BltElection }
  | { kind: 'rctab'; contest: RcvContest; rules: RctabRules }
  | { kind: 'ballots'; election: RankedElection };

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new RankedInputError(
      file,
      undefined,
      `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
}

/** Reads a BLT file, an RCTab contest config (with its CVR files) or our JSON ballot format, by content. */
function readInput(file: string, allowed: Input['kind'][]): Input {
  const text = readText(file);
  const trimmed = text.trimStart();
  let input: Input;
  if (!trimmed.startsWith('{')) {
    input = { kind: 'blt', election: parseBlt(text, file) };
  } else if (/"cvrFileSources"\s*:/.test(text)) {
    const { config, contest } = readRctabContest(file);
    input = { kind: 'rctab', contest, rules: config.rules };
  } else {
    input = { kind: 'ballots', election: parseRankedBallotsJson(text, file) };
  }
  if (!allowed.includes(input.kind)) {
    const what = { blt: 'a BLT file', rctab: 'an RCTab contest config', ballots: 'a JSON ballot file' }[
      input.kind
    ];
    throw new RankedInputError(
      file,
      undefined,
      `${what} cannot be counted by this method (it reads ${allowed.join(', ')})`,
    );
  }
  return input;
}

function bltToElection(e: BltElection): RankedElection {
  const withdrawn = new Set(e.withdrawn);
  const name = (c: number): string => {
    const n = e.candidates[c];
    // parseBlt checks every index against the header's count of candidates.
    if (n === undefined) throw new Error(`a BLT ballot ranks candidate ${c + 1} of ${e.candidates.length}`);
    return n;
  };
  return {
    candidates: e.candidates,
    seats: e.seats,
    title: e.title,
    ballots: e.ballots.map((b) => ({
      count: b.weight,
      ranking: b.ranking.map((g) => g.filter((c) => !withdrawn.has(c)).map(name)).filter((g) => g.length > 0),
    })),
  };
}

function positiveInt(value: unknown, option: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`${option} must be a positive integer, not ${JSON.stringify(value)}`);
  return n;
}

/** RCTab rules for a file that carries none (our JSON or BLT): RCTab's defaults plus the command-line options. */
function rulesFor(seats: number, options: Record<string, unknown>): RctabRules {
  const rules: RctabRules = {
    ...defaultRctabRules,
    numberOfWinners: seats,
    winnerElectionMode: seats > 1 ? 'multiWinnerAllowMultipleWinnersPerRound' : 'singleWinnerMajority',
    // Our ballots and BLT lines have no gaps between ranks.
    maxSkippedRanksAllowed: Infinity,
  };
  if (options.rcvTiebreak !== undefined) rules.tiebreakMode = String(options.rcvTiebreak) as TiebreakMode;
  if (options.rcvSeed !== undefined) rules.randomSeed = BigInt(String(options.rcvSeed));
  if (options.rcvOvervote !== undefined)
    rules.overvoteRule = String(options.rcvOvervote) as RctabRules['overvoteRule'];
  if (options.rcvBatchElimination) rules.batchElimination = true;
  return rules;
}

function contestFrom(
  input: Input,
  options: Record<string, unknown>,
  defaultSeats: number,
): { contest: RcvContest; rules: RctabRules } {
  if (input.kind === 'rctab') {
    const seats = positiveInt(options.stvSeats, '--stv-seats');
    return {
      contest: input.contest,
      rules: seats ? { ...input.rules, numberOfWinners: seats } : input.rules,
    };
  }
  const election = input.kind === 'blt' ? bltToElection(input.election) : input.election;
  const seats = positiveInt(options.stvSeats, '--stv-seats') ?? election.seats ?? defaultSeats;
  return {
    contest: {
      candidates: election.candidates.map((name) => ({ name })),
      cvrs: rankedBallotsToCvrs(election),
    },
    rules: rulesFor(seats, options),
  };
}

function roundsText(result: RcvResult): string[] {
  return result.rounds.map((r) => {
    const tally = Object.entries(r.tally)
      .sort((a, b) => Number(b[1]) - Number(a[1]))
      .map(([c, v]) => `${c} ${v}`)
      .join(', ');
    const actions = r.tallyResults
      .map((a) => (a.elected ? `elected ${a.elected}` : `eliminated ${a.eliminated}`))
      .join('; ');
    return `  round ${r.round} (threshold ${r.threshold}): ${tally}${actions ? ` -> ${actions}` : ''}`;
  });
}

const sharedRcvOptions = (command: import('commander').Command) => {
  command
    .option(
      '--rcv-tiebreak <mode>',
      'irv/stv on JSON or BLT input: useCandidateOrder, random, generatePermutation, previousRoundCountsThenRandom',
    )
    .option('--rcv-seed <n>', 'irv/stv: seed of the random tie-break (Java Random, as RCTab)')
    .option(
      '--rcv-overvote <rule>',
      'irv/stv: exhaustImmediately, alwaysSkipToNextRank or exhaustIfMultipleContinuing',
    )
    .option(
      '--rcv-batch-elimination',
      'irv: eliminate together all candidates who could not overtake the next one',
    );
};

/** The ranked counting methods for `peergov tally`: schulze, irv, stv and scottish-stv. */
export const rankedTallyMethods: TallyMethod[] = [
  {
    name: 'schulze',
    summary: 'Schulze method (winning, margin or ratio); reads our JSON ballots or a BLT file',
    options: (command) => {
      command.option(
        '--schulze-variant <variant>',
        'schulze link strength: winning (default), margin or ratio',
      );
    },
    run: async (file, options, progress): Promise<TallyOutput> => {
      const variant = (options.schulzeVariant ?? 'winning') as SchulzeVariant;
      if (!['winning', 'margin', 'ratio'].includes(variant))
        throw new Error(`--schulze-variant must be winning, margin or ratio`);
      progress(0, 2, 'reading');
      const input = readInput(file, ['ballots', 'blt']);
      const election =
        input.kind === 'blt'
          ? bltToElection(input.election)
          : (input as { election: RankedElection }).election;
      progress(1, 2, 'counting');
      const result = schulze(election, variant);
      progress(2, 2);
      const text = [
        `Schulze (${variant}): winner${result.winners.length > 1 ? 's (tied)' : ''} ${result.winners.join(', ')}`,
        'Ranking:',
        ...result.ranking.map((g, i) => `  ${i + 1}. ${g.join(', ')}`),
        '',
        ...result.explanation,
      ].join('\n');
      return {
        text,
        json: {
          method: 'schulze',
          variant,
          winners: result.winners,
          ranking: result.ranking,
          rounds: result.ranking.map((group, i) => ({ round: i + 1, ranked: group })),
          pairwise: result.pairwise,
          strongestPaths: result.strongestPaths,
          explanation: result.explanation,
        },
      };
    },
  },
  {
    name: 'irv',
    summary:
      'instant-runoff as RCTab counts it; reads an RCTab config (with its CVRs), our JSON ballots or a BLT file',
    options: sharedRcvOptions,
    run: async (file, options, progress) => {
      progress(0, 2, 'reading');
      const { contest, rules } = contestFrom(
        readInput(file, ['rctab', 'ballots', 'blt']),
        { ...options, stvSeats: undefined },
        1,
      );
      if (rules.numberOfWinners !== 1) {
        throw new RankedInputError(
          file,
          undefined,
          `the contest elects ${rules.numberOfWinners}; use --method stv for more than one seat`,
        );
      }
      progress(1, 2, 'counting');
      const result = tabulateRctab(contest, rules);
      progress(2, 2);
      return {
        text: [
          `IRV (RCTab rules): winner ${result.winners.join(', ')}`,
          ...roundsText(result),
          '',
          ...result.explanation,
        ].join('\n'),
        json: {
          method: 'irv',
          winners: result.winners,
          rounds: result.rounds,
          summary: result.summary,
          explanation: result.explanation,
        },
      };
    },
  },
  {
    name: 'stv',
    summary:
      'multi-winner STV as RCTab counts it (fractional surpluses); reads an RCTab config, our JSON ballots or a BLT file',
    options: (command) => {
      command.option('--stv-seats <n>', 'stv/scottish-stv: seats to fill (overrides the file)');
    },
    run: async (file, options, progress) => {
      progress(0, 2, 'reading');
      const { contest, rules } = contestFrom(readInput(file, ['rctab', 'ballots', 'blt']), options, 1);
      progress(1, 2, 'counting');
      const result = tabulateRctab(contest, rules);
      progress(2, 2);
      return {
        text: [
          `STV (RCTab rules, ${rules.numberOfWinners} seats): elected ${result.winners.join(', ')}`,
          ...roundsText(result),
          '',
          ...result.explanation,
        ].join('\n'),
        json: {
          method: 'stv',
          elected: result.winners,
          rounds: result.rounds,
          summary: result.summary,
          explanation: result.explanation,
        },
      };
    },
  },
  {
    name: 'scottish-stv',
    summary: 'Scottish STV (2007 rules, 5-decimal fixed point); reads a BLT file or our JSON ballots',
    run: async (file, options, progress) => {
      progress(0, 2, 'reading');
      const input = readInput(file, ['blt', 'ballots']);
      let election: BltElection;
      if (input.kind === 'blt') election = input.election;
      else {
        const e = (input as { election: RankedElection }).election;
        const index = new Map(e.candidates.map((c, i) => [c, i]));
        election = {
          candidates: e.candidates,
          seats: e.seats ?? 1,
          withdrawn: [],
          title: e.title ?? '',
          ballots: e.ballots.map((b, i) => ({
            weight: b.count ?? 1,
            line: i + 1,
            ranking: b.ranking.map((g) => g.map((c) => index.get(c)!)),
          })),
        };
      }
      progress(1, 2, 'counting');
      const result = scottishStv(election, { seats: positiveInt(options.stvSeats, '--stv-seats') });
      progress(2, 2);
      const stagesText = result.stages.map(
        (s) =>
          `  stage ${s.stage} ${s.action}${s.candidate ? ` ${s.candidate} (${s.transferred})` : ''}: ${Object.entries(
            s.votes,
          )
            .map(([c, v]) => `${c} ${v}`)
            .join(', ')}; non-transferable ${s.nonTransferable}`,
      );
      return {
        text: [
          `Scottish STV (${result.seats} seats, quota ${result.quota}): elected ${result.elected.join(', ')}`,
          ...stagesText,
          '',
          ...result.explanation,
        ].join('\n'),
        json: {
          method: 'scottish-stv',
          elected: result.elected,
          quota: result.quota,
          rounds: result.stages,
          explanation: result.explanation,
        },
      };
    },
  },
];

/** For callers that want a method by name without the registry. */
export function rankedTallyMethod(name: string): TallyMethod | undefined {
  return rankedTallyMethods.find((m) => m.name === name);
}

export type { ProgressReporter };
