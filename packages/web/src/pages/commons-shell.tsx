import { useEffect, useState, type ReactNode } from 'react';
import type { Commons } from '../api/types';
import { TrustBanner } from '../components/trust-banner';
import { LoadError, Loading } from '../components/ui';
import { touchesCommons, useChanges, useLiveUpdates, type Live } from '../components/use-live-updates';
import { useResource } from '../components/use-resource';
import { useI18n } from '../i18n';
import { checkLog, type TrustResult } from '../log/trust';
import { Link, useLocation } from '../router';
import { asyncHandler } from '../components/async-handler';

export interface CommonsProps {
  commons: Commons;
  reload: () => Promise<void>;
  /** What the commons' log appends changed (live updates): pages load again what they show of it. */
  live: Live;
  /** Changes whenever the commons' log grows: for pages that show the log itself. */
  changes: number;
}

type Tab = 'overview' | 'proposals' | 'constitution' | 'delegations' | 'log';

/** Loads a commons, follows its live updates and frames its pages with its name and a section navigation. */
export function CommonsShell({
  id,
  tab,
  children,
}: {
  id: string;
  tab: Tab;
  children: (p: CommonsProps) => ReactNode;
}) {
  const { t } = useI18n();
  const live = useLiveUpdates(id);
  const changes = live.seq;
  // The commons view (counts, roles, rules, the caller's membership) only when an append changed it.
  const res = useResource(`/api/v1/commons/${encodeURIComponent(id)}`, useChanges(live, touchesCommons));
  const trust = useLogCheck(id, changes);
  if (res.error) return <LoadError error={res.error} retry={asyncHandler(res.reload)} />;
  if (!res.data) return <Loading />;
  const c = res.data;
  const base = `/c/${encodeURIComponent(c.id)}`;
  const tabs: { id: Tab; to: string; label: string }[] = [
    { id: 'overview', to: base, label: t('commons.tab.overview') },
    { id: 'proposals', to: `${base}/proposals`, label: t('commons.tab.proposals') },
    { id: 'constitution', to: `${base}/constitution`, label: t('commons.tab.constitution') },
    ...(c.me?.status === 'member'
      ? [{ id: 'delegations' as const, to: `${base}/delegations`, label: t('commons.tab.delegations') }]
      : []),
    { id: 'log', to: `${base}/log`, label: t('commons.tab.log') },
  ];
  return (
    <div className="commons">
      <div className="commons-header">
        {tab !== 'overview' && (
          <p className="commons-name">
            <Link to={base}>{c.name}</Link>
          </p>
        )}
        {c.me?.status === 'member' && <span className="badge badge-member">{t('commons.youAreMember')}</span>}
        {c.me?.status === 'applicant' && <span className="badge badge-open">{t('commons.youApplied')}</span>}
      </div>
      <nav aria-label={t('commons.sections', { name: c.name })} className="tabs">
        <ul>
          {tabs.map((x) => (
            <li key={x.id}>
              <Link
                to={x.to}
                className={x.id === tab ? 'active' : undefined}
                aria-current={x.id === tab ? 'page' : undefined}
              >
                {x.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <TrustBanner integrity={c.integrity} trust={trust} />
      {children({ commons: c, reload: res.reload, live, changes })}
    </div>
  );
}

/**
 * Checks, in this browser, that the server's latest signed checkpoint of the commons extends the one this browser
 * saw before (see log/trust.ts): on every page visited and whenever the log grows. A failure stays shown until a
 * later check passes (it cannot while the saved checkpoint is not extended).
 */
function useLogCheck(id: string, changes: number): TrustResult | null {
  const { path } = useLocation();
  const [result, setResult] = useState<{ id: string; trust: TrustResult } | null>(null);
  useEffect(() => {
    let live = true;
    void checkLog(id).then((trust) => {
      // No verdict (offline, say) keeps the last one.
      if (live && trust.ok !== null) setResult({ id, trust });
    });
    return () => {
      live = false;
    };
  }, [id, changes, path]);
  return result?.id === id ? result.trust : null;
}
