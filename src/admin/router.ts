import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ContentStatus } from '../content/store.js';
import { errorForLog } from '../log-safe.js';
import type { CounterFilter, CounterRow } from '../store/store.js';
import {
  ADMIN_COOKIE, MIN_TOKEN_LENGTH, SESSION_SECONDS, bearerToken, cookieOptions, cookieValues, guessLimiter, sameOrigin, sessionValue, tokenMatches, validSession,
} from './auth.js';
import { NO_PARTNER, partnerParam, trendsCsv, trendsJson } from './export.js';
import { humanize } from './html.js';
import { dashboardPage, loginPage } from './page.js';
import { PERIOD_WEEKS, computeTrends, periodOf, type Trends } from './trends.js';
import { utcToday } from './weeks.js';

export interface AdminDeps {
  /** ADMIN_TOKEN (at least 24 characters). */
  token: string;
  store: { counters(filter?: CounterFilter): Promise<CounterRow[]> };
  /** Counts under this are withheld (MIN_REPORTED_COUNT). */
  minCount: number;
  partners: () => Array<{ id: string; name: string; active: boolean }>;
  contentStatus: () => ContentStatus;
  /** Warnings an editor should see (stale, expiring, expired facts, missing translations). */
  contentWarnings: () => Promise<string[]>;
  log: Logger;
  /** Set the cookie's Secure flag (behind https); default false. */
  secureCookies?: boolean;
  /** YYYY-MM-DD, for tests; default today in UTC. */
  today?: () => string;
  /** A warning sign's English name, e.g. i18n.t('en')(`flags:${id}.name`); default the id in words. */
  flagName?: (id: string) => string;
  /** Wrong tokens allowed per address per 15 minutes; default 10. */
  loginAttempts?: number;
}

/** The page's own policy when nothing in front (helmet) set one: no script at all, inline styles only. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
const PARTNER_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const Query = z.object({
  partner: z
    .string()
    .refine((p) => p === '' || p === NO_PARTNER || (p.length <= 64 && PARTNER_ID.test(p)), `partner must be a partner id such as casa-norte, "${NO_PARTNER}" for people without a partner link, or empty for all`)
    .optional(),
  weeks: z.enum(PERIOD_WEEKS.map(String) as [string, ...string[]], { error: `weeks must be one of ${PERIOD_WEEKS.join(', ')}` }).optional(),
});

type Filter = { partner: string | undefined; weeks: number };

function readQuery(req: Request): Filter | { error: string } {
  const single = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const parsed = Query.safeParse({ partner: single(req.query.partner), weeks: single(req.query.weeks) });
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join('; ') };
  const p = parsed.data.partner;
  return { partner: p === undefined || p === '' ? undefined : p === NO_PARTNER ? '' : p, weeks: Number(parsed.data.weeks ?? 12) };
}

/**
 * The NGO dashboard, to mount at '/admin' (before any body parser; it parses its own login form):
 * GET / (login form or dashboard), POST /login, POST /logout, GET /export.csv and GET /api/trends
 * (both also with `Authorization: Bearer <ADMIN_TOKEN>`). Every count is suppressed below minCount.
 *
 * @example
 * createApp({ ..., channels: [{ path: '/admin', router: createAdminRouter({ token, store, minCount: 5, ... }) }] });
 */
