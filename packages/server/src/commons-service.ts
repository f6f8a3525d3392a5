import {
  decide,
  foldRecords,
  foldRecordsInPlace,
  OverlayDraft,
  READ_MODEL_META,
  readModelChanges,
  READ_MODEL_VERSION,
  storedReadModelVersion,
  type Command,
  type CommonsState,
  type DomainEvent,
  type EventEnvelope,
} from '@peergov/kernel';
import {
  chainRecords,
  checkExtension,
  CompactMerkleTree,
  EMPTY_POSITION,
  recordLeafHash,
  signCheckpoint,
  checkLogHead,
  type LogPosition,
  type LogRecord,
  type VerifyWhere,
} from '@peergov/kernel/log';
import {
  StoreConflictError,
  type Deadline,
  type LogHead,
  type Store,
  type StoredMerkleNode,
  type StoredRecord,
} from '@peergov/store';
import { deadlineChanges, openDeadlines } from './deadlines';
import type { SigningKeys } from './keys';
import type { LiveUpdates } from './live';
import { readModelOf, signedCheckpointOf } from './log-service';
import { COMPARED_KINDS, KindComparison } from './verify-checks';
import { ApiError } from './problems';
import { openSnapshot, sealSnapshot } from './snapshots';

/** Whether what this process serves of a commons is what its log proves. */
export type Integrity =
  | { ok: true }
  | {
      ok: false;
      /** What failed: a record, the head (size, hash, Merkle state, checkpoint) or a read-model document. */
      where: VerifyWhere;
      /** The first bad record, when a record failed. */
      seq: number | null;
      reason: string;
    };

/** A failed check, before it is recorded as the commons' integrity. */
type Failure = Omit<Extract<Integrity, { ok: false }>, 'ok'>;

/**
 * How much of the commons' states one process keeps in memory: beyond either bound the least recently used are
 * evicted (a commons with a write in flight, queued commands or a load in flight is kept until it is done), and an
 * evicted commons is loaded again, verified as on a first load, when next used.
 */
export interface CacheBudget {
  /** At most this many commons. */
  entries: number;
  /** At most about this weight of states: a unit is about 1 KiB of heap (see stateWeight). */
  weight: number;
}

/**
 * The default budget: about 160 MiB of states and 2,000 commons, so that the process stays under 512 MB resident
 * whatever the data (the rest: code, indexes of the pages, requests in flight, the garbage collector's headroom),
 * unless one commons alone is heavier than the budget (it is kept while in use: a state is whole or not at all).
 */
export const DEFAULT_CACHE_BUDGET: CacheBudget = { entries: 2000, weight: 160_000 };

/**
 * When the server writes a snapshot of a commons' state (see snapshots.ts): once its log has at least `minRecords`
 * records beyond the last snapshot, and more than `ratio` times the state's weight, so that encoding a state costs
 * about a fixed share of folding the records since (a state of weight w is written again after ratio * w records).
 */
export interface SnapshotPolicy {
  minRecords: number;
  ratio: number;
}

export const DEFAULT_SNAPSHOTS: SnapshotPolicy = { minRecords: 2000, ratio: 1 };

/** Heads of evicted commons remembered (to refuse a log rolled back behind the process's back): about 150 B each. */
const REMEMBERED_HEADS = 100_000;

/**
 * About how many bytes of heap each part of a state takes, besides its text (measured on Node 20 by folding
 * commons of each shape and reading the heap after a collection: a commons with its constitution 2.8–3.3 KB, a
 * member 260–300 B, an open proposal about 600 B and a decided one about 1.1 KB, a position 200 B, a comment 450 B).
 */
const HEAP_BYTES = { commons: 3500, member: 320, proposal: 1100, position: 220, comment: 480 };

/** The weight of a state in a CacheBudget: about its heap in KiB, from its parts and the length of their text. */
export function stateWeight(state: CommonsState): number {
  let bytes = HEAP_BYTES.commons;
  for (const m of Object.values(state.core.members)) bytes += HEAP_BYTES.member + m.displayName.length;
  for (const [id, p] of Object.entries(state.proposals)) {
    bytes += HEAP_BYTES.proposal + p.title.length + p.body.length;
    for (const pos of Object.values(state.positions[id] ?? {}))
      bytes += HEAP_BYTES.position + pos.reason.length;
    for (const c of state.comments[id] ?? []) bytes += HEAP_BYTES.comment + c.text.length;
  }
  return bytes / 1024;
}

