// Tie-breaking as a configurable chain: lower cost, more votes, a seeded lot; file order closes any tie left.
import type { PbProfile } from './profile';
import { cmp } from './rational';

export type TieBreakCriterion = 'cost' | 'votes' | 'lot';

/** The default chain, as used for the official MES results (equalshares.net: minCost, then maxVotes). */
export const DEFAULT_TIE_BREAK: readonly TieBreakCriterion[] = ['cost', 'votes', 'lot'];

/** Parses `cost,votes,lot` (any order, no repeats); throws naming the bad entry. */
export function parseTieBreak(text: string): TieBreakCriterion[] {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const out: TieBreakCriterion[] = [];
  for (const p of parts) {
    if (p !== 'cost' && p !== 'votes' && p !== 'lot')
      throw new Error(`unknown tie-break criterion "${p}" (known: cost, votes, lot)`);
    if (out.includes(p)) throw new Error(`tie-break criterion "${p}" given twice`);
    out.push(p);
  }
  return out;
}

/** cyrb53: a small, well-mixed 53-bit string hash; deterministic across platforms. */
function hash53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** The seeded lot: each project's rank is the hash of `seed`, a NUL and its id (lower rank wins). */
export function lotRanks(projectIds: readonly string[], seed: string): Float64Array {
  return Float64Array.from(projectIds, (id) => hash53(`${seed}\u0000${id}`));
}

/** Which criterion decided a tie, for explanations (`file-order` when the chain was exhausted). */
export type TieDecidedBy = TieBreakCriterion | 'file-order';

/** A comparator over project indices: negative when `a` wins the tie. */
export interface TieBreaker {
  compare(a: number, b: number): number;
  decidedBy(a: number, b: number): TieDecidedBy;
}

/** Builds the comparator for a chain on a profile; `seed` feeds the lot. */
export function makeTieBreaker(
  profile: PbProfile,
  chain: readonly TieBreakCriterion[],
  seed = '',
): TieBreaker {
  const ranks = chain.includes('lot') ? lotRanks(profile.projectIds, seed) : undefined;
  const step = (c: TieBreakCriterion, a: number, b: number): number => {
    if (c === 'cost') return cmp(profile.costs[a]!, profile.costs[b]!);
    if (c === 'votes') return profile.approvals[b]! - profile.approvals[a]!;
    return Math.sign(ranks![a]! - ranks![b]!);
  };
  return {
    compare(a, b) {
      for (const c of chain) {
        const r = step(c, a, b);
        if (r !== 0) return r;
      }
      return a - b;
    },
    decidedBy(a, b) {
      for (const c of chain) if (step(c, a, b) !== 0) return c;
      return 'file-order';
    },
  };
}
