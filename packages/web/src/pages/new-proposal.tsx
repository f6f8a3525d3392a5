import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api/client';
import {
  DiffList,
  ProblemList,
  StructureEditor,
  useAmendmentPreview,
  type Structure,
} from '../components/rules';
import { ACTION_KINDS, type Action, type ActionKind, type Procedure } from '../api/types';
import { defaultProcedure, ProcedureEditor, procedureErrors } from '../components/procedure-editor';
import { LIMITS } from '@peergov/kernel/limits';
import { classLabel } from '../components/chambers';
import { errorText, Field, FormError, Notice, PageTitle, tooLong } from '../components/ui';
import { actionLabel, describeAction, describeProcedure, ruleOf, tierName } from '../describe';
import { useI18n } from '../i18n';
import { Link, navigate, useLocation } from '../router';
import type { CommonsProps } from './commons-shell';
import { className } from './new-commons';
import { asyncHandler } from '../components/async-handler';
import { useSubmission } from '../components/submission';
import { useResource } from '../components/use-resource';
import { RESOURCE_KINDS, useResourceFields } from '../components/resource-fields';
import { describeTrigger } from '../components/triggers';
import { templateText } from './new-commons';
import type { Trigger } from '../api/types';
import { ReplayPanel } from '../components/replay';

// The kinds a person proposes from this form (the others follow from applying or are rare).
export const KINDS: ActionKind[] = [
  'admit_member',
  'resolution',
  'create_role',
  'elect_role',
  'assign_role',
  'unassign_role',
  'change_role',
  'remove_member',
  'adopt_charter',
  'amend_constitution',
  // Resources (issue 15): components/resource-fields.tsx
  ...RESOURCE_KINDS,
];

interface RuleChange {
  kind: ActionKind;
  procedure: Procedure;
}

function slug(name: string): string {
  const s = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return s || 'role';
}