/** The weight an appended record adds until the next load weighs the state again: its length, and then some. */
function recordsWeight(records: readonly StoredRecord[]): number {
  let bytes = 0;
  for (const r of records) bytes += 256 + r.body.length;
  return bytes / 1024;
}

interface Entry {
  /** The state folded from the verified records (never changed once published: writes go through a Draft). */
  state: CommonsState;
  /** The head this process verified or wrote: size, last hash, Merkle frontier computed here, checkpoint. */
  head: LogHead;
  integrity: Integrity;
  /** The state's weight in the cache budget (computed at load, then grown by recordsWeight per append). */
  weight: number;
  /** The log size of the latest snapshot this process knows of (0 for none). */
  snapshotAt: number;
}

/** What a write returns: the events it appended and the (committed, immutable) state after them. */
export interface WriteResult {
  events: DomainEvent[];
  state: CommonsState;
  /** Scratch shared by every write of one append (they all see the same `state`), e.g. a view serialised once. */
  memo: Map<string, string>;
}

interface Pending {
  command: Command;
  actor: string | null;
  resolve: (r: WriteResult) => void;
  reject: (e: unknown) => void;
}

type Outcome = { ok: true; events: DomainEvent[] } | { ok: false; error: unknown };

/** Records read, verified and folded at a time when a commons loads. */
const LOAD_CHUNK = 10_000;
/** Documents compared a page at a time on a first load from nothing (expected and stored alike). */
const DOCS_PAGE = 1000;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** At most this many commands share one append (one transaction, one signed checkpoint). */
const MAX_BATCH = 256;

/** What one batch would append: its records and documents, each command's outcome, and the state after it. */
interface Plan {
  /** The batch's draft: its state is read before the append, and committed (written in place) only after it. */
  draft: OverlayDraft;
  state: CommonsState | null;
  records: StoredRecord[];
  envelopes: EventEnvelope[];
  outcomes: Outcome[];
  position: LogPosition;
  /** The Merkle root after the records (hex). */
  root: string;
  /** The Merkle nodes the records complete (what completedNodes gives), found while appending them to the tree. */
  nodes: StoredMerkleNode[];
}

const positionOf = (head: LogHead): LogPosition => ({
  size: head.size,
  hash: head.hash,
  merkle: { size: head.size, hashes: head.merkle },
});

/**
 * The write path and the state every page is served from. A commons' state is folded from its log, never read from
 * the read-model documents: on first use every record is verified (hash, chain, columns, Merkle root, signed
 * checkpoint over the whole log) and folded in; when the log has grown (another process) only the new records are
 * verified and folded onto the last verified position. A log that fails makes its commons read-only
 * (`log_integrity`) and says why on every view.
 *
 * Writes to one commons are serialised in this process and group-committed: commands that arrive while an append is
 * in flight are decided one after another against a Draft and appended together. Each command stands alone: one that
 * is refused (or throws) gets its own error and leaves the others' events as they were. The draft's state is
 * published only after the append commits, so no reader ever sees uncommitted or rolled-back state. Across
 * processes the store's expected size turns a race into a conflict, and the batch is decided again on the reloaded
 * state. After each commit the new log size and event types go to `live` (the SSE streams).
 */
