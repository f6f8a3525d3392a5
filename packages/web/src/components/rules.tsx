// Rules for rules in the web app: an amendment's plain-language difference and the reasons one is refused (both
// said in the reader's language from the API's codes and data), the commons shown as its domains, and the editor of
// domains and tiers an amendment carries.
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../api/client';
import {
  ACTION_KINDS,
  MODES,
  TIERS,
  type ActionKind,
  type AmendmentPreview,
  type Commons,
  type DiffLine,
  type DomainView,
  type Mode,
  type ProblemLine,
  type Procedure,
  type Tier,
  type TiersView,
} from '../api/types';
import {
  actionLabel,
  describeDiffLine,
  describeProblem,
  describeProcedure,
  modeName,
  ruleOf,
  tierName,
} from '../describe';
import { useI18n } from '../i18n';
import { classLabel } from './chambers';
import { ProcedureEditor } from './procedure-editor';

/** An amendment's difference, one line per change. */
export function DiffList({ lines, commons }: { lines: readonly DiffLine[]; commons: Commons }) {
  const { t } = useI18n();
  if (lines.length === 0) return <p className="meta">{t('diff.none')}</p>;
  return (
    <ul className="diff-lines" data-testid="amendment-diff">
      {lines.map((l, i) => (
        <li key={i}>{describeDiffLine(t, l, classLabel(t, commons))}</li>
      ))}
    </ul>
  );
}

/** The reasons an amendment is (or would be) refused, each its own sentence. */
export function ProblemList({ problems }: { problems: readonly ProblemLine[] }) {
  const { t } = useI18n();
  return (
    <ul className="problem-lines" data-testid="amendment-problems">
      {problems.map((p, i) => (
        <li key={i}>{describeProblem(t, p)}</li>
      ))}
    </ul>
  );
}

/** The commons as its domains: each with its mode, tier and its kinds' procedures in plain words. */
export function DomainsView({
  commons,
  changeLink,
}: {
  commons: Commons;
  changeLink?: (k: ActionKind) => ReactNode;
}) {
  const { t } = useI18n();
  const c = commons.constitution;
  const name = classLabel(t, commons);
  const tierOf = (k: ActionKind) => c.placement.find((p) => p.kind === k)?.tier ?? null;
  const grouped = new Set(c.domains.flatMap((d) => d.kinds));
  const rest = ACTION_KINDS.filter((k) => !grouped.has(k));
  const kindList = (kinds: readonly ActionKind[]) => (
    <dl className="rules">
      {kinds.map((k) => {
        const tier = tierOf(k);
        return (
          <div key={k} className="rule">
            <dt>
              {actionLabel(t, k)}
              {tier && (
                <span className="proc-tag">{t('constitution.kindTier', { tier: tierName(t, tier) })}</span>
              )}
            </dt>
            <dd>
              <p>{describeProcedure(t, ruleOf(c.rules, k), name)}</p>
              {changeLink?.(k)}
            </dd>
          </div>
        );
      })}
    </dl>
  );
  return (
    <>
      <section aria-labelledby="domains-heading">
        <h2 id="domains-heading">{t('constitution.domainsHeading')}</h2>
        <p>{t('constitution.domainsIntro')}</p>
        {c.domains.map((d) => (
          <section key={d.id} className="card domain" aria-label={d.name} data-testid={`domain-${d.id}`}>
            <h3>{d.name}</h3>
            <p>
              {t('constitution.domainMode', { mode: modeName(t, d.mode), help: t(`mode.${d.mode}.help`) })}
            </p>
            {d.tier && <p className="meta">{t('constitution.domainTier', { tier: tierName(t, d.tier) })}</p>}
            {kindList(d.kinds)}
          </section>
        ))}
        {rest.length > 0 && (
          <section className="card domain" aria-label={t('constitution.otherKinds')}>
            <h3>{t('constitution.otherKinds')}</h3>
            {kindList(rest)}
          </section>
        )}
      </section>
    </>
  );
}

/** The tiers: which procedure changes a rule of each (or that the rules are not in tiers). */
export function TiersSection({ commons }: { commons: Commons }) {
  const { t } = useI18n();
  const tiers = commons.constitution.tiers;
  return (
    <section aria-labelledby="tiers-heading">
      <h2 id="tiers-heading">{t('constitution.tiersHeading')}</h2>
      {tiers ? <TiersText tiers={tiers} commons={commons} /> : <p>{t('constitution.tiersNone')}</p>}
    </section>
  );
}

const CHANGED_BY = { operational: 'policy', policy: 'constitutional', constitutional: 'entrenched' } as const;

