import { Type } from 'typebox';
import type { ElectionMethod } from '../types';
import { HoursSchema, MAX_HOURS, procedureSchema, validHours, type ProcedureDefinition } from './definition';

export const ELECTION_METHODS = [
  'stv',
  'scottish_stv',
  'schulze',
  'irv',
] as const satisfies readonly ElectionMethod[];

const METHOD_TEXT: Record<ElectionMethod, string> = {
  stv: 'a single transferable vote count (RCTab rules: Droop quota, surpluses transferred at their fractional value)',
  scottish_stv:
    'a single transferable vote count under the Scottish rules of 2007 (Droop quota, weighted inclusive Gregory transfers to five decimal places)',
  schulze:
    'the Schulze method (one seat: the candidate who beats every other head to head by the strongest paths)',
  irv: 'an instant-runoff count (one seat, RCTab rules)',
};

/**
 * An election to a role's seats: members nominate candidates (themselves too) and each nominee accepts; then members
 * rank the accepted candidates, and the method fills the seats. Only `elect_role` is decided so.
 */
export const election: ProcedureDefinition<'election'> = {
  type: 'election',
  kinds: ['elect_role'],
  schema: procedureSchema('election', {
    nominationHours: HoursSchema,
    hours: HoursSchema,
    method: Type.Union(ELECTION_METHODS.map((m) => Type.Literal(m))),
  }),
  problem: (p) => {
    if (!validHours(p.nominationHours, 0))
      return `nominationHours must be a whole number from 0 to ${MAX_HOURS}`;
    if (!validHours(p.hours, 1)) return `hours must be a whole number from 1 to ${MAX_HOURS}`;
    if (p.nominationHours + p.hours > MAX_HOURS)
      return `nominations and voting together last at most ${MAX_HOURS} hours`;
    if (!(ELECTION_METHODS as readonly string[]).includes(p.method))
      return `method must be one of ${ELECTION_METHODS.join(', ')}`;
    return null;
  },
  normalise: (p) => ({
    type: 'election',
    nominationHours: p.nominationHours,
    hours: p.hours,
    method: p.method,
  }),
  openHours: (p) => p.nominationHours + p.hours,
  describe: (p) =>
    p.nominationHours > 0
      ? `An election: for ${p.nominationHours} hours members nominate candidates (themselves too) and nominees accept; then for ${p.hours} hours members rank the candidates, and ${METHOD_TEXT[p.method]} fills the seats.`
      : `An election: members nominate candidates (themselves too) and nominees accept until the proposer opens the ballot; members rank the candidates until ${p.hours} hours after the election opened, and ${METHOD_TEXT[p.method]} fills the seats.`,
};
