import {
  applyEvent,
  decide,
  DomainError,
  readModelChanges,
  stateFromDocs,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
} from '@peergov/kernel';
import { chainRecords, CompactMerkleTree, recordLeafHash, signCheckpoint } from '@peergov/kernel/log';
import { StoreConflictError, type LogHead, type Store } from '@peergov/store';
import type { SigningKeys } from './keys';
import type { LiveUpdates } from './live';

interface Entry {
  state: CommonsState;
  head: LogHead;
}

/** What a write returns: the events it appended and the state after them. */
export interface WriteResult {
  events: DomainEvent[];
  state: CommonsState;
  /**
   * Scratch shared by every write of one append (they all see the same `state`), e.g. for a view serialised once
   * for all of them. Valid only until the caller next yields: the state is updated in place by later appends.
   */
  memo: Map<string, string>;
}

const EMPTY_HASH = '0'.repeat(64);

interface Pending {
  command: Command;
  actor: string | null;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; events: DomainEvent[] } | { ok: false; error: unknown };

/** Resolves each command of a batch with its outcome; the successful ones share one memo. */
function settleBatch(batch: Pending[], outcomes: Outcome[], state: CommonsState): void {
  const memo = new Map<string, string>();
  batch.forEach((p, i) => {
    const o = outcomes[i];
    if (o.ok) p.resolve({ events: o.events, state, memo });
    else p.reject(o.error);
  });
}

/** At most this many commands share one append (one transaction, one signed checkpoint). */
const MAX_BATCH = 256;

/**
 * The write path: load the commons' state (cached read model), let the kernel decide, chain and sign the records,
 * append them with the read-model documents in one transaction. Writes to one commons are serialised in this
 * process and group-committed: commands that arrive while an append is in flight are decided one after another
 * and appended together. Across processes the store's expected head turns a race into a conflict, and the batch
 * is reloaded and decided again. After each commit the new log size and event types go to `live` (the SSE streams).
 */
