// The baselines Faro is compared with: the least a Telegram webhook bot can do for each update
// (check the secret, parse, send one message back), once through grammY and once by hand.
import { timingSafeEqual } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type RequestHandler } from 'express';
import { Bot, webhookCallback } from 'grammy';
import type { Update } from 'grammy/types';
import { BOT_INFO } from '../../test/helpers/fake-bot-api.js';
import { PATHS, SECRETS } from './constants.js';

export interface RunningBaseline {
  port: number;
  stop(): Promise<void>;
}

/**
 * The same check as createApp's sameSecret, before the body is parsed. Copied, not imported:
 * src/http/app.ts pulls in the checker, whose language model would weigh on the baseline's RSS.
 */
function sameSecret(got: string | undefined, expected: string): boolean {
  const a = Buffer.from(got ?? '', 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const secretCheck: RequestHandler = (req, res, next) => {
  if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), SECRETS.telegramWebhook)) {
    res.status(401).json({ error: 'unauthorized' });
    return;
  }
  next();
};

async function serve(app: express.Express): Promise<RunningBaseline> {
  const server = await new Promise<Server>((done, fail) => {
    const s = app.listen(0, '127.0.0.1', (err?: Error) => (err ? fail(err) : done(s)));
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** grammY echo bot behind express: text back as text, a button press answered and echoed. */
export async function startGrammyEcho(apiRoot: string): Promise<RunningBaseline> {
  const bot = new Bot(SECRETS.telegramToken, { botInfo: BOT_INFO, client: { apiRoot } });
  bot.on('message:text', (ctx) => ctx.reply(ctx.message.text));
  bot.on('callback_query:data', async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.reply(ctx.callbackQuery.data);
  });
  const app = express();
  app.post(PATHS.telegram, secretCheck, express.json({ limit: '1mb' }), webhookCallback(bot, 'express', { secretToken: SECRETS.telegramWebhook }));
  return serve(app);
}

/** Plain express, no bot framework: the same two calls made with fetch, then 200. */
export async function startExpressEcho(apiRoot: string): Promise<RunningBaseline> {
  const call = async (method: string, payload: Record<string, unknown>) => {
    const res = await fetch(`${apiRoot}/bot${SECRETS.telegramToken}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`${method}: HTTP ${res.status}`);
  };
  const app = express();
  app.post(PATHS.telegram, secretCheck, express.json({ limit: '1mb' }), async (req, res) => {
    const update = req.body as Update;
    try {
      if (update.message?.text !== undefined) {
        await call('sendMessage', { chat_id: update.message.chat.id, text: update.message.text });
      } else if (update.callback_query) {
        await call('answerCallbackQuery', { callback_query_id: update.callback_query.id });
        await call('sendMessage', { chat_id: update.callback_query.from.id, text: update.callback_query.data ?? '' });
      }
      res.json({ ok: true });
    } catch {
      res.status(500).json({ ok: false });
    }
  });
  return serve(app);
}
