import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram } from '../../src/channels/telegram/bot.js';
import { escapeHtml } from '../../src/channels/telegram/render.js';
import { createConversationService } from '../../src/conversation/service.js';
import { createOcr, type Ocr } from '../../src/ocr/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { offerScreenshot } from '../fixtures/offer-screenshot.js';
import { loadWorld, silentLog, type TestWorld } from '../helpers/conversation.js';
import { FakeBotApi, pictureUpdate, textUpdate } from '../helpers/fake-bot-api.js';
import { renderText } from '../helpers/render-text.js';

let world: TestWorld;
let api: FakeBotApi;
let store: Store;
let ocr: Ocr;
let telegram: { stop(): Promise<void> };
const work = new Set<Promise<void>>();

beforeAll(async () => {
  world = await loadWorld();
  api = await new FakeBotApi().start();
  store = await openStore({ path: ':memory:' });
  ocr = createOcr({ workers: 1, timeoutMs: 60_000 });
  const service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 0, ratePerMinute: 100 });
  const bot = createTelegramBot({
    token: api.token,
    apiRoot: api.apiRoot,
    service,
    i18n: world.i18n,
    userKeySecret: 'photo-secret-0123456789abcdef0123456789',
    log: silentLog,
    images: { reader: { ocr }, maxBytes: 2_000_000, maxPixels: 4_000_000, track: (p) => void work.add(p) },
  });
  telegram = await startTelegram(bot, { i18n: world.i18n, log: silentLog });
}, 120_000);

afterAll(async () => {
  await telegram?.stop();
  await Promise.allSettled([...work]);
  await ocr?.close();
  await api?.stop();
  await store?.close();
});

const repliesTo = (chat: number) => api.callsTo('sendMessage').filter((c) => c.payload.chat_id === chat).map((c) => String(c.payload.text));
const waitForReply = (chat: number, count = 1) => api.until(() => repliesTo(chat).length >= count, 60_000);
const html = (s: string) => escapeHtml(s);

describe('a photo of an offer sent to the bot', () => {
  it('is fetched with getFile, read, and answered with the image-read line and the same warning signs as its text', async () => {
    api.addFile('shot-1', offerScreenshot());
    api.push(pictureUpdate(701, 'shot-1', { language_code: 'es', width: 780, height: 1688 }));
    await waitForReply(701);
    const t = world.i18n.t('es');
    const reply = repliesTo(701)[0]!;
    expect(api.callsTo('getFile').map((c) => c.payload.file_id)).toContain('shot-1');
    expect(api.downloads).toHaveLength(1);
    expect(reply.startsWith(html(t('check.image_read')))).toBe(true);
    expect(reply).toContain('Western Union');
    expect(reply).toContain(html(t('check.risk_high')));
    for (const flag of ['guarantee', 'advance_payment', 'off_platform_contact']) expect(reply).toContain(html(t(`flags:${flag}.name`)));
  });

  it('reads a screenshot sent as a file, with its caption, in Arabic', async () => {
    api.addFile('doc-ar', renderText(['رحلة بالقارب من ليبيا إلى إيطاليا،', 'العربون ٥٠٠ دولار مقدما للحجز']));
    api.push(pictureUpdate(702, 'doc-ar', { language_code: 'ar', documentMime: 'image/png', caption: 'وصلني هذا العرض' }));
    await waitForReply(702);
    const t = world.i18n.t('ar');
    const reply = repliesTo(702)[0]!;
    expect(reply).toContain(html(t('check.image_read')));
    expect(reply).toContain(html(t('flags:dangerous_route.name')));
    expect(reply).toContain(html(t('flags:advance_payment.name')));
  });

  it('answers other people while a picture is being read', async () => {
    api.addFile('shot-2', renderText(['Pase directo a USA 100% garantizado, sin caminar']));
    api.push(pictureUpdate(703, 'shot-2', { language_code: 'es' }));
    api.push(textUpdate(704, '/start', 'es'));
    await waitForReply(703);
    await waitForReply(704);
    const sends = api.callsTo('sendMessage').map((c) => c.payload.chat_id);
    expect(sends.indexOf(704)).toBeLessThan(sends.indexOf(703));
  });

  it('refuses a picture bigger than the limits without downloading it, and says so politely', async () => {
    const gets = api.callsTo('getFile').length;
    api.push(pictureUpdate(705, 'huge', { language_code: 'fr', width: 4000, height: 3000, thumb: false }));
    api.push(pictureUpdate(705, 'heavy', { language_code: 'fr', documentMime: 'image/jpeg', fileSize: 3_000_000 }));
    await waitForReply(705, 2);
    expect(repliesTo(705)).toEqual([html(world.i18n.t('fr')('media.image_too_large')), html(world.i18n.t('fr')('media.image_too_large'))]);
    expect(api.callsTo('getFile')).toHaveLength(gets);
  });

  it('reads the largest size of a photo that is within the limits', async () => {
    api.addFile('big-thumb', renderText(['Pase directo a USA 100% garantizado, sin caminar']));
    api.push(pictureUpdate(708, 'big', { language_code: 'es', width: 4000, height: 3000 }));
    await waitForReply(708);
    expect(api.callsTo('getFile').at(-1)!.payload.file_id).toBe('big-thumb');
    expect(repliesTo(708)[0]).toContain(html(world.i18n.t('es')('flags:guarantee.name')));
  });

  it('answers a corrupt file with the "could not open" reply', async () => {
    api.addFile('broken', Buffer.from('this is not a picture at all'));
    api.push(pictureUpdate(706, 'broken', { language_code: 'pt' }));
    await waitForReply(706);
    expect(repliesTo(706)[0]).toBe(html(world.i18n.t('pt')('media.image_unreadable')));
  });

  it('leaves documents that are not pictures to the "send the text" answer', async () => {
    api.push(pictureUpdate(707, 'pdf', { language_code: 'en', documentMime: 'application/pdf' }));
    await waitForReply(707);
    expect(repliesTo(707)[0]).toContain(html(world.i18n.t('en')('media.no_text').split('\n')[0]!));
  });
});
