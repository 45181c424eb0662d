import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const Config = z.object({
  PORT: z.coerce.number({ error: 'PORT must be a number, e.g. 3000' }).int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  CONTENT_DIR: z.string().min(1).default('content'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  DATABASE_PATH: z.string().min(1).default('data/faro.db'),
  USER_KEY_SECRET: z.string().min(32, 'USER_KEY_SECRET must be at least 32 characters; leave it unset to have one created in data/').optional(),
  MERGE_WINDOW_MS: z.coerce.number({ error: 'MERGE_WINDOW_MS must be a number of milliseconds, e.g. 2000' }).int().min(0).max(30_000).default(2000),
  RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: 'RATE_LIMIT_PER_MINUTE must be a number, e.g. 30' }).int().min(1).default(30),
  SESSION_RETENTION_DAYS: z.coerce.number({ error: 'SESSION_RETENTION_DAYS must be a number of days, e.g. 30' }).int().min(1).max(3650).default(30),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, 'TELEGRAM_BOT_TOKEN looks wrong: copy the whole token BotFather gave you, like 123456:ABC-DEF...').optional(),
  TELEGRAM_API_ROOT: z.url({ error: 'TELEGRAM_API_ROOT must be a URL, e.g. https://api.telegram.org' }).default('https://api.telegram.org'),
  TELEGRAM_WEBHOOK_URL: z.url({ protocol: /^https$/, error: 'TELEGRAM_WEBHOOK_URL must be a public https URL ending in /telegram/webhook' }).optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, 'TELEGRAM_WEBHOOK_SECRET must be 16-256 letters, digits, "_" or "-"').optional(),
  TELEGRAM_BOT_USERNAME: z.string().regex(/^[A-Za-z0-9_]{5,32}$/, 'TELEGRAM_BOT_USERNAME is the bot\'s @name without the @').optional(),
  WHATSAPP_TOKEN: z.string().min(20, 'WHATSAPP_TOKEN looks too short: copy the whole access token from the Meta app').optional(),
  WHATSAPP_PHONE_NUMBER_ID: z.string().regex(/^\d{5,20}$/, 'WHATSAPP_PHONE_NUMBER_ID is the number id from the Meta app (digits), not the phone number').optional(),
  WHATSAPP_APP_SECRET: z.string().regex(/^[A-Za-z0-9]{16,128}$/, 'WHATSAPP_APP_SECRET is the App Secret from the Meta app settings (letters and digits)').optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8, 'WHATSAPP_VERIFY_TOKEN must be at least 8 characters; make one with: openssl rand -hex 16').optional(),
  WHATSAPP_API_BASE: z.url({ error: 'WHATSAPP_API_BASE must be a URL with the Graph API version, e.g. https://graph.facebook.com/v23.0' }).default('https://graph.facebook.com/v23.0'),
  WHATSAPP_ACK_WITHIN_MS: z.coerce
    .number({ error: 'WHATSAPP_ACK_WITHIN_MS must be a number of milliseconds, e.g. 10000' })
    .int()
    .min(0)
    .max(60_000)
    .default(10_000),
  WHATSAPP_NUMBER: z.string().regex(/^\+?\d{6,16}$/, 'WHATSAPP_NUMBER is the public number in international format, digits only, e.g. 15551234567').optional(),
  API_CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim()).filter(Boolean))
    .pipe(z.array(z.url({ error: 'API_CORS_ORIGINS is a comma-separated list of origins like https://ngo.example.org' }))),
  API_RATE_LIMIT_PER_MINUTE: z.coerce.number({ error: 'API_RATE_LIMIT_PER_MINUTE must be a number, e.g. 60' }).int().min(1).default(60),
  TRUST_PROXY: z
    .string()
    .default('')
    .transform((s, ctx) => {
      if (s === '' || s === 'false') return false;
      if (s === 'true') return true;
      if (/^\d+$/.test(s)) return Number(s);
      if (/^(loopback|linklocal|uniquelocal)(,\s*(loopback|linklocal|uniquelocal))*$/.test(s)) return s;
      ctx.addIssue({ code: 'custom', message: 'TRUST_PROXY is the number of proxies in front of Faro (e.g. 1), or loopback; unset when none' });
      return z.NEVER;
    }),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'PUBLIC_URL is the address people reach Faro at, e.g. https://faro.example.org' }).optional(),
  ADMIN_TOKEN: z.string().min(24, 'ADMIN_TOKEN must be at least 24 characters; make one with: openssl rand -hex 24').optional(),
  MIN_REPORTED_COUNT: z.coerce.number({ error: 'MIN_REPORTED_COUNT must be a number, e.g. 5' }).int().min(1).default(5),
  OCR_WORKERS: z.coerce.number({ error: 'OCR_WORKERS must be a number of worker threads, e.g. 2' }).int().min(1).max(16).default(2),
  OCR_QUEUE: z.coerce.number({ error: 'OCR_QUEUE must be a number of images, e.g. 8' }).int().min(0).max(1000).default(8),
  OCR_TIMEOUT_MS: z.coerce.number({ error: 'OCR_TIMEOUT_MS must be a number of milliseconds, e.g. 20000' }).int().min(1000).max(300_000).default(20_000),
  OCR_MAX_BYTES: z.coerce.number({ error: 'OCR_MAX_BYTES must be a number of bytes, e.g. 8388608' }).int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024),
  OCR_MAX_PIXELS: z.coerce.number({ error: 'OCR_MAX_PIXELS must be a number of pixels, e.g. 24000000' }).int().min(10_000).max(100_000_000).default(24_000_000),
  OCR_TESSDATA_DIR: z.string().min(1, 'OCR_TESSDATA_DIR is a folder of .traineddata files, e.g. /usr/share/tesseract-ocr/5/tessdata').optional(),
})
  .refine((c) => !c.TELEGRAM_WEBHOOK_URL || (c.TELEGRAM_BOT_TOKEN && c.TELEGRAM_WEBHOOK_SECRET), {
    message: 'TELEGRAM_WEBHOOK_URL needs TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET too (make a secret with: openssl rand -hex 32)',
    path: ['TELEGRAM_WEBHOOK_URL'],
  })
  .refine((c) => {
    const set = WHATSAPP_REQUIRED.filter((k) => c[k] !== undefined).length;
    return set === 0 || set === WHATSAPP_REQUIRED.length;
  }, {
    message: `WhatsApp needs all of ${'WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN'} (see README, "WhatsApp"); some are missing`,
    path: ['WHATSAPP_TOKEN'],
  });

/** With all of these set, the WhatsApp channel is on. */
export const WHATSAPP_REQUIRED = ['WHATSAPP_TOKEN', 'WHATSAPP_PHONE_NUMBER_ID', 'WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN'] as const;
export type Config = z.infer<typeof Config>;

/** A bad environment variable; the message names it and says what to write instead. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv): Config {
  // `NAME=` (as in a copied .env.example) means "not set", not "set to nothing".
  const given = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = Config.safeParse(given);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`invalid configuration:\n${lines.join('\n')}\nFix these environment variables (see .env.example).`);
}
