// Notifications: derived from each committed append (after its commit, in the background: a notification that fails
// never fails or delays a write), kept per account in the store with read/unread, told live to the person's open
// streams, and mailed at once or in a daily digest as each person chose per kind. Reminders before a proposal closes
// come from the store's reminder index (set when the proposal opens), never from a scan of the commons. Whoever is
// notified must be allowed to see the commons now (the kernel's `can`, as the views ask it).
import {
  can,
  decidersFor,
  inElectorate,
  own,
  type CommonsState,
  type EventEnvelope,
  type Proposal,
  mentionedAccounts,
} from '@peergov/kernel';
import type { Account, Store, StoredNotification } from '@peergov/store';
import type { FastifyBaseLogger } from 'fastify';
import type { CommonsService } from './commons-service';
import { newId } from './ids';
import type { Mailer, UnsubscribeTokens } from './mail';
import { digestMail, mailLocale, notificationMail } from './mail-templates';
import {
  DEFAULT_SETTINGS,
  DELIVERIES,
  NOTIFICATION_KINDS,
  type Delivery,
  type NotificationKind,
  type NotificationSettings,
} from './notification-kinds';

export { DEFAULT_SETTINGS, DELIVERIES, NOTIFICATION_KINDS } from './notification-kinds';
export type { Delivery, NotificationKind, NotificationSettings } from './notification-kinds';

/** What a notification shows (copied when it is made: the names as they were then). */
export interface NotificationData {
  commonsName: string;
  proposalTitle?: string;
  /** Who did it (the commenter, the one who took a position, the proposer). */
  actorName?: string;
  /** A decision: whether the proposal passed, or was withdrawn. */
  outcome?: 'passed' | 'rejected' | 'withdrawn';
  roleName?: string;
  /** A reminder: when the proposal closes. */
  closesAt?: string;
  commentId?: string;
}

/** A notification as the API shows it. */
export interface NotificationView {
  id: string;
  kind: NotificationKind;
  commonsId: string;
  proposalId: string | null;
  createdAt: string;
  readAt: string | null;
  data: NotificationData;
}

/** One person to notify of one thing. */
interface Pending {
  accountId: string;
  kind: NotificationKind;
  proposalId: string | null;
  dedupeKey: string;
  data: NotificationData;
  at: string;
}

export type UnreadListener = (unread: number) => void;

const HOUR = 3_600_000;
/** A reminder comes this long before the closing time, or at REMINDER_FRACTION of the open time if that is shorter. */
export const REMINDER_LEAD_MS = 24 * HOUR;
export const REMINDER_FRACTION = 0.25;
/** Recipients handled per store call (a proposal opened in a big commons notifies every member who may see it). */
const CHUNK = 1000;
/** Reminders and digest accounts taken per round of the job. */
const PAGE = 200;
/** Notifications in one digest mail at most (more go in another mail, the next round). */
const DIGEST_MAX = 100;

/** When a proposal open from `openedAt` to `closesAt` reminds those who have not taken a position. */
export function reminderTime(openedAt: string, closesAt: string): string {
  const open = Date.parse(closesAt) - Date.parse(openedAt);
  const lead = Math.min(REMINDER_LEAD_MS, Math.max(0, open) * REMINDER_FRACTION);
  return new Date(Date.parse(closesAt) - lead).toISOString();
}

/** The last daily digest time (at `hour`:00 UTC) at or before `now`. */
export function lastDigestTime(now: Date, hour: number): Date {
  const t = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hour));
  return t.getTime() <= now.getTime() ? t : new Date(t.getTime() - 24 * HOUR);
}

/** A person's settings: each kind as stored when valid, else the default. */
export function settingsOf(stored: unknown): NotificationSettings {
  const out = { ...DEFAULT_SETTINGS };
  if (stored === null || typeof stored !== 'object') return out;
  for (const kind of NOTIFICATION_KINDS) {
    const v: unknown = Object.hasOwn(stored, kind) ? (stored as Record<string, unknown>)[kind] : undefined;
    if (typeof v === 'string' && (DELIVERIES as readonly string[]).includes(v)) out[kind] = v as Delivery;
  }
  return out;
}

const isKind = (k: string): k is NotificationKind => (NOTIFICATION_KINDS as readonly string[]).includes(k);

