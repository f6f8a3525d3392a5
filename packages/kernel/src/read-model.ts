import { dict, dictOf, own } from './dict';
import type { DomainEvent, EventEnvelope } from './events';
import { appended, emptyList, itemAt, sliceOf } from './resources/ledger';
import type { Booking, Movement, Pool } from './resources/types';
import type { CommonsState, Member } from './types';

/** The kinds of read-model document the log implies (what verification and rebuilding compare). */
export const READ_MODEL_KINDS = [
  'commons',
  'member',
  'proposal',
  'position',
  'comment',
  'meta',
  'summary',
  // Resources (issue 15): a pool (without its movements and bookings), each movement, each booking.
  'pool',
  'movement',
  'booking',
] as const;

/**
 * The version of the documents' shapes. Stored documents of an older version (no `meta` document, or a lower
 * version) are rebuilt from the verified log when a server first loads the commons, instead of failing the
 * comparison: they are derived data, and the log is what proves them. Version 2: electorates by reference, counts
 * on proposals, admission numbers on members. Version 3: one document per member (kind `member`, id the account),
 * the commons document without its members, so that a membership event writes one member, not all of them.
 * Version 4: a summary document per commons (the directory reads it instead of loading the commons). Version 5:
 * the count of members in the commons document (`memberCount`), so that opening a proposal counts nobody.
 * Version 6: resources (a document per pool, per movement in its ledger and per booking).
 */
export const READ_MODEL_VERSION = 6;

/** The document that says which version of the read models a commons' documents are. */
export const READ_MODEL_META: ReadModelDoc = {
  kind: 'meta',
  id: 'read-model',
  body: { version: READ_MODEL_VERSION },
};

/** The read-model version of stored documents: their meta document's, or 1 (before there was one). */
export function storedReadModelVersion(docs: readonly { kind: string; id: string; body: unknown }[]): number {
  const meta = docs.find((d) => d.kind === 'meta' && d.id === 'read-model');
  const v = (meta?.body as { version?: unknown } | undefined)?.version;
  return typeof v === 'number' && Number.isSafeInteger(v) ? v : 1;
}

/** A read-model document to store beside the log in the same transaction. */
export interface ReadModelDoc {
  kind: (typeof READ_MODEL_KINDS)[number];
  id: string;
  body: unknown;
}

/**
 * The member document each event changes, if any (the account it names). Every event type is listed, as for
 * CHANGES_COMMONS.
 */
const CHANGES_MEMBER = {
  CommonsCreated: (d) => d.founder.accountId,
  MembershipApplied: (d) => d.accountId,
  MemberAdmitted: (d) => d.accountId,
  ApplicationDeclined: (d) => d.accountId,
  MemberRemoved: (d) => d.accountId,
  MemberLeft: (d) => d.accountId,
  RoleCreated: null,
  RoleChanged: null,
  RoleAssigned: null,
  RoleUnassigned: null,
  CharterAdopted: null,
  ConstitutionAmended: null,
  ProposalOpened: null,
  PositionTaken: null,
  BallotCast: null,
  CommentPosted: null,
  CommentEdited: null,
  CommentDeleted: null,
  ProposalWithdrawn: null,
  ProposalDecided: null,
  ActionFailed: null,
  ResolutionAdopted: null,
  RuleTriggered: null,
  RuleLapsed: null,
  ReviewOpened: null,
  ReviewAnswered: null,
  CandidateNominated: null,
  NominationAccepted: null,
  NominationDeclined: null,
  ElectionBallotOpened: null,
  RoleHoldersElected: null,
  DelegationSet: null,
  DelegationRevoked: null,
  PoolCreated: null,
  TransactionRecorded: null,
  BookingMade: null,
  BookingCancelled: null,
} satisfies {
  [T in DomainEvent['type']]: ((data: Extract<DomainEvent, { type: T }>['data']) => string) | null;
};

/** The commons document: the core without its members (each is its own document) and delegations. */
function commonsDoc(core: CommonsState['core']): ReadModelDoc {
  // Delegations are not in it: a commons of many delegations would rewrite them all with every change of its core
  // (the delegations API reads them from the state folded from the log).
  const { members: _members, delegations: _delegations, ...rest } = core;
  return { kind: 'commons', id: core.id, body: rest };
}

