import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram } from '../../src/channels/telegram/bot.js';
import { escapeHtml } from '../../src/channels/telegram/render.js';
import { createConversationService } from '../../src/conversation/service.js';
import { openStore, type Store } from '../../src/store/index.js';
import { callbackUpdate, FakeBotApi, textUpdate } from '../helpers/fake-bot-api.js';
import { loadWorld, silentLog, type TestWorld } from '../helpers/conversation.js';

let world: TestWorld;
let api: FakeBotApi;
let store: Store;
let telegram: { stop(): Promise<void> };

beforeAll(async () => {
  world = await loadWorld();
  api = await new FakeBotApi().start();
  store = await openStore({ path: ':memory:' });
  const service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 300, ratePerMinute: 100 });
  // No botInfo: the real start-up path calls getMe.
  const bot = createTelegramBot({ token: api.token, apiRoot: api.apiRoot, service, i18n: world.i18n, userKeySecret: 'e2e-secret-0123456789abcdef0123456789', log: silentLog });
  telegram = await startTelegram(bot, { i18n: world.i18n, log: silentLog });
}, 120_000);

afterAll(async () => {
  await telegram?.stop();
  await api?.stop();
  await store?.close();
});

describe('the real bot polling a fake Bot API on 127.0.0.1', () => {
  it('registers its commands in every language at start-up', () => {
    const calls = api.callsTo('setMyCommands');
    expect(calls).toHaveLength(10);
    expect(calls.map((c) => c.payload.language_code ?? 'default').sort()).toEqual(['ar', 'default', 'en', 'es', 'fr', 'ht', 'pt', 'ru', 'tr', 'zh']);
    const es = calls.find((c) => c.payload.language_code === 'es')!.payload.commands as { command: string; description: string }[];
    expect(es).toContainEqual({ command: 'forget', description: world.i18n.t('es')('commands.forget') });
    expect(api.callsTo('getMe')).toHaveLength(1);
    expect(api.callsTo('deleteWebhook')).toHaveLength(1);
  });

  it('answers /start, a button press and a split offer; a redelivered update gets one reply', async () => {
    const start = textUpdate(501, '/start', 'es');
    api.push(start);
    await api.until((c) => c.some((x) => x.method === 'sendMessage' && x.payload.chat_id === 501));
    expect(String(api.callsTo('sendMessage').at(-1)!.payload.text)).toContain(world.i18n.t('es')('menu.title'));

    // Telegram delivers the same update again (e.g. after a restart): no second reply.
    api.redeliver({ ...start });
    const served = api.served;
    await api.until(() => api.served > served);
    api.push(callbackUpdate(501, 'privacy', 'es'));
    await api.until((c) => c.some((x) => x.method === 'answerCallbackQuery'));
    await api.until((c) => c.filter((x) => x.method === 'sendMessage' && x.payload.chat_id === 501).length >= 2);
    const afterButton = api.callsTo('sendMessage').filter((x) => x.payload.chat_id === 501);
    expect(afterButton).toHaveLength(2);
    expect(String(afterButton[1]!.payload.text)).toContain(world.i18n.t('es')('privacy.chat_advice'));

    // An offer forwarded in two parts is answered once, with signs from both.
    api.push(textUpdate(501, 'Pase directo a USA 100% seguro, sin caminar.', 'es'));
    api.push(textUpdate(501, 'Anticipo de 2000 dólares por Elektra. Escríbeme al WhatsApp.', 'es'));
    await api.until((c) => c.filter((x) => x.method === 'sendMessage' && x.payload.chat_id === 501).length >= 3);
    await new Promise((r) => setTimeout(r, 700));
    const all = api.callsTo('sendMessage').filter((x) => x.payload.chat_id === 501);
    expect(all).toHaveLength(3);
    const text = String(all[2]!.payload.text);
    const t = (key: string, options?: Record<string, unknown>) => escapeHtml(world.i18n.t('es')(key, options));
    expect(text).toContain(t('check.merged', { count: 2 }));
    expect(text).toContain(t('flags:guarantee.name'));
    expect(text).toContain(t('flags:advance_payment.name'));
  });
});
