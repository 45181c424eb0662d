import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebChat } from '../../src/channels/web/index.js';
import { createConversationService, type ConversationService } from '../../src/conversation/service.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { browserAvailable, browserSuiteName, launchBrowser } from '../helpers/browser.js';
import { loadWorld, ROOT, silentLog, type TestWorld } from '../helpers/conversation.js';

const OFFER = 'Pase directo a USA 100% garantizado, sin caminar. Anticipo de 500 dólares por Elektra, últimos lugares. Escríbeme al WhatsApp';
const ARTIFACTS = join(ROOT, 'test-artifacts');
const hasBrowser = browserAvailable();

let world: TestWorld;
let store: Store;
let service: ConversationService;
let server: Server | undefined;
let base: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!hasBrowser) return;
  world = await loadWorld();
  store = await openStore({ path: ':memory:' });
  service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 2000, ratePerMinute: 100 });
  const router = createWebChat({ service, userKeySecret: 'b'.repeat(40), log: silentLog, i18n: world.i18n });
  ({ server, base } = await startApp(world, { databaseOk: () => store.ping(), channels: [{ path: '/', router }] }));
  browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
  await service?.drain();
  await store?.close();
});

/** Everything that would show a problem a user cannot see: CSP refusals, script errors, requests elsewhere. */
function watch(page: Page) {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  return { problems, requests };
}

const botMessages = (page: Page) => page.locator('#log .msg.bot');
/** Evaluates an expression in the page (a string: the project compiles without DOM types). */
const inPage = <T>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

describe.skipIf(!hasBrowser)(browserSuiteName('web chat in Chromium on a phone-sized screen'), () => {
  it('welcomes, checks an offer sent with Enter, answers a keyboard button press, and switches to Arabic', async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 800 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' });
    const page = await context.newPage();
    const { problems, requests } = watch(page);
    const en = world.i18n.t('en');
    const ar = world.i18n.t('ar');

    await page.goto(`${base}/`);
    await botMessages(page).first().waitFor();
    expect(await botMessages(page).first().textContent()).toContain(en('welcome'));
    expect(await inPage<string[]>(page, '[document.documentElement.lang, document.dir]')).toEqual(['en', 'ltr']);
    // The status region is empty again once the reply is in.
    expect(await page.locator('#status').textContent()).toBe('');

    // Shift+Enter is a new line, not a send.
    const input = page.getByLabel(en('web.message_label'));
    await input.focus();
    await page.keyboard.type('a');
    await page.keyboard.press('Shift+Enter');
    expect(await input.inputValue()).toBe('a\n');
    await input.fill('');

    await input.pressSequentially(OFFER);
    await page.keyboard.press('Enter');
    await botMessages(page).nth(1).waitFor();
    expect(await input.inputValue()).toBe('');
    expect(await page.locator('#log .msg.me').last().textContent()).toContain(OFFER);
    const answer = botMessages(page).nth(1);
    const answerText = (await answer.textContent()) ?? '';
    for (const id of ['guarantee', 'advance_payment', 'urgency', 'off_platform_contact']) expect(answerText).toContain(en(`flags:${id}.name`));
    const quotes = await answer.locator('q').allTextContents();
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(OFFER).toContain(q);
    expect(await answer.locator('strong').count()).toBeGreaterThan(0);

    // Big enough to tap, and nothing wider than the phone.
    const small = await inPage<string[]>(
      page,
      `[...document.querySelectorAll('.btn, select, textarea')]
        .filter((e) => e.offsetParent !== null)
        .filter((e) => e.getBoundingClientRect().height < 44 || e.getBoundingClientRect().width < 44)
        .map((e) => e.outerHTML.slice(0, 80))`,
    );
    expect(small).toEqual([]);
    expect(await inPage<number>(page, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'web-chat.png'), fullPage: false });

    // Tab back from the message box to the reply's "report this ad" button and press it with the keyboard.
    const target = en('check.report');
    let focused = '';
    for (let i = 0; i < 40 && focused !== target; i++) {
      await page.keyboard.press('Shift+Tab');
      focused = await inPage<string>(page, "document.activeElement.matches('#log button') ? document.activeElement.textContent : ''");
    }
    expect(focused).toBe(target);
    expect(await inPage<string>(page, 'getComputedStyle(document.activeElement).outlineStyle')).toBe('solid');
    await page.keyboard.press('Enter');
    await botMessages(page).nth(2).waitFor();
    expect(await page.locator('#log .msg.me').last().textContent()).toContain(target);
    expect(await botMessages(page).nth(2).textContent()).toContain(world.content.library.page('report-an-ad', 'en')!.title);

    // The language switcher: a labelled select and a button; the page comes back in Arabic.
    await page.getByLabel(en('web.language')).selectOption('ar');
    await Promise.all([page.waitForURL(/[?&]lang=ar/), page.getByRole('button', { name: en('web.change_language') }).click()]);
    await botMessages(page).first().waitFor();
    expect(await inPage<string[]>(page, '[document.documentElement.lang, document.dir]')).toEqual(['ar', 'rtl']);
    expect(await page.locator('label[for="text"]').textContent()).toBe(ar('web.message_label'));
    expect(await page.locator('#composer button').textContent()).toBe(ar('web.send'));
    expect(await page.locator('#lang').inputValue()).toBe('ar');
    const menu = botMessages(page).first();
    expect(await menu.getAttribute('dir')).toBe('rtl');
    expect(await menu.getAttribute('lang')).toBe('ar');
    expect(await menu.textContent()).toContain(ar('menu.title'));
    expect(await menu.locator('button').allTextContents()).toContain(ar('menu.check'));
    expect(await inPage<number>(page, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(ARTIFACTS, 'web-chat-ar.png'), fullPage: false });

    expect(problems).toEqual([]);
    expect(requests.filter((u) => !u.startsWith(`${base}/`))).toEqual([]);
    await context.close();
  });

  it('shows a retry message when the network fails, and recovers', async () => {
    const context = await browser!.newContext({ viewport: { width: 390, height: 800 }, locale: 'en-US' });
    const page = await context.newPage();
    const en = world.i18n.t('en');
    await page.goto(`${base}/`);
    await botMessages(page).first().waitFor();
    await context.setOffline(true);
    expect(await page.getByRole('alert').count()).toBe(1);
    await page.getByLabel(en('web.message_label')).fill('hola');
    await page.getByRole('button', { name: en('web.send') }).click();
    const alert = page.locator('#error[role="alert"]');
    await alert.getByText(en('web.offline')).waitFor();
    await context.setOffline(false);
    await alert.getByRole('button', { name: en('web.retry') }).click();
    await botMessages(page).nth(1).waitFor();
    expect(await alert.textContent()).toBe('');
    await context.close();
  });
});
