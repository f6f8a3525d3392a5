// Issue 13's "found when tried as a new user would": on a phone, a long word or a long commons name never widens the
// page; three clicks at once on a form's button open one proposal; the change-role form opened from its link starts
// from the role and saves.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;
const PHONE = { width: 390, height: 844 };
const LONG_WORD = 'Photosynthesis'.repeat(15).slice(0, 200);
const LONG_NAME = `Riverside${'Garden'.repeat(18)}`.slice(0, 120);

describe.skipIf(!run)('a new user on a phone', () => {
  let env: Running;
  let ctx: BrowserContext;
  let a: Page;
  let commonsPath = '';

  beforeAll(async () => {
    env = await startAll();
    ctx = await env.browser.newContext({ baseURL: env.url, locale: 'en-GB', viewport: PHONE });
    a = await ctx.newPage();
    a.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterEach(async (c) => {
    if (c.task.result?.state !== 'fail') return;
    const stem = c.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await a?.screenshot({ path: `test-results/${stem}.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await env?.close();
  });

  /** The page's width: never more than the phone's, whatever was typed into it. */
  const expectNoSideways = async (what: string) => {
    const { scroll, inner } = await a.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(scroll, `${what}: page ${scroll}px wide in a ${inner}px viewport`).toBeLessThanOrEqual(inner);
  };

  test('a commons with a long name does not widen the home page', async () => {
    await a.goto('/');
    await a.getByLabel('Your name').fill('Alice Martin');
    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await a.getByLabel('Name', { exact: true }).fill(LONG_NAME);
    await a.getByLabel('Multi-stakeholder co-operative').check();
    await a.getByRole('button', { name: 'Create the commons' }).click();
    await a.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(a.url()).pathname;
    await a.getByRole('heading', { name: LONG_NAME }).first().waitFor();
    await expectNoSideways('the commons page');
    await a.goto('/');
    await a.getByText(LONG_NAME).first().waitFor();
    await expectNoSideways('the home page');
  });

  test('three clicks at once open one proposal, and a 200-character word does not widen its page', async () => {
    await a.goto(`${commonsPath}/proposals/new?kind=resolution`);
    await a.getByLabel('What the commons resolves').fill('Plant beans along the fence.');
    await a.getByLabel('Title', { exact: true }).fill(LONG_WORD);
    await a.getByText('200 of at most 200 characters').waitFor();
    await expectNoSideways('the proposal form');
    // Three clicks within one step, before React has rendered the button disabled.
    await a.evaluate(() => {
      const button = [...document.querySelectorAll('button')].find(
        (b) => b.textContent === 'Open the proposal',
      );
      if (!button) throw new Error('no submit button');
      button.click();
      button.click();
      button.click();
    });
    await a.waitForURL(PROPOSAL_PAGE);
    await a.getByRole('heading', { name: LONG_WORD }).waitFor();
    await expectNoSideways('the proposal page');
    const commonsId = commonsPath.split('/')[2]!;
    const titles = await a.evaluate(async (id) => {
      const r = await fetch(`/api/v1/commons/${id}/proposals`);
      return ((await r.json()) as { title: string }[]).map((p) => p.title);
    }, commonsId);
    expect(titles.filter((x) => x === LONG_WORD)).toHaveLength(1);
    await a.goto(`${commonsPath}/proposals`);
    await a.getByText(LONG_WORD).first().waitFor();
    await expectNoSideways('the list of proposals');
    await a.goto(`${commonsPath}/log`);
    await a.getByRole('heading', { name: 'Log' }).waitFor();
    await expectNoSideways('the log');
  });

  test('a title over its limit is said so and never cut', async () => {
    await a.goto(`${commonsPath}/proposals/new?kind=resolution`);
    await a.getByLabel('What the commons resolves').fill('Something');
    await a.getByLabel('Title', { exact: true }).fill(`${LONG_WORD}xyz`);
    expect(await a.getByLabel('Title', { exact: true }).inputValue()).toBe(`${LONG_WORD}xyz`);
    await a.getByText('Too long: at most 200 characters, this has 3 too many.').waitFor();
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    // Nothing was sent: the form stays, with what was typed.
    expect(new URL(a.url()).pathname).toBe(`${commonsPath}/proposals/new`);
    expect(await a.getByLabel('Title', { exact: true }).inputValue()).toBe(`${LONG_WORD}xyz`);
  });

  test("the role holder decides an admission with the role procedure's own choices, Approve and Refuse", async () => {
    const bob = await env.browser.newContext({ baseURL: env.url, locale: 'en-GB', viewport: PHONE });
    const b = await bob.newPage();
    await b.goto('/signup');
    await b.getByLabel('Your name').fill('Bob Okoro');
    await b.getByLabel('Email').fill('bob@example.org');
    await b.getByLabel('Password').fill('another good password');
    await b.getByRole('button', { name: 'Create account' }).click();
    await b.waitForURL((u) => u.pathname === '/');
    await b.goto(commonsPath);
    await b.getByRole('button', { name: 'Ask to join' }).click();
    await b.waitForURL(PROPOSAL_PAGE);
    const admission = new URL(b.url()).pathname;
    await bob.close();

    await a.goto(admission);
    await a.getByText('Your decision, as a holder of the mandate').waitFor();
    expect(await a.getByRole('radio').count()).toBe(2);
    await a.getByLabel('Refuse', { exact: true }).waitFor();
    for (const other of ['Agree', 'Abstain', 'Disagree', 'Object'])
      expect(await a.getByLabel(other, { exact: true }).count(), other).toBe(0);
    await a.getByLabel('Approve', { exact: true }).check();
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByText('Your position is saved.').waitFor();
    await expectNoSideways('the admission');
  });

  test('the change-role form opened from its link starts from the role and saves', async () => {
    await a.goto(commonsPath);
    await a.getByRole('link', { name: 'Propose a change to the role Membership secretary' }).click();
    await a.waitForURL(/kind=change_role&role=membership-secretary/);
    expect(await a.getByLabel('Name of the role').inputValue()).toBe('Membership secretary');
    expect(await a.getByLabel('What the role is for').inputValue()).toMatch(/^Admits new members/);
    expect(await a.getByLabel('Term in days').inputValue()).toBe('365');
    await a.getByLabel('Term in days').fill('730');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    await a.getByText('730').first().waitFor();
  });
});
