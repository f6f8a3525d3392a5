// Edits one procedure: its type and that type's parameters, with the resulting rule read back in plain words.
import { useId } from 'react';
import {
  ELECTION_METHODS,
  POLL_METHODS,
  PROCEDURE_TYPES,
  type AbstentionRule,
  type ElectionMethod,
  type PollMethod,
  type Procedure,
  type ProcedureType,
  type Ratio,
} from '../api/types';
import { describeChamberRule, describeProcedure, duration, fraction, procedureName } from '../describe';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';

type Chambers = Extract<Procedure, { type: 'chambers' }>;
type ChamberRule = Chambers['chambers'][number]['rule'];

/** A chamber's rule of each type, with sensible parameters. */
function defaultChamberRule(type: ChamberRule['type']): ChamberRule {
  switch (type) {
    case 'vote':
      return {
        type,
        threshold: { num: 1, den: 2 },
        strict: true,
        quorum: { num: 1, den: 2 },
        abstentions: 'quorum_only',
      };
    case 'consent':
      return { type };
    case 'consensus':
      return { type, minParticipation: { num: 1, den: 2 } };
  }
}

/** A sensible starting point for each procedure type (chambers: a majority vote in each of these classes). */
export function defaultProcedure(type: ProcedureType, classes: readonly { id: string }[] = []): Procedure {
  switch (type) {
    case 'automatic':
      return { type };
    case 'role':
      return { type, objectionHours: 72 };
    case 'consent':
      return { type, hours: 72 };
    case 'consensus':
      return { type, hours: 168, minParticipation: { num: 1, den: 2 } };
    case 'vote':
      return {
        type,
        hours: 168,
        threshold: { num: 1, den: 2 },
        strict: true,
        quorum: { num: 1, den: 3 },
        abstentions: 'quorum_only',
      };
    case 'poll':
      return { type, hours: 168, method: 'irv' };
    case 'chambers':
      return {
        type,
        hours: 168,
        chambers: classes.map((c) => ({ classId: c.id, rule: defaultChamberRule('vote') })),
      };
    case 'election':
      return { type, nominationHours: 72, hours: 72, method: 'stv' };
  }
}

/** A poll with the parameters its method needs (and no others), keeping the hours. */
export function pollWithMethod(hours: number, method: PollMethod): Procedure {
  switch (method) {
    case 'score':
      return { type: 'poll', hours, method, min: 0, max: 5 };
    case 'dots':
      return { type: 'poll', hours, method, points: 10 };
    case 'quadratic':
      return { type: 'poll', hours, method, credits: 100 };
    default:
      return { type: 'poll', hours, method };
  }
}

/** A whole-number field of a procedure (a score bound, points, credits). */
function IntField({
  id,
  label,
  value,
  min,
  max,
  onChange,
}: {
  id: string;
  label: string;
  value: number | undefined;
  min: number;
  max: number;
  onChange: (n: number) => void;
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        step={1}
        value={value === undefined || Number.isNaN(value) ? '' : value}
        onChange={(e) => onChange(e.target.value === '' ? NaN : Number(e.target.value))}
      />
    </div>
  );
}

const MAX_HOURS = 24 * 365;

