import type { Command } from 'commander';

// Placeholder until the opinion-mapping work lands: owned by the issue-4 helper.
export function registerOpinionMap(program: Command): void {
  program.command('opinion-map').description('map opinion groups in a conversation (not yet available)');
}
