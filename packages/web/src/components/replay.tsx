// Replay of the commons' history under a draft (issue 12): which past decisions would have gone the other way,
// each with the recorded explanation and the draft's side by side (one above the other on a phone). The amendment
// editor replays its draft on request (POST .../replay); an amendment's page shows its own (GET its `replay`).
import { useState } from 'react';
import { api } from '../api/client';
import type { ActionKind, Commons, Procedure, Replay, ReplayDifference, ReplayOutcome } from '../api/types';
import { STANCES } from '../api/types';
import { actionLabel, describeProcedure, describeReason, stanceLabel } from '../describe';
import { useI18n } from '../i18n';
import { Link } from '../router';
import { asyncHandler } from './async-handler';
import { classLabel } from './chambers';
import { FormError } from './ui';
import { useResource } from './use-resource';

/** One side of a difference: the outcome, the procedure, the counts and why. */
function Side({
  which,
  outcome,
  difference,
  commons,
  people,
}: {
  which: 'recorded' | 'draft';
  outcome: ReplayOutcome;
  difference: ReplayDifference;
  commons: Commons;
  people: (id: string) => string;
}) {
  const { t } = useI18n();
  const classes = classLabel(t, commons);
  const option = (id: string) => difference.question?.options.find((o) => o.id === id)?.label ?? id;
  const c = outcome.counts;
  return (
    <section
      className={`replay-side replay-${which} ${outcome.passed ? 'decision-passed' : 'decision-rejected'}`}
      aria-label={t(which === 'recorded' ? 'replay.recorded' : 'replay.draft')}
    >
      <h4>
        {t('replay.side', {
          side: t(which === 'recorded' ? 'replay.recorded' : 'replay.draft'),
          verdict: t(outcome.passed ? 'replay.passed' : 'replay.rejected'),
        })}
      </h4>
      <p className="meta">{describeProcedure(t, outcome.procedure, classes)}</p>
      <ul className="reasons">
        {outcome.reasons.map((r, i) => (
          <li key={i}>{describeReason(t, r, people, option, classes, outcome.procedure)}</li>
        ))}
      </ul>
      {!outcome.poll && (
        <p className="meta replay-counts">
          {STANCES.map((s) => `${stanceLabel(t, s, outcome.procedure)} ${c[s]}`).join(' · ')}
          {'. '}
          {t('decision.participation', { count: c.electorate, participants: c.participants })}
        </p>
      )}
      {outcome.decidedBy && (
        <p className="meta">{t('decision.decidedBy', { name: people(outcome.decidedBy) })}</p>
      )}
    </section>
  );
}

