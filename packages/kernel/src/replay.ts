import type { EventEnvelope } from './events';
import { applyEvent, Draft } from './evolve';
import { decodeRecord, type LogRecord } from './log/record';
import type { CommonsState } from './types';
import { upcast, UPCASTERS, type Upcasters } from './upcast';

/** The events a decoded record carries, upcast to the current shape, as evolve reads them. */
export function envelopesOf(r: LogRecord, upcasters: Upcasters = UPCASTERS): EventEnvelope[] {
  return upcast(r, upcasters).map((e) => ({ ...e, actor: r.actor, at: r.at }) as EventEnvelope);
}

/** The events a stored record carries, upcast to the current shape. Throws on a record that does not decode. */
export function envelopesOfRecord(body: string, upcasters: Upcasters = UPCASTERS): EventEnvelope[] {
  return envelopesOf(decodeRecord(body, upcasters.versions), upcasters);
}

/**
 * Folds decoded records (in seq order) into a fresh state, or onto a published one through a Draft, which leaves
 * `base` exactly as it was; each record's events are upcast first (by `upcasters`, this code's by default). The
 * caller verifies the records first: this trusts their order and content.
 */
export function foldRecords(
  base: CommonsState | null,
  records: readonly LogRecord[],
  upcasters: Upcasters = UPCASTERS,
): CommonsState | null {
  if (records.length === 0) return base;
  if (!base) {
    let state: CommonsState | null = null;
    for (const r of records) for (const e of envelopesOf(r, upcasters)) state = applyEvent(state, e);
    return state;
  }
  const draft = new Draft(base);
  for (const r of records) for (const e of envelopesOf(r, upcasters)) draft.apply(e);
  return draft.state;
}

/**
 * Folds decoded records onto a state the caller owns (one just decoded from a snapshot, say), in place: cheaper than
 * foldRecords' Draft, and only for a state nobody else reads yet. Trusts the records, as foldRecords does.
 */
export function foldRecordsInPlace(
  state: CommonsState,
  records: readonly LogRecord[],
  upcasters: Upcasters = UPCASTERS,
): CommonsState {
  let s = state;
  for (const r of records) for (const e of envelopesOf(r, upcasters)) s = applyEvent(s, e);
  return s;
}

/** Folds stored records (canonical bodies, in seq order) into a fresh state. Trusts them, as foldRecords does. */
export function stateFromRecords(
  bodies: Iterable<string>,
  upcasters: Upcasters = UPCASTERS,
): CommonsState | null {
  return foldRecords(
    null,
    [...bodies].map((b) => decodeRecord(b, upcasters.versions)),
    upcasters,
  );
}
