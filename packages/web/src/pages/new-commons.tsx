import { useState, type FormEvent } from 'react';
import { api } from '../api/client';
import { ACTION_KINDS, type StakeholderClass, type Template } from '../api/types';
import { LIMITS } from '@peergov/kernel/limits';
import { Field, FormError, LoadError, Loading, PageTitle, tooLong } from '../components/ui';
import { useResource } from '../components/use-resource';
import { actionLabel, describeProcedure, ruleOf } from '../describe';
import { useI18n, type Translate } from '../i18n';
import type { MessageKey } from '../i18n/en';
import { Link, navigate, useLocation } from '../router';
import { useSession } from '../session';
import { Steps } from './home';
import { asyncHandler } from '../components/async-handler';
import { useSubmission } from '../components/submission';
import { describeTrigger } from '../components/triggers';

/** A template's name, description, when it suits and what it gives up, in the reader's language where known. */
export function templateText<F extends 'name' | 'description' | 'suits' | 'givesUp'>(
  t: Translate,
  tpl: Pick<Template, 'id' | F>,
  field: F,
): string {
  const key = `template.${tpl.id}.${field}` as MessageKey;
  const s = t(key);
  return s === key ? tpl[field] : s;
}

/** A stakeholder class's name in the reader's language where the app knows it. */
export function className(t: Translate, c: StakeholderClass, field: 'name' | 'description' = 'name') {
  const key = `class.${c.id}.${field}` as MessageKey;
  const s = t(key);
  return s === key ? c[field] : s;
}

export function SignInRequired({ next }: { next: string }) {
  const { t } = useI18n();
  return (
    <div className="alert alert-info">
      <p>{t('auth.required')}</p>
      <p className="actions">
        <Link className="button primary" to={`/signin?next=${encodeURIComponent(next)}`}>
          {t('nav.signIn')}
        </Link>
        <Link className="button secondary" to={`/signup?next=${encodeURIComponent(next)}`}>
          {t('nav.signUp')}
        </Link>
      </p>
    </div>
  );
}

