import { useState } from 'react';
import { api } from '../api/client';
import type { CommonsSummary } from '../api/types';
import { LoadError, Loading, PageTitle } from '../components/ui';
import { useResource } from '../components/use-resource';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { SignUpForm } from './auth';
import { asyncHandler } from '../components/async-handler';

/** Steps of the first-run guide, with the current one marked. */
export function Steps({ current }: { current: 1 | 2 | 3 }) {
  const { t } = useI18n();
  const steps = [t('firstRun.step1'), t('firstRun.step2'), t('firstRun.step3')];
  return (
    <ol className="steps" aria-label={t('firstRun.stepsLabel')}>
      {steps.map((s, i) => (
        <li
          key={s}
          className={i + 1 === current ? 'current' : i + 1 < current ? 'done' : ''}
          aria-current={i + 1 === current ? 'step' : undefined}
        >
          <span className="step-number" aria-hidden="true">
            {i + 1}
          </span>
          {s}
          {i + 1 < current && <span className="visually-hidden"> ({t('firstRun.done')})</span>}
        </li>
      ))}
    </ol>
  );
}

function FirstRun() {
  const { t } = useI18n();
  return (
    <section className="narrow">
      <PageTitle title={t('firstRun.title')}>{t('firstRun.title')}</PageTitle>
      <p className="lead">{t('firstRun.intro')}</p>
      <Steps current={1} />
      <div className="card">
        <h2>{t('firstRun.accountHeading')}</h2>
        <p>{t('firstRun.accountText')}</p>
        <SignUpForm
          onDone={() => navigate('/commons/new?first=1')}
          submitLabel={t('firstRun.accountSubmit')}
        />
      </div>
    </section>
  );
}

// The commons the reader belongs to come first within each page (the directory comes a page at a time).
const rank = (c: CommonsSummary) => (c.myStatus === 'member' ? 0 : c.myStatus === 'applicant' ? 1 : 2);
const membersFirst = (page: readonly CommonsSummary[]) => [...page].sort((a, b) => rank(a) - rank(b));

function CommonsList() {
  const { t } = useI18n();
  const first = useResource('/api/v1/commons');
  // The pages after the first, fetched by following each page's `next`.
  const [more, setMore] = useState<{ items: CommonsSummary[]; next: string | null } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  if (first.error) return <LoadError error={first.error} retry={asyncHandler(first.reload)} />;
  if (!first.data) return <Loading />;
  if (first.data.items.length === 0) return <p className="muted">{t('home.noCommons')}</p>;
  const next = more ? more.next : first.data.next;
  const loadMore = async () => {
    if (next === null) return;
    setLoadingMore(true);
    try {
      const page = await api.get(`/api/v1/commons?after=${encodeURIComponent(next)}`);
      setMore({ items: [...(more?.items ?? []), ...membersFirst(page.items)], next: page.next });
      setMoreError(null);
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };
  const shown = [...membersFirst(first.data.items), ...(more?.items ?? [])];
  return (
    <>
      <CommonsCards list={shown} />
      {moreError !== null && <LoadError error={moreError} retry={asyncHandler(loadMore)} />}
      {next !== null && (
        <button
          type="button"
          className="button secondary"
          disabled={loadingMore}
          onClick={asyncHandler(loadMore)}
        >
          {t('home.more')}
        </button>
      )}
    </>
  );
}

function CommonsCards({ list }: { list: readonly CommonsSummary[] }) {
  const { t, day } = useI18n();
  return (
    <ul className="card-list">
      {list.map((c) => (
        <li key={c.id} className="card commons-card">
          <h3>
            <Link to={`/c/${c.id}`}>{c.name}</Link>
          </h3>
          {c.myStatus === 'member' && <span className="badge badge-member">{t('commons.youAreMember')}</span>}
          {c.myStatus === 'applicant' && <span className="badge badge-open">{t('commons.youApplied')}</span>}
          {c.purpose && <p>{c.purpose}</p>}
          <p className="meta">
            {t('home.members', { count: c.memberCount })} ·{' '}
            {t('home.openProposals', { count: c.openProposals })} ·{' '}
            {t('home.since', { date: day(c.createdAt) })}
          </p>
        </li>
      ))}
    </ul>
  );
}

export function HomePage() {
  const { t } = useI18n();
  const session = useSession();
  if (session.setup?.accounts === 0 && !session.account) return <FirstRun />;
  const noCommons = session.setup?.commons === 0;
  return (
    <>
      <section className="hero">
        <PageTitle title={t('home.title')}>{t('home.title')}</PageTitle>
        <p className="lead">{t('home.intro')}</p>
        {!session.account ? (
          <p className="actions">
            <Link to="/signup" className="button primary">
              {t('nav.signUp')}
            </Link>
            <Link to="/signin" className="button secondary">
              {t('nav.signIn')}
            </Link>
          </p>
        ) : (
          <p className="actions">
            <Link to="/commons/new" className="button primary">
              {t('home.create')}
            </Link>
          </p>
        )}
      </section>
      {session.account && noCommons && (
        <div className="alert alert-info">
          <h2>{t('home.firstCommonsHeading')}</h2>
          <p>{t('home.firstCommonsText')}</p>
        </div>
      )}
      <section aria-labelledby="directory-heading">
        <h2 id="directory-heading">{t('home.directory')}</h2>
        <CommonsList />
      </section>
    </>
  );
}
