import { request } from 'node:http';
import type { Server } from 'node:http';
import { createAdminRouter } from '../../src/admin/router.js';
import { createTelegramBot, telegramWebhookHandler } from '../../src/channels/telegram/bot.js';
import { createWebChat } from '../../src/channels/web/index.js';
import { createWhatsAppChannel, type WhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { createConversationService, type ConversationService } from '../../src/conversation/service.js';
import { openStore, type Store } from '../../src/store/index.js';
import { adminDeps } from '../admin/seed.js';
import { startApp } from '../helpers/app.js';
import { silentLog, type TestWorld } from '../helpers/conversation.js';
import { BOT_INFO, FakeBotApi } from '../helpers/fake-bot-api.js';
import { FakeGraphApi, GRAPH_TOKEN, PHONE_NUMBER_ID } from '../helpers/fake-graph-api.js';

export const TELEGRAM_SECRET = 'hostile-telegram-secret-0123456789';
export const APP_SECRET = 'f00dfacef00dface0123456789abcdef';
export const VERIFY_TOKEN = 'hostile-verify-token-0123';
export const USER_KEY_SECRET = 'h'.repeat(40);

/** Every route's body limit, as the app sets them. */
export const LIMITS = {
  telegram: 1024 * 1024,
  whatsapp: 1024 * 1024,
  web: 64 * 1024,
  api: 64 * 1024,
  adminLogin: 4 * 1024,
} as const;

export interface Limits {
  /** Messages one person may send a minute (the conversation service). */
  perPerson: number;
  /** Web chat messages a minute from one address. */
  webPerAddress: number;
  /** API checks a minute from one address. */
  apiPerAddress: number;
  /** Wrong admin tokens per address per 15 minutes. */
  adminGuesses: number;
}

export interface HostileApp {
  base: string;
  server: Server;
  store: Store;
  service: ConversationService;
  whatsapp: WhatsAppChannel;
  bot: FakeBotApi;
  graph: FakeGraphApi;
  /** Waits until every accepted delivery has been answered. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The real app on port 0 with everything mounted the way src/main.ts mounts it: the Telegram
 * webhook, the WhatsApp webhook, the admin dashboard and the web chat, talking to a fake Bot API
 * and a fake Graph API on 127.0.0.1.
 */
export async function startHostileApp(world: TestWorld, limits: Limits): Promise<HostileApp> {
  const store = await openStore({ path: ':memory:' });
  const bot = await new FakeBotApi().start();
  const graph = await new FakeGraphApi().start();
  const service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 0, ratePerMinute: limits.perPerson });
  const telegram = createTelegramBot({
    token: bot.token,
    botInfo: BOT_INFO,
    apiRoot: bot.apiRoot,
    service,
    i18n: world.i18n,
    userKeySecret: USER_KEY_SECRET,
    log: silentLog,
    retry: { maxRetryAttempts: 0, maxDelaySeconds: 0 },
  });
  const whatsapp = createWhatsAppChannel({
    service,
    userKeySecret: USER_KEY_SECRET,
    log: silentLog,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    token: GRAPH_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    apiBase: graph.apiBase,
    isPartnerCode: (text) => world.content.library.partnerByCode(text) !== undefined,
    retry: { baseDelayMs: 10, timeoutMs: 500 },
  });
  const admin = createAdminRouter(adminDeps(store, { loginAttempts: limits.adminGuesses }));
  const web = createWebChat({ service, userKeySecret: USER_KEY_SECRET, log: silentLog, i18n: world.i18n, addressRatePerMinute: limits.webPerAddress });
  const { base, server } = await startApp(world, {
    databaseOk: () => store.ping(),
    api: { corsOrigins: [], ratePerMinute: limits.apiPerAddress },
    telegramWebhook: { handler: telegramWebhookHandler(telegram, TELEGRAM_SECRET), secret: TELEGRAM_SECRET },
    channels: [
      { path: '/whatsapp/webhook', router: whatsapp.router },
      { path: '/admin', router: admin },
      { path: '/', router: web },
    ],
  });
  const settle = async () => {
    await whatsapp.drain();
    await service.drain();
  };
  return {
    base,
    server,
    store,
    service,
    whatsapp,
    bot,
    graph,
    settle,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await settle();
      await bot.stop();
      await graph.stop();
      await store.close();
    },
  };
}

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body as JSON, or undefined when it is not JSON. */
  json: Record<string, unknown> | undefined;
}

/**
 * One raw HTTP request, with nothing added: no Content-Type unless given, header values given
 * as arrays go out as repeated header lines, and the body is sent byte for byte.
 */
export function send(base: string, path: string, options: { method?: string; headers?: Record<string, string | string[]>; body?: string | Buffer } = {}): Promise<Answer> {
  const url = new URL(path, base);
  const body = options.body === undefined ? undefined : Buffer.isBuffer(options.body) ? options.body : Buffer.from(options.body, 'utf8');
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: options.method ?? 'POST', agent: false, headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...options.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown> | undefined;
          try {
            json = JSON.parse(text) as Record<string, unknown>;
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