export function NewCommonsPage() {
  const { t, day } = useI18n();
  const session = useSession();
  const { search } = useLocation();
  const first = search.get('first') === '1';
  const templates = useResource('/api/v1/templates');
  const [name, setName] = useState('');
  const [purpose, setPurpose] = useState('');
  const [charter, setCharter] = useState('');
  const [template, setTemplate] = useState('single-class');
  const [classes, setClasses] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const { busy, run } = useSubmission();

  if (!session.account) {
    return (
      <section className="narrow">
        <PageTitle title={t('newCommons.title')}>{t('newCommons.title')}</PageTitle>
        <SignInRequired next="/commons/new" />
      </section>
    );
  }

  const chosen = templates.data?.find((x) => x.id === template);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = t('newCommons.nameRequired');
    setErrors(errs);
    // An over-long field says so beside itself; nothing is sent, and nothing is cut to fit.
    const over =
      tooLong(name, LIMITS.name) || tooLong(purpose, LIMITS.purpose) || tooLong(charter, LIMITS.charter);
    if (Object.keys(errs).length || over) return;
    try {
      await run(async (idempotencyKey) => {
        const c = await api.post(
          '/api/v1/commons',
          {
            name: name.trim(),
            purpose: purpose.trim(),
            charter: charter.trim(),
            template,
            ...(classes.length ? { classes } : {}),
          },
          { idempotencyKey },
        );
        void session.refreshSetup();
        navigate(`/c/${c.id}${first ? '?welcome=1' : ''}`);
      });
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="narrow">
      <PageTitle title={t('newCommons.title')}>{t('newCommons.title')}</PageTitle>
      {first && (
        <>
          <Steps current={2} />
          <p className="lead">{t('firstRun.commonsText')}</p>
        </>
      )}
      <form onSubmit={asyncHandler(submit)} noValidate className="stack card">
        <FormError error={error} />
        <Field
          label={t('newCommons.name')}
          hint={t('newCommons.nameHint')}
          error={errors.name}
          limit={{ value: name, max: LIMITS.name }}
        >
          {(p) => <input {...p} type="text" value={name} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <Field
          label={t('newCommons.purpose')}
          hint={t('newCommons.purposeHint')}
          limit={{ value: purpose, max: LIMITS.purpose }}
        >
          {(p) => <textarea {...p} rows={2} value={purpose} onChange={(e) => setPurpose(e.target.value)} />}
        </Field>
        <Field
          label={t('newCommons.charter')}
          hint={t('newCommons.charterHint')}
          limit={{ value: charter, max: LIMITS.charter }}
        >
          {(p) => <textarea {...p} rows={4} value={charter} onChange={(e) => setCharter(e.target.value)} />}
        </Field>
        <fieldset className="choices">
          <legend>{t('newCommons.template')}</legend>
          <p className="hint">{t('newCommons.templateHint')}</p>
          {templates.error && <LoadError error={templates.error} retry={asyncHandler(templates.reload)} />}
          {!templates.data && !templates.error && <Loading />}
          {templates.data?.map((tpl) => (
            <div key={tpl.id} className={`choice${tpl.id === template ? ' chosen' : ''}`}>
              <input
                type="radio"
                name="template"
                id={`tpl-${tpl.id}`}
                value={tpl.id}
                checked={tpl.id === template}
                onChange={() => {
                  // Classes belong to a template: a new template starts with none chosen.
                  setTemplate(tpl.id);
                  setClasses([]);
                }}
                aria-describedby={`tpl-${tpl.id}-desc`}
              />
              <label htmlFor={`tpl-${tpl.id}`}>
                <strong>{templateText(t, tpl, 'name')}</strong>
              </label>
              <div id={`tpl-${tpl.id}-desc`} className="choice-desc">
                <p>{templateText(t, tpl, 'description')}</p>
                <p>
                  <strong>{t('newCommons.suits')}</strong> {templateText(t, tpl, 'suits')}
                </p>
                <p>
                  <strong>{t('newCommons.givesUp')}</strong> {templateText(t, tpl, 'givesUp')}
                </p>
                {tpl.triggers.length > 0 && (
                  <p>
                    <strong>{t('newCommons.triggers')}</strong>{' '}
                    {tpl.triggers
                      .map((x) =>
                        describeTrigger(t, day, x, tpl, (id) =>
                          className(
                            t,
                            tpl.classes.find((c) => c.id === id) ?? {
                              id,
                              name: id,
                              description: '',
                              speaksFor: null,
                            },
                          ),
                        ),
                      )
                      .join(' ')}
                  </p>
                )}
              </div>
              <details>
                <summary>{t('newCommons.howItDecides')}</summary>
                <dl className="rules compact">
                  {ACTION_KINDS.map((k) => (
                    <div key={k}>
                      <dt>{actionLabel(t, k)}</dt>
                      <dd>{describeProcedure(t, ruleOf(tpl.rules, k))}</dd>
                    </div>
                  ))}
                </dl>
              </details>
            </div>
          ))}
        </fieldset>
        {chosen && chosen.classes.length > 1 && (
          <fieldset className="choices">
            <legend>{t('newCommons.yourClasses')}</legend>
            <p className="hint">{t('newCommons.yourClassesHint')}</p>
            {chosen.classes.map((c) => (
              <div key={c.id} className="check">
                <input
                  type="checkbox"
                  id={`class-${c.id}`}
                  checked={classes.includes(c.id)}
                  onChange={(e) =>
                    setClasses(e.target.checked ? [...classes, c.id] : classes.filter((x) => x !== c.id))
                  }
                />
                <label htmlFor={`class-${c.id}`}>
                  {className(t, c)} <span className="muted">— {className(t, c, 'description')}</span>
                </label>
              </div>
            ))}
          </fieldset>
        )}
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.working') : t('newCommons.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}
