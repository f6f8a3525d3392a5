// Invitations: the form by which a member invites someone (by e-mail, or a link to share), and the page an
// invitation's link opens, where a person without an account signs up and applies in one go.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Commons, InvitationPreview, InvitationView } from '../api/types';
import { asyncHandler } from '../components/async-handler';
import { useSubmission } from '../components/submission';
import { Field, FormError, LoadError, Loading, Notice, PageTitle } from '../components/ui';
import { useI18n } from '../i18n';
import { Link, navigate } from '../router';
import { useSession } from '../session';
import { SignUpForm } from './auth';

/** For those the constitution lets invite: by e-mail, or a link to pass on. */
export function InviteForm({ commons }: { commons: Commons }) {
  const { t, locale, day } = useI18n();
  const [invitations, setInvitations] = useState<InvitationView[]>([]);
  const [made, setMade] = useState(0);
  useEffect(() => {
    let cancelled = false;
    // The list is a help, not the form's purpose: a failure to load it leaves it empty.
    api.get(`/api/v1/commons/${commons.id}/invitations?limit=20`).then(
      (list) => !cancelled && setInvitations(list),
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [commons.id, made]);
  const [email, setEmail] = useState('');
  const { busy, run } = useSubmission();
  const [error, setError] = useState<unknown>(null);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [link, setLink] = useState<string | null>(null);
  const invite = async (byEmail: boolean) => {
    setError(null);
    try {
      await run(async (idempotencyKey) => {
        const made = await api.post(
          `/api/v1/commons/${commons.id}/invitations`,
          { ...(byEmail ? { email: email.trim() } : {}), locale },
          { idempotencyKey },
        );
        if (byEmail) {
          setSentTo(email.trim());
          setEmail('');
        } else setLink(made.url);
        setMade((n) => n + 1);
      });
    } catch (err) {
      setError(err);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    return invite(true);
  };
  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading">{t('invite.title')}</h2>
      <p className="muted">{t('invite.intro')}</p>
      <form onSubmit={asyncHandler(submit)} className="stack">
        <FormError error={error} />
        {sentTo && (
          <Notice kind="success">
            <span role="status">{t('invite.sent', { email: sentTo })}</span>
          </Notice>
        )}
        <Field label={t('invite.email')}>
          {(p) => (
            <input
              {...p}
              type="email"
              autoComplete="off"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            {t('invite.send')}
          </button>
          <button
            type="button"
            className="button secondary"
            disabled={busy}
            onClick={asyncHandler(() => invite(false))}
          >
            {t('invite.makeLink')}
          </button>
        </div>
        {link && (
          <Field label={t('invite.link')} hint={t('invite.linkHint')}>
            {(p) => <input {...p} type="text" readOnly value={link} onFocus={(e) => e.target.select()} />}
          </Field>
        )}
      </form>
      {invitations.length > 0 && (
        <>
          <h3>{t('invite.recent')}</h3>
          <ul className="plain invitations">
            {invitations.map((i) => (
              <li key={i.id}>
                {i.email ?? t('invite.aLink')} ·{' '}
                {i.acceptedAt
                  ? t('invite.accepted', { date: day(i.acceptedAt) })
                  : t('invite.until', { date: day(i.expiresAt) })}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

const INVITATION_KEY = 'peergov.invitation';

export function InvitationPage() {
  const { t, day } = useI18n();
  const session = useSession();
  // The secret is in the fragment (never sent to the server in an address); kept for this tab, so that it survives
  // a detour through the sign-in page.
  const [token] = useState(() => {
    const fromLink = new URLSearchParams(window.location.hash.slice(1)).get('token');
    try {
      if (fromLink) window.sessionStorage.setItem(INVITATION_KEY, fromLink);
      return fromLink ?? window.sessionStorage.getItem(INVITATION_KEY) ?? '';
    } catch {
      return fromLink ?? '';
    }
  });
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [loadError, setLoadError] = useState<unknown>(null);
  const [error, setError] = useState<unknown>(null);
  const [statement, setStatement] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (window.location.hash)
      window.history.replaceState(null, '', window.location.pathname + window.location.search);
    if (!token) return;
    let cancelled = false;
    api.post('/api/v1/invitations/lookup', { token }).then(
      (p) => !cancelled && setPreview(p),
      (e: unknown) => !cancelled && setLoadError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [token]);

  const accept = async (e?: FormEvent) => {
    e?.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const done = await api.post('/api/v1/invitations/accept', {
        token,
        ...(statement.trim() ? { statement: statement.trim() } : {}),
      });
      navigate(`/c/${done.commonsId}/proposals/${done.proposalId}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (!token)
    return (
      <section className="narrow card">
        <PageTitle title={t('invitation.title')}>{t('invitation.title')}</PageTitle>
        <p>{t('invitation.noToken')}</p>
      </section>
    );
  if (loadError) return <LoadError error={loadError} />;
  if (!preview) return <Loading />;
  const c = preview.commons;
  return (
    <section className="narrow card">
      <PageTitle title={t('invitation.heading', { commons: c.name })}>
        {t('invitation.heading', { commons: c.name })}
      </PageTitle>
      <p className="lead">
        {preview.inviter
          ? t('invitation.from', { inviter: preview.inviter, commons: c.name })
          : t('invitation.fromNobody', { commons: c.name })}
      </p>
      {c.purpose && <p className="purpose">{c.purpose}</p>}
      <p className="muted">{t('invitation.how')}</p>
      {preview.status !== 'open' ? (
        <Notice kind="warning">
          {preview.status === 'used' ? t('invitation.used') : t('invitation.expired')}
        </Notice>
      ) : !session.account ? (
        <>
          <h2>{t('invitation.signUp')}</h2>
          <SignUpForm
            initialEmail={preview.email ?? ''}
            submitLabel={t('invitation.signUpAndApply')}
            onDone={() => void accept()}
          />
          <FormError error={error} />
          <p className="muted">
            {t('signup.haveAccount')}{' '}
            <Link to={`/signin?next=${encodeURIComponent('/invitation')}`}>{t('nav.signIn')}</Link>
          </p>
          <p className="muted">{t('invitation.expires', { date: day(preview.expiresAt) })}</p>
        </>
      ) : (
        <form onSubmit={asyncHandler(accept)} className="stack">
          <FormError error={error} />
          <Field label={t('apply.statement')}>
            {(p) => (
              <textarea {...p} rows={3} value={statement} onChange={(e) => setStatement(e.target.value)} />
            )}
          </Field>
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? t('common.working') : t('invitation.apply')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
