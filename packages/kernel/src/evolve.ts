import { dict, dictOf, own } from './dict';
import type { DomainEvent, EventEnvelope } from './events';
import { charterEvents } from './modules/charter';
import { delegationEvents } from './modules/delegation';
import { electionEvents } from './modules/elections';
import { createdState } from './modules/founding';
import { membershipEvents } from './modules/membership';
import type { Evolvers } from './modules/module';
import { proposalEvents } from './modules/proposals';
import { resourceEvents } from './modules/resources';
import { roleEvents } from './modules/roles';
import { reviewEvents } from './rules/reviews';
import { triggerEvents } from './rules/triggers';
import type { Comment, CommonsCore, CommonsState, Member, Position, Proposal, Role } from './types';

/** The state before the commons exists. */
export const initialState: CommonsState | null = null;

/**
 * Where an event writes. Each accessor returns a part of the state that the event may change: the same object
 * when applying in place, or this draft's own copy of it (copied on its first write, with its parents) when the
 * state underneath is published and must never change.
 */
export interface Writer {
  readonly state: CommonsState;
  core(): CommonsCore;
  members(): Record<string, Member>;
  member(id: string): Member | undefined;
  roles(): Record<string, Role>;
  role(id: string): Role | undefined;
  proposals(): Record<string, Proposal>;
  proposal(id: string): Proposal | undefined;
  /** The positions on a proposal, created empty if missing. */
  positions(proposalId: string): Record<string, Position>;
  /** The comments on a proposal, created empty if missing. */
  comments(proposalId: string): Comment[];
}

class InPlace implements Writer {
  constructor(readonly state: CommonsState) {}
  core = () => this.state.core;
  members = () => this.state.core.members;
  member = (id: string) => own(this.state.core.members, id);
  roles = () => this.state.core.roles;
  role = (id: string) => own(this.state.core.roles, id);
  proposals = () => this.state.proposals;
  proposal = (id: string) => own(this.state.proposals, id);
  positions = (pid: string) => own(this.state.positions, pid) ?? (this.state.positions[pid] = dict());
  comments = (pid: string) => own(this.state.comments, pid) ?? (this.state.comments[pid] = []);
}

/**
 * What both drafts share: events apply to the draft's own copies of the small parts they touch (the core, a member,
 * a role, a proposal: copied on first write, shared otherwise) and to a writable form of each collection, which
 * each kind of draft makes its own way (`writable`): a copy (`Draft`) or an overlay (`OverlayDraft`).
 */
export abstract class DraftBase implements Writer {
  /** Objects this draft made (its copies and new records): written directly. */
  protected readonly mine = new WeakSet<object>();
  protected current: CommonsState | null;

  constructor(base: CommonsState | null) {
    this.current = base ? this.own({ ...base }) : null;
  }

  /** The state with every event applied so far (null before CommonsCreated). */
  get state(): CommonsState {
    return this.current!;
  }

  /** The draft's state, or null if nothing has created the commons yet. */
  peek(): CommonsState | null {
    return this.current;
  }

  /** Applies one event to the draft. */
  apply(e: EventEnvelope): CommonsState {
    if (e.type === 'CommonsCreated') {
      const s = this.own(createdState(e));
      // Everything in a fresh state belongs to this draft.
      for (const o of [s.core, s.core.members, s.core.roles, s.proposals, s.positions, s.comments])
        this.own(o);
      this.current = s;
      return s;
    }
    if (!this.current) throw new Error(`event ${e.type} before CommonsCreated`);
    applyWith(this, e);
    return this.current;
  }

  protected own<T extends object>(o: T): T {
    this.mine.add(o);
    return o;
  }

  /** A collection this draft may write to: the record itself if the draft's own, else its writable form. */
  protected abstract writable<T>(record: Record<string, T>): Record<string, T>;

