import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createTelegramBot, startTelegram, telegramWebhookHandler } from './channels/telegram/bot.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { createContentLoader } from './content/load-content.js';
import { createContentStore } from './content/store.js';
import { createConversationService } from './conversation/service.js';
import { createApp } from './http/app.js';
import { createMetrics } from './http/metrics.js';
import { createAdminRouter } from './admin/router.js';
import { checkContent } from './content/check.js';
import { formatProblem } from './content/read-yaml.js';
import { listen } from './http/server.js';
import { createWebChat } from './channels/web/index.js';
import { createWhatsAppChannel } from './channels/whatsapp/index.js';
import { createI18n } from './i18n.js';
import { loadOrCreateSecret, openStore } from './store/index.js';
import { errorForLog } from './log-safe.js';
import { createOcr } from './ocr/index.js';
import type { ImageReader } from './ocr/inbound.js';
import { languageFromHint } from './conversation/respond.js';

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

const metrics = createMetrics();

// Checker, guidance, referrals and partners are built together, so a reload swaps them at once.
const content = await createContentStore(resolve(config.CONTENT_DIR), createContentLoader(), {
  watch: true,
  onReload: (s) => {
    log.info({ version: s.version }, 'content reloaded');
    metrics.setContentVersion(s.version);
  },
  onError: (problems) => log.error({ problems }, 'content change refused; keeping the last good content'),
});
const i18n = await createI18n(join(root, 'locales'));

metrics.setContentVersion(content.status().version);
const conversation = { content: () => content.current(), i18n, retentionDays: config.SESSION_RETENTION_DAYS };
const service = createConversationService({
  conversation,
  store,
  log,
  mergeWindowMs: config.MERGE_WINDOW_MS,
  ratePerMinute: config.RATE_LIMIT_PER_MINUTE,
  onTurn: (inbound, turn, ms) => metrics.observeTurn(inbound, turn, ms),
  onSendFailure: (channel) => metrics.sendFailed(channel),
});

// Screenshots are read (OCR) in worker threads started on the first picture, not here.
const ocr = createOcr({
  workers: config.OCR_WORKERS,
  queue: config.OCR_QUEUE,
  timeoutMs: config.OCR_TIMEOUT_MS,
  maxBytes: config.OCR_MAX_BYTES,
  maxPixels: config.OCR_MAX_PIXELS,
  ...(config.OCR_TESSDATA_DIR ? { tessdataDir: resolve(config.OCR_TESSDATA_DIR) } : {}),
  onFailure: (message) => log.warn({ reason: message }, 'could not read a picture'),
});
// The language the person chose picks the traineddata; the app's locale is only the next best hint.
const reader: ImageReader = { ocr, languageOf: async (key) => languageFromHint((await store.getSession(key))?.language ?? undefined) };
const pictures = new Set<Promise<void>>();
const trackPicture = (work: Promise<void>) => {
  pictures.add(work);
  void work.finally(() => pictures.delete(work));
};

const bot = config.TELEGRAM_BOT_TOKEN
  ? createTelegramBot({
      token: config.TELEGRAM_BOT_TOKEN,
      apiRoot: config.TELEGRAM_API_ROOT,
      service,
      i18n,
      userKeySecret,
      log,
      images: { reader, maxBytes: config.OCR_MAX_BYTES, maxPixels: config.OCR_MAX_PIXELS, track: trackPicture },
    })
  : undefined;

const whatsapp =
  config.WHATSAPP_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID && config.WHATSAPP_APP_SECRET && config.WHATSAPP_VERIFY_TOKEN
    ? createWhatsAppChannel({
        service,
        userKeySecret,
        log,
        token: config.WHATSAPP_TOKEN,
        phoneNumberId: config.WHATSAPP_PHONE_NUMBER_ID,
        appSecret: config.WHATSAPP_APP_SECRET,
        verifyToken: config.WHATSAPP_VERIFY_TOKEN,
        apiBase: config.WHATSAPP_API_BASE,
        ackWithinMs: config.WHATSAPP_ACK_WITHIN_MS,
        isPartnerCode: (text) => content.current().library.partnerByCode(text) !== undefined,
        images: { reader, maxBytes: config.OCR_MAX_BYTES },
      })
    : undefined;

// The dashboard's list of content warnings, worked out once per content version.
let contentWarnings: { version: string; lines: Promise<string[]> } | undefined;
const warningsNow = () => {
  const { version } = content.status();
  if (contentWarnings?.version !== version) {
    const lines = checkContent(resolve(config.CONTENT_DIR), { localesDir: join(root, 'locales') })
      .then((r) => r.warnings.map(formatProblem))
      .catch((err: unknown) => [`content check failed: ${(err as Error).message}`]);
    contentWarnings = { version, lines };
  }
  return contentWarnings.lines;
};
const admin = config.ADMIN_TOKEN
  ? createAdminRouter({
      token: config.ADMIN_TOKEN,
      store,
      minCount: config.MIN_REPORTED_COUNT,
      log,
      partners: () => content.current().library.partners(),
      contentStatus: content.status,
      contentWarnings: warningsNow,
      secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false,
      flagName: (id) => i18n.t('en')(`flags:${id}.name`),
    })
  : undefined;

const web = createWebChat({ service, userKeySecret, log, i18n, secureCookies: config.PUBLIC_URL?.startsWith('https:') ?? false, images: { reader, maxBytes: config.OCR_MAX_BYTES } });

const app = createApp({
  log,
  metrics,
  conversation,
  contentStatus: content.status,
  databaseOk: () => store.ping(),
  api: { corsOrigins: config.API_CORS_ORIGINS, ratePerMinute: config.API_RATE_LIMIT_PER_MINUTE },
  ...(bot && config.TELEGRAM_WEBHOOK_URL && config.TELEGRAM_WEBHOOK_SECRET
    ? { telegramWebhook: { handler: telegramWebhookHandler(bot, config.TELEGRAM_WEBHOOK_SECRET), secret: config.TELEGRAM_WEBHOOK_SECRET } }
    : {}),
  channels: [
    ...(whatsapp ? [{ path: '/whatsapp/webhook', router: whatsapp.router }] : []),
    ...(admin ? [{ path: '/admin', router: admin }] : []),
    { path: '/', router: web },
  ],
});
if (config.TRUST_PROXY !== false) app.set('trust proxy', config.TRUST_PROXY);
const http = await listen(app, config.PORT, config.HOST);
log.info(`Faro is running at http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${http.port}`);

const telegram = bot
  ? await startTelegram(bot, { i18n, log, webhookUrl: config.TELEGRAM_WEBHOOK_URL, webhookSecret: config.TELEGRAM_WEBHOOK_SECRET })
  : undefined;
if (!bot) log.info('TELEGRAM_BOT_TOKEN is not set: the Telegram bot is off');
log.info(whatsapp ? 'WhatsApp webhook at /whatsapp/webhook' : 'WHATSAPP_* variables are not set: WhatsApp is off');
log.info(admin ? 'trends dashboard at /admin' : 'ADMIN_TOKEN is not set: /admin is off');

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
  // Bursts waiting in a merge window are answered now, not when their window ends, and pictures
  // still being read get the polite "could not read it now": updates are acknowledged only once
  // answered, so the steps below wait for them.
  const flushed = service.drain();
  await ocr.close();
  // Stop taking work, finish what was taken, then close the database last.
  await telegram?.stop().catch(() => {});
  await http.stop();
  await whatsapp?.drain();
  await Promise.allSettled([...pictures]);
  await flushed;
  await service.drain();
  content.close();
  await store.close();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
