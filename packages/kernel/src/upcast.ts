/**
 * Upcasting: stored events read in today's shape. A record keeps the shape its event had when it was written (its
 * `v`, the version of the event catalogue); reading it applies, in turn, each step from its version to the next up
 * to RECORD_VERSION. Stored records are never rewritten: their hashes, chain, Merkle leaves and signed checkpoints
 * are over the stored bytes, and only what is folded into state is upcast.
 */
import type { DomainEvent } from './events';
import {
  RECORD_VERSION,
  RECORD_VERSIONS,
  recordVersionProblem,
  type LogRecord,
  type RecordVersion,
} from './log/record';

/** An event as some version of the catalogue wrote it: its type and data in that version's shape. */
export interface StoredEvent {
  type: string;
  data: unknown;
}

/**
 * One event type's step from a version to the next: a pure function from its data in the old shape (the record it
 * came from is given read-only, for its time or actor) to the event, or events, it is in the next version. It must
 * not change `data`, which is the verified record's.
 */
export type UpcastFn = (data: unknown, record: Readonly<LogRecord>) => StoredEvent | readonly StoredEvent[];

/** The step from one version to the next: a function for each event type whose shape changed; the rest pass through. */
export type UpcastStep = Readonly<Record<string, UpcastFn>>;

/** What the compiler holds the steps to: one from each version read but the current, none from the current. */
export type UpcastSteps<V extends number, Current extends V> = {
  readonly [K in Exclude<V, Current>]: UpcastStep;
} & {
  readonly [K in Current]?: never;
};

/** An upcaster registry: the versions it reads (oldest first, the last the current shape) and the step from each. */
export interface Upcasters {
  readonly versions: readonly number[];
  /** steps[n]: the step from version n to the version after it in `versions`. */
  readonly steps: Readonly<Partial<Record<number, UpcastStep>>>;
}

/**
 * The steps of this code, keyed by the version they upcast from (`1: { SomeEvent: (data) => ... }` for 1 -> 2). A
 * missing step, an extra one or one from RECORD_VERSION is a type error.
 */
export const UPCAST_STEPS = {
  // 1 -> 2: ProposalOpened carried its whole electorate as a list of account ids; version 2 carries the rule
  // (members admitted up to a number). An old proposal keeps its list, as the explicit form of an electorate.
  1: {
    ProposalOpened(data) {
      const d = data as { electorate: unknown };
      if (!Array.isArray(d.electorate)) return { type: 'ProposalOpened', data };
      const accounts = d.electorate as string[];
      return { type: 'ProposalOpened', data: { ...d, electorate: { accounts, size: accounts.length } } };
    },
  },
  // 2 -> 3: polls added events and optional fields; no version-2 event changed its shape.
  2: {},
  // 3 -> 4: comments edited and deleted, elections, liquid delegation and resources added events and procedure
  // types; tiers, domains, do-ocracy's objection window and a role's excludeProposer, a constitution's triggers,
  // review dates and sunsets are optional fields (rules that change themselves, reviews and sunsets also added
  // events); no version-3 event changed its shape.
  3: {},
} satisfies UpcastSteps<RecordVersion, typeof RECORD_VERSION>;

/** The registry this code reads its logs with. */
export const UPCASTERS: Upcasters = { versions: RECORD_VERSIONS, steps: UPCAST_STEPS };

/**
 * The events a verified record carries, in the shape of the registry's current version: its type and data upcast
 * through each step from the record's version. Usually one event; a step that splits an event gives several.
 * Throws on a version the registry does not read (a newer server wrote it: refused, never guessed) or a missing step.
 */
export function upcast(record: Readonly<LogRecord>, upcasters: Upcasters = UPCASTERS): DomainEvent[] {
  const { versions, steps } = upcasters;
  const problem = recordVersionProblem(record.v, versions);
  if (problem) throw new Error(`log record (seq ${record.seq}): ${problem}`);
  let events: readonly StoredEvent[] = [{ type: record.type, data: record.data }];
  for (let i = versions.indexOf(record.v); i < versions.length - 1; i++) {
    const from = versions[i] as number;
    const step = steps[from];
    if (!step) throw new Error(`upcast: no step from record version ${from} to ${String(versions[i + 1])}`);
    events = events.flatMap((e) => {
      // An own-key lookup: a stored type named like an Object.prototype member passes through.
      const fn = Object.hasOwn(step, e.type) ? step[e.type] : undefined;
      return fn ? fn(e.data, record) : [e];
    });
  }
  // The current shape is DomainEvent's; evolve refuses a type it does not know.
  return events as DomainEvent[];
}
