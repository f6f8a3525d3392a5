import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ACTION_KINDS, STANCES, type Commons, type Proposal, type Stance } from '../api/types';
import { LIMITS } from '@peergov/kernel/limits';
import { Field, FormError, LoadError, Loading, PageTitle, StatusBadge, tooLong } from '../components/ui';
import { useResource } from '../components/use-resource';
import { usePages } from '../components/use-pages';
import { touchesProposal, useChanges } from '../components/use-live-updates';
import {
  actionLabel,
  describeAction,
  tierName,
  describeProcedure,
  describeReason,
  duration,
  ruleOf,
  stanceLabel,
} from '../describe';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { Link } from '../router';
import type { CommonsProps } from './commons-shell';
import { asyncHandler } from '../components/async-handler';
import { ballotSummary, BallotForm, optionLabel, PollOptions, PollResults } from '../components/poll';
import { ChambersResults, classLabel } from '../components/chambers';
import { Discussion } from '../components/discussion';
import { Markdown } from '../components/markdown';
import { Waiting } from '../components/waiting';
import { AmendmentReplay } from '../components/replay';
import { DelegationResults, ElectionPanel, ElectionResults } from '../components/election';
import { DiffList } from '../components/rules';

function ActionDetails({ proposal, commons }: { proposal: Proposal; commons: Commons }) {
  const { t } = useI18n();
  const a = proposal.action;
  const classes = classLabel(t, commons);
  switch (a.kind) {
    case 'amend_constitution':
      return (
        <dl className="rules">
          {ACTION_KINDS.filter((k) => a.rules[k]).map((k) => (
            <div key={k}>
              <dt>{actionLabel(t, k)}</dt>
              <dd>
                <span className="rule-new">{describeProcedure(t, a.rules[k]!, classes)}</span>
                {proposal.status === 'open' && (
                  <span className="rule-old">
                    {t('amend.now')} {describeProcedure(t, ruleOf(commons.constitution.rules, k), classes)}
                  </span>
                )}
              </dd>
            </div>
          ))}
        </dl>
      );
    case 'resolution':
      return (
        <>
          <blockquote className="prose">{a.text}</blockquote>
          {proposal.question && <PollOptions question={proposal.question} />}
        </>
      );
    case 'adopt_charter':
      return (
        <div className="prose">
          <h3>{t('newCommons.purpose')}</h3>
          <p>{a.purpose || '—'}</p>
          <h3>{t('newCommons.charter')}</h3>
          {(a.charter || '—').split(/\n{2,}/).map((x, i) => (
            <p key={i}>{x}</p>
          ))}
        </div>
      );
    case 'create_role':
    case 'change_role':
      return (
        <ul className="plain">
          {a.description !== undefined && a.description !== '' && <li>{a.description}</li>}
          {a.mandate !== undefined && (
            <li>
              {a.mandate.length
                ? t('role.mandate', { kinds: a.mandate.map((k) => actionLabel(t, k)).join(', ') })
                : t('role.noMandate')}
            </li>
          )}
          {a.termDays !== undefined && (
            <li>{a.termDays === null ? t('role.noTerm') : t('role.term', { count: a.termDays })}</li>
          )}
        </ul>
      );
    default:
      return null;
  }
}