/** What is wrong with a procedure, as message keys per field (empty when it is valid). */
export function procedureErrors(p: Procedure): Partial<Record<'hours' | 'threshold', MessageKey>> {
  const out: Partial<Record<'hours' | 'threshold', MessageKey>> = {};
  // Do-ocracy's objection window is optional (0: at once), as a role's is.
  const windowed = p.type === 'role' || p.type === 'automatic';
  const hours =
    p.type === 'role' ? p.objectionHours : p.type === 'automatic' ? (p.objectionHours ?? 0) : p.hours;
  const min = windowed ? 0 : 1;
  if (!Number.isInteger(hours) || hours < min || hours > MAX_HOURS) {
    out.hours = windowed ? 'proc.edit.hoursRangeRole' : 'proc.edit.hoursRange';
  }
  if (p.type === 'vote' && p.strict && p.threshold.num === p.threshold.den)
    out.threshold = 'proc.edit.strictAll';
  if (
    p.type === 'election' &&
    (!Number.isInteger(p.nominationHours) || p.nominationHours < 0 || p.nominationHours > MAX_HOURS)
  )
    out.threshold = 'proc.edit.nominationHoursRange';
  if (p.type === 'poll') {
    const whole = (n: number | undefined, lo: number, hi: number) =>
      n !== undefined && Number.isInteger(n) && n >= lo && n <= hi;
    const ok =
      p.method === 'score'
        ? whole(p.min, -100, 100) && whole(p.max, -100, 100) && p.min! < p.max!
        : p.method === 'dots'
          ? whole(p.points, 1, 1000)
          : p.method === 'quadratic'
            ? whole(p.credits, 1, 10000)
            : true;
    if (!ok) out.threshold = 'proc.edit.pollParams';
  }
  if (p.type === 'chambers') {
    if (
      p.chambers.some(
        (c) => c.rule.type === 'vote' && c.rule.strict && c.rule.threshold.num === c.rule.threshold.den,
      )
    )
      out.threshold = 'proc.edit.strictAll';
    if (
      p.weighted &&
      p.chambers.some(
        (c) => !Number.isInteger(c.weight ?? 1) || (c.weight ?? 1) < 1 || (c.weight ?? 1) > 1000,
      )
    )
      out.threshold = 'proc.edit.weightRange';
  }
  return out;
}

const COMMON: Ratio[] = [
  { num: 0, den: 1 },
  { num: 1, den: 4 },
  { num: 1, den: 3 },
  { num: 1, den: 2 },
  { num: 2, den: 3 },
  { num: 3, den: 4 },
  { num: 1, den: 1 },
];

function RatioSelect({
  id,
  value,
  onChange,
  allowZero,
  describedBy,
}: {
  id: string;
  value: Ratio;
  onChange: (r: Ratio) => void;
  allowZero: boolean;
  describedBy?: string;
}) {
  const { t } = useI18n();
  const options = COMMON.filter((r) => allowZero || r.num > 0);
  const key = (r: Ratio) => `${r.num}/${r.den}`;
  if (!options.some((r) => r.num * value.den === value.num * r.den)) options.push(value);
  const current = options.find((r) => r.num * value.den === value.num * r.den)!;
  return (
    <select
      id={id}
      value={key(current)}
      aria-describedby={describedBy}
      onChange={(e) => {
        const picked = options.find((r) => key(r) === e.target.value);
        if (picked) onChange({ num: picked.num, den: picked.den });
      }}
    >
      {options.map((r) => (
        <option key={key(r)} value={key(r)}>
          {fraction(t, r)}
        </option>
      ))}
    </select>
  );
}

