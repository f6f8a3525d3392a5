import { Type, type TSchema } from 'typebox';
import type { ActionKind, CommonsCore, Procedure, Ratio } from '../types';

/** The procedure of one type, as `Procedure` narrows it. */
export type ProcedureOf<T extends Procedure['type']> = Extract<Procedure, { type: T }>;

/**
 * Everything the house knows about one type of procedure. Adding a type is one file with its definition and one
 * line in the registry (`./index.ts`); its tally lives in packages/methods (`tallyProposal`).
 */
export interface ProcedureDefinition<T extends Procedure['type']> {
  type: T;
  /** The kinds of action it can decide, when not every kind (a poll chooses between alternatives of a resolution). */
  kinds?: readonly ActionKind[];
  /** The procedure as a constitution stores it and the API takes it (JSON Schema through TypeBox). */
  schema: TSchema;
  /** What is wrong with a procedure of this type, or null. */
  problem(p: ProcedureOf<T>): string | null;
  /** What is wrong with it in this commons (names its classes, say), or null; after `problem` found nothing. */
  problemIn?(p: ProcedureOf<T>, core: CommonsCore): string | null;
  /** The procedure with only the fields of its type: anything else would be written into the constitution. */
  normalise(p: ProcedureOf<T>): ProcedureOf<T>;
  /** How long a proposal under it stays open, in hours (0: decided at once if it can be). */
  openHours(p: ProcedureOf<T>): number;
  /** One plain-language English sentence (the web app renders its own translations); classes by name in `core`. */
  describe(p: ProcedureOf<T>, core?: CommonsCore): string;
}

export const MAX_HOURS = 24 * 365;
/** Bounded so that a fraction stays exact: a denominator of 1e308 once passed as a valid threshold of almost nothing. */
export const RATIO_MAX = 1_000_000;

export const RatioSchema = Type.Object(
  {
    num: Type.Integer({ minimum: 0, maximum: RATIO_MAX }),
    den: Type.Integer({ minimum: 1, maximum: RATIO_MAX }),
  },
  { additionalProperties: false },
);
export const HoursSchema = Type.Integer({ minimum: 0, maximum: MAX_HOURS });

/** A procedure's JSON Schema: an object of exactly these fields, `type` the given literal. */
export function procedureSchema<T extends string>(type: T, fields: Record<string, TSchema> = {}): TSchema {
  return Type.Object({ type: Type.Literal(type), ...fields }, { additionalProperties: false });
}

/** Whether `r` is a fraction from 0 to 1 with safe integer parts. */
export function validRatio(r: unknown): r is Ratio {
  const v = r as Ratio;
  return (
    typeof v === 'object' &&
    v !== null &&
    Number.isSafeInteger(v.num) &&
    Number.isSafeInteger(v.den) &&
    v.den > 0 &&
    v.num >= 0 &&
    v.num <= v.den
  );
}

/** Whether `h` is a whole number of hours from `min` to a year. */
export function validHours(h: unknown, min: number): boolean {
  return typeof h === 'number' && Number.isInteger(h) && h >= min && h <= MAX_HOURS;
}

export const ratio = (r: Ratio): Ratio => ({ num: r.num, den: r.den });
/** A fraction in words: "half", or "2/3". */
export const fraction = (r: Ratio) => (r.num === 1 && r.den === 2 ? 'half' : `${r.num}/${r.den}`);
