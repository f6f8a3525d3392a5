import {
  fraction,
  HoursSchema,
  MAX_HOURS,
  procedureSchema,
  ratio,
  RatioSchema,
  validHours,
  validRatio,
  type ProcedureDefinition,
} from './definition';

/** Consensus: passes if no one blocks and enough members take part. */
export const consensus: ProcedureDefinition<'consensus'> = {
  type: 'consensus',
  schema: procedureSchema('consensus', { hours: HoursSchema, minParticipation: RatioSchema }),
  problem: (p) => {
    if (!validHours(p.hours, 1)) return `hours must be a whole number from 1 to ${MAX_HOURS}`;
    if (!validRatio(p.minParticipation)) return 'minParticipation must be a fraction between 0 and 1';
    return null;
  },
  normalise: (p) => ({ type: 'consensus', hours: p.hours, minParticipation: ratio(p.minParticipation) }),
  openHours: (p) => p.hours,
  describe: (p) =>
    `Passes after ${p.hours} hours if no one blocks and at least ${fraction(p.minParticipation)} of members take part.`,
};
