// Tests index into records and arrays that the test itself filled: a missing entry is the test's failure, named,
// not a TypeError further on.

/** `value`, or a thrown error naming `what` if it is undefined or null. */
export function must<T>(value: T | undefined | null, what = 'a value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found ${String(value)}`);
  return value;
}
