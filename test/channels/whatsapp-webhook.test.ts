import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { createConversationService } from '../../src/conversation/service.js';
import { decodeAction } from '../../src/conversation/types.js';
import { openStore, userKey, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, type TestWorld } from '../helpers/conversation.js';
import { FakeGraphApi, GRAPH_TOKEN, PHONE_NUMBER_ID, inboundMessage, seconds, sign, webhookPayload, type GraphRequest } from '../helpers/fake-graph-api.js';

const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const VERIFY_TOKEN = 'verify-token-0123456789';
const SECRET = 'whatsapp-test-secret-0123456789abcdef';
const MAX_BODY = 256 * 1024;

let world: TestWorld;
let fake: FakeGraphApi;
let store: Store;
let channel: WhatsAppChannel;
let server: Server;
let base: string;
let failures = 0;
let logged = '';

beforeAll(async () => {
  world = await loadWorld();
  fake = await new FakeGraphApi().start();
  store = await openStore({ path: ':memory:' });
  const sink = new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) });
  const log = pino({ level: 'debug' }, sink);
  const service = createConversationService({ conversation: world.deps, store, log, mergeWindowMs: 0, ratePerMinute: 100 });
  channel = createWhatsAppChannel({
    service,
    userKeySecret: SECRET,
    log,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    token: GRAPH_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    apiBase: fake.apiBase,
    isPartnerCode: (text) => world.content.library.partnerByCode(text) !== undefined,
    onSendFailure: () => failures++,
    maxBodyBytes: MAX_BODY,
    retry: { baseDelayMs: 10, timeoutMs: 500 },
  });
  ({ server, base } = await startApp(world, { channels: [{ path: '/whatsapp/webhook', router: channel.router }] }));
}, 120_000);

afterAll(async () => {
  server?.close();
  await fake?.stop();
  await store?.close();
});

beforeEach(() => {
  fake.reset();
  failures = 0;
  logged = '';
});

/** A channel of its own on its own app, for settings the shared one does not have. */
async function ownChannel(settings: Pick<Parameters<typeof createWhatsAppChannel>[0], 'ackWithinMs' | 'maxInFlight' | 'retry'>) {
  const silent = pino({ level: 'silent' });
  const channel = createWhatsAppChannel({
    service: createConversationService({ conversation: world.deps, store, log: silent, mergeWindowMs: 0, ratePerMinute: 100 }),
    userKeySecret: SECRET,
    log: silent,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    token: GRAPH_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    apiBase: fake.apiBase,
    isPartnerCode: () => false,
    ...settings,
  });
  return { channel, app: await startApp(world, { channels: [{ path: '/whatsapp/webhook', router: channel.router }] }) };
}

let nextPhone = 5215512340001;
/** A fresh WhatsApp user per test, so sessions and rate limits never mix. */
const phone = () => String(nextPhone++);

