import { at } from '../common/index';
import { listDigest, SeedStream, seededShuffle, SORTITION_TAG } from './stream';

/** One person in the pool, with the stakeholder class used for stratification. */
export interface SortitionCandidate {
  id: string;
  class?: string;
}

/** A sortition: the pool, the public seed, how many to draw and (optionally) quotas per class. */
export interface SortitionInput {
  candidates: readonly SortitionCandidate[];
  /** The public seed, e.g. a log's Merkle root in hex; used as its exact UTF-8 text. */
  seed: string;
  /** How many to select in total (required unless `quotas` gives every class's number). */
  seats?: number;
  /**
   * Stratification: `proportional` splits `seats` over the classes by their share of the pool; a record of
   * numbers gives each class's seats directly; a record of weights with `shares` splits `seats` by those
   * weights. Both splits use the largest-remainder (Hamilton) method.
   */
  strata?:
    | { mode: 'proportional' }
    | { mode: 'quotas'; quotas: Record<string, number> }
    | { mode: 'shares'; shares: Record<string, number> };
  /** How many alternates to draw after the selected ones (per stratum when stratified); default 0. */
  alternates?: number;
}

/** One explanation step of a sortition. */
export interface SortitionStep {
  code: string;
  params: Record<string, string | number | string[]>;
  text: string;
}

/** The people selected, the alternates, per-class quotas and the explanation to re-run it. */
export interface SortitionResult {
  method: 'sortition';
  procedure: string;
  seed: string;
  selected: string[];
  alternates: string[];
  strata: {
    class: string;
    pool: number;
    seats: number;
    listDigest: string;
    selected: string[];
    alternates: string[];
  }[];
  explanation: SortitionStep[];
}

/** Splits `seats` over classes by weights with the largest-remainder method (exact integer arithmetic). */
export function largestRemainder(seats: number, weights: Record<string, number>): Record<string, number> {
  // Class names are distinct keys, so this is the code-unit order of Object.keys(weights).sort().
  const classes = Object.entries(weights).sort(([a], [b]) => (a < b ? -1 : 1));
  let total = 0n;
  for (const [n, w] of classes) {
    if (!Number.isSafeInteger(w) || w < 0)
      throw new Error(`weight of class ${n} must be a non-negative integer`);
    total += BigInt(w);
  }
  const out: Record<string, number> = {};
  if (total === 0n) throw new Error('the class weights add up to zero');
  const rem: { name: string; r: bigint; w: number; floor: number }[] = [];
  let given = 0;
  for (const [n, w] of classes) {
    const p = BigInt(seats) * BigInt(w);
    const floor = Number(p / total);
    out[n] = floor;
    given += floor;
    rem.push({ name: n, r: p % total, w, floor });
  }
  // Largest remainder first; ties go to the larger class, then to the class name in code-unit order.
  rem.sort((a, b) =>
    a.r !== b.r ? (a.r > b.r ? -1 : 1) : a.w !== b.w ? b.w - a.w : a.name < b.name ? -1 : 1,
  );
  // Fewer seats than classes are left after the floors, so each class gains at most one.
  for (let i = 0; given < seats; i++, given++) {
    const { name, floor } = at(rem, i, 'class remainder');
    out[name] = floor + 1;
  }
  return out;
}

/**
 * Verifiable sortition from a public seed (procedure `peergov-sortition-v1`): candidate ids are sorted in UTF-16
 * code-unit order; a SHA-256 counter-mode stream (see `SeedStream`) drives a partial Fisher–Yates shuffle with
 * rejection sampling (no modulo bias); the first `seats` drawn are selected, the next `alternates` are alternates.
 * Stratified: seats are split per class by largest remainder and each class is drawn from its own stream labelled
 * with the class name. Sources: D. Knuth, TAOCP vol. 2, §3.4.2 Algorithm P (shuffle); NIST SP 800-90A (counter-mode
 * hashing); Flanigan et al., "Fair algorithms for selecting citizens' assemblies", Nature 596 (2021) for quotas.
 */
