// Issue 11's chambers, as people do it in Chromium against the real server: a new user sets up a multi-stakeholder
// co-operative, amends its constitution so that charter changes need every chamber and the guardians can veto (the
// rule read back in plain words as it is edited), two people join in other classes, and a charter change fails in
// the users' chamber: the decision's chamber-by-chamber table says why there; axe-core on each page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('chambers of stakeholder classes', () => {
  let env: Running;
  const contexts: BrowserContext[] = [];
  let a: Page;
  let b: Page;
  let g: Page;
  let commonsPath = '';

  beforeAll(async () => {
    env = await startAll();
    const options = { baseURL: env.url, locale: 'en-GB', viewport: { width: 1280, height: 900 } };
    for (let i = 0; i < 3; i++) contexts.push(await env.browser.newContext(options));
    a = await contexts[0]!.newPage();
    b = await contexts[1]!.newPage();
    g = await contexts[2]!.newPage();
    for (const p of [a, b, g]) p.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [who, page] of [
      ['alice', a],
      ['bob', b],
      ['gus', g],
    ] as const)
      await page
        ?.screenshot({ path: `test-results/${stem}-${who}.png`, fullPage: true })
        .catch(() => undefined);
  });

  afterAll(async () => {
    await env?.close();
  });

  const noSeriousAxe = async (page: Page, what: string) =>
    expect(await axeViolations(page), `axe on ${what}`).toEqual([]);

  const agreeWith = async (page: Page, path: string, stance = 'Agree') => {
    await page.goto(path);
    await page.getByLabel(stance, { exact: true }).check();
    await page.getByRole('button', { name: 'Save my position' }).click();
    await page
      .getByText(/Your position is saved|Decision: /)
      .first()
      .waitFor();
  };

  const amend = async (kindLabel: string, edit: () => Promise<void>) => {
    await a.goto(`${commonsPath}/constitution`);
    await a.getByRole('link', { name: `Propose a change to this rule (${kindLabel})` }).click();
    await a.waitForURL(/kind=amend_constitution&rule=/);
    await edit();
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    // Alice is the only member: her agreement decides (a vote in which everyone has voted).
    await agreeWith(a, new URL(a.url()).pathname);
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  };

  const join = async (page: Page, name: string, email: string, className: string) => {
    await page.goto('/signup');
    await page.getByLabel('Your name').fill(name);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('another good password');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    await page.goto(commonsPath);
    await page.getByLabel(className, { exact: true }).check();
    await page.getByRole('button', { name: 'Ask to join' }).click();
    await page.waitForURL(PROPOSAL_PAGE);
    return new URL(page.url()).pathname;
  };

  test('a new user sets up a multi-stakeholder co-operative', async () => {
    await a.goto('/');
    await a.getByLabel('Your name').fill('Alice Martin');
    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await a.getByLabel('Name', { exact: true }).fill('Meadow Co-op');
    await a.getByLabel('Multi-stakeholder co-operative').check();
    await a.getByLabel('Purpose').fill('Grow food and care for the meadow.');
    await a.getByLabel(/^Workers —/).check();
    await a.getByRole('button', { name: 'Create the commons' }).click();
    await a.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(a.url()).pathname;
  });

  test('charter changes need every chamber, and the guardians can veto', async () => {
    // Admissions by consent first, so that people join without waiting for the secretary's objection window.
    await amend('Admit a member', async () => {
      await a.getByLabel('Procedure').selectOption('consent');
    });
    await amend('Adopt the charter', async () => {
      await a.getByLabel('Procedure').selectOption('chambers');
      const community = a.getByRole('group', { name: 'Chamber of Local community' });
      await community.getByLabel('How this chamber decides').selectOption('consent');
      await community.getByText('This chamber: none of its members objects').waitFor();
      const guardians = a.getByRole('group', { name: 'Chamber of Guardians of the natural environment' });
      // Keyboard: the veto is a checkbox reached and ticked without a mouse.
      await guardians.getByLabel('This class can veto: a majority of its votes against rejects it').focus();
      await a.keyboard.press('Space');
      expect(
        await guardians
          .getByLabel('This class can veto: a majority of its votes against rejects it')
          .isChecked(),
      ).toBe(true);
      await a.getByLabel('Open for (hours)').fill('48');
      const preview =
        'Each stakeholder class votes as its own chamber over 2 days; it passes only if it passes in every chamber: ' +
        'in Workers, more than half of its votes agree, with at least half of its members taking part; ' +
        'in Users, more than half of its votes agree, with at least half of its members taking part; ' +
        'in Local community, none of its members objects; ' +
        'in Guardians of the natural environment, more than half of its votes agree, with at least half of its members taking part (its members can veto it by a majority against).';
      await a.locator('.preview', { hasText: preview }).waitFor();
      await noSeriousAxe(a, 'amendment editor with chambers');
    });
    await a.goto(`${commonsPath}/constitution`);
    await a
      .getByText(/in Guardians of the natural environment, .*can veto it by a majority against/)
      .waitFor();
  });

  test('a user and a guardian join', async () => {
    const bobApplication = await join(b, 'Bob Okoro', 'bob@example.org', 'Users');
    await agreeWith(a, bobApplication);
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    const gusApplication = await join(
      g,
      'Gus Lind',
      'gus@example.org',
      'Guardians of the natural environment',
    );
    await agreeWith(a, gusApplication);
    await agreeWith(b, gusApplication);
    await b.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  });

  test('a charter change fails in the users chamber, and the table says why', async () => {
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('adopt_charter');
    await a.getByLabel('Title').fill('Build on the meadow');
    await a.getByLabel('Charter').fill('We build the shed on the meadow.');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const path = new URL(a.url()).pathname;
    await a.getByText('You sit in the chamber of Workers.').waitFor();
    await agreeWith(a, path);
    await agreeWith(g, path);
    await agreeWith(b, path, 'Disagree');
    await b.getByRole('heading', { name: 'Decision: not passed' }).waitFor();

    await a.goto(path);
    await a.getByRole('heading', { name: 'Decision: not passed' }).waitFor();
    await a.locator('.reasons').getByText('It did not pass in the chamber of Users.').waitFor();
    const table = a.getByRole('table', { name: 'Chamber by chamber' });
    const rows = table.locator('tbody tr');
    expect(await rows.locator('th').allTextContents()).toEqual([
      'Workers',
      'Users',
      'Local community',
      'Guardians of the natural environment',
    ]);
    const users = rows.nth(1);
    expect(await users.locator('td').allTextContents()).toEqual([
      '1',
      '0',
      '1',
      '0',
      '0',
      '1 / 1 (100 %)',
      'Did not pass',
      '0 agreed and 1 did not: more than half had to agree.',
    ]);
    await rows.nth(2).getByText('Local community has no members who could take a position').waitFor();
    await rows.nth(3).getByText('Passed').waitFor();
    await noSeriousAxe(a, 'a decision chamber by chamber');
  });
});