async function post(payload: unknown, options: { raw?: string; signature?: string | null } = {}): Promise<Response> {
  const body = options.raw ?? JSON.stringify(payload);
  const signature = options.signature === undefined ? sign(APP_SECRET, body) : options.signature;
  return fetch(`${base}/whatsapp/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { 'x-hub-signature-256': signature }) },
    body,
  });
}

/** Posts a correctly signed delivery, expects Meta's 200, and waits until everything it started is done. */
async function deliver(payload: unknown): Promise<void> {
  const res = await post(payload);
  expect(res.status).toBe(200);
  await channel.drain();
}

type Interactive = { type: string; body: { text: string }; action: { buttons?: { type: string; reply: { id: string; title: string } }[]; button?: string; sections?: { rows: { id: string; title: string; description?: string }[] }[] } };

const interactiveOf = (r: GraphRequest) => r.body.interactive as Interactive;
const bodyText = (r: GraphRequest) => (r.body.type === 'text' ? (r.body.text as { body: string }).body : interactiveOf(r).body.text);
/** Everything a person would read, across all messages Faro sent them. */
const readText = (to: string) => fake.sends(to).map(bodyText).join('\n\n');
/** Action ids of all buttons and list rows sent to one person. */
const actionIds = (to: string) =>
  fake
    .sends(to)
    .filter((r) => r.body.type === 'interactive')
    .flatMap((r) => {
      const i = interactiveOf(r);
      return i.type === 'button' ? (i.action.buttons ?? []).map((b) => b.reply.id) : (i.action.sections ?? []).flatMap((s) => s.rows.map((row) => row.id));
    });
/** The first line of a UI string, as WhatsApp shows it. */
const firstLine = (s: string) => s.split('\n')[0]!.trim();

const text = (from: string, body: string, extra: Record<string, unknown> = {}) => inboundMessage(from, 'text', { text: { body } }, extra);

describe('WhatsApp webhook verification (GET)', () => {
  const verify = (query: string) => fetch(`${base}/whatsapp/webhook?${query}`);

  it('answers Meta\'s handshake with the challenge as plain text when the verify token matches', async () => {
    const res = await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('1158201444');
  });

  it('refuses a wrong token, a token that is only a prefix, and a wrong mode with 403', async () => {
    expect((await verify('hub.mode=subscribe&hub.verify_token=wrong-token-0123456789&hub.challenge=1')).status).toBe(403);
    expect((await verify(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN.slice(0, -1)}&hub.challenge=1`)).status).toBe(403);
    expect((await verify(`hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
    expect((await verify('hub.challenge=1')).status).toBe(403);
  });
});

describe('WhatsApp deliveries (POST): verified, parsed, acknowledged', () => {
  it('refuses a bad or missing signature with a JSON 401 and processes nothing', async () => {
    const from = phone();
    const payload = webhookPayload([text(from, 'hola')]);
    const body = JSON.stringify(payload);
    const wrongKey = await post(payload, { signature: sign('another-app-secret-0123456789abcd', body) });
    expect(wrongKey.status).toBe(401);
    expect(await wrongKey.json()).toMatchObject({ error: 'unauthorized' });
    // Signed, then changed on the way: the bytes no longer match.
    expect((await post(payload, { raw: body.replace('hola', 'HOLA'), signature: sign(APP_SECRET, body) })).status).toBe(401);
    expect((await post(payload, { signature: 'sha256=' })).status).toBe(401);
    expect((await post(payload, { signature: null })).status).toBe(401);
    await channel.drain();
    expect(fake.requests).toHaveLength(0);
    expect(await store.getSession(userKey(SECRET, 'whatsapp', from))).toBeUndefined();
  });

  it('answers malformed JSON and payloads of the wrong shape with a clear JSON 400', async () => {
    const malformed = await post(undefined, { raw: '{"object": "whatsapp_business_account", "entry": [' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: 'bad_json' });

    const wrongObject = await post({ object: 'page', entry: [] });
    expect(wrongObject.status).toBe(400);
    expect((await wrongObject.json()) as { message: string }).toMatchObject({ error: 'bad_payload', message: expect.stringContaining('whatsapp_business_account') });

    const noId = webhookPayload([text(phone(), 'hola')]);
    delete (noId.entry[0]!.changes[0]!.value.messages![0] as { id?: string }).id;
    const missing = await post(noId);
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toMatch(/messages\[0\]\.id|messages\.0\.id/);
    await channel.drain();
    expect(fake.requests).toHaveLength(0);
  });

  it('answers an oversized body with a JSON 413', async () => {
    const payload = webhookPayload([text(phone(), 'x'.repeat(MAX_BODY + 10))]);
    const res = await post(payload);
    expect(res.status).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    // The router's own answer (it names the limit), not one left to whichever app mounts it.
    expect(await res.json()).toMatchObject({ error: 'too_large', message: expect.stringContaining(String(MAX_BODY)) });
  });

  it('acknowledges once the answer is sent, so a delivery lost in a crash is delivered again', async () => {
    const from = phone();
    fake.failNext({ hang: true });
    const res = await post(webhookPayload([text(from, 'hola')]));
    // The first send hung until the 500 ms timeout and was sent again before Meta got its 200.
    expect(res.status).toBe(200);
    expect(fake.sends(from).length).toBeGreaterThanOrEqual(2);
  });

  it('acknowledges after WHATSAPP_ACK_WITHIN_MS when the answer takes longer, and still answers once', async () => {
    const { channel: quick, app } = await ownChannel({ ackWithinMs: 100, retry: { baseDelayMs: 10, timeoutMs: 1500 } });
    try {
      const from = phone();
      fake.failNext({ hang: true });
      const body = JSON.stringify(webhookPayload([text(from, 'hola')]));
      const res = await fetch(`${app.base}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(APP_SECRET, body) }, body });
      expect(res.status).toBe(200);
      // Meta has its 200 while the first send still hangs: only that one attempt so far.
      expect(fake.sends(from)).toHaveLength(1);
      await quick.drain();
      expect(fake.sends(from).length).toBeGreaterThanOrEqual(2);
    } finally {
      app.server.close();
    }
  });

  it('answers 503 while maxInFlight deliveries are in hand, and takes the same delivery once there is room', async () => {
    const { channel: small, app } = await ownChannel({ maxInFlight: 1, retry: { baseDelayMs: 10, timeoutMs: 800 } });
    const postTo = (payload: unknown) => {
      const body = JSON.stringify(payload);
      return fetch(`${app.base}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(APP_SECRET, body) }, body });
    };
    try {
      const [first, second] = [phone(), phone()];
      fake.failNext({ hang: true });
      const held = postTo(webhookPayload([text(first, 'hola')]));
      await fake.until(() => fake.sends(first).length === 1);
      // The first delivery is still being answered (its send hangs): no room for another.
      const later = webhookPayload([text(second, 'hola')]);
      const refused = await postTo(later);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('5');
      expect(fake.sends(second)).toHaveLength(0);
      expect((await held).status).toBe(200);
      // Meta delivers it again later: taken and answered once.
      expect((await postTo(later)).status).toBe(200);
      expect(fake.sends(second).length).toBeGreaterThan(0);
      await small.drain();
    } finally {
      app.server.close();
    }
  });

  it('answers a message Meta delivers twice only once, and marks it read', async () => {
    const from = phone();
    const payload = webhookPayload([text(from, 'hola')]);
    await deliver(payload);
    const first = fake.sends(from).length;
    expect(first).toBeGreaterThan(0);
    await deliver(payload);
    expect(fake.sends(from)).toHaveLength(first);
    const id = (payload.entry[0]!.changes[0]!.value.messages![0] as { id: string }).id;
    expect(fake.reads().map((r) => r.body)).toContainEqual({ messaging_product: 'whatsapp', status: 'read', message_id: id });
  });

  it('never stores the phone number or the message id: only keyed hashes', async () => {
    const from = phone();
    const payload = webhookPayload([text(from, 'hola')]);
    await deliver(payload);
    const id = (payload.entry[0]!.changes[0]!.value.messages![0] as { id: string }).id;
    expect(await store.getSession(userKey(SECRET, 'whatsapp', from))).toBeDefined();
    // The dedupe row holds an HMAC of the wamid (which embeds the phone number), so claiming it again fails.
    expect(await store.beginUpdate('whatsapp', userKey(SECRET, 'whatsapp-message', id), 'another-process')).toBe(false);
    expect(await store.beginUpdate('whatsapp', id, 'another-process')).toBe(true);
  });

  it('accepts status updates and reactions without answering them', async () => {
    const from = phone();
    await deliver(webhookPayload([], { statuses: [{ id: 'wamid.out1', status: 'delivered', timestamp: seconds(), recipient_id: from }] }));
    await deliver(webhookPayload([inboundMessage(from, 'reaction', { reaction: { message_id: 'wamid.out1', emoji: '👍' } })]));
    expect(fake.requests).toHaveLength(0);
  });

  it('ignores group messages and messages to another number of the same account', async () => {
    const from = phone();
    await deliver(webhookPayload([text(from, 'Pase directo a USA 100% garantizado', { group_id: 'g-123' })]));
    await deliver(webhookPayload([text(from, 'hola')], { phoneNumberId: '999999999999' }));
    expect(fake.requests).toHaveLength(0);
  });

  it('answers every message of every change of every entry, each person in order', async () => {
    const people = Array.from({ length: 4 }, phone);
    const payload = webhookPayload([text(people[0]!, 'hola'), text(people[1]!, 'hola')]);
    const change = payload.entry[0]!.changes[0]!;
    payload.entry[0]!.changes.push({ ...change, value: { ...change.value, messages: [text(people[2]!, 'hola')] } });
    payload.entry.push({
      ...payload.entry[0]!,
      changes: [
        {
          ...change,
          value: {
            ...change.value,
            messages: [text(people[3]!, 'hola'), inboundMessage(people[3]!, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'privacy', title: 'Privacy' } } })],
          },
        },
      ],
    });
    await deliver(payload);
    for (const p of people) expect(fake.sends(p).length).toBeGreaterThan(0);
    // The menu for "hola" first, then the privacy screen: ids in the order they were sent.
    const ids = actionIds(people[3]!);
    expect(ids.indexOf('privacy')).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf('forget')).toBeGreaterThan(ids.indexOf('privacy'));
  });
});

describe('WhatsApp dialogues', () => {
  it('an offer -> the warning signs with the person\'s words quoted, then a list of options whose ids decode', async () => {
    const from = phone();
    const t = world.i18n.t('en');
    await deliver(webhookPayload([text(from, 'VIP crossing to USA 100% guaranteed & no walking. Send a $500 deposit by Western Union, last places!')]));
    const sends = fake.sends(from);
    for (const r of sends) {
      expect(r.authorization).toBe(`Bearer ${GRAPH_TOKEN}`);
      expect(r.body).toMatchObject({ messaging_product: 'whatsapp', recipient_type: 'individual', to: from });
    }
    const read = readText(from);
    expect(read).toContain(`*${t('check.risk_high')}*`);
    expect(read).toContain(t('flags:advance_payment.name'));
    expect(read).toMatch(/“_[^”]*(guaranteed|deposit|Western Union)[^”]*_”/i);

    const list = sends[sends.length - 1]!;
    expect(list.body.type).toBe('interactive');
    const interactive = interactiveOf(list);
    expect(interactive.type).toBe('list');
    expect(interactive.action.button).toBe('Options');
    expect(interactive.body.text.length).toBeGreaterThan(0);
    expect(interactive.body.text.length).toBeLessThanOrEqual(1024);
    const rows = interactive.action.sections!.flatMap((s) => s.rows);
    expect(rows.length).toBeGreaterThan(3);
    expect(rows.length).toBeLessThanOrEqual(10);
    for (const row of rows) {
      expect(row.title.length).toBeLessThanOrEqual(24);
      expect(decodeAction(row.id)).toBeDefined();
    }
    expect(rows.map((r) => r.id)).toEqual(expect.arrayContaining(['legal', 'check', 'report', 'f:u', 'f:w', 'menu', 'emergency']));
    // The long text went first, as plain text messages within WhatsApp's limit.
    expect(sends.slice(0, -1).every((r) => r.body.type === 'text' && bodyText(r).length <= 4096)).toBe(true);
  });

  it('a reply button press (id "privacy") -> the privacy screen with reply buttons', async () => {
    const from = phone();
    const t = world.i18n.t('en');
    await deliver(webhookPayload([inboundMessage(from, 'interactive', { interactive: { type: 'button_reply', button_reply: { id: 'privacy', title: 'Privacy' } } })]));
    expect(readText(from)).toContain(firstLine(t('privacy.chat_advice')).slice(0, 30));
    const buttons = fake.sends(from).filter((r) => r.body.type === 'interactive').map(interactiveOf);
    expect(buttons).toHaveLength(1);
    expect(buttons[0]!.type).toBe('button');
    expect(buttons[0]!.action.buttons!.map((b) => b.reply.id)).toEqual(['forget', 'menu', 'emergency']);
    for (const b of buttons[0]!.action.buttons!) {
      expect(b.type).toBe('reply');
      expect(b.reply.title.length).toBeLessThanOrEqual(20);
    }
  });

  it('a list row chosen (id "l:es") -> the menu in Spanish, with a Spanish list button', async () => {
    const from = phone();
    const es = world.i18n.t('es');
    await deliver(webhookPayload([inboundMessage(from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id: 'l:es', title: 'Español' } } })]));
    expect(readText(from)).toContain(firstLine(es('language.set')));
    const list = fake.sends(from).map(interactiveOf).find((i) => i?.type === 'list');
    expect(list?.action.button).toBe('Opciones');
    expect(actionIds(from)).toEqual(expect.arrayContaining(['check', 'advice', 'legal', 'emergency', 'language', 'privacy']));
    expect((await store.getSession(userKey(SECRET, 'whatsapp', from)))?.language).toBe('es');
  });

  it('a template quick-reply button and a forged id: the payload is decoded, the forgery opens the menu', async () => {
    const from = phone();
    const t = world.i18n.t('en');
    await deliver(webhookPayload([inboundMessage(from, 'button', { button: { payload: 'x:<script>', text: 'Go' } })]));
    expect(readText(from)).toContain(t('menu.title'));
    fake.reset();
    await deliver(webhookPayload([inboundMessage(from, 'button', { button: { payload: 'privacy', text: 'Privacy' } })]));
    expect(actionIds(from)).toEqual(['forget', 'menu', 'emergency']);
  });

  it('an image with a caption is checked; without one, audio, a voice note, a sticker and unknown types get the kind explanation', async () => {
    const t = world.i18n.t('en');
    const captioned = phone();
    await deliver(webhookPayload([inboundMessage(captioned, 'image', { image: { id: 'media1', mime_type: 'image/jpeg', caption: 'Pase directo a USA 100% garantizado, deposita la mitad por Elektra' } })]));
    expect(readText(captioned)).toContain(world.i18n.t('es')('check.risk_high'));

    const kinds = [
      inboundMessage(phone(), 'image', { image: { id: 'media2', mime_type: 'image/jpeg' } }),
      inboundMessage(phone(), 'audio', { audio: { id: 'media3', mime_type: 'audio/ogg', voice: true } }),
      inboundMessage(phone(), 'audio', { audio: { id: 'media4', mime_type: 'audio/mpeg' } }),
      inboundMessage(phone(), 'sticker', { sticker: { id: 'media5', mime_type: 'image/webp' } }),
      inboundMessage(phone(), 'poll_creation', { poll: { question: '?' } }),
      inboundMessage(phone(), 'unsupported', { errors: [{ code: 131051, title: 'Message type unknown' }] }),
    ];
    await deliver(webhookPayload(kinds));
    for (const m of kinds) {
      const text = readText(m.from);
      expect(text).toContain(firstLine(t('media.no_text')));
      expect(text).not.toContain(t('check.risk_high'));
    }
  });

  it('a partner code as the first message (wa.me link) -> start with that partner, in its language and place', async () => {
    const from = phone();
    await deliver(webhookPayload([text(from, ' casaprueba_tj ')]));
    expect(await store.getSession(userKey(SECRET, 'whatsapp', from))).toMatchObject({ partner: 'casa-prueba', language: 'es', country: 'MX', area: 'tijuana' });
    expect(readText(from)).toContain(firstLine(world.i18n.t('es')('welcome')));
    // An inactive partner's code is only text.
    const other = phone();
    await deliver(webhookPayload([text(other, 'oldcode')]));
    expect((await store.getSession(userKey(SECRET, 'whatsapp', other)))?.partner).toBeNull();
  });

  it('a message older than 24 hours is not answered (the window is closed) nor marked read', async () => {
    const from = phone();
    await deliver(webhookPayload([text(from, 'hola', { timestamp: seconds(Date.now() - 25 * 60 * 60 * 1000) })]));
    expect(fake.requests).toHaveLength(0);
    expect(logged).toContain('24-hour window has closed');
  });
});

describe('WhatsApp sending: retries and failures', () => {
  it('429 with Retry-After -> waits that long, then sends once', async () => {
    const from = phone();
    fake.failNext({ status: 429, retryAfter: '1' });
    await deliver(webhookPayload([text(from, 'hola')]));
    const sends = fake.sends(from);
    expect(sends[0]!.body).toEqual(sends[1]!.body);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
    // Every distinct message reached Meta exactly once successfully: the retried one twice in all.
    expect(new Set(sends.map((s) => JSON.stringify(s.body))).size).toBe(sends.length - 1);
    expect(failures).toBe(0);
  });

  it('500 twice, then success -> the same message three times, no failure counted', async () => {
    const from = phone();
    fake.failNext({ status: 500 }, { status: 503 });
    await deliver(webhookPayload([text(from, 'hola')]));
    const sends = fake.sends(from);
    expect(sends.slice(0, 3).map((s) => JSON.stringify(s.body))).toEqual(Array(3).fill(JSON.stringify(sends[0]!.body)));
    expect(sends.length).toBeGreaterThanOrEqual(3);
    expect(failures).toBe(0);
  });

  it('a throttling code (131056) on a 400 is retried; a persistent 400 is not, and is counted', async () => {
    const paced = phone();
    fake.failNext({ status: 400, code: 131056 });
    await deliver(webhookPayload([text(paced, 'hola')]));
    expect(fake.sends(paced)[0]!.body).toEqual(fake.sends(paced)[1]!.body);
    expect(failures).toBe(0);

    const from = phone();
    fake.failAlways({ status: 400, code: 131009 });
    const offer = 'Pase directo a USA con Memo el Coyotito, deposita 3000 por Elektra a Rigoberta';
    const payload = webhookPayload([text(from, offer)]);
    await deliver(payload);
    const bodies = fake.sends(from).map((s) => JSON.stringify(s.body));
    expect(bodies.length).toBeGreaterThan(0);
    expect(new Set(bodies).size).toBe(bodies.length);
    expect(failures).toBeGreaterThanOrEqual(1);
    // Logs say what failed, never what was written, to whom, or the message id (it embeds the number).
    expect(logged).toContain('whatsapp send failed');
    expect(logged).toContain('131009');
    const id = (payload.entry[0]!.changes[0]!.value.messages![0] as { id: string }).id;
    expect(logged).not.toMatch(/Coyotito|Elektra|Rigoberta|3000/);
    expect(logged).not.toContain(from);
    expect(logged).not.toContain(id);
  });

  it('a Graph API that never answers is given up on after the timeout and retried', async () => {
    const from = phone();
    fake.failNext({ hang: true });
    await deliver(webhookPayload([text(from, 'hola')]));
    const sends = fake.sends(from);
    expect(sends[0]!.body).toEqual(sends[1]!.body);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(450);
    expect(failures).toBe(0);
  });
});