export class CommonsService {
  private readonly cache = new Map<string, Entry>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly draining = new Set<string>();
  /** Appends in flight: their events are already applied to the cached state but not yet committed. */
  private readonly appending = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly keys: SigningKeys,
    private readonly clock: () => Date = () => new Date(),
    private readonly live?: LiveUpdates,
  ) {}

  /** The current state of a commons, or null. Reloads if another process moved the log on. */
  async get(commonsId: string): Promise<CommonsState | null> {
    // A read never shows what an append has applied in memory but not yet committed (or may yet roll back).
    const inflight = this.appending.get(commonsId);
    if (inflight) await inflight;
    const entry = await this.load(commonsId, true);
    return entry?.state ?? null;
  }

  /**
   * Runs a command by `actor` against a commons: resolves with its events, or rejects with its DomainError.
   * The first command starts the drain on the next turn of the event loop (setImmediate, after the I/O callbacks
   * of this turn), so that requests read in the same turn share an append even when the store answers at once.
   */
  execute(commonsId: string, command: Command, actor: string | null): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      const queue = this.pending.get(commonsId);
      if (queue) queue.push({ command, actor, resolve, reject });
      else this.pending.set(commonsId, [{ command, actor, resolve, reject }]);
      if (!this.draining.has(commonsId)) {
        this.draining.add(commonsId);
        setImmediate(() => void this.drain(commonsId));
      }
    });
  }

  /**
   * The cached state of a commons without asking the store whether it is current (null when not cached). Only for
   * facts that never stop being true, such as that the commons or a proposal exists; writes re-check anyway.
   */
  peek(commonsId: string): CommonsState | null {
    return this.cache.get(commonsId)?.state ?? null;
  }

  /** Ids of every commons. */
  listIds(): Promise<string[]> {
    return this.store.listCommonsIds();
  }

  private async drain(commonsId: string): Promise<void> {
    try {
      for (;;) {
        const queue = this.pending.get(commonsId);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, MAX_BATCH);
        try {
          await this.commit(commonsId, batch);
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.pending.delete(commonsId);
      this.draining.delete(commonsId);
    }
  }

  /** Decides each command of a batch in turn and appends all their events at once; retries on a lost race. */
  private async commit(commonsId: string, batch: Pending[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const entry = await this.load(commonsId, attempt > 0);
      const now = this.clock().toISOString();
      let state = entry?.state ?? null;
      const size = entry?.head.size ?? 0;
      const envelopes: EventEnvelope[] = [];
      const outcomes: Outcome[] = [];
      let mutated = false;
      for (const p of batch) {
        let events: DomainEvent[];
        try {
          events = decide(state, p.command, { actor: p.actor, now });
        } catch (error) {
          outcomes.push({ ok: false, error });
          continue;
        }
        // Applied in place so that the next command sees it; if the append fails the entry is dropped.
        for (const e of events) {
          const env = { ...e, actor: p.actor, at: now } as EventEnvelope;
          envelopes.push(env);
          state = applyEvent(state, env);
          mutated = true;
        }
        outcomes.push({ ok: true, events });
      }
      if (envelopes.length === 0) {
        settleBatch(batch, outcomes, state!);
        return;
      }
      const chained = chainRecords(
        commonsId,
        entry?.head.hash ?? EMPTY_HASH,
        size,
        envelopes.map((e) => ({ type: e.type, data: e.data, actor: e.actor, at: e.at })),
      );
      const tree = CompactMerkleTree.fromState({ size, hashes: entry?.head.merkle ?? [] });
      for (const c of chained) tree.append(recordLeafHash(c.body));
      const signed = signCheckpoint(
        { commons: commonsId, size: size + chained.length, root: tree.rootHex(), time: now },
        this.keys.privateKey,
      );
      const head: LogHead = {
        commonsId,
        size: size + chained.length,
        hash: chained[chained.length - 1].hash,
        merkle: tree.state().hashes,
        checkpoint: { ...signed.checkpoint, signature: signed.signature, keyId: signed.keyId },
      };
      let appended: Promise<void> | undefined;
      try {
        appended = this.store.append({
          commonsId,
          expectedSize: size,
          records: chained.map((c: (typeof chained)[number]) => ({
            commonsId,
            seq: c.record.seq,
            type: c.record.type,
            at: c.record.at,
            hash: c.hash,
            body: c.body,
          })),
          head,
          docs: readModelChanges(state!, envelopes),
        });
        this.appending.set(
          commonsId,
          appended.catch(() => undefined),
        );
        await appended;
      } catch (error) {
        if (mutated) this.cache.delete(commonsId);
        this.appending.delete(commonsId);
        if (error instanceof StoreConflictError && error.code === 'log_conflict' && attempt < 8) continue;
        throw error;
      }
      this.cache.set(commonsId, { state: state!, head });
      this.appending.delete(commonsId);
      this.live?.committed(
        commonsId,
        head.size,
        envelopes.map((e) => e.type),
      );
      settleBatch(batch, outcomes, state!);
      return;
    }
  }

  private async load(commonsId: string, checkHead: boolean): Promise<Entry | null> {
    const cached = this.cache.get(commonsId);
    if (cached && !checkHead) return cached;
    const head = await this.store.head(commonsId);
    if (!head) {
      this.cache.delete(commonsId);
      return null;
    }
    if (cached && cached.head.size === head.size && cached.head.hash === head.hash) return cached;
    const [core, proposals, positions, comments] = await Promise.all([
      this.store.getDoc(commonsId, 'commons', commonsId),
      this.store.listDocs(commonsId, 'proposal'),
      this.store.listDocs(commonsId, 'position'),
      this.store.listDocs(commonsId, 'comment'),
    ]);
    if (!core) throw new DomainError('commons_not_found', 'There is no such commons.');
    const state = stateFromDocs({
      core,
      proposals: proposals.map((d) => d.body),
      positions: positions.map((d) => d.body),
      comments: comments.map((d) => d.body),
    });
    const entry = { state, head };
    this.cache.set(commonsId, entry);
    return entry;
  }
}
