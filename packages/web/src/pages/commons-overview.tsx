import { InviteForm } from './invitation';
import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ProposalList } from '../components/proposal-list';
import { LIMITS } from '@peergov/kernel/limits';
import { Field, FormError, LoadError, Loading, PageTitle, tooLong } from '../components/ui';
import { useResource } from '../components/use-resource';
import { usePages } from '../components/use-pages';
import { touchesCommons, touchesProposals, useChanges } from '../components/use-live-updates';
import type { Member } from '../api/types';
import { actionLabel } from '../describe';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import type { CommonsProps } from './commons-shell';
import { Steps } from './home';
import { className, SignInRequired } from './new-commons';
import { asyncHandler } from '../components/async-handler';
import { useSubmission } from '../components/submission';

function ApplyForm({ commons }: Pick<CommonsProps, 'commons' | 'reload'>) {
  const { t } = useI18n();
  const [statement, setStatement] = useState('');
  const [classes, setClasses] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const { busy, run } = useSubmission();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (tooLong(statement, LIMITS.statement)) return;
    try {
      await run(async (idempotencyKey) => {
        const p = await api.post(
          `/api/v1/commons/${commons.id}/applications`,
          { statement: statement.trim(), ...(classes.length ? { classes } : {}) },
          { idempotencyKey },
        );
        navigate(`/c/${commons.id}/proposals/${p.id}`);
      });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={asyncHandler(submit)} className="stack">
      <FormError error={error} />
      <Field
        label={t('apply.statement')}
        hint={t('apply.statementHint')}
        limit={{ value: statement, max: LIMITS.statement }}
      >
        {(p) => <textarea {...p} rows={3} value={statement} onChange={(e) => setStatement(e.target.value)} />}
      </Field>
      {commons.classes.length > 1 && (
        <fieldset className="choices">
          <legend>{t('apply.classes')}</legend>
          {commons.classes.map((c) => (
            <div key={c.id} className="check">
              <input
                type="checkbox"
                id={`apply-class-${c.id}`}
                checked={classes.includes(c.id)}
                onChange={(e) =>
                  setClasses(e.target.checked ? [...classes, c.id] : classes.filter((x) => x !== c.id))
                }
              />
              <label htmlFor={`apply-class-${c.id}`}>{className(t, c)}</label>
            </div>
          ))}
        </fieldset>
      )}
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {t('apply.submit')}
        </button>
      </div>
    </form>
  );
}

const memberKey = (m: Member) => m.accountId;