/** The API's view of a stored notification. */
export function viewOf(n: StoredNotification): NotificationView {
  return {
    id: n.id,
    kind: isKind(n.kind) ? n.kind : 'decision',
    commonsId: n.commonsId,
    proposalId: n.proposalId,
    createdAt: n.createdAt,
    readAt: n.readAt,
    data: n.data as NotificationData,
  };
}

/**
 * Who hears that a proposal opened: the members of its commons today. (When domains arrive, those who follow the
 * proposal's domain: this is the one place that answers it.)
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- the proposal's domain will narrow it
function followersOf(state: CommonsState, _proposal: Proposal): string[] {
  const out: string[] = [];
  for (const m of Object.values(state.core.members)) if (m.status === 'member') out.push(m.accountId);
  return out;
}

/** The members a text mentions, without its author (who may see is checked for every notification after). */
function mentionedMembers(state: CommonsState, text: string, author: string): string[] {
  return mentionedAccounts(text).filter(
    (a) => a !== author && own(state.core.members, a)?.status === 'member',
  );
}

const nameIn = (state: CommonsState, accountId: string | null): string | undefined =>
  accountId === null ? undefined : own(state.core.members, accountId)?.displayName;

/** What each event tells whom (a pure function of the committed state and the event). */
export function notificationsOf(
  commonsId: string,
  state: CommonsState,
  event: EventEnvelope,
  seq: number,
): Pending[] {
  const commonsName = state.core.name;
  const key = (kind: NotificationKind) => `${commonsId}:${seq}:${kind}`;
  const one = (
    accountId: string | null | undefined,
    kind: NotificationKind,
    proposalId: string,
    data: Omit<NotificationData, 'commonsName'>,
  ): Pending[] =>
    accountId
      ? [{ accountId, kind, proposalId, dedupeKey: key(kind), data: { commonsName, ...data }, at: event.at }]
      : [];
  const proposal = (id: string) => own(state.proposals, id);
  switch (event.type) {
    case 'ProposalOpened': {
      const p = proposal(event.data.id);
      if (!p) return [];
      const data = { commonsName, proposalTitle: p.title, actorName: nameIn(state, p.proposer) };
      return followersOf(state, p)
        .filter((a) => a !== p.proposer)
        .map((accountId) => ({
          accountId,
          kind: 'proposal_opened',
          proposalId: p.id,
          dedupeKey: key('proposal_opened'),
          data,
          at: event.at,
        }));
    }
    // A ballot in a poll is the voter's position on it.
    case 'PositionTaken':
    case 'BallotCast': {
      const p = proposal(event.data.proposalId);
      if (!p || p.proposer === event.data.accountId) return [];
      return one(p.proposer, 'position_on_your_proposal', p.id, {
        proposalTitle: p.title,
        actorName: nameIn(state, event.data.accountId),
      });
    }
    case 'CommentPosted': {
      const p = proposal(event.data.proposalId);
      if (!p) return [];
      const author = event.data.accountId;
      const data = { proposalTitle: p.title, actorName: nameIn(state, author), commentId: event.data.id };
      const replyTo = event.data.replyTo;
      const parent = replyTo ? own(state.comments, p.id)?.find((c) => c.id === replyTo) : undefined;
      // Whoever is mentioned hears it once, as a mention (before a reply or a comment on their proposal).
      const mentioned = mentionedMembers(state, event.data.text, author);
      const out: Pending[] = mentioned.flatMap((a) => one(a, 'mention', p.id, data));
      if (parent && parent.accountId !== author && !mentioned.includes(parent.accountId))
        out.push(...one(parent.accountId, 'reply_to_your_comment', p.id, data));
      // The proposer who was answered hears it once, as a reply.
      if (p.proposer !== author && p.proposer !== parent?.accountId && !mentioned.includes(p.proposer))
        out.push(...one(p.proposer, 'comment_on_your_proposal', p.id, data));
      return out;
    }
    case 'CommentEdited': {
      // An edit notifies only those it newly mentions (the text before it is the last of the comment's edits).
      const p = proposal(event.data.proposalId);
      const c = own(state.comments, event.data.proposalId)?.find((x) => x.id === event.data.commentId);
      if (!p || !c) return [];
      const before = new Set(mentionedAccounts(c.edits?.at(-1)?.text ?? ''));
      const data = { proposalTitle: p.title, actorName: nameIn(state, c.accountId), commentId: c.id };
      return mentionedMembers(state, event.data.text, c.accountId)
        .filter((a) => !before.has(a))
        .flatMap((a) => one(a, 'mention', p.id, data));
    }
    case 'ProposalDecided':
    case 'ProposalWithdrawn': {
      const p = proposal(event.data.proposalId);
      if (!p) return [];
      const outcome =
        event.type === 'ProposalWithdrawn' ? 'withdrawn' : event.data.outcome.passed ? 'passed' : 'rejected';
      // Who took part: the proposer, those with a position, those who commented.
      const people = new Set<string>([p.proposer, ...Object.keys(own(state.positions, p.id) ?? {})]);
      for (const c of own(state.comments, p.id) ?? []) people.add(c.accountId);
      if (event.type === 'ProposalWithdrawn') people.delete(p.proposer);
      return [...people].map((accountId) => ({
        accountId,
        kind: 'decision',
        proposalId: p.id,
        dedupeKey: key('decision'),
        data: { commonsName, proposalTitle: p.title, outcome },
        at: event.at,
      }));
    }
    // Rules for rules: every member is asked whether the rule or decision did what it meant to.
    case 'ReviewOpened': {
      const subject = event.data.review.subject;
      const title = subject.type === 'decision' ? proposal(subject.proposalId)?.title : undefined;
      return Object.values(state.core.members)
        .filter((m) => m.status === 'member')
        .map((m) => ({
          accountId: m.accountId,
          kind: 'review_opened' as const,
          proposalId: null,
          dedupeKey: key('review_opened'),
          data: { commonsName, ...(title !== undefined ? { proposalTitle: title } : {}) },
          at: event.at,
        }));
    }
    case 'RoleAssigned': {
      const role = own(state.core.roles, event.data.roleId);
      return one(event.data.accountId, 'role_assigned', event.data.proposalId, {
        roleName: role?.name ?? event.data.roleId,
        proposalTitle: proposal(event.data.proposalId)?.title,
      });
    }
    default:
      return [];
  }
}

