// Exact rationals on bigint, always normalised (gcd 1, positive denominator). The reference arithmetic of the
// budgeting rules: every outcome the fast path returns must equal what these numbers decide.

/** An exact rational number num/den with den > 0 and gcd(num, den) = 1. */
export interface Rational {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  if (a < 0n) a = -a;
  if (b < 0n) b = -b;
  while (b !== 0n) {
    const t = a % b;
    a = b;
    b = t;
  }
  return a;
}

/** Builds num/den in lowest terms; throws on a zero denominator. */
export function rat(num: bigint | number, den: bigint | number = 1n): Rational {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) throw new Error('rational with zero denominator');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  if (d === 1n) return { num: n, den: 1n };
  const g = gcd(n, d);
  return g === 1n ? { num: n, den: d } : { num: n / g, den: d / g };
}

export const ZERO: Rational = { num: 0n, den: 1n };

/** Parses a decimal string such as `363734.88`, `-2`, `1e3` exactly. */
export function parseDecimal(text: string): Rational | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === '' && !m[3])) return undefined;
  const frac = m[3] ?? '';
  let num = BigInt((m[2] || '0') + frac);
  if (m[1] === '-') num = -num;
  const exp = (m[4] ? Number(m[4]) : 0) - frac.length;
  if (Math.abs(exp) > 400) return undefined;
  return exp >= 0 ? rat(num * 10n ** BigInt(exp), 1n) : rat(num, 10n ** BigInt(-exp));
}

/** a + b. */
export function add(a: Rational, b: Rational): Rational {
  if (a.den === b.den) return rat(a.num + b.num, a.den);
  return rat(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** a - b. */
export function sub(a: Rational, b: Rational): Rational {
  if (a.den === b.den) return rat(a.num - b.num, a.den);
  return rat(a.num * b.den - b.num * a.den, a.den * b.den);
}

/** a * b. */
export function mul(a: Rational, b: Rational): Rational {
  return rat(a.num * b.num, a.den * b.den);
}

/** a * k for an integer k. */
export function mulInt(a: Rational, k: bigint): Rational {
  return rat(a.num * k, a.den);
}

/** a / b; throws when b is zero. */
export function div(a: Rational, b: Rational): Rational {
  if (b.num === 0n) throw new Error('rational division by zero');
  return rat(a.num * b.den, a.den * b.num);
}

/** Sign of a - b: -1, 0 or 1. */
export function cmp(a: Rational, b: Rational): number {
  const l = a.num * b.den;
  const r = b.num * a.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** The larger of a and b. */
export function max(a: Rational, b: Rational): Rational {
  return cmp(a, b) >= 0 ? a : b;
}

/** floor(a) as a bigint. */
export function floor(a: Rational): bigint {
  const q = a.num / a.den;
  return a.num < 0n && q * a.den !== a.num ? q - 1n : q;
}

/** Nearest double, with relative error at most 2^-52 (truncating bigint division, then one rounding). */
export function toNumber(a: Rational): number {
  if (a.num === 0n) return 0;
  const neg = a.num < 0n;
  const n = neg ? -a.num : a.num;
  // Scale so that the integer quotient has about 64 significant bits.
  const shift = BigInt(64 - (n.toString(2).length - a.den.toString(2).length));
  const q = shift >= 0n ? (n << shift) / a.den : n / (a.den << -shift);
  const v = Number(q) * 2 ** -Number(shift);
  return neg ? -v : v;
}

/** Decimal rendering with `digits` fraction digits (rounded half up), for explanations. */
export function toDecimal(a: Rational, digits = 2): string {
  const scale = 10n ** BigInt(digits);
  const neg = a.num < 0n;
  const n = neg ? -a.num : a.num;
  const scaled = (n * scale * 2n + a.den) / (2n * a.den);
  const whole = scaled / scale;
  const frac = (scaled % scale).toString().padStart(digits, '0');
  return `${neg && scaled !== 0n ? '-' : ''}${whole}${digits > 0 ? '.' + frac : ''}`;
}

/** `num/den` (or `num` when integral). */
export function toFractionString(a: Rational): string {
  return a.den === 1n ? a.num.toString() : `${a.num}/${a.den}`;
}

/** Money for explanations: integers as they are, other amounts with two decimals. */
export function moneyText(a: Rational): string {
  return toDecimal(a, a.den === 1n ? 0 : 2);
}