export class CommonsService {
  /** The states kept, least recently used first (a Map keeps insertion order; a use moves an entry to the end). */
  private readonly cache = new Map<string, Entry>();
  private weight = 0;
  /**
   * Failed verifications, kept apart from the cache so that they survive eviction: a commons found read-only stays
   * read-only in this process even if its reload verifies (see `fail`). Small: one entry per commons that failed.
   */
  private readonly failed = new Map<string, Extract<Integrity, { ok: false }>>();
  /**
   * The last head verified of each evicted commons (size and last hash), oldest first: a reload must extend it. A
   * first load checks the log against its own signed checkpoint, which an older copy of the same log also passes;
   * only a process that remembers a later head can tell that records were removed.
   */
  private readonly evictedHeads = new Map<string, { size: number; hash: string }>();
  /** Where the backfill of the deadline index stands in this process (see indexDeadlines). */
  private backfill: { done: boolean; after?: string } = { done: false };
  /** Loads in flight, shared by everyone who asks meanwhile. */
  private readonly loading = new Map<string, Promise<Entry | null>>();
  private readonly pending = new Map<string, Pending[]>();
  private readonly draining = new Set<string>();
  /** Appends in flight: a read waits for them, so that what a writer was told is committed shows at once. */
  private readonly appending = new Map<string, Promise<unknown>>();
  /** Snapshots being written (one at a time per commons). */
  private readonly sealing = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly keys: SigningKeys,
    private readonly clock: () => Date = () => new Date(),
    private readonly live?: LiveUpdates,
    private readonly budget: CacheBudget = DEFAULT_CACHE_BUDGET,
    private readonly snapshots: SnapshotPolicy = DEFAULT_SNAPSHOTS,
    /** Records read, verified and folded at a time on a load (LOAD_CHUNK; smaller in tests of its boundaries). */
    private readonly loadChunk: number = LOAD_CHUNK,
  ) {}

  /** The current state of a commons, or null. Catches up if another process moved the log on. */
  async get(commonsId: string): Promise<CommonsState | null> {
    return (await this.current(commonsId))?.state ?? null;
  }

  /** The state and its integrity, for views that say whether the log still proves them. */
  async current(commonsId: string): Promise<{ state: CommonsState; integrity: Integrity } | null> {
    const inflight = this.appending.get(commonsId);
    if (inflight) await inflight;
    const entry = await this.load(commonsId, true);
    return entry && { state: entry.state, integrity: entry.integrity };
  }

  /** The integrity this process knows of a commons without asking the store (ok when not loaded). */
  integrityOf(commonsId: string): Integrity {
    return this.cache.get(commonsId)?.integrity ?? this.failed.get(commonsId) ?? { ok: true };
  }

  /** How many commons are cached and their weight (for tests and monitoring). */
  cacheUse(): { entries: number; weight: number } {
    return { entries: this.cache.size, weight: this.weight };
  }

  /**
   * Records a failed verification found elsewhere (a full `verify` of the log and documents): the commons goes
   * read-only in this process until it restarts on a repaired store.
   */
  reportIntegrity(commonsId: string, integrity: Integrity): void {
    // Only for a commons this process serves: one not loaded yet gets its own first load, which may rebuild
    // documents of an older version that a full verify reports as differing.
    const entry = this.cache.get(commonsId);
    if (!entry || integrity.ok || !entry.integrity.ok) return;
    if (!this.failed.has(commonsId)) this.failed.set(commonsId, integrity);
    this.cache.set(commonsId, { ...entry, integrity });
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

  /** The deadlines (closing times of open proposals) due by `upTo`, across commons, from the store's index. */
  dueDeadlines(upTo: string, limit: number, after?: Deadline): Promise<Deadline[]> {
    return this.store.dueDeadlines(upTo, limit, after);
  }

  /**
   * Backfills the deadline index for logs from before it (or appended without deadlines): up to `count` of them,
   * each loaded (verified as on a first load, which also rebuilds read models of an older version) and its open
   * proposals' closing times written if its log has not moved on. One pass over such logs per process, in id order;
   * a commons that fails verification is left unindexed, to be indexed once repaired. Returns whether the pass is done.
   */
  async indexDeadlines(count: number): Promise<boolean> {
    if (this.backfill.done) return true;
    const ids = await this.store.unindexedCommons(count, this.backfill.after);
    for (const id of ids) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const entry = await this.load(id, true);
        if (!entry || !entry.integrity.ok) break;
        try {
          await this.store.replaceDeadlines(id, entry.head.size, openDeadlines(entry.state));
          break;
        } catch (error) {
          if (!(error instanceof StoreConflictError)) throw error;
        }
      }
      this.backfill.after = id;
    }
    if (ids.length < count) this.backfill.done = true;
    return this.backfill.done;
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
      // The log is only ever extended from a position verified here: the append names the size and last hash it
      // extends, so a log that moved on (another process) or whose head changed behind this process is a conflict,
      // and the retry reloads and checks what is stored.
      const known = this.failed.get(commonsId);
      if (known) throw integrityError(known);
      const entry = await this.load(commonsId, attempt > 0);
      if (entry && !entry.integrity.ok) throw integrityError(entry.integrity);
      const now = this.clock().toISOString();
      const plan = planBatch(commonsId, entry, batch, now);
      if (plan.records.length === 0) {
        settleBatch(batch, plan.outcomes, plan.state);
        return;
      }
      const signed = signCheckpoint(
        { commons: commonsId, size: plan.position.size, root: plan.root, time: now },
        this.keys.privateKey,
      );
      const head: LogHead = {
        commonsId,
        size: plan.position.size,
        hash: plan.position.hash,
        merkle: plan.position.merkle.hashes,
        checkpoint: { ...signed.checkpoint, signature: signed.signature, keyId: signed.keyId },
      };
      const appended = this.store.append({
        commonsId,
        expectedSize: entry?.head.size ?? 0,
        expectedHash: entry?.head.hash,
        records: plan.records,
        head,
        docs: readModelChanges(plan.state!, plan.envelopes),
        deadlines: deadlineChanges(plan.state!, plan.envelopes),
        // The Merkle nodes these records complete, so that proofs read O(log n) of them.
        nodes: plan.nodes,
      });
      this.appending.set(
        commonsId,
        appended.catch(() => undefined),
      );
      let state: CommonsState;
      try {
        await appended;
        // Committed: the draft's overlays go into the published state's collections now, not before.
        state = plan.draft.commit()!;
      } catch (error) {
        // Nothing was published: the cached state is still the committed one.
        if (error instanceof StoreConflictError && error.code === 'log_conflict' && attempt < 8) continue;
        throw error;
      } finally {
        this.appending.delete(commonsId);
      }
      // A first write weighs the new state; later ones add about what their records weigh.
      const weight = entry ? entry.weight + recordsWeight(plan.records) : stateWeight(state);
      const snapshotAt = entry?.snapshotAt ?? 0;
      this.remember(commonsId, { state, head, integrity: { ok: true }, weight, snapshotAt });
      this.live?.committed(commonsId, head.size, plan.envelopes, state);
      this.maybeSnapshot(commonsId);
      settleBatch(batch, plan.outcomes, state);
      return;
    }
  }

  /** The entry of a commons (null if it has no log); `checkHead` asks the store whether the log moved on. */
  private load(commonsId: string, checkHead: boolean): Promise<Entry | null> {
    const cached = this.cache.get(commonsId);
    if (cached && !checkHead) {
      this.touch(commonsId, cached);
      return Promise.resolve(cached);
    }
    const inflight = this.loading.get(commonsId);
    if (inflight) return inflight;
    const loaded = this.refresh(commonsId).finally(() => {
      this.loading.delete(commonsId);
      const entry = this.cache.get(commonsId);
      if (entry) this.touch(commonsId, entry);
    });
    this.loading.set(commonsId, loaded);
    return loaded;
  }

  private async refresh(commonsId: string): Promise<Entry | null> {
    const cached = this.cache.get(commonsId);
    // A first load starts from the commons' snapshot when it checks (signed here, of a log position this process
    // can extend), else from nothing.
    const base = cached
      ? { state: cached.state, position: positionOf(cached.head), owned: false }
      : await this.openSnapshot(commonsId);
    const head = await this.store.head(commonsId);
    if (!head) {
      if (!cached) return null;
      return this.fail(cached, {
        where: 'head',
        seq: null,
        reason: 'the log of this commons has disappeared',
      });
    }
    if (cached && !cached.integrity.ok) return cached;
    if (cached && head.size === cached.head.size) {
      if (head.hash !== cached.head.hash)
        return this.fail(cached, {
          where: 'record',
          seq: head.size - 1,
          reason: `the head names a last record this server did not write or verify (hash ${head.hash})`,
        });
      const differs = headDifference(cached.head, head);
      return differs ? this.fail(cached, { where: 'head', seq: null, reason: differs }) : cached;
    }
    const from = base ? base.position : EMPTY_POSITION;
    const baseEntry = (): Entry =>
      cached ?? {
        state: base!.state,
        head: { commonsId, size: from.size, hash: from.hash, merkle: from.merkle.hashes, checkpoint: null },
        integrity: this.failed.get(commonsId) ?? { ok: true },
        weight: stateWeight(base!.state),
        snapshotAt: from.size,
      };
    if (base && head.size < from.size) {
      return this.fail(baseEntry(), {
        where: 'record',
        seq: head.size,
        reason: `the log holds ${head.size} records, but this server verified ${from.size}: records were removed`,
      });
    }
    // The records after the base, read and verified a chunk at a time (the head was read first: records only ever
    // follow it, so none read here is of a later append). From nothing they are folded as they verify, so that a
    // long log is never all in memory; after a base they are kept until the head checks, since a fault in the head
    // serves nothing beyond the base.
    const before = cached ? undefined : this.evictedHeads.get(commonsId);
    const folded: { state: CommonsState | null } = { state: null };
    const tail: LogRecord[] = [];
    const read = await this.verifyRecords(
      commonsId,
      from,
      head.size - from.size,
      before ? before.size - 1 : -1,
      (records) => {
        if (base) for (const r of records) tail.push(r);
        else
          folded.state = folded.state
            ? foldRecordsInPlace(folded.state, records)
            : foldRecords(null, records);
      },
    );
    let problem: Failure | null = null;
    if (read.fault) problem = { where: 'record', ...read.fault };
    else if (read.count !== head.size - from.size) {
      problem = {
        where: 'record',
        seq: from.size + read.count,
        reason: `the head says ${head.size} records but the log holds ${from.size + read.count}`,
      };
    } else problem = this.checkHead(commonsId, read.position, head);
    // A reload after eviction must extend the head verified before it, as a log still in the cache must (the
    // snapshot it starts from is at or before that head: see openSnapshot).
    if (problem === null && before) {
      const last = before.size === from.size ? from.hash : read.hashAt;
      if (head.size < before.size) {
        problem = {
          where: 'record',
          seq: head.size,
          reason: `the log holds ${head.size} records, but this server verified ${before.size}: records were removed`,
        };
      } else if (last !== before.hash) {
        problem = {
          where: 'record',
          seq: before.size - 1,
          reason: `record ${before.size - 1} is not the one this server verified before (hash ${before.hash})`,
        };
      }
    }
    // What is served is what is proven: on a fault in a record (or a tail the checkpoint does not sign), the records
    // before it; on a fault in the head or checkpoint, nothing beyond what this process verified before (a cached
    // state or a snapshot it signed), or, on a first load from nothing, the records that verified, under the warning.
    const verified = read.records;
    const upTo = Math.max(
      0,
      problem === null ? verified : problem.seq !== null ? problem.seq - from.size : base ? 0 : verified,
    );
    if (base) {
      const served = tail.slice(0, upTo);
      folded.state = base.owned ? foldRecordsInPlace(base.state, served) : foldRecords(base.state, served);
    } else if (upTo < verified) {
      // A fault found after folding (a record this server verified before, now another): fold again only up to it.
      folded.state = null;
      await this.verifyRecords(commonsId, EMPTY_POSITION, upTo, -1, (records) => {
        folded.state = folded.state ? foldRecordsInPlace(folded.state, records) : foldRecords(null, records);
      });
    }
    const state = folded.state;
    if (!state) return null;
    const entry: Entry = {
      state,
      head: problem === null ? { ...head, merkle: read.position.merkle.hashes } : (cached?.head ?? head),
      integrity: this.failed.get(commonsId) ?? { ok: true },
      weight: cached ? cached.weight + read.weight : stateWeight(state),
      snapshotAt: cached ? cached.snapshotAt : from.size,
    };
    if (problem) return this.fail(entry, problem);
    // On a first load from nothing the stored documents must be what the log gives: they are what other readers of
    // the store see. (From a snapshot they are not read: a full verify compares them.)
    if (!base) {
      const doc = await this.checkDocs(commonsId, state, head.size);
      if (doc === 'moved') return entry;
      if (doc) return this.fail(entry, { where: 'document', seq: null, reason: doc });
    }
    this.remember(commonsId, entry);
    if (!cached) this.maybeSnapshot(commonsId);
    return entry;
  }

  /**
   * Reads `count` records after `from` in chunks, verifying each chunk from where the last ended and handing its
   * verified records to `take`; stops at the first fault. Returns the fault (or null), the position reached, how
   * many records were read and how many verified, their weight, and the stored hash of record `hashOf` if read.
   */
  private async verifyRecords(
    commonsId: string,
    from: LogPosition,
    count: number,
    hashOf: number,
    take: (records: LogRecord[]) => void,
  ): Promise<{
    fault: { seq: number; reason: string } | null;
    position: LogPosition;
    count: number;
    records: number;
    weight: number;
    hashAt: string | undefined;
  }> {
    let position = from;
    let read = 0;
    let verified = 0;
    let weight = 0;
    let hashAt: string | undefined;
    while (read < count) {
      const chunk = await this.store.readRecords(
        commonsId,
        from.size + read,
        Math.min(this.loadChunk, count - read),
      );
      read += chunk.length;
      weight += recordsWeight(chunk);
      const first = chunk[0]?.seq;
      if (first !== undefined && hashOf >= first && hashOf < first + chunk.length)
        hashAt = chunk[hashOf - first]?.hash;
      const check = checkExtension(commonsId, position, chunk);
      position = check.position;
      verified += check.records.length;
      if (check.records.length > 0) take(check.records);
      if (!check.ok)
        return {
          fault: { seq: check.seq, reason: check.reason },
          position,
          count: read,
          records: verified,
          weight,
          hashAt,
        };
      if (chunk.length < Math.min(this.loadChunk, count - (read - chunk.length))) break;
    }
    return { fault: null, position, count: read, records: verified, weight, hashAt };
  }

  /**
   * Whether the stored documents of a commons are those its state (verified at log size `size`) gives, one kind at
   * a time: null if they are, or rebuilt (documents of an older read-model version, if the log is still that size);
   * 'moved' if they differ but the log has grown since (another process: documents ahead of the records read, so
   * nothing is concluded, and a later load checks again); else what differs.
   */
  private async checkDocs(
    commonsId: string,
    state: CommonsState,
    size: number,
  ): Promise<string | null | 'moved'> {
    // A kind at a time: its expected documents (taken from the state in steps, the loop served between them), then
    // the stored ones a page at a time, so that neither side of a large commons is ever all in memory at once.
    let difference: string | null = null;
    for (const kind of COMPARED_KINDS) {
      const comparison = new KindComparison();
      const steps = comparison.fill(state, kind, DOCS_PAGE);
      for (let n = 1; !steps.next().done; n++) if (n % 10 === 0) await nextTurn();
      for (let after: string | undefined; ;) {
        const page = await this.store.listDocsPage(commonsId, kind, DOCS_PAGE, after);
        comparison.page(page);
        if (page.length < DOCS_PAGE) break;
        after = page[page.length - 1]!.id;
      }
      const fault = comparison.end();
      if (fault) {
        difference = fault.reason;
        break;
      }
    }
    if (difference === null) return null;
    if ((await this.store.head(commonsId))?.size !== size) return 'moved';
    const meta = await this.store.getDoc(commonsId, READ_MODEL_META.kind, READ_MODEL_META.id);
    if (
      storedReadModelVersion(meta === null ? [] : [{ ...READ_MODEL_META, body: meta }]) >= READ_MODEL_VERSION
    )
      return difference;
    // Documents written by an older version: rebuilt from the log just verified (derived data, which only this log
    // proves), if the log is still the size verified; else the next load tries again.
    try {
      await this.store.replaceDocs(commonsId, size, readModelOf(state));
    } catch (error) {
      if (error instanceof StoreConflictError) return 'moved';
      throw error;
    }
    return null;
  }

  /**
   * The commons' stored snapshot as a base to fold on, or null to fold the log from nothing: when there is none,
   * when it does not check (written by other code, or edited: see snapshots.ts), when its documents are of an older
   * read-model version (a load from nothing rebuilds them), or when it is of a position beyond the head this process
   * verified before evicting the commons (it could not tell that such a snapshot extends that head).
   */
  private async openSnapshot(
    commonsId: string,
  ): Promise<{ state: CommonsState; position: LogPosition; owned: true } | null> {
    const stored = await this.store.readSnapshot(commonsId);
    if (!stored) return null;
    const before = this.evictedHeads.get(commonsId);
    if (before && stored.size > before.size) return null;
    const meta = await this.store.getDoc(commonsId, READ_MODEL_META.kind, READ_MODEL_META.id);
    if (
      storedReadModelVersion(meta === null ? [] : [{ ...READ_MODEL_META, body: meta }]) < READ_MODEL_VERSION
    )
      return null;
    const opened = await openSnapshot(commonsId, stored, this.keys.publicKey, this.keys.keyId);
    return 'unusable' in opened ? null : { ...opened, owned: true };
  }

  /**
   * Writes a snapshot of a cached commons in the background when its log has grown enough beyond the last one (see
   * SnapshotPolicy). Best effort: a snapshot only saves a later load work, and one that fails is tried again later.
   */
  private maybeSnapshot(commonsId: string): void {
    const entry = this.cache.get(commonsId);
    if (!entry || !entry.integrity.ok || this.sealing.has(commonsId)) return;
    const { minRecords, ratio } = this.snapshots;
    const since = entry.head.size - entry.snapshotAt;
    if (since < minRecords || since < ratio * entry.weight) return;
    const sealing = sealSnapshot(commonsId, entry.state, entry.head, this.keys)
      .then(async (snapshot) => {
        await this.store.saveSnapshot(commonsId, snapshot);
        const now = this.cache.get(commonsId);
        if (now && now.snapshotAt < snapshot.size) now.snapshotAt = snapshot.size;
      })
      .catch(() => undefined)
      .finally(() => this.sealing.delete(commonsId));
    this.sealing.set(commonsId, sealing);
  }

  /**
   * Loads the commons with the largest snapshots (at most `count`) into the cache, one after the other, so that the
   * first visitor of a big commons after a start does not wait for its load: stops when the cache holds half its
   * weight budget (the rest is for the commons people visit), at the first load that fails, or when `signal` aborts.
   * For a start's background; a request for a commons being loaded waits for that load, as it would for its own.
   * Returns the commons loaded.
   */
  async prewarm(count: number, signal?: AbortSignal): Promise<string[]> {
    const loaded: string[] = [];
    if (count < 1) return loaded;
    for (const { commonsId } of await this.store.largestSnapshots(count)) {
      if (signal?.aborted || this.weight >= this.budget.weight / 2) break;
      if (this.cache.has(commonsId)) continue;
      try {
        if (!(await this.current(commonsId))) break;
      } catch {
        break;
      }
      loaded.push(commonsId);
    }
    return loaded;
  }

  /** Resolves once the snapshots being written are written (for tests and shutdown). */
  async snapshotsWritten(): Promise<void> {
    while (this.sealing.size > 0) await Promise.all(this.sealing.values());
  }

  // What is wrong with a stored head and its checkpoint over records verified up to `position`, or null.
  private checkHead(commonsId: string, position: LogPosition, head: LogHead): Failure | null {
    const fault = checkLogHead(commonsId, position, {
      checkpoint: head.checkpoint && signedCheckpointOf(head.checkpoint),
      publicKey: this.keys.publicKey,
      head: { size: head.size, hash: head.hash, merkle: head.merkle },
    });
    return fault && { where: fault.where, seq: fault.seq, reason: fault.reason };
  }

  /**
   * Records a failed check. The first failure of a commons stands for the life of the process, cached or not: a
   * reload after eviction is a first load, which checks the log only against its own signed checkpoint, so a store
   * that was tampered with and then put back (or rolled back to an older, validly signed copy) would pass it. Having
   * once served a log that did not verify, the process keeps the commons read-only until an operator restarts it on
   * a store they have checked, as it would have without eviction.
   */
  private fail(entry: Entry, integrity: Failure): Entry {
    const id = entry.state.core.id;
    const first = this.failed.get(id) ?? { ok: false as const, ...integrity };
    this.failed.set(id, first);
    const failed: Entry = { ...entry, integrity: first };
    this.remember(id, failed);
    return failed;
  }

  /** Caches an entry as the most recently used, then evicts beyond the budget. */
  private remember(commonsId: string, entry: Entry): void {
    const old = this.cache.get(commonsId);
    if (old) {
      this.weight -= old.weight;
      this.cache.delete(commonsId);
    }
    this.cache.set(commonsId, entry);
    this.weight += entry.weight;
    this.evictedHeads.delete(commonsId);
    this.evict(commonsId);
  }

  private touch(commonsId: string, entry: Entry): void {
    this.cache.delete(commonsId);
    this.cache.set(commonsId, entry);
  }

  // Evicts least recently used entries until within the budget, never `keep` (just used) nor one in use by a write
  // or a load: its state is about to be replaced by what that write or load commits.
  private evict(keep: string): void {
    const within = () => this.cache.size <= this.budget.entries && this.weight <= this.budget.weight;
    if (within()) return;
    for (const [id, entry] of this.cache) {
      if (within()) break;
      if (id === keep || this.pending.has(id) || this.draining.has(id) || this.appending.has(id)) continue;
      if (this.loading.has(id)) continue;
      this.cache.delete(id);
      this.weight -= entry.weight;
      if (entry.integrity.ok) this.evictedHeads.set(id, { size: entry.head.size, hash: entry.head.hash });
      if (this.evictedHeads.size > REMEMBERED_HEADS) {
        const oldest = this.evictedHeads.keys().next();
        if (!oldest.done) this.evictedHeads.delete(oldest.value);
      }
    }
  }
}

