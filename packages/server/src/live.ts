import {
  envelopesOfRecord,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
  type EventType,
} from '@peergov/kernel';
import type { Store, StoredRecord } from '@peergov/store';

/**
 * What a live client hears after an append: the log's new size, the types of the records appended, and what they
 * changed, so that a page loads again only what it shows and what changed (never the whole commons).
 */
export interface LiveEvent {
  size: number;
  types: string[];
  /** The proposals the events opened, changed (a position, a comment) or decided. */
  proposals: string[];
  /** The accounts whose membership or roles changed (the member lists' delta). */
  accounts: string[];
  /** The accounts that took or changed a position (on the proposals above). */
  positions: string[];
  /** The comments posted. */
  comments: string[];
  /** Whether the commons view changed: its core (roles, charter, constitution) or its membership. */
  commons: boolean;
  /**
   * False when the ids above may be missing some (too many records to read back, or records that would not decode):
   * a page then loads again everything it shows.
   */
  complete: boolean;
}

/** What one event changed. */
interface Touch {
  proposal?: string;
  account?: string;
  position?: string;
  comment?: string;
  commons: boolean;
}

/** What each event type changes: every type is listed (a missing one is a type error), as the read model lists them. */
const TOUCHES = {
  CommonsCreated: (d) => ({ account: d.founder.accountId, commons: true }),
  MembershipApplied: (d) => ({ account: d.accountId, commons: true }),
  ProposalOpened: (d) => ({ proposal: d.id, commons: false }),
  PositionTaken: (d) => ({ proposal: d.proposalId, position: d.accountId, commons: false }),
  BallotCast: (d) => ({ proposal: d.proposalId, position: d.accountId, commons: false }),
  CommentPosted: (d) => ({ proposal: d.proposalId, comment: d.id, commons: false }),
  CommentEdited: (d) => ({ proposal: d.proposalId, comment: d.commentId, commons: false }),
  CommentDeleted: (d) => ({ proposal: d.proposalId, comment: d.commentId, commons: false }),
  ProposalWithdrawn: (d) => ({ proposal: d.proposalId, commons: false }),
  ProposalDecided: (d) => ({ proposal: d.proposalId, commons: false }),
  ActionFailed: (d) => ({ proposal: d.proposalId, commons: false }),
  MemberAdmitted: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: true }),
  ApplicationDeclined: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: true }),
  MemberRemoved: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: true }),
  MemberLeft: (d) => ({ account: d.accountId, commons: true }),
  RoleCreated: (d) => ({ proposal: d.proposalId, commons: true }),
  RoleChanged: (d) => ({ proposal: d.proposalId, commons: true }),
  RoleAssigned: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: true }),
  RoleUnassigned: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: true }),
  CharterAdopted: (d) => ({ proposal: d.proposalId, commons: true }),
  ConstitutionAmended: (d) => ({ proposal: d.proposalId, commons: true }),
  ResolutionAdopted: (d) => ({ proposal: d.proposalId, commons: false }),
  RuleTriggered: () => ({ commons: true }),
  RuleLapsed: () => ({ commons: true }),
  ReviewOpened: () => ({ commons: true }),
  ReviewAnswered: (d) => ({ account: d.accountId, commons: true }),
  CandidateNominated: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: false }),
  NominationAccepted: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: false }),
  NominationDeclined: (d) => ({ proposal: d.proposalId, account: d.accountId, commons: false }),
  ElectionBallotOpened: (d) => ({ proposal: d.proposalId, commons: false }),
  RoleHoldersElected: (d) => ({ proposal: d.proposalId, commons: true }),
  DelegationSet: (d) => ({ account: d.accountId, commons: false }),
  DelegationRevoked: (d) => ({ account: d.accountId, commons: false }),
  // Resources (issue 15): a pool's page listens for these types; the decision's proposal is touched too.
  PoolCreated: (d) => ({ proposal: d.proposalId, commons: false }),
  TransactionRecorded: (d) => ({ proposal: d.proposalId, commons: false }),
  BookingMade: (d) => ({ proposal: d.proposalId, commons: false }),
  BookingCancelled: (d) => ({ proposal: d.proposalId, commons: false }),
} satisfies { [T in EventType]: (data: Extract<DomainEvent, { type: T }>['data']) => Touch };

/** The live event of an append of these events (in log order), the log then holding `size` records. */
export function liveEventOf(size: number, events: readonly EventEnvelope[], complete = true): LiveEvent {
  const proposals = new Set<string>();
  const accounts = new Set<string>();
  const positions = new Set<string>();
  const comments = new Set<string>();
  let commons = false;
  for (const e of events) {
    if (!Object.hasOwn(TOUCHES, e.type)) continue;
    const touch = (TOUCHES[e.type] as (data: unknown) => Touch)(e.data);
    if (touch.proposal !== undefined) proposals.add(touch.proposal);
    if (touch.account !== undefined) accounts.add(touch.account);
    if (touch.position !== undefined) positions.add(touch.position);
    if (touch.comment !== undefined) comments.add(touch.comment);
    commons ||= touch.commons;
  }
  return {
    size,
    types: events.map((e) => e.type),
    proposals: [...proposals],
    accounts: [...accounts],
    positions: [...positions],
    comments: [...comments],
    commons,
    complete,
  };
}

