// Rules for rules on the constitution page, in the reader's language from the data: the rules that change
// themselves (pending triggers), review dates and sunsets, what changed a version when no proposal did, the reviews
// with what happened since and an answer form, and the templates a commons can adopt through an amendment. (Tiers,
// domains and an amendment's difference: `rules.tsx`.)
import { useState } from 'react';
import { api } from '../api/client';
import type { ActionKind, Commons, Procedure, Reason, ReviewView, Template, Trigger } from '../api/types';
import { actionLabel, describeProcedure } from '../describe';
import { useI18n, type Translate } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { Link } from '../router';
import { classLabel } from './chambers';
import { asyncHandler } from './async-handler';
import { useSubmission } from './submission';
import { FormError, LoadError, Loading } from './ui';
import { useResource } from './use-resource';
import { templateText } from '../pages/new-commons';

/** What names a trigger's class and role: a commons' or a template's. */
type Names = { roles: readonly { id: string; name: string }[] };

/** A trigger in one sentence: when it fires and what the rules become. */
export function describeTrigger(
  t: Translate,
  day: (iso: string) => string,
  trigger: Trigger,
  names: Names,
  className: (id: string) => string,
): string {
  const w = trigger.when;
  const role = (id: string) => names.roles.find((r) => r.id === id)?.name ?? id;
  const when =
    w.type === 'members'
      ? t('rules.when.members', { count: w.atLeast })
      : w.type === 'date'
        ? t('rules.when.date', { date: day(w.at) })
        : w.type === 'class_size'
          ? t('rules.when.class_size', { class: className(w.classId), count: w.atLeast })
          : trigger.dueAt
            ? t('rules.when.mandate_lapse', { role: role(w.roleId), days: w.days, date: day(trigger.dueAt) })
            : t('rules.when.mandate_lapse_undated', { role: role(w.roleId), days: w.days });
  // The kinds that get the same rule are named together, each rule once.
  const byRule = new Map<string, { kinds: string[]; p: Procedure }>();
  for (const [kind, p] of Object.entries(trigger.rules as Record<string, Procedure>)) {
    const key = JSON.stringify(p);
    const entry = byRule.get(key) ?? { kinds: [], p };
    entry.kinds.push(actionLabel(t, kind as ActionKind));
    byRule.set(key, entry);
  }
  const changes = [...byRule.values()]
    .map(({ kinds, p }) =>
      t('rules.change', { kinds: kinds.join(', '), rule: describeProcedure(t, p, className) }),
    )
    .join(' ');
  return t('rules.trigger', { when, changes });
}

/** Why a rule changed by itself (a trigger fired, a sunset came), from the reason the log gives. */
export function describeRuleReason(
  t: Translate,
  day: (iso: string) => string,
  r: Reason,
  names: Names,
  className: (id: string) => string,
): string {
  const p = r.params;
  const key = `rules.reason.${r.code}` as MessageKey;
  const role = names.roles.find((x) => x.id === p.roleId)?.name ?? String(p.roleId ?? '');
  const s = t(key, {
    ...p,
    class: className(String(p.classId ?? '')),
    role,
    kind: actionLabel(t, String(p.kind ?? '') as ActionKind),
    date: typeof p.at === 'string' ? day(p.at) : '',
  });
  return s === key ? r.text : s;
}

