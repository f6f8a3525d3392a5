// Small shared pieces: page title, form fields with their errors, alerts, status badges.
import { useEffect, useId, useRef, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { navigationCount } from '../router';
import { useI18n, type Translate } from '../i18n';
import type { MessageKey } from '../i18n/en';
import type { ProposalStatus } from '../api/types';

/** Sets the document title and puts the page's main heading in focus after a navigation. */
export function PageTitle({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · peergov`;
  }, [title]);
  useEffect(() => {
    // Only move focus after an in-app navigation, not on the first load (where focus starts at the top).
    if (navigationCount() > 0) ref.current?.focus({ preventScroll: true });
  }, [title]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** A readable sentence for an API error: known codes are translated, others keep the server's words. */
export function errorText(t: Translate, e: unknown): string {
  if (e instanceof ApiError) {
    if (e.code === 'network') return t('error.network');
    // Said in the reader's language, not the server's English, when the problem names the field and its limit.
    if (e.code === 'invalid_request' && e.field !== undefined && e.limit !== undefined)
      return t('error.too_long', { field: e.field, limit: e.limit });
    const key = `error.${e.code}` as MessageKey;
    const s = t(key, { detail: e.detail });
    if (s !== key) return s;
    return e.detail || t('error.generic');
  }
  return t('error.generic');
}

/** An error shown next to a form; announced by screen readers when it appears. */
export function FormError({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  return (
    <div className="alert alert-error" role="alert">
      {errorText(t, error)}
    </div>
  );
}

export function Notice({
  children,
  kind = 'info',
}: {
  children: ReactNode;
  kind?: 'info' | 'success' | 'warning';
}) {
  return <div className={`alert alert-${kind}`}>{children}</div>;
}

/** The length of text as the API counts it (code points, as JSON Schema's maxLength does). */
export const textLength = (value: string): number => [...value].length;

/** Whether text is over its limit: the form says so and sends nothing, rather than cut it. */
export const tooLong = (value: string, max: number): boolean => value.length > max && textLength(value) > max;

interface FieldProps {
  label: string;
  hint?: string;
  error?: string | null;
  /** The control's id, when something else needs to find it (focus); a generated one otherwise. */
  id?: string;
  /** A text field's limit: a counter shows it, and the field is in error when the value is over it. */
  limit?: { value: string; max: number };
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}

/** A labelled form control with an optional hint and error, wired up with ids for assistive technology. */
export function Field({ label, hint, error: given, limit, id: fixedId, children }: FieldProps) {
  const { t } = useI18n();
  const generatedId = useId();
  const id = fixedId ?? generatedId;
  const length = limit ? textLength(limit.value) : 0;
  const over = limit ? length - limit.max : 0;
  const error = given || (limit && over > 0 ? t('field.tooLong', { max: limit.max, over }) : null);
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const countId = limit ? `${id}-count` : undefined;
  const describedBy = [hintId, countId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {hint && (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      )}
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {limit && (
        <p className={`char-count${over > 0 ? ' over' : ''}`} id={countId}>
          {t('field.count', { count: length, max: limit.max })}
        </p>
      )}
      {error && (
        <p className="field-error" id={errorId}>
          {error}
        </p>
      )}
    </div>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <p className="loading" role="status">
      {t('common.loading')}
    </p>
  );
}

/** A page-level failure to load, with a retry. */
export function LoadError({ error, retry }: { error: unknown; retry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="alert alert-error" role="alert">
      <p>{errorText(t, error)}</p>
      {retry && (
        <button type="button" className="button secondary" onClick={retry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function StatusBadge({ status }: { status: ProposalStatus }) {
  const { t } = useI18n();
  return <span className={`badge badge-${status}`}>{t(`status.${status}` as MessageKey)}</span>;
}