/** Each chamber's rule, weight and veto, and whether the classes are weighed. */
function ChambersFields({
  id,
  value,
  onChange,
  className,
}: {
  id: string;
  value: Chambers;
  onChange: (p: Procedure) => void;
  className: (id: string) => string;
}) {
  const { t } = useI18n();
  const setChamber = (i: number, change: Partial<Chambers['chambers'][number]>) =>
    onChange({ ...value, chambers: value.chambers.map((c, j) => (j === i ? { ...c, ...change } : c)) });
  const weighted = value.weighted;
  return (
    <>
      {value.chambers.map((c, i) => {
        const cid = `${id}-chamber-${i}`;
        const rule = c.rule;
        return (
          <fieldset key={c.classId} className="chamber-editor">
            <legend>{t('proc.edit.chamberLegend', { class: className(c.classId) })}</legend>
            <div className="field">
              <label htmlFor={`${cid}-rule`}>{t('proc.edit.chamberRule')}</label>
              <select
                id={`${cid}-rule`}
                value={rule.type}
                onChange={(e) =>
                  setChamber(i, { rule: defaultChamberRule(e.target.value as ChamberRule['type']) })
                }
              >
                {(['vote', 'consent', 'consensus'] as const).map((r) => (
                  <option key={r} value={r}>
                    {t(`proc.edit.chamberRule.${r}`)}
                  </option>
                ))}
              </select>
            </div>
            {rule.type === 'vote' && (
              <>
                <div className="field">
                  <label htmlFor={`${cid}-threshold`}>{t('proc.edit.threshold')}</label>
                  <RatioSelect
                    id={`${cid}-threshold`}
                    value={rule.threshold}
                    allowZero={false}
                    onChange={(r) => setChamber(i, { rule: { ...rule, threshold: r } })}
                  />
                </div>
                <div className="check">
                  <input
                    id={`${cid}-strict`}
                    type="checkbox"
                    checked={rule.strict}
                    onChange={(e) => setChamber(i, { rule: { ...rule, strict: e.target.checked } })}
                  />
                  <label htmlFor={`${cid}-strict`}>{t('proc.edit.strict')}</label>
                </div>
                <div className="field">
                  <label htmlFor={`${cid}-quorum`}>{t('proc.edit.chamberQuorum')}</label>
                  <RatioSelect
                    id={`${cid}-quorum`}
                    value={rule.quorum}
                    allowZero
                    onChange={(r) => setChamber(i, { rule: { ...rule, quorum: r } })}
                  />
                </div>
              </>
            )}
            {rule.type === 'consensus' && (
              <div className="field">
                <label htmlFor={`${cid}-minp`}>{t('proc.edit.minParticipation')}</label>
                <RatioSelect
                  id={`${cid}-minp`}
                  value={rule.minParticipation}
                  allowZero
                  onChange={(r) => setChamber(i, { rule: { ...rule, minParticipation: r } })}
                />
              </div>
            )}
            {weighted && (
              <IntField
                id={`${cid}-weight`}
                label={t('proc.edit.weight')}
                value={c.weight ?? 1}
                min={1}
                max={1000}
                onChange={(n) => setChamber(i, { weight: n })}
              />
            )}
            <div className="check">
              <input
                id={`${cid}-veto`}
                type="checkbox"
                checked={c.veto === true}
                onChange={(e) => {
                  const { veto: _veto, ...rest } = c;
                  onChange({
                    ...value,
                    chambers: value.chambers.map((x, j) =>
                      j === i ? (e.target.checked ? { ...rest, veto: true } : rest) : x,
                    ),
                  });
                }}
              />
              <label htmlFor={`${cid}-veto`}>{t('proc.edit.chamberVeto')}</label>
            </div>
            <p className="hint">
              {t('proc.edit.chamberReads')} {describeChamberRule(t, rule)}
            </p>
          </fieldset>
        );
      })}
      <div className="check">
        <input
          id={`${id}-weighted`}
          type="checkbox"
          checked={weighted !== undefined}
          onChange={(e) => {
            const { weighted: _w, ...rest } = value;
            const chambers = value.chambers.map(({ weight: _weight, ...c }) =>
              e.target.checked ? { ...c, weight: 1 } : c,
            );
            onChange(
              e.target.checked
                ? { ...rest, chambers, weighted: { threshold: { num: 1, den: 2 }, strict: true } }
                : { ...rest, chambers },
            );
          }}
        />
        <label htmlFor={`${id}-weighted`}>{t('proc.edit.weighted')}</label>
      </div>
      {weighted && (
        <>
          <div className="field">
            <label htmlFor={`${id}-wthreshold`}>{t('proc.edit.weightedThreshold')}</label>
            <RatioSelect
              id={`${id}-wthreshold`}
              value={weighted.threshold}
              allowZero={false}
              onChange={(r) => onChange({ ...value, weighted: { ...weighted, threshold: r } })}
            />
          </div>
          <div className="check">
            <input
              id={`${id}-wstrict`}
              type="checkbox"
              checked={weighted.strict}
              onChange={(e) => onChange({ ...value, weighted: { ...weighted, strict: e.target.checked } })}
            />
            <label htmlFor={`${id}-wstrict`}>{t('proc.edit.weightedStrict')}</label>
          </div>
        </>
      )}
    </>
  );
}

