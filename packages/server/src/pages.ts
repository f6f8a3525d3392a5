// Paged projections of a commons' members and of a proposal's positions and comments, served from the in-memory
// state. Each list has one stable order and an opaque cursor (the sort key of the last item sent), so a page after
// a cursor is the same whether items were added or changed meanwhile; a changed item moves to where its new key
// sorts (a position changed is taken again: it moves to the end).
import {
  decidersFor,
  inElectorate,
  lastChangeOf,
  mentionedAccounts,
  own,
  revisionOf,
  type Comment,
  type CommonsState,
  type Member,
  type MemberStatus,
  type Position,
  type Proposal,
  type Stance,
} from '@peergov/kernel';
import { ApiError } from './problems';

/** Items on a page when the request names no limit. */
export const DEFAULT_LIMIT = 50;
/** The largest page a request may ask for. */
export const MAX_LIMIT = 200;
/** Items of each list a view carries (its first page; the paged endpoints give the rest). */
export const FIRST_PAGE = 20;

/** One page of a list: its items, the cursor of the next page (null on the last), and how many match in all. */
export interface Page<T> {
  items: T[];
  next: string | null;
  total: number;
}

/** A sort key: two strings, compared in order by UTF-16 code units (the same on every server and browser). */
type Key = readonly [string, string];
interface Entry<T> {
  key: Key;
  item: T;
}

const compare = (a: Key, b: Key): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

const badCursor = () =>
  new ApiError(400, 'invalid_cursor', 'The cursor `after` is not one a page of this list gave (its `next`).');

/** A cursor back to its key; anything a page did not give is a 400 invalid_cursor. */
export function decodeCursor(cursor: string): Key {
  let value: unknown = null;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    // Not JSON: refused below.
  }
  if (!Array.isArray(value) || value.length !== 2) throw badCursor();
  const [a, b] = value as unknown[];
  if (typeof a !== 'string' || typeof b !== 'string') throw badCursor();
  // Only the canonical spelling (base64url is lenient about padding and stray characters).
  if (encodeCursor([a, b]) !== cursor) throw badCursor();
  return [a, b];
}

/** The `limit` of a request: a whole number from 1 to MAX_LIMIT, DEFAULT_LIMIT when absent; else a 400. */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_LIMIT;
  const n = /^[0-9]{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT))
    throw new ApiError(400, 'invalid_limit', `limit must be a whole number from 1 to ${MAX_LIMIT}.`);
  return n;
}

// Sorted lists, built once per version of the record they list: the record's identity and its revision (a commit
// writes into the published records in place and counts it, see the kernel's OverlayDraft) name its content.
const memberIndexes = new WeakMap<object, { revision: number; index: MemberIndex }>();
const positionIndexes = new WeakMap<object, { revision: number; index: PositionIndex }>();

/** The index cached for this version of a record, or undefined. */
function indexed<T>(cache: WeakMap<object, { revision: number; index: T }>, record: object): T | undefined {
  const hit = cache.get(record);
  return hit && hit.revision === revisionOf(record) ? hit.index : undefined;
}

interface MemberIndex {
  readonly entries: Entry<Member>[];
  byStatus: Record<MemberStatus, number>;
  /** Current members by class id. */
  byClass: Map<string, number>;
}
interface PositionIndex {
  entries: Entry<Position>[];
  byStance: Record<Stance, number>;
}

const memberKey = (m: Member): Key => [m.displayName.toLowerCase(), m.accountId];
const positionKey = (p: Position): Key => [p.at, p.accountId];

