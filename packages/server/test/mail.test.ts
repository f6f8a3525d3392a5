// E-mail and accounts through HTTP, against a real SMTP server started here (test/smtp.ts), on both stores: password
// reset, e-mail change, password change, sign out everywhere, profile, invitations by e-mail and link, one-click
// unsubscribe, and the outbox when no SMTP server is configured.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/auth';
import { MAIL_LOCALES } from '../src/mail-templates';
import { requirePostgres } from '../../store/test/pg-available';
import { must, Person, testApp, type TestApp } from './harness';
import { startSmtp, tokenFrom, type TestSmtp } from './smtp';

const pgOk = await requirePostgres('the mail suite on PostgreSQL');
const PASSWORD = 'correct horse battery';
const PUBLIC = 'https://peergov.test';

function expectProblem(r: LightMyRequestResponse, status: number, code: string): void {
  expect(r.statusCode, r.body).toBe(status);
  expect(String(r.headers['content-type'])).toMatch(/^application\/problem\+json/);
  expect(r.json()).toMatchObject({ status, code });
}

it('mails are written in every language of the web app (one file per locale in packages/web/src/i18n)', () => {
  const web = readdirSync(join(import.meta.dirname, '../../web/src/i18n'))
    .filter((f) => /^[a-z]{2}\.ts$/.test(f))
    .map((f) => f.slice(0, 2));
  expect([...MAIL_LOCALES].sort()).toEqual(web.sort());
});

