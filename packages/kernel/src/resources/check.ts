// Checks of resource actions against the commons now: the pool named, its kind, its usage rules, and the shape of
// what comes from outside. Shared by the action definitions in ../actions.
import { own } from '../dict';
import { DomainError } from '../errors';
import { text } from '../input';
import type { CommonsState } from '../types';
import type { Pool } from './types';

/** The pool named, or `pool_not_found` (an own-key lookup: `__proto__` is an id like any other). */
export function requirePool(state: CommonsState | undefined, poolId: unknown): Pool {
  const id = typeof poolId === 'string' ? poolId : '';
  const pool = own(state?.pools, id);
  if (!pool)
    throw new DomainError('pool_not_found', `There is no pool "${id}" in this commons.`, { poolId: id });
  return pool;
}

/** A pool with a ledger (money, time, points), or `invalid_action` for a thing or space. */
export function requireLedgerPool(state: CommonsState | undefined, poolId: unknown): Pool {
  const pool = requirePool(state, poolId);
  if (pool.unit === null)
    throw new DomainError(
      'invalid_action',
      `"${pool.name}" is a ${pool.kind} to book; it holds no amounts.`,
      {
        poolId: pool.id,
      },
    );
  return pool;
}

/** A pool id from outside: lowercase letters, digits, dashes and underscores, as the API's id shape allows. */
export function checkPoolId(id: unknown): string {
  const v = text('id', id);
  if (!/^[A-Za-z0-9_-]+$/.test(v))
    throw new DomainError('invalid_action', 'A pool id uses letters, digits, dashes and underscores.');
  return v;
}

/** A date and time from outside as a canonical ISO string, or `invalid_booking` naming the field. */
export function checkTime(field: string, value: unknown): string {
  const t = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t))
    throw new DomainError('invalid_booking', `${field} must be a date and time.`, { field });
  return new Date(t).toISOString();
}