/** What a replay found: a summary, each difference with both explanations, and what could not be replayed. */
export function ReplayResults({
  replay,
  commons,
  onMore,
}: {
  replay: Replay;
  commons: Commons;
  /** Loads the next page of differences, if there is one. */
  onMore?: () => void;
}) {
  const { t, date } = useI18n();
  const s = replay.summary;
  const people = (id: string) => replay.people.find((p) => p.accountId === id)?.displayName ?? id;
  return (
    <div className="stack replay-results" role="status" aria-live="polite">
      <p>
        <strong>{t('replay.summary', { count: s.replayed })}</strong>{' '}
        {s.replayed > 0 && t('replay.differ', { count: s.differ })}
      </p>
      {replay.differences.length > 0 && (
        <ol className="plain replay-list">
          {replay.differences.map((d) => (
            <li key={d.proposalId} className="card replay-difference">
              <h3>
                <Link to={`/c/${commons.id}/proposals/${d.proposalId}`}>{d.title}</Link>
              </h3>
              <p className="meta">
                {actionLabel(t, d.kind as ActionKind)} ·{' '}
                {t('replay.decided', { date: date(d.decidedAt), version: d.ruleVersion })}
              </p>
              <div className="replay-sides">
                <Side
                  which="recorded"
                  outcome={d.recorded}
                  difference={d}
                  commons={commons}
                  people={people}
                />
                <Side which="draft" outcome={d.draft} difference={d} commons={commons} people={people} />
              </div>
            </li>
          ))}
        </ol>
      )}
      {replay.next !== null && onMore && (
        <p>
          <button type="button" className="button secondary" onClick={onMore}>
            {t('replay.more', { count: replay.total - replay.differences.length })}
          </button>
        </p>
      )}
      {s.unchanged > 0 && <p className="meta">{t('replay.unchanged', { count: s.unchanged })}</p>}
      {s.notReplayable > 0 && (
        <>
          <p>{t('replay.notReplayable', { count: s.notReplayable })}</p>
          <ul className="replay-not">
            {replay.notReplayable.map((n) => (
              <li key={n.proposalId}>
                <Link to={`/c/${commons.id}/proposals/${n.proposalId}`}>{n.title}</Link>
                {': '}
                {t(`replay.code.${n.code}`)}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Pages of a replay joined: the differences of every page loaded so far, with the last page's cursor. */
function joined(pages: Replay[]): Replay | null {
  const last = pages[pages.length - 1];
  if (!last) return null;
  return {
    ...last,
    differences: pages.flatMap((p) => p.differences),
    people: pages.flatMap((p) => p.people),
  };
}

/**
 * The amendment editor's "replay against our history": the draft's rules (`rules`, null while the form has errors)
 * replayed on request. A change of the draft clears what an earlier one found.
 */
export function ReplayPanel({
  commons,
  rules,
}: {
  commons: Commons;
  rules: Partial<Record<ActionKind, Procedure>> | null;
}) {
  const { t } = useI18n();
  const key = rules ? JSON.stringify(rules) : null;
  const [pages, setPages] = useState<{ key: string; list: Replay[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const shown = pages && pages.key === key ? joined(pages.list) : null;
  const run = async (offset: number) => {
    if (!rules || !key) return;
    setBusy(true);
    setError(null);
    try {
      const page = await api.post(`/api/v1/commons/${commons.id}/replay?offset=${offset}`, { rules });
      setPages((prev) => ({ key, list: offset > 0 && prev?.key === key ? [...prev.list, page] : [page] }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="stack replay-panel" aria-labelledby="replay-heading">
      <h2 id="replay-heading">{t('replay.heading')}</h2>
      <p className="hint">{t('replay.intro')}</p>
      <FormError error={error} />
      <p>
        <button
          type="button"
          className="button secondary"
          disabled={busy || !rules}
          onClick={asyncHandler(() => run(0))}
        >
          {busy ? t('common.working') : t('replay.button')}
        </button>
      </p>
      {!rules && <p className="meta">{t('replay.fixFirst')}</p>}
      {shown && (
        <ReplayResults
          replay={shown}
          commons={commons}
          onMore={asyncHandler(() => run(shown.differences.length))}
        />
      )}
    </section>
  );
}

/** An amendment's own replay, on its page: its rules against the commons' history. */
export function AmendmentReplay({ commons, path }: { commons: Commons; path: string }) {
  const { t } = useI18n();
  const first = useResource(path as `/api/v1/commons/${string}/proposals/${string}/replay`);
  const [more, setMore] = useState<Replay[]>([]);
  const [error, setError] = useState<unknown>(null);
  const loadMore = async (at: number) => {
    try {
      const page = await api.get(
        `${path}?offset=${at}` as `/api/v1/commons/${string}/proposals/${string}/replay`,
      );
      setMore((m) => [...m, page]);
    } catch (e) {
      setError(e);
    }
  };
  const shown = first.data ? joined([first.data, ...more]) : null;
  return (
    <section className="card stack replay-panel" aria-labelledby="amendment-replay-heading">
      <h2 id="amendment-replay-heading">{t('replay.amendmentHeading')}</h2>
      <p className="hint">{t('replay.amendmentIntro')}</p>
      <FormError error={first.error ?? error} />
      {shown ? (
        <ReplayResults
          replay={shown}
          commons={commons}
          onMore={asyncHandler(() => loadMore(shown.differences.length))}
        />
      ) : (
        !first.error && <p className="meta">{t('common.loading')}</p>
      )}
    </section>
  );
}
