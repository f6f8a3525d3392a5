import type { Command } from 'commander';
import { explainOpinionMap, mapConversation, readConversationDir } from '@peergov/methods/opinion';

/** `peergov opinion-map <dir> [--json]`: opinion groups, representative and consensus statements of a conversation. */
export function registerOpinionMap(program: Command): void {
  program
    .command('opinion-map')
    .description('map opinion groups of a Pol.is conversation (openData export or red-dwarf fixture folder)')
    .argument(
      '<dir>',
      'folder with votes.csv + comments.csv (openData) or votes.json + comments.json (red-dwarf)',
    )
    .option('--json', 'print {"groups": {"<participant id>": <group index>}, ...} instead of text')
    .action((dir: string, options: { json?: boolean }) => {
      const conversation = readConversationDir(dir);
      const map = mapConversation(conversation);
      if (options.json) {
        console.log(
          JSON.stringify({
            groups: map.groupOf,
            groupSizes: map.groups.map((g) => g.members.length),
            silhouettes: map.silhouettes,
            repness: map.repness,
            consensus: map.consensus,
            groupAwareConsensus: Object.fromEntries(map.statements.map((s) => [s.id, s.groupAwareConsensus])),
          }),
        );
        return;
      }
      const texts = new Map(
        conversation.statements.flatMap((s) => (s.text ? [[s.id, s.text] as const] : [])),
      );
      console.log(explainOpinionMap(map, texts));
    });
}