/**
 * The live event of stored records (read back: an append of another process, or a reconnection's catch-up).
 * `complete` says whether these are all the records up to `size`; a record that does not decode makes it false
 * (its type is still named).
 */
export function liveEventOfRecords(
  size: number,
  records: readonly StoredRecord[],
  complete: boolean,
): LiveEvent {
  const events: EventEnvelope[] = [];
  const types: string[] = [];
  let whole = complete;
  for (const r of records) {
    try {
      const decoded = envelopesOfRecord(r.body);
      events.push(...decoded);
      types.push(...decoded.map((e) => e.type));
    } catch {
      whole = false;
      types.push(r.type);
    }
  }
  return { ...liveEventOf(size, events, whole), types };
}

export type LiveListener = (event: LiveEvent) => void;

/**
 * Hears every committed append of this process, with its events and the state after it (the notifications). Called
 * after the commit; it must return at once and never throw (its work goes to the background).
 */
export type CommitObserver = (
  commonsId: string,
  size: number,
  events: readonly EventEnvelope[],
  state?: CommonsState,
) => void;

/** At most this many records are read back for an append heard from another process. */
const MAX_TYPES = 1000;

/**
 * Fans committed appends out to this process's live clients (the SSE streams), per commons. Appends of this process
 * come from CommonsService after their commit, with their events; appends of other processes come from the store's
 * `listen` (PostgreSQL NOTIFY), which carries only the new size: their records are read back from the store. Only
 * commons with a listener are tracked, each with the largest size already announced, so that an append is
 * announced once whichever way it is heard first, and in log order (one chain of announcements per commons).
 */
export class LiveUpdates {
  private readonly listeners = new Map<string, Set<LiveListener>>();
  /** The largest size announced (or seen on subscribing) per commons with listeners. */
  private readonly known = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();
  private readonly observers: CommitObserver[] = [];

  constructor(private readonly store: Pick<Store, 'readRecords'>) {}

  /** Adds an observer of this process's committed appends (see CommitObserver). */
  observe(observer: CommitObserver): void {
    this.observers.push(observer);
  }

  /** Adds a listener for a commons whose log has `size` records now; returns its removal. */
  subscribe(commonsId: string, size: number, listener: LiveListener): () => void {
    let set = this.listeners.get(commonsId);
    if (!set) this.listeners.set(commonsId, (set = new Set()));
    set.add(listener);
    this.known.set(commonsId, Math.max(this.known.get(commonsId) ?? 0, size));
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(commonsId) === set) {
        this.listeners.delete(commonsId);
        this.known.delete(commonsId);
      }
    };
  }

  /** Number of listeners of a commons (for tests and metrics). */
  count(commonsId: string): number {
    return this.listeners.get(commonsId)?.size ?? 0;
  }

  /**
   * An append of this process has committed: the log now has `size` records, the last ones these events (one
   * record each), `state` the commons after them.
   */
  committed(commonsId: string, size: number, events: readonly EventEnvelope[], state?: CommonsState): void {
    for (const observe of this.observers) {
      try {
        observe(commonsId, size, events, state);
      } catch {
        // An observer's failure is its own: the live streams are still told.
      }
    }
    this.announce(commonsId, size, async (from) =>
      // After an append of another process not yet announced, this names only its own events: not complete.
      liveEventOf(size, events, from === size - events.length),
    );
  }

  /** Another process committed an append (heard through the store): the log now has `size` records. */
  heard(commonsId: string, size: number): void {
    this.announce(commonsId, size, async (from) => {
      const count = Math.min(size - from, MAX_TYPES);
      const records = await this.store.readRecords(commonsId, from, count);
      return liveEventOfRecords(size, records, records.length === size - from);
    });
  }

  private announce(commonsId: string, size: number, eventSince: (from: number) => Promise<LiveEvent>): void {
    const from = this.known.get(commonsId);
    // Nobody listens, or this size was announced already (e.g. our own append, heard back through NOTIFY).
    if (from === undefined || size <= from) return;
    this.known.set(commonsId, size);
    const previous = this.chains.get(commonsId) ?? Promise.resolve();
    const next = previous.then(async () => {
      let event: LiveEvent;
      try {
        event = await eventSince(from);
      } catch {
        // The size alone still tells clients to load again what they show.
        event = { ...liveEventOf(size, []), complete: false };
      }
      for (const listener of [...(this.listeners.get(commonsId) ?? [])]) listener(event);
    });
    this.chains.set(commonsId, next);
    void next.finally(() => {
      if (this.chains.get(commonsId) === next) this.chains.delete(commonsId);
    });
  }
}
