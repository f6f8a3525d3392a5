// Issue 11's elections and liquid delegation, as people do them in Chromium against the real server: a do-ocracy
// whose founder makes elections open their ballot when the proposer says and resolutions a vote with delegation;
// four members; an election to a board of three seats by STV with nominations (standing, nominating another who
// accepts), the ballot opened, ranked ballots by buttons, the count's rounds read; then a new member delegates their
// vote on resolutions, their delegate sees it, and after the close their weight is counted through their delegate.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { closeDueProposals } from '@peergov/server';
import { CommonsService } from '../../server/src/commons-service';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('an election to a role by STV, and a vote through a delegate', () => {
  let env: Running;
  const pages: Record<'alice' | 'bob' | 'cy' | 'dee', Page> = {} as never;
  let commonsPath = '';
  const NAMES = { alice: 'Alice Martin', bob: 'Bob Okoro', cy: 'Cy Tran', dee: 'Dee Laine' };

  beforeAll(async () => {
    env = await startAll();
    const options = { baseURL: env.url, locale: 'en-GB', viewport: { width: 1280, height: 900 } };
    for (const who of ['alice', 'bob', 'cy', 'dee'] as const) {
      const context = await env.browser.newContext(options);
      pages[who] = await context.newPage();
      pages[who].on('pageerror', (e) => console.error(`page error (${who}):`, e.message));
    }
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [who, p] of Object.entries(pages))
      await p.screenshot({ path: `test-results/${stem}-${who}.png`, fullPage: true }).catch(() => undefined);
  });

  afterAll(async () => {
    await env?.close();
  });

  const noSeriousAxe = async (page: Page, what: string) =>
    expect(await axeViolations(page), `axe on ${what}`).toEqual([]);

  const agreeAlone = async (a: Page) => {
    await a.waitForURL(PROPOSAL_PAGE);
    await a.getByLabel('Agree', { exact: true }).check();
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  };

  test('a do-ocracy whose founder sets the rules for elections and resolutions, and makes a board', async () => {
    const a = pages.alice;
    await a.goto('/');
    await a.getByLabel('Your name').fill(NAMES.alice);
    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await a.getByLabel('Name', { exact: true }).fill('Riverside Garden');
    await a.getByLabel('Do-ocracy').check();
    await a.getByRole('button', { name: 'Create the commons' }).click();
    await a.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(a.url()).pathname;

    // Elections: the proposer opens the ballot; counted by STV.
    await a.goto(`${commonsPath}/constitution`);
    await a.getByRole('link', { name: 'Propose a change to this rule (Elect members to a role)' }).click();
    await a.waitForURL(/kind=amend_constitution&rule=elect_role/);
    await a.getByLabel('Procedure').selectOption('election');
    await a.getByLabel('How the seats are filled').selectOption('stv');
    await a.getByLabel('Nominations open for (hours)').fill('0');
    await a.getByLabel('Open for (hours)', { exact: true }).fill('48');
    await a.locator('.preview', { hasText: 'until the proposer opens the ballot' }).waitFor();
    await noSeriousAxe(a, 'an election rule in the editor');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await agreeAlone(a);

    // Resolutions: a majority vote with delegation.
    await a.goto(`${commonsPath}/constitution`);
    await a
      .getByRole('link', { name: 'Propose a change to this rule (Decide anything else (resolution))' })
      .click();
    await a.getByLabel('Procedure').selectOption('vote');
    await a.getByLabel('Members may delegate their vote (liquid delegation)').check();
    await a.locator('.preview', { hasText: 'Members may delegate their vote' }).waitFor();
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await agreeAlone(a);

    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('create_role');
    await a.getByLabel('Name of the role').fill('Board');
    await a.getByLabel('Title').fill('A board for the garden');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await agreeAlone(a);
  });

  test('three more people join', async () => {
    for (const [who, email] of [
      ['bob', 'bob@example.org'],
      ['cy', 'cy@example.org'],
      ['dee', 'dee@example.org'],
    ] as const) {
      const p = pages[who];
      await p.goto('/signup');
      await p.getByLabel('Your name').fill(NAMES[who]);
      await p.getByLabel('Email').fill(email);
      await p.getByLabel('Password').fill('another good password');
      await p.getByRole('button', { name: 'Create account' }).click();
      await p.waitForURL((u) => u.pathname === '/');
      await p.goto(commonsPath);
      await p.getByRole('button', { name: 'Ask to join' }).click();
      await p.waitForURL(PROPOSAL_PAGE);
      await p.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    }
  });

  test('an election to three seats: nominations, acceptance, ranked ballots, the STV rounds', async () => {
    const a = pages.alice;
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('elect_role');
    await a.getByLabel('Role', { exact: true }).selectOption({ label: 'Board' });
    await a.getByLabel('Seats to fill').fill('3');
    await a.getByLabel('Title').fill('Elect the board');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const electionPath = new URL(a.url()).pathname;
    await a.getByRole('heading', { name: 'Candidates' }).waitFor();
    await a.getByText('Nominations are open until the proposer opens the ballot.').waitFor();

    // Alice, Bob and Cy stand; Alice nominates Dee, who accepts.
    await a.getByRole('button', { name: 'Stand as a candidate' }).click();
    await a.locator('.candidates').getByText(NAMES.alice).waitFor();
    for (const who of ['bob', 'cy'] as const) {
      await pages[who].goto(electionPath);
      await pages[who].getByRole('button', { name: 'Stand as a candidate' }).click();
      await pages[who].locator('.candidates').getByText(NAMES[who]).waitFor();
    }
    await a.goto(electionPath);
    await a.getByLabel('Nominate a member').selectOption({ label: NAMES.dee });
    await a.getByRole('button', { name: 'Nominate', exact: true }).click();
    await a.getByText(`nominated by ${NAMES.alice} · has not accepted yet`).waitFor();
    await noSeriousAxe(a, 'an election during nominations');
    const d = pages.dee;
    await d.goto(electionPath);
    await d.getByRole('button', { name: 'Accept my nomination' }).click();
    await d.getByText(`nominated by ${NAMES.alice} · accepted`).waitFor();

    await a.goto(electionPath);
    await a.getByRole('button', { name: 'Close nominations and open the ballot' }).click();
    await a.getByText('Nominations are closed: the ballot is open.').waitFor();

    const ballots: [keyof typeof pages, (keyof typeof NAMES)[]][] = [
      ['alice', ['alice', 'cy']],
      ['bob', ['bob', 'alice']],
      ['cy', ['cy', 'alice']],
      ['dee', ['bob', 'dee']],
    ];
    for (const [who, ranking] of ballots) {
      const p = pages[who];
      await p.goto(electionPath);
      for (const r of ranking) await p.getByRole('button', { name: `Rank ${NAMES[r]}` }).click();
      if (who === 'alice') await noSeriousAxe(p, 'an election ballot');
      await p.getByRole('button', { name: 'Cast my ballot' }).click();
      await p
        .getByText(/Your ballot is in|Decision: passed/)
        .first()
        .waitFor();
    }
    // Everyone has voted: the count is done.
    await d.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    const elected = await d.locator('.election-elected').textContent();
    expect(elected).toMatch(/^Elected: /);
    for (const who of ['alice', 'bob', 'cy'] as const) expect(elected).toContain(NAMES[who]);
    expect(elected).not.toContain(NAMES.dee);
    await d.getByRole('table', { name: 'Rounds of the count' }).waitFor();
    expect(await d.locator('.stv-rounds tbody th').allTextContents()).toEqual(
      expect.arrayContaining([NAMES.alice, NAMES.bob, NAMES.cy, NAMES.dee, 'Non-transferable']),
    );
    await noSeriousAxe(d, 'an election result');
    // The elected hold the role.
    await d.goto(commonsPath);
    const board = d.locator('.roles li', { hasText: 'Board' });
    await board.getByText(/^Held by /).waitFor();
    const held = await board.getByText(/^Held by /).textContent();
    for (const who of ['alice', 'bob', 'cy'] as const) expect(held).toContain(NAMES[who]);
    expect(held).not.toContain(NAMES.dee);
  });

  test('Dee delegates resolutions to Bob; Bob sees it; after the close Bob’s vote counts twice', async () => {
    const d = pages.dee;
    await d.goto(commonsPath);
    await d.getByRole('link', { name: 'Delegations' }).click();
    await d.getByRole('heading', { name: 'Your delegations' }).waitFor();
    await d.getByLabel('For', { exact: true }).selectOption('kind');
    await d.getByLabel('Kind of action').selectOption('resolution');
    await d.getByLabel('Delegate to', { exact: true }).selectOption({ label: NAMES.bob });
    await d.getByRole('button', { name: 'Delegate my vote' }).click();
    await d.getByText('Your vote is delegated.').waitFor();
    await d.getByText(`To ${NAMES.bob}: proposals to Decide anything else (resolution)`).waitFor();
    await noSeriousAxe(d, 'the delegations page');
    const b = pages.bob;
    await b.goto(`${commonsPath}/delegations`);
    await b.getByText(`From ${NAMES.dee}: proposals to Decide anything else (resolution)`).waitFor();

    const a = pages.alice;
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('resolution');
    await a.getByLabel('What the commons resolves').fill('Plant an orchard by the river.');
    await a.getByLabel('Title').fill('An orchard');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    const path = new URL(a.url()).pathname;
    await a.getByLabel('Disagree', { exact: true }).check();
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a
      .getByText(/Your position is saved/)
      .first()
      .waitFor();
    await b.goto(path);
    await b.getByLabel('Agree', { exact: true }).check();
    await b.getByRole('button', { name: 'Save my position' }).click();
    await b
      .getByText(/Your position is saved/)
      .first()
      .waitFor();

    // The platform's clock reaches the closing time (a service whose clock is a week on).
    const later = new Date(Date.now() + 8 * 86_400_000);
    await closeDueProposals(new CommonsService(env.context.store, env.context.keys, () => later), later);

    await d.goto(path);
    await d.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    const weights = d.locator('.delegation-results');
    await weights.getByRole('heading', { name: 'Delegation: the weight of each vote' }).waitFor();
    await weights.getByRole('row', { name: `${NAMES.bob} 2` }).waitFor();
    await weights.getByRole('row', { name: `${NAMES.alice} 1` }).waitFor();
    await weights.getByText(`Counted through: ${NAMES.dee} → ${NAMES.bob}`).waitFor();
    await noSeriousAxe(d, 'a decision with delegation weights');
  });
});
