import type { EventEnvelope } from './events';
import { applyEvent, Draft } from './evolve';
import { decodeRecord, type LogRecord } from './log/record';
import type { CommonsState } from './types';

/** The event a decoded record carries, as evolve reads it. */
export function envelopeOf(r: LogRecord): EventEnvelope {
  return { type: r.type, data: r.data, actor: r.actor, at: r.at } as EventEnvelope;
}

/** The event a stored record carries. Throws on a record that does not decode. */
export function envelopeOfRecord(body: string): EventEnvelope {
  return envelopeOf(decodeRecord(body));
}

/**
 * Folds decoded records (in seq order) into a fresh state, or onto a published one through a Draft, which leaves
 * `base` exactly as it was. The caller verifies the records first: this trusts their order and content.
 */
export function foldRecords(base: CommonsState | null, records: readonly LogRecord[]): CommonsState | null {
  if (records.length === 0) return base;
  if (!base) {
    let state: CommonsState | null = null;
    for (const r of records) state = applyEvent(state, envelopeOf(r));
    return state;
  }
  const draft = new Draft(base);
  for (const r of records) draft.apply(envelopeOf(r));
  return draft.state;
}

/** Folds stored records (canonical bodies, in seq order) into a fresh state. Trusts them, as foldRecords does. */
export function stateFromRecords(bodies: Iterable<string>): CommonsState | null {
  return foldRecords(null, [...bodies].map(decodeRecord));
}