for (const kind of ['sqlite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !pgOk)(`mail and accounts on ${kind}`, () => {
    let t: TestApp;
    let smtp: TestSmtp;
    let n = 0;
    const person = (name: string) => new Person(t.app, `${name.toLowerCase()}-${++n}@example.org`, name);
    const post = (url: string, payload: object, remoteAddress = '127.0.0.1') =>
      t.app.inject({ method: 'POST', url, payload, remoteAddress });
    const signIn = (email: string, password = PASSWORD) => post('/api/v1/auth/signin', { email, password });
    const sessionOf = async (cookie: string) =>
      (await t.app.inject({ method: 'GET', url: '/api/v1/auth/session', headers: { cookie } })).json();

    beforeAll(async () => {
      smtp = await startSmtp();
      t = await testApp(kind, { smtpUrl: smtp.url, publicUrl: PUBLIC, resetsPerEmailPerHour: 3 });
    });
    afterAll(async () => {
      await t?.close();
      await smtp?.close();
    });

    describe('password reset', () => {
      it('mails a single-use link; the same answer for an unknown address, which gets no mail', async () => {
        const ada = await person('Ada').signUp();
        const known = await post('/api/v1/auth/password-reset', { email: ` ${ada.email.toUpperCase()}` });
        const unknown = await post('/api/v1/auth/password-reset', { email: 'nobody-here@example.org' });
        expect(known.statusCode).toBe(202);
        expect(unknown.statusCode).toBe(202);
        expect(unknown.body).toBe(known.body);
        const mail = await smtp.waitFor(ada.email, 'password_reset');
        await t.ctx.mailer.idle();
        expect(smtp.received.some((m) => m.to.includes('nobody-here@example.org'))).toBe(false);
        expect(mail.subject).toBe('Reset your peergov password');
        expect(mail.from).toBe('noreply@peergov.test');
        expect(mail.text).toContain('Hello Ada,');
        expect(mail.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
        expect(mail.html).toContain('max-width:560px');
        const token = tokenFrom(mail, 'reset-password');
        expect(mail.html).toContain(`${PUBLIC}/reset-password#token=${token}`);
        // Only the hash is stored: the token itself finds nothing.
        expect(
          await t.ctx.store.takeAccountToken(token, 'password_reset', new Date().toISOString()),
        ).toBeNull();

        const done = await post('/api/v1/auth/password-reset/confirm', {
          token,
          password: 'a brand new secret',
        });
        expect(done.statusCode, done.body).toBe(200);
        expect(done.json().account).toMatchObject({ id: ada.id, email: ada.email });
        expect(String(done.headers['set-cookie'])).toMatch(/^peergov_session=/);
        // The session from before the reset is over; the old password no longer works, the new one does.
        expect((await sessionOf(ada.cookie)).account).toBeNull();
        expectProblem(await signIn(ada.email), 401, 'invalid_credentials');
        expect((await signIn(ada.email, 'a brand new secret')).statusCode).toBe(200);
        // Single use.
        expectProblem(
          await post('/api/v1/auth/password-reset/confirm', { token, password: 'yet another secret' }),
          400,
          'invalid_token',
        );
      });

      it('refuses an expired, unknown or malformed link, and a short password, with a clear 400', async () => {
        const bea = await person('Bea').signUp();
        const token = 'x'.repeat(43);
        await t.ctx.store.createAccountToken({
          tokenHash: sha256(token),
          accountId: bea.id,
          purpose: 'password_reset',
          email: null,
          createdAt: '2020-01-01T00:00:00.000Z',
          expiresAt: '2020-01-01T01:00:00.000Z',
        });
        const confirm = (body: object) => post('/api/v1/auth/password-reset/confirm', body);
        expectProblem(await confirm({ token, password: 'long enough pw' }), 400, 'invalid_token');
        expectProblem(
          await confirm({ token: 'y'.repeat(43), password: 'long enough pw' }),
          400,
          'invalid_token',
        );
        for (const bad of ['__proto__', 'a b c d e f g h i j', 'z'.repeat(5000), '../../etc/passwd']) {
          const r = await confirm({ token: bad, password: 'long enough pw' });
          expectProblem(r, 400, 'invalid_request');
        }
        expectProblem(await confirm({ token: 'y'.repeat(43), password: 'short' }), 400, 'invalid_request');
        expectProblem(
          await post('/api/v1/auth/password-reset', { email: 'a'.repeat(300) }),
          400,
          'invalid_request',
        );
        expectProblem(
          await post('/api/v1/auth/password-reset', { email: 'x@y.z', extra: 1 }),
          400,
          'invalid_request',
        );
      });

      it('is limited per email (and per address), whether or not the email has an account', async () => {
        const cy = await person('Cy').signUp();
        for (const email of [cy.email, 'no-account-limit@example.org']) {
          for (let i = 0; i < 3; i++)
            expect((await post('/api/v1/auth/password-reset', { email }, '10.0.0.9')).statusCode).toBe(202);
          const r = await post('/api/v1/auth/password-reset', { email }, '10.0.0.9');
          expectProblem(r, 429, 'rate_limited');
          expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
        }
      });

      it('writes to a person in the language they chose', async () => {
        const email = `dee-${++n}@example.org`;
        await post('/api/v1/auth/signup', { email, password: PASSWORD, displayName: 'Dée', locale: 'fr' });
        await post('/api/v1/auth/password-reset', { email });
        const mail = await smtp.waitFor(email, 'password_reset');
        expect(mail.subject).toBe('Réinitialiser votre mot de passe peergov');
        expect(mail.text).toContain('Bonjour Dée,');
        expect(mail.html).toContain('<html lang="fr">');
      });
    });

    describe('e-mail change', () => {
      it('moves the account only when the link mailed to the new address is followed, and tells the old one', async () => {
        const eve = await person('Eve').signUp();
        const next = `eve-new-${++n}@example.org`;
        expectProblem(
          await eve.call('POST', '/api/v1/account/email', { email: next, password: 'wrong password' }),
          403,
          'wrong_password',
        );
        expectProblem(
          await eve.call('POST', '/api/v1/account/email', { email: eve.email, password: PASSWORD }),
          400,
          'same_email',
        );
        const r = await eve.call('POST', '/api/v1/account/email', { email: next, password: PASSWORD });
        expect(r.statusCode, r.body).toBe(202);
        expect((await eve.call('GET', '/api/v1/account')).json().email).toBe(eve.email);
        const mail = await smtp.waitFor(next, 'email_change');
        const token = tokenFrom(mail, 'confirm-email');
        const done = await post('/api/v1/account/email/confirm', { token });
        expect(done.statusCode, done.body).toBe(200);
        expect(done.json()).toMatchObject({ id: eve.id, email: next });
        const notice = await smtp.waitFor(eve.email, 'email_changed');
        expect(notice.text).toContain(next);
        expect((await signIn(next)).statusCode).toBe(200);
        expectProblem(await signIn(eve.email), 401, 'invalid_credentials');
        expectProblem(await post('/api/v1/account/email/confirm', { token }), 400, 'invalid_token');
      });

      it('an address another account took meanwhile is 409 email_taken on confirming', async () => {
        const fay = await person('Fay').signUp();
        const gus = await person('Gus').signUp();
        const r = await fay.call('POST', '/api/v1/account/email', { email: gus.email, password: PASSWORD });
        expect(r.statusCode).toBe(202);
        const token = tokenFrom(await smtp.waitFor(gus.email, 'email_change'), 'confirm-email');
        expectProblem(await post('/api/v1/account/email/confirm', { token }), 409, 'email_taken');
        expect((await fay.call('GET', '/api/v1/account')).json().email).toBe(fay.email);
      });
    });

    describe('password, sessions and profile', () => {
      it('a password change ends the other sessions; sign out everywhere ends all', async () => {
        const hal = await person('Hal').signUp();
        const other = await signIn(hal.email);
        const otherCookie = must(String(other.headers['set-cookie']).split(';')[0]);
        expectProblem(
          await hal.call('POST', '/api/v1/account/password', {
            currentPassword: 'not it at all',
            newPassword: 'another good one',
          }),
          403,
          'wrong_password',
        );
        const r = await hal.call('POST', '/api/v1/account/password', {
          currentPassword: PASSWORD,
          newPassword: 'another good one',
        });
        expect(r.statusCode, r.body).toBe(204);
        expect((await sessionOf(hal.cookie)).account?.id).toBe(hal.id);
        expect((await sessionOf(otherCookie)).account).toBeNull();

        const third = await signIn(hal.email, 'another good one');
        const thirdCookie = must(String(third.headers['set-cookie']).split(';')[0]);
        const out = await hal.call('POST', '/api/v1/auth/signout-everywhere');
        expect(out.statusCode).toBe(204);
        expect((await sessionOf(hal.cookie)).account).toBeNull();
        expect((await sessionOf(thirdCookie)).account).toBeNull();
        expectProblem(
          await t.app.inject({ method: 'POST', url: '/api/v1/auth/signout-everywhere' }),
          401,
          'unauthenticated',
        );
      });

      it('the profile changes name and language; bad input is a clear 400', async () => {
        const ivy = await person('Ivy').signUp();
        const me = (await ivy.call('GET', '/api/v1/account')).json();
        expect(me).toMatchObject({ id: ivy.id, displayName: 'Ivy', locale: null });
        const r = await ivy.call('PATCH', '/api/v1/account', { displayName: '  Ivy   Green ', locale: 'fr' });
        expect(r.statusCode, r.body).toBe(200);
        expect(r.json()).toMatchObject({ displayName: 'Ivy Green', locale: 'fr' });
        expect((await ivy.call('PATCH', '/api/v1/account', { locale: null })).json().locale).toBeNull();
        expectProblem(await ivy.call('PATCH', '/api/v1/account', {}), 400, 'invalid_request');
        expectProblem(await ivy.call('PATCH', '/api/v1/account', { locale: 'xx' }), 400, 'invalid_request');
        expectProblem(
          await ivy.call('PATCH', '/api/v1/account', { displayName: 'admin' }),
          400,
          'invalid_input',
        );
        const long = await ivy.call('PATCH', '/api/v1/account', { displayName: 'n'.repeat(1000) });
        expectProblem(long, 400, 'invalid_request');
        expectProblem(
          await ivy.call('PATCH', '/api/v1/account', { __proto__: { x: 1 } }),
          400,
          'invalid_request',
        );
        expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/account' }), 401, 'unauthenticated');
      });
    });

    describe('invitations', () => {
      const newCommons = async (founder: Person) => {
        const r = await founder.call('POST', '/api/v1/commons', {
          name: 'Garden <b>&</b>',
          purpose: 'Grow food',
          template: 'single-class',
        });
        expect(r.statusCode, r.body).toBe(201);
        return r.json().id as string;
      };

      it('by e-mail: a person without an account gets the mail, signs up through the link and applies', async () => {
        const ada = await person('Ada').signUp();
        const id = await newCommons(ada);
        expect((await ada.call('GET', `/api/v1/commons/${id}`)).json().can.invite).toBe(true);
        const email = `newcomer-${++n}@example.org`;
        const r = await ada.call('POST', `/api/v1/commons/${id}/invitations`, { email });
        expect(r.statusCode, r.body).toBe(201);
        expect(r.json()).toMatchObject({ mailed: true, invitation: { email, invitedBy: ada.id } });
        const mail = await smtp.waitFor(email, 'invitation');
        expect(mail.subject).toBe('Ada invites you to join Garden <b>&</b> on peergov');
        // What a person typed is never markup in the HTML.
        expect(mail.html).toContain('Garden &lt;b&gt;&amp;&lt;/b&gt;');
        expect(mail.html).not.toContain('<b>&</b>');
        expect(mail.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
        const token = tokenFrom(mail, 'invitation');
        expect(r.json().url).toBe(`${PUBLIC}/invitation#token=${token}`);

        const preview = await post('/api/v1/invitations/lookup', { token });
        expect(preview.statusCode, preview.body).toBe(200);
        expect(preview.json()).toMatchObject({
          commons: { id, name: 'Garden <b>&</b>', purpose: 'Grow food' },
          inviter: 'Ada',
          email,
          status: 'open',
        });
        const newcomer = await new Person(t.app, email, 'Newcomer').signUp();
        const accepted = await newcomer.call('POST', '/api/v1/invitations/accept', {
          token,
          statement: 'Hello!',
        });
        expect(accepted.statusCode, accepted.body).toBe(201);
        const { proposalId } = accepted.json();
        const proposal = (await newcomer.call('GET', `/api/v1/commons/${id}/proposals/${proposalId}`)).json();
        expect(proposal).toMatchObject({
          action: { kind: 'admit_member', accountId: newcomer.id },
          status: 'open',
          body: 'Hello!',
        });
        expect((await newcomer.call('GET', `/api/v1/commons/${id}`)).json().me.status).toBe('applicant');
        // An e-mail invitation serves one person.
        const other = await person('Other').signUp();
        expectProblem(
          await other.call('POST', '/api/v1/invitations/accept', { token }),
          409,
          'invitation_used',
        );
        expect((await post('/api/v1/invitations/lookup', { token })).json().status).toBe('used');
        // Its inviter sees it used.
        const list = (await ada.call('GET', `/api/v1/commons/${id}/invitations`)).json();
        expect(list[0]).toMatchObject({ email, acceptedAt: expect.any(String) });
      });

      it('by link: anyone with it applies until it expires; who may invite is the constitution’s', async () => {
        const ada = await person('Ada').signUp();
        const id = await newCommons(ada);
        const r = await ada.call('POST', `/api/v1/commons/${id}/invitations`, {});
        expect(r.statusCode, r.body).toBe(201);
        expect(r.json()).toMatchObject({ mailed: false, invitation: { email: null } });
        const token = must(/#token=(.+)$/.exec(r.json().url)?.[1]);
        for (const name of ['Kim', 'Lou']) {
          const p = await person(name).signUp();
          const a = await p.call('POST', '/api/v1/invitations/accept', { token });
          expect(a.statusCode, a.body).toBe(201);
          // Accepting again is the kernel's refusal: the application is waiting already.
          expectProblem(
            await p.call('POST', '/api/v1/invitations/accept', { token }),
            409,
            'already_applied',
          );
        }
        // An applicant is not a member: the constitution lets members invite.
        const stranger = await person('Stranger').signUp();
        expectProblem(
          await stranger.call('POST', `/api/v1/commons/${id}/invitations`, {}),
          403,
          'not_a_member',
        );
        expectProblem(await stranger.call('GET', `/api/v1/commons/${id}/invitations`), 403, 'not_a_member');
        expect((await stranger.call('GET', `/api/v1/commons/${id}`)).json().can.invite).toBe(false);
        expectProblem(
          await t.app.inject({ method: 'POST', url: `/api/v1/commons/${id}/invitations`, payload: {} }),
          401,
          'unauthenticated',
        );
        expectProblem(
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/invitations/accept',
            payload: { token },
          }),
          401,
          'unauthenticated',
        );
        // An expired invitation.
        const inv = (await t.ctx.store.getInvitationByToken(sha256(token)))!;
        const old = 'o'.repeat(43);
        await t.ctx.store.createInvitation({
          ...inv,
          id: `${inv.id}x`,
          tokenHash: sha256(old),
          expiresAt: '2020-01-01T00:00:00.000Z',
        });
        expect((await post('/api/v1/invitations/lookup', { token: old })).json().status).toBe('expired');
        expectProblem(
          await stranger.call('POST', '/api/v1/invitations/accept', { token: old }),
          409,
          'invitation_expired',
        );
      });

      it('hostile input: unknown commons and classes, inherited names, over-long and malformed values', async () => {
        const ada = await person('Ada').signUp();
        const id = await newCommons(ada);
        for (const bad of ['__proto__', 'constructor', 'nope'])
          expectProblem(
            await ada.call('POST', `/api/v1/commons/${bad}/invitations`, {}),
            404,
            'commons_not_found',
          );
        expectProblem(
          await ada.call('POST', `/api/v1/commons/${id}/invitations`, { classes: ['__proto__'] }),
          422,
          'unknown_class',
        );
        expectProblem(
          await ada.call('POST', `/api/v1/commons/${id}/invitations`, { email: `${'a'.repeat(300)}@x.org` }),
          400,
          'invalid_request',
        );
        expectProblem(
          await ada.call('POST', `/api/v1/commons/${id}/invitations`, { email: 'not an address' }),
          400,
          'invalid_request',
        );
        expectProblem(
          await ada.call('POST', `/api/v1/commons/${id}/invitations`, { locale: 'de' }),
          400,
          'invalid_request',
        );
        expectProblem(
          await post('/api/v1/invitations/lookup', { token: '__proto__' }),
          400,
          'invalid_request',
        );
        expectProblem(
          await post('/api/v1/invitations/lookup', { token: 'q'.repeat(43) }),
          404,
          'invitation_not_found',
        );
        expectProblem(await post('/api/v1/invitations/lookup', {}), 400, 'invalid_request');
      });

      it('one click unsubscribes an address from invitations (RFC 8058), with its proof only', async () => {
        const ada = await person('Ada').signUp();
        const id = await newCommons(ada);
        const email = `unsub-${++n}@example.org`;
        await ada.call('POST', `/api/v1/commons/${id}/invitations`, { email });
        const mail = await smtp.waitFor(email, 'invitation');
        const header = String(mail.header('list-unsubscribe'));
        const oneClick = must(/<([^>]+)>/.exec(header)?.[1]);
        expect(oneClick.startsWith(`${PUBLIC}/api/v1/mail/unsubscribe?`)).toBe(true);
        const path = oneClick.slice(PUBLIC.length);
        const wrong = path.replace(/token=[^&]+/, `token=${'w'.repeat(43)}`);
        const form = (url: string) =>
          t.app.inject({
            method: 'POST',
            url,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'List-Unsubscribe=One-Click',
          });
        expectProblem(await form(wrong), 400, 'invalid_token');
        expect((await form(path)).statusCode).toBe(204);
        expectProblem(
          await ada.call('POST', `/api/v1/commons/${id}/invitations`, { email: email.toUpperCase() }),
          409,
          'email_unsubscribed',
        );
        // Forms are read on this route only.
        const elsewhere = await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/password-reset',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'email=x',
        });
        expectProblem(elsewhere, 415, 'unsupported_media_type');
      });
    });
  });
}

