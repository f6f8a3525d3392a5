import type { Command } from 'commander';
import {
  detectOpinionVariant,
  explainOpinionMap,
  mapConversation,
  readConversationDir,
  VARIANT_DEFAULTS,
  type OpinionVariant,
} from '@peergov/methods/opinion';

/**
 * `peergov opinion-map <dir> [--json] [--variant <name>]`: opinion groups, representative and consensus statements
 * of a conversation, with Pol.is's current math or the pol-is/polisMath variant of 2017 exports.
 */
export function registerOpinionMap(program: Command): void {
  program
    .command('opinion-map')
    .description('map opinion groups of a Pol.is conversation (openData export or red-dwarf fixture folder)')
    .argument(
      '<dir>',
      'folder with votes.csv + comments.csv (openData) or votes.json + comments.json (red-dwarf)',
    )
    .option('--json', 'print {"groups": {"<participant id>": <group index>}, ...} instead of text')
    .option(
      '--variant <name>',
      "Pol.is math to follow: 'polis' (today's, default), 'polis-2017' (pol-is/polisMath, for exports from 2017 " +
        "and earlier: missing votes as 0, every voter clustered, 50 base clusters) or 'auto' (chosen from which " +
        'voters the export places in groups; see docs/methods/opinion.md)',
      'polis',
    )
    .action((dir: string, options: { json?: boolean; variant: string }) => {
      const known = [...Object.keys(VARIANT_DEFAULTS), 'auto'];
      if (!known.includes(options.variant))
        throw new Error(`--variant: unknown variant "${options.variant}" (known: ${known.join(', ')})`);
      const conversation = readConversationDir(dir);
      const chosen =
        options.variant === 'auto'
          ? detectOpinionVariant(conversation)
          : { variant: options.variant as OpinionVariant, reason: 'chosen with --variant' };
      const map = mapConversation(conversation, { variant: chosen.variant });
      if (options.json) {
        console.log(
          JSON.stringify({
            variant: chosen.variant,
            variantReason: chosen.reason,
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
      if (chosen.variant !== 'polis' || options.variant === 'auto')
        console.log(`Variant ${chosen.variant}: ${chosen.reason}.\n`);
      console.log(explainOpinionMap(map, texts));
    });
}
