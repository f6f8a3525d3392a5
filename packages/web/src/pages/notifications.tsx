// The signed-in person's notifications (newest first, paged, read or not, loaded again when the bell's count
// changes) and the settings section of the settings page (how each kind comes: off, in the app, e-mail at once,
// daily digest).
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { NotificationSettingsView, NotificationView } from '../api/types';
import { asyncHandler } from '../components/async-handler';
import { setUnread, useUnread } from '../components/notification-bell';
import { FormError, LoadError, Loading, Notice, PageTitle } from '../components/ui';
import { useI18n, type MessageKey, type Translate } from '../i18n';
import { Link, navigate } from '../router';
import { useSession } from '../session';

type Kind = NotificationView['kind'];
type Delivery = NotificationSettingsView['settings'][Kind];
const KINDS: Kind[] = [
  'proposal_opened',
  'position_on_your_proposal',
  'comment_on_your_proposal',
  'reply_to_your_comment',
  'mention',
  'decision',
  'role_assigned',
  'reminder',
  'review_opened',
];
const DELIVERIES: Delivery[] = ['off', 'in_app', 'email', 'digest'];

/** One notification in one sentence of the reader's language. */
export function describeNotification(
  t: Translate,
  n: NotificationView,
  date: (iso: string) => string,
): string {
  const d = n.data;
  const params = {
    actor: d.actorName ?? t('notifications.someone'),
    title: d.proposalTitle ?? '',
    commons: d.commonsName,
    role: d.roleName ?? '',
    closes: d.closesAt ? date(d.closesAt) : '',
  };
  const key: MessageKey =
    n.kind === 'decision'
      ? `notifications.kind.decision.${d.outcome ?? 'rejected'}`
      : n.kind === 'review_opened' && d.proposalTitle === undefined
        ? 'notifications.kind.review_opened.rule'
        : `notifications.kind.${n.kind}`;
  return t(key, params);
}

const linkOf = (n: NotificationView) =>
  n.kind === 'review_opened'
    ? `/c/${encodeURIComponent(n.commonsId)}/constitution`
    : n.proposalId
      ? `/c/${encodeURIComponent(n.commonsId)}/proposals/${encodeURIComponent(n.proposalId)}`
      : `/c/${encodeURIComponent(n.commonsId)}`;

