import type { Command } from 'commander';
import { registerTally } from './tally';
import { registerOpinionMap } from './opinion-map';

/** Every subcommand of `peergov`, registered explicitly (never discovered). */
export function registerCommands(program: Command): void {
  registerTally(program);
  registerOpinionMap(program);
}
