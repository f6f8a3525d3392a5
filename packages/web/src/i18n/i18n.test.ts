import { describe, expect, test } from 'vitest';
import { ApiError } from '../api/client';
import { errorText } from '../components/ui';
import { describeProcedure, describeReason, fraction, stanceLabel } from '../describe';
import { match } from '../router';
import { en, type MessageKey, type Msg } from './en';
import { fr } from './fr';
import { format, LOCALES, type Locale } from './index';

const placeholders = (m: Msg): string[] => {
  const texts =
    typeof m === 'string' ? [m] : Object.values(m).filter((x): x is string => typeof x === 'string');
  return [...new Set(texts.flatMap((x) => [...x.matchAll(/\{(\w+)\}/g)].map((g) => g[1]!)))].sort();
};

describe('translations', () => {
  test.each(Object.keys(LOCALES) as Locale[])('%s has every English key and no other', (locale) => {
    expect(Object.keys(LOCALES[locale]).sort()).toEqual(Object.keys(en).sort());
  });

  test.each(Object.keys(en) as MessageKey[])('fr %s uses the same placeholders as en', (key) => {
    expect(placeholders(fr[key])).toEqual(placeholders(en[key]));
    expect(typeof fr[key]).toBe(typeof en[key]);
  });

  test('plurals follow Intl.PluralRules of the language', () => {
    expect(format('en', en, 'home.members', { count: 1 })).toBe('1 member');
    expect(format('en', en, 'home.members', { count: 0 })).toBe('0 members');
    expect(format('en', en, 'home.openProposals', { count: 0 })).toBe('no open proposals');
    // French uses the singular for 0 and 1.
    expect(format('fr', fr, 'home.members', { count: 1 })).toBe('1 membre');
    expect(format('fr', fr, 'time.days', { count: 2 })).toBe('2 jours');
    expect(format('en', en, 'log.records', { count: 1200 })).toBe('1,200 records');
  });
});

describe('plain-language rules', () => {
  const t = (key: MessageKey, params?: Record<string, string | number>) => format('en', en, key, params);
  const tf = (key: MessageKey, params?: Record<string, string | number>) => format('fr', fr, key, params);

  test('procedures read as sentences', () => {
    expect(describeProcedure(t, { type: 'consent', hours: 72 })).toBe(
      'Passes after 3 days unless a member objects.',
    );
    expect(describeProcedure(t, { type: 'role', objectionHours: 5 })).toBe(
      'A member holding a role with this mandate decides; any member may object within 5 hours.',
    );
    expect(
      describeProcedure(t, {
        type: 'vote',
        hours: 168,
        threshold: { num: 2, den: 3 },
        strict: false,
        quorum: { num: 1, den: 2 },
        abstentions: 'against',
      }),
    ).toBe(
      'A vote over 7 days: passes if at least two thirds of the votes agree, with at least half of the members taking part; abstentions count as votes against.',
    );
    expect(
      describeProcedure(tf, { type: 'consensus', hours: 24, minParticipation: { num: 3, den: 5 } }),
    ).toBe('Adoptée au bout de 1 jour si personne ne bloque et qu’au moins 3/5 des membres participent.');
  });

  test('fractions have words where there are common ones', () => {
    expect(fraction(t, '1/2')).toBe('half');
    expect(fraction(t, { num: 3, den: 5 })).toBe('3/5');
    expect(fraction(tf, '2/3')).toBe('deux tiers');
  });

  test('reasons are rebuilt from their codes, and unknown codes keep the server sentence', () => {
    const name = (id: string) => (id === 'a1' ? 'Ada' : id);
    expect(
      describeReason(
        t,
        { code: 'threshold_not_met', params: { agree: 1, against: 2, threshold: '1/2' }, text: '' },
        name,
      ),
    ).toBe('1 agreed and 2 did not: at least half had to agree.');
    // "More than half" is said so, from the deciding rule, in every language.
    const notMet = {
      code: 'threshold_not_met',
      params: { agree: 1, against: 1, threshold: '1/2' },
      text: '',
    };
    const simpleMajority = {
      type: 'vote',
      hours: 24,
      threshold: { num: 1, den: 2 },
      strict: true,
      quorum: { num: 0, den: 1 },
      abstentions: 'ignored',
    } as const;
    expect(describeReason(t, notMet, name, undefined, undefined, simpleMajority)).toBe(
      '1 agreed and 1 did not: more than half had to agree.',
    );
    expect(describeReason(tf, notMet, name, undefined, undefined, simpleMajority)).toBe(
      '1 pour et 1 non : il fallait que plus de la moitié des voix soient pour.',
    );
    expect(
      describeReason(
        t,
        { ...notMet, code: 'threshold_met', params: { agree: 2, against: 1, threshold: '1/2' } },
        name,
        undefined,
        undefined,
        simpleMajority,
      ),
    ).toBe('2 agreed and 1 did not: more than half had to agree, and did.');
    expect(
      describeReason(
        tf,
        { ...notMet, code: 'threshold_met', params: { agree: 2, against: 1, threshold: '2/3' } },
        name,
      ),
    ).toBe('2 pour et 1 non : il fallait qu’au moins deux tiers des voix soient pour, et c’est le cas.');
    expect(describeReason(t, { code: 'role_approved', params: { by: 'a1' }, text: '' }, name)).toBe(
      'Ada, holding the mandate, approved it.',
    );
    expect(describeReason(t, { code: 'new_code', params: {}, text: 'Server words.' }, name)).toBe(
      'Server words.',
    );
  });
});

describe('router', () => {
  test('matches patterns and decodes parameters', () => {
    expect(match('/c/:id/proposals/:pid', '/c/c_1/proposals/p%202')).toEqual({ id: 'c_1', pid: 'p 2' });
    expect(match('/c/:id', '/c/x/log')).toBeNull();
    expect(match('/c/:id/log', '/c/x/log/')).toEqual({ id: 'x' });
  });
});

describe('labels in the reader language', () => {
  const t = (key: MessageKey, params?: Record<string, string | number>) => format('en', en, key, params);
  const tf = (key: MessageKey, params?: Record<string, string | number>) => format('fr', fr, key, params);
  const consensus = { type: 'consensus', hours: 24, minParticipation: { num: 1, den: 2 } } as const;
  const consent = { type: 'consent', hours: 24 } as const;

  test('a block is a block under consensus and an objection under consent, in both languages', () => {
    expect(stanceLabel(t, 'block', consensus)).toBe('Block');
    expect(stanceLabel(t, 'block', consent)).toBe('Object');
    expect(stanceLabel(tf, 'block', consensus)).toBe(fr['stance.block']);
    expect(stanceLabel(tf, 'block', consent)).toBe(fr['stance.object']);
    for (const s of ['agree', 'abstain', 'disagree', 'block'] as const)
      expect(stanceLabel(tf, s, consensus)).not.toBe(stanceLabel(t, s, consensus));
  });

  test('an over-long field is told in French, not in the server English', () => {
    const e = new ApiError(400, 'invalid_request', 'The title is too long: ...', 'title', 200);
    expect(errorText(tf, e)).toBe(
      'Le champ « title » est trop long : 200 caractères au plus. Rien n’a été enregistré ; raccourcissez-le et réessayez.',
    );
    expect(errorText(t, e)).toMatch(/^The field “title” is too long: it may have at most 200 characters/);
  });
});
