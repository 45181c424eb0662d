import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import type { Bot } from 'grammy';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTelegramBot, startTelegram, telegramWebhookHandler } from '../../src/channels/telegram/bot.js';
import { escapeHtml } from '../../src/channels/telegram/render.js';
import { createConversationService } from '../../src/conversation/service.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, type TestWorld } from '../helpers/conversation.js';
import { BOT_INFO, callbackUpdate, FakeBotApi, textUpdate } from '../helpers/fake-bot-api.js';

// Each test gets its own fake Bot API, bot and store, so the tests run side by side: grammY's
// auto-retry backs off 3 s, then 6 s, and that cannot be shortened from outside.

let world: TestWorld;
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

interface Harness {
  api: FakeBotApi;
  bot: Bot;
  /** Every log line, as JSON text. */
  logs: string[];
  /** Texts Telegram accepted for this chat, in order. */
  replies(chat: number): string[];
}

interface HarnessOptions {
  retry?: { maxRetryAttempts: number; maxDelaySeconds: number };
  timeoutSeconds?: number;
  networkRetry?: { retries: number; baseDelayMs: number };
}

function capture(): { log: pino.Logger; logs: string[] } {
  const logs: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => void (logs.push(String(chunk)), done()) });
  return { log: pino({ level: 'debug' }, sink), logs };
}

function botFor(api: FakeBotApi, store: Store, log: pino.Logger, o: HarnessOptions): Bot {
  const service = createConversationService({ conversation: world.deps, store, log, mergeWindowMs: 0, ratePerMinute: 100 });
  return createTelegramBot({
    token: api.token,
    apiRoot: api.apiRoot,
    botInfo: BOT_INFO,
    service,
    i18n: world.i18n,
    userKeySecret: 'faults-secret-0123456789abcdef0123456789',
    log,
    ...(o.retry ? { retry: o.retry } : {}),
    ...(o.timeoutSeconds ? { timeoutSeconds: o.timeoutSeconds } : {}),
    ...(o.networkRetry ? { networkRetry: o.networkRetry } : {}),
  });
}

const repliesOf = (api: FakeBotApi) => (chat: number) =>
  api.callsTo('sendMessage').filter((c) => c.payload.chat_id === chat).map((c) => String(c.payload.text));

/** The real bot, started as main.ts starts it (commands, then long polling), against its own fake. */
async function polling(o: HarnessOptions = {}): Promise<Harness> {
  const api = await new FakeBotApi().start();
  const store = await openStore({ path: ':memory:' });
  const { log, logs } = capture();
  const bot = botFor(api, store, log, o);
  const telegram = await startTelegram(bot, { i18n: world.i18n, log });
  cleanups.push(async () => {
    api.heal();
    await telegram.stop();
    await api.stop();
    await store.close();
  });
  return { api, bot, logs, replies: repliesOf(api) };
}

const t = (lang: 'es' | 'en', key: string) => escapeHtml(world.i18n.t(lang)(key));
const apology = (lang: 'es' | 'en') => t(lang, 'error.generic');

let nextChat = 9100;
const chat = () => nextChat++;

