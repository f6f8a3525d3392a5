import type { Command } from 'commander';
import { registerAdmin } from './commands/admin';
import { registerExport } from './commands/export';
import { newProgram } from './commands/index';
import { registerOpinionMap } from './commands/opinion-map';
import { registerRebuild } from './commands/rebuild';
import { registerServe } from './commands/serve';
import { registerTally } from './commands/tally';
import { registerVerify } from './commands/verify';

/**
 * Builds the `peergov` command with every subcommand registered, each from its module: for tests and for embedding.
 * The `peergov` bin does not use it: it loads only the module of the subcommand it runs (`buildProgramFor` in
 * commands/index.ts), which keeps its start-up short.
 */
export function buildProgram(): Command {
  const program = newProgram();
  for (const register of [
    registerServe,
    registerVerify,
    registerExport,
    registerRebuild,
    registerAdmin,
    registerTally,
    registerOpinionMap,
  ])
    register(program);
  return program;
}
