import { procedureSchema, type ProcedureDefinition } from './definition';

/** Do-ocracy: the action happens as soon as a member asks for it. */
export const automatic: ProcedureDefinition<'automatic'> = {
  type: 'automatic',
  schema: procedureSchema('automatic'),
  problem: () => null,
  normalise: () => ({ type: 'automatic' }),
  openHours: () => 0,
  describe: () => 'Happens at once when a member asks for it.',
};
