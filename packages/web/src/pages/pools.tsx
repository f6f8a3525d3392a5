// Resources (issue 15): a commons' pools, and each pool's statement: its balance over time (an SVG chart with a text
// alternative), balances, movements with the decision behind each (the proposal, the rule version it was decided
// under, who decided), its bookings, and the ledger as CSV.
import { useState } from 'react';
import { api } from '../api/client';
import type { PoolStatement, PoolSummary } from '../api/types';
import { asyncHandler } from '../components/async-handler';
import { LoadError, Loading, PageTitle } from '../components/ui';
import { useChanges, type LiveChange } from '../components/use-live-updates';
import { useResource } from '../components/use-resource';
import { actionLabel } from '../describe';
import { useI18n, type Translate } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { formatMinor } from '../money';
import { Link } from '../router';
import type { CommonsProps } from './commons-shell';

const POOL_EVENTS = new Set(['PoolCreated', 'TransactionRecorded', 'BookingMade', 'BookingCancelled']);
/** Whether a change touched a pool (or may have). */
const touchesPools = (c: LiveChange) => !c.complete || c.types.some((type) => POOL_EVENTS.has(type));

function balanceOf(t: Translate, pool: PoolSummary) {
  return pool.unit ? formatMinor(pool.balance, pool.unit, t('locale.tag')) : '';
}

