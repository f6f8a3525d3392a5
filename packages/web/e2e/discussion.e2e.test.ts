// Issue 13's discussion in Chromium: a proposal's markdown is rendered safely (no script, no javascript: link,
// links that open apart); a member types @ and a name, picks the member from the list with the keyboard, and the
// one mentioned is told by the bell; replies at any depth show under what they answer; the author edits a comment
// and reads its history, and deletes one, which leaves a mark. A member sees who has not yet taken a position.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PASSWORD = 'correct horse battery';

describe.skipIf(!run)('the discussion in the browser', () => {
  let env: Running;
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
  const signUp = async (page: Page, email: string, displayName: string) => {
    const r = page.context().request;
    expect(
      (await r.post('/api/v1/auth/signup', { data: { email, password: PASSWORD, displayName } })).status(),
    ).toBe(202);
    const s = await r.post('/api/v1/auth/signin', { data: { email, password: PASSWORD } });
    expect(s.status()).toBe(200);
    const body = (await s.json()) as { csrfToken: string; account: { id: string } };
    const call = (url: string, data: object, method: 'post' | 'put' = 'post') =>
      r[method](url, { data, headers: { 'x-csrf-token': body.csrfToken } });
    return { id: body.account.id, call };
  };

  beforeAll(async () => {
    env = await startAll();
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
  });

  test('markdown rendered safely, a mention picked by keyboard lights the bell, threads, edit history, deletion', async () => {
    const ada = await newPage();
    const asAda = await signUp(ada, 'ada@example.org', 'Ada Lovelace');
    const bob = await newPage();
    await signUp(bob, 'bob@example.org', 'Bob Builder');
    const created = await asAda.call('/api/v1/commons', {
      name: 'Riverside Garden',
      template: 'single-class',
    });
    const commonsId = ((await created.json()) as { id: string }).id;
    const admit = await asAda.call(`/api/v1/commons/${commonsId}/proposals`, {
      title: 'Admit Bob',
      action: { kind: 'admit_member', email: 'bob@example.org' },
    });
    const admitId = ((await admit.json()) as { id: string }).id;
    await asAda.call(
      `/api/v1/commons/${commonsId}/proposals/${admitId}/position`,
      { stance: 'agree' },
      'put',
    );
    const opened = await asAda.call(`/api/v1/commons/${commonsId}/proposals`, {
      title: 'Plant an orchard',
      body: [
        'We plant **ten** trees along the _fence_.',
        '',
        '- apples',
        '- pears',
        '',
        'See [the nursery](https://nursery.example.org/trees) and [this](javascript:window.pwned=1).',
        '',
        '<script>window.pwned = 2</script><img src=x onerror="window.pwned=3">',
      ].join('\n'),
      action: { kind: 'resolution', text: 'Ten fruit trees' },
    });
    expect(opened.status()).toBe(201);
    const pid = ((await opened.json()) as { id: string }).id;
    await env.context.notifications.idle();
    await asAda.call('/api/v1/notifications/read-all', {});

    // The body as markdown: emphasis and a list; the link opens apart; nothing written runs or loads.
    await bob.goto(`/c/${commonsId}/proposals/${pid}`);
    const body = bob.locator('.prose');
    await body.locator('strong', { hasText: 'ten' }).waitFor();
    expect(await body.locator('li').allTextContents()).toEqual(['apples', 'pears']);
    const nursery = body.getByRole('link', { name: 'the nursery' });
    expect(await nursery.getAttribute('href')).toBe('https://nursery.example.org/trees');
    expect(await nursery.getAttribute('target')).toBe('_blank');
    expect(await nursery.getAttribute('rel')).toContain('noopener');
    expect(await body.locator('a[href^="javascript"], script, img').count()).toBe(0);
    await body.getByText('<script>window.pwned = 2</script>', { exact: false }).waitFor();
    expect(await bob.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();

    // A member sees who has not yet taken a position: both of them, so far.
    const waiting = bob.getByRole('region', { name: 'Not yet taken a position (2)' });
    await waiting.waitFor();
    expect(await waiting.getByRole('listitem').allTextContents()).toEqual(['Ada Lovelace', 'Bob Builder']);

    // Bob types @Ad: the members offered; the keyboard picks Ada, and the mention is written for him.
    const box = bob.getByLabel('Add to the discussion');
    await box.click();
    await box.pressSequentially('Thanks @Ad');
    const option = bob.getByRole('option', { name: 'Ada Lovelace' });
    await option.waitFor();
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    await box.press('Enter');
    await box.pressSequentially('what **kind** of pears?');
    expect(await box.inputValue()).toBe(`Thanks @[Ada Lovelace](${asAda.id}) what **kind** of pears?`);
    await bob.getByRole('button', { name: 'Post comment' }).click();
    const first = bob.getByRole('article', { name: 'Comment by Bob Builder' }).first();
    await first.locator('.mention', { hasText: '@Ada Lovelace' }).waitFor();
    await first.locator('strong', { hasText: 'kind' }).waitFor();

    // Ada's bell tells her, without a reload.
    await ada.goto(`/c/${commonsId}/proposals/${pid}`);
    await ada.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor();
    await ada.goto('/notifications');
    await ada
      .getByRole('link', {
        name: 'Bob Builder mentioned you in the discussion of “Plant an orchard” in Riverside Garden.',
      })
      .waitFor();

    // A thread three deep: Ada answers Bob, Bob answers her answer; each shows under what it answers.
    await ada.goto(`/c/${commonsId}/proposals/${pid}`);
    await ada.getByRole('button', { name: 'Reply to Bob Builder' }).click();
    await ada.getByLabel('Add to the discussion').fill('Conference pears, I think.');
    await ada.getByRole('button', { name: 'Post comment' }).click();
    await bob.getByText('Conference pears, I think.').waitFor();
    await bob.getByRole('button', { name: 'Reply to Ada Lovelace' }).click();
    await bob.getByLabel('Add to the discussion').fill('Good, they keep well.');
    await bob.getByRole('button', { name: 'Post comment' }).click();
    const deepest = bob.locator('.replies .replies').getByText('Good, they keep well.');
    await deepest.waitFor();
    await ada.locator('.replies .replies').getByText('Good, they keep well.').waitFor();

    // Bob edits his first comment; the earlier text is in its history.
    await first.getByRole('button', { name: 'Edit' }).click();
    const edit = first.getByLabel('Your comment');
    await edit.fill('Thanks! Which pears keep best?');
    await first.getByRole('button', { name: 'Save' }).click();
    await first.getByText('Thanks! Which pears keep best?').waitFor();
    const history = first.getByText(/^Edited .* \(once\): see the earlier text$/);
    await history.click();
    await first.locator('.history').getByText('what kind of pears?', { exact: false }).waitFor();
    // Ada sees the edit live, and may not edit or delete what Bob wrote.
    await ada.getByText('Thanks! Which pears keep best?').waitFor();
    const adaSeesBob = ada.getByRole('article', { name: 'Comment by Bob Builder' }).first();
    expect(await adaSeesBob.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await adaSeesBob.getByRole('button', { name: 'Delete' }).count()).toBe(0);

    // Bob deletes his last reply: a mark stays where it was.
    bob.once('dialog', (d) => void d.accept());
    const last = bob.getByRole('article', { name: 'Comment by Bob Builder' }).filter({
      hasText: 'Good, they keep well.',
    });
    await last.getByRole('button', { name: 'Delete' }).click();
    await bob.locator('.replies .replies').getByText('This comment was deleted by its author.').waitFor();
    expect(await bob.getByText('Good, they keep well.').count()).toBe(0);
    await ada.locator('.replies .replies').getByText('This comment was deleted by its author.').waitFor();

    expect(await axeViolations(bob), 'axe on the proposal page with a discussion').toEqual([]);
  });

  test('a proposer chooses a later closing time; an earlier one than the rule allows is refused and said', async () => {
    const ada = await newPage();
    const asAda = await signUp(ada, 'ada2@example.org', 'Ada Two');
    const created = await asAda.call('/api/v1/commons', { name: 'Quiet Garden', template: 'single-class' });
    const commonsId = ((await created.json()) as { id: string }).id;
    await ada.goto(`/c/${commonsId}/proposals/new?kind=resolution`);
    await ada.getByLabel('What the commons resolves').fill('Plant beans along the fence.');
    await ada.getByLabel('Title', { exact: true }).fill('Beans');
    // In the reader's local time, as a datetime-local field takes it.
    const local = (d: Date) =>
      new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
    const closes = ada.getByLabel('Closing time (optional)');
    await closes.fill(local(new Date(Date.now() + 60_000)));
    await ada.getByRole('button', { name: 'Open the proposal' }).click();
    await ada.getByText(/stays open until at least/).waitFor();
    expect(new URL(ada.url()).pathname).toBe(`/c/${commonsId}/proposals/new`);
    const later = new Date(Date.now() + 20 * 86_400_000);
    later.setSeconds(0, 0);
    await closes.fill(local(later));
    await ada.getByRole('button', { name: 'Open the proposal' }).click();
    await ada.waitForURL(new RegExp(`/c/${commonsId}/proposals/p`));
    const pid = new URL(ada.url()).pathname.split('/').at(-1)!;
    const view = await ada.context().request.get(`/api/v1/commons/${commonsId}/proposals/${pid}`);
    expect(((await view.json()) as { closesAt: string }).closesAt).toBe(later.toISOString());
  });
});
