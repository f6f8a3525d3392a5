// Resources (issue 15): pools, their double-entry ledgers and the bookings of things and spaces. Every change is
// carried out from a passed proposal (the actions in ../actions: create_pool, record_income, spend, book,
// cancel_booking); the ledger's invariants are checked again here, so that a log that breaks them does not fold.
import { dict, dictOf, own } from '../dict';
import type { EventEnvelope } from '../events';
import type { Writer } from '../evolve';
import { appended, balanceOf, balancesAfter, emptyList } from '../resources/ledger';
import type { Pool } from '../resources/types';
import type { Evolvers } from './module';

/**
 * Writes one pool: the pools record and the pool are replaced by copies (never changed in place), so a published
 * state stays as it was under either kind of draft. The pools of a commons are few; a pool's movements are a chunked
 * list whose append copies one chunk.
 */
function putPool(w: Writer, pool: Pool): void {
  const pools = dictOf(w.state.pools ?? dict<Pool>());
  pools[pool.id] = pool;
  w.state.pools = pools;
}

function poolIn(w: Writer, e: EventEnvelope, id: string): Pool {
  const pool = own(w.state.pools, id);
  if (!pool) throw new Error(`event ${e.type} refers to pool ${JSON.stringify(id)}, which does not exist`);
  return pool;
}

export const resourceEvents = {
  PoolCreated(w, e) {
    const spec = e.data.pool;
    if (own(w.state.pools, spec.id)) throw new Error(`PoolCreated: pool ${JSON.stringify(spec.id)} exists`);
    putPool(w, {
      ...spec,
      createdAt: e.at,
      proposalId: e.data.proposalId,
      balances: dict(),
      movements: emptyList(),
      bookings: dict(),
    });
  },
  TransactionRecorded(w, e) {
    const d = e.data;
    const pool = poolIn(w, e, d.poolId);
    // Sum zero, floors, bounds: a DomainError here means a log the kernel would never have written.
    const balances = balancesAfter(pool, d.entries);
    const next: Pool = { ...pool, balances };
    next.movements = appended(pool.movements, {
      seq: pool.movements.size + 1,
      at: e.at,
      proposalId: d.proposalId,
      kind: d.kind,
      entries: d.entries,
      purpose: d.purpose,
      counterparty: d.counterparty,
      evidence: d.evidence,
      poolBalance: balanceOf(next, 'pool').toString(),
    });
    putPool(w, next);
  },
  BookingMade(w, e) {
    const d = e.data;
    const pool = poolIn(w, e, d.poolId);
    const bookings = dictOf(pool.bookings);
    bookings[d.booking.id] = { ...d.booking, proposalId: d.proposalId, status: 'active' };
    putPool(w, { ...pool, bookings });
  },
  BookingCancelled(w, e) {
    const d = e.data;
    const pool = poolIn(w, e, d.poolId);
    const b = own(pool.bookings, d.bookingId);
    if (!b) throw new Error(`BookingCancelled: no booking ${JSON.stringify(d.bookingId)}`);
    const bookings = dictOf(pool.bookings);
    bookings[b.id] = { ...b, status: 'cancelled' };
    putPool(w, { ...pool, bookings });
  },
} satisfies Evolvers<'PoolCreated' | 'TransactionRecorded' | 'BookingMade' | 'BookingCancelled'>;
