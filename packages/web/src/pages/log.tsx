import { useState } from 'react';
import { api } from '../api/client';
import type { LogRecord, Reason } from '../api/types';
import { classLabel } from '../components/chambers';
import { describeRuleReason } from '../components/triggers';
import { LoadError, Loading, PageTitle } from '../components/ui';
import { useResource } from '../components/use-resource';
import { eventLabel } from '../describe';
import { useI18n } from '../i18n';
import type { CommonsProps } from './commons-shell';
import { asyncHandler } from '../components/async-handler';
import { Link } from '../router';

const PAGE = 100;

function VerificationStatus({ commonsId }: { commonsId: string }) {
  const { t } = useI18n();
  const v = useResource(`/api/v1/commons/${commonsId}/log/verify`);
  return (
    <section
      aria-labelledby="verify-heading"
      className={`card verification ${v.data ? (v.data.ok ? 'verified' : 'broken') : ''}`}
    >
      <h2 id="verify-heading">{t('log.verification')}</h2>
      <div aria-live="polite">
        {v.error && <LoadError error={v.error} retry={asyncHandler(v.reload)} />}
        {!v.data && !v.error && <Loading />}
        {v.data?.ok === true && (
          <>
            <p className="verify-ok">
              <span aria-hidden="true">✓ </span>
              {t('log.ok', { count: v.data.size })}
            </p>
            <p className="meta">
              {t('log.root')} <code className="hash">{v.data.root}</code>
            </p>
          </>
        )}
        {v.data?.ok === false && (
          <p className="verify-failed">
            <span aria-hidden="true">✗ </span>
            {v.data.seq !== null
              ? t('log.failed', { seq: v.data.seq, reason: v.data.reason })
              : t('log.failedAt', { where: t(`log.where.${v.data.where}`), reason: v.data.reason })}
          </p>
        )}
      </div>
      <button type="button" className="button secondary" onClick={() => void v.reload()} disabled={v.loading}>
        {t('log.verifyAgain')}
      </button>
      <p className="hint">{t('log.explain')}</p>
    </section>
  );
}

export function LogPage({ commons, changes }: CommonsProps) {
  const { t, date, day } = useI18n();
  const first = useResource(`/api/v1/commons/${commons.id}/log?from=0&limit=${PAGE}`, changes);
  const [more, setMore] = useState<LogRecord[]>([]);
  const [moreError, setMoreError] = useState<unknown>(null);
  const records = [...(first.data?.records ?? []), ...more];
  // What a decision carried out was done by the decision, never by whoever took the position that settled it.
  const by = (r: LogRecord) =>
    // A rule that changed by itself was changed by the constitution, not by whoever's command made it true.
    r.type === 'RuleTriggered' || r.type === 'RuleLapsed' || r.type === 'ReviewOpened' ? (
      t('log.byRules')
    ) : r.decision ? (
      <Link to={`/c/${commons.id}/proposals/${encodeURIComponent(r.decision.proposalId)}`}>
        {r.decision.title === null
          ? t('log.byDecisionUntitled')
          : t('log.byDecision', { title: r.decision.title })}
      </Link>
    ) : r.actor ? (
      (r.actorName ?? r.actor)
    ) : (
      t('log.system')
    );
  // A rule that changed by itself says why, in words (the reason the log records).
  const whyChanged = (r: LogRecord) => {
    if (r.type !== 'RuleTriggered' && r.type !== 'RuleLapsed') return null;
    const reason = (r.data as { reason?: Reason }).reason;
    return reason ? describeRuleReason(t, day, reason, commons, classLabel(t, commons)) : null;
  };
  const loadMore = async () => {
    try {
      const r = await api.get(`/api/v1/commons/${commons.id}/log?from=${records.length}&limit=${PAGE}`);
      setMore([...more, ...r.records]);
    } catch (err) {
      setMoreError(err);
    }
  };
  return (
    <>
      <PageTitle title={`${t('log.title')} · ${commons.name}`}>{t('log.title')}</PageTitle>
      <p className="lead">{t('log.intro')}</p>
      <VerificationStatus commonsId={commons.id} />
      <section aria-labelledby="records-heading">
        <h2 id="records-heading">{t('log.records', { count: first.data?.size ?? 0 })}</h2>
        {first.error && <LoadError error={first.error} retry={asyncHandler(first.reload)} />}
        {!first.data && !first.error && <Loading />}
        {first.data && (
          <div className="table-wrap" role="region" aria-labelledby="records-heading" tabIndex={0}>
            <table className="log-table">
              <thead>
                <tr>
                  <th scope="col">{t('log.seq')}</th>
                  <th scope="col">{t('log.when')}</th>
                  <th scope="col">{t('log.what')}</th>
                  <th scope="col">{t('log.who')}</th>
                  <th scope="col">{t('log.hash')}</th>
                </tr>
              </thead>
              <tbody>
                {records.map((r) => (
                  <tr key={r.seq}>
                    <td>{r.seq}</td>
                    <td>
                      <time dateTime={r.at}>{date(r.at)}</time>
                    </td>
                    <td>
                      <details>
                        <summary>{eventLabel(t, r.type)}</summary>
                        <pre>{JSON.stringify(r.data, null, 2)}</pre>
                      </details>
                      {whyChanged(r) && <p className="log-why">{whyChanged(r)}</p>}
                    </td>
                    <td>{by(r)}</td>
                    <td>
                      <code className="hash" title={r.hash}>
                        {r.hash.slice(0, 12)}…
                      </code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        {moreError != null && <LoadError error={moreError} />}
        {first.data && records.length < first.data.size && (
          <button type="button" className="button secondary" onClick={asyncHandler(loadMore)}>
            {t('log.more')}
          </button>
        )}
      </section>
    </>
  );
}
