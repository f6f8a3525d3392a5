// Resources (issue 15): a pool's statement as the API shows it, read from the in-memory state folded from the
// verified log (so what is served is what the log proves): balances, movements a page at a time with the decision
// behind each (its proposal, the rule version it was decided under, the procedure, who decided), a series for the
// chart, bookings, and the ledger as CSV.
import {
  formatAmount,
  itemAt,
  own,
  sliceOf,
  toMajor,
  type CommonsState,
  type Movement,
  type Pool,
} from '@peergov/kernel';
import { ApiError } from './problems';

/** The most points of a pool's balance over time a statement carries (evenly thinned past it, the last kept). */
export const SERIES_POINTS = 400;

/** A pool in the list of a commons' pools. */
export function poolSummary(pool: Pool) {
  return {
    id: pool.id,
    name: pool.name,
    description: pool.description,
    kind: pool.kind,
    unit: pool.unit,
    floor: pool.floor,
    usage: pool.usage,
    createdAt: pool.createdAt,
    proposalId: pool.proposalId,
    balance: own(pool.balances, 'pool') ?? '0',
    movementCount: pool.movements.size,
    activeBookings: Object.values(pool.bookings).filter((b) => b.status === 'active').length,
  };
}

/** The pools of a commons, in the order they were created. */
export function poolList(state: CommonsState) {
  return { items: Object.values(state.pools ?? {}).map(poolSummary) };
}

/** The pool named, or a 404 pool_not_found (an own-key lookup: `__proto__` names no pool unless one was made). */
export function poolIn(state: CommonsState, poolId: string): Pool {
  const pool = own(state.pools, poolId);
  if (!pool) throw new ApiError(404, 'pool_not_found', `There is no pool "${poolId}" in this commons.`);
  return pool;
}

/** Who an account in a pool is, for people: the pool, the outside world, or a member by name. */
function accountLabel(state: CommonsState, account: string): string {
  if (account === 'pool') return 'pool';
  if (account === 'outside') return 'outside';
  const id = account.slice('member:'.length);
  return own(state.core.members, id)?.displayName ?? id;
}

/** The decision that carried out a movement: its proposal, the rule version and procedure, who decided. */
function decisionOf(state: CommonsState, proposalId: string) {
  const p = own(state.proposals, proposalId);
  if (!p) return null;
  return {
    proposalId: p.id,
    title: p.title,
    proposer: p.proposer,
    ruleVersion: p.ruleVersion,
    procedure: p.procedure.type,
    decidedAt: p.outcome?.decidedAt ?? null,
    decidedBy: p.outcome?.decidedBy ?? null,
    participants: p.outcome?.participants.length ?? 0,
  };
}

function movementView(state: CommonsState, pool: Pool, m: Movement) {
  return {
    ...m,
    entries: m.entries.map((e) => ({ ...e, label: accountLabel(state, e.account) })),
    formatted: formatAmount(poolDelta(m), pool.unit),
    decision: decisionOf(state, m.proposalId),
  };
}

/** What a movement changed the pool's own account by. */
function poolDelta(m: Movement): bigint {
  return m.entries.filter((e) => e.account === 'pool').reduce((sum, e) => sum + BigInt(e.amount), 0n);
}

const badCursor = () =>
  new ApiError(
    400,
    'invalid_cursor',
    'The cursor `after` is not one a page of this statement gave (its `next`).',
  );

/** The page cursor of a statement (the number of the last movement of the page before), checked for its shape. */
export function parseAfter(after: string | undefined): number {
  if (after === undefined) return 0;
  const n = /^[1-9][0-9]{0,14}$/.test(after) ? Number(after) : NaN;
  if (!Number.isSafeInteger(n)) throw badCursor();
  return n;
}

/** The pool's balance over time (the pool account after each movement), at most SERIES_POINTS points. */
function seriesOf(pool: Pool) {
  const n = pool.movements.size;
  const step = Math.max(1, Math.ceil(n / SERIES_POINTS));
  const points: { at: string; balance: string }[] = [];
  for (let i = 0; i < n; i += step) {
    const m = itemAt(pool.movements, i)!;
    points.push({ at: m.at, balance: m.poolBalance });
  }
  const last = n > 0 ? itemAt(pool.movements, n - 1)! : null;
  if (last && points[points.length - 1]?.at !== last.at)
    points.push({ at: last.at, balance: last.poolBalance });
  return points;
}

/** A pool's statement: the pool, its balances, a page of movements (oldest first), the series, its bookings. */
export function poolStatement(state: CommonsState, pool: Pool, start: number, limit: number) {
  const size = pool.movements.size;
  if (start > size) throw badCursor();
  const items = sliceOf(pool.movements, start, start + limit).map((m) => movementView(state, pool, m));
  const end = start + items.length;
  return {
    pool: poolSummary(pool),
    balances: Object.keys(pool.balances)
      .sort()
      .map((account) => ({
        account,
        label: accountLabel(state, account),
        balance: pool.balances[account]!,
        formatted: formatAmount(pool.balances[account]!, pool.unit),
      })),
    movements: { items, next: end < size ? String(end) : null, total: size },
    series: seriesOf(pool),
    bookings: Object.values(pool.bookings)
      .sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))
      .map((b) => ({ ...b, displayName: own(state.core.members, b.accountId)?.displayName ?? b.accountId })),
  };
}

// A CSV field: quoted when it holds a separator, quote or line break; a leading =, +, - or @ is prefixed with ' so that
// a spreadsheet does not run a purpose as a formula (OWASP, CSV injection).
function field(value: string | number | null): string {
  let v = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(v) && !/^-?[0-9]+(\.[0-9]+)?$/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/** The whole ledger of a pool as CSV: one row per entry, with the decision behind its movement. */
export function ledgerCsv(state: CommonsState, pool: Pool): string {
  const header = [
    'seq',
    'at',
    'kind',
    'account',
    'amount_minor',
    'amount',
    'unit',
    'purpose',
    'counterparty',
    'evidence',
    'proposal',
    'rule_version',
    'decided_by',
    'pool_balance_minor',
  ];
  const rows = [header.join(',')];
  for (const m of sliceOf(pool.movements, 0, pool.movements.size)) {
    const d = decisionOf(state, m.proposalId);
    for (const e of m.entries) {
      rows.push(
        [
          m.seq,
          m.at,
          m.kind,
          e.account,
          e.amount,
          toMajor(e.amount, pool.unit?.exponent ?? 0),
          pool.unit?.code ?? '',
          m.purpose,
          m.counterparty,
          m.evidence,
          m.proposalId,
          d?.ruleVersion ?? '',
          d?.decidedBy ?? '',
          m.poolBalance,
        ]
          .map(field)
          .join(','),
      );
    }
  }
  return rows.join('\r\n') + '\r\n';
}
