import { mkdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebChat } from '../../src/channels/web/index.js';
import { createConversationService, type ConversationService } from '../../src/conversation/service.js';
import { createOcr, type Ocr } from '../../src/ocr/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { offerScreenshot } from '../fixtures/offer-screenshot.js';
import { startApp } from '../helpers/app.js';
import { browserAvailable, browserSuiteName, launchBrowser } from '../helpers/browser.js';
import { loadWorld, ROOT, silentLog, type TestWorld } from '../helpers/conversation.js';
import { renderText } from '../helpers/render-text.js';

const MAX_BYTES = 300_000;
const hasBrowser = browserAvailable();

let world: TestWorld;
let store: Store;
let ocr: Ocr;
let service: ConversationService;
let server: Server;
let base: string;

beforeAll(async () => {
  world = await loadWorld();
  store = await openStore({ path: ':memory:' });
  ocr = createOcr({ workers: 1, timeoutMs: 60_000 });
  service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 0, ratePerMinute: 100 });
  const router = createWebChat({ service, userKeySecret: 'w'.repeat(40), log: silentLog, i18n: world.i18n, images: { reader: { ocr }, maxBytes: MAX_BYTES } });
  ({ server, base } = await startApp(world, { channels: [{ path: '/', router }] }));
}, 120_000);

afterAll(async () => {
  server?.close();
  await service?.drain();
  await ocr?.close();
  await store?.close();
});

type Body = { replies?: { parts: { text: string; style?: string }[] }[]; error?: string };
const upload = async (bytes: Buffer, type = 'image/png', headers: Record<string, string> = {}) => {
  const res = await fetch(`${base}/web/images?lang=es`, { method: 'POST', headers: { 'content-type': type, ...headers }, body: bytes });
  return { status: res.status, body: (await res.json()) as Body, cookie: res.headers.get('set-cookie') };
};
const textOf = (b: Body) => (b.replies ?? []).flatMap((r) => r.parts.map((p) => p.text)).join('');

describe('POST /web/images', () => {
  it('reads an uploaded screenshot and answers like a pasted offer, with what was read quoted first', async () => {
    const { status, body, cookie } = await upload(offerScreenshot());
    expect(status).toBe(200);
    expect(cookie).toMatch(/^faro_sid=/);
    const t = world.i18n.t('es');
    const parts = body.replies![0]!.parts;
    expect(parts[0]!.text).toBe(t('check.image_read'));
    expect(parts.find((p) => p.style === 'quote')!.text).toContain('Pase directo a USA 100% garantizado');
    for (const flag of ['guarantee', 'advance_payment', 'off_platform_contact']) expect(textOf(body)).toContain(t(`flags:${flag}.name`));
  });

  it('answers a picture over the limit with 413 and the polite reply, and a corrupt one with the "could not open" reply', async () => {
    const big = await upload(Buffer.alloc(MAX_BYTES + 1, 1));
    expect(big.status).toBe(413);
    expect(textOf(big.body)).toBe(world.i18n.t('es')('media.image_too_large'));
    const broken = await upload(Buffer.from('not a picture at all'), 'image/png');
    expect(broken.status).toBe(200);
    expect(textOf(broken.body)).toBe(world.i18n.t('es')('media.image_unreadable'));
  });

  it('keeps the same cross-site rules as messages: other origins and non-image bodies are refused', async () => {
    expect((await upload(renderText(['hola']), 'image/png', { origin: 'https://evil.example' })).status).toBe(403);
    expect((await upload(Buffer.from('text=hola'), 'application/x-www-form-urlencoded')).status).toBe(415);
    expect((await upload(Buffer.from('{"text":"hola"}'), 'text/plain')).status).toBe(415);
  });
});

describe.skipIf(!hasBrowser)(browserSuiteName('the web chat photo button in Chromium'), () => {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  }, 60_000);
  afterAll(() => browser?.close());

  it('uploads a PNG chosen with "Add a photo" and shows the warning signs', async () => {
    const page = await browser!.newPage({ locale: 'es-MX' });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(`${base}/?lang=es`);
    await page.locator('.msg.bot').first().waitFor();
    const t = world.i18n.t('es');
    const button = page.getByRole('button', { name: t('web.photo') });
    await expect(button.isVisible()).resolves.toBe(true);
    const chooser = page.waitForEvent('filechooser');
    await button.click();
    await (await chooser).setFiles({ name: 'oferta.png', mimeType: 'image/png', buffer: offerScreenshot() });
    await page.locator('.msg.me', { hasText: t('web.photo_sent') }).waitFor();
    const answer = page.locator('.msg.bot', { hasText: t('check.image_read') });
    await answer.waitFor({ timeout: 60_000 });
    const text = await answer.innerText();
    expect(text).toContain(t('flags:guarantee.name'));
    expect(text).toContain(t('flags:advance_payment.name'));
    expect(await answer.locator('q').first().innerText()).toContain('Pase directo a USA 100% garantizado');
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'test-artifacts', 'web-photo.png'), fullPage: false });
    expect(problems).toEqual([]);
    await page.close();
  });
});
