import cors from 'cors';
import express, { Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import { z } from 'zod';
import { renderAdvice } from '../conversation/advice.js';
import type { ConversationDeps } from '../conversation/deps.js';
import { languageFromHint } from '../conversation/respond.js';
import { LANGUAGES } from '../content/schemas.js';
import type { Metrics } from './metrics.js';

export interface ApiOptions {
  conversation: ConversationDeps;
  metrics: Metrics;
  /** Web origins allowed to call the API from a browser, e.g. https://ngo.example.org. */
  corsOrigins: string[];
  /** Checks per minute from one IP address. */
  ratePerMinute: number;
}

export const CheckRequest = z.strictObject({
  text: z
    .string({ error: 'send a JSON object like {"text": "the offer", "lang": "es"}; "text" must be a string' })
    .trim()
    .min(1, '"text" is empty: paste the offer')
    .max(20_000, '"text" is longer than 20,000 characters: send one offer at a time'),
  lang: z
    .enum(LANGUAGES, { error: () => `"lang" is the language of the advice, one of: ${LANGUAGES.join(', ')}` })
    .optional(),
});
export type CheckRequest = z.infer<typeof CheckRequest>;

/**
 * POST /api/v1/check: the check result plus the advice in words, in `lang` (else the offer's
 * language when Faro speaks it, else English).
 */
export function createApiRouter(options: ApiOptions): Router {
  const router = Router();
  const allowed = new Set(options.corsOrigins);
  router.use(
    cors({
      origin: (origin, done) => done(null, origin !== undefined && allowed.has(origin)),
      methods: ['POST'],
      allowedHeaders: ['content-type'],
      maxAge: 600,
    }),
  );
  router.use(
    rateLimit({
      windowMs: 60_000,
      limit: options.ratePerMinute,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res) => {
        res.status(429).json({ error: 'too_many_requests', message: `at most ${options.ratePerMinute} checks a minute from one address; wait a minute and try again` });
      },
    }),
  );
  router.use(express.json({ limit: '64kb' }));

  router.post('/check', (req, res) => {
    const parsed = CheckRequest.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'bad_request', message: parsed.error.issues.map((i) => i.message).join('; ') });
      return;
    }
    const { text, lang } = parsed.data;
    const result = options.conversation.content().checker.checkOffer(text);
    options.metrics.observeApiCheck(result.risk);
    const adviceLang = lang ?? languageFromHint(result.language) ?? 'en';
    res.json({ ...result, advice: renderAdvice(options.conversation, result, adviceLang) });
  });
  return router;
}
