// The real Faro pieces, built in-process with the same factories src/main.ts uses, listening on
// 127.0.0.1 and a free port. Telegram runs in webhook mode; both channels talk to fake APIs.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino, type Logger } from 'pino';
import { createTelegramBot, startTelegram, telegramWebhookHandler } from '../../src/channels/telegram/bot.js';
import { createWhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { loadContent } from '../../src/content/load-content.js';
import { createConversationService } from '../../src/conversation/service.js';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { listen } from '../../src/http/server.js';
import { createI18n } from '../../src/i18n.js';
import { openStore } from '../../src/store/index.js';
import { PATHS, SECRETS } from './constants.js';

export const ROOT = resolve(import.meta.dirname, '../..');

export interface FaroOptions {
  /** The fake Bot API, e.g. http://127.0.0.1:4567 */
  telegramApiRoot: string;
  /** The fake Graph API with its version, e.g. http://127.0.0.1:4568/v23.0 */
  whatsappApiBase: string;
  whatsappToken: string;
  phoneNumberId: string;
  /** 0: every text answered on its own (the load run); main.ts defaults to 2000. */
  mergeWindowMs: number;
  /** Per person per minute; main.ts defaults to 30. */
  ratePerMinute: number;
  /** pino level; the log goes to `logFile`, as a server's would go to its journal. */
  logLevel: string;
  logFile: string;
}

export interface RunningFaro {
  port: number;
  contentMs: number;
  stop(): Promise<void>;
}

export async function startFaro(options: FaroOptions): Promise<RunningFaro> {
  const log: Logger = pino({ level: options.logLevel }, pino.destination({ dest: options.logFile, sync: false }));
  const dataDir = mkdtempSync(join(tmpdir(), 'faro-bench-db-'));
  const store = await openStore({ path: join(dataDir, 'faro.db') });
  const metrics = createMetrics();
  const started = performance.now();
  const content = await loadContent(join(ROOT, 'content'));
  const contentMs = performance.now() - started;
  const i18n = await createI18n(join(ROOT, 'locales'));
  metrics.setContentVersion(content.fingerprint);
  const conversation = { content: () => content, i18n, retentionDays: 30 };
  const service = createConversationService({
    conversation,
    store,
    log,
    mergeWindowMs: options.mergeWindowMs,
    ratePerMinute: options.ratePerMinute,
    onTurn: (inbound, turn, ms) => metrics.observeTurn(inbound, turn, ms),
    onSendFailure: (channel) => metrics.sendFailed(channel),
  });
  const bot = createTelegramBot({ token: SECRETS.telegramToken, apiRoot: options.telegramApiRoot, service, i18n, userKeySecret: SECRETS.userKey, log });
  const whatsapp = createWhatsAppChannel({
    service,
    userKeySecret: SECRETS.userKey,
    log,
    token: options.whatsappToken,
    phoneNumberId: options.phoneNumberId,
    appSecret: SECRETS.whatsappAppSecret,
    verifyToken: SECRETS.whatsappVerify,
    apiBase: options.whatsappApiBase,
    isPartnerCode: (text) => content.library.partnerByCode(text) !== undefined,
  });
  const app = createApp({
    log,
    metrics,
    conversation,
    contentStatus: () => ({ version: content.fingerprint, loadedAt: new Date().toISOString() }),
    databaseOk: () => store.ping(),
    telegramWebhook: { handler: telegramWebhookHandler(bot, SECRETS.telegramWebhook), secret: SECRETS.telegramWebhook },
    channels: [{ path: PATHS.whatsapp, router: whatsapp.router }],
  });
  const http = await listen(app, 0, '127.0.0.1');
  // As main.ts does: getMe, the command lists and setWebhook, all answered by the fake.
  const telegram = await startTelegram(bot, {
    i18n,
    log,
    webhookUrl: `https://faro.invalid${PATHS.telegram}`,
    webhookSecret: SECRETS.telegramWebhook,
  });
  return {
    port: http.port,
    contentMs,
    async stop() {
      await telegram.stop();
      await http.stop(2000);
      await whatsapp.drain();
      await service.drain();
      await store.close();
      log.flush();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
