import { HoursSchema, MAX_HOURS, procedureSchema, validHours, type ProcedureDefinition } from './definition';
import { Type } from 'typebox';

/**
 * Do-ocracy: the action happens as soon as a member asks for it, or, with an objection window, at the window's end
 * unless a member objects within it.
 */
export const automatic: ProcedureDefinition<'automatic'> = {
  type: 'automatic',
  schema: procedureSchema('automatic', { objectionHours: Type.Optional(HoursSchema) }),
  problem: (p) =>
    p.objectionHours === undefined || validHours(p.objectionHours, 0)
      ? null
      : `objectionHours must be a whole number from 0 to ${MAX_HOURS}`,
  // No window (or 0) is stored as none: a constitution from before windows reads the same.
  normalise: (p) =>
    p.objectionHours ? { type: 'automatic', objectionHours: p.objectionHours } : { type: 'automatic' },
  openHours: (p) => p.objectionHours ?? 0,
  describe: (p) =>
    p.objectionHours
      ? `Happens when a member asks for it, unless a member objects within ${p.objectionHours} hours.`
      : 'Happens at once when a member asks for it.',
};
