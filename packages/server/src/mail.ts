// Outgoing e-mail. With PEERGOV_SMTP_URL set, through that SMTP server (nodemailer); without it, into the store's
// outbox, which the instance administrator reads (GET /api/v1/admin/outbox and the web app's outbox page), so that
// an instance without a mail server still serves and shows what it would have sent.
import { createHmac, timingSafeEqual, type KeyObject } from 'node:crypto';
import { normaliseEmail } from '@peergov/kernel';
import type { Store } from '@peergov/store';
import type { FastifyBaseLogger } from 'fastify';
import nodemailer from 'nodemailer';
import { newId } from './ids';

/** One e-mail, as plain text and HTML. */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** What it is (`password_reset`, `email_change`, `email_changed`, `invitation`), for the outbox and the logs. */
  kind: string;
  /** Extra headers (List-Unsubscribe and List-Unsubscribe-Post on mails a person may ask not to get again). */
  headers?: Record<string, string>;
}

/** Where mail goes: an SMTP server or the outbox. */
export interface MailTransport {
  readonly via: 'smtp' | 'outbox';
  deliver(message: MailMessage): Promise<void>;
  close(): void;
}

/** Sends through the SMTP server of `url` (smtp:// or smtps://, credentials in the URL), from `from`. */
export function smtpTransport(url: string, from: string): MailTransport {
  const transporter = nodemailer.createTransport(url);
  return {
    via: 'smtp',
    async deliver(m) {
      await transporter.sendMail({
        from,
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        headers: { 'X-Peergov-Kind': m.kind, ...m.headers },
      });
    },
    close: () => transporter.close(),
  };
}

/** Keeps each mail in the store's outbox instead of sending it. */
export function outboxTransport(store: Store, clock: () => Date = () => new Date()): MailTransport {
  return {
    via: 'outbox',
    async deliver(m) {
      await store.addOutboxMail({
        id: newId('m'),
        to: m.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
        kind: m.kind,
        createdAt: clock().toISOString(),
      });
    },
    close: () => {},
  };
}

/**
 * Hands mail to the transport in the background: a request never waits for a mail server, and the time an answer
 * takes does not tell whether a mail was sent (a password reset for an unknown address sends none). A failure is
 * logged, not retried (the person can ask again). `idle()` resolves once every mail handed over so far is delivered
 * or has failed: for closing and for tests.
 */
export class Mailer {
  private readonly pending = new Set<Promise<void>>();

  private log: FastifyBaseLogger | undefined;

  constructor(readonly transport: MailTransport) {}

  /** Where failures are logged (the app's logger, once it exists). */
  logTo(log: FastifyBaseLogger): void {
    this.log = log;
  }

  get via(): 'smtp' | 'outbox' {
    return this.transport.via;
  }

  send(message: MailMessage): void {
    this.track(this.transport.deliver(message), message.kind);
  }

  /**
   * Runs work that ends in a mail (looking an account up, storing a token, sending) in the background, logging a
   * failure: the answer to the request that started it does not wait, so its timing tells nothing.
   */
  track(work: Promise<unknown>, what = 'mail'): void {
    const p: Promise<void> = work
      .then(() => {})
      .catch((error: unknown) => {
        this.log?.error({ err: error, kind: what }, 'a mail could not be delivered');
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.idle();
    this.transport.close();
  }
}

/**
 * The secret of one-click unsubscribe links: an HMAC of the normalised address under a key derived from the
 * instance's signing key, so that a link works for its address only, and nothing needs storing per mail.
 */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(signingKey: KeyObject) {
    const der = signingKey.export({ type: 'pkcs8', format: 'der' });
    this.key = createHmac('sha256', der).update('peergov unsubscribe v1').digest();
  }

  tokenFor(email: string): string {
    return createHmac('sha256', this.key).update(normaliseEmail(email)).digest('base64url');
  }

  verify(email: string, token: string): boolean {
    return same(this.tokenFor(email), token);
  }

  /**
   * The same HMAC over a scope instead of an address (e.g. one account's mail of one kind of notification): its
   * prefix keeps a scope from ever equalling an address.
   */
  tokenForScope(scope: string): string {
    return createHmac('sha256', this.key).update(`scope\n${scope}`).digest('base64url');
  }

  verifyScope(scope: string, token: string): boolean {
    return same(this.tokenForScope(scope), token);
  }
}

function same(expectedToken: string, token: string): boolean {
  const expected = Buffer.from(expectedToken);
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
