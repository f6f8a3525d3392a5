import { dict, dictOf, own } from './dict';
import type { DomainEvent, EventEnvelope } from './events';
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
] as const;

/**
 * The version of the documents' shapes. Stored documents of an older version (no `meta` document, or a lower
 * version) are rebuilt from the verified log when a server first loads the commons, instead of failing the
 * comparison: they are derived data, and the log is what proves them. Version 2: electorates by reference, counts
 * on proposals, admission numbers on members. Version 3: one document per member (kind `member`, id the account),
 * the commons document without its members, so that a membership event writes one member, not all of them.
 * Version 4: a summary document per commons (the directory reads it instead of loading the commons). Version 5:
 * the count of members in the commons document (`memberCount`), so that opening a proposal counts nobody.
 */
export const READ_MODEL_VERSION = 5;

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
} satisfies {
  [T in DomainEvent['type']]: ((data: Extract<DomainEvent, { type: T }>['data']) => string) | null;
};

/** The commons document: the core without its members (each is its own document). */
function commonsDoc(core: CommonsState['core']): ReadModelDoc {
  const { members: _members, ...rest } = core;
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
  // The commons' delegations.
  DelegationSet: true,
  DelegationRevoked: true,
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
  }
  if (events.some((e) => changesSummary(e.type))) put(summaryDoc(state));
  return [...docs.values()];
}

/** Rebuilds the in-memory state from stored read-model documents (no replay of history). */
export function stateFromDocs(docs: {
  core: unknown;
  members: unknown[];
  proposals: unknown[];
  positions: unknown[];
  comments: unknown[];
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
  return state;
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
