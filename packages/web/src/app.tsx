// The shell: skip link, header with navigation and language picker, the routed page, footer.
import { useEffect, useState, type ReactNode } from 'react';
import { hasSavedLocale, LOCALE_NAMES, LOCALES, useI18n, type Locale } from './i18n';
import { api } from './api/client';
import { Link, match, navigate, useLocation } from './router';
import { useSession } from './session';
import { FormError, Loading, PageTitle } from './components/ui';
import { HomePage } from './pages/home';
import { SignInPage, SignUpPage } from './pages/auth';
import {
  ConfirmEmailPage,
  ForgotPasswordPage,
  OutboxPage,
  ResetPasswordPage,
  SettingsPage,
  UnsubscribePage,
} from './pages/account';
import { InvitationPage } from './pages/invitation';
import { NewCommonsPage } from './pages/new-commons';
import { CommonsShell } from './pages/commons-shell';
import { CommonsOverview } from './pages/commons-overview';
import { ProposalsPage } from './pages/proposals';
import { NewProposalPage } from './pages/new-proposal';
import { ProposalPage } from './pages/proposal';
import { ConstitutionPage } from './pages/constitution';
import { DelegationsPage } from './pages/delegations';
import { LogPage } from './pages/log';
import { asyncHandler } from './components/async-handler';
import { NotificationBell } from './components/notification-bell';
import { NotificationsPage } from './pages/notifications';

function Routes(): ReactNode {
  const { path } = useLocation();
  if (path === '/') return <HomePage />;
  if (path === '/signup') return <SignUpPage />;
  if (path === '/signin') return <SignInPage />;
  if (path === '/commons/new') return <NewCommonsPage />;
  if (path === '/forgot-password') return <ForgotPasswordPage />;
  if (path === '/reset-password') return <ResetPasswordPage />;
  if (path === '/confirm-email') return <ConfirmEmailPage />;
  if (path === '/unsubscribe') return <UnsubscribePage />;
  if (path === '/settings') return <SettingsPage />;
  if (path === '/notifications') return <NotificationsPage />;
  if (path === '/invitation') return <InvitationPage />;
  if (path === '/admin/outbox') return <OutboxPage />;
  const overview = match('/c/:id', path);
  if (overview)
    return (
      <CommonsShell id={overview.id} tab="overview">
        {(c) => <CommonsOverview {...c} />}
      </CommonsShell>
    );
  const proposals = match('/c/:id/proposals', path);
  if (proposals)
    return (
      <CommonsShell id={proposals.id} tab="proposals">
        {(c) => <ProposalsPage {...c} />}
      </CommonsShell>
    );
  const newProposal = match('/c/:id/proposals/new', path);
  if (newProposal)
    return (
      <CommonsShell id={newProposal.id} tab="proposals">
        {(c) => <NewProposalPage {...c} />}
      </CommonsShell>
    );
  const proposal = match('/c/:id/proposals/:pid', path);
  if (proposal) {
    const pid = proposal.pid;
    return (
      <CommonsShell id={proposal.id} tab="proposals">
        {(c) => <ProposalPage {...c} pid={pid} />}
      </CommonsShell>
    );
  }
  const constitution = match('/c/:id/constitution', path);
  if (constitution)
    return (
      <CommonsShell id={constitution.id} tab="constitution">
        {(c) => <ConstitutionPage {...c} />}
      </CommonsShell>
    );
  const delegations = match('/c/:id/delegations', path);
  if (delegations)
    return (
      <CommonsShell id={delegations.id} tab="delegations">
        {(c) => <DelegationsPage {...c} />}
      </CommonsShell>
    );
  const log = match('/c/:id/log', path);
  if (log)
    return (
      <CommonsShell id={log.id} tab="log">
        {(c) => <LogPage {...c} />}
      </CommonsShell>
    );
  return <NotFound />;
}

function NotFound() {
  const { t } = useI18n();
  return (
    <section className="narrow">
      <PageTitle title={t('notFound.title')}>{t('notFound.title')}</PageTitle>
      <p>{t('notFound.text')}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}

function LanguagePicker() {
  const { t, locale, setLocale } = useI18n();
  const session = useSession();
  const choose = (l: Locale) => {
    setLocale(l);
    // Signed in, the choice is the account's too: its mails are written in it. A failure changes only the mails.
    if (session.account) api.patch('/api/v1/account', { locale: l }).then(session.updated, () => undefined);
  };
  return (
    <div className="language">
      <label htmlFor="language-picker">{t('nav.language')}</label>
      <select id="language-picker" value={locale} onChange={(e) => choose(e.target.value as Locale)}>
        {(Object.keys(LOCALES) as Locale[]).map((l) => (
          <option key={l} value={l} lang={l}>
            {LOCALE_NAMES[l]}
          </option>
        ))}
      </select>
    </div>
  );
}

export function App() {
  const { t, setLocale } = useI18n();
  const session = useSession();
  // The language a person chose follows them to a browser where they chose none yet.
  const chosen = session.account?.locale;
  useEffect(() => {
    if (chosen && chosen in LOCALES && !hasSavedLocale()) setLocale(chosen as Locale);
  }, [chosen, setLocale]);
  const [signOutError, setSignOutError] = useState<unknown>(null);
  const signOut = async () => {
    try {
      await session.signOut();
      setSignOutError(null);
      navigate('/');
    } catch (err) {
      setSignOutError(err);
    }
  };
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <header className="site-header">
        <div className="container header-inner">
          <Link to="/" className="brand">
            <span className="brand-mark" aria-hidden="true" />
            peergov
          </Link>
          <nav aria-label={t('nav.label')} className="site-nav">
            <ul>
              <li>
                <Link to="/">{t('nav.commons')}</Link>
              </li>
              {session.account ? (
                <>
                  <li>
                    <NotificationBell />
                  </li>
                  <li className="nav-me">
                    <Link to="/settings" className="me-link">
                      <span className="visually-hidden">{t('nav.signedInAs')} </span>
                      <span className="me-name">{session.account.displayName}</span>
                    </Link>
                  </li>
                  <li>
                    <button type="button" className="link-button" onClick={asyncHandler(signOut)}>
                      {t('nav.signOut')}
                    </button>
                  </li>
                </>
              ) : (
                session.loaded && (
                  <>
                    <li>
                      <Link to="/signin">{t('nav.signIn')}</Link>
                    </li>
                    <li>
                      <Link to="/signup" className="nav-cta">
                        {t('nav.signUp')}
                      </Link>
                    </li>
                  </>
                )
              )}
            </ul>
          </nav>
          <LanguagePicker />
        </div>
      </header>
      <main id="main" tabIndex={-1} className="container">
        <FormError error={signOutError} />
        {session.loaded ? <Routes /> : <Loading />}
      </main>
      <footer className="site-footer">
        <div className="container">
          <p>{t('footer.text')}</p>
          <p>
            <a href="/api/docs">{t('footer.api')}</a>
          </p>
        </div>
      </footer>
    </>
  );
}