/** The problem a write to a commons whose log failed verification answers. */
export function integrityError(integrity: Integrity): ApiError {
  const what = integrity.ok
    ? ''
    : `${integrity.seq !== null ? `record ${integrity.seq}: ` : ''}${integrity.reason}`;
  return new ApiError(
    409,
    'log_integrity',
    `This commons is read-only: its log or records do not verify (${what}). Nothing can be written until an operator restores it.`,
  );
}

// A difference between the head this process verified and the stored one of the same size, or null.
function headDifference(mine: LogHead, stored: LogHead): string | null {
  if (stored.merkle.join() !== mine.merkle.join())
    return 'the stored Merkle state is not the tree of the records';
  const a = mine.checkpoint;
  const b = stored.checkpoint;
  if (!a || !b) return a === b ? null : 'the signed checkpoint was removed or replaced';
  if (
    a.size !== b.size ||
    a.root !== b.root ||
    a.signature !== b.signature ||
    a.commons !== b.commons ||
    a.time !== b.time
  )
    return 'the signed checkpoint was replaced';
  return null;
}

/**
 * Decides each command of a batch against a draft over the entry's state and chains its records. A command that is
 * refused, or whose events cannot be encoded, has only its own outcome; one whose events fail to apply (a bug) is
 * left out and the batch is planned again without it, so that no half-applied command reaches the others.
 */