function TiersText({ tiers, commons }: { tiers: TiersView; commons: Commons }) {
  const { t } = useI18n();
  const name = classLabel(t, commons);
  return (
    <ul className="plain">
      {(['operational', 'policy', 'constitutional'] as const).map((tier) => (
        <li key={tier}>
          {t('constitution.tierChange', {
            tier: tierName(t, tier),
            procedure: describeProcedure(t, tiers.procedures[CHANGED_BY[tier]] as Procedure, name),
          })}
        </li>
      ))}
      <li>
        {tiers.entrenchedBy
          ? t('constitution.tierChange', {
              tier: tierName(t, 'entrenched'),
              procedure: describeProcedure(t, tiers.entrenchedBy as Procedure, name),
            })
          : t('constitution.entrenchedNever')}
      </li>
    </ul>
  );
}

/** What an amendment sets besides rules: its domains and tiers (undefined: unchanged; null: dropped). */
export interface Structure {
  domains: DomainView[] | null | undefined;
  tiers: TiersView | null | undefined;
}

const slug = (s: string, i: number) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || `domain-${i + 1}`;

/**
 * The editor of an amendment's domains and tiers: create and rename domains, set their mode and tier, move kinds
 * between them; put the rules in tiers, with each tier's procedure and a tier per kind.
 */
