import { RankedInputError, type RankedElection } from './types';

/**
 * Ranked ballots in typed arrays: ballot b lists `members[offsets[b]..offsets[b+1])` (candidate indices) with their
 * group (`groups`, 0 = most preferred; equal groups are ties) and stands for `counts[b]` identical ballots.
 */
export interface PackedRankings {
  candidates: string[];
  offsets: Int32Array;
  members: Int32Array;
  groups: Int32Array;
  counts: Float64Array;
}

/** Packs (and validates) ballots of our JSON format, merging identical ballots into one line with their total count. */
export function packRankedBallots(election: RankedElection, file?: string): PackedRankings {
  const { candidates } = election;
  if (!Array.isArray(candidates) || candidates.length === 0) {
    throw new RankedInputError(file, undefined, '"candidates" must be a non-empty array of names');
  }
  const index = new Map<string, number>();
  candidates.forEach((name, i) => {
    if (typeof name !== 'string' || name === '')
      throw new RankedInputError(file, undefined, `candidate ${i + 1} has no name`);
    if (index.has(name)) throw new RankedInputError(file, undefined, `candidate "${name}" is listed twice`);
    index.set(name, i);
  });
  if (!Array.isArray(election.ballots))
    throw new RankedInputError(file, undefined, '"ballots" must be an array');
  const byKey = new Map<string, number>();
  const lines: { members: number[]; groups: number[]; count: number }[] = [];
  const seen = new Int32Array(candidates.length).fill(-1);
  election.ballots.forEach((ballot, b) => {
    const where = `ballot ${b + 1}`;
    const count = ballot.count ?? 1;
    if (typeof count !== 'number' || !Number.isFinite(count) || count < 0) {
      throw new RankedInputError(file, undefined, `${where}: count must be a non-negative number`);
    }
    if (!Array.isArray(ballot.ranking))
      throw new RankedInputError(file, undefined, `${where}: "ranking" must be an array of groups`);
    const members: number[] = [];
    const groups: number[] = [];
    ballot.ranking.forEach((group, g) => {
      const list = typeof group === 'string' ? [group] : group;
      if (!Array.isArray(list))
        throw new RankedInputError(file, undefined, `${where}: group ${g + 1} must be an array of names`);
      for (const name of list) {
        const c = index.get(name);
        if (c === undefined)
          throw new RankedInputError(file, undefined, `${where}: unknown candidate "${name}"`);
        if (seen[c] === b)
          throw new RankedInputError(file, undefined, `${where}: candidate "${name}" is ranked twice`);
        seen[c] = b;
        members.push(c);
        groups.push(g);
      }
    });
    if (count === 0) return;
    const key = members.join(',') + '|' + groups.join(',');
    const line = byKey.get(key);
    if (line !== undefined)
      lines[line]!.count += count; // byKey holds indices into lines
    else {
      byKey.set(key, lines.length);
      lines.push({ members, groups, count });
    }
  });
  let total = 0;
  for (const line of lines) total += line.members.length;
  const offsets = new Int32Array(lines.length + 1);
  const members = new Int32Array(total);
  const groups = new Int32Array(total);
  const counts = new Float64Array(lines.length);
  let at = 0;
  lines.forEach((line, b) => {
    offsets[b] = at;
    counts[b] = line.count;
    members.set(line.members, at);
    groups.set(line.groups, at);
    at += line.members.length;
  });
  offsets[lines.length] = at;
  return { candidates: [...candidates], offsets, members, groups, counts };
}