export function NewProposalPage({ commons }: CommonsProps) {
  const { t, day } = useI18n();
  const { search } = useLocation();
  const initialKind = (ACTION_KINDS as readonly string[]).includes(search.get('kind') ?? '')
    ? (search.get('kind') as ActionKind)
    : 'resolution';
  const initialRule = search.get('rule') as ActionKind | null;
  const [kind, setKind] = useState<ActionKind>(initialKind);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  // A later closing time than the rule's earliest, in the reader's local time (empty: as early as the rule allows).
  const [closesAt, setClosesAt] = useState('');
  // Per-kind fields.
  const [email, setEmail] = useState('');
  const [classes, setClasses] = useState<string[]>([]);
  const [accountId, setAccountId] = useState('');
  // Members to choose from: a page of them, narrowed by a search by name (a commons may have thousands).
  const [find, setFind] = useState('');
  // The role a link names (?role=), else the first; opened to change it, the form starts from the role as it is.
  const initialRole = commons.roles.find((r) => r.id === search.get('role')) ?? commons.roles[0];
  const editing = initialKind === 'change_role' ? initialRole : undefined;
  const [roleId, setRoleId] = useState(initialRole?.id ?? '');
  const [roleName, setRoleName] = useState(editing?.name ?? '');
  const [roleDescription, setRoleDescription] = useState(editing?.description ?? '');
  const [mandate, setMandate] = useState<ActionKind[]>(editing?.mandate ?? []);
  const [seats, setSeats] = useState<string>('1');
  const [termDays, setTermDays] = useState<string>(
    editing?.termDays === null || editing?.termDays === undefined ? '' : String(editing.termDays),
  );
  const [purpose, setPurpose] = useState(commons.purpose);
  const [charter, setCharter] = useState(commons.charter);
  const [text, setText] = useState('');
  // A poll's options (when the rule for resolutions is a poll); ids are made here, labels typed.
  const [options, setOptions] = useState<{ label: string; statusQuo: boolean }[]>([
    { label: '', statusQuo: false },
    { label: '', statusQuo: false },
  ]);
  const isPoll = kind === 'resolution' && commons.constitution.rules.resolution?.type === 'poll';
  const [changes, setChanges] = useState<RuleChange[]>(() => {
    const k =
      initialRule && (ACTION_KINDS as readonly string[]).includes(initialRule) ? initialRule : 'admit_member';
    return [{ kind: k, procedure: ruleOf(commons.constitution.rules, k) }];
  });
  // An amendment's domains and tiers (undefined: unchanged).
  const [structure, setStructure] = useState<Structure>({ domains: undefined, tiers: undefined });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const { busy, run } = useSubmission();
  // Rules for rules: a decision's review date; an amendment that adopts a template (?template=) or follows a review.
  const [reviewAt, setReviewAt] = useState('');
  const adopting = initialKind === 'amend_constitution' ? search.get('template') : null;
  const fromReview = initialKind === 'amend_constitution' && search.get('review') !== null;
  const templates = useResource(adopting ? '/api/v1/templates' : null);
  const template = templates.data?.find((x) => x.id === adopting);
  const [templateTriggers, setTemplateTriggers] = useState<Trigger[]>([]);
  // Once, when the template arrives (React's "adjusting state when a prop changes", during render): the template's
  // rules that differ from the rules in force fill the editor; its triggers come along where they name what this
  // commons has (its classes, its roles).
  const [applied, setApplied] = useState<string | null>(null);
  if (template && applied !== template.id) {
    setApplied(template.id);
    const differ = ACTION_KINDS.filter(
      (k) =>
        JSON.stringify(ruleOf(template.rules, k)) !== JSON.stringify(ruleOf(commons.constitution.rules, k)),
    );
    if (differ.length > 0) setChanges(differ.map((k) => ({ kind: k, procedure: ruleOf(template.rules, k) })));
    setTemplateTriggers(
      template.triggers.filter((x) =>
        x.when.type === 'class_size'
          ? commons.classes.some((c) => c.id === (x.when as { classId: string }).classId)
          : x.when.type === 'mandate_lapse'
            ? commons.roles.some((r) => r.id === (x.when as { roleId: string }).roleId)
            : true,
      ),
    );
    if (!title)
      setTitle(t('rules.adopt', { name: templateText(t, template, 'name') }).slice(0, LIMITS.title));
  }

  const base = `/c/${commons.id}`;
  const choices = useResource(
    `/api/v1/commons/${commons.id}/members?status=member&limit=200${find.trim() ? `&q=${encodeURIComponent(find.trim())}` : ''}`,
  );
  const members = choices.data?.items ?? [];
  const others = members.filter((m) => m.accountId !== commons.me?.accountId);
  const role = commons.roles.find((r) => r.id === roleId);
  const resource = useResourceFields(commons, kind, members, errors);

  const chooseRole = (id: string) => {
    setRoleId(id);
    setAccountId('');
    const r = commons.roles.find((x) => x.id === id);
    if (r && kind === 'change_role') {
      setRoleName(r.name);
      setRoleDescription(r.description);
      setMandate(r.mandate);
      setTermDays(r.termDays === null ? '' : String(r.termDays));
    }
  };
  const chooseKind = (k: ActionKind) => {
    setKind(k);
    setErrors({});
    setError(null);
    setAccountId('');
    if (k === 'change_role' && role) {
      setRoleName(role.name);
      setRoleDescription(role.description);
      setMandate(role.mandate);
      setTermDays(role.termDays === null ? '' : String(role.termDays));
    } else if (k === 'create_role') {
      setRoleName('');
      setRoleDescription('');
      setMandate([]);
      setTermDays('');
    }
  };

  /** The action from the form, or field errors. */
  const build = (): { action?: Action; errs: Record<string, string> } => {
    const errs: Record<string, string> = {};
    const term = termDays.trim() === '' ? null : Number(termDays);
    if (term !== null && (!Number.isInteger(term) || term < 1 || term > 3650))
      errs.termDays = t('form.termRange');
    switch (kind) {
      case 'admit_member':
        if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email.trim())) errs.email = t('signup.emailInvalid');
        return { errs, action: { kind, email: email.trim(), ...(classes.length ? { classes } : {}) } };
      case 'remove_member':
        if (!accountId) errs.accountId = t('form.chooseMember');
        return { errs, action: { kind, accountId } };
      case 'create_role': {
        if (!roleName.trim()) errs.roleName = t('form.roleNameRequired');
        let id = slug(roleName);
        for (let i = 2; commons.roles.some((r) => r.id === id); i++) id = `${slug(roleName)}-${i}`;
        return {
          errs,
          action: {
            kind,
            roleId: id,
            name: roleName.trim(),
            description: roleDescription.trim(),
            mandate,
            termDays: term,
          },
        };
      }
      case 'change_role':
        if (!roleId) errs.roleId = t('form.chooseRole');
        if (!roleName.trim()) errs.roleName = t('form.roleNameRequired');
        return {
          errs,
          action: {
            kind,
            roleId,
            name: roleName.trim(),
            description: roleDescription.trim(),
            mandate,
            termDays: term,
          },
        };
      case 'assign_role':
      case 'unassign_role':
        if (!roleId) errs.roleId = t('form.chooseRole');
        if (!accountId) errs.accountId = t('form.chooseMember');
        return { errs, action: { kind, roleId, accountId } };
      case 'adopt_charter':
        return { errs, action: { kind, purpose: purpose.trim(), charter: charter.trim() } };
      case 'elect_role': {
        if (!roleId) errs.roleId = t('form.chooseRole');
        const n = Number(seats);
        if (!Number.isInteger(n) || n < 1 || n > 20) errs.seats = t('form.seatsRange');
        return { errs, action: { kind, roleId, seats: n } };
      }
      case 'resolution':
        if (!text.trim()) errs.text = t('form.resolutionRequired');
        if (isPoll) {
          const labels = options.map((o) => o.label.trim());
          if (labels.filter(Boolean).length < 2 || labels.some((l) => !l))
            errs.options = t('newProposal.pollHint');
        }
        return { errs, action: { kind, text: text.trim() } };
      case 'amend_constitution': {
        const rules: Partial<Record<ActionKind, Procedure>> = {};
        changes.forEach((c) => {
          if (Object.keys(procedureErrors(c.procedure)).length) errs.rules = t('form.rulesInvalid');
          // Only the rules it changes: a row left as the rule is now changes nothing.
          if (JSON.stringify(c.procedure) !== JSON.stringify(commons.constitution.rules[c.kind]))
            rules[c.kind] = c.procedure;
        });
        const more = {
          ...(structure.domains !== undefined
            ? { domains: structure.domains?.map((d) => ({ ...d, name: d.name.trim() })) ?? null }
            : {}),
          ...(structure.tiers !== undefined ? { tiers: structure.tiers } : {}),
          // A template's rules that change themselves come with its rules.
          ...(templateTriggers.length > 0 ? { triggers: templateTriggers } : {}),
        };
        if (Object.keys(rules).length === 0 && Object.keys(more).length === 0)
          errs.rules = t('form.rulesUnchanged');
        if (structure.domains?.some((d) => !d.name.trim())) errs.rules = t('form.rulesInvalid');
        if (new Set(changes.map((c) => c.kind)).size !== changes.length)
          errs.rules = t('form.rulesDuplicate');
        return { errs, action: { kind, rules, ...more } as Action };
      }
      case 'create_pool':
      case 'record_income':
      case 'spend':
      case 'book':
      case 'cancel_booking':
        return resource.build();
    }
  };

  // The amendment as it is edited, previewed by the API: its difference, what would decide it, what would refuse it.
  const draft = useMemo(() => {
    if (kind !== 'amend_constitution') return null;
    const { action, errs } = build();
    return action && Object.keys(errs).length === 0 ? action : null;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, changes, structure]);
  const preview = useAmendmentPreview(commons.id, draft);

  const suggestedTitle = useMemo(() => {
    const { action } = build();
    if (!action) return '';
    if (action.kind === 'resolution') return (action.text.split('\n', 1)[0] ?? '').slice(0, 120);
    if (action.kind === 'create_role' && !action.name) return '';
    return describeAction(t, action, commons, members);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [kind, email, accountId, roleId, roleName, text, changes, t, commons, members]);

  if (!commons.can.propose) {
    return (
      <>
        <PageTitle title={t('newProposal.title')}>{t('newProposal.title')}</PageTitle>
        <Notice>{t('newProposal.membersOnly')}</Notice>
      </>
    );
  }

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const { action, errs } = build();
    setErrors(errs);
    // An over-long field says so beside itself (Field's limit); nothing is sent, and nothing is cut to fit.
    const over = (
      [
        [title, LIMITS.title],
        [body, LIMITS.body],
        // Only the fields this kind of action shows (the others keep what was typed, unsent).
        ...(kind === 'resolution' ? ([[text, LIMITS.body]] as const) : []),
        ...(kind === 'adopt_charter'
          ? ([
              [purpose, LIMITS.purpose],
              [charter, LIMITS.charter],
            ] as const)
          : []),
        ...(kind === 'create_role' || kind === 'change_role'
          ? ([
              [roleName, LIMITS.name],
              [roleDescription, LIMITS.purpose],
            ] as const)
          : []),
        // A poll's option labels have the title's limit (QUESTION_LIMITS in the kernel's poll.ts).
        ...(isPoll ? options.map((o) => [o.label, LIMITS.title] as const) : []),
      ] as const
    ).some(([value, max]) => tooLong(value, max));
    if (Object.keys(errs).length > 0 || !action || over) {
      setError(null);
      return;
    }
    try {
      await run(async (idempotencyKey) => {
        const p = await api.post(
          `/api/v1/commons/${commons.id}/proposals`,
          {
            // The person's own title is sent as it is (its length is checked above); only a suggestion is shortened.
            title: title.trim() || (suggestedTitle || actionLabel(t, kind)).slice(0, LIMITS.title),
            body: body.trim(),
            action,
            ...(reviewAt ? { reviewAt: new Date(`${reviewAt}T12:00:00Z`).toISOString() } : {}),
            ...(closesAt && !Number.isNaN(Date.parse(closesAt))
              ? { closesAt: new Date(closesAt).toISOString() }
              : {}),
            ...(isPoll
              ? {
                  question: {
                    options: options.map((o, i) => ({
                      id: `o${i + 1}`,
                      label: o.label.trim(),
                      ...(o.statusQuo ? { statusQuo: true } : {}),
                    })),
                  },
                }
              : {}),
          },
          { idempotencyKey },
        );
        navigate(`${base}/proposals/${p.id}`);
      });
    } catch (err) {
      setError(err);
    }
  };

  const memberSelect = (list: typeof members, label: string) => (
    <>
      {(choices.data?.total ?? 0) > members.length || find ? (
        <Field label={t('form.findMember')}>
          {(p) => <input {...p} type="search" value={find} onChange={(e) => setFind(e.target.value)} />}
        </Field>
      ) : null}
      <Field label={label} error={errors.accountId}>
        {(p) => (
          <select {...p} value={accountId} onChange={(e) => setAccountId(e.target.value)}>
            <option value="">{t('form.choose')}</option>
            {list.map((m) => (
              <option key={m.accountId} value={m.accountId}>
                {m.displayName}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  );
  const roleSelect =
    commons.roles.length === 0 ? (
      <p className="muted">
        {t('form.noRoles')}{' '}
        <Link to={`${base}/proposals/new?kind=create_role`} onClick={() => chooseKind('create_role')}>
          {t('commons.proposeRole')}
        </Link>
      </p>
    ) : (
      <Field label={t('form.role')} error={errors.roleId}>
        {(p) => (
          <select {...p} value={roleId} onChange={(e) => chooseRole(e.target.value)}>
            {commons.roles.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        )}
      </Field>
    );
  const mandateFields = (
    <fieldset className="choices">
      <legend>{t('form.mandate')}</legend>
      <p className="hint">{t('form.mandateHint')}</p>
      <div className="check-grid">
        {ACTION_KINDS.map((k) => (
          <div key={k} className="check">
            <input
              id={`mandate-${k}`}
              type="checkbox"
              checked={mandate.includes(k)}
              onChange={(e) =>
                setMandate(e.target.checked ? [...mandate, k] : mandate.filter((x) => x !== k))
              }
            />
            <label htmlFor={`mandate-${k}`}>{actionLabel(t, k)}</label>
          </div>
        ))}
      </div>
    </fieldset>
  );
  const roleFields = (
    <>
      <Field label={t('form.roleName')} error={errors.roleName} limit={{ value: roleName, max: LIMITS.name }}>
        {(p) => <input {...p} type="text" value={roleName} onChange={(e) => setRoleName(e.target.value)} />}
      </Field>
      <Field label={t('form.roleDescription')} limit={{ value: roleDescription, max: LIMITS.purpose }}>
        {(p) => (
          <textarea
            {...p}
            rows={2}
            value={roleDescription}
            onChange={(e) => setRoleDescription(e.target.value)}
          />
        )}
      </Field>
      {mandateFields}
      <Field label={t('form.termDays')} hint={t('form.termDaysHint')} error={errors.termDays}>
        {(p) => (
          <input
            {...p}
            type="number"
            inputMode="numeric"
            min={1}
            max={3650}
            value={termDays}
            onChange={(e) => setTermDays(e.target.value)}
          />
        )}
      </Field>
    </>
  );

  const taken = new Set(changes.map((c) => c.kind));
  // The amendment's rules as the replay takes them, once the form finds nothing wrong with them.
  const built = kind === 'amend_constitution' ? build() : null;
  const draftRules =
    built?.action?.kind === 'amend_constitution' && !built.errs.rules && !built.errs.termDays
      ? built.action.rules
      : null;

  return (
    <>
      <PageTitle title={`${t('newProposal.title')} · ${commons.name}`}>{t('newProposal.title')}</PageTitle>
      <form onSubmit={asyncHandler(submit)} noValidate className="stack card form-width">
        {error instanceof ApiError && error.problems && error.problems.length > 0 ? (
          <div className="alert alert-error" role="alert">
            <p>
              {errorText(t, error)} {t('amend.refused')}
            </p>
            <ProblemList problems={error.problems} />
          </div>
        ) : (
          <FormError error={error} />
        )}
        {Object.keys(errors).length > 0 && (
          <div className="alert alert-error" role="alert">
            {t('form.fixErrors', { count: Object.keys(errors).length })}
          </div>
        )}
        <Field label={t('newProposal.kind')}>
          {(p) => (
            <select {...p} value={kind} onChange={(e) => chooseKind(e.target.value as ActionKind)}>
              {KINDS.map((k) => (
                <option key={k} value={k}>
                  {actionLabel(t, k)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p className="rule-note">
          <strong>{t('newProposal.decidedBy')}</strong>{' '}
          {describeProcedure(
            t,
            // An amendment under tiers is decided by the tier it touches: the preview says which.
            kind === 'amend_constitution' && preview?.procedure
              ? (preview.procedure as Procedure)
              : ruleOf(commons.constitution.rules, kind),
            classLabel(t, commons),
          )}
        </p>
        <Field label={t('newProposal.reviewAt')} hint={t('newProposal.reviewAtHint')}>
          {(p) => <input {...p} type="date" value={reviewAt} onChange={(e) => setReviewAt(e.target.value)} />}
        </Field>

        {kind === 'admit_member' && (
          <>
            <Field label={t('form.inviteEmail')} hint={t('form.inviteEmailHint')} error={errors.email}>
              {(p) => (
                <input
                  {...p}
                  type="email"
                  autoComplete="off"
                  value={email}
                  onChange={(e) => setEmail(e.target.value)}
                />
              )}
            </Field>
            {commons.classes.length > 1 && (
              <fieldset className="choices">
                <legend>{t('form.classes')}</legend>
                {commons.classes.map((c) => (
                  <div key={c.id} className="check">
                    <input
                      id={`inv-class-${c.id}`}
                      type="checkbox"
                      checked={classes.includes(c.id)}
                      onChange={(e) =>
                        setClasses(e.target.checked ? [...classes, c.id] : classes.filter((x) => x !== c.id))
                      }
                    />
                    <label htmlFor={`inv-class-${c.id}`}>{className(t, c)}</label>
                  </div>
                ))}
              </fieldset>
            )}
          </>
        )}
        {kind === 'remove_member' && memberSelect(others, t('form.member'))}
        {RESOURCE_KINDS.includes(kind) && resource.fields}
        {kind === 'create_role' && roleFields}
        {kind === 'change_role' && (
          <>
            {roleSelect}
            {role && roleFields}
          </>
        )}
        {kind === 'elect_role' && (
          <>
            {roleSelect}
            <Field label={t('form.seats')} hint={t('form.seatsHint')} error={errors.seats}>
              {(p) => (
                <input
                  {...p}
                  type="number"
                  min={1}
                  max={20}
                  value={seats}
                  onChange={(e) => setSeats(e.target.value)}
                />
              )}
            </Field>
          </>
        )}
        {kind === 'assign_role' && (
          <>
            {roleSelect}
            {memberSelect(
              members.filter((m) => !role?.holders.some((h) => h.accountId === m.accountId)),
              t('form.member'),
            )}
          </>
        )}
        {kind === 'unassign_role' && (
          <>
            {roleSelect}
            {memberSelect(
              members.filter((m) => role?.holders.some((h) => h.accountId === m.accountId)),
              t('form.holder'),
            )}
          </>
        )}
        {kind === 'adopt_charter' && (
          <>
            <Field label={t('newCommons.purpose')} limit={{ value: purpose, max: LIMITS.purpose }}>
              {(p) => (
                <textarea {...p} rows={2} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
              )}
            </Field>
            <Field
              label={t('newCommons.charter')}
              hint={t('form.charterHint')}
              limit={{ value: charter, max: LIMITS.charter }}
            >
              {(p) => (
                <textarea {...p} rows={10} value={charter} onChange={(e) => setCharter(e.target.value)} />
              )}
            </Field>
          </>
        )}
        {kind === 'resolution' && (
          <Field
            label={t('form.resolutionText')}
            hint={t('form.resolutionHint')}
            error={errors.text}
            limit={{ value: text, max: LIMITS.body }}
          >
            {(p) => <textarea {...p} rows={4} value={text} onChange={(e) => setText(e.target.value)} />}
          </Field>
        )}
        {isPoll && (
          <fieldset className="stack poll-options">
            <legend>{t('newProposal.options')}</legend>
            <p className="hint">{t('newProposal.pollHint')}</p>
            {errors.options && (
              <p className="field-error" role="alert">
                {errors.options}
              </p>
            )}
            {options.map((o, i) => (
              <div key={i} className="poll-option-row">
                <Field
                  label={t('newProposal.optionLabel', { count: i + 1 })}
                  limit={{ value: o.label, max: LIMITS.title }}
                >
                  {(p) => (
                    <input
                      {...p}
                      value={o.label}
                      onChange={(e) =>
                        setOptions(options.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)))
                      }
                    />
                  )}
                </Field>
                <div className="check">
                  <input
                    id={`option-sq-${i}`}
                    type="checkbox"
                    checked={o.statusQuo}
                    onChange={(e) =>
                      setOptions(
                        options.map((x, j) => ({ ...x, statusQuo: j === i ? e.target.checked : false })),
                      )
                    }
                  />
                  <label htmlFor={`option-sq-${i}`}>{t('newProposal.statusQuo', { count: i + 1 })}</label>
                </div>
                {options.length > 2 && (
                  <button
                    type="button"
                    className="button"
                    onClick={() => setOptions(options.filter((_, j) => j !== i))}
                  >
                    {t('newProposal.removeOption', { count: i + 1 })}
                  </button>
                )}
              </div>
            ))}
            {options.length < 20 && (
              <button
                type="button"
                className="button"
                onClick={() => setOptions([...options, { label: '', statusQuo: false }])}
              >
                {t('newProposal.addOption')}
              </button>
            )}
          </fieldset>
        )}
        {kind === 'amend_constitution' && (
          <div className="stack">
            <p className="hint">{t('amend.intro', { version: commons.constitution.version })}</p>
            {fromReview && (
              <p className="hint">
                {t('amend.fromReview', { kind: actionLabel(t, changes[0]?.kind ?? 'resolution') })}
              </p>
            )}
            {template && (
              <p className="hint">
                {t('amend.fromTemplate', {
                  name: templateText(t, template, 'name'),
                  triggers:
                    templateTriggers
                      .map((x) => describeTrigger(t, day, x, commons, classLabel(t, commons)))
                      .join(' ') || '—',
                })}
              </p>
            )}
            {errors.rules && <p className="field-error">{errors.rules}</p>}
            {changes.map((c, i) => (
              <div key={i} className="rule-change">
                <div className="field">
                  <label htmlFor={`change-kind-${i}`}>{t('amend.kind')}</label>
                  <select
                    id={`change-kind-${i}`}
                    value={c.kind}
                    onChange={(e) => {
                      const k = e.target.value as ActionKind;
                      setChanges(
                        changes.map((x, j) =>
                          j === i ? { kind: k, procedure: ruleOf(commons.constitution.rules, k) } : x,
                        ),
                      );
                    }}
                  >
                    {ACTION_KINDS.filter((k) => k === c.kind || !taken.has(k)).map((k) => (
                      <option key={k} value={k}>
                        {actionLabel(t, k)}
                      </option>
                    ))}
                  </select>
                  <p className="hint">
                    {t('amend.now')}{' '}
                    {describeProcedure(t, ruleOf(commons.constitution.rules, c.kind), classLabel(t, commons))}
                  </p>
                </div>
                <ProcedureEditor
                  legend={t('amend.newRule', { kind: actionLabel(t, c.kind) })}
                  kind={c.kind}
                  classes={commons.classes.map((x) => ({ id: x.id, name: classLabel(t, commons)(x.id) }))}
                  value={c.procedure}
                  onChange={(p) => setChanges(changes.map((x, j) => (j === i ? { ...x, procedure: p } : x)))}
                />
                {changes.length > 1 && (
                  <button
                    type="button"
                    className="button quiet"
                    onClick={() => setChanges(changes.filter((_, j) => j !== i))}
                  >
                    {t('amend.removeChange', { kind: actionLabel(t, c.kind) })}
                  </button>
                )}
              </div>
            ))}
            <StructureEditor commons={commons} value={structure} onChange={setStructure} />
            {preview && (
              <section
                className="card amendment-preview"
                aria-labelledby="amend-preview-heading"
                aria-live="polite"
              >
                <h2 id="amend-preview-heading">{t('amend.previewHeading')}</h2>
                <DiffList lines={preview.lines} commons={commons} />
                {preview.procedure && (
                  <p className="rule-note">
                    {t('amend.previewDecidedBy', {
                      procedure: describeProcedure(t, preview.procedure as Procedure, classLabel(t, commons)),
                    })}
                    {preview.tier && <> {t('amend.previewTier', { tier: tierName(t, preview.tier) })}</>}
                  </p>
                )}
                {preview.problems.length > 0 && (
                  <div className="alert alert-warning">
                    <p>{t('amend.previewProblems')}</p>
                    <ProblemList problems={preview.problems} />
                  </div>
                )}
              </section>
            )}
            {changes.length < ACTION_KINDS.length && (
              <p>
                <button
                  type="button"
                  className="button secondary"
                  onClick={() => {
                    const k = ACTION_KINDS.find((x) => !taken.has(x))!;
                    setChanges([
                      ...changes,
                      { kind: k, procedure: commons.constitution.rules[k] ?? defaultProcedure('consent') },
                    ]);
                  }}
                >
                  {t('amend.addChange')}
                </button>
              </p>
            )}
            <ReplayPanel commons={commons} rules={draftRules} />
          </div>
        )}

        <Field
          label={t('newProposal.titleLabel')}
          hint={suggestedTitle ? t('newProposal.titleHint', { title: suggestedTitle }) : undefined}
          limit={{ value: title, max: LIMITS.title }}
        >
          {(p) => <input {...p} type="text" value={title} onChange={(e) => setTitle(e.target.value)} />}
        </Field>
        <Field
          label={t('newProposal.body')}
          hint={t('newProposal.bodyHint')}
          limit={{ value: body, max: LIMITS.body }}
        >
          {(p) => <textarea {...p} rows={5} value={body} onChange={(e) => setBody(e.target.value)} />}
        </Field>
        <Field label={t('newProposal.closesAt')} hint={t('newProposal.closesAtHint')}>
          {(p) => (
            <input
              {...p}
              type="datetime-local"
              value={closesAt}
              onChange={(e) => setClosesAt(e.target.value)}
            />
          )}
        </Field>
        <div className="actions">
          <button type="submit" className="button primary" disabled={busy}>
            {busy ? t('common.working') : t('newProposal.submit')}
          </button>
          <Link to={`${base}/proposals`} className="button quiet">
            {t('common.cancel')}
          </Link>
        </div>
      </form>
    </>
  );
}