export function StructureEditor({
  commons,
  value,
  onChange,
}: {
  commons: Commons;
  value: Structure;
  onChange: (s: Structure) => void;
}) {
  const { t } = useI18n();
  const c = commons.constitution;
  const domains = value.domains === undefined ? c.domains : (value.domains ?? []);
  const tiers = value.tiers === undefined ? c.tiers : value.tiers;
  const setDomains = (d: DomainView[]) =>
    onChange({ ...value, domains: d.length > 0 ? d : c.domains.length > 0 ? null : undefined });
  const setTiers = (x: TiersView | null) =>
    onChange({ ...value, tiers: x === null && !c.tiers ? undefined : x });
  const classes = commons.classes.map((x) => ({ id: x.id, name: classLabel(t, commons)(x.id) }));
  const domainOf = (k: ActionKind) => domains.find((d) => d.kinds.includes(k));
  const moveKind = (k: ActionKind, to: string) =>
    setDomains(
      domains.map((d) => ({
        ...d,
        kinds: d.id === to ? [...d.kinds.filter((x) => x !== k), k] : d.kinds.filter((x) => x !== k),
      })),
    );
  const amend = ruleOf(c.rules, 'amend_constitution');
  return (
    <div className="stack">
      <fieldset className="domains-editor">
        <legend>{t('amend.domainsHeading')}</legend>
        <p className="hint">{t('amend.domainsIntro')}</p>
        {domains.map((d, i) => (
          <div key={d.id} className="rule-change">
            <div className="field">
              <label htmlFor={`domain-name-${i}`}>{t('amend.domainName', { n: i + 1 })}</label>
              <input
                id={`domain-name-${i}`}
                type="text"
                value={d.name}
                onChange={(e) =>
                  setDomains(domains.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
                }
              />
            </div>
            <div className="field">
              <label htmlFor={`domain-mode-${i}`}>
                {t('amend.domainMode', { name: d.name || String(i + 1) })}
              </label>
              <select
                id={`domain-mode-${i}`}
                value={d.mode}
                onChange={(e) =>
                  setDomains(domains.map((x, j) => (j === i ? { ...x, mode: e.target.value as Mode } : x)))
                }
              >
                {MODES.map((m) => (
                  <option key={m} value={m}>
                    {modeName(t, m)}
                  </option>
                ))}
              </select>
              <p className="hint">{t(`mode.${d.mode}.help`)}</p>
            </div>
            <div className="field">
              <label htmlFor={`domain-tier-${i}`}>
                {t('amend.domainTier', { name: d.name || String(i + 1) })}
              </label>
              <select
                id={`domain-tier-${i}`}
                value={d.tier ?? ''}
                onChange={(e) =>
                  setDomains(
                    domains.map((x, j) => {
                      if (j !== i) return x;
                      const { tier: _drop, ...rest } = x;
                      void _drop;
                      return e.target.value ? { ...rest, tier: e.target.value as Tier } : rest;
                    }),
                  )
                }
              >
                <option value="">{t('amend.noTier')}</option>
                {TIERS.map((x) => (
                  <option key={x} value={x}>
                    {tierName(t, x)}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className="button quiet"
              onClick={() => setDomains(domains.filter((_, j) => j !== i))}
            >
              {t('amend.removeDomain', { name: d.name || String(i + 1) })}
            </button>
          </div>
        ))}
        {domains.length < 32 && (
          <p>
            <button
              type="button"
              className="button secondary"
              onClick={() => {
                const ids = new Set(domains.map((d) => d.id));
                let id = slug('', domains.length);
                for (let n = domains.length + 1; ids.has(id); n++) id = `domain-${n}`;
                setDomains([...domains, { id, name: '', mode: 'peer', kinds: [] }]);
              }}
            >
              {t('amend.addDomain')}
            </button>
          </p>
        )}
        {domains.length > 0 &&
          ACTION_KINDS.map((k) => (
            <div key={k} className="field">
              <label htmlFor={`kind-domain-${k}`}>{t('amend.kindDomain', { kind: actionLabel(t, k) })}</label>
              <select
                id={`kind-domain-${k}`}
                value={domainOf(k)?.id ?? ''}
                onChange={(e) => moveKind(k, e.target.value)}
              >
                <option value="">{t('amend.noDomain')}</option>
                {domains.map((d, i) => (
                  <option key={d.id} value={d.id}>
                    {d.name || String(i + 1)}
                  </option>
                ))}
              </select>
            </div>
          ))}
      </fieldset>

      <fieldset className="tiers-editor">
        <legend>{t('constitution.tiersHeading')}</legend>
        <label className="choice">
          <input
            type="checkbox"
            checked={tiers !== null && tiers !== undefined}
            onChange={(e) =>
              setTiers(
                e.target.checked
                  ? {
                      procedures: { policy: amend, constitutional: amend, entrenched: amend },
                      entrenchedBy: amend,
                    }
                  : null,
              )
            }
          />{' '}
          {t('amend.useTiers')}
        </label>
        {tiers && (
          <>
            {(['policy', 'constitutional', 'entrenched'] as const).map((tier) => (
              <ProcedureEditor
                key={tier}
                legend={t('amend.tierProcedure', { tier: tierName(t, CHANGED_BY_TIER[tier]) })}
                kind="amend_constitution"
                classes={classes}
                value={tiers.procedures[tier] as Procedure}
                onChange={(p) => setTiers({ ...tiers, procedures: { ...tiers.procedures, [tier]: p } })}
              />
            ))}
            <label className="choice">
              <input
                type="checkbox"
                checked={tiers.entrenchedBy === null}
                onChange={(e) => setTiers({ ...tiers, entrenchedBy: e.target.checked ? null : amend })}
              />{' '}
              {t('amend.entrenchedNever')}
            </label>
            {tiers.entrenchedBy && (
              <ProcedureEditor
                legend={t('amend.tierProcedure', { tier: tierName(t, 'entrenched') })}
                kind="amend_constitution"
                classes={classes}
                value={tiers.entrenchedBy as Procedure}
                onChange={(p) => setTiers({ ...tiers, entrenchedBy: p })}
              />
            )}
            {ACTION_KINDS.map((k) => (
              <div key={k} className="field">
                <label htmlFor={`kind-tier-${k}`}>{t('amend.kindTier', { kind: actionLabel(t, k) })}</label>
                <select
                  id={`kind-tier-${k}`}
                  value={tiers.kinds?.[k] ?? ''}
                  onChange={(e) => {
                    const kinds: Partial<Record<ActionKind, Tier>> = { ...tiers.kinds };
                    if (e.target.value) kinds[k] = e.target.value as Tier;
                    else delete kinds[k];
                    setTiers({ ...tiers, kinds });
                  }}
                >
                  <option value="">{t('amend.byDomain')}</option>
                  {TIERS.map((x) => (
                    <option key={x} value={x}>
                      {tierName(t, x)}
                    </option>
                  ))}
                </select>
              </div>
            ))}
          </>
        )}
      </fieldset>
    </div>
  );
}

// The tier whose rules each tier's procedure changes.
const CHANGED_BY_TIER = {
  policy: 'operational',
  constitutional: 'policy',
  entrenched: 'constitutional',
} as const;

/** A draft amendment's preview from the API as it is edited: its difference, procedure and problems. */
export function useAmendmentPreview(commonsId: string, action: object | null): AmendmentPreview | null {
  // Kept with the draft it is of: a preview of an earlier draft is not shown.
  const [answer, setAnswer] = useState<{ key: string; preview: AmendmentPreview } | null>(null);
  const key = action ? JSON.stringify(action) : '';
  useEffect(() => {
    if (!key) return;
    let live = true;
    // A pause after the last edit, so that typing a name asks once.
    const timer = setTimeout(() => {
      api
        .post(`/api/v1/commons/${commonsId}/constitution/diff`, { action: JSON.parse(key) as unknown })
        .then((preview) => live && setAnswer({ key, preview }))
        .catch(() => undefined);
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [commonsId, key]);
  return answer && answer.key === key ? answer.preview : null;
}
