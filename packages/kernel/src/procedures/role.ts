import { Type } from 'typebox';
import { HoursSchema, MAX_HOURS, procedureSchema, validHours, type ProcedureDefinition } from './definition';

/**
 * A role holder whose mandate includes the kind decides alone, optionally after an objection window; with
 * `excludeProposer` (separation of duties), a holder other than the proposer.
 */
export const role: ProcedureDefinition<'role'> = {
  type: 'role',
  schema: procedureSchema('role', {
    objectionHours: HoursSchema,
    excludeProposer: Type.Optional(Type.Boolean()),
  }),
  problem: (p) =>
    !validHours(p.objectionHours, 0)
      ? `objectionHours must be a whole number from 0 to ${MAX_HOURS}`
      : p.excludeProposer !== undefined && typeof p.excludeProposer !== 'boolean'
        ? 'excludeProposer must be true or false'
        : null,
  // Only `true` is written: a role without separation of duties reads as it did before the field existed.
  normalise: (p) => ({
    type: 'role',
    objectionHours: p.objectionHours,
    ...(p.excludeProposer === true ? { excludeProposer: true } : {}),
  }),
  // Without an objection window a role holder still needs time to decide: a week.
  openHours: (p) => (p.objectionHours > 0 ? p.objectionHours : 168),
  describe: (p) => {
    const who = p.excludeProposer
      ? 'A member holding a role with this mandate, other than the one who asks,'
      : 'A member holding a role with this mandate';
    return p.objectionHours > 0
      ? `${who} decides; any member may object within ${p.objectionHours} hours.`
      : `${who} decides alone.`;
  },
};
