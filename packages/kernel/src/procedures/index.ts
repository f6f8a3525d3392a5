// The procedure registry: one definition per type of procedure, registered here explicitly. A missing or extra
// entry is a type error. Adding a type: a file beside these, one line below, its tally in packages/methods.
import { Type } from 'typebox';
import type { Procedure } from '../types';
import { automatic } from './automatic';
import { chambers } from './chambers';
import { consensus } from './consensus';
import { consent } from './consent';
import type { ProcedureDefinition, ProcedureOf } from './definition';
import { election } from './election';
import { poll } from './poll';
import { role } from './role';
import { vote } from './vote';

export type { ProcedureDefinition, ProcedureOf } from './definition';
export { MAX_HOURS, RATIO_MAX, RatioSchema } from './definition';
export { POLL_LIMITS, POLL_METHODS } from './poll';
export { CHAMBER_LIMITS, describeChamberRule } from './chambers';
export { ELECTION_METHODS } from './election';

export const PROCEDURES = {
  automatic,
  role,
  consent,
  consensus,
  vote,
  poll,
  chambers,
  election,
} satisfies { [T in Procedure['type']]: ProcedureDefinition<T> };

/** A procedure, discriminated by `type` so that errors name the fields of the chosen type. */
export const ProcedureSchema = Type.Unsafe<Record<string, unknown>>({
  type: 'object',
  oneOf: (Object.keys(PROCEDURES) as Procedure['type'][]).map((t) => PROCEDURES[t].schema),
  discriminator: { propertyName: 'type' },
  required: ['type'],
});

/** Every procedure type, in the registry's order. */
export const PROCEDURE_TYPES = Object.keys(PROCEDURES) as Procedure['type'][];

/** The definition of a procedure's type, or undefined for an unknown type (an own-key lookup). */
export function procedureDefinition(type: unknown): ProcedureDefinition<Procedure['type']> | undefined {
  return typeof type === 'string' && Object.hasOwn(PROCEDURES, type)
    ? (PROCEDURES[type as Procedure['type']] as unknown as ProcedureDefinition<Procedure['type']>)
    : undefined;
}

/** The definition for a known procedure, typed by its own type. */
export function definitionOf<T extends Procedure['type']>(p: ProcedureOf<T>): ProcedureDefinition<T> {
  return PROCEDURES[p.type] as unknown as ProcedureDefinition<T>;
}
