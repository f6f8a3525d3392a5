// Overlays over published records (see overlay-draft.ts): a record that reads as the published one with a draft's
// writes on top and writes only to the overlay, until `settle` writes them into the published record in place.
import { dict, own } from './dict';

export const DELETED: unique symbol = Symbol('deleted');
type Change<T> = T | typeof DELETED;

/** An overlay over one published record: what the draft wrote, by key. */
export interface Overlay<T> {
  base: Record<string, T>;
  changes: Map<string, Change<T>>;
}

/** The overlay behind each proxy this module made. */
export const overlays = new WeakMap<object, Overlay<unknown>>();

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
export function overlayRecord<T>(base: Record<string, T>): Record<string, T> {
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

/** What the latest commit into a record changed: the keys written or deleted, and how many keys it added net. */
export interface RecordChange {
  /** The revision this commit made (see revisionOf). */
  revision: number;
  keys: readonly string[];
  added: number;
}
const lastChanges = new WeakMap<object, RecordChange>();

/**
 * The keys the latest commit into this record changed, so that a cache of the revision before can be brought up to
 * date without reading the whole record (undefined if no commit wrote into it).
 */
export function lastChangeOf(record: object): RecordChange | undefined {
  return lastChanges.get(record);
}

/** Writes an overlay record's changes into its base in place and returns the base (a plain record: as is). */
export function settle<T>(record: Record<string, T>): Record<string, T> {
  const overlay = overlays.get(record) as Overlay<T> | undefined;
  if (!overlay) return record;
  const base = overlay.base;
  if (overlay.changes.size > 0) {
    let added = 0;
    for (const [key, c] of overlay.changes) {
      const had = Object.prototype.hasOwnProperty.call(base, key);
      if (c === DELETED) {
        if (had) added -= 1;
        delete base[key];
      } else {
        if (!had) added += 1;
        base[key] = c;
      }
    }
    const revision = revisionOf(base) + 1;
    revisions.set(base, revision);
    lastChanges.set(base, { revision, keys: [...overlay.changes.keys()], added });
  }
  overlay.changes.clear();
  return base;
}