export function NotificationsPage() {
  const { t, date } = useI18n();
  const session = useSession();
  const live = useUnread();
  const [items, setItems] = useState<NotificationView[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [unread, setUnreadHere] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const signedIn = session.account !== null;

  // The first page, again whenever the live count changes (a new notification, or one read elsewhere).
  useEffect(() => {
    if (!signedIn) return;
    let cancelled = false;
    api.get('/api/v1/notifications?limit=20').then(
      (page) => {
        if (cancelled) return;
        setItems(page.items);
        setNext(page.next);
        setUnreadHere(page.unread);
        setUnread(page.unread);
      },
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [signedIn, live, attempt]);

  const more = async () => {
    if (!next) return;
    try {
      const page = await api.get(`/api/v1/notifications?limit=20&before=${encodeURIComponent(next)}`);
      setItems((old) => [...(old ?? []), ...page.items]);
      setNext(page.next);
    } catch (e) {
      setActionError(e);
    }
  };
  const markRead = async (n: NotificationView) => {
    try {
      const read = await api.post(`/api/v1/notifications/${encodeURIComponent(n.id)}/read`);
      setItems((old) => old?.map((x) => (x.id === n.id ? read : x)) ?? null);
      setUnreadHere((u) => Math.max(0, u - (n.readAt ? 0 : 1)));
    } catch (e) {
      setActionError(e);
    }
  };
  const open = async (n: NotificationView) => {
    if (!n.readAt) await markRead(n);
    navigate(linkOf(n));
  };
  const markAll = async () => {
    try {
      const r = await api.post('/api/v1/notifications/read-all');
      const now = new Date().toISOString();
      setItems((old) => old?.map((x) => (x.readAt ? x : { ...x, readAt: now })) ?? null);
      setUnreadHere(r.unread);
      setUnread(r.unread);
    } catch (e) {
      setActionError(e);
    }
  };

  if (!signedIn)
    return (
      <section className="narrow card">
        <PageTitle title={t('notifications.title')}>{t('notifications.title')}</PageTitle>
        <p>
          {t('auth.required')} <Link to="/signin?next=/notifications">{t('nav.signIn')}</Link>
        </p>
      </section>
    );
  return (
    <section className="narrow">
      <PageTitle title={t('notifications.title')}>{t('notifications.title')}</PageTitle>
      {error ? (
        <LoadError
          error={error}
          retry={() => {
            setError(null);
            setAttempt((a) => a + 1);
          }}
        />
      ) : !items ? (
        <Loading />
      ) : (
        <>
          <div className="notifications-head">
            <p role="status" aria-live="polite" className="muted">
              {t('notifications.unread', { count: unread })}
            </p>
            {unread > 0 && (
              <button type="button" className="button secondary" onClick={asyncHandler(markAll)}>
                {t('notifications.markAllRead')}
              </button>
            )}
          </div>
          <FormError error={actionError} />
          {items.length === 0 ? (
            <p>{t('notifications.empty')}</p>
          ) : (
            <ul className="plain notifications" aria-label={t('notifications.title')}>
              {items.map((n) => (
                <li key={n.id} className={`card notification${n.readAt ? '' : ' unread'}`}>
                  <p className="notification-text">
                    {!n.readAt && <span className="badge">{t('notifications.new')}</span>}{' '}
                    <a
                      href={linkOf(n)}
                      onClick={(e) => {
                        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
                        e.preventDefault();
                        asyncHandler(() => open(n))();
                      }}
                    >
                      {describeNotification(t, n, date)}
                    </a>
                  </p>
                  <p className="muted notification-meta">
                    <time dateTime={n.createdAt}>{date(n.createdAt)}</time>
                    {!n.readAt && (
                      <>
                        {' · '}
                        <button
                          type="button"
                          className="link-button"
                          onClick={asyncHandler(() => markRead(n))}
                        >
                          {t('notifications.markRead')}
                        </button>
                      </>
                    )}
                  </p>
                </li>
              ))}
            </ul>
          )}
          {next && (
            <p>
              <button type="button" className="button secondary" onClick={asyncHandler(more)}>
                {t('common.more')}
              </button>
            </p>
          )}
          <p>
            <Link to="/settings#notifications">{t('notifications.settingsLink')}</Link>
          </p>
        </>
      )}
    </section>
  );
}

/** The settings page's section: one choice per kind, saved together. */
export function NotificationSettingsSection() {
  const { t } = useI18n();
  const [settings, setSettings] = useState<NotificationSettingsView['settings'] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    let cancelled = false;
    api.get('/api/v1/account/notifications').then(
      (s) => !cancelled && setSettings(s.settings),
      (e: unknown) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, []);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!settings) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      setSettings((await api.patch('/api/v1/account/notifications', { settings })).settings);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      className="card stack"
      id="notifications"
      onSubmit={asyncHandler(save)}
      aria-labelledby="notifications-heading"
    >
      <h2 id="notifications-heading">{t('notifications.settings')}</h2>
      <p>{t('notifications.settingsIntro')}</p>
      <FormError error={error} />
      {saved && (
        <Notice kind="success">
          <span role="status">{t('settings.saved')}</span>
        </Notice>
      )}
      {!settings ? (
        !error && <Loading />
      ) : (
        <>
          {KINDS.map((kind) => (
            <div className="field" key={kind}>
              <label htmlFor={`notify-${kind}`}>{t(`notifications.setting.${kind}`)}</label>
              <select
                id={`notify-${kind}`}
                value={settings[kind]}
                onChange={(e) => {
                  setSaved(false);
                  setSettings({ ...settings, [kind]: e.target.value as Delivery });
                }}
              >
                {DELIVERIES.map((d) => (
                  <option key={d} value={d}>
                    {t(`notifications.delivery.${d}`)}
                  </option>
                ))}
              </select>
            </div>
          ))}
          <div className="actions">
            <button type="submit" className="button primary" disabled={busy}>
              {busy ? t('common.working') : t('notifications.save')}
            </button>
          </div>
        </>
      )}
    </form>
  );
}
