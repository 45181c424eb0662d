import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, webhookCallback, type Api, type RawApi } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { ConversationService } from '../../conversation/service.js';
import { LANGUAGES } from '../../content/schemas.js';
import type { I18n } from '../../i18n.js';
import type { Logger } from 'pino';
import { buttonsFeature } from './features/buttons.js';
import { MENU_COMMANDS, menuFeature } from './features/menu.js';
import { mediaFeature, offersFeature } from './features/offers.js';
import { photosFeature, type TelegramImages } from './features/photos.js';
import { privacyFeature } from './features/privacy.js';
import { startFeature } from './features/start.js';
import { unhandledFeature } from './features/unhandled.js';
import { renderTelegram } from './render.js';
import { languageFromHint } from '../../conversation/respond.js';
import { errorForLog } from '../../log-safe.js';
import { networkRetry, type NetworkRetryOptions } from './network-retry.js';
import { POLL_TIMEOUT_SECONDS, startPolling } from './polling.js';

export interface TelegramBotDeps {
  token: string;
  service: ConversationService;
  i18n: I18n;
  userKeySecret: string;
  log: Logger;
  /** Skips getMe, e.g. in tests. */
  botInfo?: UserFromGetMe;
  /** Bot API server, e.g. a local one; default https://api.telegram.org. */
  apiRoot?: string;
  /**
   * Seconds before a Bot API call is given up and retried (grammY's default is 500). Long polls
   * wait at most POLL_TIMEOUT_SECONDS, and always 5 s less than this. Default 40.
   */
  timeoutSeconds?: number;
  /** Retries on 429 (after retry_after) and 5xx. */
  retry?: { maxRetryAttempts: number; maxDelaySeconds: number };
  /** Retries on network errors (resets, timeouts), a few times with a doubling wait. */
  networkRetry?: NetworkRetryOptions;
  /** Reads photos and image files (OCR); without it they get the "send the text" answer. */
  images?: TelegramImages;
}

/** How long getUpdates may wait for news, per bot: inside its client's timeout. */
const pollTimeouts = new WeakMap<Bot, number>();

/** Only updates Faro answers; others are not even fetched. */
export const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * The Telegram bot: one composer per feature behind an error boundary. Nothing is called on
 * Telegram until the caller starts it.
 *
 * @example
 * const bot = createTelegramBot({ token, service, i18n, userKeySecret, log });
 * await startPolling(bot, i18n, log);
 */
export function createTelegramBot(deps: TelegramBotDeps): Bot {
  const timeoutSeconds = deps.timeoutSeconds ?? 40;
  const bot = new Bot(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { timeoutSeconds, ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}) },
  });
  // A long poll must end (Telegram answers empty) before the client gives up on it.
  pollTimeouts.set(bot, Math.max(0, Math.min(POLL_TIMEOUT_SECONDS, timeoutSeconds - 5)));
  // Installed first, so it wraps the raw call and auto-retry (which rethrows network errors) wraps it.
  bot.api.config.use(networkRetry(deps.networkRetry));
  bot.api.config.use(autoRetry({ ...(deps.retry ?? { maxRetryAttempts: 5, maxDelaySeconds: 60 }), rethrowHttpErrors: true }));
  const features = { service: deps.service, userKeySecret: deps.userKeySecret, log: deps.log };

  // Faro talks to people one to one; groups and channels would expose what they paste.
  const privateChats = bot.chatType('private');
  privateChats
    .errorBoundary(async (err) => {
      deps.log.error({ err: errorForLog(err.error), update: err.ctx.update.update_id }, 'telegram feature failed');
      const lang = languageFromHint(err.ctx.from?.language_code) ?? 'en';
      if (err.ctx.chat) {
        for (const m of renderTelegram({ lang, dir: 'ltr', parts: [{ text: deps.i18n.t(lang)('error.generic') }] })) {
          await err.ctx.api.sendMessage(err.ctx.chat.id, m.text, { parse_mode: 'HTML' }).catch(() => {});
        }
      }
    })
    .use(
      startFeature(features),
      menuFeature(features),
      privacyFeature(features),
      buttonsFeature(features),
      ...(deps.images ? [photosFeature({ ...features, images: deps.images, token: deps.token, apiRoot: deps.apiRoot ?? 'https://api.telegram.org' })] : []),
      offersFeature(features),
      mediaFeature(features),
      unhandledFeature(features),
    );

  bot.catch((err) => deps.log.error({ err: errorForLog(err.error), update: err.ctx.update.update_id }, 'telegram update failed'));
  return bot;
}

/** The command list in each of Faro's languages, English for everyone else. */
export async function registerCommands(api: Api<RawApi>, i18n: I18n): Promise<void> {
  const commands = (lang: (typeof LANGUAGES)[number]) => {
    const t = i18n.t(lang);
    const names = ['start', 'check', 'advice', 'legal', 'emergency', 'language', 'privacy', 'forget'] as const;
    return names.map((command) => ({ command, description: t(`commands.${command}`) }));
  };
  await api.setMyCommands(commands('en'));
  for (const lang of LANGUAGES) await api.setMyCommands(commands(lang), { language_code: lang });
}

export interface TelegramStartOptions {
  i18n: I18n;
  log: Logger;
  /** Webhook mode when set: Telegram posts updates to this public https URL. */
  webhookUrl?: string;
  webhookSecret?: string;
}

/** Starts the bot: commands registered, then long polling, or the webhook set when a URL is given. */
export async function startTelegram(bot: Bot, options: TelegramStartOptions): Promise<{ stop(): Promise<void> }> {
  await bot.init();
  await registerCommands(bot.api, options.i18n);
  if (options.webhookUrl) {
    await bot.api.setWebhook(options.webhookUrl, {
      allowed_updates: [...ALLOWED_UPDATES],
      ...(options.webhookSecret ? { secret_token: options.webhookSecret } : {}),
    });
    options.log.info({ bot: bot.botInfo.username, url: options.webhookUrl }, 'telegram webhook set');
    return { stop: async () => {} };
  }
  await bot.api.deleteWebhook();
  const polling = startPolling(bot, { log: options.log, allowedUpdates: ALLOWED_UPDATES, timeoutSeconds: pollTimeouts.get(bot) ?? POLL_TIMEOUT_SECONDS });
  options.log.info({ bot: bot.botInfo.username }, 'telegram bot polling');
  void polling.done.catch((err: unknown) => options.log.error({ err: errorForLog(err) }, 'telegram polling stopped'));
  return { stop: () => polling.stop() };
}

/**
 * The webhook endpoint's handler. Telegram gets its 200 once the update is answered (for a
 * forward merged with others: once the merged answer is sent), so an update lost in a crash is
 * posted again. Past `timeoutMs` it gets its 200 anyway and the answer still goes out.
 */
export function telegramWebhookHandler(bot: Bot, secretToken: string, timeoutMs = 40_000) {
  return webhookCallback(bot, 'express', { secretToken, onTimeout: 'return', timeoutMilliseconds: timeoutMs });
}

export { MENU_COMMANDS };
