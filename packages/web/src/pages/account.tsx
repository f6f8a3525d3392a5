// A person's own account: forgotten password (request and reset through the mailed link), settings (name,
// language, e-mail address, password, sign out everywhere), the confirmation of a new address, unsubscribing an
// address, and the instance administrator's outbox.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Outbox } from '../api/types';
import { asyncHandler } from '../components/async-handler';
import { LIMITS } from '@peergov/kernel/limits';
import { Field, FormError, LoadError, Loading, Notice, PageTitle, tooLong } from '../components/ui';
import { LOCALE_NAMES, LOCALES, useI18n, type Locale } from '../i18n';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { NotificationSettingsSection } from './notifications';

/**
 * The parameters in the page's fragment (`#token=...`): links in mails carry their secrets there, so that they
 * reach neither the server's logs nor a Referer. Read once, then taken off the address bar.
 */
function useFragment(): URLSearchParams {
  const [params] = useState(() => new URLSearchParams(window.location.hash.slice(1)));
  useEffect(() => {
    if (window.location.hash)
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);
  return params;
}

/** Runs a form's submission with busy and error state. */
function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, submit: asyncHandler(submit) };
}

export function ForgotPasswordPage() {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    await api.post('/api/v1/auth/password-reset', { email: email.trim() });
    setSent(true);
  });
  return (
    <section className="narrow card">
      <PageTitle title={t('forgot.title')}>{t('forgot.title')}</PageTitle>
      {sent ? (
        <Notice kind="success">
          <p role="status">{t('forgot.sent')}</p>
        </Notice>
      ) : (
        <form onSubmit={submit} className="stack">
          <p className="lead">{t('forgot.intro')}</p>
          <FormError error={error} />
          <Field label={t('auth.email')}>
            {(p) => (
              <input
                {...p}
                type="email"
                autoComplete="email"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? t('common.working') : t('forgot.submit')}
            </button>
          </div>
        </form>
      )}
      <p className="muted">
        <Link to="/signin">{t('nav.signIn')}</Link>
      </p>
    </section>
  );
}