function memberIndex(members: Readonly<Record<string, Member>>): MemberIndex {
  let index = indexed(memberIndexes, members);
  if (!index) {
    const byStatus: Record<MemberStatus, number> = {
      applicant: 0,
      member: 0,
      left: 0,
      removed: 0,
      declined: 0,
    };
    const byClass = new Map<string, number>();
    for (const m of Object.values(members)) {
      if (Object.hasOwn(byStatus, m.status)) byStatus[m.status] += 1;
      if (m.status === 'member') for (const c of m.classes) byClass.set(c, (byClass.get(c) ?? 0) + 1);
    }
    // Sorted on the first page asked for: the counts alone (every commons view) need no sort.
    let sorted: Entry<Member>[] | null = null;
    index = {
      byStatus,
      byClass,
      get entries() {
        if (!sorted) {
          sorted = Object.values(members).map((m) => ({ key: memberKey(m), item: m }));
          sorted.sort((a, b) => compare(a.key, b.key));
        }
        return sorted;
      },
    };
    memberIndexes.set(members, { revision: revisionOf(members), index });
  }
  return index;
}

function positionIndex(positions: Readonly<Record<string, Position>>): PositionIndex {
  let index = indexed(positionIndexes, positions);
  if (!index) {
    const byStance: Record<Stance, number> = { agree: 0, abstain: 0, disagree: 0, block: 0 };
    const entries: Entry<Position>[] = [];
    for (const p of Object.values(positions)) {
      entries.push({ key: positionKey(p), item: p });
      if (Object.hasOwn(byStance, p.stance)) byStance[p.stance] += 1;
    }
    entries.sort((a, b) => compare(a.key, b.key));
    index = { entries, byStance };
    positionIndexes.set(positions, { revision: revisionOf(positions), index });
  }
  return index;
}

/** The index of the first entry whose key sorts after `key`. */
function firstAfter<T>(entries: readonly Entry<T>[], key: Key): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(entries[mid]!.key, key) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Up to `limit` entries from `start` that `keep` keeps, and whether another one follows. */
function take<T, V>(
  entries: readonly Entry<T>[],
  start: number,
  limit: number,
  keep: (item: T) => boolean,
  show: (item: T) => V,
  total: number,
): Page<V> {
  const items: V[] = [];
  let last: Key | null = null;
  let i = start;
  for (; i < entries.length && items.length < limit; i++) {
    const e = entries[i]!;
    if (!keep(e.item)) continue;
    items.push(show(e.item));
    last = e.key;
  }
  let more = false;
  for (; i < entries.length && !more; i++) more = keep(entries[i]!.item);
  return { items, next: more && last ? encodeCursor(last) : null, total };
}

/** How many members a commons has in each status, and how many current members in each class. */
export function memberCounts(state: CommonsState) {
  const { byStatus, byClass } = memberIndex(state.core.members);
  return {
    byStatus: { ...byStatus },
    byClass: state.core.classes.map((c) => ({ classId: c.id, members: byClass.get(c.id) ?? 0 })),
  };
}

/** The ids of the roles each account holds, for a few accounts (a page). */
function rolesOf(state: CommonsState) {
  const roles = Object.values(state.core.roles);
  return (accountId: string) =>
    roles.filter((r) => r.holders.some((h) => h.accountId === accountId)).map((r) => r.id);
}

/** A member as the API shows them (without their admission number, with the roles they hold). */
export function memberView(state: CommonsState, m: Member, roles = rolesOf(state)) {
  const { admission: _admission, ...rest } = m;
  return { ...rest, roles: roles(m.accountId) };
}

export interface MemberQuery {
  /** Only members in this status; current members and applicants when absent. */
  status?: MemberStatus;
  /** Only members whose display name contains this, ignoring case. */
  q?: string;
}

/** A page of a commons' members, by display name (ignoring case), then account id. */
export function membersPage(
  state: CommonsState,
  query: MemberQuery,
  after: string | undefined,
  limit: number,
) {
  const index = memberIndex(state.core.members);
  const status = query.status;
  const needle = query.q?.toLowerCase() ?? '';
  const inStatus = (m: Member) =>
    status ? m.status === status : m.status === 'member' || m.status === 'applicant';
  // The key's first part is the display name in lower case: the search reads it instead of lowering each name.
  const keep = needle ? (m: Member) => inStatus(m) && m.displayName.toLowerCase().includes(needle) : inStatus;
  const total = needle
    ? index.entries.reduce((n, e) => (keep(e.item) ? n + 1 : n), 0)
    : status
      ? index.byStatus[status]
      : index.byStatus.member + index.byStatus.applicant;
  const start = after === undefined ? 0 : firstAfter(index.entries, decodeCursor(after));
  const roles = rolesOf(state);
  return take(index.entries, start, limit, keep, (m) => memberView(state, m, roles), total);
}

