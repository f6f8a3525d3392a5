import { Type } from 'typebox';
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

const ABSTENTIONS = ['quorum_only', 'ignored', 'against'] as const;

/** A vote with a threshold (at least, or more than), a quorum, and a rule for abstentions. */
export const vote: ProcedureDefinition<'vote'> = {
  type: 'vote',
  schema: procedureSchema('vote', {
    hours: HoursSchema,
    threshold: RatioSchema,
    strict: Type.Boolean(),
    quorum: RatioSchema,
    abstentions: Type.Union(ABSTENTIONS.map((a) => Type.Literal(a))),
    delegation: Type.Optional(Type.Boolean()),
  }),
  problem: (p) => {
    if (!validHours(p.hours, 1)) return `hours must be a whole number from 1 to ${MAX_HOURS}`;
    if (!validRatio(p.threshold) || p.threshold.num === 0)
      return 'threshold must be a fraction above 0 and at most 1';
    if (!validRatio(p.quorum)) return 'quorum must be a fraction between 0 and 1';
    if (typeof p.strict !== 'boolean') return 'strict must be true or false';
    if (!(ABSTENTIONS as readonly string[]).includes(p.abstentions))
      return 'abstentions must be quorum_only, ignored or against';
    if (p.strict && p.threshold.num === p.threshold.den) return 'a strict threshold of 1 can never be met';
    if (p.delegation !== undefined && typeof p.delegation !== 'boolean')
      return 'delegation must be true or false';
    return null;
  },
  normalise: (p) => ({
    type: 'vote',
    hours: p.hours,
    threshold: ratio(p.threshold),
    strict: p.strict,
    quorum: ratio(p.quorum),
    abstentions: p.abstentions,
    ...(p.delegation ? { delegation: true } : {}),
  }),
  openHours: (p) => p.hours,
  describe: (p) => {
    const abst =
      p.abstentions === 'quorum_only'
        ? 'abstentions count toward the quorum only'
        : p.abstentions === 'ignored'
          ? 'abstentions are not counted'
          : 'abstentions count as votes against';
    const liquid = p.delegation
      ? ' Members may delegate their vote; it is counted at the close through the chain of delegations, and a direct vote overrides.'
      : '';
    return `A vote over ${p.hours} hours: passes if ${p.strict ? 'more than' : 'at least'} ${fraction(p.threshold)} of votes agree, with at least ${fraction(p.quorum)} of members taking part; ${abst}.${liquid}`;
  },
};
