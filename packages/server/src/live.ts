import type { Store } from '@peergov/store';

/** What a live client hears after an append: the log's new size and the types of the records appended. */
export interface LiveEvent {
  size: number;
  types: string[];
}

export type LiveListener = (event: LiveEvent) => void;

/** At most this many record types are read back for an append heard from another process. */
const MAX_TYPES = 1000;

/**
 * Fans committed appends out to this process's live clients (the SSE streams), per commons. Appends of this process
 * come from CommonsService after their commit; appends of other processes come from the store's `listen` (PostgreSQL
 * NOTIFY), which carries only the new size: their types are read back from the store. Only commons with a listener
 * are tracked, each with the largest size already announced, so that an append is announced once whichever way it
 * is heard first, and in log order (one chain of announcements per commons).
 */
export class LiveUpdates {
  private readonly listeners = new Map<string, Set<LiveListener>>();
  /** The largest size announced (or seen on subscribing) per commons with listeners. */
  private readonly known = new Map<string, number>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly store: Pick<Store, 'readRecords'>) {}

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

  /** An append of this process has committed: the log now has `size` records, the last ones of these types. */
  committed(commonsId: string, size: number, types: string[]): void {
    this.announce(commonsId, size, async () => types);
  }

  /** Another process committed an append (heard through the store): the log now has `size` records. */
  heard(commonsId: string, size: number): void {
    this.announce(commonsId, size, async (from) => {
      const records = await this.store.readRecords(commonsId, from, Math.min(size - from, MAX_TYPES));
      return records.map((r) => r.type);
    });
  }

  private announce(commonsId: string, size: number, typesSince: (from: number) => Promise<string[]>): void {
    const from = this.known.get(commonsId);
    // Nobody listens, or this size was announced already (e.g. our own append, heard back through NOTIFY).
    if (from === undefined || size <= from) return;
    this.known.set(commonsId, size);
    const previous = this.chains.get(commonsId) ?? Promise.resolve();
    const next = previous.then(async () => {
      let types: string[] = [];
      try {
        types = await typesSince(from);
      } catch {
        // The size alone still tells clients to reload.
      }
      for (const listener of [...(this.listeners.get(commonsId) ?? [])]) listener({ size, types });
    });
    this.chains.set(commonsId, next);
    void next.finally(() => {
      if (this.chains.get(commonsId) === next) this.chains.delete(commonsId);
    });
  }
}
