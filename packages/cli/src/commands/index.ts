import { Command, Option } from 'commander';

type Register = (program: Command) => void;

/**
 * One subcommand of `peergov`: how the top-level help lists it, and the module that registers it, imported only
 * when the subcommand runs (or its own help is asked for). The modules of `serve`, `verify`, `export`, `rebuild`
 * and `admin` declare options only; each action imports its `*-action.ts` module when it runs, which loads only
 * what it uses (`serve` the server, `verify` of a SQLite file the log checks and better-sqlite3, not pg or
 * fastify). `tally` and `opinion-map` import the methods.
 */
export interface CommandEntry {
  name: string;
  /** The description the module gives, as the top-level help shows it (test/bin.test.ts checks they agree). */
  description: string;
  /** Whether the command has options (the help then writes `[options]` after its name). */
  options: boolean;
  /** Its arguments as the help writes them, e.g. `[file]`. */
  args: string[];
  load(): Promise<Register>;
}

/** Every subcommand of `peergov`, registered explicitly (never discovered), in the order the help lists them. */
export const commandTable: readonly CommandEntry[] = [
  {
    name: 'serve',
    description: 'serve the platform (API and web app); SQLite under ./data unless --database-url is given',
    options: true,
    args: [],
    load: async () => (await import('./serve')).registerServe,
  },
  {
    name: 'verify',
    description:
      'verify every commons log: each record and its stored columns, the hash chain, the head, the signed ' +
      'checkpoint (which must cover the whole log), the read-model documents rebuilt from the log, and ' +
      'optionally a checkpoint saved earlier; exit 1 naming the first fault',
    options: true,
    args: [],
    load: async () => (await import('./verify')).registerVerify,
  },
  {
    name: 'export',
    description:
      'export a commons log as JSON lines: one line per record with its RFC 6962 inclusion proof, then the signed checkpoint',
    options: true,
    args: [],
    load: async () => (await import('./export')).registerExport,
  },
  {
    name: 'rebuild',
    description:
      'verify each commons log, then rewrite all its read-model documents (commons, proposals, positions, ' +
      'comments) from the log in one transaction; a log that fails verification is not touched (exit 1). ' +
      'Restart running servers afterwards so that they reload what they cache.',
    options: true,
    args: [],
    load: async () => (await import('./rebuild')).registerRebuild,
  },
  {
    name: 'admin',
    description: 'administer the platform (accounts)',
    options: false,
    args: [],
    load: async () => (await import('./admin')).registerAdmin,
  },
  {
    name: 'tally',
    description: 'count ballots with a decision method and explain the result',
    options: true,
    args: ['[file]'],
    load: async () => (await import('./tally')).registerTally,
  },
  {
    name: 'opinion-map',
    description: 'map opinion groups of a Pol.is conversation (openData export or red-dwarf fixture folder)',
    options: true,
    args: ['<dir>'],
    load: async () => (await import('./opinion-map')).registerOpinionMap,
  },
];

/** The `peergov` command itself, without subcommands. */
export function newProgram(): Command {
  return new Command('peergov')
    .description('peergov: peer governance for commons that decide under their own constitution')
    .version('0.1.0')
    .showHelpAfterError();
}

/**
 * The subcommand names that `args` (process.argv without node and the script) runs or asks help for: the first
 * operand, and after `help` the next one. The program's own options (-h, -V) take no value.
 */
export function invokedCommands(args: readonly string[]): Set<string> {
  const operands = args.filter((a) => !a.startsWith('-'));
  const names = new Set<string>();
  if (operands[0] !== undefined) names.add(operands[0]);
  if (operands[0] === 'help' && operands[1] !== undefined) names.add(operands[1]);
  return names;
}

/** Stands in for a subcommand that this call does not run: it only shows in the top-level help. */
function placeholder(program: Command, entry: CommandEntry): void {
  const command = program.command(entry.name).description(entry.description);
  if (entry.options) command.addOption(new Option('--placeholder').hideHelp());
  for (const arg of entry.args) command.argument(arg);
  command.action(() => {
    throw new Error(`peergov ${entry.name} was not loaded`);
  });
}

/**
 * `peergov` for the arguments `args`: the subcommand they run is registered from its module; the others are
 * placeholders with their names and descriptions, enough for the top-level help and for "unknown command".
 */
export async function buildProgramFor(args: readonly string[]): Promise<Command> {
  const program = newProgram();
  const wanted = invokedCommands(args);
  const loaded = await Promise.all(
    commandTable.map((entry) => (wanted.has(entry.name) ? entry.load() : null)),
  );
  commandTable.forEach((entry, i) => {
    const register = loaded[i];
    if (register) register(program);
    else placeholder(program, entry);
  });
  return program;
}
