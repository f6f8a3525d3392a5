// The double-entry ledger of a pool, pure: a transaction's entries sum to zero, no account but the outside world's
// goes below the pool's floor, every balance stays within MAX_AMOUNT. Checked when an action is checked (so a
// proposal that cannot be paid is refused, or fails when it passes) and again when the event is applied (a log that
// breaks it is refused by the fold).
import { dictOf, own } from '../dict';
import { DomainError } from '../errors';
import { MAX_AMOUNT, formatAmount } from './amount';
import type { AccountRef, ChunkedList, Entry, Pool } from './types';

/** A member's account in a pool. */
export const memberAccount = (accountId: string): AccountRef => `member:${accountId}`;

/** An account's balance in a pool (zero if it has never moved). */
export function balanceOf(pool: Pool, account: AccountRef): bigint {
  return BigInt(own(pool.balances, account) ?? '0');
}

/** Whether an account is bounded below by the pool's floor: every account but the outside world. */
const hasFloor = (account: AccountRef) => account !== 'outside';

/**
 * The pool's balances after these entries, or a DomainError: entries that do not sum to zero or move nothing
 * (`invalid_amount`), an account that would go below the floor (`insufficient_funds`), a balance past MAX_AMOUNT.
 */
export function balancesAfter(pool: Pool, entries: readonly Entry[]): Record<string, string> {
  if (entries.length < 2)
    throw new DomainError('invalid_amount', 'A transaction moves between two accounts at least.');
  let sum = 0n;
  const next = new Map<AccountRef, bigint>();
  for (const e of entries) {
    const amount = BigInt(e.amount);
    if (amount === 0n) throw new DomainError('invalid_amount', 'A transaction entry must move something.');
    sum += amount;
    next.set(e.account, (next.get(e.account) ?? balanceOf(pool, e.account)) + amount);
  }
  if (sum !== 0n) throw new DomainError('invalid_amount', 'The entries of a transaction must sum to zero.');
  const floor = BigInt(pool.floor);
  for (const [account, balance] of next) {
    if (balance > MAX_AMOUNT || balance < -MAX_AMOUNT)
      throw new DomainError('invalid_amount', 'This would take a balance past the largest amount.', {
        account,
      });
    if (hasFloor(account) && balance < floor) {
      const who = account === 'pool' ? `The pool "${pool.name}"` : 'That account';
      throw new DomainError(
        'insufficient_funds',
        `${who} holds ${formatAmount(balanceOf(pool, account), pool.unit)}: this would take it below ${formatAmount(floor, pool.unit)}.`,
        { account, balance: balanceOf(pool, account).toString(), floor: pool.floor },
      );
    }
  }
  const balances = dictOf(pool.balances);
  for (const [account, balance] of next) balances[account] = balance.toString();
  return balances;
}

/** The sum of every balance in a pool: zero, always (what the property tests and the statement check). */
export function ledgerSum(pool: Pool): bigint {
  let sum = 0n;
  for (const v of Object.values(pool.balances)) sum += BigInt(v);
  return sum;
}

const CHUNK = 512;

/** An empty chunked list. */
export const emptyList = <T>(): ChunkedList<T> => ({ size: 0, chunks: [] });

/** The list with one more item, sharing every full chunk with the list given (which is left as it was). */
export function appended<T>(list: ChunkedList<T>, item: T): ChunkedList<T> {
  const chunks = list.chunks.slice();
  const last = chunks[chunks.length - 1];
  if (!last || last.length >= CHUNK) chunks.push([item]);
  else chunks[chunks.length - 1] = [...last, item];
  return { size: list.size + 1, chunks };
}

/** The item at `index` (from 0), or undefined. */
export function itemAt<T>(list: ChunkedList<T>, index: number): T | undefined {
  if (index < 0 || index >= list.size) return undefined;
  return list.chunks[Math.floor(index / CHUNK)]?.[index % CHUNK];
}

/** Items from `start` (inclusive) to `end` (exclusive), in order. */
export function sliceOf<T>(list: ChunkedList<T>, start: number, end: number): T[] {
  const out: T[] = [];
  for (let i = Math.max(0, start); i < Math.min(end, list.size); i++) out.push(itemAt(list, i)!);
  return out;
}
