// Which Pol.is variant produced an openData export's groups (docs/methods/opinion.md, "Variants"): exports whose
// math clustered every voter, including voters with fewer than min(7, statements) votes, come from the pol-is/
// polisMath era (2017 and earlier, `'polis-2017'`); exports that leave such voters unclustered come from today's
// math (`'polis'`). The rule reads only which participants have a group, never which group.
import { at } from '../common/index';
import type { ImportedConversation } from './import';
import type { OpinionVariant } from './map';
import { buildVoteMatrix, voteCounts } from './matrix';

/** The Pol.is variant that matches an export's clustering rule, with the reason in words. */
export function detectOpinionVariant(conversation: ImportedConversation): {
  variant: OpinionVariant;
  reason: string;
} {
  const groups = conversation.polisGroups;
  if (!groups || groups.size === 0)
    return { variant: 'polis', reason: 'the export carries no Pol.is groups: current Pol.is math' };
  const m = buildVoteMatrix(conversation.votes);
  const counts = voteCounts(m);
  const threshold = Math.min(7, m.statementIds.length);
  let few = 0;
  let fewGrouped = 0;
  let ungrouped = 0;
  m.participantIds.forEach((id, r) => {
    const grouped = groups.has(id);
    if (!grouped) ungrouped++;
    if (at(counts, r, 'vote count') < threshold) {
      few++;
      if (grouped) fewGrouped++;
    }
  });
  if (ungrouped === 0 && few > 0)
    return {
      variant: 'polis-2017',
      reason: `every voter has a Pol.is group, including ${fewGrouped} with fewer than ${threshold} votes: Pol.is clustered everyone, as pol-is/polisMath-era exports do`,
    };
  if (few === 0)
    return { variant: 'polis', reason: `no voter has fewer than ${threshold} votes: current Pol.is math` };
  return {
    variant: 'polis',
    reason: `${ungrouped} voters have no Pol.is group (${few} have fewer than ${threshold} votes): Pol.is applied its in-conversation rule, as current Pol.is does`,
  };
}
