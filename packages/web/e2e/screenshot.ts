// Takes the README's picture of a commons page (docs/screenshot.png), from the demo commons, signed in as its
// founder. Run: npx tsx packages/web/e2e/screenshot.ts [outDir] (outDir defaults to docs/, extra pages go there too
// when PEERGOV_SCREENSHOTS_ALL=1).
import { join } from 'node:path';
import { repoRoot, startAll } from './harness';

const out = process.argv[2] ?? join(repoRoot, 'docs');
const all = process.env.PEERGOV_SCREENSHOTS_ALL === '1';
const env = await startAll({ demo: true });
try {
  const ctx = await env.browser.newContext({
    baseURL: env.url,
    locale: 'en-GB',
    viewport: { width: 1280, height: 860 },
  });
  const page = await ctx.newPage();
  await page.goto('/signin');
  await page.getByLabel('Email').fill('amara@demo.peergov.org');
  await page.getByLabel('Password').fill('demo-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => u.pathname === '/');
  await page.locator('.commons-card a').first().click();
  await page.locator('.proposal-item').first().waitFor();
  const commons = new URL(page.url()).pathname;
  await page.screenshot({ path: join(out, 'screenshot.png') });
  if (all) {
    const shots: [string, string][] = [
      ['home', '/'],
      ['constitution', `${commons}/constitution`],
      ['proposals', `${commons}/proposals`],
      ['log', `${commons}/log`],
      ['amend', `${commons}/proposals/new?kind=amend_constitution&rule=resolution`],
    ];
    for (const [name, path] of shots) {
      await page.goto(path);
      await page.locator('h1').first().waitFor();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    }
    await page.goto(`${commons}/proposals`);
    await page.locator('.proposal-item a').first().click();
    await page.locator('#what-heading').waitFor();
    await page.screenshot({ path: join(out, 'proposal.png'), fullPage: true });
    const decided = page.locator('.proposal-item', { hasText: 'Passed' }).first();
    await page.goto(`${commons}/proposals?status=passed`);
    await decided.locator('a').first().click();
    await page.locator('.decision').waitFor();
    await page.screenshot({ path: join(out, 'decided.png'), fullPage: true });
    const phone = await env.browser.newContext({
      baseURL: env.url,
      locale: 'fr-FR',
      viewport: { width: 375, height: 740 },
      isMobile: true,
      deviceScaleFactor: 1,
    });
    const p = await phone.newPage();
    await p.goto(commons);
    await p.locator('h1').first().waitFor();
    await p.screenshot({ path: join(out, 'phone.png'), fullPage: true });
  }
} finally {
  await env.close();
}
