// Tests index into records and arrays that the test itself filled: a missing entry is the test's failure, named,
// not a TypeError further on.

/** `value`, or a thrown error naming `what` if it is undefined or null. */
export function must<T>(value: T | undefined | null, what = 'a value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found ${String(value)}`);
  return value;
}

/** `xs[i]`; fails the test if `i` is outside the list. */
export function nth<T>(xs: readonly T[], i: number): T {
  if (!Number.isInteger(i) || i < 0 || i >= xs.length) {
    throw new Error(`expected an element at ${i} of a list of ${xs.length}`);
  }
  return xs[i] as T;
}

/** Exactly four things, each there (fixtures indexed by position). */
export type Four<T> = [T, T, T, T];

/** `xs` as a list of exactly four; fails the test otherwise. */
export function four<T>(xs: readonly T[]): Four<T> {
  if (xs.length !== 4) throw new Error(`expected four elements, found ${xs.length}`);
  return [...xs] as Four<T>;
}
