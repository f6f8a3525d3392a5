import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/log/index';

describe('canonicalJson', () => {
  it('sorts keys recursively, keeps array order, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, { d: null, c: true }], c: 'x' })).toBe(
      '{"a":[3,{"c":true,"d":null}],"b":1,"c":"x"}',
    );
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
    expect(canonicalJson(Object.create(null))).toBe('{}');
  });

  it('sorts keys by UTF-16 code units, not by code points or locale (RFC 8785 section 3.2.3)', () => {
    // RFC 8785's own sorting example; the surrogate pair of U+1F600 sorts before U+FB33 by code unit.
    const value = {
      '\u20ac': 'Euro',
      '\r': 'CR',
      '\ufb33': 'Hebrew',
      '1': 'One',
      '\ud83d\ude00': 'Smiley',
      '\u0080': 'Ctrl',
      '\u00f6': 'Latin',
    };
    expect(canonicalJson(value)).toBe(
      '{"\\r":"CR","1":"One","\u0080":"Ctrl","\u00f6":"Latin","\u20ac":"Euro","\ud83d\ude00":"Smiley","\ufb33":"Hebrew"}',
    );
    expect(canonicalJson({ b: 0, B: 0, a: 0, A: 0 })).toBe('{"A":0,"B":0,"a":0,"b":0}');
  });

  it('writes numbers in their shortest round-trip form (RFC 8785 appendix B)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1, '1'],
      [-1.5, '-1.5'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [123456789012345680000, '123456789012345680000'],
      [9007199254740991, '9007199254740991'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [0.1 + 0.2, '0.30000000000000004'],
    ];
    for (const [n, s] of cases) expect(canonicalJson(n)).toBe(s);
  });

  it('escapes strings as JSON.stringify does (control characters, quotes, backslash)', () => {
    expect(canonicalJson('a"b\\c\n\t\u0001\u001f/é€😀')).toBe('"a\\"b\\\\c\\n\\t\\u0001\\u001f/é€😀"');
    expect(canonicalJson({ 'k"\n': 'v' })).toBe('{"k\\"\\n":"v"}');
  });

  it('round-trips through JSON.parse to the same encoding', () => {
    const v = { z: [1, 'two', { three: [null, false, 3.25] }], y: { x: { w: 'deep' } }, é: -7 };
    const s = canonicalJson(v);
    expect(canonicalJson(JSON.parse(s))).toBe(s);
    expect(JSON.parse(s)).toEqual(v);
  });

  it('rejects what JSON cannot represent faithfully, naming the path', () => {
    expect(() => canonicalJson(undefined)).toThrow(/undefined at \$/);
    expect(() => canonicalJson({ a: { b: undefined } })).toThrow(/undefined at \$\.a\.b/);
    expect(() => canonicalJson([1, NaN])).toThrow(/non-finite number NaN at \$\[1\]/);
    expect(() => canonicalJson({ x: Infinity })).toThrow(/non-finite number Infinity at \$\.x/);
    expect(() => canonicalJson({ x: -Infinity })).toThrow(/non-finite/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(/function at \$\.f/);
    expect(() => canonicalJson({ d: new Date(0) })).toThrow(/non-plain object \(Date\) at \$\.d/);
    expect(() => canonicalJson(new Map())).toThrow(/non-plain object \(Map\)/);
    expect(() => canonicalJson(new Uint8Array(2))).toThrow(/non-plain object/);
    class Thing {
      a = 1;
    }
    expect(() => canonicalJson({ 'odd key': new Thing() })).toThrow(
      /non-plain object \(Thing\) at \$\["odd key"\]/,
    );
    expect(() => canonicalJson(10n)).toThrow(/bigint/);
    expect(() => canonicalJson(Symbol('s'))).toThrow(/symbol/);
    // eslint-disable-next-line no-sparse-arrays -- the hole is the case under test.
    expect(() => canonicalJson([1, , 3])).toThrow(/array hole at \$\[1\]/);
    expect(() => canonicalJson({ [Symbol('s')]: 1 })).toThrow(/symbol keys/);
    const loop: Record<string, unknown> = { a: 1 };
    loop.self = loop;
    expect(() => canonicalJson(loop)).toThrow(/circular reference at \$\.self/);
  });

  it('allows the same object twice when it is not a cycle', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"k":1},"b":[{"k":1}]}');
  });
});
