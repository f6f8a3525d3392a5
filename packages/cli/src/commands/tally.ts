import type { Command } from 'commander';

// Placeholder until the decision-methods work lands: owned by the issue-5 helper.
export function registerTally(program: Command): void {
  program.command('tally').description('count ballots with a decision method (not yet available)');
}
