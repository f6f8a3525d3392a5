// Resources (issue 15): the fields of the proposal form for the kinds that act on pools (create_pool,
// record_income, spend, book, cancel_booking), and the action they build. Amounts are typed in major units and sent
// in minor units as digits (money.ts): never a float.
import { useState, type ReactNode } from 'react';
import type { Action, ActionKind, Commons, PoolSummary } from '../api/types';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { parseMajor } from '../money';
import { useLocation } from '../router';
import { Field } from './ui';
import { useResource } from './use-resource';

export const RESOURCE_KINDS: readonly ActionKind[] = [
  'create_pool',
  'record_income',
  'spend',
  'book',
  'cancel_booking',
];
const POOL_KINDS = ['money', 'time', 'points', 'thing', 'space'] as const;
type PoolKind = (typeof POOL_KINDS)[number];
const DEFAULT_UNIT: Record<'money' | 'time' | 'points', { code: string; exponent: number }> = {
  money: { code: 'EUR', exponent: 2 },
  time: { code: 'HOURS', exponent: 2 },
  points: { code: 'POINTS', exponent: 0 },
};

const slug = (name: string) =>
  name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48) || 'pool';
const randomId = () => `b${Math.random().toString(36).slice(2, 10)}`;
/** A datetime-local value (the browser's local time) as an ISO instant, or null. */
const instant = (local: string) => {
  const t = Date.parse(local);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
};

/**
 * The state and fields of the resource kinds, and `build` (pure: the form calls it on render for its suggested
 * title) for the form's submit: the action or field errors.
 * `members` are the choices for a spend to a member.
 */
