// A member's delegations in a commons: whom they give their vote to (for the whole commons or a kind of action),
// revoking any of them, and who gives their vote to them. Counted under procedures with delegation at each close.
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ACTION_KINDS, type ActionKind, type Delegations, type DelegationScope } from '../api/types';
import { asyncHandler } from '../components/async-handler';
import { FormError, LoadError, Loading, Notice, PageTitle } from '../components/ui';
import { useResource } from '../components/use-resource';
import { actionLabel } from '../describe';
import { useI18n } from '../i18n';
import type { CommonsProps } from './commons-shell';

export function DelegationsPage({ commons }: CommonsProps) {
  const { t, date } = useI18n();
  const member = commons.me?.status === 'member';
  const res = useResource(member ? `/api/v1/commons/${commons.id}/delegations` : null);
  const members = useResource(
    member ? `/api/v1/commons/${commons.id}/members?status=member&limit=200` : null,
  );
  const [scopeType, setScopeType] = useState<'commons' | 'kind'>('kind');
  const [kind, setKind] = useState<ActionKind>('resolution');
  const [trustee, setTrustee] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState('');
  if (!member)
    return (
      <>
        <PageTitle title={`${t('delegation.title')} · ${commons.name}`}>{t('delegation.title')}</PageTitle>
        <Notice>{t('delegation.membersOnly')}</Notice>
      </>
    );
  if (res.error) return <LoadError error={res.error} retry={asyncHandler(res.reload)} />;
  if (!res.data) return <Loading />;
  const d: Delegations = res.data;
  const scopeText = (s: DelegationScope) =>
    s.type === 'commons'
      ? t('delegation.scope.commons')
      : s.type === 'kind'
        ? t('delegation.scope.kind', { kind: actionLabel(t, s.kind) })
        : t('delegation.scope.proposal');
  const act = async (f: () => Promise<Delegations>, said: string) => {
    setBusy(true);
    setError(null);
    setDone('');
    try {
      res.set(await f());
      setDone(said);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!trustee) return;
    const scope: DelegationScope = scopeType === 'commons' ? { type: 'commons' } : { type: 'kind', kind };
    await act(
      () => api.put(`/api/v1/commons/${commons.id}/delegations`, { scope, trustee }),
      t('delegation.saved'),
    );
  };
  const others = (members.data?.items ?? []).filter((m) => m.accountId !== commons.me?.accountId);
  return (
    <>
      <PageTitle title={`${t('delegation.title')} · ${commons.name}`}>{t('delegation.title')}</PageTitle>
      <p className="lead">{t('delegation.intro')}</p>
      <FormError error={error} />
      {done && (
        <p role="status" className="alert alert-success">
          {done}
        </p>
      )}
      <section className="card" aria-labelledby="mine-heading">
        <h2 id="mine-heading">{t('delegation.mine')}</h2>
        {d.mine.length === 0 ? (
          <p className="muted">{t('delegation.noneMine')}</p>
        ) : (
          <ul className="plain">
            {d.mine.map((x) => (
              <li key={JSON.stringify(x.scope)}>
                {t('delegation.to', { name: x.trustee.displayName, scope: scopeText(x.scope) })}{' '}
                <span className="meta">{date(x.since)}</span>{' '}
                <button
                  type="button"
                  className="button quiet"
                  disabled={busy}
                  onClick={asyncHandler(() =>
                    act(
                      () => api.post(`/api/v1/commons/${commons.id}/delegations/revoke`, { scope: x.scope }),
                      t('delegation.revoked'),
                    ),
                  )}
                >
                  {t('delegation.revoke', { scope: scopeText(x.scope) })}
                </button>
              </li>
            ))}
          </ul>
        )}
        <form onSubmit={asyncHandler(submit)} className="stack">
          <h3>{t('delegation.new')}</h3>
          <div className="field">
            <label htmlFor="delegation-scope">{t('delegation.scope')}</label>
            <select
              id="delegation-scope"
              value={scopeType}
              onChange={(e) => setScopeType(e.target.value as 'commons' | 'kind')}
            >
              <option value="kind">{t('delegation.scope.aKind')}</option>
              <option value="commons">{t('delegation.scope.commons')}</option>
            </select>
          </div>
          {scopeType === 'kind' && (
            <div className="field">
              <label htmlFor="delegation-kind">{t('delegation.kind')}</label>
              <select
                id="delegation-kind"
                value={kind}
                onChange={(e) => setKind(e.target.value as ActionKind)}
              >
                {ACTION_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {actionLabel(t, k)}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor="delegation-trustee">{t('delegation.trustee')}</label>
            <select id="delegation-trustee" value={trustee} onChange={(e) => setTrustee(e.target.value)}>
              <option value="">—</option>
              {others.map((m) => (
                <option key={m.accountId} value={m.accountId}>
                  {m.displayName}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className="button primary" disabled={busy || !trustee}>
            {t('delegation.delegate')}
          </button>
        </form>
      </section>
      <section className="card" aria-labelledby="tome-heading">
        <h2 id="tome-heading">{t('delegation.toMe')}</h2>
        {d.toMe.length === 0 ? (
          <p className="muted">{t('delegation.noneToMe')}</p>
        ) : (
          <ul className="plain">
            {d.toMe.map((x) => (
              <li key={`${x.truster.accountId}-${JSON.stringify(x.scope)}`}>
                {t('delegation.from', { name: x.truster.displayName, scope: scopeText(x.scope) })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