/** The constitution's pending triggers, review dates and sunsets. */
export function RulesForRules({ commons }: { commons: Commons }) {
  const { t, day } = useI18n();
  const c = commons.constitution;
  const cls = classLabel(t, commons);
  return (
    <>
      <section aria-labelledby="triggers-heading">
        <h2 id="triggers-heading">{t('rules.triggersHeading')}</h2>
        {c.triggers.length === 0 ? (
          <p className="meta">{t('rules.noTriggers')}</p>
        ) : (
          <ul className="plain triggers">
            {c.triggers.map((x) => (
              <li key={x.id}>{describeTrigger(t, day, x, commons, cls)}</li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="dates-heading">
        <h2 id="dates-heading">{t('rules.datesHeading')}</h2>
        {c.reviews.length === 0 && c.sunsets.length === 0 ? (
          <p className="meta">{t('rules.noDates')}</p>
        ) : (
          <ul className="plain">
            {c.reviews.map((r) => (
              <li key={`r-${r.kind}-${r.at}`}>
                {t('rules.reviewDate', { kind: actionLabel(t, r.kind), date: day(r.at) })}
              </li>
            ))}
            {c.sunsets.map((s) => (
              <li key={`s-${s.kind}`}>
                {t('rules.sunset', {
                  kind: actionLabel(t, s.kind),
                  date: day(s.at),
                  rule: describeProcedure(t, s.fallback, cls),
                })}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}

function ReviewCard({
  commons,
  review,
  onAnswered,
}: {
  commons: Commons;
  review: ReviewView;
  onAnswered: (r: ReviewView) => void;
}) {
  const { t, day } = useI18n();
  const [answer, setAnswer] = useState<'yes' | 'partly' | 'no' | ''>(review.mine ?? '');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>(null);
  const { busy, run } = useSubmission();
  const cls = classLabel(t, commons);
  const base = `/c/${commons.id}`;
  const kind = review.subject.kind;
  const heading =
    review.subject.type === 'rule'
      ? t('rules.review.rule', { kind: actionLabel(t, kind) })
      : t('rules.review.decision', { title: review.decisions[0]?.title ?? review.subject.proposalId ?? '' });
  const submit = async () => {
    if (!answer) return;
    setError(null);
    try {
      await run(async () => {
        onAnswered(
          await api.put(`/api/v1/commons/${commons.id}/reviews/${encodeURIComponent(review.id)}/answer`, {
            answer,
            comment,
          }),
        );
      });
    } catch (e) {
      setError(e);
    }
  };
  const id = `review-${review.id}`;
  return (
    <article className="card review" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{heading}</h3>
      <p>
        {t('rules.review.since', {
          opened: day(review.openedAt),
          rule: review.procedure ? describeProcedure(t, review.procedure, cls) : actionLabel(t, kind),
          since: day(review.since),
        })}
      </p>
      <p>
        {review.decisionCount === 0
          ? t('rules.review.none')
          : t('rules.review.decisions', { count: review.decisionCount })}
      </p>
      {review.decisions.length > 0 && (
        <ul className="plain">
          {review.decisions.map((d) => (
            <li key={d.id}>
              <Link to={`${base}/proposals/${encodeURIComponent(d.id)}`}>{d.title}</Link> —{' '}
              {d.passed ? t('rules.review.passed') : t('rules.review.failed')}
              {d.decidedAt ? `, ${day(d.decidedAt)}` : ''}
            </li>
          ))}
        </ul>
      )}
      <p className="meta">{t('rules.review.counts', review.counts)}</p>
      {review.mine && <p>{t('rules.review.mine', { answer: t(`rules.review.${review.mine}`) })}</p>}
      {review.canAnswer && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            asyncHandler(submit)();
          }}
        >
          <fieldset className="choices inline">
            <legend>{t('rules.review.question')}</legend>
            {(['yes', 'partly', 'no'] as const).map((a) => (
              <label key={a} className="choice-inline">
                <input
                  type="radio"
                  name={`${id}-answer`}
                  value={a}
                  checked={answer === a}
                  onChange={() => setAnswer(a)}
                />{' '}
                {t(`rules.review.${a}`)}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${id}-comment`}>{t('rules.review.comment')}</label>
            <textarea
              id={`${id}-comment`}
              value={comment}
              maxLength={10000}
              onChange={(e) => setComment(e.target.value)}
            />
          </div>
          <FormError error={error} />
          <p className="actions">
            <button type="submit" className="button primary" disabled={busy || !answer}>
              {t('rules.review.submit')}
            </button>
            {commons.can.propose && (
              <Link
                className="button secondary"
                to={`${base}/proposals/new?kind=amend_constitution&rule=${kind}&review=${encodeURIComponent(review.id)}`}
              >
                {t('rules.review.amend')}
              </Link>
            )}
          </p>
        </form>
      )}
    </article>
  );
}

/** The commons' reviews, the latest first, each answerable by members. */
export function Reviews({ commons, changes }: { commons: Commons; changes?: number }) {
  const { t } = useI18n();
  const reviews = useResource(`/api/v1/commons/${commons.id}/reviews`, changes);
  const [answered, setAnswered] = useState<Record<string, ReviewView>>({});
  return (
    <section aria-labelledby="reviews-heading">
      <h2 id="reviews-heading">{t('rules.reviewsHeading')}</h2>
      {reviews.error && <LoadError error={reviews.error} retry={asyncHandler(reviews.reload)} />}
      {!reviews.data && !reviews.error && <Loading />}
      {reviews.data?.items.length === 0 && <p className="meta">{t('rules.noReviews')}</p>}
      {reviews.data?.items.map((r) => (
        <ReviewCard
          key={r.id}
          commons={commons}
          review={answered[r.id] ?? r}
          onAnswered={(next) => setAnswered({ ...answered, [r.id]: next })}
        />
      ))}
    </section>
  );
}

/** The templates this commons could move to, each opening the amendment editor with its rules. */
export function AdoptTemplate({ commons }: { commons: Commons }) {
  const { t } = useI18n();
  const templates = useResource('/api/v1/templates');
  if (!commons.can.propose) return null;
  const usable = (tpl: Template) =>
    tpl.classes.every((c) => commons.classes.some((x) => x.id === c.id)) && tpl.id !== commons.template;
  return (
    <section aria-labelledby="adopt-heading">
      <h2 id="adopt-heading">{t('rules.adoptHeading')}</h2>
      <p className="hint">{t('rules.adoptIntro')}</p>
      {templates.error && <LoadError error={templates.error} retry={asyncHandler(templates.reload)} />}
      <ul className="plain">
        {templates.data?.filter(usable).map((tpl) => (
          <li key={tpl.id}>
            <Link to={`/c/${commons.id}/proposals/new?kind=amend_constitution&template=${tpl.id}`}>
              {t('rules.adopt', { name: templateText(t, tpl, 'name') })}
            </Link>{' '}
            <span className="meta">{templateText(t, tpl, 'description')}</span>
          </li>
        ))}
      </ul>
    </section>
  );
}
