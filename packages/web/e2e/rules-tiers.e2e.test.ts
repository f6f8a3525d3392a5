// Issue 12's rules for rules, as a new user does them in Chromium against the real server: the commons is split into
// domains with different modes (membership by the members together, day-to-day by do-ocracy with an objection
// window), the amendment's plain-language difference read as it is edited and on its proposal before anyone takes a
// position; then an amendment that would lock the constitution (a rule moved into an entrenched tier that can never
// change) is refused with the reason in plain words; axe-core on each page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('rules for rules: domains, tiers, lock-in', () => {
  let env: Running;
  let context: BrowserContext;
  let a: Page;
  let commonsPath = '';
  let amendmentPath = '';

  beforeAll(async () => {
    env = await startAll();
    context = await env.browser.newContext({
      baseURL: env.url,
      locale: 'en-GB',
      viewport: { width: 1280, height: 900 },
    });
    a = await context.newPage();
    a.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    await a?.screenshot({ path: `test-results/${stem}.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await env?.close();
  });

  const noSeriousAxe = async (what: string) => expect(await axeViolations(a), `axe on ${what}`).toEqual([]);

  test('a new user founds a commons', async () => {
    await a.goto('/');
    await a.getByLabel('Your name').fill('Alice Martin');
    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await a.getByLabel('Name', { exact: true }).fill('Tool Library');
    await a.getByLabel('Single class of members').check();
    await a.getByRole('button', { name: 'Create the commons' }).click();
    await a.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(a.url()).pathname;
  });

  test('splits the commons into domains with different modes, reading the difference as it is edited', async () => {
    await a.goto(`${commonsPath}/constitution`);
    await a.getByText('The rules are not in tiers').waitFor();
    await a.getByRole('link', { name: 'Propose an amendment' }).click();
    await a.waitForURL(/kind=amend_constitution/);
    // Day-to-day resolutions by do-ocracy: done unless someone objects within two days.
    const change = a.locator('.rule-change').first();
    await change.getByLabel('Kind of action').selectOption('resolution');
    await change.getByLabel('Procedure', { exact: true }).selectOption('automatic');
    await change.getByLabel('Time for objections (hours)').fill('48');
    await a.getByRole('button', { name: 'Add a domain' }).click();
    await a.getByLabel('Name of domain 1').fill('Membership');
    await a.getByRole('button', { name: 'Add a domain' }).click();
    await a.getByLabel('Name of domain 2').fill('Day to day');
    await a.getByLabel('Mode of Day to day').selectOption('do_ocracy');
    await a.getByLabel('Domain of “Admit a member”').selectOption({ label: 'Membership' });
    await a.getByLabel('Domain of “Remove a member”').selectOption({ label: 'Membership' });
    await a.getByLabel('Domain of “Decide anything else (resolution)”').selectOption({ label: 'Day to day' });
    const preview = a.locator('.amendment-preview');
    await preview
      .getByText(
        'Decide anything else (resolution): was “Passes after 3 days unless a member objects.”, becomes “Happens when a member asks for it, unless a member objects within 2 days.”',
      )
      .waitFor();
    await preview.getByText('A new domain “Membership”, run by Peer').waitFor();
    await preview.getByText('A new domain “Day to day”, run by Do-ocracy').waitFor();
    await preview.getByText('Admit a member: moves to the domain “Membership”').waitFor();
    expect(await preview.getByTestId('amendment-problems').count()).toBe(0);
    await noSeriousAxe('the amendment editor with domains');
    await a.getByLabel('Title').fill('Domains for the tool library');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    amendmentPath = new URL(a.url()).pathname;
  });

  test('sees the amendment’s plain-language difference before taking a position, then it passes', async () => {
    await a.goto(amendmentPath);
    const diff = a.locator('.amendment-diff');
    await diff.getByRole('heading', { name: 'What this amendment changes' }).waitFor();
    await diff.getByText('A new domain “Day to day”, run by Do-ocracy').waitFor();
    await diff.getByText('Remove a member: moves to the domain “Membership”').waitFor();
    await noSeriousAxe('an amendment proposal with its difference');
    // Alice is the only member: her agreement decides.
    await a.getByLabel('Agree', { exact: true }).check();
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    await a.goto(`${commonsPath}/constitution`);
    const day = a.getByRole('region', { name: 'Day to day' });
    await day
      .getByText('Mode: Do-ocracy — whoever does it decides, unless a member objects in time.')
      .waitFor();
    await day
      .getByText('Happens when a member asks for it, unless a member objects within 2 days.')
      .waitFor();
    await a.getByRole('region', { name: 'Membership' }).getByText('Mode: Peer').waitFor();
    await noSeriousAxe('the constitution as its domains');
  });

  test('is refused an amendment that would lock the constitution, with the reason in plain words', async () => {
    await a.goto(`${commonsPath}/proposals/new?kind=amend_constitution`);
    await a.getByLabel('Put the rules in tiers').check();
    await a.getByLabel('The entrenched tier can never be changed').check();
    await a.getByLabel('Tier of “Adopt the charter”').selectOption('entrenched');
    const reason =
      '“Adopt the charter” would move to the entrenched tier, whose rules could never be changed.';
    await a.locator('.amendment-preview').getByText(reason).waitFor();
    await a.getByLabel('Title').fill('Entrench the charter');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    const alert = a.getByRole('alert').filter({ hasText: 'This amendment would lock the constitution.' });
    await alert.getByText(reason).waitFor();
    // Nothing was opened: the form is still there.
    expect(new URL(a.url()).pathname).toBe(`${commonsPath}/proposals/new`);
    await noSeriousAxe('a refused amendment');
  });
});