describe('without an SMTP server: the outbox', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite');
  });
  afterAll(async () => t?.close());

  it('keeps every mail for the instance administrator (the first account) to read', async () => {
    const admin = await new Person(t.app, 'admin-person@example.org', 'Root').signUp();
    const bob = await new Person(t.app, 'bob@example.org', 'Bob').signUp();
    expect((await admin.call('GET', '/api/v1/account')).json().instanceAdmin).toBe(true);
    expect((await bob.call('GET', '/api/v1/account')).json().instanceAdmin).toBe(false);
    await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: bob.email } });
    await t.ctx.mailer.idle();
    const r = await admin.call('GET', '/api/v1/admin/outbox');
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().via).toBe('outbox');
    expect(r.json().items[0]).toMatchObject({
      to: bob.email,
      kind: 'password_reset',
      subject: 'Reset your peergov password',
    });
    expect(r.json().items[0].text).toContain('http://localhost:0/reset-password#token=');
    expectProblem(await bob.call('GET', '/api/v1/admin/outbox'), 403, 'not_instance_admin');
    expectProblem(await t.app.inject({ method: 'GET', url: '/api/v1/admin/outbox' }), 401, 'unauthenticated');
    expectProblem(await admin.call('GET', '/api/v1/admin/outbox?limit=abc'), 400, 'invalid_request');
  });
});

