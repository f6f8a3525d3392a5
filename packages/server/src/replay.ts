// A commons' history replayed under a draft constitution (the kernel's `replayUnderDraft`), answered a page of
// differences at a time. The replay of one draft against one revision of the state is kept for the next pages: the
// same draft, paged through, is counted once.
import { canonicalJson } from '@peergov/kernel/log';
import {
  own,
  replayUnderDraft,
  revisionOf,
  type CommonsCore,
  type CommonsState,
  type ReplayResult,
} from '@peergov/kernel';

/** Differences per page, unless `limit` asks for fewer or more (up to REPLAY_PAGE_MAX). */
export const REPLAY_PAGE = 50;
export const REPLAY_PAGE_MAX = 200;
/** The proposals that could not be replayed listed in an answer (the summary counts all of them). */
const NOT_REPLAYABLE_LISTED = 100;
/** Replays kept for their next pages. */
const KEPT = 16;

// Keyed by the commons and the draft's canonical form, and valid for the state it was counted on: the same core
// (each commit makes a new one) and the same revision of its proposals (written in place). The oldest goes first.
const kept = new Map<string, { core: CommonsCore; revision: number; result: ReplayResult }>();

/** The replay of `rules` against this state, from the last few kept if the same draft was replayed on it. */
function replayOf(state: CommonsState, rules: unknown, beforeCounting: () => void): ReplayResult {
  let key: string;
  try {
    key = `${state.core.id}\u0000${canonicalJson(rules)}`;
  } catch {
    // Not JSON the log could hold (the kernel's check will say what is wrong): not kept.
    beforeCounting();
    return replayUnderDraft(state, rules);
  }
  const revision = revisionOf(state.proposals);
  const hit = kept.get(key);
  if (hit && hit.core === state.core && hit.revision === revision) return hit.result;
  beforeCounting();
  const result = replayUnderDraft(state, rules);
  kept.delete(key);
  kept.set(key, { core: state.core, revision, result });
  while (kept.size > KEPT) kept.delete(kept.keys().next().value!);
  return result;
}

/**
 * One page of the replay of `rules` (an amendment's rules, checked as the kernel checks an amendment's: a bad
 * draft throws its DomainError) against the commons' history, with the people it names. `beforeCounting` runs
 * before a replay is counted (not for a page of one kept): a limit on them throws there.
 */
export function replayPage(
  state: CommonsState,
  rules: unknown,
  offset: number,
  limit: number,
  beforeCounting: () => void = () => {},
) {
  const result = replayOf(state, rules, beforeCounting);
  const differences = result.differences.slice(offset, offset + limit);
  const named = new Set<string>();
  for (const d of differences) {
    if (d.recorded.decidedBy) named.add(d.recorded.decidedBy);
    if (d.draft.decidedBy) named.add(d.draft.decidedBy);
  }
  const end = offset + differences.length;
  return {
    rules: result.rules,
    summary: result.summary,
    differences,
    total: result.differences.length,
    offset,
    next: end < result.differences.length ? end : null,
    notReplayable: result.notReplayable.slice(0, NOT_REPLAYABLE_LISTED),
    people: [...named].map((accountId) => ({
      accountId,
      displayName: own(state.core.members, accountId)?.displayName ?? accountId,
    })),
  };
}
