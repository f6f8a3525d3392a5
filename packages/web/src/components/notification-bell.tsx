// The bell in the header: a link to the notifications with the unread count, kept live by the person's stream
// (`/api/v1/notifications/events`, Server-Sent Events). The count is shared (useUnread), so the notifications page
// loads again when it changes.
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useI18n } from '../i18n';
import { Link } from '../router';

let unread: number | null = null;
const listeners = new Set<() => void>();
const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};

/** Sets the unread count everyone shows (from the stream, or from an answer that tells it). */
export function setUnread(n: number): void {
  if (unread === n) return;
  unread = n;
  for (const l of [...listeners]) l();
}

/** The signed-in person's unread count (null before the first word of the server). */
export function useUnread(): number | null {
  return useSyncExternalStore(subscribe, () => unread);
}

/** Follows the person's unread count while mounted (signed in). */
function useUnreadStream(): void {
  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource('/api/v1/notifications/events');
    source.onmessage = (e: MessageEvent<string>) => {
      try {
        const data = JSON.parse(e.data) as { unread?: unknown };
        if (typeof data.unread === 'number') setUnread(data.unread);
      } catch {
        // A line we do not understand changes nothing.
      }
    };
    return () => {
      source.close();
      unread = null;
    };
  }, []);
}

export function NotificationBell() {
  const { t } = useI18n();
  useUnreadStream();
  const live = useUnread();
  const count = live ?? 0;
  // Told to screen readers when it changes while the page is open (not on the first count).
  const [previous, setPrevious] = useState<number | null>(null);
  const [announcement, setAnnouncement] = useState('');
  if (live !== previous) {
    if (previous !== null && live !== null) setAnnouncement(t('notifications.bell', { count: live }));
    setPrevious(live);
  }
  return (
    <>
      <span className="visually-hidden" role="status">
        {announcement}
      </span>
      <Link to="/notifications" className="bell" aria-label={t('notifications.bell', { count })}>
        <svg aria-hidden="true" focusable="false" viewBox="0 0 24 24" width="22" height="22">
          <path
            fill="currentColor"
            d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
          />
        </svg>
        {count > 0 && (
          <span className="bell-count" aria-hidden="true" data-testid="bell-count">
            {count > 99 ? '99+' : count}
          </span>
        )}
      </Link>
    </>
  );
}
