// The one translation layer: every user-facing string goes through t(). Plurals by Intl.PluralRules,
// dates by Intl.DateTimeFormat.
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey, type Messages, type Msg } from './en';
import { fr } from './fr';

export const LOCALES = { en, fr } as const;
export type Locale = keyof typeof LOCALES;
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', fr: 'Français' };

export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const STORAGE_KEY = 'peergov.locale';

/** Whether this browser remembers a language chosen in it (which then wins over the account's). */
export function hasSavedLocale(): boolean {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    return !!saved && saved in LOCALES;
  } catch {
    return false;
  }
}

function initialLocale(): Locale {
  try {
    const saved = window.localStorage.getItem(STORAGE_KEY);
    if (saved && saved in LOCALES) return saved as Locale;
  } catch {
    // Storage may be unavailable (private mode); fall back to the browser's language.
  }
  const nav = (typeof navigator !== 'undefined' ? navigator.language : 'en').slice(0, 2);
  return nav in LOCALES ? (nav as Locale) : 'en';
}

/** Picks the plural form and fills `{name}` placeholders. */
export function format(locale: Locale, messages: Messages, key: MessageKey, params: Params = {}): string {
  const msg: Msg = messages[key] ?? en[key] ?? key;
  let text: string;
  if (typeof msg === 'string') text = msg;
  else {
    const n = Number(params.count ?? 0);
    const form = new Intl.PluralRules(locale).select(n) as keyof typeof msg;
    text = (n === 0 && msg.zero) || msg[form] || msg.other;
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] === undefined
      ? whole
      : typeof params[name] === 'number'
        ? formatNumber(locale, params[name])
        : String(params[name]),
  );
}

function formatNumber(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale).format(n);
}

interface I18n {
  locale: Locale;
  setLocale(l: Locale): void;
  t: Translate;
  /** A date and time in the reader's language, e.g. "3 Jan 2026, 14:05". */
  date(iso: string): string;
  /** A date without time. */
  day(iso: string): string;
}

const I18nContext = createContext<I18n | null>(null);

export function I18nProvider({ children, initial }: { children: ReactNode; initial?: Locale }) {
  const [locale, setLocaleState] = useState<Locale>(initial ?? initialLocale);
  const setLocale = useCallback((l: Locale) => {
    setLocaleState(l);
    try {
      window.localStorage.setItem(STORAGE_KEY, l);
    } catch {
      // Not remembered; the choice still applies to this visit.
    }
  }, []);
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(() => {
    const messages = LOCALES[locale];
    // Dates follow the reader's regional variant of the chosen language where the browser names one (en-GB).
    const regional = (
      typeof navigator !== 'undefined' ? (navigator.languages ?? [navigator.language]) : []
    ).find((l) => l.split('-')[0] === locale);
    const dateLocale = regional ?? locale;
    const dt = new Intl.DateTimeFormat(dateLocale, { dateStyle: 'medium', timeStyle: 'short' });
    const d = new Intl.DateTimeFormat(dateLocale, { dateStyle: 'long' });
    const safe = (f: Intl.DateTimeFormat, iso: string) => {
      const v = new Date(iso);
      return Number.isNaN(v.getTime()) ? iso : f.format(v);
    };
    return {
      locale,
      setLocale,
      t: (key, params) => format(locale, messages, key, params),
      date: (iso) => safe(dt, iso),
      day: (iso) => safe(d, iso),
    };
  }, [locale, setLocale]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

/** The translation functions of the current language. */
export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}

export type { MessageKey };
