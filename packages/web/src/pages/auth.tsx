import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import type { Account } from '../api/types';
import { Field, FormError, PageTitle } from '../components/ui';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { asyncHandler } from '../components/async-handler';

type Result = { account: Account; csrfToken: string };

/** Only same-app paths are followed after signing in. */
function safeNext(next: string | null, fallback: string): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : fallback;
}

/** The sign-up form; `onDone` decides where to go next. */
export function SignUpForm({
  onDone,
  submitLabel,
  initialEmail = '',
}: {
  onDone: () => void;
  submitLabel?: string;
  initialEmail?: string;
}) {
  const { t, locale } = useI18n();
  const session = useSession();
  const [displayName, setDisplayName] = useState('');
  const [email, setEmail] = useState(initialEmail);
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!displayName.trim()) errs.displayName = t('signup.nameRequired');
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errs.email = t('signup.emailInvalid');
    if (password.length < 8) errs.password = t('signup.passwordShort', { count: 8 });
    setErrors(errs);
    if (Object.keys(errs).length > 0) {
      setError(null);
      return;
    }
    setBusy(true);
    try {
      // Sign-up answers the same whether or not the email already had an account (so that no one can find out who
      // has one) and opens no session: signing in with the same email and password comes next.
      await api.post('/api/v1/auth/signup', {
        displayName: displayName.trim(),
        email: email.trim(),
        password,
        // Mails (a reset, an invitation's answer) are then written in the language the person signed up in.
        locale,
      });
      let res: Result;
      try {
        res = await api.post('/api/v1/auth/signin', { email: email.trim(), password });
      } catch (err) {
        // The email had an account with another password.
        if (err instanceof ApiError && err.code === 'invalid_credentials')
          throw new ApiError(401, 'signup_signin_failed', t('signup.signInFailed'));
        throw err;
      }
      session.signedIn(res);
      onDone();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={asyncHandler(submit)} noValidate className="stack">
      <FormError error={error} />
      {Object.keys(errors).length > 0 && (
        <div className="alert alert-error" role="alert">
          {t('form.fixErrors', { count: Object.keys(errors).length })}
        </div>
      )}
      <Field label={t('signup.displayName')} hint={t('signup.displayNameHint')} error={errors.displayName}>
        {(p) => (
          <input
            {...p}
            type="text"
            autoComplete="name"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('auth.email')} error={errors.email}>
        {(p) => (
          <input
            {...p}
            type="email"
            autoComplete="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('auth.password')} hint={t('signup.passwordHint', { count: 8 })} error={errors.password}>
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
          {busy ? t('common.working') : (submitLabel ?? t('signup.submit'))}
        </button>
      </div>
    </form>
  );
}

export function SignUpPage() {
  const { t } = useI18n();
  const { search } = useLocation();
  const next = safeNext(search.get('next'), '/');
  return (
    <section className="narrow card">
      <PageTitle title={t('signup.title')}>{t('signup.title')}</PageTitle>
      <p className="lead">{t('signup.intro')}</p>
      <SignUpForm onDone={() => navigate(next)} />
      <p className="muted">
        {t('signup.haveAccount')}{' '}
        <Link to={`/signin${search.get('next') ? `?next=${encodeURIComponent(next)}` : ''}`}>
          {t('nav.signIn')}
        </Link>
      </p>
    </section>
  );
}

export function SignInPage() {
  const { t } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const next = safeNext(search.get('next'), '/');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    try {
      const res = await api.post('/api/v1/auth/signin', { email: email.trim(), password });
      session.signedIn(res);
      navigate(next);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="narrow card">
      <PageTitle title={t('signin.title')}>{t('signin.title')}</PageTitle>
      <form onSubmit={asyncHandler(submit)} className="stack">
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
        <Field label={t('auth.password')}>
          {(p) => (
            <input
              {...p}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.working') : t('signin.submit')}
          </button>
        </div>
      </form>
      <p className="muted">
        <Link to="/forgot-password">{t('signin.forgot')}</Link>
      </p>
      <p className="muted">
        {t('signin.noAccount')} <Link to="/signup">{t('nav.signUp')}</Link>
      </p>
    </section>
  );
}
