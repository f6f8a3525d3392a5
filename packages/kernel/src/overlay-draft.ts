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
import type { EventEnvelope } from './events';
import { DraftBase } from './evolve';
import { DELETED, overlayRecord, overlays, settle, type Overlay } from './overlay';
import type { CommonsState, Position } from './types';

/**
 * A draft over a published state that copies no collection (see the file's comment). Apply events, read `state`,
 * and after the store committed what they record call `commit()` once: it returns the committed state, plain
 * records throughout, and from then on the draft must not be used. A draft whose append failed is dropped.
 */
export class OverlayDraft extends DraftBase {
  private done = false;

  override apply(e: EventEnvelope): CommonsState {
    if (this.done) throw new Error('OverlayDraft: applied after commit');
    return super.apply(e);
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

  /** The draft's own record, an overlay made before, or a new overlay over the published one. */
  protected writable<T>(record: Record<string, T>): Record<string, T> {
    return this.mine.has(record) || overlays.has(record) ? record : overlayRecord(record);
  }
}
