import { DecisionInputError } from '../decision/explain';
import { parseJsonInput } from '../decision/format';
import { sortition, type SortitionInput, type SortitionResult } from './select';

/**
 * Reads our sortition JSON (`{"seed": "...", "seats": n, "candidates": [{"id": "...", "class": "..."}],
 * "strata": {...}, "alternates": n}`; candidates may also be plain id strings) and draws; `overrides` (seed,
 * seats, alternates) come from the command line. Every problem names the file and line.
 */
export function sortitionFromJson(
  text: string,
  file?: string,
  overrides: { seed?: string; seats?: number; alternates?: number } = {},
): SortitionResult {
  const input = parseJsonInput(text, file);
  const raw = input.raw;
  if (!Array.isArray(raw.candidates))
    input.fail(['candidates'], '"candidates" must be an array of ids or {"id", "class"} objects');
  const candidates = (raw.candidates as unknown[]).map((c, i) => {
    if (typeof c === 'string') return { id: c };
    if (!c || typeof c !== 'object')
      return input.fail(['candidates', i], `candidate ${i + 1} must be an id or an object with "id"`);
    const o = c as Record<string, unknown>;
    if (typeof o.id !== 'string' || o.id === '')
      input.fail(['candidates', i], `candidate ${i + 1} needs a non-empty "id"`);
    if (o.class !== undefined && typeof o.class !== 'string')
      input.fail(['candidates', i], `candidate ${i + 1}: "class" must be a string`);
    return { id: o.id as string, class: o.class as string | undefined };
  });
  const seed = overrides.seed ?? raw.seed;
  if (typeof seed !== 'string' || seed === '')
    input.fail(['seed'], 'a public "seed" (for example a Merkle root in hex) is needed');
  const seats = overrides.seats ?? raw.seats;
  if (seats !== undefined && (!Number.isSafeInteger(seats) || (seats as number) < 0))
    input.fail(['seats'], '"seats" must be a non-negative integer');
  const alternates = overrides.alternates ?? raw.alternates;
  if (alternates !== undefined && (!Number.isSafeInteger(alternates) || (alternates as number) < 0))
    input.fail(['alternates'], '"alternates" must be a non-negative integer');
  let strata: SortitionInput['strata'];
  if (raw.strata !== undefined) {
    const s = raw.strata as Record<string, unknown>;
    if ((raw.strata as unknown) === 'proportional' || s?.mode === 'proportional')
      strata = { mode: 'proportional' };
    else if (s && typeof s === 'object' && s.quotas && typeof s.quotas === 'object')
      strata = { mode: 'quotas', quotas: s.quotas as Record<string, number> };
    else if (s && typeof s === 'object' && s.shares && typeof s.shares === 'object')
      strata = { mode: 'shares', shares: s.shares as Record<string, number> };
    else input.fail(['strata'], '"strata" must be "proportional", {"quotas": {...}} or {"shares": {...}}');
  }
  try {
    return sortition({
      candidates,
      seed: seed as string,
      seats: seats as number | undefined,
      alternates: alternates as number | undefined,
      strata,
    });
  } catch (e) {
    if (e instanceof DecisionInputError) throw e;
    const m = /^candidate (.+) (is listed twice|has no class)/.exec((e as Error).message);
    const index = m
      ? candidates.findIndex(
          (c, i) =>
            c.id === m[1] && (m[2] !== 'is listed twice' || candidates.findIndex((x) => x.id === c.id) !== i),
        )
      : -1;
    return input.fail(index >= 0 ? ['candidates', index] : [], (e as Error).message);
  }
}
