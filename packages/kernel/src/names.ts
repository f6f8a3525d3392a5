import { DomainError } from './errors';

// Names people give themselves and the emails they sign in with, made comparable and honest. Pure functions.

// Characters that show nothing: zero-width spaces and joiners' kin, word joiner, byte-order mark, bidirectional
// controls (which reorder what follows them), soft hyphen, invisible operators, and the fillers that are letters in
// Unicode's eyes but print blank (Hangul fillers, the blank Braille pattern).
// The class holds combining characters (variation selectors, the grapheme joiner) on purpose, each on its own.
const INVISIBLE =
  // eslint-disable-next-line no-misleading-character-class
  /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180F\u200B\u200E\u200F\u202A-\u202E\u2060-\u206F\u2800\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/gu;
// Control characters other than whitespace (whitespace is collapsed below).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/gu;
const VISIBLE = /[\p{L}\p{N}]/u;
const CHECK_MARKS = /[\u2713\u2714\u2611\u2705\u{1F5F8}\u{1F197}]/u;

/** Words that name a platform title or a status the platform grants; a name may not claim them. */
const TITLES = [
  'founder',
  'cofounder',
  'co-founder',
  'admin',
  'admins',
  'administrator',
  'sysadmin',
  'moderator',
  'mod',
  'mods',
  'verified',
  'official',
  'staff',
  'system',
  'superuser',
];
const TITLE = `(?:${TITLES.map((t) => t.replace('-', '[-\\s]?')).join('|')})s?`;
// The whole name is titles only ("admin", "verified admin", "Official Staff").
const ONLY_TITLES = new RegExp(`^${TITLE}(?:[\\s,&+/-]+${TITLE})*$`, 'u');
// A title inside brackets of any kind: "Ada (founder)", "[mod] Bob", "Cy 【verified】".
const BRACKETED = new RegExp(
  `[([{<\\u3010\\u3014\\u3016\\uFF08\\uFF3B][^)\\]}>\\u3011\\u3015\\u3017\\uFF09\\uFF3D]*\\b${TITLE}\\b`,
  'u',
);
// A title after the name, set off by a space or punctuation: "Ada, admin", "Bob - moderator", "Cy Verified".
const TRAILING = new RegExp(`[\\s,;:|/\\u00B7\\u2022\\u2013\\u2014-]${TITLE}[\\s.!]*$`, 'u');
// A title before the name, set off by punctuation: "Admin: Ada", "Moderator | Bob", "Staff - Cy".
const LEADING = new RegExp(`^${TITLE}\\s*[:|\\u00B7\\u2022\\u2013\\u2014-]`, 'u');

/**
 * A display name as it will be shown: NFC-normalised, invisible and control characters removed, whitespace trimmed
 * and collapsed. Refuses (DomainError `invalid_input`, field `displayName`) a name with no visible letter or digit,
 * and a name that claims a platform title or status ("admin", "Ada (founder)", "Bob, moderator", "Cy ✓").
 */
export function checkDisplayName(name: string): string {
  const shown = name
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(/\s+/gu, ' ')
    .trim();
  const refuse = (why: string): never => {
    throw new DomainError('invalid_input', why, { field: 'displayName' });
  };
  if (!VISIBLE.test(shown)) refuse('A display name needs at least one visible letter or digit.');
  // Compared on a folded form, so that fullwidth or styled letters ("ａｄｍｉｎ", "𝐚𝐝𝐦𝐢𝐧") claim as much as plain ones.
  const folded = shown.normalize('NFKC').toLowerCase().replace(/\s+/gu, ' ').trim();
  if (
    CHECK_MARKS.test(folded) ||
    ONLY_TITLES.test(folded) ||
    BRACKETED.test(folded) ||
    TRAILING.test(folded) ||
    LEADING.test(folded)
  ) {
    refuse(
      'A display name may not claim a title or status (founder, admin, moderator, verified, official, staff...): ' +
        'roles are given by a commons and shown by the platform.',
    );
  }
  return shown;
}

/**
 * The one form of an email address used for every comparison: sign-up, sign-in, invitations by email and the limits
 * on attempts. Unicode NFKC (so a fullwidth "ａ" or a no-break space is the plain character), invisible characters
 * removed, trimmed, lower case.
 */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').replace(INVISIBLE, '').trim().toLowerCase().normalize('NFKC');
}
