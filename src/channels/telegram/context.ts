import type { Api, Context } from 'grammy';
import type { Logger } from 'pino';
import type { ConversationService, Send } from '../../conversation/service.js';
import type { Inbound } from '../../conversation/types.js';
import { userKey } from '../../store/index.js';
import { renderTelegram } from './render.js';

/** What every Telegram feature needs; services arrive here, never through ctx. */
export interface FeatureDeps {
  service: ConversationService;
  userKeySecret: string;
  log: Logger;
}

/** Replies go to the chat the update came from; the chat id stays in this closure, never in storage. */
export function senderFor(api: Api, chatId: number): Send {
  return async (replies) => {
    for (const r of replies) {
      for (const m of renderTelegram(r)) {
        await api.sendMessage(chatId, m.text, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(m.reply_markup ? { reply_markup: m.reply_markup } : {}),
        });
      }
    }
  };
}

/** Hands one update to the conversation as an Inbound; the raw user id becomes an HMAC key here. */
export async function dispatch(ctx: Context, deps: FeatureDeps, fields: Omit<Inbound, 'channel' | 'userKey' | 'updateId' | 'localeHint'>): Promise<void> {
  if (!ctx.from || !ctx.chat) return;
  const inbound: Inbound = {
    channel: 'telegram',
    userKey: userKey(deps.userKeySecret, 'telegram', ctx.from.id),
    updateId: String(ctx.update.update_id),
    ...(ctx.from.language_code ? { localeHint: ctx.from.language_code } : {}),
    ...fields,
  };
  await deps.service.receive(inbound, senderFor(ctx.api, ctx.chat.id));
}
