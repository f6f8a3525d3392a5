// What a domain module is: for its commands, how each is decided against the commons; for its events, how each is
// applied through a Writer. The commons decider (decide.ts) and evolve (evolve.ts) compose the modules, and the
// compiler checks that every command and every event has exactly one handler.
import type { Command, CommandContext } from '../commands';
import type { DomainEvent, EventEnvelope } from '../events';
import type { Writer } from '../evolve';
import type { CommonsState, Proposal, Role } from '../types';

export type CommandOf<T extends Command['type']> = Extract<Command, { type: T }>;
export type EnvelopeOf<T extends DomainEvent['type']> = Extract<EventEnvelope, { type: T }>;

/** How a module decides each of its commands (on an existing commons). */
export type Deciders<T extends Command['type']> = {
  [K in T]: (state: CommonsState, command: CommandOf<K>, ctx: CommandContext) => DomainEvent[];
};

/** How a module applies each of its events. */
export type Evolvers<T extends DomainEvent['type']> = { [K in T]: (w: Writer, e: EnvelopeOf<K>) => void };

function missing(e: EventEnvelope, what: string, id: string): never {
  throw new Error(`event ${e.type} refers to ${what} ${JSON.stringify(id)}, which does not exist`);
}

/** The writable proposal an event refers to; an event about a proposal that does not exist is a bug. */
export function proposalIn(w: Writer, e: EventEnvelope, id: string): Proposal {
  return w.proposal(id) ?? missing(e, 'proposal', id);
}

/** The writable role an event refers to. */
export function roleIn(w: Writer, e: EventEnvelope, id: string): Role {
  return w.role(id) ?? missing(e, 'role', id);
}
