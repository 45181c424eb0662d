import type { Bot } from 'grammy';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot } from '../../src/channels/telegram/bot.js';
import { createConversationService } from '../../src/conversation/service.js';
import { openStore, userKey, type Store } from '../../src/store/index.js';
import { BOT_INFO, callbackUpdate, photoUpdate, textUpdate, type ApiCall } from '../helpers/fake-bot-api.js';
import { loadWorld, silentLog, type TestWorld } from '../helpers/conversation.js';

let world: TestWorld;
beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

const SECRET = 'test-secret-0123456789abcdef0123456789';
let stores: Store[] = [];
afterEach(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});

/** The real bot in process; a recording transformer answers every Bot API call. */
async function makeBot(options: { ratePerMinute?: number; log?: typeof silentLog; failSends?: boolean } = {}) {
  const store = await openStore({ path: ':memory:' });
  stores.push(store);
  const service = createConversationService({
    conversation: world.deps,
    store,
    log: options.log ?? silentLog,
    mergeWindowMs: 0,
    ratePerMinute: options.ratePerMinute ?? 100,
  });
  const bot: Bot = createTelegramBot({ token: '1:fake', botInfo: BOT_INFO, service, i18n: world.i18n, userKeySecret: SECRET, log: options.log ?? silentLog });
  const calls: ApiCall[] = [];
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    if (options.failSends && method === 'sendMessage') return { ok: false, error_code: 400, description: 'Bad Request: chat not found' } as never;
    const result = method === 'sendMessage' ? { message_id: calls.length, date: 0, chat: { id: 1, type: 'private' } } : true;
    return { ok: true, result } as never;
  });
  const sent = () => calls.filter((c) => c.method === 'sendMessage');
  const keyboard = (c: ApiCall | undefined) =>
    ((c?.payload.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
  return { bot, store, calls, sent, keyboard };
}

describe('Telegram dialogues', () => {
  it('Spanish user -> /start -> sees the welcome and the menu in Spanish, then legal help asks the country', async () => {
    const { bot, sent, keyboard, calls } = await makeBot();
    const t = world.i18n.t('es');
    await bot.handleUpdate(textUpdate(7, '/start', 'es'));
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.payload).toMatchObject({ chat_id: 7, parse_mode: 'HTML' });
    expect(sent()[0]!.payload.text).toContain(t('menu.title'));
    const buttons = keyboard(sent()[0]);
    expect(buttons.map((b) => b.text)).toContain(t('menu.legal'));

    const legal = buttons.find((b) => b.text === t('menu.legal'))!;
    await bot.handleUpdate(callbackUpdate(7, legal.callback_data!, 'es'));
    expect(calls.map((c) => c.method)).toContain('answerCallbackQuery');
    expect(sent()[1]!.payload.text).toContain(t('region.ask_country'));
    expect(keyboard(sent()[1]).map((b) => b.callback_data)).toContain('c:MX');
  });

  it('English user -> pastes an offer -> warning signs with their words, escaped, and the check buttons', async () => {
    const { bot, sent, keyboard } = await makeBot();
    const t = world.i18n.t('en');
    const offer = 'VIP crossing to USA <b>100% guaranteed</b> & no walking. Send a $500 deposit by Western Union, last places!';
    await bot.handleUpdate(textUpdate(8, offer, 'en'));
    const text = String(sent()[0]!.payload.text);
    expect(text).toContain(`<b>${t('check.risk_high')}</b>`);
    // The person's own markup never becomes formatting: only Faro's tags are in the HTML.
    expect(text).not.toContain('<b>100% guaranteed</b>');
    expect(text).not.toMatch(/<(?!\/?(b|i|a)[ >])/);
    expect(text).toContain(t('flags:advance_payment.name'));
    expect(keyboard(sent()[0]).map((b) => b.callback_data)).toEqual(expect.arrayContaining(['legal', 'check', 'report', 'f:u', 'f:w']));
  });

  it('Arabic user -> /start -> the menu in Arabic', async () => {
    const { bot, sent } = await makeBot();
    await bot.handleUpdate(textUpdate(9, '/start', 'ar'));
    expect(sent()[0]!.payload.text).toContain(world.i18n.t('ar')('menu.title'));
  });

  it('a photo with a caption is checked; a photo alone gets the kind explanation', async () => {
    const { bot, sent } = await makeBot();
    await bot.handleUpdate(photoUpdate(10, 'Pase directo a USA 100% garantizado, deposita la mitad por Elektra'));
    expect(sent()[0]!.payload.text).toContain(world.i18n.t('en')('check.risk_high'));
    await bot.handleUpdate(photoUpdate(10, undefined));
    expect(sent()[1]!.payload.text).toContain(world.i18n.t('en')('media.no_text').split('\n')[0]);
  });

  it('/forget deletes the session: no row for that person is left', async () => {
    const { bot, store, sent } = await makeBot();
    await bot.handleUpdate(textUpdate(11, '/start', 'pt'));
    const key = userKey(SECRET, 'telegram', 11);
    expect(await store.getSession(key)).toMatchObject({ language: 'pt' });
    await bot.handleUpdate(textUpdate(11, '/forget', 'pt'));
    expect(await store.getSession(key)).toBeUndefined();
    expect(sent()[1]!.payload.text).toContain(world.i18n.t('pt')('privacy.forgotten').split('\n')[0]);
  });

  it('the same update delivered twice gets one reply', async () => {
    const { bot, sent } = await makeBot();
    const update = textUpdate(12, '/start', 'en');
    await bot.handleUpdate(update);
    await bot.handleUpdate(update);
    expect(sent()).toHaveLength(1);
  });

  it('too many messages in a minute get one polite, localized reply, then silence', async () => {
    const { bot, sent } = await makeBot({ ratePerMinute: 3 });
    for (let i = 0; i < 6; i++) await bot.handleUpdate(textUpdate(13, 'hola', 'es'));
    expect(sent()).toHaveLength(4);
    expect(sent()[3]!.payload.text).toBe(world.i18n.t('es')('rate.limited'));
  });

  it('messages in groups are ignored: Faro talks one to one', async () => {
    const { bot, calls } = await makeBot();
    const update = textUpdate(14, 'Pase directo a USA 100% garantizado');
    (update.message!.chat as { type: string }).type = 'group';
    await bot.handleUpdate(update);
    expect(calls).toHaveLength(0);
  });

  it('a forged button payload opens the menu instead of failing', async () => {
    const { bot, sent } = await makeBot();
    await bot.handleUpdate(callbackUpdate(15, 'x:<script>', 'en'));
    expect(sent()[0]!.payload.text).toContain(world.i18n.t('en')('menu.title'));
  });

  it('an error before the conversation (the database gone) is caught by the boundary with a localized apology', async () => {
    const { bot, store, sent } = await makeBot();
    await store.close();
    await bot.handleUpdate(textUpdate(16, '/start', 'es'));
    expect(sent()).toHaveLength(1);
    expect(sent()[0]!.payload.text).toBe(world.i18n.t('es')('error.generic'));
  });

  it('logs never contain what the person wrote, even when sending fails', async () => {
    let logged = '';
    const sink = new Writable({ write: (chunk, _enc, done) => ((logged += String(chunk)), done()) });
    const log = pino({ level: 'trace' }, sink);
    const { bot, calls } = await makeBot({ log, failSends: true });
    await bot.handleUpdate(textUpdate(17, 'Pase directo a USA con Memo el Coyotito, deposita 3000 por Elektra a Rigoberta', 'es'));
    expect(calls.some((c) => c.method === 'sendMessage' && String(c.payload.text).includes('Elektra'))).toBe(true);
    expect(logged).toContain('could not deliver the replies');
    expect(logged).not.toMatch(/Coyotito|Elektra|Rigoberta|3000/);
  });
});
