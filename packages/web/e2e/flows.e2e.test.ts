// The foundation issue's flows, as a person does them, in Chromium against the real server: first run on an
// empty database, sign-up, a commons from a template, an invitation, a proposal decided with reasons, an
// amendment of the constitution, the verified log; plus form errors, axe-core, a phone viewport and French.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
// A proposal's own page (not the form at /proposals/new?kind=...).
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('web app flows', () => {
  let env: Running;
  let alice: BrowserContext;
  let bob: BrowserContext;
  let a: Page;
  let b: Page;
  let commonsPath = '';

  beforeAll(async () => {
    env = await startAll();
    alice = await env.browser.newContext({
      baseURL: env.url,
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    });
    bob = await env.browser.newContext({
      baseURL: env.url,
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    });
    a = await alice.newPage();
    b = await bob.newPage();
    for (const p of [a, b]) p.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterEach(async (ctx) => {
    // A failing step leaves pictures of both people's screens for whoever investigates.
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await a?.screenshot({ path: `test-results/${stem}-alice.png`, fullPage: true }).catch(() => undefined);
    await b?.screenshot({ path: `test-results/${stem}-bob.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await env?.close();
  });

  const expectNoSeriousAxe = async (page: Page, what: string) => {
    const violations = await axeViolations(page);
    expect(violations, `axe on ${what}`).toEqual([]);
  };

  test('an empty database leads the first person through an account and a first commons', async () => {
    await a.goto('/');
    await expect.poll(() => a.getByRole('heading', { level: 1 }).textContent()).toBe('Welcome to peergov');
    await expect
      .poll(() => a.locator('.steps li[aria-current="step"]').textContent())
      .toContain('Create your account');
    await expectNoSeriousAxe(a, 'first-run page');

    // Bad input: errors are shown next to the fields, and nothing is sent.
    await a.getByLabel('Your name').fill('Alice Martin');
    await a.getByLabel('Email').fill('not-an-email');
    await a.getByLabel('Password').fill('short');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.getByText('Please correct the 2 fields marked below.').waitFor();
    await a.getByText('The password needs at least 8 characters.').waitFor();
    expect(await a.getByLabel('Password').getAttribute('aria-invalid')).toBe('true');
    expect(await a.getByLabel('Password').getAttribute('aria-describedby')).toMatch(/error/);

    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await expect
      .poll(() => a.locator('.steps li[aria-current="step"]').textContent())
      .toContain('Create your first commons');
    await expectNoSeriousAxe(a, 'new commons page');

    await a.getByLabel('Name', { exact: true }).fill('Riverside Garden');
    await a.getByLabel('Purpose').fill('Grow vegetables together on the old rail yard.');
    await a.getByLabel('Single class of members').check();
    await a.getByRole('button', { name: 'Create the commons' }).click();
    await a.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(a.url()).pathname;
    await a.getByRole('heading', { name: 'Your commons is ready' }).waitFor();
    await a.getByRole('heading', { level: 1, name: 'Riverside Garden', exact: true }).waitFor();
    await a.getByText('1 member', { exact: true }).waitFor();
  });

  test('a server error is shown next to the form: signing in with a wrong password', async () => {
    await b.goto('/signin');
    await b.getByLabel('Email').fill('alice@example.org');
    await b.getByLabel('Password').fill('wrong password');
    await b.getByRole('button', { name: 'Sign in' }).click();
    const alert = b.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toBe('The email or password is not right.');
    await expectNoSeriousAxe(b, 'sign-in page showing an error');
  });

  test('the founder invites a second person by email, who becomes a member', async () => {
    // Inviting someone without an account yet explains what to do.
    await a.goto(`${commonsPath}/proposals/new?kind=admit_member`);
    await a.getByLabel('Email of the person to invite').fill('bob@example.org');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a
      .getByText('No one has signed up with that email yet. Ask them to sign up first, then invite them.')
      .waitFor();

    await b.goto('/signup');
    await b.getByLabel('Your name').fill('Bob Okoro');
    await b.getByLabel('Email').fill('bob@example.org');
    await b.getByLabel('Password').fill('another good password');
    await b.getByRole('button', { name: 'Create account' }).click();
    await b.waitForURL((u) => u.pathname === '/');
    await b.getByRole('link', { name: 'Riverside Garden' }).click();
    await b.getByRole('button', { name: 'Ask to join' }).waitFor();

    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    await a
      .getByRole('heading', { level: 1, name: 'Admit bob@example.org as a member', exact: true })
      .waitFor();
    await a.getByText('Passes after 3 days unless a member objects.').first().waitFor();
    // The founder is the only member, so her position settles it.
    await a.getByLabel('Agree', { exact: true }).check();
    await a.getByLabel('Your reason').fill('Bob has gardened with us all summer.');
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    await a.getByText('No objection stood at the close (1 of 1 member took a position).').waitFor();

    await b.reload();
    await b.getByText('You are a member').waitFor();
    await b.getByText('2 members', { exact: true }).waitFor();
  });

  test('a proposal is discussed, both take positions with reasons, and the decision explains itself', async () => {
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('resolution');
    await a
      .getByLabel('What the commons resolves')
      .fill('We meet every first Monday of the month at the shed.');
    await a.getByLabel('Title').fill('Monthly meetings');
    await a.getByLabel('Explanation').fill('A fixed day makes it easier for everyone.');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const proposalPath = new URL(a.url()).pathname;
    await expectNoSeriousAxe(a, 'open proposal page');

    await b.goto(proposalPath);
    await b.getByLabel('Add to the discussion').fill('Could we make it the evening, after work?');
    await b.getByRole('button', { name: 'Post comment' }).click();
    await b.getByText('Could we make it the evening, after work?').first().waitFor();
    await b.getByLabel('Agree', { exact: true }).check();
    await b.getByLabel('Your reason').fill('Regular meetings help newcomers.');
    await b.getByRole('button', { name: 'Save my position' }).click();
    await b.getByText('Your position is saved.').waitFor();

    await a.reload();
    await a.getByText('Could we make it the evening, after work?').waitFor();
    await a.getByLabel('Agree', { exact: true }).check();
    await a.getByLabel('Your reason').fill('It was my idea, and evenings are fine.');
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    const decision = await a.locator('.decision').textContent();
    expect(decision).toContain('No objection stood at the close (2 of 2 members took a position).');
    expect(decision).toContain('2 of 2 members took a position.');
    expect(decision).toContain('Decided under version 1 of the constitution:');
    await a.getByText('Regular meetings help newcomers.').waitFor();
    await expectNoSeriousAxe(a, 'decided proposal page');
  });

  test("another person's position appears on an open proposal page without a reload (live updates)", async () => {
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('resolution');
    await a.getByLabel('What the commons resolves').fill('We keep a rota for watering in August.');
    await a.getByLabel('Title').fill('Watering rota');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const proposalPath = new URL(a.url()).pathname;
    // Opened afresh, waiting until its live-update stream answers; a mark on the page shows it is never reloaded.
    const streaming = a.waitForResponse((r) => r.url().endsWith('/events') && r.status() === 200);
    await a.goto(proposalPath);
    await streaming;
    await a.getByRole('heading', { level: 1, name: 'Watering rota', exact: true }).waitFor();
    await a.getByText('No one has taken a position yet.').waitFor();
    await a.evaluate(() => ((window as unknown as { liveMark: number }).liveMark = 42));

    await b.goto(proposalPath);
    await b.getByLabel('Agree', { exact: true }).check();
    await b.getByLabel('Your reason').fill('I can water on Tuesdays.');
    await b.getByRole('button', { name: 'Save my position' }).click();
    await b.getByText('Your position is saved.').waitFor();

    // One of two members has taken a position: still open, and Alice sees Bob's position come in.
    await a.locator('.position', { hasText: 'I can water on Tuesdays.' }).waitFor({ timeout: 10_000 });
    expect(await a.locator('.position', { hasText: 'Bob Okoro' }).count()).toBe(1);
    expect(await a.evaluate(() => (window as unknown as { liveMark?: number }).liveMark)).toBe(42);
  });

  test('the constitution is amended through a proposal decided under the current rules', async () => {
    await a.goto(`${commonsPath}/constitution`);
    await a.getByText('Version 1, the founding rules').waitFor();
    const rule = a.locator('.constitution-rules .rule', { hasText: 'Decide anything else' });
    expect(await rule.textContent()).toContain('Passes after 3 days unless a member objects.');
    await expectNoSeriousAxe(a, 'constitution page');

    await a
      .getByRole('link', { name: 'Propose a change to this rule (Decide anything else (resolution))' })
      .click();
    await a.waitForURL(/kind=amend_constitution&rule=resolution/);
    await a.getByLabel('Procedure').selectOption('vote');
    await a.getByLabel('Open for (hours)').fill('48');
    await a.getByLabel('Share of votes that must agree').selectOption('1/2');
    await a.getByLabel('Quorum: members who must take part').selectOption('1/2');
    const preview =
      'A vote over 2 days: passes if more than half of the votes agree, with at least half of the members taking part; abstentions count toward the quorum only.';
    await a.locator('.preview', { hasText: preview }).waitFor();
    await expectNoSeriousAxe(a, 'amendment editor');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const amendPath = new URL(a.url()).pathname;
    // Decided under the current rule for amendments: a two-thirds vote.
    await a
      .getByText('A vote over 7 days: passes if at least two thirds of the votes agree')
      .first()
      .waitFor();
    await a.getByLabel('Agree', { exact: true }).check();
    await a.getByLabel('Your reason').fill('Resolutions deserve a real vote.');
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByText('Your position is saved.').waitFor();

    await b.goto(amendPath);
    await b.getByLabel('Agree', { exact: true }).check();
    await b.getByLabel('Your reason').fill('Agreed, two days is enough.');
    await b.getByRole('button', { name: 'Save my position' }).click();
    await b.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    await b.getByText('2 agreed and 0 did not: at least two thirds had to agree, and did.').waitFor();

    await b.goto(`${commonsPath}/constitution`);
    await b.getByText('Version 2, in force since').waitFor();
    expect(
      await b.locator('.constitution-rules .rule', { hasText: 'Decide anything else' }).textContent(),
    ).toContain(preview);
  });

  test('a role is created by proposal and given to a member', async () => {
    const decide = async (path: string, reasonA: string, reasonB: string) => {
      await a.goto(path);
      await a.getByLabel('Agree', { exact: true }).check();
      await a.getByLabel('Your reason').fill(reasonA);
      await a.getByRole('button', { name: 'Save my position' }).click();
      await a.getByText('Your position is saved.').waitFor();
      await b.goto(path);
      await b.getByLabel('Agree', { exact: true }).check();
      await b.getByLabel('Your reason').fill(reasonB);
      await b.getByRole('button', { name: 'Save my position' }).click();
      await b.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    };
    await a.goto(`${commonsPath}/proposals/new?kind=create_role`);
    await a.getByLabel('Name of the role').fill('Seed keeper');
    await a.getByLabel('What the role is for').fill('Looks after the seed library.');
    await a.getByLabel('Term in days').fill('365');
    await expectNoSeriousAxe(a, 'create-role form');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    await a.getByRole('heading', { level: 1, name: 'Create the role "Seed keeper"', exact: true }).waitFor();
    await decide(new URL(a.url()).pathname, 'We need one.', 'Happy to help.');

    await a.goto(`${commonsPath}/proposals/new?kind=assign_role`);
    await a.getByLabel('Role', { exact: true }).selectOption({ label: 'Seed keeper' });
    await a.getByLabel('Member', { exact: true }).selectOption({ label: 'Bob Okoro' });
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    await a
      .getByRole('heading', { level: 1, name: 'Give Bob Okoro the role "Seed keeper"', exact: true })
      .waitFor();
    await decide(new URL(a.url()).pathname, 'Bob knows seeds.', 'I accept.');

    await b.goto(commonsPath);
    const role = b.locator('.roles li', { hasText: 'Seed keeper' });
    await role.getByText('Held by Bob Okoro').waitFor();
    expect(await role.textContent()).toContain('term of 365 days');
    await b.goto(`${commonsPath}/proposals?status=passed`);
    await b.locator('.proposal-item').first().waitFor();
    await expectNoSeriousAxe(b, 'proposal list');
  });

  test('a person applies to join and the members admit them', async () => {
    const carol = await env.browser.newContext({
      baseURL: env.url,
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    });
    const c = await carol.newPage();
    await c.goto(`/signup?next=${encodeURIComponent(commonsPath)}`);
    await c.getByLabel('Your name').fill('Carol Diaz');
    await c.getByLabel('Email').fill('carol@example.org');
    await c.getByLabel('Password').fill('a third good password');
    await c.getByRole('button', { name: 'Create account' }).click();
    await c.waitForURL((u) => u.pathname === commonsPath);
    await c.getByLabel('Why would you like to join?').fill('I live next to the garden.');
    await c.getByRole('button', { name: 'Ask to join' }).click();
    await c.waitForURL(PROPOSAL_PAGE);
    await c.getByRole('heading', { level: 1, name: 'Admit Carol Diaz', exact: true }).waitFor();
    await c.getByText('I live next to the garden.').waitFor();
    await c.getByText('Only members of the commons take positions.').waitFor();
    const path = new URL(c.url()).pathname;

    for (const [page, reason] of [
      [a, 'Welcome, neighbour.'],
      [b, 'Yes, please join.'],
    ] as const) {
      await page.goto(path);
      await page.getByLabel('Agree', { exact: true }).check();
      await page.getByLabel('Your reason').fill(reason);
      await page.getByRole('button', { name: 'Save my position' }).click();
      await page.locator('.position', { hasText: reason }).waitFor();
    }
    await b.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    await c.goto(commonsPath);
    await c.getByText('You are a member').waitFor();
    await carol.close();
  });

  test('the log shows its records and that it verifies', async () => {
    await a.goto(`${commonsPath}/log`);
    const ok = a.locator('.verify-ok');
    await ok.waitFor();
    expect(await ok.textContent()).toMatch(/Verified: all \d+ records are intact/);
    expect(await a.locator('.verification code.hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
    await a.locator('.log-table summary', { hasText: 'Constitution amended' }).waitFor();
    await expectNoSeriousAxe(a, 'log page');
    await a.goto(commonsPath);
    await a.getByRole('heading', { level: 1, name: 'Riverside Garden' }).waitFor();
    await expectNoSeriousAxe(a, 'commons page');
    await a.goto('/');
    await a.getByRole('heading', { name: 'Commons on this platform' }).waitFor();
    await expectNoSeriousAxe(a, 'home page');
  });

  test('keyboard: the skip link is the first stop and moves to the main content', async () => {
    await a.goto(commonsPath);
    await a.getByRole('heading', { level: 1, name: 'Riverside Garden' }).waitFor();
    await a.keyboard.press('Tab');
    expect(await a.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await a.keyboard.press('Enter');
    expect(await a.evaluate(() => document.activeElement?.id)).toBe('main');
  });

  test('on a phone the pages fit the screen', async () => {
    const phone = await env.browser.newContext({
      baseURL: env.url,
      locale: 'en-GB',
      viewport: { width: 375, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const p = await phone.newPage();
    for (const path of ['/', commonsPath, `${commonsPath}/constitution`, `${commonsPath}/log`, '/signup']) {
      await p.goto(path);
      await p.locator('h1').first().waitFor();
      const overflow = await p.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `horizontal overflow on ${path}`).toBeLessThanOrEqual(0);
    }
    await expectNoSeriousAxe(p, 'log page on a phone');
    await phone.close();
  });

  test('the language picker switches to French and updates the lang attribute', async () => {
    await b.goto(`${commonsPath}/constitution`);
    await b.getByLabel('Language').selectOption('fr');
    await b.getByRole('heading', { level: 2, name: 'Qui décide quoi, et comment' }).waitFor();
    expect(await b.evaluate(() => document.documentElement.lang)).toBe('fr');
    expect(
      await b.locator('.constitution-rules .rule', { hasText: 'Admettre un membre' }).textContent(),
    ).toContain('Adoptée au bout de 3 jours, sauf objection d’un membre.');
    await expectNoSeriousAxe(b, 'constitution page in French');
    // The choice is remembered.
    await b.reload();
    await b.getByRole('heading', { level: 1, name: 'Constitution' }).waitFor();
    expect(await b.evaluate(() => document.documentElement.lang)).toBe('fr');
    await b.getByLabel('Langue').selectOption('en');
  });

  // Last, because it damages the log on purpose.
  test('a tampered log shows which record fails verification', async () => {
    const db = new Database(join(env.dataDir, 'peergov.sqlite'));
    const changed = db
      .prepare(
        "UPDATE records SET body = replace(body, 'Monthly meetings', 'Weekly meetings') WHERE type = 'ProposalOpened' AND body LIKE '%Monthly meetings%'",
      )
      .run().changes;
    db.close();
    expect(changed).toBe(1);
    await a.goto(`${commonsPath}/log`);
    const failed = a.locator('.verify-failed');
    await failed.waitFor();
    expect(await failed.textContent()).toMatch(/Verification failed at record \d+: \S/);
    await expectNoSeriousAxe(a, 'log page with a failed verification');
  });
});
