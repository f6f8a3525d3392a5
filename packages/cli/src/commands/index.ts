import type { Command } from 'commander';
import { registerAdmin } from './admin';
import { registerExport } from './export';
import { registerOpinionMap } from './opinion-map';
import { registerRebuild } from './rebuild';
import { registerServe } from './serve';
import { registerTally } from './tally';
import { registerVerify } from './verify';

/** Every subcommand of `peergov`, registered explicitly (never discovered). */
export function registerCommands(program: Command): void {
  registerServe(program);
  registerVerify(program);
  registerExport(program);
  registerRebuild(program);
  registerAdmin(program);
  registerTally(program);
  registerOpinionMap(program);
}
