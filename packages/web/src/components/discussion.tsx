// A proposal's discussion: comments in markdown as threads of any depth, each editable (with its history) and
// deletable by its author, and a comment box whose `@` completes a member's name into a mention.
import { useId, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { LIMITS } from '@peergov/kernel/limits';
import { mentionToken } from '@peergov/kernel/mentions';
import { api } from '../api/client';
import type { CommentDetail, CommentView, Commons, MemberPage, Proposal } from '../api/types';
import { useI18n } from '../i18n';
import { useSession } from '../session';
import { asyncHandler } from './async-handler';
import { Markdown } from './markdown';
import { useSubmission } from './submission';
import { Field, FormError, tooLong } from './ui';
import { usePages } from './use-pages';

/** Past this depth replies are no longer indented (a phone has no room), but still shown under what they answer. */
const MAX_INDENT = 4;

/** The `@word` being typed just before the caret, if any: where it starts and what it says so far. */
function mentionAt(text: string, caret: number): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)@([^\s@[\]()]{0,40})$/.exec(before);
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

/**
 * A textarea whose `@name` offers the commons' members (arrow keys and Enter or a click choose one, Escape closes
 * the list), and writes the chosen one as a mention.
 */
function MentionTextarea({
  commonsId,
  value,
  onChange,
  fieldProps,
  rows = 3,
}: {
  commonsId: string;
  value: string;
  onChange: (v: string) => void;
  fieldProps: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean };
  rows?: number;
}) {
  const { t } = useI18n();
  const ref = useRef<HTMLTextAreaElement>(null);
  const listId = useId();
  const [open, setOpen] = useState<{ start: number; query: string } | null>(null);
  const [options, setOptions] = useState<MemberPage['items']>([]);
  const [active, setActive] = useState(0);
  const asked = useRef(0);

  const look = async (text: string, caret: number) => {
    const at = mentionAt(text, caret);
    setOpen(at);
    if (!at) return;
    const n = ++asked.current;
    try {
      const q = at.query ? `&q=${encodeURIComponent(at.query)}` : '';
      const page = await api.get(`/api/v1/commons/${commonsId}/members?status=member&limit=6${q}`);
      // Only the answer to the latest keystroke counts.
      if (n === asked.current) {
        setOptions(page.items);
        setActive(0);
      }
    } catch {
      if (n === asked.current) setOptions([]);
    }
  };

  const choose = (m: MemberPage['items'][number]) => {
    if (!open) return;
    const caret = ref.current?.selectionStart ?? value.length;
    const token = `${mentionToken(m.displayName, m.accountId)} `;
    const next = value.slice(0, open.start) + token + value.slice(caret);
    onChange(next);
    setOpen(null);
    setOptions([]);
    const at = open.start + token.length;
    requestAnimationFrame(() => {
      ref.current?.focus();
      ref.current?.setSelectionRange(at, at);
    });
  };

  const showing = open !== null && options.length > 0;
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!showing) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const step = e.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + options.length) % options.length);
    } else if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      choose(options[active]!);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(null);
    }
  };

  return (
    <div className="mention-box">
      <textarea
        {...fieldProps}
        ref={ref}
        rows={rows}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={showing}
        aria-controls={listId}
        aria-activedescendant={showing ? `${listId}-${active}` : undefined}
        onKeyDown={onKeyDown}
        onChange={(e) => {
          onChange(e.target.value);
          void look(e.target.value, e.target.selectionStart);
        }}
        onBlur={() => setTimeout(() => setOpen(null), 150)}
      />
      <ul
        id={listId}
        role="listbox"
        className="mention-options"
        hidden={!showing}
        aria-label={t('mention.list')}
      >
        {showing &&
          options.map((m, i) => (
            <li
              key={m.accountId}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(m);
              }}
            >
              {m.displayName}
            </li>
          ))}
      </ul>
      <p className="hint">{t('discussion.markdownHint')}</p>
    </div>
  );
}

