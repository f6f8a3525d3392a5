// Edits one procedure: its type and that type's parameters, with the resulting rule read back in plain words.
import { useId } from 'react';
import {
  POLL_METHODS,
  PROCEDURE_TYPES,
  type AbstentionRule,
  type PollMethod,
  type Procedure,
  type ProcedureType,
  type Ratio,
} from '../api/types';
import { describeProcedure, duration, fraction, procedureName } from '../describe';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/en';

/** A sensible starting point for each procedure type. */
export function defaultProcedure(type: ProcedureType): Procedure {
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
  const hours = p.type === 'role' ? p.objectionHours : p.type === 'automatic' ? null : p.hours;
  const min = p.type === 'role' ? 0 : 1;
  if (hours !== null && (!Number.isInteger(hours) || hours < min || hours > MAX_HOURS)) {
    out.hours = p.type === 'role' ? 'proc.edit.hoursRangeRole' : 'proc.edit.hoursRange';
  }
  if (p.type === 'vote' && p.strict && p.threshold.num === p.threshold.den)
    out.threshold = 'proc.edit.strictAll';
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

/** The editor; `legend` names what the procedure decides. */
export function ProcedureEditor({
  value,
  onChange,
  legend,
  kind,
}: {
  value: Procedure;
  onChange: (p: Procedure) => void;
  legend: string;
  /** The kind of action the rule decides: a poll is offered for resolutions only (the kernel allows no other). */
  kind?: string;
}) {
  const { t } = useI18n();
  const id = useId();
  const errors = procedureErrors(value);
  const hours =
    value.type === 'role' ? value.objectionHours : value.type === 'automatic' ? null : value.hours;
  const setHours = (h: number) => {
    if (value.type === 'role') onChange({ ...value, objectionHours: h });
    else if (value.type !== 'automatic') onChange({ ...value, hours: h });
  };
  return (
    <fieldset className="procedure-editor">
      <legend>{legend}</legend>
      <div className="field">
        <label htmlFor={`${id}-type`}>{t('proc.edit.type')}</label>
        <select
          id={`${id}-type`}
          value={value.type}
          onChange={(e) => onChange(defaultProcedure(e.target.value as ProcedureType))}
        >
          {PROCEDURE_TYPES.filter(
            (p) => p !== 'poll' || kind === undefined || kind === 'resolution' || value.type === 'poll',
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
            {value.type === 'role' ? t('proc.edit.objectionHours') : t('proc.edit.hours')}
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
      <p className="preview" aria-live="polite">
        <span className="preview-label">{t('proc.edit.preview')}</span>{' '}
        {Object.keys(errors).length === 0 ? describeProcedure(t, value) : '—'}
      </p>
    </fieldset>
  );
}
