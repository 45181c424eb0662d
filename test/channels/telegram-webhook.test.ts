import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, telegramWebhookHandler } from '../../src/channels/telegram/bot.js';
import { createConversationService } from '../../src/conversation/service.js';
import { openStore, type Store } from '../../src/store/index.js';
import { BOT_INFO, textUpdate, type ApiCall } from '../helpers/fake-bot-api.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, silentLog } from '../helpers/conversation.js';

const SECRET = 'webhook-secret-0123456789';
let server: Server;
let base: string;
let store: Store;
const calls: ApiCall[] = [];

beforeAll(async () => {
  const world = await loadWorld();
  store = await openStore({ path: ':memory:' });
  const service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 0, ratePerMinute: 100 });
  const bot = createTelegramBot({ token: '1:fake', botInfo: BOT_INFO, service, i18n: world.i18n, userKeySecret: 'k'.repeat(40), log: silentLog });
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    return { ok: true, result: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } } as never;
  });
  const started = await startApp(world, {
    databaseOk: () => store.ping(),
    telegramWebhook: { handler: telegramWebhookHandler(bot, SECRET), secret: SECRET },
  });
  server = started.server;
  base = started.base;
}, 120_000);

afterAll(async () => {
  server?.close();
  await store?.close();
});

const post = (body: unknown, secret?: string) =>
  fetch(`${base}/telegram/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
    body: JSON.stringify(body),
  });

describe('Telegram webhook mode', () => {
  it('refuses a post without the secret, or with a wrong one, and processes nothing', async () => {
    expect((await post(textUpdate(1, '/start'))).status).toBe(401);
    expect((await post(textUpdate(1, '/start'), 'webhook-secret-0123456780')).status).toBe(401);
    expect((await post(textUpdate(1, '/start'), 'short')).status).toBe(401);
    expect(calls).toHaveLength(0);
  });

  it('answers an update posted with the right secret, once even when Telegram posts it twice', async () => {
    const update = textUpdate(2, '/start', 'es');
    expect((await post(update, SECRET)).status).toBe(200);
    expect((await post(update, SECRET)).status).toBe(200);
    expect(calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
  });

  it('reports the database in /readyz', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: 'open' });
  });
});
