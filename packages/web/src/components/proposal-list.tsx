import type { ProposalSummary } from '../api/types';
import { actionLabel } from '../describe';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { StatusBadge } from './ui';

/** A list of proposals with their kind, status, counts and closing time. */
export function ProposalList({ commonsId, proposals }: { commonsId: string; proposals: ProposalSummary[] }) {
  const { t, date } = useI18n();
  return (
    <ul className="proposal-list">
      {proposals.map((p) => (
        <li key={p.id} className="card proposal-item">
          <div className="proposal-item-head">
            <StatusBadge status={p.status} />
            <span className="kind">{actionLabel(t, p.kind)}</span>
          </div>
          <h3>
            <Link to={`/c/${encodeURIComponent(commonsId)}/proposals/${encodeURIComponent(p.id)}`}>
              {p.title}
            </Link>
          </h3>
          <p className="meta">
            {t('proposal.by', { name: p.proposer.displayName })} ·{' '}
            {p.status === 'open'
              ? t('proposal.closes', { date: date(p.closesAt) })
              : t('proposal.opened', { date: date(p.openedAt) })}{' '}
            · {t('proposal.positionCount', { count: p.positionCount })} ·{' '}
            {t('proposal.commentCount', { count: p.commentCount })}
          </p>
        </li>
      ))}
    </ul>
  );
}