  core(): CommonsCore {
    const s = this.current!;
    if (!this.mine.has(s.core)) s.core = this.own({ ...s.core });
    return s.core;
  }
  members(): Record<string, Member> {
    const core = this.core();
    return (core.members = this.writable(core.members));
  }
  member(id: string): Member | undefined {
    const m = own(this.current!.core.members, id);
    if (!m || this.mine.has(m)) return m;
    return (this.members()[id] = this.own({ ...m }));
  }
  roles(): Record<string, Role> {
    const core = this.core();
    return (core.roles = this.writable(core.roles));
  }
  role(id: string): Role | undefined {
    const r = own(this.current!.core.roles, id);
    if (!r || this.mine.has(r)) return r;
    return (this.roles()[id] = this.own({ ...r }));
  }
  proposals(): Record<string, Proposal> {
    const s = this.current!;
    return (s.proposals = this.writable(s.proposals));
  }
  proposal(id: string): Proposal | undefined {
    const p = own(this.current!.proposals, id);
    if (!p || this.mine.has(p)) return p;
    return (this.proposals()[id] = this.own({ ...p }));
  }
  positions(pid: string): Record<string, Position> {
    const s = this.current!;
    const all = (s.positions = this.writable(s.positions));
    const p = own(all, pid);
    return (all[pid] = p ? this.writable(p) : this.own(dict<Position>()));
  }
  comments(pid: string): Comment[] {
    const s = this.current!;
    const all = (s.comments = this.writable(s.comments));
    const c = own(all, pid);
    if (c && this.mine.has(c)) return c;
    return (all[pid] = this.own(c ? [...c] : []));
  }
}

/**
 * A draft over a published state that copies what it writes (copy on first write, shared otherwise), so the
 * published state stays exactly as it was until the draft's state replaces it; if it is dropped, nothing anyone
 * can read has changed. A collection written is copied whole: the write path uses `OverlayDraft` instead.
 */
export class Draft extends DraftBase {
  protected writable<T>(record: Record<string, T>): Record<string, T> {
    return this.mine.has(record) ? record : this.own(dictOf(record));
  }
}

/** Every event after the founding one, with the module that applies it (a missing one is a type error). */
const EVENTS = {
  ...membershipEvents,
  ...proposalEvents,
  ...roleEvents,
  ...charterEvents,
  ...resourceEvents,
  ...triggerEvents,
  ...reviewEvents,
  ...electionEvents,
  ...delegationEvents,
} satisfies Evolvers<Exclude<DomainEvent['type'], 'CommonsCreated'>>;

// Every event but CommonsCreated, written through `w`. Deterministic and free of I/O.
function applyWith(w: Writer, e: EventEnvelope): void {
  if (e.type === 'CommonsCreated') throw new Error('CommonsCreated on an existing commons');
  if (!Object.hasOwn(EVENTS, e.type)) throw new Error(`unknown event type ${(e as { type: string }).type}`);
  (EVENTS[e.type] as (w: Writer, e: EventEnvelope) => void)(w, e);
}

/**
 * Applies one event to the state in place and returns it (null only before CommonsCreated). In place because a
 * commons can hold many thousands of positions: for folding a history into a fresh state. A state that others
 * may be reading is changed through a `Draft` instead. Deterministic and free of I/O.
 */
export function applyEvent(state: CommonsState | null, e: EventEnvelope): CommonsState {
  if (e.type === 'CommonsCreated') return createdState(e);
  if (!state) throw new Error(`event ${e.type} before CommonsCreated`);
  applyWith(new InPlace(state), e);
  return state;
}

/** The pure form: the state after an event, leaving the given state untouched. */
export function evolve(state: CommonsState | null, e: EventEnvelope): CommonsState {
  return new Draft(state).apply(e);
}

/** Folds a whole history into state (used by verification and replay, never on a read). */
export function replay(events: Iterable<EventEnvelope>): CommonsState | null {
  let state: CommonsState | null = null;
  for (const e of events) state = applyEvent(state, e);
  return state;
}
