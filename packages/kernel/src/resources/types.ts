// Resources (issue 15): pools held in common, their double-entry ledger and the bookings of things and spaces.
// Plain JSON, as the rest of the state. Amounts are integers in a unit's minor units, kept as decimal strings (a
// bigint's digits): never a float anywhere near money.

import type { Audience } from '../types';

/** What a pool holds: money in a currency, time credits, internal points, or a thing or space members book. */
export const POOL_KINDS = ['money', 'time', 'points', 'thing', 'space'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];
/** The pools with a ledger of their own (a thing or space is booked; what a booking costs is paid in a ledger pool). */
export type LedgerPoolKind = Exclude<PoolKind, 'thing' | 'space'>;

/** A unit of account: an ISO 4217 code for money (its minor-unit exponent: 2 for EUR, 0 for JPY), or the commons' own. */
export interface Unit {
  code: string;
  /** Minor units per major unit, as a power of ten: an amount of 1234 with exponent 2 reads 12.34. */
  exponent: number;
}

/**
 * An account in a pool's ledger: the pool's own holding, a member's account in it, or the outside world (where money
 * comes from and goes to: its balance is minus what the pool took in net, and has no floor).
 */
export type AccountRef = 'pool' | 'outside' | `member:${string}`;

/** One side of a transaction: an account and a signed amount in minor units (decimal digits, `-` for a debit). */
export interface Entry {
  account: AccountRef;
  amount: string;
}

export type TransactionKind = 'income' | 'spend' | 'booking' | 'refund';

/** One movement in a pool's ledger: entries that sum to zero, the decision behind it, why. */
export interface Movement {
  /** Its number in the pool's ledger, from 1. */
  seq: number;
  at: string;
  /** The proposal whose decision carried it out. */
  proposalId: string;
  kind: TransactionKind;
  entries: Entry[];
  purpose: string;
  /** Where it came from or went to: the source of income, the payee outside, the member. */
  counterparty: string;
  /** For income: what proves it (a bank reference, a receipt). */
  evidence: string;
  /** The pool account's balance after it. */
  poolBalance: string;
}

/**
 * An append-only list kept in chunks so that a copy-on-write append copies one chunk and the list of chunks, never
 * every movement: a ledger of 100,000 movements costs a few hundred copies per movement, not 100,000.
 */
export interface ChunkedList<T> {
  size: number;
  chunks: T[][];
}

/** Who may book a thing or space, how far ahead, for how long, and what it costs. */
export interface UsageRules {
  who: Extract<Audience, { who: 'members' | 'roles' }>;
  /** How far ahead a booking may start, in days (1 to 3650). */
  maxAheadDays: number;
  /** The longest booking, in minutes (1 to a year's). */
  maxMinutes: number;
  /** What an hour costs, in a ledger pool's minor units, paid from the booker's account there; null: free. */
  cost: { poolId: string; perHour: string } | null;
}

export interface Booking {
  id: string;
  accountId: string;
  from: string;
  until: string;
  proposalId: string;
  /** What it cost (in the cost pool's minor units), refunded if cancelled before it starts. */
  cost: string;
  status: 'active' | 'cancelled';
}

/** A pool as created: what a `create_pool` action carries and `PoolCreated` records. */
export interface PoolSpec {
  id: string;
  name: string;
  description: string;
  kind: PoolKind;
  /** For a ledger pool: its unit (null for a thing or space). */
  unit: Unit | null;
  /** The lowest balance the pool's account and members' accounts may reach (0, or below for mutual credit). */
  floor: string;
  /** For a thing or space: its usage rules (null for a ledger pool). */
  usage: UsageRules | null;
}

export interface Pool extends PoolSpec {
  createdAt: string;
  proposalId: string;
  /** Balances by account (absent: zero), in minor units. */
  balances: Record<string, string>;
  movements: ChunkedList<Movement>;
  /** For a thing or space: bookings by id. */
  bookings: Record<string, Booking>;
}

/** Where a spend goes: a member's account in the pool, or out of the platform. */
export type Payee = { member: string } | { outside: string };

export type ResourceAction =
  | { kind: 'create_pool'; pool: PoolSpec }
  | { kind: 'record_income'; poolId: string; amount: string; source: string; evidence: string }
  | { kind: 'spend'; poolId: string; amount: string; to: Payee; purpose: string }
  | { kind: 'book'; poolId: string; bookingId: string; accountId: string; from: string; until: string }
  | { kind: 'cancel_booking'; poolId: string; bookingId: string };
