// A commons' state as text, and back: what a snapshot of the state at a log position holds, so that a load decodes it
// and folds only the records after it instead of the whole log. The server signs what it writes (who wrote it, of
// which log position) and checks that before it decodes; here is only the encoding.

import type { Constitution, CommonsState } from './types';

/**
 * The version of the state's shape and of how events fold into it. A snapshot of another version is not decoded (the
 * log is folded again instead): raise it with any change to `CommonsState` or to an evolver, since a state folded by
 * older code is not what this code would fold. Version 2: polls (a proposal's question, ballots on positions, a poll's
 * count on its outcome, the BallotCast evolver). Version 3: elections (a proposal's nominations, an election's count on
 * its outcome, their evolvers), the commons' delegations, rules for rules (a constitution's tiers, with its kinds'
 * tiers keyed by kind, its domains, its triggers, review dates and sunsets; the core's reviews and their answers;
 * a proposal's review date), and resources (`pools`, with balances, movements, bookings).
 */
export const STATE_VERSION = 3;

/** The state as JSON text. Records keyed by ids become plain objects (an id such as `__proto__` is an own key). */
export function encodeState(state: CommonsState): string {
  return JSON.stringify(state);
}

/**
 * The state encoded by `encodeState`, with every record keyed by ids prototype-free again (as the evolvers make
 * them), so that a decoded state folds on exactly as the original would. Throws on text that is not such a state.
 */
export function decodeState(text: string): CommonsState {
  const raw = JSON.parse(text) as CommonsState;
  if (typeof raw !== 'object' || raw === null || typeof raw.core !== 'object' || raw.core === null)
    throw new Error('not an encoded commons state');
  const records = [raw.core.members, raw.core.roles, raw.proposals, raw.positions, raw.comments];
  if (records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r)))
    throw new Error('not an encoded commons state: a record keyed by ids is missing');
  // JSON.parse makes every key an own property (`__proto__` too), so taking the prototype away leaves the keys as they
  // are, without copying records of 100,000 entries.
  const positions = bare(raw.positions);
  for (const byAccount of Object.values(positions)) bare(byAccount);
  const rules = (c: Constitution): Constitution => ({
    ...c,
    rules: bare(c.rules),
    ...(c.tiers ? { tiers: { ...c.tiers, ...(c.tiers.kinds ? { kinds: bare(c.tiers.kinds) } : {}) } } : {}),
  });
  // Resources (issue 15): the pools and, in each, the records keyed by accounts and booking ids.
  if (raw.pools !== undefined) {
    if (typeof raw.pools !== 'object' || raw.pools === null)
      throw new Error('not an encoded commons state: pools');
    for (const pool of Object.values(bare(raw.pools))) {
      bare(pool.balances);
      bare(pool.bookings);
    }
  }
  return {
    ...raw,
    core: {
      ...raw.core,
      members: bare(raw.core.members),
      roles: bare(raw.core.roles),
      constitution: rules(raw.core.constitution),
      history: raw.core.history.map(rules),
      ...(raw.core.reviews ? { reviews: reviews(raw.core.reviews) } : {}),
    },
    proposals: bare(raw.proposals),
    positions,
    comments: bare(raw.comments),
  };
}

// The reviews by id, and each one's answers by account, prototype-free as the evolvers make them.
function reviews(record: NonNullable<CommonsState['core']['reviews']>) {
  for (const r of Object.values(record)) bare(r.answers);
  return bare(record);
}

/** The same object, without a prototype (as `dict` makes them). Only for objects JSON.parse just made. */
function bare<T extends object>(record: T): T {
  return Object.setPrototypeOf(record, null) as T;
}