describe.concurrent('the real bot polling a failing Bot API', () => {
  it('sendMessage answered 429 with retry_after 1: waits, sends the reply once, no apology; later messages fine', async ({ expect }) => {
    const { api, replies, logs } = await polling();
    const me = chat();
    api.failNext({ status: 429, retryAfter: 1 });
    api.push(textUpdate(me, '/start', 'es'));
    await api.until(() => replies(me).length >= 1);

    const [refused] = api.failedTo('sendMessage');
    expect(refused).toBeDefined();
    const sent = api.attempts.find((a) => a.method === 'sendMessage' && a.outcome === 'ok')!;
    // The same message again, after the wait Telegram asked for.
    expect(sent.payload).toEqual(refused!.payload);
    expect(sent.at - refused!.at).toBeGreaterThanOrEqual(950);

    // A later message is answered at once; by then the first turn is over, so the counts are final.
    api.push(callbackUpdate(me, 'privacy', 'es'));
    await api.until(() => replies(me).length >= 2);
    const all = replies(me);
    expect(all).toHaveLength(2);
    expect(all[0]).toContain(t('es', 'menu.title'));
    expect(all[1]).toContain(t('es', 'privacy.chat_advice'));
    expect(all.join('\n')).not.toContain(apology('es'));
    expect(api.failed).toHaveLength(1);
    expect(logs.join('')).not.toContain('could not deliver');
  });

  it('sendMessage answered 500 once: the reply arrives once', async ({ expect }) => {
    const { api, replies } = await polling();
    const me = chat();
    api.failNext({ status: 500 });
    api.push(textUpdate(me, '/start', 'es'));
    await api.until(() => replies(me).length >= 1, 20_000);
    api.push(textUpdate(me, '/start', 'es'));
    await api.until(() => replies(me).length >= 2);

    expect(api.failedTo('sendMessage')).toHaveLength(1);
    expect(api.callsTo('sendMessage').map((c) => c.payload)[0]).toEqual(api.failedTo('sendMessage')[0]!.payload);
    expect(replies(me)).toHaveLength(2);
    expect(replies(me).every((r) => r.includes(t('es', 'menu.title')))).toBe(true);
    expect(replies(me).join('\n')).not.toContain(apology('es'));
  });

  it("502 twice (a gateway's HTML page, then Telegram's JSON) then OK: the reply arrives once", async ({ expect }) => {
    const { api, replies } = await polling();
    const me = chat();
    api.failNext({ status: 502, html: true }, { status: 502 });
    api.push(textUpdate(me, '/start', 'es'));
    await api.until(() => replies(me).length >= 1, 30_000);
    api.push(callbackUpdate(me, 'privacy', 'es'));
    await api.until(() => replies(me).length >= 2);

    const failed = api.failedTo('sendMessage');
    expect(failed.map((f) => ('html' in f.fault ? 'html' : 'json'))).toEqual(['html', 'json']);
    expect(failed[1]!.payload).toEqual(failed[0]!.payload);
    expect(replies(me)).toHaveLength(2);
    expect(replies(me)[0]).toContain(t('es', 'menu.title'));
    expect(replies(me)[1]).toContain(t('es', 'privacy.chat_advice'));
  });
});

describe.concurrent('calls Telegram never answers', () => {
  it('sendMessage hangs (timeoutSeconds 1): the client gives up, retries, and the person gets the reply once', async ({ expect }) => {
    const { api, replies } = await polling({ timeoutSeconds: 1 });
    const me = chat();
    api.failNext({ hang: true });
    api.push(textUpdate(me, '/start', 'es'));
    await api.until(() => replies(me).length >= 1, 30_000);
    api.push(callbackUpdate(me, 'privacy', 'es'));
    await api.until(() => replies(me).length >= 2);

    // The held request is recorded as a failure, not as a sent message.
    const [hung] = api.failedTo('sendMessage');
    expect(hung?.fault).toEqual({ hang: true });
    const sent = api.attempts.filter((a) => a.method === 'sendMessage');
    expect(sent.map((a) => a.outcome)).toEqual(['hang', 'ok', 'ok']);
    expect(sent[1]!.payload).toEqual(hung!.payload);
    // Not before the client's 1 s timeout.
    expect(sent[1]!.at - hung!.at).toBeGreaterThanOrEqual(950);
    expect(replies(me)).toHaveLength(2);
    expect(replies(me)[0]).toContain(t('es', 'menu.title'));
    expect(replies(me).join('\n')).not.toContain(apology('es'));
  });

  it('connection reset, then a request held and cut off after 200 ms: retried, delivered once', async ({ expect }) => {
    const { api, replies } = await polling();
    const me = chat();
    api.failNext({ reset: true }, { hang: true, ms: 200 });
    api.push(textUpdate(me, '/start', 'es'));
    await api.until(() => replies(me).length >= 1, 30_000);
    api.push(callbackUpdate(me, 'privacy', 'es'));
    await api.until(() => replies(me).length >= 2);

    const sent = api.attempts.filter((a) => a.method === 'sendMessage');
    expect(sent.map((a) => a.outcome)).toEqual(['reset', 'hang', 'ok', 'ok']);
    expect(new Set(sent.slice(0, 3).map((a) => JSON.stringify(a.payload))).size).toBe(1);
    expect(replies(me)).toHaveLength(2);
    expect(replies(me)[0]).toContain(t('es', 'menu.title'));
    expect(replies(me)[1]).toContain(t('es', 'privacy.chat_advice'));
  });
});