export function useResourceFields(
  commons: Commons,
  kind: ActionKind,
  members: readonly { accountId: string; displayName: string }[],
  /** The form's field errors (from `build` on the last submit). */
  errors: Record<string, string>,
) {
  const { t } = useI18n();
  const { search } = useLocation();
  const pools = useResource(`/api/v1/commons/${commons.id}/pools`).data?.items ?? [];
  const [poolId, setPoolId] = useState(search.get('pool') ?? '');
  const [name, setName] = useState('');
  const [poolKind, setPoolKind] = useState<PoolKind>('money');
  const [code, setCode] = useState('EUR');
  const [exponent, setExponent] = useState('2');
  const [aheadDays, setAheadDays] = useState('30');
  const [maxHours, setMaxHours] = useState('4');
  const [costPool, setCostPool] = useState('');
  const [perHour, setPerHour] = useState('');
  const [amount, setAmount] = useState('');
  const [toMember, setToMember] = useState('');
  const [outside, setOutside] = useState('');
  const [purpose, setPurpose] = useState('');
  const [source, setSource] = useState('');
  const [evidence, setEvidence] = useState('');
  const [from, setFrom] = useState('');
  const [until, setUntil] = useState('');
  const [bookingId, setBookingId] = useState('');

  const ledgers = pools.filter((p) => p.unit !== null);
  const bookables = pools.filter((p) => p.usage !== null);
  const choices = kind === 'book' || kind === 'cancel_booking' ? bookables : ledgers;
  const pool: PoolSummary | undefined = choices.find((p) => p.id === poolId) ?? choices[0];
  const statement = useResource(
    kind === 'cancel_booking' && pool ? `/api/v1/commons/${commons.id}/pools/${pool.id}` : null,
  );
  const active = (statement.data?.bookings ?? []).filter((b) => b.status === 'active');

  const build = (): { action?: Action; errs: Record<string, string> } => {
    const errs: Record<string, string> = {};
    const minorOf = (typed: string, exp: number, field: string) => {
      const v = parseMajor(typed, exp);
      if (v === null || v === '0') errs[field] = t('pool.amountInvalid', { count: exp });
      return v ?? '0';
    };
    const needPool = () => {
      if (!pool) errs.pool = t('pool.choosePool');
      return pool?.id ?? '';
    };
    let action: Action | undefined;
    switch (kind) {
      case 'create_pool': {
        if (!name.trim()) errs.name = t('pool.nameRequired');
        let id = slug(name);
        for (let i = 2; pools.some((p) => p.id === id); i++) id = `${slug(name)}-${i}`;
        if (poolKind === 'thing' || poolKind === 'space') {
          const days = Number(aheadDays);
          const hours = Number(maxHours);
          if (!Number.isInteger(days) || days < 1 || days > 3650) errs.aheadDays = t('pool.aheadRange');
          if (!(hours > 0) || !Number.isInteger(hours * 60) || hours * 60 > 525_600)
            errs.maxHours = t('pool.hoursRange');
          const cost = costPool ? ledgers.find((p) => p.id === costPool) : undefined;
          action = {
            kind,
            pool: {
              id,
              name: name.trim(),
              kind: poolKind,
              usage: {
                maxAheadDays: days,
                maxMinutes: Math.round(hours * 60),
                ...(cost
                  ? { cost: { poolId: cost.id, perHour: minorOf(perHour, cost.unit!.exponent, 'perHour') } }
                  : {}),
              },
            },
          };
        } else {
          const exp = Number(exponent);
          if (!Number.isInteger(exp) || exp < 0 || exp > 4) errs.exponent = t('pool.exponentRange');
          action = {
            kind,
            pool: { id, name: name.trim(), kind: poolKind, unit: { code: code.trim(), exponent: exp } },
          };
        }
        break;
      }
      case 'record_income': {
        const id = needPool();
        if (!source.trim()) errs.source = t('pool.sourceRequired');
        if (!evidence.trim()) errs.evidence = t('pool.evidenceRequired');
        action = {
          kind,
          poolId: id,
          amount: minorOf(amount, pool?.unit?.exponent ?? 0, 'amount'),
          source: source.trim(),
          evidence: evidence.trim(),
        };
        break;
      }
      case 'spend': {
        const id = needPool();
        if (!toMember && !outside.trim()) errs.to = t('pool.payeeRequired');
        if (!purpose.trim()) errs.purpose = t('pool.purposeRequired');
        action = {
          kind,
          poolId: id,
          amount: minorOf(amount, pool?.unit?.exponent ?? 0, 'amount'),
          to: toMember ? { member: toMember } : { outside: outside.trim() },
          purpose: purpose.trim(),
        };
        break;
      }
      case 'book': {
        const id = needPool();
        const f = instant(from);
        const u = instant(until);
        if (!f) errs.from = t('pool.timeRequired');
        if (!u) errs.until = t('pool.timeRequired');
        action = {
          kind,
          poolId: id,
          bookingId: randomId(),
          accountId: commons.me?.accountId ?? '',
          from: f ?? '',
          until: u ?? '',
        };
        break;
      }
      case 'cancel_booking': {
        const id = needPool();
        const chosen = bookingId || active[0]?.id || '';
        if (!chosen) errs.booking = t('pool.chooseBooking');
        action = { kind, poolId: id, bookingId: chosen };
        break;
      }
    }
    return { action, errs };
  };

  const text = (
    label: MessageKey,
    value: string,
    set: (v: string) => void,
    error?: string,
    extra: object = {},
  ) => (
    <Field label={t(label)} error={error}>
      {(p) => <input {...p} type="text" value={value} onChange={(e) => set(e.target.value)} {...extra} />}
    </Field>
  );
  const poolSelect =
    choices.length === 0 ? (
      <p className="muted">
        {t(kind === 'book' || kind === 'cancel_booking' ? 'pool.noBookable' : 'pool.noLedger')}
      </p>
    ) : (
      <Field label={t('pool.pool')} error={errors.pool}>
        {(p) => (
          <select {...p} value={pool?.id ?? ''} onChange={(e) => setPoolId(e.target.value)}>
            {choices.map((x) => (
              <option key={x.id} value={x.id}>
                {x.name}
                {x.unit ? ` (${x.unit.code})` : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  const amountField = text('pool.amount', amount, setAmount, errors.amount, {
    inputMode: 'decimal',
    'aria-describedby': undefined,
  });

  let fields: ReactNode = null;
  if (kind === 'create_pool')
    fields = (
      <>
        {text('pool.name', name, setName, errors.name)}
        <Field label={t('pool.kind')}>
          {(p) => (
            <select
              {...p}
              value={poolKind}
              onChange={(e) => {
                const k = e.target.value as PoolKind;
                setPoolKind(k);
                if (k === 'money' || k === 'time' || k === 'points') {
                  setCode(DEFAULT_UNIT[k].code);
                  setExponent(String(DEFAULT_UNIT[k].exponent));
                }
              }}
            >
              {POOL_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`pool.kind.${k}` as MessageKey)}
                </option>
              ))}
            </select>
          )}
        </Field>
        {(poolKind === 'money' || poolKind === 'time' || poolKind === 'points') && (
          <>
            {text(poolKind === 'money' ? 'pool.currency' : 'pool.unit', code, setCode)}
            {text('pool.exponent', exponent, setExponent, errors.exponent, { inputMode: 'numeric' })}
          </>
        )}
        {(poolKind === 'thing' || poolKind === 'space') && (
          <>
            {text('pool.aheadDays', aheadDays, setAheadDays, errors.aheadDays, { inputMode: 'numeric' })}
            {text('pool.maxHours', maxHours, setMaxHours, errors.maxHours, { inputMode: 'decimal' })}
            <Field label={t('pool.costPool')}>
              {(p) => (
                <select {...p} value={costPool} onChange={(e) => setCostPool(e.target.value)}>
                  <option value="">{t('pool.free')}</option>
                  {ledgers.map((x) => (
                    <option key={x.id} value={x.id}>
                      {x.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {costPool && text('pool.perHour', perHour, setPerHour, errors.perHour, { inputMode: 'decimal' })}
          </>
        )}
      </>
    );
  if (kind === 'record_income')
    fields = (
      <>
        {poolSelect}
        {amountField}
        {text('pool.source', source, setSource, errors.source)}
        {text('pool.evidence', evidence, setEvidence, errors.evidence)}
      </>
    );
  if (kind === 'spend')
    fields = (
      <>
        {poolSelect}
        {amountField}
        <Field label={t('pool.toMember')} error={errors.to}>
          {(p) => (
            <select {...p} value={toMember} onChange={(e) => setToMember(e.target.value)}>
              <option value="">{t('pool.toOutside')}</option>
              {members.map((m) => (
                <option key={m.accountId} value={m.accountId}>
                  {m.displayName}
                </option>
              ))}
            </select>
          )}
        </Field>
        {!toMember && text('pool.payee', outside, setOutside)}
        {text('pool.purpose', purpose, setPurpose, errors.purpose)}
      </>
    );
  if (kind === 'book')
    fields = (
      <>
        {poolSelect}
        {pool?.usage && (
          <p className="hint">
            {t('pool.usage', {
              days: pool.usage.maxAheadDays,
              count: Math.round(pool.usage.maxMinutes / 60),
            })}
          </p>
        )}
        {text('pool.from', from, setFrom, errors.from, { type: 'datetime-local' })}
        {text('pool.until', until, setUntil, errors.until, { type: 'datetime-local' })}
      </>
    );
  if (kind === 'cancel_booking')
    fields = (
      <>
        {poolSelect}
        <Field label={t('pool.booking')} error={errors.booking}>
          {(p) => (
            <select {...p} value={bookingId} onChange={(e) => setBookingId(e.target.value)}>
              {active.map((b) => (
                <option key={b.id} value={b.id}>
                  {`${b.displayName}: ${new Date(b.from).toLocaleString()} – ${new Date(b.until).toLocaleString()}`}
                </option>
              ))}
            </select>
          )}
        </Field>
      </>
    );
  return { fields, build };
}