/**
 * Whether each event changes the commons document (roles, charter, constitution, the count of admissions; members
 * are documents of their own). Every event type must be
 * listed (a missing one is a type error), so a new event cannot silently leave the stored commons document stale.
 * Events about a proposal also rewrite that proposal's document (found from their proposal id).
 */
const CHANGES_COMMONS = {
  CommonsCreated: true,
  MembershipApplied: false,
  // The counts of admissions and members.
  MemberAdmitted: true,
  ApplicationDeclined: false,
  // Roles the member held.
  MemberRemoved: true,
  MemberLeft: true,
  RoleCreated: true,
  RoleChanged: true,
  RoleAssigned: true,
  RoleUnassigned: true,
  CharterAdopted: true,
  ConstitutionAmended: true,
  ProposalOpened: false,
  PositionTaken: false,
  BallotCast: false,
  CommentPosted: false,
  CommentEdited: false,
  CommentDeleted: false,
  ProposalWithdrawn: false,
  ProposalDecided: false,
  ActionFailed: false,
  ResolutionAdopted: false,
  // The constitution, and the reviews kept in the core.
  RuleTriggered: true,
  RuleLapsed: true,
  ReviewOpened: true,
  ReviewAnswered: true,
  CandidateNominated: false,
  NominationAccepted: false,
  NominationDeclined: false,
  ElectionBallotOpened: false,
  // The role's holders.
  RoleHoldersElected: true,
  // Delegations are not in the commons document (see commonsDoc).
  DelegationSet: false,
  DelegationRevoked: false,
  PoolCreated: false,
  TransactionRecorded: false,
  BookingMade: false,
  BookingCancelled: false,
} satisfies Record<DomainEvent['type'], boolean>;

/** The id of each commons' `summary` document (one per commons: what the directory of commons lists). */
export const SUMMARY_ID = 'summary';

/** A commons' entry in the directory: its `summary` document. */
export function summaryDoc(state: CommonsState): ReadModelDoc {
  const core = state.core;
  return {
    kind: 'summary',
    id: SUMMARY_ID,
    body: {
      name: core.name,
      purpose: core.purpose,
      template: core.template,
      memberCount: Object.values(core.members).filter((m) => m.status === 'member').length,
      openProposals: Object.values(state.proposals).filter((p) => p.status === 'open').length,
      createdAt: core.createdAt,
    },
  };
}

// The summary changes with the commons document, a member or a proposal's opening and closing.
const changesSummary = (type: DomainEvent['type']): boolean =>
  CHANGES_COMMONS[type] ||
  CHANGES_MEMBER[type] !== null ||
  type === 'ProposalOpened' ||
  type === 'ProposalWithdrawn' ||
  type === 'ProposalDecided';

/** The documents that events touched, read from the state after they were applied. */
export function readModelChanges(state: CommonsState, events: readonly EventEnvelope[]): ReadModelDoc[] {
  const docs = new Map<string, ReadModelDoc>();
  const put = (d: ReadModelDoc) => docs.set(`${d.kind}:${d.id}`, d);
  for (const e of events) {
    if (e.type === 'CommonsCreated') put(READ_MODEL_META);
    if (CHANGES_COMMONS[e.type]) put(commonsDoc(state.core));
    const memberOf = CHANGES_MEMBER[e.type] as ((data: unknown) => string) | null;
    const accountId = memberOf?.(e.data);
    const member = accountId === undefined ? undefined : own(state.core.members, accountId);
    if (member) put({ kind: 'member', id: member.accountId, body: member });
    const data = e.data as { proposalId?: string; id?: string };
    const proposalId = e.type === 'ProposalOpened' ? data.id : data.proposalId;
    const proposal = proposalId ? own(state.proposals, proposalId) : undefined;
    if (proposal) put({ kind: 'proposal', id: proposal.id, body: proposal });
    if (e.type === 'PositionTaken' || e.type === 'BallotCast') {
      put({
        kind: 'position',
        id: `${e.data.proposalId}/${e.data.accountId}`,
        body: {
          proposalId: e.data.proposalId,
          ...own(own(state.positions, e.data.proposalId), e.data.accountId),
        },
      });
    }
    if (e.type === 'CommentPosted' || e.type === 'CommentEdited' || e.type === 'CommentDeleted') {
      const cid = e.type === 'CommentPosted' ? e.data.id : e.data.commentId;
      const c = own(state.comments, e.data.proposalId)?.find((x) => x.id === cid);
      put({ kind: 'comment', id: `${e.data.proposalId}/${cid}`, body: c });
    }
    for (const d of resourceDocsOf(state, e)) put(d);
  }
  if (events.some((e) => changesSummary(e.type))) put(summaryDoc(state));
  return [...docs.values()];
}

