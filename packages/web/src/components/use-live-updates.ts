import { useEffect, useState } from 'react';

/** How often pages look again when live updates cannot be had, in ms. */
const POLL_MS = 15_000;

/** What an append changed, as the server's live event says (`GET /api/v1/commons/:id/events`). */
export interface LiveChange {
  size: number;
  types: string[];
  proposals: string[];
  accounts: string[];
  positions: string[];
  comments: string[];
  commons: boolean;
  /** False when some ids may be missing: every page loads again what it shows. */
  complete: boolean;
}

/** The changes heard so far: `seq` counts them, `recent` holds the latest ones (with their numbers). */
export interface Live {
  seq: number;
  recent: { seq: number; change: LiveChange }[];
}

/** Changes kept for the pages that have not looked yet. */
const RECENT = 50;

/** A change of everything (a poll, or an event this app cannot read): pages load again all they show. */
const EVERYTHING: LiveChange = {
  size: 0,
  types: [],
  proposals: [],
  accounts: [],
  positions: [],
  comments: [],
  commons: true,
  complete: false,
};

function parse(data: unknown): LiveChange {
  try {
    const v = JSON.parse(String(data)) as Partial<LiveChange>;
    const ids = (x: unknown) =>
      Array.isArray(x) ? x.filter((i): i is string => typeof i === 'string') : null;
    const [proposals, accounts, positions, comments] = [v.proposals, v.accounts, v.positions, v.comments].map(
      ids,
    );
    if (!proposals || !accounts || !positions || !comments || typeof v.commons !== 'boolean')
      return EVERYTHING;
    return {
      size: Number(v.size),
      types: ids(v.types) ?? [],
      proposals,
      accounts,
      positions,
      comments,
      commons: v.commons,
      complete: v.complete === true,
    };
  } catch {
    return EVERYTHING;
  }
}

/** Whether a change touched a proposal (or may have). */
export const touchesProposal = (c: LiveChange, pid: string): boolean =>
  !c.complete || c.proposals.includes(pid);
/** Whether a change touched any proposal: lists of proposals show their counts. */
export const touchesProposals = (c: LiveChange): boolean => !c.complete || c.proposals.length > 0;
/** Whether the commons view (its core, its member counts, the caller's membership) changed. */
export const touchesCommons = (c: LiveChange): boolean => !c.complete || c.commons;

/**
 * Follows a commons' live updates (`/api/v1/commons/:id/events`, Server-Sent Events): each event says what its
 * append changed, and pages load again only what they show of it (see useChanges). If the stream fails (no
 * EventSource, a proxy that drops it), it falls back to looking again every 15 s while the tab is seen (a change of
 * everything), until the stream is back (the server then sends what was missed, by Last-Event-ID).
 */
export function useLiveUpdates(commonsId: string): Live {
  const [live, setLive] = useState<Live>({ seq: 0, recent: [] });
  useEffect(() => {
    const changed = (change: LiveChange) =>
      setLive((l) => ({ seq: l.seq + 1, recent: [...l.recent, { seq: l.seq + 1, change }].slice(-RECENT) }));
    let timer: number | null = null;
    const poll = () => {
      timer ??= window.setInterval(() => {
        if (document.visibilityState === 'visible') changed(EVERYTHING);
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
    source.onmessage = (e: MessageEvent) => changed(parse(e.data));
    source.onerror = poll;
    source.onopen = stopPolling;
    return () => {
      source.close();
      stopPolling();
    };
  }, [commonsId]);
  return live;
}

/** A number that changes with each live change `matters` says a page must load again for (for useResource). */
export function useChanges(live: Live, matters: (c: LiveChange) => boolean): number {
  // Adjusted as the changes arrive (React's "adjusting state when a prop changes"); every change since the last
  // render is looked at, as several may arrive between two renders.
  const [state, setState] = useState({ seq: live.seq, count: 0 });
  if (state.seq !== live.seq) {
    const since = live.recent.filter((r) => r.seq > state.seq);
    const missed = live.recent.length === 0 || (live.recent[0]?.seq ?? 0) > state.seq + 1;
    const hit = missed || since.some((r) => matters(r.change));
    setState({ seq: live.seq, count: hit ? state.count + 1 : state.count });
  }
  return state.count;
}