/** The accounts a reminder of an open proposal goes to: its electorate (or deciders) without a position yet. */
export function remindedOf(state: CommonsState, p: Proposal, now: string): string[] {
  const positions = own(state.positions, p.id) ?? {};
  const candidates =
    p.procedure.type === 'role'
      ? decidersFor(state.core, p.action.kind, now)
      : Object.values(state.core.members)
          .filter((m) => inElectorate(state.core, p, m.accountId))
          .map((m) => m.accountId);
  return candidates.filter((a) => !Object.hasOwn(positions, a));
}

export class NotificationService {
  private readonly listeners = new Map<string, Set<UnreadListener>>();
  private readonly pending = new Set<Promise<void>>();
  private log: FastifyBaseLogger | undefined;

  constructor(
    private readonly store: Store,
    private readonly commons: CommonsService,
    private readonly mailer: Mailer,
    private readonly unsubscribe: UnsubscribeTokens,
    private readonly publicUrl: string,
    /** The hour (UTC) of the daily digest. */
    private readonly digestHour = 7,
  ) {}

  logTo(log: FastifyBaseLogger): void {
    this.log = log;
  }

  /** Adds a listener of an account's unread count; returns its removal. */
  subscribe(accountId: string, listener: UnreadListener): () => void {
    let set = this.listeners.get(accountId);
    if (!set) this.listeners.set(accountId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(accountId) === set) this.listeners.delete(accountId);
    };
  }

  /** Tells an account's open streams its unread count now. */
  async changed(accountId: string): Promise<void> {
    const set = this.listeners.get(accountId);
    if (!set || set.size === 0) return;
    const unread = await this.store.countUnreadNotifications(accountId);
    for (const l of [...set]) l(unread);
  }

  /** Another process changed the account's notifications (heard through the store): its streams are told. */
  heard(accountId: string): void {
    this.changed(accountId).catch((err: unknown) =>
      this.log?.error({ err }, 'an unread count could not be read'),
    );
  }

  /**
   * An append committed: the log has `size` records, the last ones these events (one record each). Never throws and
   * returns at once: the work runs in the background, its failure logged.
   */
  committed(commonsId: string, size: number, events: readonly EventEnvelope[], state?: CommonsState): void {
    this.track(this.derive(commonsId, size, events, state));
  }

  /** Resolves once the notifications of every append heard so far are stored and their mails handed over. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await this.mailer.idle();
  }

  private track(work: Promise<unknown>): void {
    const p: Promise<void> = work
      .then(() => {})
      .catch((err: unknown) => this.log?.error({ err }, 'notifications could not be made'))
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  private async derive(
    commonsId: string,
    size: number,
    events: readonly EventEnvelope[],
    given?: CommonsState,
  ): Promise<void> {
    // After the write's answer: nothing here delays it (the state is the published one, as current when this runs).
    await new Promise<void>((resolve) => setImmediate(resolve));
    const state = given ?? (await this.commons.get(commonsId));
    if (!state) return;
    const all: Pending[] = [];
    events.forEach((event, i) => {
      all.push(...notificationsOf(commonsId, state, event, size - events.length + i));
      if (event.type === 'ProposalOpened') {
        const p = own(state.proposals, event.data.id);
        if (p && p.status === 'open')
          this.track(
            this.store.setReminder({ commonsId, proposalId: p.id, at: reminderTime(event.at, p.closesAt) }),
          );
      }
    });
    await this.deliver(commonsId, state, all);
  }

  /** Stores what each person may see and wants, mails those who want it at once, tells their streams. */
  private async deliver(commonsId: string, state: CommonsState, all: readonly Pending[]): Promise<void> {
    for (let i = 0; i < all.length; i += CHUNK) {
      const chunk = all
        .slice(i, i + CHUNK)
        // Never tell a person of what they may not see.
        .filter((n) => can(state, n.accountId, { type: 'see' }, n.at).allowed);
      if (chunk.length === 0) continue;
      const settings = await this.store.notificationSettings(chunk.map((n) => n.accountId));
      const rows: StoredNotification[] = [];
      const deliveries = new Map<string, Delivery>();
      for (const n of chunk) {
        const delivery = settingsOf(settings.get(n.accountId))[n.kind];
        if (delivery === 'off') continue;
        const id = newId('n');
        deliveries.set(id, delivery);
        rows.push({
          id,
          accountId: n.accountId,
          kind: n.kind,
          commonsId,
          proposalId: n.proposalId,
          dedupeKey: n.dedupeKey,
          data: n.data,
          createdAt: n.at,
          readAt: null,
          digest: delivery === 'digest',
        });
      }
      const added = new Set(await this.store.addNotifications(rows));
      for (const row of rows) {
        if (!added.has(row.id)) continue;
        if (deliveries.get(row.id) === 'email') this.mailer.track(this.mailOne(row), 'notification');
      }
      for (const accountId of new Set(rows.filter((r) => added.has(r.id)).map((r) => r.accountId)))
        await this.changed(accountId);
    }
  }

  /** The links of one-click unsubscription from `kind` (or `digest`) for an account. */
  unsubscribeLinks(accountId: string, kind: NotificationKind | 'digest'): { page: string; oneClick: string } {
    const token = this.unsubscribe.tokenForScope(unsubscribeScope(accountId, kind));
    const q = `account=${encodeURIComponent(accountId)}&kind=${kind}&token=${token}`;
    return {
      page: `${this.publicUrl}/unsubscribe#${q}`,
      oneClick: `${this.publicUrl}/api/v1/notifications/unsubscribe?${q}`,
    };
  }

  /** Whether `token` unsubscribes this account from `kind`. */
  verifyUnsubscribe(accountId: string, kind: string, token: string): boolean {
    return this.unsubscribe.verifyScope(unsubscribeScope(accountId, kind), token);
  }

  private async mailable(accountId: string): Promise<Account | null> {
    const account = await this.store.getAccount(accountId);
    if (!account || (await this.store.isEmailSuppressed(account.email))) return null;
    return account;
  }

  private async mailOne(row: StoredNotification): Promise<void> {
    const account = await this.mailable(row.accountId);
    if (!account) return;
    const view = viewOf(row);
    this.mailer.send(
      notificationMail(mailLocale(account.locale), account.email, {
        name: account.displayName,
        item: view,
        url: this.linkOf(view),
        settingsUrl: `${this.publicUrl}/settings#notifications`,
        unsubscribe: this.unsubscribeLinks(account.id, view.kind),
      }),
    );
  }

  /** The web app's page of what a notification is about. */
  linkOf(n: NotificationView): string {
    const c = encodeURIComponent(n.commonsId);
    return n.proposalId
      ? `${this.publicUrl}/c/${c}/proposals/${encodeURIComponent(n.proposalId)}`
      : `${this.publicUrl}/c/${c}`;
  }

  /**
   * Reminds, of each proposal whose reminder is due at `now`, its electorate who have not taken a position yet (once
   * per proposal and person: the dedupe key). Returns the reminders handled. Never throws: a failure is logged.
   */
  async sendReminders(now: Date): Promise<number> {
    let handled = 0;
    try {
      for (;;) {
        const due = await this.store.takeDueReminders(now.toISOString(), PAGE);
        for (const r of due) {
          try {
            const state = await this.commons.get(r.commonsId);
            const p = state && own(state.proposals, r.proposalId);
            if (!state || !p || p.status !== 'open' || p.closesAt <= now.toISOString()) continue;
            const at = now.toISOString();
            const data = { commonsName: state.core.name, proposalTitle: p.title, closesAt: p.closesAt };
            await this.deliver(
              r.commonsId,
              state,
              remindedOf(state, p, at).map((accountId) => ({
                accountId,
                kind: 'reminder' as const,
                proposalId: p.id,
                dedupeKey: `${r.commonsId}:${p.id}:reminder`,
                data,
                at,
              })),
            );
            handled += 1;
          } catch (err) {
            this.log?.error({ err, commons: r.commonsId, proposal: r.proposalId }, 'a reminder failed');
          }
        }
        if (due.length < PAGE) break;
      }
    } catch (err) {
      this.log?.error({ err }, 'reading the due reminders failed');
    }
    return handled;
  }

  /**
   * Mails each person with notifications waiting for a digest, made before the last digest time at or before `now`,
   * one digest of them. Returns the digests mailed. Runs every round of the job: what was taken is not taken again.
   */
  async sendDigests(now: Date): Promise<number> {
    const upTo = lastDigestTime(now, this.digestHour).toISOString();
    let sent = 0;
    let after: string | undefined;
    try {
      for (;;) {
        const accounts = await this.store.digestAccounts(upTo, PAGE, after);
        for (const accountId of accounts) {
          try {
            const items = await this.store.takeDigestNotifications(accountId, upTo, DIGEST_MAX);
            const account = await this.mailable(accountId);
            if (!account || items.length === 0) continue;
            const views = items.map(viewOf);
            this.mailer.send(
              digestMail(mailLocale(account.locale), account.email, {
                name: account.displayName,
                items: views.map((item) => ({ item, url: this.linkOf(item) })),
                url: `${this.publicUrl}/notifications`,
                settingsUrl: `${this.publicUrl}/settings#notifications`,
                unsubscribe: this.unsubscribeLinks(account.id, 'digest'),
              }),
            );
            sent += 1;
          } catch (err) {
            this.log?.error({ err, account: accountId }, 'a digest failed');
          }
        }
        const last = accounts.at(-1);
        if (accounts.length < PAGE || last === undefined) break;
        after = last;
      }
    } catch (err) {
      this.log?.error({ err }, 'reading the waiting digests failed');
    }
    return sent;
  }

  /** Unsubscribes an account from mail of `kind` (or every digest): those kinds stay in the app. */
  async unsubscribeFrom(accountId: string, kind: NotificationKind | 'digest'): Promise<void> {
    const current = settingsOf((await this.store.notificationSettings([accountId])).get(accountId));
    const next = { ...current };
    for (const k of NOTIFICATION_KINDS) {
      if (
        kind === 'digest' ? next[k] === 'digest' : k === kind && (next[k] === 'email' || next[k] === 'digest')
      )
        next[k] = 'in_app';
    }
    await this.store.setNotificationSettings(accountId, next);
  }
}

const unsubscribeScope = (accountId: string, kind: string) => `notifications\n${accountId}\n${kind}`;
