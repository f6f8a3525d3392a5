import { dict, dictOf, own } from './dict';
import type { DomainEvent, EventEnvelope } from './events';
import { charterEvents } from './modules/charter';
import { createdState } from './modules/founding';
import { membershipEvents } from './modules/membership';
import type { Evolvers } from './modules/module';
import { proposalEvents } from './modules/proposals';
import { roleEvents } from './modules/roles';
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
 * A draft over a published state: events apply to copies of the parts they touch (copy on first write, shared
 * otherwise), so the published state stays exactly as it was until the draft's state replaces it. A write path
 * decides a batch against a draft and publishes it only after the append commits; if the append fails the draft
 * is dropped and nothing anyone can read has changed.
 */
export class Draft implements Writer {
  private readonly mine = new WeakSet<object>();
  private current: CommonsState | null;

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
      this.current = this.own(createdState(e));
      // Everything in a fresh state belongs to this draft.
      const s = this.current;
      for (const o of [s.core, s.core.members, s.core.roles, s.proposals, s.positions, s.comments])
        this.own(o);
      return s;
    }
    if (!this.current) throw new Error(`event ${e.type} before CommonsCreated`);
    applyWith(this, e);
    return this.current;
  }

  private own<T extends object>(o: T): T {
    this.mine.add(o);
    return o;
  }

  core(): CommonsCore {
    const s = this.current!;
    if (!this.mine.has(s.core)) s.core = this.own({ ...s.core });
    return s.core;
  }
  members(): Record<string, Member> {
    const core = this.core();
    if (!this.mine.has(core.members)) core.members = this.own(dictOf(core.members));
    return core.members;
  }
  member(id: string): Member | undefined {
    const m = own(this.current!.core.members, id);
    if (!m || this.mine.has(m)) return m;
    return (this.members()[id] = this.own({ ...m }));
  }
  roles(): Record<string, Role> {
    const core = this.core();
    if (!this.mine.has(core.roles)) core.roles = this.own(dictOf(core.roles));
    return core.roles;
  }
  role(id: string): Role | undefined {
    const r = own(this.current!.core.roles, id);
    if (!r || this.mine.has(r)) return r;
    return (this.roles()[id] = this.own({ ...r }));
  }
  proposals(): Record<string, Proposal> {
    const s = this.current!;
    if (!this.mine.has(s.proposals)) s.proposals = this.own(dictOf(s.proposals));
    return s.proposals;
  }
  proposal(id: string): Proposal | undefined {
    const p = own(this.current!.proposals, id);
    if (!p || this.mine.has(p)) return p;
    return (this.proposals()[id] = this.own({ ...p }));
  }
  positions(pid: string): Record<string, Position> {
    const s = this.current!;
    if (!this.mine.has(s.positions)) s.positions = this.own(dictOf(s.positions));
    const p = own(s.positions, pid);
    if (p && this.mine.has(p)) return p;
    return (s.positions[pid] = this.own(p ? dictOf(p) : dict()));
  }
  comments(pid: string): Comment[] {
    const s = this.current!;
    if (!this.mine.has(s.comments)) s.comments = this.own(dictOf(s.comments));
    const c = own(s.comments, pid);
    if (c && this.mine.has(c)) return c;
    return (s.comments[pid] = this.own(c ? [...c] : []));
  }
}

/** Every event after the founding one, with the module that applies it (a missing one is a type error). */
const everyEvent = () =>
  ({
    ...membershipEvents,
    ...proposalEvents,
    ...roleEvents,
    ...charterEvents,
  }) satisfies Evolvers<Exclude<DomainEvent['type'], 'CommonsCreated'>>;
// Built on first use, not at load: the modules import this one (through OverlayDraft), so at load some of them may
// not be initialised yet.
let EVENTS: ReturnType<typeof everyEvent> | null = null;

// Every event but CommonsCreated, written through `w`. Deterministic and free of I/O.
export function applyWith(w: Writer, e: EventEnvelope): void {
  if (e.type === 'CommonsCreated') throw new Error('CommonsCreated on an existing commons');
  const events = (EVENTS ??= everyEvent());
  if (!Object.hasOwn(events, e.type)) throw new Error(`unknown event type ${(e as { type: string }).type}`);
  (events[e.type] as (w: Writer, e: EventEnvelope) => void)(w, e);
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
