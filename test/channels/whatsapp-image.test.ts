import type { Server } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { createConversationService } from '../../src/conversation/service.js';
import { createOcr, type Ocr } from '../../src/ocr/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { offerScreenshot } from '../fixtures/offer-screenshot.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, silentLog, type TestWorld } from '../helpers/conversation.js';
import { FakeGraphApi, GRAPH_TOKEN, PHONE_NUMBER_ID, inboundMessage, sign, webhookPayload, type GraphRequest } from '../helpers/fake-graph-api.js';

const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const MAX_BYTES = 1_000_000;

let world: TestWorld;
let fake: FakeGraphApi;
let store: Store;
let ocr: Ocr;
let channel: WhatsAppChannel;
let server: Server;
let base: string;

beforeAll(async () => {
  world = await loadWorld();
  fake = await new FakeGraphApi().start();
  store = await openStore({ path: ':memory:' });
  ocr = createOcr({ workers: 1, timeoutMs: 60_000 });
  const service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 0, ratePerMinute: 100 });
  channel = createWhatsAppChannel({
    service,
    userKeySecret: 'whatsapp-image-secret-0123456789abcdef',
    log: silentLog,
    appSecret: APP_SECRET,
    verifyToken: 'verify-token-0123456789',
    token: GRAPH_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    apiBase: fake.apiBase,
    isPartnerCode: () => false,
    retry: { baseDelayMs: 10, timeoutMs: 2000 },
    images: { reader: { ocr, languageOf: async () => 'es' }, maxBytes: MAX_BYTES },
  });
  ({ server, base } = await startApp(world, { channels: [{ path: '/whatsapp/webhook', router: channel.router }] }));
}, 120_000);

afterAll(async () => {
  server?.close();
  await ocr?.close();
  await fake?.stop();
  await store?.close();
});

beforeEach(() => {
  fake.reset();
  fake.mediaRequests.length = 0;
});

async function deliver(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${base}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(APP_SECRET, body) }, body });
  expect(res.status).toBe(200);
  await channel.drain();
}

const bodyText = (r: GraphRequest) => (r.body.type === 'text' ? (r.body.text as { body: string }).body : (r.body.interactive as { body: { text: string } }).body.text);
const readText = (to: string) => fake.sends(to).map(bodyText).join('\n\n');
const t = (lang: 'es' | 'en' = 'es') => world.i18n.t(lang);

describe('a picture sent on WhatsApp', () => {
  it("is downloaded through Meta's two-step media API with the token, read, and answered with the warning signs", async () => {
    fake.addMedia('media-shot', offerScreenshot(), 'image/png');
    await deliver(webhookPayload([inboundMessage('5215500000001', 'image', { image: { id: 'media-shot', mime_type: 'image/png', sha256: 'x' } })]));
    expect(fake.mediaRequests.map((r) => r.path)).toEqual([`/v23.0/media-shot`, '/whatsapp_business/attachments/?mid=media-shot&ext=1']);
    expect(fake.mediaRequests.every((r) => r.authorization === `Bearer ${GRAPH_TOKEN}`)).toBe(true);
    const text = readText('5215500000001');
    expect(text.startsWith(t()('check.image_read'))).toBe(true);
    expect(text).toContain('Western Union');
    for (const flag of ['guarantee', 'advance_payment', 'off_platform_contact']) expect(text).toContain(t()(`flags:${flag}.name`));
  });

  it('reads an image sent as a document together with its caption', async () => {
    fake.addMedia('media-doc', offerScreenshot(), 'image/png');
    await deliver(webhookPayload([inboundMessage('5215500000002', 'document', { document: { id: 'media-doc', mime_type: 'image/png', caption: 'mira esto' } })]));
    expect(readText('5215500000002')).toContain(t()('flags:guarantee.name'));
  });

  it('refuses a picture Meta says is too big, without downloading it', async () => {
    fake.addMedia('media-big', Buffer.alloc(10), 'image/jpeg', MAX_BYTES + 1);
    await deliver(webhookPayload([inboundMessage('5215500000003', 'image', { image: { id: 'media-big', mime_type: 'image/jpeg' } })]));
    expect(fake.mediaRequests).toHaveLength(1);
    // A first message with no text to tell the language by: English.
    expect(readText('5215500000003')).toBe(t('en')('media.image_too_large'));
  });

  it('answers politely when the picture cannot be fetched or opened', async () => {
    fake.addMedia('media-bad', Buffer.from('not a picture'), 'image/jpeg');
    await deliver(webhookPayload([
      inboundMessage('5215500000004', 'image', { image: { id: 'media-gone' } }),
      inboundMessage('5215500000005', 'image', { image: { id: 'media-bad' } }),
    ]));
    expect(readText('5215500000004')).toBe(t('en')('media.image_failed'));
    expect(readText('5215500000005')).toBe(t('en')('media.image_unreadable'));
  });
});