export function createAdminRouter(deps: AdminDeps): Router {
  if (deps.token.length < MIN_TOKEN_LENGTH) throw new Error(`ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters; make one with: openssl rand -hex 24`);
  if (!Number.isInteger(deps.minCount) || deps.minCount < 1) throw new Error(`minCount must be a whole number of at least 1, got ${deps.minCount}`);
  const { token, log } = deps;
  const secure = deps.secureCookies ?? false;
  const today = deps.today ?? utcToday;
  const flagName = deps.flagName ?? humanize;
  const router = express.Router();
  const base = (req: Request) => req.baseUrl || '';
  const path = (req: Request) => req.baseUrl || '/';
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const loggedIn = (req: Request) => cookieValues(req, ADMIN_COOKIE).some((v) => validSession(v, token, nowSeconds()));

  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Robots-Tag', 'noindex');
    // Not helmet's no-referrer: with it, a browser sends "Origin: null" on the page's own forms.
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  });

  const html = (res: Response, status: number, page: string) => {
    if (!res.getHeader('Content-Security-Policy')) res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.status(status).type('html').send(page);
  };

  // One budget of guesses per address for the login form and bearer tokens together.
  const limiter = guessLimiter({ limit: deps.loginAttempts ?? 10, refusePost: (res, message) => html(res, 429, loginPage(base(res.req), message)) });

  async function trendsFor(filter: Filter): Promise<Trends> {
    const end = today();
    const { from, trendFrom } = periodOf(end, filter.weeks);
    // Every partner's rows: suppression is worked out for all views together.
    const rows = await deps.store.counters({ from: from < trendFrom ? from : trendFrom, to: end });
    return computeTrends(rows, { minCount: deps.minCount, weeks: filter.weeks, today: end, ...(filter.partner !== undefined ? { partner: filter.partner } : {}) });
  }

  const failed = (res: Response, what: string, e: unknown, json: boolean) => {
    log.error({ err: errorForLog(e) }, `admin: ${what} failed`);
    if (json) res.status(500).json({ error: 'internal', message: 'something went wrong on our side; try again' });
    else html(res, 500, '<!doctype html><title>Faro admin</title><p>Something went wrong on our side. Reload the page to try again.</p>');
  };

  router.get('/', async (req, res) => {
    if (!loggedIn(req)) return html(res, 200, loginPage(base(req)));
    const q = readQuery(req);
    const filter = 'error' in q ? { partner: undefined, weeks: 12 } : q;
    try {
      const [trends, warnings] = await Promise.all([
        trendsFor(filter),
        deps.contentWarnings().catch((e: unknown) => [`The content check could not run: ${(e as Error)?.message ?? String(e)}`]),
      ]);
      html(res, 200, dashboardPage({ base: base(req), trends, partners: deps.partners(), content: deps.contentStatus(), warnings, flagName, generatedAt: new Date().toISOString() }));
    } catch (e) {
      failed(res, 'dashboard', e, false);
    }
  });

  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });
  router.post('/login', sameOrigin(secure), limiter, form, (req, res) => {
    const given = typeof req.body?.token === 'string' ? (req.body.token as string).trim() : undefined;
    if (!tokenMatches(given, token)) {
      log.warn('admin: a login with a wrong token');
      return html(res, 401, loginPage(base(req), 'That token is not right. Check ADMIN_TOKEN and try again.'));
    }
    const expiry = nowSeconds() + SESSION_SECONDS;
    res.cookie(ADMIN_COOKIE, sessionValue(token, expiry), cookieOptions(path(req), secure, SESSION_SECONDS * 1000));
    log.info('admin: logged in');
    res.redirect(303, path(req));
  });

  router.post('/logout', sameOrigin(secure), (req, res) => {
    res.clearCookie(ADMIN_COOKIE, cookieOptions(path(req), secure));
    res.redirect(303, path(req));
  });

  /** The cookie, or a bearer token for scripts; 401 JSON otherwise. Wrong bearer tokens count as guesses. */
  const apiAuth: RequestHandler = (req, res, next) => {
    const given = bearerToken(req);
    if ((given !== undefined && tokenMatches(given, token)) || (given === undefined && loggedIn(req))) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="faro-admin"');
    res.status(401).json({ error: 'unauthorized', message: 'log in at /admin, or send the header Authorization: Bearer <ADMIN_TOKEN>' });
  };

  const query: RequestHandler = (req, res, next) => {
    const q = readQuery(req);
    if ('error' in q) {
      res.status(400).json({ error: 'bad_request', message: q.error });
      return;
    }
    res.locals.filter = q;
    next();
  };

  router.get('/api/trends', limiter, apiAuth, query, async (_req, res) => {
    try {
      res.json(trendsJson(await trendsFor(res.locals.filter as Filter)));
    } catch (e) {
      failed(res, 'trends', e, true);
    }
  });

  router.get('/export.csv', limiter, apiAuth, query, async (_req, res) => {
    const filter = res.locals.filter as Filter;
    try {
      const csv = trendsCsv(await trendsFor(filter));
      const who = partnerParam(filter.partner).replace(/^_/, '') || 'all';
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="faro-trends-${who}-${filter.weeks}w-${today()}.csv"`);
      res.send(csv);
    } catch (e) {
      failed(res, 'CSV export', e, true);
    }
  });

  return router;
}
