import { autoRetry } from '@grammyjs/auto-retry';
import { Bot, type Api, type RawApi } from 'grammy';
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
  /** Retries on 429 and 5xx; off in tests that count calls. */
  retry?: { maxRetryAttempts: number; maxDelaySeconds: number };
  /** Reads photos and image files (OCR); without it they get the "send the text" answer. */
  images?: TelegramImages;
}

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
  const bot = new Bot(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    ...(deps.apiRoot ? { client: { apiRoot: deps.apiRoot } } : {}),
  });
  bot.api.config.use(autoRetry(deps.retry ?? { maxRetryAttempts: 5, maxDelaySeconds: 60 }));
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
  void bot
    .start({
      allowed_updates: [...ALLOWED_UPDATES],
      onStart: (me) => options.log.info({ bot: me.username }, 'telegram bot polling'),
    })
    .catch((err: unknown) => options.log.error({ err: errorForLog(err) }, 'telegram polling stopped'));
  return { stop: () => bot.stop() };
}

export { MENU_COMMANDS };
