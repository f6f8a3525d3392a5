// Who may still take a position on an open proposal and has not yet: shown to members only (the API refuses
// others), loaded again whenever the proposal's positions change.
import type { Commons, Proposal } from '../api/types';
import { useI18n } from '../i18n';
import { asyncHandler } from './async-handler';
import { FormError } from './ui';
import { usePages } from './use-pages';
import { useResource } from './use-resource';

export function Waiting({ proposal, commons }: { proposal: Proposal; commons: Commons }) {
  const { t } = useI18n();
  const show = proposal.status === 'open' && commons.me?.status === 'member';
  const base = `/api/v1/commons/${commons.id}/proposals/${encodeURIComponent(proposal.id)}/waiting` as const;
  // A new position (here or live) changes the count, which asks again.
  const first = useResource(show ? `${base}?limit=20` : null, proposal.positions.total);
  const pages = usePages(first.data, `${base}?limit=50`, (m) => m.accountId);
  if (!show || !first.data) return null;
  return (
    <section aria-labelledby="waiting-heading" className="waiting">
      <h2 id="waiting-heading">{t('waiting.heading', { count: first.data.total })}</h2>
      {first.data.total === 0 ? (
        <p className="muted">{t('waiting.none')}</p>
      ) : (
        <>
          <p className="hint">{t('waiting.hint')}</p>
          <ul className="inline-list">
            {pages.items.map((m) => (
              <li key={m.accountId}>{m.displayName}</li>
            ))}
          </ul>
        </>
      )}
      <FormError error={pages.error} />
      {pages.hasMore && (
        <button type="button" className="link-button" onClick={asyncHandler(pages.loadMore)}>
          {t('common.more')}
        </button>
      )}
    </section>
  );
}
