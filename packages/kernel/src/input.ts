// Input from outside, checked the same way wherever it enters: limits on free text, text that can be stored,
// the one shape of ids, and the JSON Schema parts the API's schemas are built from.
import { Type, type TSchema } from 'typebox';
import { DomainError } from './errors';
import { LIMITS } from './limits';

export { LIMITS };

export const HOUR = 3_600_000;

/** `iso` plus `hours`, as a canonical ISO string. */
export function addHours(iso: string, hours: number): string {
  return new Date(Date.parse(iso) + hours * HOUR).toISOString();
}

// NUL cannot be stored by PostgreSQL; a lone surrogate is not Unicode. The server's schemas refuse both too.
// eslint-disable-next-line no-control-regex -- NUL is one of the characters this refuses.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/** Free text from outside, trimmed: a DomainError `invalid_input` naming the field unless it fits. */
export function text(field: keyof typeof LIMITS, value: unknown, required = true): string {
  if (typeof value !== 'string') throw new DomainError('invalid_input', `${field} must be text.`, { field });
  const v = value.trim();
  if (required && v.length === 0)
    throw new DomainError('invalid_input', `${field} must not be empty.`, { field });
  if (UNSTORABLE.test(v)) {
    throw new DomainError('invalid_input', `${field} contains a NUL or an unpaired surrogate character.`, {
      field,
    });
  }
  // Length in code points, as JSON Schema's maxLength counts it.
  if (v.length > LIMITS[field] && [...v].length > LIMITS[field]) {
    throw new DomainError('invalid_input', `${field} is longer than ${LIMITS[field]} characters.`, { field });
  }
  return v;
}

/**
 * Text holds no NUL (PostgreSQL text and jsonb cannot store it) and no lone UTF-16 surrogate (it is not Unicode, and
 * the UTF-8 conversion on the way to the store would silently change it). Ajv compiles patterns with the u flag.
 */
export const TEXT_PATTERN = '^[^\\u0000\\uD800-\\uDFFF]*$';

/** A text field of at most `max` code points that can be stored. */
export const textSchema = (max: number, extra: Record<string, unknown> = {}) =>
  Type.String({ maxLength: max, pattern: TEXT_PATTERN, ...extra });

/** An object of exactly these fields. */
export const objectSchema = <T extends Record<string, TSchema>>(
  props: T,
  opts: Record<string, unknown> = {},
) => Type.Object(props, { additionalProperties: false, ...opts });

/** The one shape of an id from outside (accounts, commons, proposals, roles, comments, tokens). */
export const IdSchema = Type.String({ minLength: 1, maxLength: LIMITS.id, pattern: '^[A-Za-z0-9_-]+$' });

/** Stakeholder class ids. */
export const ClassesSchema = Type.Array(IdSchema, { maxItems: 20 });
