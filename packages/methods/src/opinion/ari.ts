// Adjusted Rand index (Hubert & Arabie 1985): agreement of two partitions, 1 when equal, about 0 by chance.

/** Adjusted Rand index of two labelings of the same items (arrays of equal length, any label values). */
export function adjustedRandIndex(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`labelings differ in length (${a.length} and ${b.length})`);
  const n = a.length;
  if (n < 2) return 1;
  const table = new Map<string, number>();
  const rows = new Map<number, number>();
  const cols = new Map<number, number>();
  // In range: i < n, the length of both labelings.
  for (let i = 0; i < n; i++) {
    const ai = a[i]!;
    const bi = b[i]!;
    const key = `${ai}|${bi}`;
    table.set(key, (table.get(key) ?? 0) + 1);
    rows.set(ai, (rows.get(ai) ?? 0) + 1);
    cols.set(bi, (cols.get(bi) ?? 0) + 1);
  }
  const c2 = (x: number) => (x * (x - 1)) / 2;
  let index = 0;
  for (const v of table.values()) index += c2(v);
  let sa = 0;
  for (const v of rows.values()) sa += c2(v);
  let sb = 0;
  for (const v of cols.values()) sb += c2(v);
  const expected = (sa * sb) / c2(n);
  const max = (sa + sb) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}

/** Adjusted Rand index over the keys present in both maps; also returns how many keys were compared. */
export function adjustedRandIndexOf(
  ours: ReadonlyMap<string, number> | Record<string, number>,
  theirs: ReadonlyMap<string, number> | Record<string, number>,
): { ari: number; compared: number } {
  const get = (m: ReadonlyMap<string, number> | Record<string, number>, k: string) =>
    m instanceof Map ? m.get(k) : (m as Record<string, number>)[k];
  const keys = theirs instanceof Map ? [...theirs.keys()] : Object.keys(theirs);
  const a: number[] = [];
  const b: number[] = [];
  for (const k of keys) {
    const x = get(ours, k);
    if (x === undefined) continue;
    a.push(x);
    b.push(get(theirs, k)!);
  }
  return { ari: adjustedRandIndex(a, b), compared: a.length };
}
