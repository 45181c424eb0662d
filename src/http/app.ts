import { timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { z } from 'zod';
import type { Checker } from '../checker/check-offer.js';
import type { ContentStatus } from '../content/store.js';

export interface AppDeps {
  checker: () => Checker;
  contentStatus: () => ContentStatus;
  /** True when the database answers; /readyz says not ready otherwise. */
  databaseOk?: () => Promise<boolean>;
  /** Telegram webhook mode: grammY's handler and the secret Telegram sends back in a header. */
  telegramWebhook?: { handler: RequestHandler; secret: string };
  /**
   * Channel routers (WhatsApp webhook, web chat), mounted before any body parser so each can
   * read and verify its raw body itself.
   */
  channels?: Array<{ path: string; router: RequestHandler }>;
}

/** Constant-time comparison of a header with the expected secret. */
export function sameSecret(got: string | undefined, expected: string): boolean {
  const a = Buffer.from(got ?? '', 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const CheckRequest = z.strictObject({
  text: z.string({ error: 'send {"text": "the offer"}' }).min(1, 'text is empty').max(20_000, 'text is longer than 20,000 characters'),
  lang: z.string().min(2).max(5).optional(),
});

/** The HTTP app; the caller decides where it listens. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');

  if (deps.telegramWebhook) {
    const { handler, secret } = deps.telegramWebhook;
    // The secret is checked before the body is even parsed: forged posts cost nothing.
    app.post(
      '/telegram/webhook',
      (req, res, next) => {
        if (!sameSecret(req.get('x-telegram-bot-api-secret-token'), secret)) {
          res.status(401).json({ error: 'unauthorized', message: 'wrong or missing X-Telegram-Bot-Api-Secret-Token' });
          return;
        }
        next();
      },
      express.json({ limit: '1mb' }),
      handler,
    );
  }

  for (const { path, router } of deps.channels ?? []) app.use(path, router);

  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.get('/readyz', async (_req, res) => {
    const content = deps.contentStatus();
    const database = deps.databaseOk ? await deps.databaseOk() : true;
    res.status(database ? 200 : 503).json({ ok: database, database: database ? 'open' : 'not answering', content });
  });

  app.post('/api/v1/check', (req, res) => {
    const parsed = CheckRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'bad_request', message: parsed.error.issues.map((i) => i.message).join('; ') });
      return;
    }
    const { text, lang } = parsed.data;
    res.json(deps.checker().checkOffer(text, lang ? { language: lang } : {}));
  });

  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const status = typeof err?.status === 'number' ? err.status : 500;
    res.status(status).json({
      error: status === 413 ? 'too_large' : status === 400 ? 'bad_json' : 'internal',
      message: status === 500 ? 'something went wrong on our side; try again' : String(err.message),
    });
  };
  app.use(onError);
  return app;
}