// Resources (issue 15): a pool's document holds all but its movements and bookings, which are documents of their own
// (so a movement writes one movement and the pool's balances, never the whole ledger).
function poolDoc(pool: Pool): ReadModelDoc {
  const { movements, bookings: _bookings, ...rest } = pool;
  return { kind: 'pool', id: pool.id, body: { ...rest, movementCount: movements.size } };
}
const movementDoc = (poolId: string, m: Movement): ReadModelDoc => ({
  kind: 'movement',
  id: `${poolId}/${m.seq}`,
  body: { poolId, ...m },
});
const bookingDoc = (poolId: string, b: Booking): ReadModelDoc => ({
  kind: 'booking',
  id: `${poolId}/${b.id}`,
  body: { poolId, ...b },
});

/** The resource documents an event changed. */
function resourceDocsOf(state: CommonsState, e: EventEnvelope): ReadModelDoc[] {
  if (
    e.type !== 'PoolCreated' &&
    e.type !== 'TransactionRecorded' &&
    e.type !== 'BookingMade' &&
    e.type !== 'BookingCancelled'
  )
    return [];
  const poolId = e.type === 'PoolCreated' ? e.data.pool.id : e.data.poolId;
  const pool = own(state.pools, poolId);
  if (!pool) return [];
  if (e.type === 'PoolCreated') return [poolDoc(pool)];
  if (e.type === 'TransactionRecorded') {
    // The latest movement of this pool that this event recorded: found by its proposal from the end.
    const out = [poolDoc(pool)];
    for (let i = pool.movements.size - 1; i >= 0; i--) {
      const m = itemAt(pool.movements, i)!;
      if (m.proposalId === e.data.proposalId) out.push(movementDoc(pool.id, m));
      else break;
    }
    return out;
  }
  const bookingId = e.type === 'BookingMade' ? e.data.booking.id : e.data.bookingId;
  const b = own(pool.bookings, bookingId);
  return b ? [bookingDoc(pool.id, b)] : [];
}

/** Rebuilds the in-memory state from stored read-model documents (no replay of history). */
export function stateFromDocs(docs: {
  core: unknown;
  members: unknown[];
  proposals: unknown[];
  positions: unknown[];
  comments: unknown[];
  /** Resources (issue 15): absent or empty for a commons without pools. */
  pools?: unknown[];
  movements?: unknown[];
  bookings?: unknown[];
}): CommonsState {
  // Parsed JSON has Object.prototype: every record keyed by ids is copied into one without.
  const core = docs.core as CommonsState['core'];
  const state: CommonsState = {
    core: {
      ...core,
      members: dictOf((docs.members as Member[]).map((m) => [m.accountId, m] as const)),
      roles: dictOf(core.roles),
      constitution: {
        ...core.constitution,
        rules: dictOf(core.constitution.rules) as typeof core.constitution.rules,
      },
      history: core.history.map((c) => ({ ...c, rules: dictOf(c.rules) as typeof c.rules })),
    },
    proposals: dict(),
    positions: dict(),
    comments: dict(),
  };
  for (const p of docs.proposals as CommonsState['proposals'][string][]) {
    state.proposals[p.id] = p;
    state.positions[p.id] = dict();
    state.comments[p.id] = [];
  }
  for (const doc of docs.positions as (CommonsState['positions'][string][string] & {
    proposalId: string;
  })[]) {
    const { proposalId, ...pos } = doc;
    (own(state.positions, proposalId) ?? (state.positions[proposalId] = dict()))[pos.accountId] = pos;
  }
  for (const c of docs.comments as CommonsState['comments'][string])
    (own(state.comments, c.proposalId) ?? (state.comments[c.proposalId] = [])).push(c);
  for (const list of Object.values(state.comments))
    list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  if (docs.pools && docs.pools.length > 0) state.pools = poolsFromDocs(docs);
  return state;
}

