import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { createConversationService } from '../../src/conversation/service.js';
import type { Ocr } from '../../src/ocr/index.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, type TestWorld } from '../helpers/conversation.js';
import { FakeGraphApi, GRAPH_TOKEN, GRAPH_VERSION, PHONE_NUMBER_ID, inboundMessage, sign, webhookPayload } from '../helpers/fake-graph-api.js';
import { FaultProxy, isMediaFile, isMediaInfo, isRead, isSend, type Seen } from './proxy.js';

// FakeGraphApi answers over HTTP but cannot break a connection or fail read receipts and media:
// a FaultProxy (proxy.ts) between Faro and it breaks what it is told to and records the rest.

const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

let world: TestWorld;
let fake: FakeGraphApi;
let proxy: FaultProxy;
let store: Store;
let channel: WhatsAppChannel;
let server: Server;
let base: string;
let failures = 0;
let logged = '';
let ocrReads = 0;

/** Never reached in these tests (no download succeeds); counts its calls to prove it. */
const ocr: Ocr = {
  read: async () => {
    ocrReads++;
    return { ok: false, reason: 'failed' } as Awaited<ReturnType<Ocr['read']>>;
  },
  stats: () => ({ workers: 0, running: 0, queued: 0, byLanguages: {}, read: 0, refused: { busy: 0, too_large: 0, unreadable: 0, timeout: 0, failed: 0 }, meanMs: 0 }),
  close: async () => {},
};

beforeAll(async () => {
  world = await loadWorld();
  fake = await new FakeGraphApi().start();
  proxy = await new FaultProxy(fake.apiBase.slice(0, -`/${GRAPH_VERSION}`.length)).start();
  store = await openStore({ path: ':memory:' });
  const sink = new Writable({ write: (chunk, _enc, done) => void ((logged += String(chunk)), done()) });
  const log = pino({ level: 'debug' }, sink);
  const service = createConversationService({ conversation: world.deps, store, log, mergeWindowMs: 0, ratePerMinute: 100 });
  channel = createWhatsAppChannel({
    service,
    userKeySecret: 'whatsapp-faults-secret-0123456789abcdef',
    log,
    appSecret: APP_SECRET,
    verifyToken: 'verify-token-0123456789',
    token: GRAPH_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    apiBase: proxy.apiBase,
    isPartnerCode: () => false,
    onSendFailure: () => failures++,
    retry: { baseDelayMs: 10, timeoutMs: 1000 },
    images: { reader: { ocr, languageOf: async () => 'es' }, maxBytes: 1_000_000 },
  });
  ({ server, base } = await startApp(world, { channels: [{ path: '/whatsapp/webhook', router: channel.router }] }));
}, 120_000);

afterAll(async () => {
  await channel?.drain();
  server?.close();
  await proxy?.stop();
  await fake?.stop();
  await store?.close();
});

beforeEach(() => {
  proxy.clear();
  fake.reset();
  failures = 0;
  logged = '';
  ocrReads = 0;
});

let nextPhone = 5215599990001;
const phone = () => String(nextPhone++);

