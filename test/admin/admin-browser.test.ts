import { mkdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { browserAvailable, browserSuiteName, launchBrowser } from '../helpers/browser.js';
import { loadWorld, ROOT } from '../helpers/conversation.js';
import { adminRouter, seed, TOKEN } from './seed.js';

const ARTIFACTS = join(ROOT, 'test-artifacts');
const hasBrowser = browserAvailable();

let store: Store;
let server: Server | undefined;
let base: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasBrowser) return;
  const world = await loadWorld();
  store = await openStore({ path: ':memory:' });
  await seed(store);
  ({ server, base } = await startApp(world, { channels: [{ path: '/admin', router: adminRouter(store) }] }));
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await store?.close();
});

describe.skipIf(!hasBrowser)(browserSuiteName('admin dashboard in Chromium'), () => {
  it('logs in, draws the weekly chart, filters by partner, downloads the CSV and logs out', async () => {
    const context = await browser!.newContext({ viewport: { width: 1200, height: 900 }, acceptDownloads: true, locale: 'en-US' });
    const page = await context.newPage();
    const problems: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('request', (r) => requests.push(r.url()));

    await page.goto(`${base}/admin`);
    await page.getByLabel('Admin token').fill(TOKEN);
    await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Log in' }).click()]);
    await page.getByRole('heading', { name: 'Checks per week' }).waitFor();

    // The weekly chart: an SVG image named by its <title>, with one bar per shown risk count.
    const chart = page.getByRole('img', { name: 'Checks per week by risk' });
    expect(await chart.count()).toBe(1);
    const bars = chart.locator('rect.bar:not(.rest)');
    expect(await bars.count()).toBe(3 * 4); // high, medium and low in each of the 4 weeks with data
    const heights = await bars.evaluateAll((els) => els.map((e) => Number(e.getAttribute('height'))));
    expect(heights.every((h) => h > 0)).toBe(true);
    expect(await page.locator('#weekly-table tbody tr').count()).toBe(12);
    expect(await page.locator('#trending li').allTextContents()).toEqual(['Extortion']);
    expect(await page.locator('#suppression-note').textContent()).toContain('“suppressed” means fewer than 5');

    // Pick a partner and a period: a plain GET form.
    await page.getByLabel('Partner').selectOption('casa-sur');
    await page.getByLabel('Period').selectOption('4');
    await Promise.all([page.waitForURL(/partner=casa-sur&weeks=4/), page.getByRole('button', { name: 'Show' }).click()]);
    expect(await page.locator('#partner').inputValue()).toBe('casa-sur');
    expect(await page.locator('#weekly-table tbody tr').count()).toBe(4);
    const cells = await page.locator('#weekly-table td').allTextContents();
    for (const c of cells) expect(c === 'suppressed' || Number(c) >= 5, c).toBe(true);
    expect(cells).toContain('suppressed');
    // Casa Sur's weekly split is all suppressed: one grey bar a week for its shown total, no risk bars.
    expect(await chart.locator('rect.bar:not(.rest)').count()).toBe(0);
    expect(await chart.locator('rect.bar.rest').count()).toBe(4);
    await page.screenshot({ path: join(ARTIFACTS, 'admin-partner.png'), fullPage: true });

    // Download the CSV of this view.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toBe(`faro-trends-casa-sur-4w-${new Date().toISOString().slice(0, 10)}.csv`.replace(/\d{4}-\d{2}-\d{2}(?=\.csv)/, '2026-03-04'));
    const csv = readFileSync((await download.path())!, 'utf8').trimEnd().split('\r\n');
    expect(csv[0]).toBe('week,partner,metric,value,count');
    expect(csv).toContain('2026-W10,casa-sur,check,low,suppressed');
    expect(csv).toContain('2026-W10,casa-sur,check,total,7');
    expect(csv.slice(1).every((l) => l.split(',')[1] === 'casa-sur')).toBe(true);

    // Back to all partners for the screenshot, then log out.
    await page.goto(`${base}/admin?weeks=12`);
    await chart.waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'admin.png'), fullPage: true });
    await Promise.all([page.waitForURL(`${base}/admin`), page.getByRole('button', { name: 'Log out' }).click()]);
    await page.getByLabel('Admin token').waitFor();
    expect((await context.cookies()).filter((c) => c.name === 'faro_admin')).toEqual([]);

    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${base}/`))).toEqual([]);
    await context.close();
  });
});