describe.concurrent('polling through failures', () => {
  it('getUpdates answered 429, 500, then reset: polling goes on and the queued updates are answered once', async ({ expect }) => {
    const { api, replies, logs } = await polling();
    const [a, b] = [chat(), chat()];
    api.failNext({ method: 'getUpdates', status: 429, retryAfter: 1 }, { method: 'getUpdates', status: 500 }, { method: 'getUpdates', reset: true });
    // Telegram queues what people send while the bot cannot fetch it.
    await api.until(() => api.failedTo('getUpdates').length >= 1);
    api.push(textUpdate(a, '/start', 'es'));
    api.push(textUpdate(b, '/start', 'en'));
    await api.until(() => replies(a).length >= 1 && replies(b).length >= 1, 30_000);
    expect(api.failedTo('getUpdates')).toHaveLength(3);
    expect(api.pendingFaults).toBe(0);

    // Polling is still running: a new update is fetched and answered, nothing twice.
    api.push(callbackUpdate(a, 'privacy', 'es'));
    await api.until(() => replies(a).length >= 2);
    expect(replies(a)).toHaveLength(2);
    expect(replies(b)).toHaveLength(1);
    expect(replies(a)[0]).toContain(t('es', 'menu.title'));
    expect(replies(b)[0]).toContain(t('en', 'menu.title'));
    expect(logs.join('')).not.toContain('telegram polling stopped');
  });

  it('sendMessage always 500 with one retry: no crash, no apology; the next update after recovery is answered', async ({ expect }) => {
    const { api, replies, logs } = await polling({ retry: { maxRetryAttempts: 1, maxDelaySeconds: 5 } });
    const [a, b] = [chat(), chat()];
    api.failAlways({ method: 'sendMessage', status: 500 });
    api.push(textUpdate(a, '/start', 'es'));
    await api.until(() => logs.join('').includes('could not deliver the replies'), 30_000);
    // Two attempts in all, both refused; the service does not try an apology through a broken API.
    expect(api.failedTo('sendMessage')).toHaveLength(2);
    expect(replies(a)).toHaveLength(0);

    api.heal();
    api.push(textUpdate(b, '/start', 'en'));
    api.push(callbackUpdate(a, 'privacy', 'es'));
    await api.until(() => replies(b).length >= 1 && replies(a).length >= 1);
    expect(replies(b)).toEqual([expect.stringContaining(t('en', 'menu.title'))]);
    expect(replies(a)).toEqual([expect.stringContaining(t('es', 'privacy.chat_advice'))]);
    expect(api.failedTo('sendMessage')).toHaveLength(2);
    expect(logs.join('')).not.toContain('telegram polling stopped');
  });
});

describe.concurrent('a network that stays broken', () => {
  it('connection resets on every send: a few retries, then given up; the person is not stuck and is answered after recovery', async ({ expect }) => {
    const { api, replies, logs } = await polling({ networkRetry: { retries: 2, baseDelayMs: 100 } });
    const a = chat();
    api.failAlways({ method: 'sendMessage', reset: true });
    api.push(textUpdate(a, '/start', 'es'));
    await api.until(() => logs.join('').includes('could not deliver the replies'), 30_000);
    // The first try and two retries, then no more: auto-retry alone would go on for ever.
    expect(api.failedTo('sendMessage')).toHaveLength(3);
    api.heal();
    api.push(callbackUpdate(a, 'privacy', 'es'));
    await api.until(() => replies(a).length >= 1);
    expect(replies(a)).toEqual([expect.stringContaining(t('es', 'privacy.chat_advice'))]);
    expect(api.failedTo('sendMessage')).toHaveLength(3);
  });
});

