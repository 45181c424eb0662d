import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { webhookCallback } from 'grammy';
import { pino } from 'pino';
import { createTelegramBot, startTelegram } from './channels/telegram/bot.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { loadContent } from './content/load-content.js';
import { createContentStore } from './content/store.js';
import { createConversationService } from './conversation/service.js';
import { createApp } from './http/app.js';
import { createI18n } from './i18n.js';
import { loadOrCreateSecret, openStore } from './store/index.js';
import { errorForLog } from './log-safe.js';

// The composition root: the only place that reads the environment and starts things.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
// A .env file beside package.json fills in variables not already set in the environment.
if (existsSync(join(root, '.env'))) process.loadEnvFile(join(root, '.env'));
let config: Config;
try {
  config = loadConfig(process.env);
} catch (e) {
  // A person fixing their set-up needs the message, not a stack trace.
  if (!(e instanceof ConfigError)) throw e;
  console.error(e.message);
  process.exit(1);
}
const log = pino({ level: config.LOG_LEVEL });
process.on('uncaughtException', (err) => {
  log.fatal({ err: errorForLog(err) }, 'could not start or keep running');
  process.exit(1);
});

const databasePath = resolve(config.DATABASE_PATH);
const store = await openStore({ path: databasePath });
const userKeySecret = config.USER_KEY_SECRET ?? loadOrCreateSecret(join(dirname(databasePath), 'user-key.secret'));

// Checker, guidance, referrals and partners are built together, so a reload swaps them at once.
const content = await createContentStore(resolve(config.CONTENT_DIR), (dir) => loadContent(dir), {
  watch: true,
  onReload: (s) => log.info({ version: s.version }, 'content reloaded'),
  onError: (problems) => log.error({ problems }, 'content change refused; keeping the last good content'),
});
const i18n = await createI18n(join(root, 'locales'));

const service = createConversationService({
  conversation: { content: () => content.current(), i18n, retentionDays: config.SESSION_RETENTION_DAYS },
  store,
  log,
  mergeWindowMs: config.MERGE_WINDOW_MS,
  ratePerMinute: config.RATE_LIMIT_PER_MINUTE,
});

const bot = config.TELEGRAM_BOT_TOKEN
  ? createTelegramBot({ token: config.TELEGRAM_BOT_TOKEN, apiRoot: config.TELEGRAM_API_ROOT, service, i18n, userKeySecret, log })
  : undefined;

const app = createApp({
  checker: () => content.current().checker,
  contentStatus: content.status,
  databaseOk: () => store.ping(),
  ...(bot && config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
    ? { telegramWebhook: { handler: webhookCallback(bot, 'express', { secretToken: config.TELEGRAM_WEBHOOK_SECRET }), secret: config.TELEGRAM_WEBHOOK_SECRET } }
    : {}),
});
const server = app.listen(config.PORT, config.HOST, () => {
  const { port } = server.address() as AddressInfo;
  log.info(`Faro is running at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`);
});

const telegram = bot
  ? await startTelegram(bot, { i18n, log, webhookUrl: config.TELEGRAM_WEBHOOK_URL, webhookSecret: config.TELEGRAM_WEBHOOK_SECRET })
  : undefined;
if (!bot) log.info('TELEGRAM_BOT_TOKEN is not set: the Telegram bot is off');

// Idle sessions and old update ids are deleted hourly, and once at start.
const purge = () =>
  store
    .purge({ idleSessionDays: config.SESSION_RETENTION_DAYS })
    .then((n) => (n.sessions || n.updates) && log.info(n, 'retention: deleted idle sessions and old update ids'))
    .catch((err: unknown) => log.error({ err: errorForLog(err) }, 'retention purge failed'));
void purge();
const purgeTimer = setInterval(purge, 60 * 60 * 1000).unref();

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'shutting down');
  setTimeout(() => process.exit(1), 10_000).unref();
  clearInterval(purgeTimer);
  await telegram?.stop().catch(() => {});
  await new Promise<void>((done) => server.close(() => done()));
  await service.drain();
  content.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
