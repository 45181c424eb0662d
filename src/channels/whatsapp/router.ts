import express, { type ErrorRequestHandler, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { WebhookPayload } from './schema.js';
import { SIGNATURE_HEADER, sameToken, validSignature } from './signature.js';

export interface WebhookRouterDeps {
  appSecret: string;
  verifyToken: string;
  log: Logger;
  maxBodyBytes: number;
  /** Handles a verified, valid payload; Meta gets its 200 when this settles. Must not reject. */
  accept: (payload: WebhookPayload) => Promise<void>;
  /** False when too much is already in hand: Meta gets a 503 and delivers again later. */
  hasRoom?: () => boolean;
  /** Meta gets its 200 after this long even if the answer is still being made. */
  ackWithinMs: number;
}

/**
 * GET: Meta's subscription handshake. POST: deliveries, verified on the raw bytes before they
 * are parsed, and answered 200 once handled: if Faro dies first, Meta delivers them again.
 * Mount it before any body parser.
 */
export function createWebhookRouter(deps: WebhookRouterDeps): Router {
  const router = express.Router();

  router.get('/', (req, res) => {
    // Read from the URL itself: "hub.mode" must not depend on the app's query parser settings.
    const query = new URL(req.originalUrl, 'http://localhost').searchParams;
    const challenge = query.get('hub.challenge');
    if (query.get('hub.mode') !== 'subscribe' || !sameToken(query.get('hub.verify_token') ?? undefined, deps.verifyToken)) {
      deps.log.warn({ channel: 'whatsapp' }, 'webhook verification refused: wrong mode or verify token');
      res.status(403).json({ error: 'forbidden', message: 'hub.mode must be "subscribe" and hub.verify_token must equal WHATSAPP_VERIFY_TOKEN' });
      return;
    }
    if (!challenge) {
      res.status(400).json({ error: 'bad_request', message: 'hub.challenge is missing' });
      return;
    }
    deps.log.info({ channel: 'whatsapp' }, 'webhook verified by Meta');
    res.status(200).type('text/plain').send(challenge);
  });

  router.post('/', express.raw({ type: '*/*', limit: deps.maxBodyBytes }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (!validSignature(deps.appSecret, raw, req.get(SIGNATURE_HEADER))) {
      deps.log.warn({ channel: 'whatsapp', signed: req.get(SIGNATURE_HEADER) !== undefined }, 'webhook signature rejected');
      res.status(401).json({ error: 'unauthorized', message: 'X-Hub-Signature-256 is missing or does not match the body signed with WHATSAPP_APP_SECRET' });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      res.status(400).json({ error: 'bad_json', message: 'the body is not valid JSON' });
      return;
    }
    const parsed = WebhookPayload.safeParse(json);
    if (!parsed.success) {
      // Paths and codes only: the values are what people wrote.
      deps.log.warn({ channel: 'whatsapp', issues: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.code}`) }, 'webhook payload rejected');
      res.status(400).json({ error: 'bad_payload', message: z.prettifyError(parsed.error) });
      return;
    }
    if (deps.hasRoom && !deps.hasRoom()) {
      deps.log.warn({ channel: 'whatsapp' }, 'webhook delivery refused: too many in hand; Meta will deliver it again');
      res.status(503).set('retry-after', '5').json({ error: 'busy', message: 'too many messages in hand; deliver again later' });
      return;
    }
    // Acknowledged once answered: a delivery lost in a crash is retried by Meta, and the claim
    // left unfinished in the store lets the next process answer it (and only it).
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([deps.accept(parsed.data), new Promise<void>((resolve) => (timer = setTimeout(resolve, deps.ackWithinMs)))]);
    clearTimeout(timer);
    res.status(200).json({ ok: true });
  });

  // body-parser's errors (413 too large, 415 unknown encoding, 400 aborted) as JSON, like every other answer.
  const onError: ErrorRequestHandler = (err: { status?: unknown; type?: unknown }, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : 500;
    if (status === 500) deps.log.error({ channel: 'whatsapp', type: String(err?.type ?? 'unknown') }, 'webhook failed');
    res.status(status).json(
      status === 413
        ? { error: 'too_large', message: `the body is larger than ${deps.maxBodyBytes} bytes` }
        : status === 500
          ? { error: 'internal', message: 'something went wrong on our side; Meta will retry' }
          : { error: 'bad_request', message: 'the request body could not be read' },
    );
  };
  router.use(onError);
  return router;
}