function poolsFromDocs(docs: {
  pools?: unknown[];
  movements?: unknown[];
  bookings?: unknown[];
}): Record<string, Pool> {
  const pools = dict<Pool>();
  for (const doc of docs.pools as (Omit<Pool, 'movements' | 'bookings'> & { movementCount: number })[]) {
    const { movementCount: _count, ...rest } = doc;
    pools[doc.id] = { ...rest, balances: dictOf(doc.balances), movements: emptyList(), bookings: dict() };
  }
  const movements = [...((docs.movements ?? []) as (Movement & { poolId: string })[])].sort(
    (a, b) => a.seq - b.seq,
  );
  for (const { poolId, ...m } of movements) {
    const pool = own(pools, poolId);
    if (pool) pool.movements = appended(pool.movements, m);
  }
  for (const { poolId, ...b } of (docs.bookings ?? []) as (Booking & { poolId: string })[]) {
    const pool = own(pools, poolId);
    if (pool) pool.bookings[b.id] = b;
  }
  return pools;
}

/** The kinds of read-model document in the order of their names (code units), which readModelDocs follows. */
export const READ_MODEL_KINDS_SORTED: readonly ReadModelDoc['kind'][] = [...READ_MODEL_KINDS].sort();

const byId = (a: ReadModelDoc, b: ReadModelDoc) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The read-model documents of one kind in a state, as `readModelChanges` writes them, one at a time in no order (a
 * caller that compares them can let the event loop turn between them).
 */
export function* eachReadModelDocOfKind(
  state: CommonsState,
  kind: ReadModelDoc['kind'],
): Generator<ReadModelDoc> {
  switch (kind) {
    case 'commons':
      yield commonsDoc(state.core);
      return;
    case 'meta':
      yield READ_MODEL_META;
      return;
    case 'summary':
      yield summaryDoc(state);
      return;
    case 'member':
      for (const m of Object.values(state.core.members)) yield { kind: 'member', id: m.accountId, body: m };
      return;
    case 'proposal':
      for (const id of Object.keys(state.proposals))
        yield { kind: 'proposal', id, body: state.proposals[id] };
      return;
    case 'position':
      for (const id of Object.keys(state.proposals)) {
        const positions = state.positions[id] ?? {};
        for (const accountId of Object.keys(positions)) {
          yield {
            kind: 'position',
            id: `${id}/${accountId}`,
            body: { proposalId: id, ...positions[accountId] },
          };
        }
      }
      return;
    case 'comment':
      for (const id of Object.keys(state.proposals))
        for (const c of state.comments[id] ?? []) yield { kind: 'comment', id: `${id}/${c.id}`, body: c };
      return;
    case 'pool':
      for (const pool of Object.values(state.pools ?? {})) yield poolDoc(pool);
      return;
    case 'movement':
      for (const pool of Object.values(state.pools ?? {}))
        for (const m of sliceOf(pool.movements, 0, pool.movements.size)) yield movementDoc(pool.id, m);
      return;
    case 'booking':
      for (const pool of Object.values(state.pools ?? {}))
        for (const b of Object.values(pool.bookings)) yield bookingDoc(pool.id, b);
      return;
  }
}

/**
 * The read-model documents of one kind in a state, as `readModelChanges` writes them, ordered by id (UTF-16 code
 * units; unordered with `sorted` false).
 */
export function readModelDocsOfKind(
  state: CommonsState,
  kind: ReadModelDoc['kind'],
  sorted = true,
): ReadModelDoc[] {
  const docs = [...eachReadModelDocOfKind(state, kind)];
  return sorted ? docs.sort(byId) : docs;
}

/**
 * Every read-model document of a state, as `readModelChanges` writes them, ordered by kind then id: what the
 * store must hold after the log that produced the state (verification and `peergov rebuild` compare against it).
 */
export function readModelDocs(state: CommonsState): ReadModelDoc[] {
  return READ_MODEL_KINDS_SORTED.flatMap((kind) => readModelDocsOfKind(state, kind));
}