/** The editor; `legend` names what the procedure decides. */
export function ProcedureEditor({
  value,
  onChange,
  legend,
  kind,
  classes = [],
}: {
  value: Procedure;
  onChange: (p: Procedure) => void;
  legend: string;
  /** The kind of action the rule decides: a poll is offered for resolutions only (the kernel allows no other). */
  kind?: string;
  /** The commons' stakeholder classes: chambers are offered when there are several. */
  classes?: readonly { id: string; name: string }[];
}) {
  const { t } = useI18n();
  const id = useId();
  const errors = procedureErrors(value);
  const className = (classId: string) => classes.find((c) => c.id === classId)?.name ?? classId;
  const hours: number | null =
    value.type === 'role'
      ? value.objectionHours
      : value.type === 'automatic'
        ? (value.objectionHours ?? 0)
        : value.hours;
  const setHours = (h: number) => {
    if (value.type === 'role' || value.type === 'automatic') onChange({ ...value, objectionHours: h });
    else onChange({ ...value, hours: h });
  };
  return (
    <fieldset className="procedure-editor">
      <legend>{legend}</legend>
      <div className="field">
        <label htmlFor={`${id}-type`}>{t('proc.edit.type')}</label>
        <select
          id={`${id}-type`}
          value={value.type}
          onChange={(e) => onChange(defaultProcedure(e.target.value as ProcedureType, classes))}
        >
          {PROCEDURE_TYPES.filter(
            (p) =>
              (p !== 'poll' || kind === undefined || kind === 'resolution' || value.type === 'poll') &&
              (p !== 'election' ||
                kind === undefined ||
                kind === 'elect_role' ||
                value.type === 'election') &&
              (p !== 'chambers' || classes.length > 1 || value.type === 'chambers'),
          ).map((p) => (
            <option key={p} value={p}>
              {procedureName(t, p)}
            </option>
          ))}
        </select>
        <p className="hint">{t(`procType.${value.type}.help` as MessageKey)}</p>
      </div>
      {hours !== null && (
        <div className={`field${errors.hours ? ' field-invalid' : ''}`}>
          <label htmlFor={`${id}-hours`}>
            {value.type === 'role' || value.type === 'automatic'
              ? t('proc.edit.objectionHours')
              : t('proc.edit.hours')}
          </label>
          <input
            id={`${id}-hours`}
            type="number"
            inputMode="numeric"
            min={value.type === 'role' ? 0 : 1}
            max={MAX_HOURS}
            step={1}
            value={Number.isNaN(hours) ? '' : hours}
            aria-invalid={errors.hours ? true : undefined}
            aria-describedby={`${id}-hours-hint${errors.hours ? ` ${id}-hours-error` : ''}`}
            onChange={(e) => setHours(e.target.value === '' ? NaN : Number(e.target.value))}
          />
          <p className="hint" id={`${id}-hours-hint`}>
            {Number.isFinite(hours) && hours > 0
              ? t('proc.edit.hoursIs', { time: duration(t, hours) })
              : t('proc.edit.hoursHint')}
          </p>
          {errors.hours && (
            <p className="field-error" id={`${id}-hours-error`}>
              {t(errors.hours, { max: MAX_HOURS })}
            </p>
          )}
        </div>
      )}
      {value.type === 'consensus' && (
        <div className="field">
          <label htmlFor={`${id}-minp`}>{t('proc.edit.minParticipation')}</label>
          <RatioSelect
            id={`${id}-minp`}
            value={value.minParticipation}
            allowZero
            onChange={(r) => onChange({ ...value, minParticipation: r })}
          />
        </div>
      )}
      {value.type === 'vote' && (
        <>
          <div className={`field${errors.threshold ? ' field-invalid' : ''}`}>
            <label htmlFor={`${id}-threshold`}>{t('proc.edit.threshold')}</label>
            <RatioSelect
              id={`${id}-threshold`}
              value={value.threshold}
              allowZero={false}
              describedBy={errors.threshold ? `${id}-threshold-error` : undefined}
              onChange={(r) => onChange({ ...value, threshold: r })}
            />
            {errors.threshold && (
              <p className="field-error" id={`${id}-threshold-error`}>
                {t(errors.threshold)}
              </p>
            )}
          </div>
          <div className="check">
            <input
              id={`${id}-strict`}
              type="checkbox"
              checked={value.strict}
              onChange={(e) => onChange({ ...value, strict: e.target.checked })}
            />
            <label htmlFor={`${id}-strict`}>{t('proc.edit.strict')}</label>
          </div>
          <div className="field">
            <label htmlFor={`${id}-quorum`}>{t('proc.edit.quorum')}</label>
            <RatioSelect
              id={`${id}-quorum`}
              value={value.quorum}
              allowZero
              onChange={(r) => onChange({ ...value, quorum: r })}
            />
          </div>
          <div className="check">
            <input
              id={`${id}-delegation`}
              type="checkbox"
              checked={value.delegation === true}
              onChange={(e) => {
                const { delegation: _d, ...rest } = value;
                onChange(e.target.checked ? { ...rest, delegation: true } : rest);
              }}
            />
            <label htmlFor={`${id}-delegation`}>{t('proc.edit.delegation')}</label>
          </div>
          <div className="field">
            <label htmlFor={`${id}-abst`}>{t('proc.edit.abstentions')}</label>
            <select
              id={`${id}-abst`}
              value={value.abstentions}
              onChange={(e) => onChange({ ...value, abstentions: e.target.value as AbstentionRule })}
            >
              {(['quorum_only', 'ignored', 'against'] as const).map((a) => (
                <option key={a} value={a}>
                  {t(`proc.edit.abst.${a}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      {value.type === 'poll' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-method`}>{t('proc.edit.method')}</label>
            <select
              id={`${id}-method`}
              value={value.method}
              onChange={(e) => onChange(pollWithMethod(value.hours, e.target.value as PollMethod))}
            >
              {POLL_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`poll.method.${m}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          {value.method === 'score' && (
            <>
              <IntField
                id={`${id}-min`}
                label={t('proc.edit.scoreMin')}
                value={value.min}
                min={-100}
                max={100}
                onChange={(n) => onChange({ ...value, min: n })}
              />
              <IntField
                id={`${id}-max`}
                label={t('proc.edit.scoreMax')}
                value={value.max}
                min={-100}
                max={100}
                onChange={(n) => onChange({ ...value, max: n })}
              />
            </>
          )}
          {value.method === 'dots' && (
            <IntField
              id={`${id}-points`}
              label={t('proc.edit.points')}
              value={value.points}
              min={1}
              max={1000}
              onChange={(n) => onChange({ ...value, points: n })}
            />
          )}
          {value.method === 'quadratic' && (
            <IntField
              id={`${id}-credits`}
              label={t('proc.edit.credits')}
              value={value.credits}
              min={1}
              max={10000}
              onChange={(n) => onChange({ ...value, credits: n })}
            />
          )}
          {errors.threshold && <p className="field-error">{t(errors.threshold)}</p>}
        </>
      )}
      {value.type === 'election' && (
        <>
          <div className="field">
            <label htmlFor={`${id}-emethod`}>{t('proc.edit.electionMethod')}</label>
            <select
              id={`${id}-emethod`}
              value={value.method}
              onChange={(e) => onChange({ ...value, method: e.target.value as ElectionMethod })}
            >
              {ELECTION_METHODS.map((m) => (
                <option key={m} value={m}>
                  {t(`election.method.${m}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <IntField
            id={`${id}-nominations`}
            label={t('proc.edit.nominationHours')}
            value={value.nominationHours}
            min={0}
            max={MAX_HOURS}
            onChange={(n) => onChange({ ...value, nominationHours: n })}
          />
          <p className="hint">{t('proc.edit.nominationHoursHint')}</p>
          {errors.threshold && <p className="field-error">{t(errors.threshold)}</p>}
        </>
      )}
      {value.type === 'chambers' && (
        <ChambersFields id={id} value={value} onChange={onChange} className={className} />
      )}
      {value.type === 'chambers' && errors.threshold && <p className="field-error">{t(errors.threshold)}</p>}
      <p className="preview" aria-live="polite">
        <span className="preview-label">{t('proc.edit.preview')}</span>{' '}
        {Object.keys(errors).length === 0 ? describeProcedure(t, value, className) : '—'}
      </p>
    </fieldset>
  );
}