function Counts({ proposal }: { proposal: Proposal }) {
  const { t } = useI18n();
  // The decision's counts, or the counts kept as positions arrive (the electorate's).
  const c = proposal.outcome?.counts ?? proposal.counts;
  return (
    <div className="counts">
      <table>
        <caption className="visually-hidden">{t('decision.countsCaption')}</caption>
        <thead>
          <tr>
            {STANCES.map((s) => (
              <th key={s} scope="col">
                {stanceLabel(t, s, proposal.procedure)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            {STANCES.map((s) => (
              <td key={s} className={`count-${s}`}>
                {c[s]}
              </td>
            ))}
          </tr>
        </tbody>
      </table>
      <p className="meta">
        {t('decision.participation', { count: c.electorate, participants: c.participants })}
      </p>
    </div>
  );
}

function Decision({ proposal, commons }: { proposal: Proposal; commons: Commons }) {
  const { t, date } = useI18n();
  const o = proposal.outcome;
  if (!o) return null;
  const classes = classLabel(t, commons);
  const people = (id: string) =>
    proposal.people.find((m) => m.accountId === id)?.displayName ??
    proposal.positions.items.find((p) => p.accountId === id)?.displayName ??
    id;
  return (
    <section
      className={`card decision ${o.passed ? 'decision-passed' : 'decision-rejected'}`}
      aria-labelledby="decision-heading"
    >
      <h2 id="decision-heading">{o.passed ? t('decision.passed') : t('decision.rejected')}</h2>
      <p className="meta">{t('decision.decidedAt', { date: date(o.decidedAt) })}</p>
      <h3>{t('decision.why')}</h3>
      <ul className="reasons">
        {o.reasons.map((r, i) => (
          <li key={i}>
            {describeReason(
              t,
              r,
              people,
              (id) => (proposal.question ? optionLabel(proposal.question, id) : id),
              classes,
              o.procedure,
            )}
          </li>
        ))}
      </ul>
      {o.poll ? (
        <PollResults proposal={proposal} />
      ) : o.election ? (
        <ElectionResults proposal={proposal} tally={o.election} />
      ) : (
        <Counts proposal={proposal} />
      )}
      {o.delegation && <DelegationResults tally={o.delegation} name={people} />}
      {o.chambers && (
        <ChambersResults tally={o.chambers} procedure={o.procedure} commons={commons} people={people} />
      )}
      <p>
        {t('decision.rule', { version: o.ruleVersion })} {describeProcedure(t, o.procedure, classes)}
      </p>
      {o.decidedBy && <p>{t('decision.decidedBy', { name: people(o.decidedBy) })}</p>}
      {proposal.execution &&
        (proposal.execution.done ? (
          <p className="execution-ok">{t('decision.executed')}</p>
        ) : (
          <p className="execution-failed">
            {t('decision.executionFailed', { error: proposal.execution.error ?? '' })}
          </p>
        ))}
    </section>
  );
}

// The two positions of a role holder deciding: agree approves, disagree refuses (the tally's own reading).
const ROLE_CHOICES = ['agree', 'disagree'] as const satisfies readonly Stance[];

function PositionForm({
  proposal,
  commons,
  onSaved,
}: {
  proposal: Proposal;
  commons: Commons;
  onSaved: (p: Proposal) => void;
}) {
  const { t } = useI18n();
  // A holder of the deciding role decides: approve or refuse, the role procedure's own two choices.
  const asRole = proposal.decidesAsRole;
  const choices: readonly Stance[] = asRole ? ROLE_CHOICES : STANCES;
  const mine = proposal.myPosition?.stance;
  const [stance, setStance] = useState<Stance | ''>(mine && choices.includes(mine) ? mine : '');
  const [reason, setReason] = useState(proposal.myPosition?.reason ?? '');
  const [error, setError] = useState<unknown>(null);
  const [missing, setMissing] = useState(false);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!stance) {
      setMissing(true);
      return;
    }
    setMissing(false);
    if (tooLong(reason, LIMITS.reason)) return;
    setBusy(true);
    setSaved(false);
    try {
      const p = await api.put(`/api/v1/commons/${commons.id}/proposals/${proposal.id}/position`, {
        stance,
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
  const helpKey = (s: Stance): MessageKey => {
    if (asRole) return `stance.help.role.${s}` as MessageKey;
    const type = proposal.procedure.type;
    if (s === 'block')
      return type === 'consent' || type === 'role'
        ? 'stance.help.object'
        : type === 'vote'
          ? 'stance.help.blockVote'
          : 'stance.help.block';
    return `stance.help.${s}` as MessageKey;
  };
  return (
    <form
      onSubmit={asyncHandler(submit)}
      className="stack card position-form"
      aria-labelledby="position-heading"
    >
      <h2 id="position-heading">{proposal.myPosition ? t('position.change') : t('position.take')}</h2>
      <FormError error={error} />
      {saved && (
        <p className="alert alert-success" role="status">
          {t('position.saved')}
        </p>
      )}
      <fieldset className="stances" aria-describedby={missing ? 'stance-error' : undefined}>
        <legend>{asRole ? t('position.decide') : t('position.stance')}</legend>
        {choices.map((s) => (
          <div key={s} className={`stance stance-${s}${stance === s ? ' chosen' : ''}`}>
            <input
              type="radio"
              id={`stance-${s}`}
              name="stance"
              value={s}
              checked={stance === s}
              onChange={() => setStance(s)}
              aria-describedby={`stance-${s}-help`}
            />
            <label htmlFor={`stance-${s}`}>
              {asRole ? t(`stance.role.${s}` as MessageKey) : stanceLabel(t, s, proposal.procedure)}
            </label>
            <p className="hint" id={`stance-${s}-help`}>
              {t(helpKey(s))}
            </p>
          </div>
        ))}
        {missing && (
          <p className="field-error" id="stance-error" role="alert">
            {t('position.chooseStance')}
          </p>
        )}
      </fieldset>
      <Field
        label={t('position.reason')}
        hint={t('position.reasonHint')}
        limit={{ value: reason, max: LIMITS.reason }}
      >
        {(p) => <textarea {...p} rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? t('common.working') : t('position.submit')}
        </button>
      </div>
    </form>
  );
}

export function ProposalPage({ commons, reload, live, pid }: CommonsProps & { pid: string }) {
  const { t, date } = useI18n();
  // Others take positions and comment: loaded again when an append touched this proposal (only then).
  const res = useResource(
    `/api/v1/commons/${commons.id}/proposals/${encodeURIComponent(pid)}`,
    useChanges(live, (c) => touchesProposal(c, pid)),
  );
  const positions = usePages(
    res.data?.positions ?? null,
    `/api/v1/commons/${commons.id}/proposals/${encodeURIComponent(pid)}/positions`,
    (x) => x.accountId,
  );
  const [withdrawError, setWithdrawError] = useState<unknown>(null);
  const status = res.data?.status;
  // A decision may have changed the commons (a new member, new rules): refresh it once the proposal closes.
  const lastStatus = useRef(status);
  useEffect(() => {
    if (lastStatus.current === 'open' && status && status !== 'open') void reload();
    lastStatus.current = status;
  }, [status, reload]);
  if (res.error) return <LoadError error={res.error} retry={asyncHandler(res.reload)} />;
  if (!res.data) return <Loading />;
  const p = res.data;
  const withdraw = async () => {
    if (!window.confirm(t('proposal.withdrawConfirm'))) return;
    try {
      res.set(await api.post(`/api/v1/commons/${commons.id}/proposals/${p.id}/withdraw`));
    } catch (err) {
      setWithdrawError(err);
    }
  };
  const afterPosition = (next: Proposal) => res.set(next);
  return (
    <article className="proposal">
      <p className="breadcrumb">
        <Link to={`/c/${commons.id}/proposals`}>{t('proposal.back')}</Link>
      </p>
      <div className="proposal-item-head">
        <StatusBadge status={p.status} />
        <span className="kind">{actionLabel(t, p.action.kind)}</span>
      </div>
      <PageTitle title={`${p.title} · ${commons.name}`}>{p.title}</PageTitle>
      <p className="meta">
        {t('proposal.by', { name: p.proposer.displayName })} ·{' '}
        {t('proposal.opened', { date: date(p.openedAt) })}
      </p>

      <div className="grid">
        <div className="main-col">
          <section aria-labelledby="what-heading">
            <h2 id="what-heading">{p.status === 'open' ? t('proposal.what') : t('proposal.whatClosed')}</h2>
            <p className="action-summary">{describeAction(t, p.action, commons, p.people)}</p>
            <ActionDetails proposal={p} commons={commons} />
            {p.amendment && (
              <section className="amendment-diff" aria-labelledby="amendment-heading">
                <h3 id="amendment-heading">{t('proposal.amendmentHeading')}</h3>
                <DiffList lines={p.amendment.lines} commons={commons} />
                {p.amendment.tier && (
                  <p className="meta">
                    {t('proposal.amendmentTier', { tier: tierName(t, p.amendment.tier) })}
                  </p>
                )}
              </section>
            )}
            {p.body && (
              <>
                <h3>{t('proposal.why')}</h3>
                <Markdown className="prose" text={p.body} />
              </>
            )}
          </section>

          {p.replay && <AmendmentReplay key={p.replay} commons={commons} path={p.replay} />}

          <Decision proposal={p} commons={commons} />

          {p.election && <ElectionPanel key={p.id} proposal={p} commons={commons} onSaved={afterPosition} />}

          {p.canTakePosition &&
            !p.election &&
            (p.question ? (
              <BallotForm key={p.id} proposal={p} commons={commons} onSaved={afterPosition} />
            ) : (
              <PositionForm key={p.id} proposal={p} commons={commons} onSaved={afterPosition} />
            ))}

          <Waiting proposal={p} commons={commons} />

          <section aria-labelledby="positions-heading">
            <h2 id="positions-heading">{t('positions.heading', { count: p.positions.total })}</h2>
            {p.positions.total === 0 && <p className="muted">{t('positions.none')}</p>}
            <ul className="positions">
              {positions.items.map((x) => (
                <li key={x.accountId} className={`position position-${x.stance}`}>
                  <p>
                    <strong>{x.displayName}</strong>{' '}
                    {x.ballot && p.question ? (
                      <span className="ballot-summary">{ballotSummary(p.question, x.ballot)}</span>
                    ) : x.ballot && p.election && 'ranking' in x.ballot ? (
                      <span className="ballot-summary">
                        {x.ballot.ranking
                          .map(
                            (id, i) =>
                              `${i + 1}. ${p.people.find((m) => m.accountId === id)?.displayName ?? id}`,
                          )
                          .join(', ') || '—'}
                      </span>
                    ) : (
                      <span className={`stance-tag stance-tag-${x.stance}`}>
                        {stanceLabel(t, x.stance, p.procedure)}
                      </span>
                    )}
                  </p>
                  {x.reason ? (
                    <Markdown className="reason" text={x.reason} />
                  ) : (
                    <p className="muted">{t('positions.noReason')}</p>
                  )}
                  <p className="meta">
                    <time dateTime={x.at}>{date(x.at)}</time>
                  </p>
                </li>
              ))}
            </ul>
            <FormError error={positions.error} />
            {positions.hasMore && (
              <button type="button" className="link-button" onClick={asyncHandler(positions.loadMore)}>
                {t('common.more')}
              </button>
            )}
          </section>

          <Discussion proposal={p} commons={commons} onPosted={asyncHandler(res.reload)} />
        </div>

        <aside className="side-col" aria-label={t('proposal.howDecided')}>
          <section className="card" aria-labelledby="rule-heading">
            <h2 id="rule-heading">{t('proposal.howDecided')}</h2>
            <p>{describeProcedure(t, p.procedure, classLabel(t, commons))}</p>
            {p.procedure.type === 'chambers' &&
              commons.me?.status === 'member' &&
              commons.me.classes.length > 0 && (
                <p className="hint">
                  {t('chambers.yours', {
                    count: commons.me.classes.length,
                    classes: commons.me.classes.map(classLabel(t, commons)).join(', '),
                  })}
                </p>
              )}
            <p className="meta">{t('proposal.ruleVersion', { version: p.ruleVersion })}</p>
            {p.status === 'open' && (
              <>
                <p>{t('proposal.closes', { date: date(p.closesAt) })}</p>
                <p className="meta">{t('proposal.electorate', { count: p.electorate })}</p>
                {p.procedure.type === 'role' && p.procedure.objectionHours > 0 && (
                  <p className="meta">
                    {t('proposal.objectionWindow', { time: duration(t, p.procedure.objectionHours) })}
                  </p>
                )}
                <h3>{t('proposal.soFar')}</h3>
                {p.question || p.election ? (
                  <p className="meta">
                    {t('decision.participation', {
                      count: p.counts.electorate,
                      participants: p.counts.participants,
                    })}
                  </p>
                ) : (
                  <Counts proposal={p} />
                )}
              </>
            )}
            {p.status === 'withdrawn' && <p>{t('proposal.withdrawn')}</p>}
            {!p.canTakePosition && p.status === 'open' && commons.me?.status !== 'member' && (
              <p className="muted">{t('proposal.membersOnly')}</p>
            )}
            {p.canWithdraw && (
              <>
                <FormError error={withdrawError} />
                <button type="button" className="button quiet" onClick={asyncHandler(withdraw)}>
                  {t('proposal.withdraw')}
                </button>
              </>
            )}
          </section>
        </aside>
      </div>
    </article>
  );
}
