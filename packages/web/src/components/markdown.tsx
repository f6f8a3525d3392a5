// Markdown as people write it in proposals, reasons and comments: rendered by markdown-it with raw HTML off, then
// sanitised by DOMPurify to a short list of tags, so that nothing written can run script, load anything or style the
// page. Links open in a new tab without the opener or the referrer. Mentions (`@[label](accountId)`, the grammar the
// server notifies by) show the display name the API gives for that account, never the label written, so a label
// cannot pass one person off as another.
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';
import { MENTION_PATTERN } from '@peergov/kernel/mentions';
import { useMemo } from 'react';

const MENTION_AT = new RegExp(`^${MENTION_PATTERN}`);

interface Env {
  names: ReadonlyMap<string, string>;
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: true, typographer: false });
// No images: they would load from anywhere the author chose, telling that address who reads.
md.disable(['image']);
md.inline.ruler.before('link', 'mention', (state, silent) => {
  if (state.src.charCodeAt(state.pos) !== 0x40 /* @ */) return false;
  const m = MENTION_AT.exec(state.src.slice(state.pos));
  if (!m) return false;
  if (!silent) {
    const token = state.push('mention', '', 0);
    token.meta = { label: m[1], accountId: m[2] };
  }
  state.pos += m[0].length;
  return true;
});
md.renderer.rules.mention = (tokens, idx, _options, env) => {
  const { label, accountId } = tokens[idx]!.meta as { label: string; accountId: string };
  const name = (env as Partial<Env> | undefined)?.names?.get(accountId);
  // Someone who is not (or no longer) in the commons: the words as written, as plain text.
  if (name === undefined) return md.utils.escapeHtml(`@${label}`);
  return `<span class="mention" data-account="${md.utils.escapeHtml(accountId)}">@${md.utils.escapeHtml(name)}</span>`;
};

const ALLOWED_TAGS = [
  'p',
  'br',
  'strong',
  'em',
  's',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'span',
];

let hooked = false;
function purify(html: string): string {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow ugc');
      }
    });
  }
  return DOMPurify.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR: ['href', 'title', 'class', 'data-account', 'start'],
    // Web and mail links only: no javascript:, data: or other schemes.
    ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i,
  });
}

/** The sanitised HTML of `text` (markdown), mentions named by `names` (account id -> display name). */
export function renderMarkdown(text: string, names: ReadonlyMap<string, string> = new Map()): string {
  return purify(md.render(text, { names } satisfies Env));
}

/** Markdown text as a block of safe HTML. */
export function Markdown({
  text,
  mentions = [],
  className,
}: {
  text: string;
  mentions?: readonly { accountId: string; displayName: string }[];
  className?: string;
}) {
  const html = useMemo(
    () => renderMarkdown(text, new Map(mentions.map((m) => [m.accountId, m.displayName]))),
    [text, mentions],
  );
  return (
    <div
      className={`markdown${className ? ` ${className}` : ''}`}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
