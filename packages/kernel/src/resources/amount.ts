// Amounts in minor units: integers, as bigint in arithmetic and decimal strings in events and state. Never a float:
// a number from outside must be a safe integer, a string must be digits, and every balance stays within MAX_AMOUNT.
import { DomainError } from '../errors';
import type { Unit } from './types';

/** The largest amount or balance, in minor units (10^21 - 1: past any treasury, far inside what bigint holds). */
export const MAX_AMOUNT = 10n ** 21n - 1n;

// Digits without leading zeros; bounded in length before BigInt reads them (MAX_AMOUNT is checked after).
const DIGITS = /^-?(0|[1-9][0-9]{0,39})$/;

/**
 * An amount from outside as a bigint: a safe integer, or a string of decimal digits (with `-` only where `signed`),
 * at most MAX_AMOUNT. Anything else (a fraction, 1e3, NaN, " 12", an unsafe integer) is `invalid_amount`, naming
 * the field.
 */
export function parseAmount(
  field: string,
  value: unknown,
  opts: { signed?: boolean; positive?: boolean } = {},
): bigint {
  const bad = (why: string): never => {
    throw new DomainError('invalid_amount', `${field} ${why}.`, { field });
  };
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      bad('must be a whole number of minor units (cents, say), as a safe integer or a string of digits');
    n = BigInt(value);
  } else if (typeof value === 'string') {
    if (!DIGITS.test(value)) bad('must be a whole number of minor units written in digits');
    n = BigInt(value);
  } else {
    return bad('must be a whole number of minor units');
  }
  if (n > MAX_AMOUNT || n < -MAX_AMOUNT) bad(`is beyond the largest amount (${MAX_AMOUNT})`);
  if (!opts.signed && n < 0n) bad('must not be negative');
  if (opts.positive && n <= 0n) bad('must be more than zero');
  return n;
}

/** A bigint as the decimal string events and state keep. */
export const amountText = (n: bigint): string => n.toString();

/** An amount in major units without grouping, as a CSV or a form takes it: 123456 with exponent 2 is "1234.56". */
export function toMajor(amount: string | bigint, exponent: number): string {
  const n = typeof amount === 'bigint' ? amount : BigInt(amount);
  const digits = (n < 0n ? -n : n).toString();
  const whole = exponent > 0 ? digits.slice(0, -exponent) || '0' : digits;
  const frac = exponent > 0 ? `.${digits.slice(-exponent).padStart(exponent, '0')}` : '';
  return `${n < 0n ? '-' : ''}${whole}${frac}`;
}

/** An amount in a unit's major units, for people: 123456 with exponent 2 is "1,234.56 EUR". */
export function formatAmount(amount: string | bigint, unit: Unit | null): string {
  const major = toMajor(amount, unit?.exponent ?? 0);
  const [whole, frac] = major.split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${grouped}${frac ? `.${frac}` : ''}${unit ? ` ${unit.code}` : ''}`;
}

/**
 * ISO 4217 minor-unit exponents of currencies whose exponent is not 2 (and a few common ones that are), so that a
 * pool in JPY cannot be created with cents. A code not listed here must still be three capital letters.
 */
const CURRENCY_EXPONENTS: ReadonlyMap<string, number> = new Map([
  ['EUR', 2],
  ['USD', 2],
  ['GBP', 2],
  ['CHF', 2],
  ['CAD', 2],
  ['AUD', 2],
  ['SEK', 2],
  ['NOK', 2],
  ['DKK', 2],
  ['PLN', 2],
  ['CZK', 2],
  ['BRL', 2],
  ['MXN', 2],
  ['INR', 2],
  ['CNY', 2],
  ['ZAR', 2],
  ['JPY', 0],
  ['KRW', 0],
  ['ISK', 0],
  ['CLP', 0],
  ['VND', 0],
  ['XOF', 0],
  ['XAF', 0],
  ['UGX', 0],
  ['PYG', 0],
  ['BHD', 3],
  ['KWD', 3],
  ['OMR', 3],
  ['JOD', 3],
  ['TND', 3],
  ['LYD', 3],
  ['IQD', 3],
  ['CLF', 4],
  ['UYW', 4],
]);

/** What is wrong with a unit for a pool of this kind, or null. */
export function unitProblem(kind: 'money' | 'time' | 'points', unit: unknown): string | null {
  const u = unit as Unit;
  if (typeof u !== 'object' || u === null) return 'a pool needs a unit: a code and a minor-unit exponent';
  if (typeof u.exponent !== 'number' || !Number.isInteger(u.exponent) || u.exponent < 0 || u.exponent > 4)
    return 'the unit exponent must be a whole number from 0 to 4';
  if (typeof u.code !== 'string') return 'the unit code must be text';
  if (kind === 'money') {
    if (!/^[A-Z]{3}$/.test(u.code)) return 'a currency is its ISO 4217 code: three capital letters (EUR)';
    const known = CURRENCY_EXPONENTS.get(u.code);
    if (known !== undefined && known !== u.exponent)
      return `${u.code} has ${known} decimal place${known === 1 ? '' : 's'} (exponent ${known}), not ${u.exponent}`;
  } else if (!/^[A-Za-z][A-Za-z0-9]{0,11}$/.test(u.code)) {
    return 'a unit code is 1 to 12 letters or digits, starting with a letter (HOURS, POINTS)';
  }
  return null;
}
