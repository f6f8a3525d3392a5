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

interface Entry {
  state: CommonsState;
  head: LogHead;
}

/** What a write returns: the events it appended and the state after them. */
export interface WriteResult {
  events: DomainEvent[];
  state: CommonsState;
}

const EMPTY_HASH = '0'.repeat(64);

/**
 * The write path: load the commons' state (cached read model), let the kernel decide, chain and sign the records,
 * append them with the read-model documents in one transaction. Writes to one commons are serialised in this
 * process; across processes the store's expected head turns a race into a conflict, and we reload and retry.
 */
export class CommonsService {
  private readonly cache = new Map<string, Entry>();
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(
    private readonly store: Store,
    private readonly keys: SigningKeys,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The current state of a commons, or null. Reloads if another process moved the log on. */
  async get(commonsId: string): Promise<CommonsState | null> {
    const entry = await this.load(commonsId, true);
    return entry?.state ?? null;
  }

  /** Runs a command by `actor` against a commons, serialised per commons. */
  execute(commonsId: string, command: Command, actor: string | null): Promise<WriteResult> {
    const previous = this.queues.get(commonsId) ?? Promise.resolve();
    const run = previous.then(
      () => this.executeNow(commonsId, command, actor),
      () => this.executeNow(commonsId, command, actor),
    );
    const tail = run.catch(() => undefined);
    this.queues.set(commonsId, tail);
    void tail.then(() => {
      if (this.queues.get(commonsId) === tail) this.queues.delete(commonsId);
    });
    return run;
  }

  /** Ids of every commons. */
  listIds(): Promise<string[]> {
    return this.store.listCommonsIds();
  }

  /** Drops cached state (e.g. after a failed append). */
  forget(commonsId: string): void {
    this.cache.delete(commonsId);
  }

  private async executeNow(commonsId: string, command: Command, actor: string | null): Promise<WriteResult> {
    for (let attempt = 0; ; attempt++) {
      const entry = await this.load(commonsId, attempt > 0);
      const now = this.clock().toISOString();
      const events = decide(entry?.state ?? null, command, { actor, now });
      if (events.length === 0) return { events, state: entry!.state };
      const envelopes: EventEnvelope[] = events.map((e) => ({ ...e, actor, at: now }) as EventEnvelope);
      const size = entry?.head.size ?? 0;
      const chained = chainRecords(
        commonsId,
        entry?.head.hash ?? EMPTY_HASH,
        size,
        envelopes.map((e) => ({ type: e.type, data: e.data, actor: e.actor, at: e.at })),
      );
      const tree = CompactMerkleTree.fromState({ size, hashes: entry?.head.merkle ?? [] });
      for (const c of chained) tree.append(recordLeafHash(c.body));
      const root = tree.rootHex();
      const signed = signCheckpoint(
        { commons: commonsId, size: size + chained.length, root, time: now },
        this.keys.privateKey,
      );
      // Apply to the cached state only now; if the append fails the entry is dropped and reloaded.
      let state = entry?.state ?? null;
      for (const e of envelopes) state = applyEvent(state, e);
      const head: LogHead = {
        commonsId,
        size: size + chained.length,
        hash: chained[chained.length - 1].hash,
        merkle: tree.state().hashes,
        checkpoint: { ...signed.checkpoint, signature: signed.signature, keyId: signed.keyId },
      };
      try {
        await this.store.append({
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
      } catch (error) {
        this.cache.delete(commonsId);
        if (error instanceof StoreConflictError && error.code === 'log_conflict' && attempt < 8) continue;
        throw error;
      }
      this.cache.set(commonsId, { state: state!, head });
      return { events, state: state! };
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
