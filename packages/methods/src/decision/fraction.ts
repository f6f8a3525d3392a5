// Exact fractions for thresholds and quorums. Counts are integers; every comparison is an integer
// cross-multiplication in BigInt, so 2/3 of 300 is exactly 200 and never 199.99999999999997.

/** A non-negative fraction `num/den` (den > 0), such as 2/3 for a two-thirds supermajority. */
export interface Fraction {
  num: number;
  den: number;
}

/** Parses "2/3", "0.5", "50%" or "1" into an exact fraction; throws on anything else. */
export function parseFraction(text: string | number | Fraction): Fraction {
  if (typeof text === 'object') return checkFraction(text);
  const s = String(text).trim();
  let m = /^(\d+)\s*\/\s*(\d+)$/.exec(s);
  if (m) return checkFraction({ num: Number(m[1]), den: Number(m[2]) });
  m = /^(\d+)(?:\.(\d+))?(%?)$/.exec(s);
  if (m) {
    const decimals = m[2] ?? '';
    let num = Number(m[1] + decimals);
    let den = 10 ** decimals.length;
    if (m[3] === '%') den *= 100;
    const g = gcd(num, den);
    num /= g;
    den /= g;
    return checkFraction({ num, den });
  }
  throw new Error(`not a fraction: ${JSON.stringify(text)} (write 2/3, 0.5 or 50%)`);
}

function checkFraction(f: Fraction): Fraction {
  if (!Number.isSafeInteger(f.num) || !Number.isSafeInteger(f.den) || f.num < 0 || f.den <= 0) {
    throw new Error(`not a valid fraction: ${f.num}/${f.den}`);
  }
  return { num: f.num, den: f.den };
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a || 1;
}

/** "2/3" */
export function formatFraction(f: Fraction): string {
  return `${f.num}/${f.den}`;
}

/** Compares part/whole with f exactly: -1, 0 or 1 (part/whole < f, =, >). whole must be > 0. */
export function compareShare(part: number, whole: number, f: Fraction): -1 | 0 | 1 {
  const left = BigInt(part) * BigInt(f.den);
  const right = BigInt(f.num) * BigInt(whole);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** True when part/whole reaches f (strictly exceeds it when `strict`); false when whole is 0. */
export function reaches(part: number, whole: number, f: Fraction, strict: boolean): boolean {
  if (whole <= 0) return false;
  const c = compareShare(part, whole, f);
  return strict ? c > 0 : c >= 0;
}

/** The least integer count that reaches f of whole (strictly above when `strict`): the votes needed. */
export function needed(whole: number, f: Fraction, strict: boolean): number {
  // smallest x with x*den >= num*whole (or > for strict)
  const product = BigInt(f.num) * BigInt(whole);
  const den = BigInt(f.den);
  let x = product / den;
  if (strict ? x * den <= product : x * den < product) x += 1n;
  return Number(x);
}

/** An exact rational in BigInt, for weighted sums of shares (chambers). */
export class Rational {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d: bigint = 1n) {
    if (d === 0n) throw new Error('zero denominator');
    if (d < 0n) {
      n = -n;
      d = -d;
    }
    const g = bigGcd(n < 0n ? -n : n, d);
    this.n = n / g;
    this.d = d / g;
  }
  add(o: Rational): Rational {
    return new Rational(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  mul(o: Rational): Rational {
    return new Rational(this.n * o.n, this.d * o.d);
  }
  div(o: Rational): Rational {
    return new Rational(this.n * o.d, this.d * o.n);
  }
  cmp(o: Rational): -1 | 0 | 1 {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
  toString(): string {
    return this.d === 1n ? `${this.n}` : `${this.n}/${this.d}`;
  }
  /** A decimal approximation for display only (never for decisions). */
  toDecimal(digits = 4): string {
    const scale = 10n ** BigInt(digits);
    const neg = this.n < 0n;
    const abs = neg ? -this.n : this.n;
    const scaled = (abs * scale * 2n + this.d) / (2n * this.d);
    const int = scaled / scale;
    const frac = (scaled % scale).toString().padStart(digits, '0');
    return `${neg ? '-' : ''}${int}${digits > 0 ? '.' + frac : ''}`;
  }
  static of(f: Fraction): Rational {
    return new Rational(BigInt(f.num), BigInt(f.den));
  }
}

function bigGcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a || 1n;
}
