// Issue 15's resources, as a new user does it in Chromium against the real server: she names herself steward, rules
// that spending depends on the amount (a steward alone up to 200.00, consent up to 2,000.00, a vote above), creates
// a fund and records a donation into it, spends 150.00 alone and sees 500.00 go to consent, reads the pool's
// statement with its chart, then books a room and is refused a second booking of the same time; axe-core on the
// pool's page.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { axeViolations, browserAvailable, startAll, type Running } from './harness';

const run = browserAvailable();
const PROPOSAL_PAGE = /\/proposals\/(?!new\b)[^/?]+$/;

describe.skipIf(!run)('pools, spending by amount and bookings', () => {
  let env: Running;
  let context: BrowserContext;
  let a: Page;
  let commonsPath = '';

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

  /** Opens a proposal of `kind` filled by `fill`; returns the proposal page's path. */
  const propose = async (kind: string, title: string, fill: () => Promise<void> = async () => {}) => {
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption(kind);
    await fill();
    await a.getByLabel('Title').fill(title);
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    return new URL(a.url()).pathname;
  };
  /** Alice is the only member: her agreement decides. */
  const agree = async () => {
    await a.getByLabel('Agree', { exact: true }).check();
    await a.getByRole('button', { name: 'Save my position' }).click();
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
  };

  test('a new user starts a commons and names herself steward', async () => {
    await a.goto('/');
    await a.getByLabel('Your name').fill('Alice Martin');
    await a.getByLabel('Email').fill('alice@example.org');
    await a.getByLabel('Password').fill('correct horse battery');
    await a.getByRole('button', { name: 'Create my account and continue' }).click();
    await a.waitForURL('**/commons/new?first=1');
    await a.getByLabel('Name', { exact: true }).fill('Street Garden');
    await a.getByLabel('Purpose').fill('Grow food together.');
    await a.getByRole('button', { name: 'Create the commons' }).click();
    await a.waitForURL(/\/c\/[^/]+\?welcome=1$/);
    commonsPath = new URL(a.url()).pathname;

    await propose('create_role', 'A steward', async () => {
      await a.getByLabel('Name of the role').fill('Steward');
      await a.getByLabel('Spend from a pool').check();
    });
    await agree();
    await propose('assign_role', 'Alice stewards', async () => {
      await a.getByLabel('Member', { exact: true }).selectOption({ label: 'Alice Martin' });
    });
    await agree();
  });

  test('spending depends on the amount, read back in plain words', async () => {
    await a.goto(`${commonsPath}/constitution`);
    await a.getByRole('link', { name: 'Propose a change to this rule (Spend from a pool)' }).click();
    await a.waitForURL(/kind=amend_constitution&rule=spend/);
    await a.getByLabel('Procedure').first().selectOption('by_amount');
    await a
      .locator('.preview', {
        hasText: /The new rule reads: By amount: up to 200\.00 EUR: .*up to 2,000\.00 EUR: /u,
      })
      .first()
      .waitFor();
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a.waitForURL(PROPOSAL_PAGE);
    await agree();
    await a.goto(`${commonsPath}/constitution`);
    await a
      .getByText(/By amount: up to 200\.00 EUR/)
      .first()
      .waitFor();
  });

  test('she creates a fund and records a donation into it', async () => {
    await propose('create_pool', 'A garden fund', async () => {
      await a.getByLabel('Name of the pool').fill('Garden fund');
    });
    await agree();
    await propose('record_income', 'Donation from the fair', async () => {
      await a.getByLabel('Amount').fill('1000');
      await a.getByLabel('Where it came from').fill('Village fair');
      await a.getByLabel('Evidence').fill('Bank statement, line 12');
    });
    await agree();
  });

  test('150.00 the steward spends alone; 500.00 goes to consent', async () => {
    await propose('spend', 'Seeds', async () => {
      await a.getByLabel('Amount').fill('150');
      await a.getByLabel('Who is paid (outside the commons)').fill('Seed shop');
      await a.getByLabel('Purpose').fill('Seeds for spring');
    });
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    await propose('spend', 'A greenhouse', async () => {
      await a.getByLabel('Amount').fill('500.00');
      await a.getByLabel('Who is paid (outside the commons)').fill('Glass & Co');
      await a.getByLabel('Purpose').fill('Greenhouse panes');
    });
    await a
      .getByText(/Passes after 3 days unless a member objects/)
      .first()
      .waitFor();
    expect(await a.getByRole('heading', { name: 'Decision: passed' }).count()).toBe(0);
  });

  test("the pool's statement shows the balance, the chart and who decided each movement", async () => {
    await a.goto(`${commonsPath}/pools`);
    await a.getByRole('link', { name: 'Garden fund' }).click();
    await a.getByRole('heading', { name: 'Garden fund' }).waitFor();
    await a.locator('.pool-balance', { hasText: '850.00 EUR' }).waitFor();
    await a
      .getByRole('img', { name: /Balance over 2 movements: from 1,000\.00 EUR to 850\.00 EUR/ })
      .waitFor();
    const rows = a.locator('table.log-table').nth(1).locator('tbody tr');
    expect(await rows.count()).toBe(2);
    await rows
      .nth(1)
      .getByText(/Seeds for spring/)
      .waitFor();
    await rows
      .nth(1)
      .getByRole('link', { name: /“Seeds”, rule version 2 \(A role decides\)/ })
      .waitFor();
    expect(await axeViolations(a), 'axe on the pool page').toEqual([]);
  });

  test('she books a room and is refused a second booking of the same time', async () => {
    await propose('create_pool', 'A meeting room', async () => {
      await a.getByLabel('Name of the pool').fill('Meeting room');
      await a.getByLabel('What the pool holds').selectOption('space');
    });
    await agree();
    const day = new Date(Date.now() + 3 * 86_400_000);
    const local = (h: number) =>
      `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}T${String(h).padStart(2, '0')}:00`;
    await propose('book', 'Room on Thursday', async () => {
      await a.getByLabel('From').fill(local(10));
      await a.getByLabel('Until').fill(local(12));
    });
    await a.getByRole('heading', { name: 'Decision: passed' }).waitFor();
    await a.goto(`${commonsPath}/proposals/new`);
    await a.getByLabel('What do you propose?').selectOption('book');
    await a.getByLabel('From').fill(local(11));
    await a.getByLabel('Until').fill(local(13));
    await a.getByLabel('Title').fill('Room again');
    await a.getByRole('button', { name: 'Open the proposal' }).click();
    await a
      .getByRole('alert')
      .getByText(/Already booked: "Meeting room" is already booked/)
      .waitFor();
    expect(new URL(a.url()).pathname).toBe(`${commonsPath}/proposals/new`);
    await a.goto(`${commonsPath}/pools`);
    await a.getByRole('link', { name: 'Meeting room' }).click();
    await a.getByText(/Alice Martin: /).waitFor();
  });
});