/** The earlier texts of an edited comment, loaded when asked for. */
function History({ c, commonsId }: { c: CommentView; commonsId: string }) {
  const { t, date } = useI18n();
  const [detail, setDetail] = useState<CommentDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const show = async () => {
    try {
      setDetail(
        await api.get(
          `/api/v1/commons/${commonsId}/proposals/${c.proposalId}/comments/${encodeURIComponent(c.id)}`,
        ),
      );
    } catch (err) {
      setError(err);
    }
  };
  return (
    <details
      className="comment-history"
      onToggle={(e) => {
        if ((e.target as HTMLDetailsElement).open && !detail) void show();
      }}
    >
      <summary>{t('discussion.edited', { count: c.editCount, date: date(c.editedAt ?? c.at) })}</summary>
      <FormError error={error} />
      {detail && (
        <ol className="history">
          {detail.history.map((h, i) => (
            <li key={i}>
              <p className="meta">{t('discussion.versionUntil', { date: date(h.until) })}</p>
              <Markdown text={h.text} mentions={detail.mentions} />
            </li>
          ))}
        </ol>
      )}
    </details>
  );
}

export function Discussion({
  proposal,
  commons,
  onPosted,
}: {
  proposal: Proposal;
  commons: Commons;
  onPosted: () => void;
}) {
  const { t, date } = useI18n();
  const { account } = useSession();
  const [text, setText] = useState('');
  const [replyTo, setReplyTo] = useState<CommentView | null>(null);
  const [editing, setEditing] = useState<{ id: string; text: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [rowError, setRowError] = useState<{ id: string; error: unknown } | null>(null);
  const { busy, run } = useSubmission();
  // The server's answer to whether this person may comment (read-only commons included), never a rule kept here.
  const canPost = proposal.canComment;
  const base = `/api/v1/commons/${commons.id}/proposals/${proposal.id}/comments`;
  const pages = usePages(proposal.comments, base, (c) => c.id);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim() || tooLong(text, LIMITS.comment)) return;
    try {
      await run(async (idempotencyKey) => {
        await api.post(base, { text: text.trim(), replyTo: replyTo?.id ?? null }, { idempotencyKey });
        setText('');
        setReplyTo(null);
        setError(null);
        onPosted();
      });
    } catch (err) {
      setError(err);
    }
  };
  const saveEdit = async (e: FormEvent) => {
    e.preventDefault();
    if (!editing || !editing.text.trim() || tooLong(editing.text, LIMITS.comment)) return;
    try {
      await run(async () => {
        await api.patch(`${base}/${encodeURIComponent(editing.id)}`, { text: editing.text.trim() });
        setEditing(null);
        setRowError(null);
        onPosted();
      });
    } catch (err) {
      setRowError({ id: editing.id, error: err });
    }
  };
  const remove = async (c: CommentView) => {
    if (!window.confirm(t('discussion.confirmDelete'))) return;
    try {
      await run(async () => {
        await api.del(`${base}/${encodeURIComponent(c.id)}`);
        setRowError(null);
        onPosted();
      });
    } catch (err) {
      setRowError({ id: c.id, error: err });
    }
  };

  const comments = pages.items;
  const ids = new Set(comments.map((c) => c.id));
  // A reply whose comment is not loaded yet (on a later page) shows at the top level until it is.
  const top = comments.filter((c) => !c.replyTo || !ids.has(c.replyTo));
  const children = new Map<string, CommentView[]>();
  for (const c of comments) {
    if (c.replyTo && ids.has(c.replyTo)) children.set(c.replyTo, [...(children.get(c.replyTo) ?? []), c]);
  }

  const one = (c: CommentView) => {
    const mine = account?.id === c.accountId;
    const deleted = c.deletedAt !== null;
    return (
      <article
        className={`comment${deleted ? ' deleted' : ''}`}
        aria-label={t('discussion.commentBy', { name: c.displayName })}
      >
        <p className="meta">
          <strong>{c.displayName}</strong> · <time dateTime={c.at}>{date(c.at)}</time>
        </p>
        {deleted ? (
          <p className="comment-text muted">{t('discussion.deleted')}</p>
        ) : editing?.id === c.id ? (
          <form onSubmit={asyncHandler(saveEdit)} className="stack">
            <Field
              id={`edit-${c.id}`}
              label={t('discussion.editLabel')}
              limit={{ value: editing.text, max: LIMITS.comment }}
            >
              {(p) => (
                <MentionTextarea
                  commonsId={commons.id}
                  value={editing.text}
                  onChange={(v) => setEditing({ id: c.id, text: v })}
                  fieldProps={p}
                />
              )}
            </Field>
            <div className="actions">
              <button
                type="submit"
                className="button secondary"
                disabled={busy || !editing.text.trim() || tooLong(editing.text, LIMITS.comment)}
              >
                {t('discussion.save')}
              </button>
              <button type="button" className="link-button" onClick={() => setEditing(null)}>
                {t('common.cancel')}
              </button>
            </div>
          </form>
        ) : (
          <Markdown className="comment-text" text={c.text} mentions={c.mentions} />
        )}
        {!deleted && c.editCount > 0 && <History c={c} commonsId={commons.id} />}
        {rowError?.id === c.id && <FormError error={rowError.error} />}
        {!deleted && editing?.id !== c.id && (
          <p className="comment-actions">
            {canPost && (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  setReplyTo(c);
                  document.getElementById('comment-text')?.focus();
                }}
              >
                {t('discussion.reply')}
                <span className="visually-hidden"> {t('discussion.to', { name: c.displayName })}</span>
              </button>
            )}
            {mine && canPost && (
              <button
                type="button"
                className="link-button"
                onClick={() => setEditing({ id: c.id, text: c.text })}
              >
                {t('discussion.edit')}
              </button>
            )}
            {mine && (
              <button type="button" className="link-button danger" onClick={asyncHandler(() => remove(c))}>
                {t('discussion.delete')}
              </button>
            )}
          </p>
        )}
      </article>
    );
  };

  const thread = (c: CommentView, depth: number): React.ReactNode => {
    const replies = children.get(c.id) ?? [];
    return (
      <li key={c.id}>
        {one(c)}
        {replies.length > 0 && (
          <ul className={depth < MAX_INDENT ? 'replies' : 'replies flat'}>
            {replies.map((r) => thread(r, depth + 1))}
          </ul>
        )}
      </li>
    );
  };

  return (
    <section aria-labelledby="discussion-heading">
      <h2 id="discussion-heading">{t('discussion.heading', { count: proposal.comments.total })}</h2>
      {proposal.comments.total === 0 && <p className="muted">{t('discussion.none')}</p>}
      <ul className="comments">{top.map((c) => thread(c, 1))}</ul>
      <FormError error={pages.error} />
      {pages.hasMore && (
        <button type="button" className="link-button" onClick={asyncHandler(pages.loadMore)}>
          {t('common.more')}
        </button>
      )}
      {canPost && (
        <form onSubmit={asyncHandler(submit)} className="stack">
          <FormError error={error} />
          {replyTo && (
            <p className="replying">
              {t('discussion.replyingTo', { name: replyTo.displayName })}{' '}
              <button type="button" className="link-button" onClick={() => setReplyTo(null)}>
                {t('common.cancel')}
              </button>
            </p>
          )}
          <Field id="comment-text" label={t('discussion.add')} limit={{ value: text, max: LIMITS.comment }}>
            {(p) => <MentionTextarea commonsId={commons.id} value={text} onChange={setText} fieldProps={p} />}
          </Field>
          <div className="actions">
            <button
              type="submit"
              className="button secondary"
              disabled={busy || !text.trim() || tooLong(text, LIMITS.comment)}
            >
              {t('discussion.post')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
