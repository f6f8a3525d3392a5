import { Type } from 'typebox';
import type { PollMethod } from '../types';
import { HoursSchema, MAX_HOURS, procedureSchema, validHours, type ProcedureDefinition } from './definition';

export const POLL_METHODS = [
  'approval',
  'score',
  'dots',
  'schulze',
  'irv',
  'quadratic',
] as const satisfies readonly PollMethod[];
/** Bounds of a score range, of a dot-voting budget and of quadratic voice credits. */
export const POLL_LIMITS = { score: 100, points: 1_000, credits: 10_000 } as const;

const int = (v: unknown, lo: number, hi: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi;

const METHOD_TEXT: Record<
  PollMethod,
  (p: { min?: number; max?: number; points?: number; credits?: number }) => string
> = {
  approval: () => 'each member approves of any number of options and the most approved wins',
  score: (p) => `each member scores the options from ${p.min} to ${p.max} and the highest total wins`,
  dots: (p) => `each member spreads up to ${p.points} points over the options and the most points win`,
  schulze: () =>
    'each member ranks the options and the Schulze method picks the option that beats every other head to head by the strongest paths',
  irv: () =>
    'each member ranks the options and an instant-runoff count (RCTab rules) eliminates the last option round by round until one has a majority',
  quadratic: (p) =>
    `each member has ${p.credits} voice credits, n votes on one option cost n² credits, and the highest net votes win`,
};

/** A question with several alternatives (options, one of which may be the status quo), decided by a method. */
export const poll: ProcedureDefinition<'poll'> = {
  type: 'poll',
  kinds: ['resolution'],
  schema: procedureSchema('poll', {
    hours: HoursSchema,
    method: Type.Union(POLL_METHODS.map((m) => Type.Literal(m))),
    min: Type.Optional(Type.Integer({ minimum: -POLL_LIMITS.score, maximum: POLL_LIMITS.score })),
    max: Type.Optional(Type.Integer({ minimum: -POLL_LIMITS.score, maximum: POLL_LIMITS.score })),
    points: Type.Optional(Type.Integer({ minimum: 1, maximum: POLL_LIMITS.points })),
    credits: Type.Optional(Type.Integer({ minimum: 1, maximum: POLL_LIMITS.credits })),
  }),
  problem: (p) => {
    if (!validHours(p.hours, 1)) return `hours must be a whole number from 1 to ${MAX_HOURS}`;
    if (!(POLL_METHODS as readonly string[]).includes(p.method))
      return `method must be one of ${POLL_METHODS.join(', ')}`;
    if (p.method === 'score') {
      const l = POLL_LIMITS.score;
      if (!int(p.min, -l, l) || !int(p.max, -l, l))
        return `a score poll needs min and max, whole numbers from ${-l} to ${l}`;
      if (p.min >= p.max) return 'a score poll needs min below max';
    }
    if (p.method === 'dots' && !int(p.points, 1, POLL_LIMITS.points))
      return `a dot-voting poll needs points, a whole number from 1 to ${POLL_LIMITS.points}`;
    if (p.method === 'quadratic' && !int(p.credits, 1, POLL_LIMITS.credits))
      return `a quadratic poll needs credits, a whole number from 1 to ${POLL_LIMITS.credits}`;
    return null;
  },
  normalise: (p) => ({
    type: 'poll',
    hours: p.hours,
    method: p.method,
    ...(p.method === 'score' ? { min: p.min, max: p.max } : {}),
    ...(p.method === 'dots' ? { points: p.points } : {}),
    ...(p.method === 'quadratic' ? { credits: p.credits } : {}),
  }),
  openHours: (p) => p.hours,
  describe: (p) =>
    `A poll over ${p.hours} hours between the proposal's options: ${METHOD_TEXT[p.method](p)}; if the status quo wins, nothing is done.`,
};
