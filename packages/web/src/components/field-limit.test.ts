import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, test } from 'vitest';
import { I18nProvider, type Locale } from '../i18n';
import { Field, textLength, tooLong } from './ui';

const render = (value: string, max: number, locale: Locale = 'en') =>
  renderToStaticMarkup(
    createElement(I18nProvider, {
      initial: locale,
      children: createElement(Field, {
        label: 'Title',
        limit: { value, max },
        children: (p) => createElement('input', { ...p, value, readOnly: true }),
      }),
    }),
  );

describe('a text field with a limit', () => {
  test('shows the limit and how much is used, without cutting or capping the input', () => {
    const html = render('Beans', 200);
    expect(html).toContain('5 of at most 200 characters');
    expect(html).not.toContain('maxlength');
    expect(html).not.toContain('aria-invalid');
  });

  test('over the limit, says so in words, beside the field, and marks it invalid', () => {
    const html = render('x'.repeat(203), 200);
    expect(html).toContain('Too long: at most 200 characters, this has 3 too many.');
    expect(html).toContain('aria-invalid="true"');
    expect(html).toContain('value="' + 'x'.repeat(203) + '"');
    expect(render('x'.repeat(203), 200, 'fr')).toContain(
      'Trop long : 200 caractères au plus, celui-ci en a 3 de trop.',
    );
  });

  test('counts characters as the API does (code points), not UTF-16 units', () => {
    const emoji = '🌱'.repeat(200);
    expect(emoji.length).toBe(400);
    expect(textLength(emoji)).toBe(200);
    expect(tooLong(emoji, 200)).toBe(false);
    expect(tooLong(emoji + 'a', 200)).toBe(true);
  });
});
