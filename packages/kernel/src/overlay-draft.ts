// A draft for the write path of a large commons. `Draft` copies each collection it writes to (a member, a proposal
// or a position copies the whole record of members, proposals or positions), which costs O(n) per batch: 10 to 13
// ms for a record of 10,000 ids and 330 to 480 ms for 100,000 on this project's 2-core machine (docs/BENCHMARKS.md).
// An OverlayDraft never copies a collection: its writes go to an overlay per collection, which its own reads (the
// decisions of the rest of the batch) see through a proxy, and nothing underneath changes until `commit`, called
// once the store has committed the batch, writes the overlays into the published collections in place.
//
// So the published state's collections change at commit, not before: a reader never sees what is not committed
// (an append that fails is dropped with its draft), but one holding a state across an await may see the
// collections of a later committed batch. Objects inside the collections (a member, a proposal, a position) are
// still never changed: a write replaces them with a copy.
import { dict, own } from './dict';
import type { EventEnvelope } from './events';
import { applyWith, type Writer } from './evolve';
import { createdState } from './modules/founding';
import type { Comment, CommonsCore, CommonsState, Member, Position, Proposal, Role } from './types';

const DELETED: unique symbol = Symbol('deleted');
type Change<T> = T | typeof DELETED;

/** An overlay over one published record: what the draft wrote, by key. */
interface Overlay<T> {
  base: Record<string, T>;
  changes: Map<string, Change<T>>;
}

/** The overlay behind each proxy this module made. */
const overlays = new WeakMap<object, Overlay<unknown>>();

const has = <T>(o: Overlay<T>, key: string): boolean => {
  const c = o.changes.get(key);
  if (c !== undefined) return c !== DELETED;
  return o.changes.has(key) || Object.prototype.hasOwnProperty.call(o.base, key);
};
const read = <T>(o: Overlay<T>, key: string): T | undefined => {
  if (o.changes.has(key)) {
    const c = o.changes.get(key);
    return c === DELETED ? undefined : c;
  }
  return own(o.base, key);
};

/**
 * A record that reads as `base` with the overlay's changes on top and writes only to the overlay. It behaves as a
 * prototype-free record to `own`, `Object.keys/values/entries`, `in`, spread and JSON (keys in base order, then
 * new keys in the order they were written).
 */
function overlayRecord<T>(base: Record<string, T>): Record<string, T> {
  const overlay: Overlay<T> = { base, changes: new Map() };
  const target = dict<T>();
  const proxy = new Proxy(target, {
    get: (_, key) => (typeof key === 'string' ? read(overlay, key) : undefined),
    has: (_, key) => typeof key === 'string' && has(overlay, key),
    set: (_, key, value: T) => {
      if (typeof key !== 'string') return false;
      overlay.changes.set(key, value);
      return true;
    },
    deleteProperty: (_, key) => {
      if (typeof key !== 'string') return false;
      overlay.changes.set(key, DELETED);
      return true;
    },
    ownKeys: () => {
      const keys: string[] = [];
      for (const key of Object.keys(overlay.base)) if (has(overlay, key)) keys.push(key);
      for (const [key, c] of overlay.changes)
        if (c !== DELETED && !Object.prototype.hasOwnProperty.call(overlay.base, key)) keys.push(key);
      return keys;
    },
    getOwnPropertyDescriptor: (_, key) =>
      typeof key === 'string' && has(overlay, key)
        ? { value: read(overlay, key), writable: true, enumerable: true, configurable: true }
        : undefined,
    defineProperty: () => false,
    getPrototypeOf: () => null,
    setPrototypeOf: () => false,
  });
  overlays.set(proxy, overlay as Overlay<unknown>);
  return proxy;
}

/** How many commits changed each published record in place (absent: none). */
const revisions = new WeakMap<object, number>();

/**
 * How many times a commit wrote into this record in place: a cache of something computed from a record (a sorted
 * index, say) holds for the record's identity and this revision together.
 */
export function revisionOf(record: object): number {
  return revisions.get(record) ?? 0;
}

/** Writes an overlay record's changes into its base in place and returns the base (a plain record: as is). */
function settle<T>(record: Record<string, T>): Record<string, T> {
  const overlay = overlays.get(record) as Overlay<T> | undefined;
  if (!overlay) return record;
  if (overlay.changes.size > 0) revisions.set(overlay.base, revisionOf(overlay.base) + 1);
  for (const [key, c] of overlay.changes) {
    if (c === DELETED) delete overlay.base[key];
    else overlay.base[key] = c;
  }
  overlay.changes.clear();
  return overlay.base;
}

/**
 * A draft over a published state that copies no collection (see the file's comment). Apply events, read `state`,
 * and after the store committed what they record call `commit()` once: it returns the committed state, plain
 * records throughout, and from then on the draft must not be used. A draft whose append failed is dropped.
 */
export class OverlayDraft implements Writer {
  /** Objects this draft made (its copies of small parts and new records): written directly. */
  private readonly mine = new WeakSet<object>();
  private current: CommonsState | null;
  private done = false;

  constructor(base: CommonsState | null) {
    this.current = base ? this.own({ ...base }) : null;
  }

  get state(): CommonsState {
    return this.current!;
  }

  peek(): CommonsState | null {
    return this.current;
  }

  apply(e: EventEnvelope): CommonsState {
    if (this.done) throw new Error('OverlayDraft: applied after commit');
    if (e.type === 'CommonsCreated') {
      const s = this.own(createdState(e));
      for (const o of [s.core, s.core.members, s.core.roles, s.proposals, s.positions, s.comments])
        this.own(o);
      this.current = s;
      return s;
    }
    if (!this.current) throw new Error(`event ${e.type} before CommonsCreated`);
    applyWith(this, e);
    return this.current;
  }

  /** Writes the overlays into the published records and returns the committed state (null if none yet). */
  commit(): CommonsState | null {
    if (this.done) throw new Error('OverlayDraft: committed twice');
    this.done = true;
    const s = this.current;
    if (!s) return null;
    // The positions of each proposal written: an overlay of their own, settled first (only those, never all).
    const top = overlays.get(s.positions) as Overlay<Record<string, Position>> | undefined;
    const inner = top ? top.changes : new Map(Object.entries(s.positions));
    for (const [pid, record] of inner) {
      if (record !== DELETED && overlays.has(record)) {
        if (top) top.changes.set(pid, settle(record));
        else s.positions[pid] = settle(record);
      }
    }
    const positions = settle(s.positions);
    return {
      ...s,
      core: { ...s.core, members: settle(s.core.members), roles: settle(s.core.roles) },
      proposals: settle(s.proposals),
      positions,
      comments: settle(s.comments),
    };
  }

  private own<T extends object>(o: T): T {
    this.mine.add(o);
    return o;
  }

  /** The record to write to: the draft's own one, or an overlay over the published one. */
  private writable<T>(record: Record<string, T>): Record<string, T> {
    return this.mine.has(record) || overlays.has(record) ? record : this.own(overlayRecord(record));
  }

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
    if (p && (this.mine.has(p) || overlays.has(p))) return p;
    return (all[pid] = p ? overlayRecord(p) : this.own(dict<Position>()));
  }
  comments(pid: string): Comment[] {
    const s = this.current!;
    const all = (s.comments = this.writable(s.comments));
    const c = own(all, pid);
    if (c && this.mine.has(c)) return c;
    return (all[pid] = this.own(c ? [...c] : []));
  }
}
