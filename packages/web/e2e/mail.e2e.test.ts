// Issue 13's mail flows in Chromium, against the real server mailing through a real SMTP server started here
// (packages/server/test/smtp.ts): a member invites by e-mail a person with no account, who joins through the link
// in the mail they received; a person who forgot their password resets it through the link in theirs. The mails
// themselves are opened at a phone's width.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startSmtp, type ReceivedMail, type TestSmtp } from '../../server/test/smtp';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PASSWORD = 'correct horse battery';

/** The first link of a mail's text to `page` (the address of the server, then `/page#...`). */
function linkIn(mail: ReceivedMail, page: string): string {
  const m = new RegExp(`https?://\\S+/${page}#\\S+`).exec(mail.text);
  if (!m) throw new Error(`no ${page} link in:\n${mail.text}`);
  return m[0];
}

describe.skipIf(!run)('mail flows in the browser', () => {
  let env: Running;
  let smtp: TestSmtp;
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];
  /** Bea's browser after she reset her password (signed in). */
  let beaAfterReset: Page;
  const expectNoSeriousAxe = async (page: Page, what: string) =>
    expect(await axeViolations(page), `axe on ${what}`).toEqual([]);

  const newPage = async (viewport = { width: 1280, height: 900 }) => {
    const context = await env.browser.newContext({ baseURL: env.url, locale: 'en-GB', viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    pages.push(page);
    return page;
  };

  /** Signs a person up and in through the API of the page's context (its cookies are the page's). */
  const signUpThrough = async (page: Page, email: string, displayName: string) => {
    const r = page.context().request;
    expect(
      (await r.post('/api/v1/auth/signup', { data: { email, password: PASSWORD, displayName } })).status(),
    ).toBe(202);
    const s = await r.post('/api/v1/auth/signin', { data: { email, password: PASSWORD } });
    expect(s.status()).toBe(200);
    return ((await s.json()) as { csrfToken: string }).csrfToken;
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    env = await startAll({ smtpUrl: smtp.url });
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [i, p] of pages.entries())
      await p.screenshot({ path: `test-results/${stem}-${i}.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await env?.close();
    await smtp?.close();
  });

  test('a member invites by e-mail a person without an account, who joins through the link', async () => {
    const ada = await newPage();
    const csrf = await signUpThrough(ada, 'ada@example.org', 'Ada Lovelace');
    const created = await ada.context().request.post('/api/v1/commons', {
      data: { name: 'Riverside Garden', purpose: 'Grow food together', template: 'single-class' },
      headers: { 'x-csrf-token': csrf },
    });
    expect(created.status()).toBe(201);
    const commonsId = ((await created.json()) as { id: string }).id;

    await ada.goto(`/c/${commonsId}`);
    await ada.getByRole('heading', { name: 'Invite by e-mail or link' }).waitFor();
    await expectNoSeriousAxe(ada, 'a commons page with the invitation form');
    await ada.getByLabel('Their e-mail address').fill('nia@example.org');
    await ada.getByRole('button', { name: 'Send the invitation' }).click();
    await ada.getByText('Invitation sent to nia@example.org.').waitFor();
    await ada.locator('.invitations li', { hasText: 'nia@example.org' }).waitFor();

    const mail = await smtp.waitFor('nia@example.org', 'invitation');
    expect(mail.subject).toBe('Ada Lovelace invites you to join Riverside Garden on peergov');
    const link = linkIn(mail, 'invitation');
    expect(link.startsWith(`${env.url}/invitation#token=`)).toBe(true);

    // Nia has no account, and reads her mail on a phone.
    const nia = await newPage({ width: 390, height: 844 });
    await nia.goto(link);
    await nia.getByRole('heading', { level: 1, name: 'Join Riverside Garden' }).waitFor();
    await nia.getByText('Ada Lovelace invites you to join Riverside Garden.').waitFor();
    // The secret leaves the address bar once read.
    expect(nia.url()).toBe(`${env.url}/invitation`);
    expect(await nia.getByLabel('Email').inputValue()).toBe('nia@example.org');
    await expectNoSeriousAxe(nia, 'the invitation page on a phone');
    await nia.getByLabel('Your name').fill('Nia Okafor');
    await nia.getByLabel('Password').fill(PASSWORD);
    await nia.getByRole('button', { name: 'Sign up and apply' }).click();
    await nia.waitForURL(new RegExp(`/c/${commonsId}/proposals/[^/]+$`));
    await nia.getByRole('heading', { level: 1, name: /Admit Nia Okafor/ }).waitFor();

    // Ada sees the application waiting for the commons' admission procedure.
    await ada.goto(`/c/${commonsId}/proposals`);
    await ada.getByRole('link', { name: /Admit Nia Okafor/ }).waitFor();
    const me = await nia.context().request.get(`/api/v1/commons/${commonsId}`);
    expect(((await me.json()) as { me: { status: string } }).me.status).toBe('applicant');
  });

  test('a person who forgot their password resets it through the link in the mail', async () => {
    const bea = await newPage();
    await signUpThrough(bea, 'bea@example.org', 'Bea Grower');
    // Bea, in another browser, without a session.
    const fresh = await newPage();
    await fresh.goto('/signin');
    await fresh.getByRole('link', { name: 'Forgot your password?' }).click();
    await fresh.getByRole('heading', { level: 1, name: 'Forgot your password' }).waitFor();
    await expectNoSeriousAxe(fresh, 'the forgotten password page');
    await fresh.getByLabel('Email').fill('bea@example.org');
    await fresh.getByRole('button', { name: 'Send the link' }).click();
    await fresh
      .getByText('If this address has an account, a link is on its way to it.', { exact: false })
      .waitFor();

    const mail = await smtp.waitFor('bea@example.org', 'password_reset');
    expect(mail.subject).toBe('Reset your peergov password');
    await fresh.goto(linkIn(mail, 'reset-password'));
    await fresh.getByRole('heading', { level: 1, name: 'Choose a new password' }).waitFor();
    await expectNoSeriousAxe(fresh, 'the reset page');
    await fresh.getByLabel('New password').fill('a whole new secret');
    await fresh.getByRole('button', { name: 'Save and sign in' }).click();
    await fresh.waitForURL(`${env.url}/`);
    await fresh.locator('.me-name', { hasText: 'Bea Grower' }).waitFor();

    // The session from before the reset is over; the new password signs in, the old one does not.
    const old = await bea.context().request.get('/api/v1/auth/session');
    expect(((await old.json()) as { account: unknown }).account).toBeNull();
    // (From Bea's first browser, which has no session any more: a signed-in session's writes need its CSRF token.)
    const signIn = (password: string) =>
      bea.context().request.post('/api/v1/auth/signin', { data: { email: 'bea@example.org', password } });
    expect((await signIn(PASSWORD)).status()).toBe(401);
    expect((await signIn('a whole new secret')).status()).toBe(200);
    // The link works once.
    await fresh.goto(linkIn(mail, 'reset-password'));
    await fresh.getByLabel('New password').fill('and yet another one');
    await fresh.getByRole('button', { name: 'Save and sign in' }).click();
    await fresh.getByRole('alert').getByText('This link is not valid', { exact: false }).waitFor();
    beaAfterReset = fresh;
  });

  test('in her settings a person changes her address, confirmed through the link mailed to the new one', async () => {
    const bea = beaAfterReset;
    await bea.goto('/');
    await bea.locator('.me-name', { hasText: 'Bea Grower' }).click();
    await bea.getByRole('heading', { level: 1, name: 'Your settings' }).waitFor();
    await expectNoSeriousAxe(bea, 'the settings page');
    await bea.getByLabel('New address').fill('bea@garden.example');
    await bea
      .getByRole('form', { name: 'E-mail address' })
      .getByLabel('Current password')
      .fill('a whole new secret');
    await bea.getByRole('button', { name: 'Send a confirmation link' }).click();
    await bea.getByText('A link is on its way to bea@garden.example', { exact: false }).waitFor();

    const mail = await smtp.waitFor('bea@garden.example', 'email_change');
    await bea.goto(linkIn(mail, 'confirm-email'));
    await bea.getByRole('button', { name: 'Confirm this address' }).click();
    await bea.getByText('Your account now uses bea@garden.example.').waitFor();
    const notice = await smtp.waitFor('bea@example.org', 'email_changed');
    expect(notice.text).toContain('bea@garden.example');

    // The name and language: the page, and her next mails, are French.
    await bea.goto('/settings');
    await bea.getByLabel('Your name').fill('Béa Grower');
    await bea.getByLabel('Language of the app and of your mails').selectOption('fr');
    await bea.getByRole('button', { name: 'Save the profile' }).click();
    await bea.getByRole('heading', { level: 1, name: 'Vos réglages' }).waitFor();
    await bea.locator('.me-name', { hasText: 'Béa Grower' }).waitFor();
    // (Asked without a session: a signed-in session's writes need its CSRF token.)
    const asked = await fetch(`${env.url}/api/v1/auth/password-reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'bea@garden.example' }),
    });
    expect(asked.status).toBe(202);
    const french = await smtp.waitFor('bea@garden.example', 'password_reset');
    expect(french.subject).toBe('Réinitialiser votre mot de passe peergov');
  });

  test('the mails read on a phone: nothing wider than its screen', async () => {
    const phone = await newPage({ width: 360, height: 740 });
    for (const mail of smtp.received) {
      await phone.setContent(mail.html);
      const { scroll, client, font } = await phone.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        client: document.documentElement.clientWidth,
        font: parseFloat(getComputedStyle(document.querySelector('div')!).fontSize),
      }));
      expect(scroll, mail.subject).toBeLessThanOrEqual(client);
      expect(font, mail.subject).toBeGreaterThanOrEqual(16);
    }
    expect(smtp.received.length).toBeGreaterThanOrEqual(2);
  });
});
