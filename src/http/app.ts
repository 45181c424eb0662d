import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { ConversationDeps } from '../conversation/deps.js';
import type { ContentStatus } from '../content/store.js';
import { errorForLog } from '../log-safe.js';
import { createApiRouter } from './api.js';
import type { Metrics } from './metrics.js';

export interface AppDeps {
  log: Logger;
  metrics: Metrics;
  /** The conversation's view of content and strings, for the API's advice. */
  conversation: ConversationDeps;
  contentStatus: () => ContentStatus;
  /** True when the database answers; /readyz says not ready otherwise. */
  databaseOk?: () => Promise<boolean>;
  api?: { corsOrigins: string[]; ratePerMinute: number };
  /** Telegram webhook mode: grammY's handler and the secret Telegram sends back in a header. */
  telegramWebhook?: { handler: RequestHandler; secret: string };
  /**
   * Channel routers (WhatsApp webhook, web chat), mounted before any body parser so each can
   * read and verify its raw body itself.
   */
  channels?: Array<{ path: string; router: RequestHandler }>;
}

/** Constant-time comparison of a header with the expected secret; hashing first hides its length too. */
export function sameSecret(got: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return got !== undefined && timingSafeEqual(digest(got), digest(expected));
}

const REQUEST_ID = /^[A-Za-z0-9_-]{8,64}$/;

/**
 * The HTTP app; the caller decides where it listens.
 *
 * @example
 * const app = createApp({ log, metrics, conversation, contentStatus: content.status });
 * app.listen(3000);
 */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  const deliveryPaths = new Set(['/telegram/webhook', ...(deps.channels ?? []).map((c) => c.path)]);
  // No upgrade-insecure-requests: on plain http (a laptop on a shelter's LAN) it would break the
  // chat's own script; HTTPS belongs to the reverse proxy.
  app.use(helmet({ contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } } }));
  app.use(
    pinoHttp({
      logger: deps.log,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      // Paths only: query strings can hold tokens (WhatsApp's verify token), headers hold cookies.
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, path: req.url.split('?')[0] }),
        res: (res: { statusCode: number }) => ({ status: res.statusCode }),
        err: errorForLog,
      },
      // A delivered message is not news: one info line per message would be a log of who wrote
      // when, and costs time under load. Failures still log at warn and error.
      customLogLevel: (req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : deliveryPaths.has(req.url?.split('?')[0] ?? '') ? 'debug' : 'info',
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.get('/readyz', async (_req, res) => {
    const content = deps.contentStatus();
    const database = deps.databaseOk ? await deps.databaseOk().catch(() => false) : true;
    res.status(database ? 200 : 503).json({ ok: database, database: database ? 'open' : 'not answering', content });
  });

  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });

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
        if (!req.is('application/json')) {
          res.status(415).json({ error: 'unsupported_media_type', message: 'Telegram sends updates as application/json' });
          return;
        }
        next();
      },
      express.json({ limit: '1mb' }),
      handler,
    );
  }

  app.use('/api/v1', createApiRouter({ conversation: deps.conversation, metrics: deps.metrics, corsOrigins: deps.api?.corsOrigins ?? [], ratePerMinute: deps.api?.ratePerMinute ?? 60 }));

  for (const { path, router } of deps.channels ?? []) app.use(path, router);

  app.use((req, res) => {
    res.status(404).json({ error: 'not_found', message: `nothing at ${req.method} ${req.path}` });
  });

  const onError: ErrorRequestHandler = (err, req, res, _next) => {
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
    if (status >= 500) req.log?.error({ err: errorForLog(err) }, 'request failed');
    const errors: Record<number, [string, string]> = {
      400: ['bad_json', 'the body is not valid JSON'],
      413: ['too_large', 'the body is too large'],
      415: ['unsupported_media_type', 'send JSON with Content-Type: application/json'],
    };
    const [error, message] = errors[status] ?? (status >= 500 ? ['internal', 'something went wrong on our side; try again'] : ['bad_request', String(err?.message ?? 'bad request')]);
    res.status(status).json({ error, message, request_id: String(req.id ?? '') });
  };
  app.use(onError);
  return app;
}
