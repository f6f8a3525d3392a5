import { HoursSchema, MAX_HOURS, procedureSchema, validHours, type ProcedureDefinition } from './definition';

/** Consent (sociocracy): passes at its closing time unless an objection stands. */
export const consent: ProcedureDefinition<'consent'> = {
  type: 'consent',
  schema: procedureSchema('consent', { hours: HoursSchema }),
  problem: (p) => (validHours(p.hours, 1) ? null : `hours must be a whole number from 1 to ${MAX_HOURS}`),
  normalise: (p) => ({ type: 'consent', hours: p.hours }),
  openHours: (p) => p.hours,
  describe: (p) => `Passes after ${p.hours} hours unless a member objects.`,
};
