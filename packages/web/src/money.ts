// Amounts in a pool's minor units, shown and typed in major units, as strings throughout: a person types "12.50" and
// the API gets "1250"; no float is ever made of money (parseFloat of "0.1" + "0.2" is not "0.3").

export interface Unit {
  code: string;
  exponent: number;
}

/** Minor units (decimal digits, a leading - allowed) in major units without grouping: "123456" with 2 is "1234.56". */
export function toMajor(minor: string, exponent: number): string {
  const neg = minor.startsWith('-');
  const digits = (neg ? minor.slice(1) : minor).replace(/^0+(?=\d)/, '');
  if (exponent === 0) return `${neg ? '-' : ''}${digits}`;
  const padded = digits.padStart(exponent + 1, '0');
  return `${neg ? '-' : ''}${padded.slice(0, -exponent)}.${padded.slice(-exponent)}`;
}

/** An amount for people, in the locale's way of writing numbers, with the unit: "1,234.56 EUR" or "1 234,56 EUR". */
export function formatMinor(minor: string, unit: Unit | null, locale: string): string {
  const major = toMajor(minor, unit?.exponent ?? 0);
  const [whole = '0', frac] = major.replace('-', '').split('.');
  const group =
    new Intl.NumberFormat(locale).formatToParts(1000).find((p) => p.type === 'group')?.value ?? ',';
  const decimal =
    new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === 'decimal')?.value ?? '.';
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${major.startsWith('-') ? '−' : ''}${grouped}${frac ? decimal + frac : ''}${unit ? ` ${unit.code}` : ''}`;
}

/**
 * What a person typed ("12.5", "12,50", "1 200") in minor units as digits, or null if it is not an amount with at most
 * `exponent` decimals. A comma or dot before the last one to three digits is the decimal mark.
 */
export function parseMajor(typed: string, exponent: number): string | null {
  const v = typed.trim().replace(/[\s\u00a0\u202f']/g, '');
  const m = /^(\d+)(?:[.,](\d+))?$/.exec(v);
  if (!m) return null;
  const frac = m[2] ?? '';
  if (frac.length > exponent) return null;
  const digits = `${m[1]}${frac.padEnd(exponent, '0')}`.replace(/^0+(?=\d)/, '');
  return digits.length > 21 ? null : digits;
}
