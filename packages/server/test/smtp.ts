// A real SMTP server for tests (smtp-server, the server half of nodemailer's project): it accepts every mail on a
// free port of 127.0.0.1 and keeps each one parsed (mailparser), so that a test reads what the platform sent.
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  from: string;
  subject: string;
  text: string;
  html: string;
  headers: Map<string, unknown>;
  raw: string;
  /** A header as sent (unfolded), or undefined. */
  header(name: string): string | undefined;
}

export interface TestSmtp {
  /** smtp://127.0.0.1:PORT, for PEERGOV_SMTP_URL. */
  url: string;
  received: ReceivedMail[];
  /** The first mail to `to` (matching `kind`, the X-Peergov-Kind header, if given), waiting up to `ms` for it. */
  waitFor(to: string, kind?: string, ms?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        simpleParser(raw)
          .then((parsed) => {
            received.push({
              to: session.envelope.rcptTo.map((r) => r.address),
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              subject: parsed.subject ?? '',
              text: parsed.text ?? '',
              html: typeof parsed.html === 'string' ? parsed.html : '',
              headers: parsed.headers as Map<string, unknown>,
              raw,
              header(name) {
                const head = raw.split(/\r?\n\r?\n/, 1)[0]!.replace(/\r?\n[ \t]+/g, ' ');
                const line = head
                  .split(/\r?\n/)
                  .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
                return line?.slice(name.length + 1).trim();
              },
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    async waitFor(to, kind, ms = 10_000) {
      const until = Date.now() + ms;
      for (;;) {
        const mail = received.find(
          (m) => m.to.includes(to) && (kind === undefined || m.headers.get('x-peergov-kind') === kind),
        );
        if (mail) return mail;
        if (Date.now() > until)
          throw new Error(`no mail to ${to}${kind ? ` (${kind})` : ''} within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The secret in a link of a mail (`#token=...` of the first link to `page`). */
export function tokenFrom(mail: ReceivedMail, page: string): string {
  const m = new RegExp(`/${page}#token=([A-Za-z0-9_-]+)`).exec(mail.text);
  if (!m?.[1]) throw new Error(`no ${page} link in:\n${mail.text}`);
  return m[1];
}
