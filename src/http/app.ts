import express, { type ErrorRequestHandler } from 'express';
import { z } from 'zod';
import type { Checker } from '../checker/check-offer.js';
import type { ContentStatus } from '../content/store.js';

export interface AppDeps {
  checker: () => Checker;
  contentStatus: () => ContentStatus;
}

const CheckRequest = z.strictObject({
  text: z.string({ error: 'send {"text": "the offer"}' }).min(1, 'text is empty').max(20_000, 'text is longer than 20,000 characters'),
  lang: z.string().min(2).max(5).optional(),
});

/** The HTTP app; the caller decides where it listens. */
export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });

  app.get('/readyz', (_req, res) => {
    const content = deps.contentStatus();
    res.json({ ok: true, content });
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