describe.concurrent('one failing delivery among many', () => {
  it("a person whose reply is being retried does not hold up another person's answer", async ({ expect }) => {
    const { api, replies } = await polling();
    const [slow, quick] = [chat(), chat()];
    api.failNext({ status: 500 });
    api.push(textUpdate(slow, '/start', 'es'));
    await api.until(() => api.failedTo('sendMessage').length === 1);
    api.push(textUpdate(quick, '/start', 'en'));
    await api.until(() => replies(slow).length >= 1 && replies(quick).length >= 1, 20_000);
    const order = api.attempts.filter((a) => a.method === 'sendMessage').map((a) => `${String(a.payload.chat_id)} ${a.outcome}`);
    expect(order).toEqual([`${slow} error`, `${quick} ok`, `${slow} ok`]);
    expect(replies(slow)).toHaveLength(1);
    expect(replies(quick)).toHaveLength(1);
  });
});

const WEBHOOK_SECRET = 'fault-webhook-secret-0123456789';

/** Webhook mode as main.ts wires it: setWebhook at start, updates posted to createApp's /telegram/webhook. */
async function webhook(timeoutMs?: number): Promise<Harness & { post(update: unknown): Promise<Response> }> {
  const api = await new FakeBotApi().start();
  const store = await openStore({ path: ':memory:' });
  const { log, logs } = capture();
  const bot = botFor(api, store, log, {});
  await startTelegram(bot, { i18n: world.i18n, log, webhookUrl: 'https://faro.example/telegram/webhook', webhookSecret: WEBHOOK_SECRET });
  const { server } = await startApp(world, {
    log,
    telegramWebhook: { handler: telegramWebhookHandler(bot, WEBHOOK_SECRET, timeoutMs), secret: WEBHOOK_SECRET },
  });
  const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  cleanups.push(async () => {
    api.heal();
    await new Promise<void>((done) => (server as Server).close(() => done()));
    await api.stop();
    await store.close();
  });
  const post = (update: unknown) =>
    fetch(`${base}/telegram/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET }, body: JSON.stringify(update) });
  return { api, bot, logs, replies: repliesOf(api), post };
}

describe.concurrent('webhook mode with a failing Bot API', () => {
  it('sendMessage answered 500 once: Telegram gets its 200, the reply goes out once, a redelivery adds nothing', async ({ expect }) => {
    const { api, replies, post } = await webhook();
    const me = chat();
    const update = textUpdate(me, '/start', 'es');
    api.failNext({ status: 500 });
    const res = await post(update);
    expect(res.status).toBe(200);
    await api.until(() => replies(me).length >= 1);
    expect((await post(update)).status).toBe(200);
    expect((await post(callbackUpdate(me, 'privacy', 'es'))).status).toBe(200);
    await api.until(() => replies(me).length >= 2);
    expect(api.failedTo('sendMessage')).toHaveLength(1);
    expect(replies(me)).toHaveLength(2);
    expect(replies(me)[0]).toContain(t('es', 'menu.title'));
    expect(replies(me)[1]).toContain(t('es', 'privacy.chat_advice'));
  });

  it('an answer slower than the webhook timeout: Telegram gets its 200 at the timeout, the reply still goes out once', async ({ expect }) => {
    const { api, replies, post } = await webhook(1000);
    const me = chat();
    const update = textUpdate(me, '/start', 'es');
    api.failNext({ reset: true });
    // Answered without waiting for the retry (3 s away), so Telegram does not post it again...
    expect((await post(update)).status).toBe(200);
    expect(replies(me)).toHaveLength(0);
    // ...and if it does while the answer is still on its way, that is not a second answer.
    expect((await post(update)).status).toBe(200);
    await api.until(() => replies(me).length >= 1, 20_000);
    expect((await post(callbackUpdate(me, 'privacy', 'es'))).status).toBe(200);
    await api.until(() => replies(me).length >= 2);
    expect(replies(me)).toHaveLength(2);
    expect(replies(me)[0]).toContain(t('es', 'menu.title'));
    expect(api.failedTo('sendMessage').map((f) => f.fault)).toEqual([{ reset: true }]);
  });
});
