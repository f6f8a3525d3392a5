// Mentions in a text: `@[label](accountId)`, the form the web app's completion writes. Its own module, without
// dependencies, so that the web app renders mentions by the same grammar the server notifies them by. The label is
// only what the author typed: whoever shows a mention names the account by its display name in the commons, so a
// label cannot pass one person off as another.

/** One mention: where it is in the text, the label written and the account it names. */
export interface Mention {
  start: number;
  end: number;
  label: string;
  accountId: string;
}

/**
 * The grammar, as a regular expression's source: an id as the API accepts ids (letters, digits, `_` and `-`, at
 * most 64), a label of at most 80 characters without a closing bracket or a line break.
 */
export const MENTION_PATTERN = String.raw`@\[([^\]\n]{1,80})\]\(([A-Za-z0-9_-]{1,64})\)`;
const MENTION = new RegExp(MENTION_PATTERN, 'g');

/** The mentions in `text`, in order. */
export function findMentions(text: string): Mention[] {
  const out: Mention[] = [];
  for (const m of text.matchAll(MENTION)) {
    const start = m.index;
    out.push({ start, end: start + m[0].length, label: m[1]!, accountId: m[2]! });
  }
  return out;
}

/** The distinct accounts `text` mentions, at most `max` (a comment that names everyone notifies no one past it). */
export function mentionedAccounts(text: string, max = 20): string[] {
  const ids = new Set<string>();
  for (const m of findMentions(text)) {
    if (ids.size >= max) break;
    ids.add(m.accountId);
  }
  return [...ids];
}

/** The token that mentions `accountId` as `label` (brackets and line breaks in the label are dropped). */
export function mentionToken(label: string, accountId: string): string {
  const clean = label.replace(/[[\]\n\r]/g, '').slice(0, 80) || accountId;
  return `@[${clean}](${accountId})`;
}