/**
 * A page of the members who may still take a position on an open proposal and have not (its electorate, or for a
 * role's decision the role's holders), by display name. Counted over the members: O(members) per page.
 */
export function waitingPage(
  state: CommonsState,
  p: Proposal,
  now: string,
  after: string | undefined,
  limit: number,
) {
  const index = memberIndex(state.core.members);
  const positions = own(state.positions, p.id) ?? EMPTY;
  const open = p.status === 'open' && now < p.closesAt;
  const deciders = p.procedure.type === 'role' ? new Set(decidersFor(state.core, p.action.kind, now)) : null;
  const keep = (m: Member) =>
    open &&
    m.status === 'member' &&
    !Object.hasOwn(positions, m.accountId) &&
    (deciders ? deciders.has(m.accountId) : inElectorate(state.core, p, m.accountId));
  const total = index.entries.reduce((n, e) => (keep(e.item) ? n + 1 : n), 0);
  const start = after === undefined ? 0 : firstAfter(index.entries, decodeCursor(after));
  const roles = rolesOf(state);
  return take(index.entries, start, limit, keep, (m) => memberView(state, m, roles), total);
}

const nameOf = (state: CommonsState, id: string) => own(state.core.members, id)?.displayName ?? id;

/** A position as the API shows it (with its author's display name). */
export function positionView(state: CommonsState, p: Position) {
  return { ...p, displayName: nameOf(state, p.accountId) };
}

/**
 * A comment as the API shows it: with its author's display name, its edits counted (the texts are in
 * `commentDetail`), and each member it mentions named by their display name in this commons.
 */
export function commentView(state: CommonsState, c: Comment) {
  const mentions: { accountId: string; displayName: string }[] = [];
  for (const accountId of mentionedAccounts(c.text, 50)) {
    const m = own(state.core.members, accountId);
    if (m) mentions.push({ accountId, displayName: m.displayName });
  }
  return {
    id: c.id,
    proposalId: c.proposalId,
    accountId: c.accountId,
    text: c.text,
    replyTo: c.replyTo,
    at: c.at,
    displayName: nameOf(state, c.accountId),
    editedAt: c.edits?.at(-1)?.until ?? null,
    editCount: c.edits?.length ?? 0,
    deletedAt: c.deletedAt ?? null,
    mentions,
  };
}

/** A comment with the texts it had before each edit. */
export function commentDetail(state: CommonsState, c: Comment) {
  return { ...commentView(state, c), history: c.edits ?? [] };
}

/** A page of a proposal's positions, oldest first (by when each was last taken, then account id). */
export function positionsPage(
  state: CommonsState,
  pid: string,
  stance: Stance | undefined,
  after: string | undefined,
  limit: number,
) {
  const index = positionIndex(own(state.positions, pid) ?? EMPTY);
  const keep = stance ? (p: Position) => p.stance === stance : () => true;
  const total = stance ? index.byStance[stance] : index.entries.length;
  const start = after === undefined ? 0 : firstAfter(index.entries, decodeCursor(after));
  return take(index.entries, start, limit, keep, (p) => positionView(state, p), total);
}

const EMPTY: Readonly<Record<string, Position>> = Object.freeze(
  Object.create(null) as Record<string, Position>,
);

/** The smallest `limit + 1` positions of a record (by key, ascending) and how many it holds, at a revision. */
interface FirstPositions {
  revision: number;
  limit: number;
  best: Entry<Position>[];
  total: number;
}
const firstPages = new WeakMap<object, FirstPositions>();

