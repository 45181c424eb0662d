import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_UPDATES, createTelegramBot } from '../../src/channels/telegram/bot.js';
import { startPolling, type Polling } from '../../src/channels/telegram/polling.js';
import { createConversationService } from '../../src/conversation/service.js';
import { openStore, type Store } from '../../src/store/index.js';
import { BOT_INFO, FakeBotApi, textUpdate } from '../helpers/fake-bot-api.js';
import { loadWorld, silentLog, type TestWorld } from '../helpers/conversation.js';

let world: TestWorld;
beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

let api: FakeBotApi | undefined;
let store: Store | undefined;
let polling: Polling | undefined;
afterEach(async () => {
  api?.heal();
  await polling?.stop();
  await api?.stop();
  await store?.close();
  api = store = polling = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function start(mergeWindowMs: number, maxWorking: number) {
  api = await new FakeBotApi().start();
  store = await openStore({ path: ':memory:' });
  const service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs, ratePerMinute: 100 });
  const bot = createTelegramBot({
    token: api.token,
    apiRoot: api.apiRoot,
    botInfo: BOT_INFO,
    service,
    i18n: world.i18n,
    userKeySecret: 'polling-loop-secret-0123456789abcdef',
    log: silentLog,
    networkRetry: { retries: 5, baseDelayMs: 100 },
  });
  polling = startPolling(bot, { log: silentLog, allowedUpdates: ALLOWED_UPDATES, timeoutSeconds: 1, busyPollMs: 50, maxWorking });
  return api;
}

const offsets = (fake: FakeBotApi) => fake.offsets;

describe('the polling loop', () => {
  it('handles at most maxWorking updates while the Bot API stalls, leaves the rest unconfirmed, and answers all once it recovers', async () => {
    const fake = await start(0, 2);
    fake.failAlways({ method: 'sendMessage', hang: true, ms: 600 });
    const chats = [601, 602, 603, 604, 605];
    const updates = chats.map((chat) => textUpdate(chat, '/start', 'es'));
    for (const u of updates) fake.push(u);
    await sleep(1500);
    // Only two people's answers were attempted; the others wait with Telegram.
    const tried = new Set(fake.attempts.filter((a) => a.method === 'sendMessage').map((a) => a.payload.chat_id));
    expect(tried.size).toBe(2);
    // Nothing past the first unanswered update was confirmed.
    expect(Math.max(0, ...offsets(fake).filter((o): o is number => o !== undefined))).toBeLessThanOrEqual(updates[0]!.update_id);
    fake.heal();
    await fake.until((calls) => chats.every((chat) => calls.some((c) => c.method === 'sendMessage' && c.payload.chat_id === chat)), 20_000);
    await sleep(300);
    for (const chat of chats) expect(fake.callsTo('sendMessage').filter((c) => c.payload.chat_id === chat)).toHaveLength(1);
  });

  it('keeps fetching while a burst waits in its merge window, and confirms it once answered', async () => {
    const fake = await start(800, 500);
    const first = textUpdate(701, 'Pase directo a USA sin caminar, 100% seguro.', 'es');
    fake.push(first);
    await sleep(200);
    // Arrives while the first part is still unanswered: fetched at once, merged with it.
    const second = textUpdate(701, 'Deposita la mitad por Elektra y la otra mitad al llegar.', 'es');
    fake.push(second);
    await fake.until((calls) => calls.some((c) => c.method === 'sendMessage'), 10_000);
    const answers = fake.callsTo('sendMessage');
    expect(answers).toHaveLength(1);
    expect(String(answers[0]!.payload.text)).toContain(world.i18n.t('es')('check.merged', { count: 2 }));
    await sleep(400);
    expect(offsets(fake).at(-1)).toBe(second.update_id + 1);
  });
});
