// Issue 13's notifications in Chromium, against the real server mailing through a real SMTP server started here
// (packages/server/test/smtp.ts): one person comments on another's proposal; the proposer's bell counts it without a
// reload and the notification leads to the proposal; the one who has not taken a position gets a reminder mail
// before the proposal closes, and a person who chose a daily digest gets one (the jobs run with a chosen clock).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startSmtp, type TestSmtp } from '../../server/test/smtp';
import { lastDigestTime, reminderTime } from '../../server/src/notifications';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PASSWORD = 'correct horse battery';

describe.skipIf(!run)('notifications in the browser', () => {
  let env: Running;
  let smtp: TestSmtp;
  const contexts: BrowserContext[] = [];
  const pages: Page[] = [];

  const newPage = async (viewport = { width: 1280, height: 900 }) => {
    const context = await env.browser.newContext({ baseURL: env.url, locale: 'en-GB', viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (e) => console.error('page error:', e.message));
    pages.push(page);
    return page;
  };
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

  test('a comment lights the proposer’s bell live; a reminder and a digest arrive by mail', async () => {
    const ada = await newPage();
    const adaCsrf = await signUpThrough(ada, 'ada@example.org', 'Ada Lovelace');
    const bob = await newPage();
    const bobCsrf = await signUpThrough(bob, 'bob@example.org', 'Bob Builder');
    const asAda = (url: string, data: object, method: 'post' | 'put' = 'post') =>
      ada.context().request[method](url, { data, headers: { 'x-csrf-token': adaCsrf } });
    const created = await asAda('/api/v1/commons', { name: 'Riverside Garden', template: 'single-class' });
    expect(created.status()).toBe(201);
    const commonsId = ((await created.json()) as { id: string }).id;
    const admit = await asAda(`/api/v1/commons/${commonsId}/proposals`, {
      title: 'Admit Bob',
      action: { kind: 'admit_member', email: 'bob@example.org' },
    });
    const admitId = ((await admit.json()) as { id: string }).id;
    await asAda(
      `/api/v1/commons/${commonsId}/proposals/${admitId}/position`,
      { stance: 'agree', reason: '' },
      'put',
    );
    const opened = await asAda(`/api/v1/commons/${commonsId}/proposals`, {
      title: 'Plant an orchard',
      action: { kind: 'resolution', text: 'Ten fruit trees along the fence' },
    });
    expect(opened.status()).toBe(201);
    const proposal = (await opened.json()) as { id: string; openedAt: string; closesAt: string };
    await env.context.notifications.idle();
    // Ada starts with everything read: the bell shows no count.
    await asAda('/api/v1/notifications/read-all', {});

    await ada.goto(`/c/${commonsId}`);
    const bell = ada.getByRole('link', { name: /^Notifications, / });
    await bell.waitFor();
    expect(await bell.getAttribute('aria-label')).toBe('Notifications, none unread');
    expect(await ada.getByTestId('bell-count').count()).toBe(0);

    // Bob comments on Ada's proposal in his browser.
    await bob.goto(`/c/${commonsId}/proposals/${proposal.id}`);
    await bob.getByLabel('Add to the discussion').fill('Which varieties? Old local ones would do well.');
    await bob.getByRole('button', { name: 'Post comment' }).click();
    await bob.getByText('Which varieties? Old local ones would do well.').waitFor();

    // Ada's bell counts it without a reload.
    await ada.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
    expect(await ada.getByTestId('bell-count').textContent()).toBe('1');
    // Screen readers are told of it too.
    await ada.getByRole('status').filter({ hasText: 'Notifications, 1 unread' }).waitFor();
    await ada.getByRole('link', { name: 'Notifications, 1 unread' }).click();
    await ada.getByRole('heading', { level: 1, name: 'Notifications' }).waitFor();
    const item = ada.getByRole('link', {
      name: 'Bob Builder commented on your proposal “Plant an orchard” in Riverside Garden.',
    });
    await item.waitFor();
    expect(await axeViolations(ada), 'axe on the notifications page').toEqual([]);
    // Keyboard: the notification is reached and followed with the keyboard, and marks itself read.
    await item.focus();
    await ada.keyboard.press('Enter');
    await ada.waitForURL(new RegExp(`/c/${commonsId}/proposals/${proposal.id}$`));
    await ada.getByRole('link', { name: 'Notifications, none unread' }).waitFor();

    // Ada chooses a daily digest for comments on her proposals, on the settings page.
    await ada.goto('/settings');
    await ada.getByRole('heading', { name: 'Notifications' }).waitFor();
    await ada.getByLabel('A comment on your proposal').selectOption('digest');
    await ada.getByRole('button', { name: 'Save the notification settings' }).click();
    await ada.getByText('Saved.').waitFor();
    expect(await axeViolations(ada), 'axe on the settings page').toEqual([]);
    const comment = await bob
      .context()
      .request.post(`/api/v1/commons/${commonsId}/proposals/${proposal.id}/comments`, {
        data: { text: 'And pears?' },
        headers: { 'x-csrf-token': bobCsrf },
      });
    expect(comment.status()).toBe(201);
    await ada.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
    await env.context.notifications.idle();
    expect(smtp.received.filter((m) => m.to.includes('ada@example.org'))).toEqual([]);

    // The jobs, run with a clock at the reminder's time and at the next digest.
    const remindAt = Date.parse(reminderTime(proposal.openedAt, proposal.closesAt)) + 1000;
    expect(await env.context.notifications.sendReminders(new Date(remindAt))).toBeGreaterThanOrEqual(1);
    const reminder = await smtp.waitFor('bob@example.org', 'reminder');
    expect(reminder.subject).toBe('Reminder: Plant an orchard awaits your position');
    // Ada proposed and has not taken a position either: she is reminded too (she is in the electorate).
    await smtp.waitFor('ada@example.org', 'reminder');
    const digestAt = lastDigestTime(new Date(), 7).getTime() + 24 * 3_600_000 + 1000;
    expect(await env.context.notifications.sendDigests(new Date(digestAt))).toBeGreaterThanOrEqual(1);
    const digest = await smtp.waitFor('ada@example.org', 'digest');
    expect(digest.text).toContain(
      'Bob Builder commented on your proposal “Plant an orchard” in Riverside Garden.',
    );

    // The reminder's link, opened on Bob's phone, leads to the proposal; its unsubscribe link works in one click.
    const link = /https?:\/\/\S+\/c\/\S+\/proposals\/\S+/.exec(reminder.text)?.[0];
    expect(link).toBe(`${env.url}/c/${commonsId}/proposals/${proposal.id}`);
    const phone = await newPage({ width: 390, height: 844 });
    await phone.context().request.post('/api/v1/auth/signin', {
      data: { email: 'bob@example.org', password: PASSWORD },
    });
    await phone.goto(link!);
    await phone.getByRole('heading', { level: 1, name: /Plant an orchard/ }).waitFor();
    const unsubscribe = /https?:\/\/\S+\/unsubscribe#\S+/.exec(reminder.text)?.[0];
    await phone.goto(unsubscribe!);
    await phone.getByRole('button', { name: 'Unsubscribe' }).click();
    await phone.getByText('Done. You can change this any time in your settings.').waitFor();
    const settings = await phone.context().request.get('/api/v1/account/notifications');
    expect(((await settings.json()) as { settings: { reminder: string } }).settings.reminder).toBe('in_app');
  });
});
