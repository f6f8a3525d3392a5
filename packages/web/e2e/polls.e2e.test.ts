// Issue 11's poll, as people do it in Chromium against the real server: resolutions made a ranked-choice poll by an
// amendment, a poll with four options (one the status quo), ballots ranked with buttons only (no dragging), the
// poll closed once everyone has voted, and its instant-runoff rounds read back; axe-core on each page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('a poll decided by ranked choice', () => {
  let env: Running;
  let alice: BrowserContext;
  let bob: BrowserContext;
  let a: Page;
  let b: Page;
  let commonsPath = '';

  beforeAll(async () => {
    env = await startAll();
    const options = { baseURL: env.url, locale: 'en-GB', viewport: { width: 1280, height: 900 } };
    alice = await env.browser.newContext(options);
    bob = await env.browser.newContext(options);
    a = await alice.newPage();
    b = await bob.newPage();
    for (const p of [a, b]) p.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await a?.screenshot({ path: `test-results/${stem}-alice.png`, fullPage: true }).catch(() => undefined);
    await b?.screenshot({ path: `test-results/${stem}-bob.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await env?.close();
  });

  const noSeriousAxe = async (page: Page, what: string) =>
    expect(await axeViolations(page), `axe on ${what}`).toEqual([]);

  test('a commons of two members', async () => {
    await a.goto('/');
    await a.getByLabel('Your name').fill('Alice Martin');
    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await a.getByLabel('Name', { exact: true }).fill('Riverside Garden');
    await a.getByLabel('Single class of members').check();
    await a.getByRole('button', { name: 'Create the commons' }).click();
    await a.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(a.url()).pathname;

    await b.goto('/signup');
    await b.getByLabel('Your name').fill('Bob Okoro');
    await b.getByLabel('Email').fill('bob@example.org');
    await b.getByLabel('Password').fill('another good password');
    await b.getByRole('button', { name: 'Create account' }).click();
    await b.waitForURL((u) => u.pathname === '/');
    await b.goto(commonsPath);
    await b.getByRole('button', { name: 'Ask to join' }).click();
    await b.waitForURL(PROPOSAL_PAGE);
    await a.goto(new URL(b.url()).pathname);
    await a.getByLabel('Agree', { exact: true }).check();
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  });

  test('resolutions become a ranked-choice poll by amendment', async () => {
    await a.goto(`${commonsPath}/constitution`);
    await a
      .getByRole('link', { name: 'Propose a change to this rule (Decide anything else (resolution))' })
      .click();
    await a.waitForURL(/kind=amend_constitution&rule=resolution/);
    await a.getByLabel('Procedure').selectOption('poll');
    await a.getByLabel('How the options are decided').selectOption('irv');
    await a.getByLabel('Open for (hours)').fill('48');
    const preview =
      'A poll over 2 days between the options: members rank the options and an instant-runoff count (RCTab rules) eliminates the last option round by round until one has a majority; if the status quo wins, nothing is done.';
    await a.locator('.preview', { hasText: preview }).waitFor();
    await noSeriousAxe(a, 'amendment editor with a poll');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const amendPath = new URL(a.url()).pathname;
    for (const page of [a, b]) {
      await page.goto(amendPath);
      await page.getByLabel('Agree', { exact: true }).check();
      await page.getByRole('button', { name: 'Save my position' }).click();
      await page
        .getByText(/Your position is saved|Decision: passed/)
        .first()
        .waitFor();
    }
    await b.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  });

  test('a poll with four options: ballots ranked with buttons, the rounds read after it closes', async () => {
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('resolution');
    await a.getByLabel('What the commons resolves').fill('What we do with the empty corner.');
    await a.getByLabel('Title').fill('The empty corner');
    // Fewer than two named options is refused before anything is sent.
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.getByRole('alert').filter({ hasText: 'give from 2 to 20 options' }).first().waitFor();
    await a.getByLabel('Option 1', { exact: true }).fill('Plant an oak');
    await a.getByLabel('Option 2', { exact: true }).fill('Dig a pond');
    await a.getByRole('button', { name: 'Add an option' }).click();
    await a.getByLabel('Option 3', { exact: true }).fill('Build a shed');
    await a.getByRole('button', { name: 'Add an option' }).click();
    await a.getByLabel('Option 4', { exact: true }).fill('None of these');
    await a.getByLabel('Option 4 is the status quo (“none of these”)').check();
    await noSeriousAxe(a, 'new poll form');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const pollPath = new URL(a.url()).pathname;
    await a.getByRole('heading', { name: 'Your ballot' }).waitFor();

    // Alice: oak, then pond, ranked with the keyboard-reachable buttons; the live region says where each went.
    await a.getByRole('button', { name: 'Rank Dig a pond' }).click();
    await a.getByRole('button', { name: 'Rank Plant an oak' }).click();
    await a.getByRole('button', { name: 'Move Plant an oak up' }).focus();
    await a.keyboard.press('Enter');
    await a.getByText('Plant an oak is now number 1.').waitFor();
    expect(await a.locator('.ranking ol li .ranking-label').allTextContents()).toEqual([
      'Plant an oak',
      'Dig a pond',
    ]);
    await noSeriousAxe(a, 'ranked ballot');
    await a.getByRole('button', { name: 'Cast my ballot' }).click();
    await a.getByText('Your ballot is in. You can change it until the poll closes.').waitFor();
    await a.getByRole('button', { name: 'Replace my ballot' }).waitFor();

    // Bob: pond, then oak. Everyone has voted: the poll closes and is decided.
    await b.goto(pollPath);
    await b.getByRole('button', { name: 'Rank Dig a pond' }).click();
    await b.getByRole('button', { name: 'Rank Plant an oak' }).click();
    await b.getByRole('button', { name: 'Cast my ballot' }).click();
    await b.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    await b.getByText('Chosen: Plant an oak').waitFor();
    // The reason in the reader's language, naming the option by its label (the server's params name its id).
    await b.locator('.reasons').getByText('“Plant an oak” won.').waitFor();

    // The rounds: none of these, then the shed, go out at 0; oak and pond tie and RCTab's candidate order picks oak.
    await a.goto(pollPath);
    await a.getByText('Chosen: Plant an oak').waitFor();
    const captions = await a.locator('.poll-round caption').allTextContents();
    expect(captions).toEqual(['Round 1', 'Round 2', 'Round 3']);
    const rounds = await a.locator('.poll-round').allTextContents();
    expect(rounds[0]).toContain('Eliminated: None of these');
    expect(rounds[1]).toContain('Eliminated: Build a shed');
    expect(rounds[2]).toContain('Wins: Plant an oak');
    expect(await a.locator('.poll-round').first().locator('tbody th').allTextContents()).toEqual([
      'Plant an oak',
      'Dig a pond',
      'Build a shed',
      'None of these',
    ]);
    await a.locator('.positions').getByText('1. Dig a pond, 2. Plant an oak').waitFor();
    await noSeriousAxe(a, 'poll results');
  });
});