export function sortition(input: SortitionInput): SortitionResult {
  const { seed } = input;
  if (typeof seed !== 'string' || seed === '') throw new Error('a public seed is needed');
  const alternates = input.alternates ?? 0;
  if (!Number.isSafeInteger(alternates) || alternates < 0)
    throw new Error('alternates must be a non-negative integer');
  const seen = new Set<string>();
  const byClass = new Map<string, string[]>();
  for (const c of input.candidates) {
    if (typeof c.id !== 'string' || c.id === '') throw new Error('every candidate needs a non-empty id');
    if (seen.has(c.id)) throw new Error(`candidate ${c.id} is listed twice`);
    seen.add(c.id);
    const cls = input.strata ? (c.class ?? '') : '';
    if (input.strata && cls === '')
      throw new Error(`candidate ${c.id} has no class, but the sortition is stratified`);
    let list = byClass.get(cls);
    if (!list) byClass.set(cls, (list = []));
    list.push(c.id);
  }
  const explanation: SortitionStep[] = [];
  explanation.push({
    code: 'procedure',
    params: { tag: SORTITION_TAG, seed },
    text:
      `Procedure ${SORTITION_TAG}: sort the candidate ids in code-unit order; hash block k as ` +
      `SHA-256("${SORTITION_TAG}" 0x00 seed 0x00 class 0x00 k as 8-byte big-endian) and read 32-bit big-endian words; ` +
      `for position i draw j = i + (word mod (n - i)), discarding words at or above the largest multiple of (n - i) ` +
      `below 2^32, and swap positions i and j; the first drawn are selected. Seed: "${seed}".`,
  });

  let quotas: Record<string, number>;
  const classes = [...byClass.keys()].sort();
  const pool = (c: string) => byClass.get(c)?.length ?? 0;
  if (!input.strata) {
    if (input.seats === undefined) throw new Error('how many to select (seats) is needed');
    quotas = { '': input.seats };
  } else if (input.strata.mode === 'quotas') {
    quotas = { ...input.strata.quotas };
    for (const c of Object.keys(quotas)) if (!byClass.has(c)) byClass.set(c, []);
    if (input.seats !== undefined) {
      const sum = Object.values(quotas).reduce((a, b) => a + b, 0);
      if (sum !== input.seats) throw new Error(`the quotas add up to ${sum}, not ${input.seats} seats`);
    }
    for (const c of byClass.keys()) quotas[c] ??= 0;
  } else {
    if (input.seats === undefined) throw new Error('how many to select (seats) is needed');
    const weights: Record<string, number> =
      input.strata.mode === 'proportional'
        ? Object.fromEntries(classes.map((c) => [c, pool(c)]))
        : { ...input.strata.shares };
    for (const c of Object.keys(weights)) if (!byClass.has(c)) byClass.set(c, []);
    quotas = largestRemainder(input.seats, weights);
    for (const c of byClass.keys()) quotas[c] ??= 0;
    explanation.push({
      code: 'quotas',
      params: { seats: input.seats, mode: input.strata.mode },
      text: `Split ${input.seats} seats over the classes by largest remainder (${input.strata.mode === 'proportional' ? 'in proportion to each class in the pool' : 'by the given shares'}): ${Object.keys(
        quotas,
      )
        .sort()
        .map((c) => `${c} ${quotas[c]}`)
        .join(', ')}.`,
    });
  }

  const strata: SortitionResult['strata'] = [];
  for (const cls of Object.keys(quotas).sort()) {
    const seats = quotas[cls];
    if (seats === undefined || !Number.isSafeInteger(seats) || seats < 0)
      throw new Error(`the quota of ${cls || 'the pool'} must be a non-negative integer`);
    const ids = (byClass.get(cls) ?? []).slice().sort();
    if (seats > ids.length) {
      throw new Error(
        `${seats} seats requested ${cls ? `in class ${cls}` : ''} but only ${ids.length} candidates`.replace(
          '  ',
          ' ',
        ),
      );
    }
    const stream = new SeedStream(seed, cls);
    const drawn = seededShuffle(ids, stream, seats + alternates);
    const digest = listDigest(ids);
    const entry = {
      class: cls,
      pool: ids.length,
      seats,
      listDigest: digest,
      selected: drawn.slice(0, seats),
      alternates: drawn.slice(seats),
    };
    strata.push(entry);
    const where = cls ? `class "${cls}"` : 'the pool';
    explanation.push({
      code: 'drawn',
      params: {
        class: cls,
        pool: ids.length,
        seats,
        listDigest: digest,
        selected: entry.selected,
        alternates: entry.alternates,
        words: stream.consumed,
      },
      text: `From ${where} of ${ids.length} (list SHA-256 ${digest.slice(0, 16)}…), drew ${seats}: ${entry.selected.join(', ') || 'nobody'}${entry.alternates.length ? `; alternates in order: ${entry.alternates.join(', ')}` : ''} (${stream.consumed} words of the stream used).`,
    });
  }
  return {
    method: 'sortition',
    procedure: SORTITION_TAG,
    seed,
    selected: strata.flatMap((s) => s.selected),
    alternates: strata.flatMap((s) => s.alternates),
    strata,
    explanation,
  };
}