/** Posts a signed delivery and waits until everything it started is done. */
async function deliver(payload: unknown): Promise<void> {
  const body = JSON.stringify(payload);
  const res = await fetch(`${base}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(APP_SECRET, body) }, body });
  expect(res.status).toBe(200);
  await channel.drain();
}

const text = (from: string, body: string) => inboundMessage(from, 'text', { text: { body } });
/** What a person received, without the address: comparable between people. */
const received = (to: string) => proxy.delivered(to).map((e) => JSON.stringify({ ...e.body, to: undefined }));
const bodyText = (body: Record<string, unknown>) =>
  body.type === 'text' ? (body.text as { body: string }).body : (body.interactive as { body: { text: string } }).body.text;
const readText = (to: string) => proxy.delivered(to).map((e) => bodyText(e.body)).join('\n\n');
const firstLine = (s: string) => s.split('\n')[0]!.trim();

/** What a fresh person gets for "hola" when nothing fails. */
let baseline: string[] = [];
beforeAll(async () => {
  const someone = phone();
  await deliver(webhookPayload([text(someone, 'hola')]));
  baseline = received(someone);
  expect(baseline.length).toBeGreaterThan(0);
});

describe('WhatsApp sends through a failing connection', () => {
  it('a connection reset on send: retried, and the person gets every message exactly once', async () => {
    const from = phone();
    proxy.inject(isSend, 'reset');
    await deliver(webhookPayload([text(from, 'hola')]));
    const attempts = proxy.exchanges.filter((e) => isSend(e) && e.body.to === from);
    expect(attempts[0]!.outcome).toBe('reset');
    expect(attempts[1]!.body).toEqual(attempts[0]!.body);
    expect(received(from)).toEqual(baseline);
    // Meta itself saw each message once: the reset one never reached it.
    expect(fake.sends(from)).toHaveLength(baseline.length);
    expect(failures).toBe(0);
  });

  it('resets on every attempt: given up and counted, nothing crashes, the next message after recovery is answered', async () => {
    const from = phone();
    proxy.inject(isSend, 'reset', 100);
    await deliver(webhookPayload([text(from, 'hola')]));
    expect(proxy.exchanges.filter((e) => isSend(e) && e.outcome === 'reset')).toHaveLength(4);
    expect(received(from)).toEqual([]);
    expect(failures).toBe(1);
    expect(logged).toContain('whatsapp send failed');

    proxy.clear();
    await deliver(webhookPayload([text(from, 'hola')]));
    expect(received(from).length).toBeGreaterThan(0);
    expect(failures).toBe(1);
  });
});

describe('read receipts that fail', () => {
  it('a read receipt answered 500, reset or never answered does not touch the reply', async () => {
    const people = [phone(), phone(), phone()];
    const forPerson = (i: number) => (s: Seen) => isRead(s) && String(s.body.message_id) === ids[i];
    const messages = people.map((p) => text(p, 'hola'));
    const ids = messages.map((m) => m.id);
    proxy.inject(forPerson(0), { status: 500 });
    proxy.inject(forPerson(1), 'reset');
    proxy.inject(forPerson(2), 'hang');
    await deliver(webhookPayload(messages));
    for (const p of people) expect(received(p)).toEqual(baseline);
    expect(proxy.exchanges.filter(isRead).map((e) => e.outcome).sort()).toEqual([500, 'hang', 'reset'].sort());
    // None reached Meta, and none was tried again (one attempt, by design).
    expect(fake.reads()).toHaveLength(0);
    expect(logged).toContain('could not mark a message read');
    expect(failures).toBe(0);
  });
});

describe('pictures whose download fails', () => {
  it("the media URL request answered 500: the person is told the picture could not be fetched", async () => {
    const from = phone();
    fake.addMedia('media-500', Buffer.from('png'), 'image/png');
    proxy.inject(isMediaInfo, { status: 500 });
    await deliver(webhookPayload([inboundMessage(from, 'image', { image: { id: 'media-500', mime_type: 'image/png' } })]));
    expect(proxy.delivered(from)).toHaveLength(1);
    expect(readText(from)).toContain(firstLine(world.i18n.t('en')('media.image_failed')));
    expect(ocrReads).toBe(0);
    expect(logged).toContain('could not download a picture');
  });

  it('the download itself reset: told so, and the caption is still checked', async () => {
    const from = phone();
    fake.addMedia('media-reset', Buffer.from('png'), 'image/png');
    proxy.inject(isMediaFile, 'reset');
    const caption = 'Pase directo a USA 100% garantizado, deposita la mitad por Elektra';
    await deliver(webhookPayload([inboundMessage(from, 'image', { image: { id: 'media-reset', mime_type: 'image/png', caption } })]));
    const media = proxy.exchanges.filter((e) => isMediaInfo(e) || isMediaFile(e));
    expect(media.map((e) => [isMediaInfo(e) ? 'info' : 'file', e.outcome])).toEqual([['info', 200], ['file', 'reset']]);
    const read = readText(from);
    expect(read).toContain(firstLine(world.i18n.t('es')('media.image_failed')));
    expect(read).toContain(world.i18n.t('es')('check.risk_high'));
    expect(new Set(received(from)).size).toBe(received(from).length);
    expect(ocrReads).toBe(0);
  });
});

describe('a 429 storm', () => {
  it('six people at once, every send refused twice with Retry-After: each person is answered exactly once', async () => {
    const people = Array.from({ length: 6 }, phone);
    proxy.inject(isSend, { status: 429, retryAfter: '1' }, 12);
    await deliver(webhookPayload(people.map((p) => text(p, 'hola'))));
    expect(proxy.exchanges.filter((e) => isSend(e) && e.outcome === 429)).toHaveLength(12);
    for (const p of people) {
      expect(received(p)).toEqual(baseline);
      expect(fake.sends(p)).toHaveLength(baseline.length);
    }
    expect(failures).toBe(0);
  });
});
