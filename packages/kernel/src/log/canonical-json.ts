/**
 * Deterministic JSON for hashing and signing: the subset of RFC 8785 (JCS) that our records use.
 * Object keys are sorted by UTF-16 code units, there is no whitespace, numbers and strings are written as
 * ECMAScript's JSON.stringify writes them (which is what JCS prescribes). Anything JSON cannot represent
 * faithfully is rejected instead of being dropped or coerced, so a value either round-trips or throws.
 */

/** Canonical JSON of a value (strings, finite numbers, booleans, null, arrays, plain objects); throws on anything else. */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, '$', out, new Set());
  return out.join('');
}

function write(value: unknown, path: string, out: string[], open: Set<object>): void {
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, `non-finite number ${String(value)}`);
      // JSON.stringify writes -0 as 0 and uses the shortest round-trip form, as JCS requires.
      out.push(JSON.stringify(value));
      return;
    case 'undefined':
      return fail(path, 'undefined');
    case 'function':
      return fail(path, 'a function');
    case 'bigint':
      return fail(path, 'a bigint');
    case 'symbol':
      fail(path, 'a symbol');
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const obj = value as object;
  if (open.has(obj)) fail(path, 'a circular reference');
  if (Array.isArray(obj)) {
    open.add(obj);
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      if (!(i in obj)) fail(`${path}[${i}]`, 'an array hole');
      write(obj[i], `${path}[${i}]`, out, open);
    }
    out.push(']');
    open.delete(obj);
    return;
  }
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) {
    fail(
      path,
      `a non-plain object (${(obj as { constructor?: { name?: string } }).constructor?.name ?? 'unknown'})`,
    );
  }
  if (Object.getOwnPropertySymbols(obj).length > 0) fail(path, 'an object with symbol keys');
  open.add(obj);
  // Array.prototype.sort compares strings by UTF-16 code units, exactly the order JCS specifies.
  const keys = Object.keys(obj).sort();
  out.push('{');
  for (const [i, key] of keys.entries()) {
    if (i > 0) out.push(',');
    out.push(JSON.stringify(key), ':');
    write((obj as Record<string, unknown>)[key], `${path}${propertyPath(key)}`, out, open);
  }
  out.push('}');
  open.delete(obj);
}

function propertyPath(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
}

function fail(path: string, what: string): never {
  throw new TypeError(`canonicalJson: cannot encode ${what} at ${path}`);
}
