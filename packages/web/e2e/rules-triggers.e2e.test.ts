// Issue 12's rules that change themselves and reviews, in Chromium against the real server: a new user starts a
// commons from "founder with planned devolution", sees the pending trigger in plain words, decides alone with a
// review date, watches the trigger fire at the twelfth member (admitted through the API) on the constitution page and
// in the log, and answers the review when its date comes (the server's clock moved by the test, the jobs run by hand).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { closeDueProposals } from '../../server/src/closer';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PASSWORD = 'correct horse battery';
const DAY = 86_400_000;
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('rules that change themselves, in the browser', () => {
  let env: Running;
  // How far the server's clock runs ahead of the real one.
  let ahead = 0;
  const contexts: BrowserContext[] = [];
  let ada: Page;
  let commonsPath = '';

  beforeAll(async () => {
    env = await startAll({ clock: () => new Date(Date.now() + ahead) });
    const context = await env.browser.newContext({
      baseURL: env.url,
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    });
    contexts.push(context);
    ada = await context.newPage();
    ada.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await ada?.screenshot({ path: `test-results/${stem}.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await env?.close();
  });

  const csrf = async (page: Page) =>
    ((await (await page.context().request.get('/api/v1/auth/session')).json()) as { csrfToken: string })
      .csrfToken;

  test('a new user starts a commons from "founder with planned devolution" and sees its trigger', async () => {
    await ada.goto('/');
    await ada.getByLabel('Your name').fill('Ada Lovelace');
    await ada.getByLabel('Email').fill('ada@example.org');
    await ada.getByLabel('Password').fill(PASSWORD);
    await ada.getByRole('button', { name: 'Create my account and continue' }).click();
    await ada.waitForURL('**/commons/new?first=1');
    await ada.getByLabel('Name', { exact: true }).fill('Riverside Garden');
    await ada.getByLabel('Founder with planned devolution').check();
    // When it suits, what it gives up and its trigger, said before choosing.
    await ada.getByText(/has promised, in the rules, to hand over/).waitFor();
    await ada.getByText(/Until the twelfth member the founder decides everything/).waitFor();
    expect(await axeViolations(ada), 'axe on the template choice').toEqual([]);
    await ada.getByRole('button', { name: 'Create the commons' }).click();
    await ada.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(ada.url()).pathname;
    await ada.goto(`${commonsPath}/constitution`);
    const triggers = ada.getByRole('region', { name: 'Rules that change themselves' });
    await triggers
      .getByText(
        /^Once the commons has 12 members, the rules change\. Admit a member, .*: Passes after 3 days unless a member objects\./,
      )
      .waitFor();
    expect(await axeViolations(ada), 'axe on the constitution with a trigger').toEqual([]);
  });

  test('the founder decides alone, with a review date on her decision', async () => {
    await ada.goto(`${commonsPath}/proposals/new?kind=resolution`);
    await ada.getByLabel('What the commons resolves').fill('Plant beans along the south wall.');
    const reviewDay = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
    await ada.getByLabel('Review this decision on (optional)').fill(reviewDay);
    await ada.getByRole('button', { name: 'Open the proposal' }).click();
    await ada.waitForURL(PROPOSAL_PAGE);
    await ada.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  });

  test('the twelfth member makes the rules change by themselves, and the page and the log say why', async () => {
    const token = await csrf(ada);
    const id = commonsPath.split('/').at(-1)!;
    // Eleven people sign up (through the API, in a context of their own) and Ada admits each: her decision.
    const others = await env.browser.newContext({ baseURL: env.url });
    contexts.push(others);
    for (let i = 2; i <= 12; i++) {
      const email = `member${i}@example.org`;
      const r = await others.request.post('/api/v1/auth/signup', {
        data: { email, password: PASSWORD, displayName: `Member ${i}` },
      });
      expect(r.status()).toBe(202);
      const p = await ada.context().request.post(`/api/v1/commons/${id}/proposals`, {
        data: { title: `Admit member ${i}`, action: { kind: 'admit_member', email } },
        headers: { 'x-csrf-token': token },
      });
      expect(p.status(), await p.text()).toBe(201);
      if (i === 11) {
        await ada.goto(`${commonsPath}/constitution`);
        await ada.getByText(/^Version 1, the founding rules/).waitFor();
      }
    }
    // The open page follows the log live: the version the trigger made, and why, without a reload.
    await ada
      .getByText(
        /^Version 2, in force since .*, changed by a rule that changes itself\. Why: The commons reached 12 members; the rule said it would change at 12\.$/,
      )
      .waitFor();
    await ada.getByText('No rule here changes by itself: only an amendment changes them.').waitFor();
    await ada.goto(`${commonsPath}/log`);
    const row = ada.locator('tr', { hasText: 'Rule changed by a trigger' });
    await row.getByText('The commons reached 12 members; the rule said it would change at 12.').waitFor();
    // Changed by the constitution itself, not by the member whose admission made it true.
    await row.getByText('the constitution itself (a rule for rules)').waitFor();
  });

  test('when the review date comes, the founder answers the review and can start an amendment from it', async () => {
    ahead = 31 * DAY;
    await closeDueProposals(env.context.commons, new Date(Date.now() + ahead));
    await ada.goto(`${commonsPath}/constitution`);
    const review = ada.getByRole('article', { name: /Review of the decision/ });
    await review.getByText('What happened since: 1 decision taken under it.').waitFor();
    await review.getByRole('link', { name: 'Plant beans along the south wall.' }).waitFor();
    await review.getByLabel('Partly').check();
    await review.getByLabel('What did you see? (optional)').fill('Beans grew; the wall needs shade.');
    await review.getByRole('button', { name: 'Send my answer' }).click();
    await review.getByText('Your answer: Partly. You can change it.').waitFor();
    await review.getByText('Answers so far: yes 0, partly 1, no 0.').waitFor();
    expect(await axeViolations(ada), 'axe on a review').toEqual([]);
    // The answer is an event in the log.
    const log = await ada
      .context()
      .request.get(`/api/v1${commonsPath.replace('/c/', '/commons/')}/log?limit=1000`);
    const records = ((await log.json()) as { records: { type: string; data: { comment?: string } }[] })
      .records;
    expect(records.at(-1)).toMatchObject({
      type: 'ReviewAnswered',
      data: { comment: 'Beans grew; the wall needs shade.' },
    });
    // The review's link opens the amendment editor on the rule it reviewed.
    await review.getByRole('link', { name: 'Propose an amendment of this rule' }).click();
    await ada.waitForURL(/kind=amend_constitution&rule=resolution&review=/);
    await ada
      .getByText('This amendment follows the review of the rule for “Decide anything else (resolution)”.')
      .waitFor();
  });

  test('another template is adopted through an amendment that its rules fill', async () => {
    await ada.goto(`${commonsPath}/constitution`);
    await ada.getByRole('link', { name: 'Adopt “Consensus circle”' }).click();
    await ada.waitForURL(/kind=amend_constitution&template=consensus-circle$/);
    await ada.getByText(/^These rules come from the template “Consensus circle”\./).waitFor();
    expect(await ada.getByLabel('Title').inputValue()).toBe('Adopt “Consensus circle”');
    // Every rule differs from the rules in force now (consent after the trigger): each fills a change, by consensus,
    // and electing to a role by the template's election (only an election fills a role's seats).
    // (With the resources' kinds, bookings and cancellations keep their own rules where they are the same.)
    const changes = await ada.locator('.rule-change').count();
    expect(changes).toBeGreaterThanOrEqual(10);
    await ada.getByRole('button', { name: 'Open the proposal' }).click();
    await ada.waitForURL(PROPOSAL_PAGE);
    const p = await ada
      .context()
      .request.get(`/api/v1${new URL(ada.url()).pathname.replace('/c/', '/commons/')}`);
    const { action } = (await p.json()) as {
      action: { kind: string; rules: Record<string, { type: string }> };
    };
    expect(action.kind).toBe('amend_constitution');
    expect(Object.keys(action.rules)).toHaveLength(changes);
    const { elect_role: election, book, cancel_booking: cancel, ...others } = action.rules;
    expect(election?.type).toBe('election');
    for (const r of [book, cancel]) if (r) expect(['automatic', 'consent', 'consensus']).toContain(r.type);
    expect(Object.keys(others)).toEqual(
      expect.arrayContaining(['admit_member', 'remove_member', 'amend_constitution', 'resolution', 'spend']),
    );
    expect(Object.values(others).map((r) => r.type)).toEqual(
      Array(Object.keys(others).length).fill('consensus'),
    );
  });
});