function planBatch(commonsId: string, entry: Entry | null, batch: Pending[], now: string): Plan {
  const excluded = new Map<number, unknown>();
  for (;;) {
    const draft = new OverlayDraft(entry?.state ?? null);
    const start = entry ? positionOf(entry.head) : EMPTY_POSITION;
    const tree = CompactMerkleTree.fromState(start.merkle);
    let hash = start.hash;
    const records: StoredRecord[] = [];
    const nodes: StoredMerkleNode[] = [];
    const onNode = (level: number, index: number, node: Uint8Array) =>
      nodes.push({ level, index, hash: Buffer.from(node).toString('hex') });
    const envelopes: EventEnvelope[] = [];
    const outcomes: Outcome[] = [];
    let restart = false;
    for (const [i, p] of batch.entries()) {
      if (excluded.has(i)) {
        outcomes.push({ ok: false, error: excluded.get(i) });
        continue;
      }
      let events: DomainEvent[];
      let chained: ReturnType<typeof chainRecords>;
      let envs: EventEnvelope[];
      try {
        events = decide(draft.peek(), p.command, { actor: p.actor, now });
        envs = events.map((e) => ({ ...e, actor: p.actor, at: now }) as EventEnvelope);
        chained = chainRecords(commonsId, hash, start.size + records.length, envs);
      } catch (error) {
        outcomes.push({ ok: false, error });
        continue;
      }
      try {
        for (const env of envs) draft.apply(env);
      } catch (error) {
        excluded.set(i, error);
        restart = true;
        break;
      }
      for (const c of chained) {
        records.push({
          commonsId,
          seq: c.record.seq,
          type: c.record.type,
          at: c.record.at,
          hash: c.hash,
          body: c.body,
        });
        tree.append(recordLeafHash(c.body), onNode);
        hash = c.hash;
      }
      envelopes.push(...envs);
      outcomes.push({ ok: true, events });
    }
    if (restart) continue;
    return {
      draft,
      state: draft.peek(),
      records,
      envelopes,
      outcomes,
      position: { size: start.size + records.length, hash, merkle: tree.state() },
      root: tree.rootHex(),
      nodes,
    };
  }
}

/** Resolves each command of a batch with its outcome; the successful ones share one memo. */
function settleBatch(batch: Pending[], outcomes: Outcome[], state: CommonsState | null): void {
  const memo = new Map<string, string>();
  batch.forEach((p, i) => {
    const o = outcomes[i];
    if (o === undefined) p.reject(new Error(`internal: no outcome for command ${i} of the batch`));
    else if (o.ok) p.resolve({ events: o.events, state: state!, memo });
    else p.reject(o.error);
  });
}