/** The smallest keys in one pass over the record. */
function scanFirst(record: Readonly<Record<string, Position>>, limit: number): FirstPositions {
  const best: Entry<Position>[] = [];
  let total = 0;
  for (const p of Object.values(record)) {
    total += 1;
    const key = positionKey(p);
    if (best.length > limit && compare(key, best[best.length - 1]!.key) >= 0) continue;
    best.splice(firstAfter(best, key), 0, { key, item: p });
    if (best.length > limit + 1) best.pop();
  }
  return { revision: revisionOf(record), limit, best, total };
}

/**
 * The smallest keys after one commit, from those before it and the keys it changed (a position taken or changed
 * gets the latest time, so it seldom enters them), or undefined when one of them changed: then only a scan knows
 * which position comes next.
 */
function advanceFirst(
  before: FirstPositions,
  record: Readonly<Record<string, Position>>,
): FirstPositions | undefined {
  const change = lastChangeOf(record);
  if (!change || change.revision !== before.revision + 1) return undefined;
  const changed = new Set(change.keys);
  if (before.best.some((e) => changed.has(e.item.accountId))) return undefined;
  const best = before.best.slice();
  for (const id of change.keys) {
    const p = own(record, id);
    if (!p) continue;
    const key = positionKey(p);
    if (best.length > before.limit && compare(key, best[best.length - 1]!.key) >= 0) continue;
    best.splice(firstAfter(best, key), 0, { key, item: p });
    if (best.length > before.limit + 1) best.pop();
  }
  return { revision: change.revision, limit: before.limit, best, total: before.total + change.added };
}

/**
 * The first page of a proposal's positions, as positionsPage gives it, without sorting them all: the smallest keys
 * in one pass, kept per record and brought up to date from the keys each commit changed (this is in every write's
 * answer, and a proposal may hold many thousands of positions).
 */
export function firstPositions(
  state: CommonsState,
  pid: string,
  limit = FIRST_PAGE,
): Page<PositionViewShape> {
  const record = own(state.positions, pid) ?? EMPTY;
  const index = indexed(positionIndexes, record);
  if (index)
    return take(
      index.entries,
      0,
      limit,
      () => true,
      (p) => positionView(state, p),
      index.entries.length,
    );
  const revision = revisionOf(record);
  let first = firstPages.get(record);
  if (first && (first.limit !== limit || first.revision !== revision))
    first = first.limit === limit ? advanceFirst(first, record) : undefined;
  // A cache of an earlier revision is brought up to date from the last commit's keys, or made again.
  if (!first || first.revision !== revision) first = scanFirst(record, limit);
  if (record !== EMPTY) firstPages.set(record, first);
  const { best, total } = first;
  const shown = best.slice(0, limit);
  const last = shown[shown.length - 1];
  return {
    items: shown.map((e) => positionView(state, e.item)),
    next: total > limit && last ? encodeCursor(last.key) : null,
    total,
  };
}

type PositionViewShape = ReturnType<typeof positionView>;

/** A page of a proposal's discussion, in the order it was posted (a deleted comment keeps its place, without its text). */
export function commentsPage(state: CommonsState, pid: string, after: string | undefined, limit: number) {
  const comments = own(state.comments, pid) ?? [];
  let start = 0;
  if (after !== undefined) {
    // The key of a comment is its place in the discussion and its id (a cursor of another discussion is refused).
    const [at, id] = decodeCursor(after);
    const i = /^(0|[1-9][0-9]{0,9})$/.test(at) ? Number(at) : -1;
    if (comments[i]?.id !== id) throw badCursor();
    start = i + 1;
  }
  const shown = comments.slice(start, start + limit);
  const end = start + shown.length;
  const last = shown[shown.length - 1];
  return {
    items: shown.map((c) => commentView(state, c)),
    next: end < comments.length && last ? encodeCursor([String(end - 1), last.id]) : null,
    total: comments.length,
  };
}
