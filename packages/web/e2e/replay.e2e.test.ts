// Issue 12's replay, as people do it in Chromium against the real server: a new user starts a commons, decides two
// resolutions with a second member (one turned down by an objection, one passed), drafts an amendment that makes
// resolutions automatic, replays it against the history on a phone and sees which decision would have gone the
// other way, both explanations side by side; the amendment's own page shows the same; axe-core on each page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('replay of the history under a draft', () => {
  let env: Running;
  const contexts: BrowserContext[] = [];
  // Alice on a phone, Bob on a laptop.
  let a: Page;
  let b: Page;
  let commonsPath = '';

  beforeAll(async () => {
    env = await startAll();
    contexts.push(
      await env.browser.newContext({
        baseURL: env.url,
        locale: 'en-GB',
        viewport: { width: 390, height: 844 },
        isMobile: true,
        hasTouch: true,
      }),
    );
    contexts.push(
      await env.browser.newContext({
        baseURL: env.url,
        locale: 'en-GB',
        viewport: { width: 1280, height: 900 },
      }),
    );
    a = await contexts[0]!.newPage();
    b = await contexts[1]!.newPage();
    for (const p of [a, b]) p.on('pageerror', (e) => console.error('page error:', e.message));
  });

  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const stem = ctx.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60);
    for (const [who, page] of [
      ['alice', a],
      ['bob', b],
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
  /** The page's width: never more than the phone's. */
  const expectNoSideways = async (what: string) => {
    const { scroll, inner } = await a.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      inner: window.innerWidth,
    }));
    expect(scroll, `${what}: page ${scroll}px wide in a ${inner}px viewport`).toBeLessThanOrEqual(inner);
  };

  const take = async (page: Page, path: string, stance: string) => {
    await page.goto(path);
    await page.getByLabel(stance, { exact: true }).check();
    await page.getByRole('button', { name: 'Save my position' }).click();
    await page
      .getByText(/Your position is saved|Decision: /)
      .first()
      .waitFor();
  };

  const resolve = async (title: string, text: string) => {
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('resolution');
    await a.getByLabel('What the commons resolves').fill(text);
    await a.getByLabel('Title').fill(title);
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    return new URL(a.url()).pathname;
  };

  test('a new user starts a commons and a second member joins', async () => {
    await a.goto('/');
    await a.getByLabel('Your name').fill('Alice Martin');
    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await a.getByLabel('Name', { exact: true }).fill('Garden');
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
    await take(a, new URL(b.url()).pathname, 'Agree');
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  });

  test('two resolutions are decided by consent: one turned down by an objection, one passed', async () => {
    const hens = await resolve('Keep hens', 'We keep four hens behind the shed.');
    await take(a, hens, 'Agree');
    await take(b, hens, 'Object');
    await b.getByRole('heading', { name: 'Decision: not passed' }).waitFor();
    const pond = await resolve('Dig a pond', 'We dig a small pond by the hedge.');
    await take(a, pond, 'Agree');
    await take(b, pond, 'Agree');
    await b.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  });

  test('on a phone, a draft replayed against the history shows which decision would have gone the other way', async () => {
    await a.goto(`${commonsPath}/constitution`);
    await a
      .getByRole('link', { name: 'Propose a change to this rule (Decide anything else (resolution))' })
      .click();
    await a.waitForURL(/kind=amend_constitution&rule=resolution/);
    const replay = a.getByRole('button', { name: 'Replay against our history' });
    // The draft still reads as the rule in force: there is nothing to replay yet.
    expect(await replay.isDisabled()).toBe(true);
    await a.getByLabel('Procedure').selectOption('automatic');
    await replay.click();
    const results = a.locator('.replay-results');
    await results.getByText('2 past decisions counted again under the draft.').waitFor();
    await results.getByText('1 would have gone the other way:').waitFor();
    const hens = results.locator('.replay-difference', { hasText: 'Keep hens' });
    expect(await results.locator('.replay-difference').count()).toBe(1);
    const recorded = hens.getByRole('region', { name: 'As recorded' });
    const draft = hens.getByRole('region', { name: 'Under the draft' });
    await recorded.getByText('As recorded: not passed').waitFor();
    await recorded.getByText('An objection stood at the close, so it was not accepted.').waitFor();
    await recorded.getByText('Passes after 3 days unless a member objects.').waitFor();
    await draft.getByText('Under the draft: passed').waitFor();
    await draft.getByText(/it happens as soon as a member asks/).waitFor();
    // One above the other on a phone, and nothing wider than the screen.
    const [r, d] = [await recorded.boundingBox(), await draft.boundingBox()];
    expect(d!.y).toBeGreaterThanOrEqual(r!.y + r!.height);
    await expectNoSideways('the amendment editor with a replay');
    await noSeriousAxe(a, 'the amendment editor with a replay');

    await a.getByLabel('Title').fill('Resolutions happen at once');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
  });

  test("the amendment's page carries the same replay, side by side on a laptop", async () => {
    const path = new URL(a.url()).pathname;
    await a.getByRole('heading', { name: 'This amendment against our history' }).waitFor();
    await a.locator('.replay-difference', { hasText: 'Keep hens' }).waitFor();
    await expectNoSideways('the amendment page with its replay');
    await b.goto(path);
    const hens = b.locator('.replay-difference', { hasText: 'Keep hens' });
    const recorded = hens.getByRole('region', { name: 'As recorded' });
    const draft = hens.getByRole('region', { name: 'Under the draft' });
    await draft.getByText('Under the draft: passed').waitFor();
    const [r, d] = [await recorded.boundingBox(), await draft.boundingBox()];
    expect(d!.x).toBeGreaterThan(r!.x + r!.width - 1);
    expect(Math.abs(d!.y - r!.y)).toBeLessThan(2);
    await noSeriousAxe(b, 'the amendment page with its replay');
  });

  test('a visitor reading in French sees the same replay in French', async () => {
    const path = new URL(a.url()).pathname;
    const fr = await env.browser.newContext({
      baseURL: env.url,
      locale: 'fr-FR',
      viewport: { width: 390, height: 844 },
    });
    contexts.push(fr);
    const v = await fr.newPage();
    await v.goto(path);
    await v.getByRole('heading', { name: 'Cet amendement face à notre histoire' }).waitFor();
    const hens = v.locator('.replay-difference', { hasText: 'Keep hens' });
    await hens.getByText('Telle qu’enregistrée : non adoptée').waitFor();
    await hens.getByText('Selon le projet : adoptée').waitFor();
    await v.getByText('2 décisions passées recomptées selon le projet.').waitFor();
  });
});
