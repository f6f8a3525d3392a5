import type { EventEnvelope } from './events';
import { applyEvent } from './evolve';
import { decodeRecord } from './log/record';
import type { CommonsState } from './types';

/** The event a stored record carries, as evolve reads it. Throws on a record that does not decode. */
export function envelopeOfRecord(body: string): EventEnvelope {
  const r = decodeRecord(body);
  return { type: r.type, data: r.data, actor: r.actor, at: r.at } as EventEnvelope;
}

/**
 * Folds stored records (canonical bodies, in seq order) into state, on top of `state` when given (in place).
 * The caller verifies the records first: this trusts their order and content.
 */
export function stateFromRecords(
  bodies: Iterable<string>,
  state: CommonsState | null = null,
): CommonsState | null {
  for (const body of bodies) state = applyEvent(state, envelopeOfRecord(body));
  return state;
}
