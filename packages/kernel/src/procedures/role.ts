import { HoursSchema, MAX_HOURS, procedureSchema, validHours, type ProcedureDefinition } from './definition';

/** A role holder whose mandate includes the kind decides alone, optionally after an objection window. */
export const role: ProcedureDefinition<'role'> = {
  type: 'role',
  schema: procedureSchema('role', { objectionHours: HoursSchema }),
  problem: (p) =>
    validHours(p.objectionHours, 0) ? null : `objectionHours must be a whole number from 0 to ${MAX_HOURS}`,
  normalise: (p) => ({ type: 'role', objectionHours: p.objectionHours }),
  // Without an objection window a role holder still needs time to decide: a week.
  openHours: (p) => (p.objectionHours > 0 ? p.objectionHours : 168),
  describe: (p) =>
    p.objectionHours > 0
      ? `A member holding a role with this mandate decides; any member may object within ${p.objectionHours} hours.`
      : 'A member holding a role with this mandate decides alone.',
};