describe('limits on invitations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await testApp('sqlite', { invitationsPerHour: 2 });
  });
  afterAll(async () => t?.close());

  it('counts the invitations that mail someone, per inviter; links are not counted', async () => {
    const ada = await new Person(t.app, 'ada-limit@example.org', 'Ada').signUp();
    const id = (
      await ada.call('POST', '/api/v1/commons', { name: 'Limits', template: 'single-class' })
    ).json().id as string;
    for (const n of [1, 2])
      expect(
        (await ada.call('POST', `/api/v1/commons/${id}/invitations`, { email: `f${n}@example.org` }))
          .statusCode,
      ).toBe(201);
    expectProblem(
      await ada.call('POST', `/api/v1/commons/${id}/invitations`, { email: 'f3@example.org' }),
      429,
      'rate_limited',
    );
    expect((await ada.call('POST', `/api/v1/commons/${id}/invitations`, {})).statusCode).toBe(201);
    // Someone who may not invite learns that, not the state of a limit.
    const bob = await new Person(t.app, 'bob-limit@example.org', 'Bob').signUp();
    expectProblem(
      await bob.call('POST', `/api/v1/commons/${id}/invitations`, { email: 'f4@example.org' }),
      403,
      'not_a_member',
    );
    await t.ctx.mailer.idle();
    const kept = await t.ctx.store.listOutbox(10);
    expect(
      kept
        .filter((m) => m.kind === 'invitation')
        .map((m) => m.to)
        .sort(),
    ).toEqual(['f1@example.org', 'f2@example.org']);
  });
});
