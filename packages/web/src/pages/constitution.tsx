import { ACTION_KINDS, type ActionKind } from '../api/types';
import { PageTitle } from '../components/ui';
import { actionLabel, describeProcedure, procedureName, ruleOf } from '../describe';
import { useI18n } from '../i18n';
import { Link } from '../router';
import type { CommonsProps } from './commons-shell';
import { className } from './new-commons';
import { classLabel } from '../components/chambers';
import { AdoptTemplate, describeRuleReason, Reviews, RulesForRules } from '../components/triggers';
import { DomainsView, TiersSection } from '../components/rules';

const PARTS = ['propose', 'comment', 'withdraw', 'invite', 'see'] as const;
type Audience = NonNullable<CommonsProps['commons']['constitution']['participation'][(typeof PARTS)[number]]>;

export function ConstitutionPage({ commons, changes }: CommonsProps) {
  const { t, day } = useI18n();
  const c = commons.constitution;
  const base = `/c/${commons.id}`;
  // Offered as the server answers whether this person may propose (members, in a commons that is not read-only).
  const canPropose = commons.can.propose;
  const roleName = (id: string) => commons.roles.find((r) => r.id === id)?.name ?? id;
  const audienceText = (a: Audience) =>
    a.who === 'roles'
      ? t('audience.roles', { roles: a.roles.map(roleName).join(', ') })
      : t(`audience.${a.who}`);
  const changeLink = (k: ActionKind) => (
    <Link to={`${base}/proposals/new?kind=amend_constitution&rule=${k}`} className="small-link">
      {t('constitution.changeRule')}
      <span className="visually-hidden"> ({actionLabel(t, k)})</span>
    </Link>
  );
  return (
    <>
      <div className="section-head">
        <PageTitle title={`${t('constitution.title')} · ${commons.name}`}>
          {t('constitution.title')}
        </PageTitle>
        {canPropose && (
          <Link className="button primary" to={`${base}/proposals/new?kind=amend_constitution`}>
            {t('constitution.propose')}
          </Link>
        )}
      </div>
      <p className="lead">{t('constitution.intro')}</p>
      <p className="meta">
        {c.changedBy ? (
          t(`rules.changedBy.${c.changedBy.by}`, {
            version: c.version,
            date: day(c.adoptedAt),
            reason: describeRuleReason(t, day, c.changedBy.reason, commons, classLabel(t, commons)),
          })
        ) : c.adoptedBy ? (
          <>
            {t('constitution.versionAmended', { version: c.version, date: day(c.adoptedAt) })}{' '}
            <Link to={`${base}/proposals/${c.adoptedBy}`}>{t('constitution.seeProposal')}</Link>
          </>
        ) : (
          t('constitution.versionFounding', { version: c.version, date: day(c.adoptedAt) })
        )}
      </p>

      {c.domains.length > 0 && (
        <DomainsView commons={commons} changeLink={canPropose ? changeLink : undefined} />
      )}
      {c.domains.length === 0 && (
        <section aria-labelledby="rules-list-heading">
          <h2 id="rules-list-heading">{t('constitution.rulesHeading')}</h2>
          <dl className="rules constitution-rules">
            {ACTION_KINDS.map((k) => (
              <div key={k} className="rule">
                <dt>
                  {actionLabel(t, k)}{' '}
                  <span className="proc-tag">{procedureName(t, ruleOf(c.rules, k).type)}</span>
                </dt>
                <dd>
                  <p>{describeProcedure(t, ruleOf(c.rules, k), classLabel(t, commons))}</p>
                  {canPropose && (
                    <Link
                      to={`${base}/proposals/new?kind=amend_constitution&rule=${k}`}
                      className="small-link"
                    >
                      {t('constitution.changeRule')}
                      <span className="visually-hidden"> ({actionLabel(t, k)})</span>
                    </Link>
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </section>
      )}

      <TiersSection commons={commons} />

      <RulesForRules commons={commons} />
      <Reviews commons={commons} changes={changes} />

      <section aria-labelledby="participation-heading">
        <h2 id="participation-heading">{t('constitution.participationHeading')}</h2>
        <ul className="plain participation">
          {PARTS.map((part) => (
            <li key={part}>
              {t(`constitution.part.${part}`, {
                who: audienceText(c.participation[part] ?? { who: 'members' }),
              })}
            </li>
          ))}
          <li>{t('constitution.part.vote')}</li>
        </ul>
      </section>

      <section aria-labelledby="classes-heading">
        <h2 id="classes-heading">{t('constitution.classes')}</h2>
        <ul className="plain">
          {commons.classes.map((x) => (
            <li key={x.id}>
              <strong>{className(t, x)}</strong> — {className(t, x, 'description')}
              {x.speaksFor && (
                <span className="meta"> {t('constitution.speaksFor', { what: x.speaksFor })}</span>
              )}
            </li>
          ))}
        </ul>
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">{t('constitution.history')}</h2>
        <ol className="history">
          {[
            ...commons.history,
            { version: c.version, adoptedAt: c.adoptedAt, adoptedBy: c.adoptedBy, changedBy: c.changedBy },
          ].map((h) => (
            <li key={h.version}>
              {t('constitution.historyItem', { version: h.version, date: day(h.adoptedAt) })}{' '}
              {h.changedBy ? (
                t('rules.historyChanged', {
                  reason: describeRuleReason(t, day, h.changedBy.reason, commons, classLabel(t, commons)),
                })
              ) : h.adoptedBy ? (
                <Link to={`${base}/proposals/${h.adoptedBy}`}>{t('constitution.seeProposal')}</Link>
              ) : (
                t('constitution.founding')
              )}
              {h.version === c.version && (
                <span className="badge badge-member">{t('constitution.current')}</span>
              )}
            </li>
          ))}
        </ol>
      </section>

      <AdoptTemplate commons={commons} />
    </>
  );
}
