// A poll's ballot, one form per kind of method (ranking by buttons, never by dragging: keyboard and screen readers
// move an option up or down, and a live region says where it went), and its results: IRV rounds as bars, the
// Schulze pairwise matrix, totals for the others.
import { useId, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import type { Commons, PollBallot, Proposal } from '../api/types';
import { useI18n } from '../i18n';
import { asyncHandler } from './async-handler';
import { Field, FormError } from './ui';

type Question = NonNullable<Proposal['question']>;
type Poll = Extract<Proposal['procedure'], { type: 'poll' }>;

/** An option's label by its id (an id the question does not list is shown as it is). */
export function optionLabel(question: Question, id: string): string {
  return question.options.find((o) => o.id === id)?.label ?? id;
}

/** The options of a poll, the status quo marked. */
export function PollOptions({ question }: { question: Question }) {
  const { t } = useI18n();
  return (
    <>
      <h3>{t('poll.options')}</h3>
      <ol className="poll-options-list">
        {question.options.map((o) => (
          <li key={o.id}>
            {o.label}
            {o.statusQuo && <span className="muted"> ({t('poll.statusQuo')})</span>}
          </li>
        ))}
      </ol>
    </>
  );
}

/** One line saying what a ballot says, in the options' labels. */
export function ballotSummary(question: Question, b: PollBallot): string {
  const name = (id: string) => optionLabel(question, id);
  if ('ranking' in b) return b.ranking.map((id, i) => `${i + 1}. ${name(id)}`).join(', ') || '—';
  if ('approve' in b) return b.approve.map(name).join(', ') || '—';
  return b.values.map((v) => `${name(v.option)}: ${v.value}`).join(', ') || '—';
}

export function Ranking({
  question,
  ranking,
  onChange,
}: {
  question: Question;
  ranking: string[];
  onChange: (r: string[], announce: string) => void;
}) {
  const { t } = useI18n();
  const name = (id: string) => optionLabel(question, id);
  const move = (i: number, by: number) => {
    const next = [...ranking];
    const [id] = next.splice(i, 1);
    next.splice(i + by, 0, id!);
    onChange(next, t('poll.rank.moved', { option: name(id!), rank: i + by + 1 }));
  };
  const unranked = question.options.filter((o) => !ranking.includes(o.id));
  return (
    <div className="ranking">
      <h3 id="ranking-yours">{t('poll.rank.yours')}</h3>
      {ranking.length === 0 ? (
        <p className="muted">{t('poll.rank.empty')}</p>
      ) : (
        <ol aria-labelledby="ranking-yours">
          {ranking.map((id, i) => (
            <li key={id} className="ranking-item">
              <span className="ranking-label">{name(id)}</span>
              <button
                type="button"
                className="button quiet"
                disabled={i === 0}
                aria-label={t('poll.rank.up', { option: name(id) })}
                onClick={() => move(i, -1)}
              >
                ↑
              </button>
              <button
                type="button"
                className="button quiet"
                disabled={i === ranking.length - 1}
                aria-label={t('poll.rank.down', { option: name(id) })}
                onClick={() => move(i, 1)}
              >
                ↓
              </button>
              <button
                type="button"
                className="button quiet"
                aria-label={t('poll.rank.remove', { option: name(id) })}
                onClick={() =>
                  onChange(
                    ranking.filter((x) => x !== id),
                    t('poll.rank.removed', { option: name(id) }),
                  )
                }
              >
                ✕
              </button>
            </li>
          ))}
        </ol>
      )}
      {unranked.length > 0 && (
        <>
          <h3>{t('poll.rank.unranked')}</h3>
          <ul className="ranking-unranked">
            {unranked.map((o) => (
              <li key={o.id}>
                <button
                  type="button"
                  className="button"
                  onClick={() =>
                    onChange(
                      [...ranking, o.id],
                      t('poll.rank.moved', { option: o.label, rank: ranking.length + 1 }),
                    )
                  }
                >
                  {t('poll.rank.add', { option: o.label })}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** The ballot form of a poll, for its method. */
export function BallotForm({
  proposal,
  commons,
  onSaved,
}: {
  proposal: Proposal;
  commons: Commons;
  onSaved: (p: Proposal) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const question = proposal.question!;
  const poll = proposal.procedure as Poll;
  const mine = proposal.myPosition?.ballot;
  const [ranking, setRanking] = useState<string[]>(mine && 'ranking' in mine ? mine.ranking : []);
  const [approve, setApprove] = useState<string[]>(mine && 'approve' in mine ? mine.approve : []);
  const [values, setValues] = useState<Record<string, string>>(() => {
    const out: Record<string, string> = Object.create(null);
    if (mine && 'values' in mine) for (const v of mine.values) out[v.option] = String(v.value);
    return out;
  });
  const [announce, setAnnounce] = useState('');
  const [reason, setReason] = useState(proposal.myPosition?.reason ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const valueOf = (o: string) => (Object.hasOwn(values, o) ? values[o]! : '');
  const numbers = question.options
    .map((o) => ({ option: o.id, value: valueOf(o.id) === '' ? NaN : Number(valueOf(o.id)) }))
    .filter((v) => !Number.isNaN(v.value));
  const spent =
    poll.method === 'quadratic'
      ? numbers.reduce((s, v) => s + v.value * v.value, 0)
      : numbers.reduce((s, v) => s + v.value, 0);
  const budget = poll.method === 'quadratic' ? (poll.credits ?? 100) : (poll.points ?? 10);
  const ballot = (): PollBallot =>
    poll.method === 'irv' || poll.method === 'schulze'
      ? { ranking }
      : poll.method === 'approval'
        ? { approve }
        : { values: numbers };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setSaved(false);
    setError(null);
    try {
      const p = await api.put(`/api/v1/commons/${commons.id}/proposals/${proposal.id}/ballot`, {
        ballot: ballot(),
        reason: reason.trim(),
      });
      setSaved(true);
      onSaved(p);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const numberInputs = (legend: string, min: number | undefined, max: number | undefined) => (
    <fieldset className="poll-values">
      <legend>{legend}</legend>
      {question.options.map((o) => (
        <div key={o.id} className="field poll-value">
          <label htmlFor={`${id}-${o.id}`}>{o.label}</label>
          <input
            id={`${id}-${o.id}`}
            type="number"
            inputMode="numeric"
            step={1}
            min={min}
            max={max}
            value={valueOf(o.id)}
            onChange={(e) => {
              const next: Record<string, string> = Object.create(null);
              Object.assign(next, values);
              next[o.id] = e.target.value;
              setValues(next);
            }}
          />
        </div>
      ))}
    </fieldset>
  );
  return (
    <form onSubmit={asyncHandler(submit)} className="stack card ballot-form" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t('poll.ballot.title')}</h2>
      <FormError error={error} />
      {saved && (
        <p className="alert alert-success" role="status">
          {t('poll.ballot.saved')}
        </p>
      )}
      {(poll.method === 'irv' || poll.method === 'schulze') && (
        <Ranking
          question={question}
          ranking={ranking}
          onChange={(r, a) => {
            setRanking(r);
            setAnnounce(a);
          }}
        />
      )}
      {poll.method === 'approval' && (
        <fieldset>
          <legend>{t('poll.approve.legend')}</legend>
          {question.options.map((o) => (
            <div key={o.id} className="check">
              <input
                id={`${id}-${o.id}`}
                type="checkbox"
                checked={approve.includes(o.id)}
                onChange={(e) =>
                  setApprove(
                    e.target.checked
                      ? question.options.map((x) => x.id).filter((x) => x === o.id || approve.includes(x))
                      : approve.filter((x) => x !== o.id),
                  )
                }
              />
              <label htmlFor={`${id}-${o.id}`}>{o.label}</label>
            </div>
          ))}
        </fieldset>
      )}
      {poll.method === 'score' &&
        numberInputs(t('poll.score.legend', { min: poll.min ?? 0, max: poll.max ?? 5 }), poll.min, poll.max)}
      {poll.method === 'dots' && numberInputs(t('poll.dots.legend', { count: budget }), 0, budget)}
      {poll.method === 'quadratic' &&
        numberInputs(t('poll.quadratic.legend', { count: budget }), -budget, budget)}
      {(poll.method === 'dots' || poll.method === 'quadratic') && (
        <p className={spent > budget ? 'field-error' : 'meta'} aria-live="polite">
          {t(poll.method === 'dots' ? 'poll.dots.left' : 'poll.quadratic.left', { count: budget - spent })}
        </p>
      )}
      <p className="visually-hidden" aria-live="polite">
        {announce}
      </p>
      <Field label={t('position.reason')} hint={t('position.reasonHint')}>
        {(p) => <textarea {...p} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('common.working') : mine ? t('poll.ballot.replace') : t('poll.ballot.cast')}
        </button>
      </div>
    </form>
  );
}

/** A horizontal bar for a share of a total, with the number beside it. */
function Bar({ value, max, label }: { value: number; max: number; label: string }) {
  const width = max > 0 ? Math.round((value / max) * 100) : 0;
  return (
    <span className="bar-cell">
      <span className="bar" style={{ width: `${width}%` }} aria-hidden="true" />
      <span className="bar-value">{label}</span>
    </span>
  );
}

/** A poll's results: the winner, then the method's own account (rounds, matrix or totals). */
export function PollResults({ proposal }: { proposal: Proposal }) {
  const { t } = useI18n();
  const tally = proposal.outcome?.poll;
  const question = proposal.question;
  if (!tally || !question) return null;
  const name = (o: string) => optionLabel(question, o);
  const [winner] = tally.winners;
  return (
    <section className="poll-results" aria-labelledby="poll-results-heading">
      <h3 id="poll-results-heading">{t('poll.results')}</h3>
      <p className="poll-winner">
        {tally.winners.length === 1 && winner !== undefined
          ? t('poll.winner', { option: name(winner) })
          : t('poll.noWinner')}
      </p>
      <p className="meta">{t('poll.ballots', { count: tally.ballots })}</p>
      {tally.rounds.length > 0 && (
        <>
          <h4>{t('poll.rounds')}</h4>
          {tally.rounds.map((r) => {
            const max = Math.max(1, ...r.tally.map((x) => Number(x.votes)));
            return (
              <div key={r.round} className="poll-round">
                <table className="poll-table">
                  <caption>{t('poll.round', { count: r.round })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('poll.option')}</th>
                      <th scope="col">{t('poll.votes')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.tally.map((x) => (
                      <tr
                        key={x.option}
                        className={
                          r.elected.includes(x.option)
                            ? 'round-elected'
                            : r.eliminated.includes(x.option)
                              ? 'round-eliminated'
                              : undefined
                        }
                      >
                        <th scope="row">{name(x.option)}</th>
                        <td>
                          <Bar value={Number(x.votes)} max={max} label={x.votes} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <p className="meta">
                  {t('poll.threshold', { count: r.threshold })}
                  {r.elected.length > 0 && (
                    <> · {t('poll.elected', { options: r.elected.map(name).join(', ') })}</>
                  )}
                  {r.eliminated.length > 0 && (
                    <> · {t('poll.eliminated', { options: r.eliminated.map(name).join(', ') })}</>
                  )}
                  {Number(r.exhausted) > 0 && <> · {t('poll.exhausted', { count: r.exhausted })}</>}
                </p>
                {r.transfers.length > 0 && (
                  <ul className="poll-transfers">
                    {r.transfers.map((x, i) => (
                      <li key={i}>
                        {x.to === null
                          ? t('poll.transferExhausted', { votes: x.votes, from: name(x.from) })
                          : t('poll.transfer', { votes: x.votes, from: name(x.from), to: name(x.to) })}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            );
          })}
        </>
      )}
      {tally.pairwise.length > 0 && (
        <div className="table-wrap">
          <table className="poll-table pairwise">
            <caption>{t('poll.pairwise')}</caption>
            <thead>
              <tr>
                <td />
                {question.options.map((o) => (
                  <th key={o.id} scope="col">
                    {o.label}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {question.options.map((row, i) => (
                <tr key={row.id}>
                  <th scope="row">{row.label}</th>
                  {question.options.map((col, j) => {
                    const v = tally.pairwise[i]?.[j] ?? 0;
                    const w = tally.pairwise[j]?.[i] ?? 0;
                    return (
                      <td key={col.id} className={i === j ? 'diagonal' : v > w ? 'wins' : undefined}>
                        {i === j ? '—' : v}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {tally.rounds.length === 0 && (
        <table className="poll-table">
          <caption>{t('poll.totals')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('poll.option')}</th>
              <th scope="col">{t('poll.total')}</th>
            </tr>
          </thead>
          <tbody>
            {tally.totals.map((x) => {
              const max = Math.max(1, ...tally.totals.map((y) => Math.abs(Number(y.total))));
              return (
                <tr key={x.option}>
                  <th scope="row">{name(x.option)}</th>
                  <td>
                    <Bar value={Math.max(0, Number(x.total))} max={max} label={x.total} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <details>
        <summary>{t('poll.explanation')}</summary>
        <ul className="poll-explanation">
          {tally.explanation.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      </details>
    </section>
  );
}