export function ResetPasswordPage() {
  const { t } = useI18n();
  const session = useSession();
  const token = useFragment().get('token') ?? '';
  const [password, setPassword] = useState('');
  const [short, setShort] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    if (password.length < 8) {
      setShort(true);
      return;
    }
    setShort(false);
    session.signedIn(await api.post('/api/v1/auth/password-reset/confirm', { token, password }));
    navigate('/');
  });
  return (
    <section className="narrow card">
      <PageTitle title={t('reset.title')}>{t('reset.title')}</PageTitle>
      {!token ? (
        <p>
          {t('reset.noToken')} <Link to="/forgot-password">{t('reset.askAgain')}</Link>
        </p>
      ) : (
        <form onSubmit={submit} className="stack" noValidate>
          <FormError error={error} />
          <Field
            label={t('reset.password')}
            hint={t('signup.passwordHint', { count: 8 })}
            error={short ? t('signup.passwordShort', { count: 8 }) : null}
          >
            {(p) => (
              <input
                {...p}
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? t('common.working') : t('reset.submit')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

export function ConfirmEmailPage() {
  const { t } = useI18n();
  const token = useFragment().get('token') ?? '';
  const [email, setEmail] = useState<string | null>(null);
  const { busy, error, submit } = useSubmit(async () => {
    setEmail((await api.post('/api/v1/account/email/confirm', { token })).email);
  });
  return (
    <section className="narrow card">
      <PageTitle title={t('confirmEmail.title')}>{t('confirmEmail.title')}</PageTitle>
      <FormError error={error} />
      {email ? (
        <Notice kind="success">
          <p role="status">{t('confirmEmail.done', { email })}</p>
        </Notice>
      ) : (
        <div className="actions">
          <button type="button" className="button primary" disabled={busy || !token} onClick={() => submit()}>
            {busy ? t('common.working') : t('confirmEmail.submit')}
          </button>
        </div>
      )}
    </section>
  );
}

export function UnsubscribePage() {
  const { t } = useI18n();
  const fragment = useFragment();
  const email = fragment.get('email') ?? '';
  const token = fragment.get('token') ?? '';
  // A notification mail's link names an account and a kind (or `digest`) instead of an address.
  const account = fragment.get('account') ?? '';
  const kind = fragment.get('kind') ?? '';
  const [done, setDone] = useState(false);
  const { busy, error, submit } = useSubmit(async () => {
    if (account) {
      const q = `account=${encodeURIComponent(account)}&kind=${encodeURIComponent(kind)}&token=${encodeURIComponent(token)}`;
      await api.post(`/api/v1/notifications/unsubscribe?${q}`);
    } else {
      const q = `email=${encodeURIComponent(email)}&token=${encodeURIComponent(token)}`;
      await api.post(`/api/v1/mail/unsubscribe?${q}`);
    }
    setDone(true);
  });
  if (account)
    return (
      <section className="narrow card">
        <PageTitle title={t('unsubscribe.notificationsTitle')}>
          {t('unsubscribe.notificationsTitle')}
        </PageTitle>
        <FormError error={error} />
        {done ? (
          <Notice kind="success">
            <p role="status">{t('unsubscribe.notificationsDone')}</p>
          </Notice>
        ) : (
          <>
            <p>{kind === 'digest' ? t('unsubscribe.digestIntro') : t('unsubscribe.notificationsIntro')}</p>
            <div className="actions">
              <button
                type="button"
                className="button primary"
                disabled={busy || !kind || !token}
                onClick={() => submit()}
              >
                {busy ? t('common.working') : t('unsubscribe.submit')}
              </button>
            </div>
          </>
        )}
      </section>
    );
  return (
    <section className="narrow card">
      <PageTitle title={t('unsubscribe.title')}>{t('unsubscribe.title')}</PageTitle>
      <FormError error={error} />
      {done ? (
        <Notice kind="success">
          <p role="status">{t('unsubscribe.done', { email })}</p>
        </Notice>
      ) : (
        <>
          <p>{t('unsubscribe.intro', { email })}</p>
          <div className="actions">
            <button
              type="button"
              className="button primary"
              disabled={busy || !email || !token}
              onClick={() => submit()}
            >
              {busy ? t('common.working') : t('unsubscribe.submit')}
            </button>
          </div>
        </>
      )}
    </section>
  );
}

export function SettingsPage() {
  const { t, locale, setLocale } = useI18n();
  const session = useSession();
  const account = session.account;
  const [displayName, setDisplayName] = useState(account?.displayName ?? '');
  const [language, setLanguage] = useState<Locale>((account?.locale as Locale | null) ?? locale);
  const [profileSaved, setProfileSaved] = useState(false);
  const profile = useSubmit(async () => {
    // Over its limit the field says so; nothing is sent, nothing cut.
    if (tooLong(displayName, LIMITS.displayName)) return;
    const updated = await api.patch('/api/v1/account', { displayName: displayName.trim(), locale: language });
    session.updated(updated);
    setLocale(language);
    setProfileSaved(true);
  });

  const [newEmail, setNewEmail] = useState('');
  const [emailPassword, setEmailPassword] = useState('');
  const [emailSent, setEmailSent] = useState(false);
  const email = useSubmit(async () => {
    await api.post('/api/v1/account/email', { email: newEmail.trim(), password: emailPassword });
    setEmailSent(true);
    setEmailPassword('');
  });

  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [passwordSaved, setPasswordSaved] = useState(false);
  const password = useSubmit(async () => {
    await api.post('/api/v1/account/password', { currentPassword: current, newPassword: next });
    setCurrent('');
    setNext('');
    setPasswordSaved(true);
  });

  const everywhere = useSubmit(async () => {
    await session.signOutEverywhere();
    navigate('/signin');
  });

  if (!account)
    return (
      <section className="narrow card">
        <PageTitle title={t('settings.title')}>{t('settings.title')}</PageTitle>
        <p>
          {t('auth.required')} <Link to="/signin?next=/settings">{t('nav.signIn')}</Link>
        </p>
      </section>
    );
  return (
    <section className="narrow">
      <PageTitle title={t('settings.title')}>{t('settings.title')}</PageTitle>

      <form className="card stack" onSubmit={profile.submit} aria-labelledby="profile-heading">
        <h2 id="profile-heading">{t('settings.profile')}</h2>
        <FormError error={profile.error} />
        {profileSaved && (
          <Notice kind="success">
            <span role="status">{t('settings.saved')}</span>
          </Notice>
        )}
        <Field
          label={t('signup.displayName')}
          hint={t('settings.nameHint')}
          limit={{ value: displayName, max: LIMITS.displayName }}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              autoComplete="name"
              required
              value={displayName}
              onChange={(e) => setDisplayName(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('settings.language')} hint={t('settings.languageHint')}>
          {(p) => (
            <select {...p} value={language} onChange={(e) => setLanguage(e.target.value as Locale)}>
              {(Object.keys(LOCALES) as Locale[]).map((l) => (
                <option key={l} value={l} lang={l}>
                  {LOCALE_NAMES[l]}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button primary" disabled={profile.busy}>
            {profile.busy ? t('common.working') : t('settings.saveProfile')}
          </button>
        </div>
      </form>

      <form className="card stack" onSubmit={email.submit} aria-labelledby="email-heading">
        <h2 id="email-heading">{t('settings.email')}</h2>
        <p>{t('settings.emailNow', { email: account.email })}</p>
        <FormError error={email.error} />
        {emailSent && (
          <Notice kind="success">
            <span role="status">{t('settings.emailSent', { email: newEmail.trim() })}</span>
          </Notice>
        )}
        <Field label={t('settings.newEmail')}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="email"
              required
              value={newEmail}
              onChange={(e) => setNewEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('settings.currentPassword')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              required
              value={emailPassword}
              onChange={(e) => setEmailPassword(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button secondary" disabled={email.busy}>
            {email.busy ? t('common.working') : t('settings.changeEmail')}
          </button>
        </div>
      </form>

      <form className="card stack" onSubmit={password.submit} aria-labelledby="password-heading">
        <h2 id="password-heading">{t('settings.password')}</h2>
        <FormError error={password.error} />
        {passwordSaved && (
          <Notice kind="success">
            <span role="status">{t('settings.passwordSaved')}</span>
          </Notice>
        )}
        <Field label={t('settings.currentPassword')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              required
              value={current}
              onChange={(e) => setCurrent(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('settings.newPassword')} hint={t('signup.passwordHint', { count: 8 })}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              value={next}
              onChange={(e) => setNext(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button secondary" disabled={password.busy}>
            {password.busy ? t('common.working') : t('settings.changePassword')}
          </button>
        </div>
      </form>

      <NotificationSettingsSection />

      <section className="card stack" aria-labelledby="sessions-heading">
        <h2 id="sessions-heading">{t('settings.sessions')}</h2>
        <p>{t('settings.sessionsText')}</p>
        <FormError error={everywhere.error} />
        <div className="actions">
          <button
            type="button"
            className="button secondary"
            disabled={everywhere.busy}
            onClick={() => everywhere.submit()}
          >
            {t('settings.signOutEverywhere')}
          </button>
        </div>
      </section>

      {account.instanceAdmin && (
        <p>
          <Link to="/admin/outbox">{t('outbox.title')}</Link>
        </p>
      )}
    </section>
  );
}

export function OutboxPage() {
  const { t, date } = useI18n();
  const [outbox, setOutbox] = useState<Outbox | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let cancelled = false;
    api.get('/api/v1/admin/outbox').then(
      (o) => !cancelled && setOutbox(o),
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [attempt]);
  return (
    <section>
      <PageTitle title={t('outbox.title')}>{t('outbox.title')}</PageTitle>
      {error ? (
        <LoadError
          error={error}
          retry={() => {
            setError(null);
            setAttempt((a) => a + 1);
          }}
        />
      ) : !outbox ? (
        <Loading />
      ) : (
        <>
          <p className="lead">{outbox.via === 'smtp' ? t('outbox.viaSmtp') : t('outbox.intro')}</p>
          {outbox.items.length === 0 ? (
            <p>{t('outbox.empty')}</p>
          ) : (
            <ol className="plain outbox">
              {outbox.items.map((m) => (
                <li key={m.id} className="card">
                  <h2 className="outbox-subject">{m.subject}</h2>
                  <p className="muted">
                    {t('outbox.to', { to: m.to })} · <time dateTime={m.createdAt}>{date(m.createdAt)}</time>
                  </p>
                  <pre className="outbox-text">{m.text}</pre>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
