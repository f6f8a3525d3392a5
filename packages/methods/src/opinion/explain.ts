// A readable account of an opinion map: who is in it, the groups and what defines each, and what bridges them.
import type { OpinionMap } from './map';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Plain-text explanation of an opinion map: group sizes, each group's defining statements, bridging statements. */
export function explainOpinionMap(
  map: OpinionMap,
  texts: ReadonlyMap<string, string> = new Map(),
  top = 5,
): string {
  const say = (tid: string) => {
    const t = texts.get(tid);
    return t ? `#${tid} "${t.length > 120 ? t.slice(0, 117) + '...' : t}"` : `#${tid}`;
  };
  const inMap = map.participants.filter((p) => p.inConv).length;
  const lines: string[] = [];
  lines.push(
    `${map.participants.length} participants voted on ${map.statements.length} statements; ` +
      (inMap === map.participants.length &&
      map.participants.some((p) => p.votes < Math.min(7, map.statements.length))
        ? `all ${inMap} are placed in the map, however few their votes (as Pol.is did in 2017).`
        : `${inMap} voted enough to be placed in the map (Pol.is rule: min(7, statements) votes).`),
  );
  const sil = Object.entries(map.silhouettes)
    .map(([k, s]) => `k=${k}: ${s.toFixed(3)}`)
    .join(', ');
  lines.push(`${map.groups.length} opinion groups (silhouette ${sil}).`);
  map.groups.forEach((g, gi) => {
    lines.push(
      '',
      `Group ${String.fromCharCode(65 + gi)} (${g.members.length} participants, ${pct(g.members.length / Math.max(inMap, 1))} of the map):`,
    );
    for (const r of map.repness[gi] ?? [])
      lines.push(
        `  ${pct(r.pSuccess)} ${r.repfulFor === 'agree' ? 'agree' : 'disagree'} (${r.nSuccess} of ${r.nTrials}; ` +
          `${r.repness.toFixed(2)}x the rest) with ${say(r.tid)}`,
      );
  });
  lines.push('', 'Consensus across everyone:');
  if (map.consensus.agree.length + map.consensus.disagree.length === 0) lines.push('  none significant');
  for (const c of map.consensus.agree) lines.push(`  ${pct(c.pSuccess)} agree with ${say(c.tid)}`);
  for (const c of map.consensus.disagree) lines.push(`  ${pct(c.pSuccess)} disagree with ${say(c.tid)}`);
  lines.push('', 'Bridging statements (every group tends to agree; group-informed consensus):');
  const bridging = map.statements
    .filter((s) => !s.moderatedOut)
    .sort((a, b) => b.groupAwareConsensus - a.groupAwareConsensus)
    .slice(0, top);
  for (const s of bridging) lines.push(`  ${s.groupAwareConsensus.toFixed(3)} ${say(s.id)}`);
  return lines.join('\n');
}
