import { Command } from 'commander';
import { registerCommands } from './commands/index';

/** Builds the `peergov` command with every subcommand registered explicitly. */
export function buildProgram(): Command {
  const program = new Command('peergov')
    .description('peergov: peer governance for commons that decide under their own constitution')
    .version('0.1.0')
    .showHelpAfterError();
  registerCommands(program);
  return program;
}