export function PoolsPage({ commons, live }: CommonsProps) {
  const { t } = useI18n();
  const list = useResource(`/api/v1/commons/${commons.id}/pools`, useChanges(live, touchesPools));
  const base = `/c/${commons.id}`;
  return (
    <>
      <div className="section-head">
        <PageTitle title={`${t('pools.title')} · ${commons.name}`}>{t('pools.title')}</PageTitle>
        {commons.can.propose && (
          <Link className="button primary" to={`${base}/proposals/new?kind=create_pool`}>
            {t('pools.create')}
          </Link>
        )}
      </div>
      {list.error && <LoadError error={list.error} retry={asyncHandler(list.reload)} />}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="muted">{t('pools.none')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ul className="pool-list">
          {list.data.items.map((p) => (
            <li key={p.id} className="card">
              <h2>
                <Link to={`${base}/pools/${encodeURIComponent(p.id)}`}>{p.name}</Link>
              </h2>
              <p className="muted">
                {t(`pool.kind.${p.kind}` as MessageKey)}
                {p.unit ? ` · ${t('pools.balance')} ${balanceOf(t, p)}` : ''}
                {p.usage ? ` · ${t('pools.activeBookings', { count: p.activeBookings })}` : ''}
              </p>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The pool's balance over time as a line, with the same in words for those who cannot see it. */
function BalanceChart({ statement }: { statement: PoolStatement }) {
  const { t } = useI18n();
  const unit = statement.pool.unit;
  const points = statement.series;
  if (!unit || points.length === 0) return null;
  const values = points.map((p) => BigInt(p.balance));
  const max = values.reduce((a, b) => (b > a ? b : a), 0n);
  const min = values.reduce((a, b) => (b < a ? b : a), 0n);
  const span = max - min || 1n;
  const w = 600;
  const h = 160;
  // Scaled with bigint, then to pixels: balances can be past what a float holds exactly.
  const y = (v: bigint) => h - Number(((v - min) * 1000n) / span) * (h / 1000);
  const x = (i: number) => (points.length === 1 ? w / 2 : (i * w) / (points.length - 1));
  const line = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const fmt = (v: bigint) => formatMinor(v.toString(), unit, t('locale.tag'));
  const summary = t('pool.chartSummary', {
    count: points.length,
    first: fmt(values[0]!),
    last: fmt(values[values.length - 1]!),
    max: fmt(max),
    min: fmt(min),
  });
  return (
    <figure className="pool-chart">
      <svg viewBox={`0 0 ${w} ${h}`} role="img" aria-label={summary} preserveAspectRatio="none">
        <line x1="0" x2={w} y1={y(0n)} y2={y(0n)} className="pool-chart-zero" />
        <polyline points={line} fill="none" className="pool-chart-line" />
      </svg>
      <figcaption>{summary}</figcaption>
    </figure>
  );
}

export function PoolPage({ commons, live, poolId }: CommonsProps & { poolId: string }) {
  const { t } = useI18n();
  const path = `/api/v1/commons/${commons.id}/pools/${encodeURIComponent(poolId)}` as const;
  const res = useResource(path, useChanges(live, touchesPools));
  const [more, setMore] = useState<PoolStatement['movements']['items']>([]);
  const [next, setNext] = useState<string | null | undefined>(undefined);
  const base = `/c/${commons.id}`;
  if (res.error) return <LoadError error={res.error} retry={asyncHandler(res.reload)} />;
  if (!res.data) return <Loading />;
  const s = res.data;
  const pool = s.pool;
  const locale = t('locale.tag');
  const amount = (minor: string) => (pool.unit ? formatMinor(minor, pool.unit, locale) : minor);
  const name = (id: string | null) =>
    id ? (s.balances.find((b) => b.account === `member:${id}`)?.label ?? id) : '';
  const movements = [...s.movements.items, ...more];
  const cursor = next === undefined ? s.movements.next : next;
  const loadMore = async () => {
    if (!cursor) return;
    const page = await api.get(`${path}?after=${cursor}`);
    setMore([...more, ...page.movements.items]);
    setNext(page.movements.next);
  };
  const propose = (kind: string) => `${base}/proposals/new?kind=${kind}&pool=${encodeURIComponent(pool.id)}`;
  return (
    <>
      <div className="section-head">
        <PageTitle title={`${pool.name} · ${commons.name}`}>{pool.name}</PageTitle>
        {commons.can.propose && (
          <div className="actions">
            {pool.unit && (
              <>
                <Link className="button" to={propose('record_income')}>
                  {actionLabel(t, 'record_income')}
                </Link>
                <Link className="button primary" to={propose('spend')}>
                  {actionLabel(t, 'spend')}
                </Link>
              </>
            )}
            {pool.usage && (
              <Link className="button primary" to={propose('book')}>
                {actionLabel(t, 'book')}
              </Link>
            )}
          </div>
        )}
      </div>
      <p className="muted">
        {t(`pool.kind.${pool.kind}` as MessageKey)}
        {pool.unit ? ` · ${pool.unit.code}` : ''}
        {pool.description ? ` · ${pool.description}` : ''}
      </p>
      {pool.unit && (
        <>
          <p className="pool-balance">
            {t('pools.balance')} <strong>{amount(pool.balance)}</strong>
          </p>
          <BalanceChart statement={s} />
          <h2>{t('pool.balances')}</h2>
          <div className="table-wrap">
            <table className="log-table">
              <thead>
                <tr>
                  <th scope="col">{t('pool.account')}</th>
                  <th scope="col">{t('pool.balanceCol')}</th>
                </tr>
              </thead>
              <tbody>
                {s.balances.map((b) => (
                  <tr key={b.account}>
                    <td>
                      {b.account === 'pool'
                        ? t('pool.account.pool')
                        : b.account === 'outside'
                          ? t('pool.account.outside')
                          : b.label}
                    </td>
                    <td>{amount(b.balance)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <h2>{t('pool.movements', { count: s.movements.total })}</h2>
          {movements.length === 0 ? (
            <p className="muted">{t('pool.noMovements')}</p>
          ) : (
            <div className="table-wrap">
              <table className="log-table">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">{t('pool.when')}</th>
                    <th scope="col">{t('pool.what')}</th>
                    <th scope="col">{t('pool.amount')}</th>
                    <th scope="col">{t('pool.after')}</th>
                    <th scope="col">{t('pool.decidedBy')}</th>
                  </tr>
                </thead>
                <tbody>
                  {movements.map((m) => {
                    const delta = m.entries
                      .filter((e) => e.account === 'pool')
                      .reduce((sum, e) => sum + BigInt(e.amount), 0n)
                      .toString();
                    return (
                      <tr key={m.seq}>
                        <td>{m.seq}</td>
                        <td>{new Date(m.at).toLocaleString(locale)}</td>
                        <td>
                          {t(`pool.tx.${m.kind}` as MessageKey)}: {m.purpose}
                          {m.counterparty && m.kind !== 'income'
                            ? ` (${name(m.counterparty) || m.counterparty})`
                            : ''}
                          {m.evidence ? ` · ${t('pool.evidence')}: ${m.evidence}` : ''}
                        </td>
                        <td>{amount(delta)}</td>
                        <td>{amount(m.poolBalance)}</td>
                        <td>
                          {m.decision ? (
                            <Link to={`${base}/proposals/${m.decision.proposalId}`}>
                              {t('pool.decision', {
                                title: m.decision.title,
                                version: m.decision.ruleVersion,
                                procedure: t(`procType.${m.decision.procedure}` as MessageKey),
                              })}
                            </Link>
                          ) : (
                            m.proposalId
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
          {cursor && (
            <p>
              <button type="button" className="button" onClick={asyncHandler(loadMore)}>
                {t('common.more')}
              </button>
            </p>
          )}
          <p>
            <a className="button quiet" href={`${path}/ledger.csv`} download>
              {t('pool.csv')}
            </a>
          </p>
        </>
      )}
      {pool.usage && (
        <>
          <p className="hint">
            {t('pool.usage', {
              days: pool.usage.maxAheadDays,
              count: Math.round(pool.usage.maxMinutes / 60),
            })}
          </p>
          <h2>{t('pool.bookings')}</h2>
          {s.bookings.filter((b) => b.status === 'active').length === 0 ? (
            <p className="muted">{t('pool.noBookings')}</p>
          ) : (
            <ul className="bookings">
              {s.bookings
                .filter((b) => b.status === 'active')
                .map((b) => (
                  <li key={b.id}>
                    {t('pool.bookingLine', {
                      name: b.displayName,
                      from: new Date(b.from).toLocaleString(locale),
                      until: new Date(b.until).toLocaleString(locale),
                    })}
                  </li>
                ))}
            </ul>
          )}
        </>
      )}
    </>
  );
}
