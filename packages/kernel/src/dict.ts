// Records keyed by ids that come from outside (account, proposal, role, comment ids). They have no prototype, so
// that an id such as `__proto__`, `constructor` or `toString` is an ordinary key: it never reaches
// Object.prototype and a lookup of an unknown id is undefined, not an inherited function.

/** An empty record without a prototype. */
export function dict<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A prototype-free copy of a record (own enumerable keys only). */
export function dictOf<T>(
  source: Readonly<Record<string, T>> | Iterable<readonly [string, T]>,
): Record<string, T> {
  const out = dict<T>();
  if (Symbol.iterator in source) for (const [k, v] of source as Iterable<readonly [string, T]>) out[k] = v;
  else for (const [k, v] of Object.entries(source as Record<string, T>)) out[k] = v;
  return out;
}

/** The value of an own key, or undefined: safe on any record, with or without a prototype. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}
