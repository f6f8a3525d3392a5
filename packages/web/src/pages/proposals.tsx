import type { ProposalStatus } from '../api/types';
import { ProposalList } from '../components/proposal-list';
import { LoadError, Loading, PageTitle } from '../components/ui';
import { useResource } from '../components/use-resource';
import { touchesProposals, useChanges } from '../components/use-live-updates';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { Link, useLocation } from '../router';
import type { CommonsProps } from './commons-shell';
import { asyncHandler } from '../components/async-handler';

const FILTERS: ('all' | ProposalStatus)[] = ['all', 'open', 'passed', 'rejected', 'withdrawn'];

export function ProposalsPage({ commons, live }: CommonsProps) {
  const { t } = useI18n();
  const { search } = useLocation();
  const status = (FILTERS as string[]).includes(search.get('status') ?? '')
    ? (search.get('status') as ProposalStatus | 'all')
    : 'all';
  const base = `/c/${commons.id}/proposals`;
  const list = useResource(
    `/api/v1/commons/${commons.id}/proposals${status === 'all' ? '' : `?status=${status}`}`,
    useChanges(live, touchesProposals),
  );
  return (
    <>
      <div className="section-head">
        <PageTitle title={`${t('commons.tab.proposals')} · ${commons.name}`}>
          {t('commons.tab.proposals')}
        </PageTitle>
        {commons.can.propose && (
          <Link className="button primary" to={`${base}/new`}>
            {t('commons.propose')}
          </Link>
        )}
      </div>
      <nav aria-label={t('proposals.filter')} className="filters">
        <ul>
          {FILTERS.map((f) => (
            <li key={f}>
              <Link
                to={f === 'all' ? base : `${base}?status=${f}`}
                aria-current={f === status ? 'page' : undefined}
                className={f === status ? 'active' : undefined}
              >
                {t(`proposals.filter.${f}` as MessageKey)}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      {list.error && <LoadError error={list.error} retry={asyncHandler(list.reload)} />}
      {!list.data && !list.error && <Loading />}
      {list.data && list.data.length === 0 && <p className="muted">{t('proposals.none')}</p>}
      {list.data && list.data.length > 0 && <ProposalList commonsId={commons.id} proposals={list.data} />}
    </>
  );
}
