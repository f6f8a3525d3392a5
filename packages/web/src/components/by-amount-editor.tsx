// Resources (issue 15): the bands of a rule by amount (each an amount up to which a procedure decides) and the
// procedure above the last, each band's procedure edited by the procedure editor itself.
import { useState } from 'react';
import type { Procedure } from '../api/types';
import { useI18n } from '../i18n';
import { parseMajor, toMajor } from '../money';
import { defaultProcedure, ProcedureEditor } from './procedure-editor';

type ByAmount = Extract<Procedure, { type: 'by_amount' }>;
const NESTED_EXCLUDED = ['by_amount', 'poll', 'election'] as const;

/** An amount typed in major units; shown as typed until it parses, then given as minor units. */
function AmountInput({
  id,
  label,
  upTo,
  exponent,
  onChange,
}: {
  id: string;
  label: string;
  upTo: number;
  exponent: number;
  onChange: (minor: number) => void;
}) {
  const { t } = useI18n();
  const [typed, setTyped] = useState(Number.isSafeInteger(upTo) ? toMajor(String(upTo), exponent) : '');
  const bad = parseMajor(typed, exponent) === null;
  return (
    <div className={`field${bad ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="text"
        inputMode="decimal"
        value={typed}
        aria-invalid={bad ? true : undefined}
        onChange={(e) => {
          setTyped(e.target.value);
          const minor = parseMajor(e.target.value, exponent);
          onChange(minor === null ? NaN : Number(minor));
        }}
      />
      {bad && <p className="field-error">{t('pool.amountInvalid', { count: exponent })}</p>}
    </div>
  );
}

export function ByAmountFields({
  id,
  value,
  onChange,
  classes,
}: {
  id: string;
  value: ByAmount;
  onChange: (p: Procedure) => void;
  classes: readonly { id: string; name: string }[];
}) {
  const { t } = useI18n();
  const exponent = value.unit?.exponent ?? 0;
  const setBand = (i: number, band: ByAmount['bands'][number]) =>
    onChange({ ...value, bands: value.bands.map((b, j) => (j === i ? band : b)) });
  return (
    <div className="stack by-amount">
      <div className="field">
        <label htmlFor={`${id}-unit`}>{t('proc.edit.unit')}</label>
        <input
          id={`${id}-unit`}
          type="text"
          value={value.unit?.code ?? ''}
          maxLength={12}
          onChange={(e) => {
            const code = e.target.value.trim().toUpperCase();
            const { unit: _unit, ...rest } = value;
            onChange(code ? { ...rest, unit: { code, exponent } } : rest);
          }}
        />
        <p className="hint">{t('proc.edit.unitHint')}</p>
      </div>
      {value.bands.map((band, i) => (
        <div key={i} className="band">
          <AmountInput
            id={`${id}-band-${i}`}
            label={t('proc.edit.upTo', { count: i + 1 })}
            upTo={band.upTo}
            exponent={exponent}
            onChange={(upTo) => setBand(i, { ...band, upTo })}
          />
          <ProcedureEditor
            legend={t('proc.edit.bandRule', { count: i + 1 })}
            value={band.procedure}
            classes={classes}
            exclude={NESTED_EXCLUDED}
            onChange={(procedure) => setBand(i, { ...band, procedure })}
          />
          {value.bands.length > 1 && (
            <button
              type="button"
              className="button quiet"
              onClick={() => onChange({ ...value, bands: value.bands.filter((_, j) => j !== i) })}
            >
              {t('proc.edit.removeBand', { count: i + 1 })}
            </button>
          )}
        </div>
      ))}
      {value.bands.length < 10 && (
        <p>
          <button
            type="button"
            className="button secondary"
            onClick={() => {
              const last = value.bands[value.bands.length - 1]?.upTo ?? 0;
              onChange({
                ...value,
                bands: [...value.bands, { upTo: last * 10 || 100, procedure: defaultProcedure('consent') }],
              });
            }}
          >
            {t('proc.edit.addBand')}
          </button>
        </p>
      )}
      <ProcedureEditor
        legend={t('proc.edit.aboveBands')}
        value={value.otherwise}
        classes={classes}
        exclude={NESTED_EXCLUDED}
        onChange={(otherwise) => onChange({ ...value, otherwise })}
      />
    </div>
  );
}
