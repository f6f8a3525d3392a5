// Helpers shared by the method areas.

/**
 * The element at index `i` of `items`, for an index that is in range unless there is a bug: a missing element
 * throws a RangeError that names what was looked up, rather than letting `undefined` flow on.
 */
export function at<T>(items: ArrayLike<T>, i: number, what = 'element'): T {
  const item = items[i];
  if (item === undefined) throw new RangeError(`${what} at index ${i} is missing (length ${items.length})`);
  return item;
}
