import { useEffect, useState } from 'react';

/** How often pages look again when live updates cannot be had, in ms. */
const POLL_MS = 15_000;

/**
 * Follows a commons' live updates (`/api/v1/commons/:id/events`, Server-Sent Events) and returns a number that
 * changes whenever its log grows: the pages showing the commons load their resources again when it does. If the
 * stream fails (no EventSource, a proxy that drops it), it falls back to looking again every 15 s while the tab is
 * seen, until the stream is back (the server then sends what was missed, by Last-Event-ID).
 */
export function useLiveUpdates(commonsId: string): number {
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    const changed = () => setChanges((n) => n + 1);
    let timer: number | null = null;
    const poll = () => {
      timer ??= window.setInterval(() => {
        if (document.visibilityState === 'visible') changed();
      }, POLL_MS);
    };
    const stopPolling = () => {
      if (timer !== null) window.clearInterval(timer);
      timer = null;
    };
    if (typeof EventSource === 'undefined') {
      poll();
      return stopPolling;
    }
    const source = new EventSource(`/api/v1/commons/${encodeURIComponent(commonsId)}/events`);
    source.onmessage = changed;
    source.onerror = poll;
    source.onopen = stopPolling;
    return () => {
      source.close();
      stopPolling();
    };
  }, [commonsId]);
  return changes;
}