export function CommonsOverview({ commons, reload, live }: CommonsProps) {
  const { t, day } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  // The open proposals when an append touched a proposal; the member lists when the membership changed.
  const open = useResource(
    `/api/v1/commons/${commons.id}/proposals?status=open`,
    useChanges(live, touchesProposals),
  );
  const membership = useChanges(live, (c) => touchesCommons(c) && (!c.complete || c.accounts.length > 0));
  const memberPath = `/api/v1/commons/${commons.id}/members?status=member`;
  const applicantPath = `/api/v1/commons/${commons.id}/members?status=applicant`;
  const firstMembers = useResource(memberPath, membership);
  const firstApplicants = useResource(applicantPath, membership);
  const members = usePages(firstMembers.data, memberPath, memberKey);
  const applicants = usePages(firstApplicants.data, applicantPath, memberKey);
  const base = `/c/${commons.id}`;
  const isMember = commons.me?.status === 'member';
  const classOf = (id: string) => commons.classes.find((c) => c.id === id);
  const roleName = (id: string) => commons.roles.find((r) => r.id === id)?.name ?? id;

  const [leaveError, setLeaveError] = useState<unknown>(null);
  const leave = async () => {
    if (!window.confirm(t('commons.leaveConfirm', { name: commons.name }))) return;
    try {
      await api.post(`/api/v1/commons/${commons.id}/leave`);
      setLeaveError(null);
      await reload();
    } catch (err) {
      setLeaveError(err);
    }
  };

  return (
    <>
      <PageTitle title={commons.name}>{commons.name}</PageTitle>
      {commons.purpose && <p className="lead">{commons.purpose}</p>}

      {search.get('welcome') === '1' && isMember && (
        <section className="card welcome" aria-labelledby="welcome-heading">
          <Steps current={3} />
          <h2 id="welcome-heading">{t('welcome.heading')}</h2>
          <p>{t('welcome.text')}</p>
          <p className="actions">
            <Link className="button primary" to={`${base}/proposals/new?kind=admit_member`}>
              {t('commons.invite')}
            </Link>
            <Link className="button secondary" to={`${base}/constitution`}>
              {t('welcome.readRules')}
            </Link>
          </p>
        </section>
      )}

      <div className="grid">
        <div className="main-col">
          <section aria-labelledby="open-heading">
            <div className="section-head">
              <h2 id="open-heading">{t('commons.openProposals')}</h2>
              {commons.can.propose && (
                <Link className="button primary" to={`${base}/proposals/new`}>
                  {t('commons.propose')}
                </Link>
              )}
            </div>
            {open.error && <LoadError error={open.error} retry={asyncHandler(open.reload)} />}
            {!open.data && !open.error && <Loading />}
            {open.data && open.data.length === 0 && <p className="muted">{t('commons.noOpenProposals')}</p>}
            {open.data && open.data.length > 0 && (
              <ProposalList commonsId={commons.id} proposals={open.data} />
            )}
            <p>
              <Link to={`${base}/proposals`}>{t('commons.allProposals')}</Link>
            </p>
          </section>

          {commons.charter && (
            <section aria-labelledby="charter-heading">
              <h2 id="charter-heading">{t('commons.charter')}</h2>
              <div className="prose">
                {commons.charter.split(/\n{2,}/).map((para, i) => (
                  <p key={i}>{para}</p>
                ))}
              </div>
            </section>
          )}

          <section aria-labelledby="rules-heading">
            <h2 id="rules-heading">{t('commons.rules')}</h2>
            <p>
              {t('commons.rulesSummary', {
                version: commons.constitution.version,
                date: day(commons.constitution.adoptedAt),
              })}{' '}
              <Link to={`${base}/constitution`}>{t('commons.readConstitution')}</Link>
            </p>
          </section>
        </div>

        <aside className="side-col" aria-label={t('commons.aboutMembers')}>
          <section className="card" aria-labelledby="membership-heading">
            <h2 id="membership-heading">{t('commons.membership')}</h2>
            {!session.account && <SignInRequired next={base} />}
            {session.account && isMember && (
              <>
                <p>
                  {t('commons.memberSince', {
                    date: day(commons.me?.since ?? commons.createdAt),
                  })}
                </p>
                <FormError error={leaveError} />
                <p className="actions">
                  <Link className="button secondary" to={`${base}/proposals/new?kind=admit_member`}>
                    {t('commons.invite')}
                  </Link>
                  <button type="button" className="button quiet" onClick={asyncHandler(leave)}>
                    {t('commons.leave')}
                  </button>
                </p>
              </>
            )}
            {session.account && commons.me?.status === 'applicant' && (
              <p>{t('commons.applicationPending')}</p>
            )}
            {session.account && !isMember && commons.me?.status !== 'applicant' && (
              <>
                <p>{t('apply.intro')}</p>
                <ApplyForm commons={commons} reload={reload} />
              </>
            )}
          </section>

          {session.account && commons.can.invite && <InviteForm commons={commons} />}

          <section className="card" aria-labelledby="members-heading">
            <h2 id="members-heading">
              {t('commons.members', { count: commons.memberCounts.byStatus.member })}
            </h2>
            <ul className="people">
              {members.items.map((m) => (
                <li key={m.accountId}>
                  <span className="avatar" aria-hidden="true">
                    {m.displayName.slice(0, 1).toUpperCase()}
                  </span>
                  <span>
                    <strong>{m.displayName}</strong>
                    {(m.roles.length > 0 || commons.classes.length > 1) && (
                      <span className="meta">
                        {' '}
                        {[
                          ...(commons.classes.length > 1
                            ? m.classes.map((c) => (classOf(c) ? className(t, classOf(c)!) : c))
                            : []),
                          ...m.roles.map(roleName),
                        ].join(' · ')}
                      </span>
                    )}
                  </span>
                </li>
              ))}
            </ul>
            <FormError error={members.error} />
            {members.hasMore && (
              <button type="button" className="link-button" onClick={asyncHandler(members.loadMore)}>
                {t('common.more')}
              </button>
            )}
            {commons.memberCounts.byStatus.applicant > 0 && (
              <>
                <h3>{t('commons.applicants', { count: commons.memberCounts.byStatus.applicant })}</h3>
                <ul className="people">
                  {applicants.items.map((m) => (
                    <li key={m.accountId}>
                      <span className="avatar muted-avatar" aria-hidden="true">
                        {m.displayName.slice(0, 1).toUpperCase()}
                      </span>
                      {m.displayName}
                    </li>
                  ))}
                </ul>
                <FormError error={applicants.error} />
                {applicants.hasMore && (
                  <button type="button" className="link-button" onClick={asyncHandler(applicants.loadMore)}>
                    {t('common.more')}
                  </button>
                )}
              </>
            )}
          </section>

          <section className="card" aria-labelledby="roles-heading">
            <h2 id="roles-heading">{t('commons.roles')}</h2>
            {commons.roles.length === 0 && <p className="muted">{t('commons.noRoles')}</p>}
            <ul className="roles">
              {commons.roles.map((r) => (
                <li key={r.id}>
                  <strong>{r.name}</strong>
                  {r.description && <p>{r.description}</p>}
                  <p className="meta">
                    {r.mandate.length > 0
                      ? t('role.mandate', { kinds: r.mandate.map((k) => actionLabel(t, k)).join(', ') })
                      : t('role.noMandate')}
                    {' · '}
                    {r.termDays === null ? t('role.noTerm') : t('role.term', { count: r.termDays })}
                  </p>
                  <p className="meta">
                    {r.holders.length === 0
                      ? t('role.vacant')
                      : t('role.heldBy', { names: r.holders.map((h) => h.displayName).join(', ') })}
                  </p>
                  {commons.can.propose && (
                    <p className="meta">
                      <Link
                        to={`${base}/proposals/new?kind=change_role&role=${encodeURIComponent(r.id)}`}
                        aria-label={t('commons.proposeRoleChangeOf', { name: r.name })}
                      >
                        {t('commons.proposeRoleChange')}
                      </Link>
                    </p>
                  )}
                </li>
              ))}
            </ul>
            {commons.can.propose && (
              <p>
                <Link to={`${base}/proposals/new?kind=create_role`}>{t('commons.proposeRole')}</Link>
              </p>
            )}
          </section>
        </aside>
      </div>
    </>
  );
}
