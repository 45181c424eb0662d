import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';

/** The admin session cookie: `<expiry, seconds since epoch>.<HMAC-SHA256 of the expiry, base64url>`. */
export const ADMIN_COOKIE = 'faro_admin';
export const SESSION_SECONDS = 8 * 60 * 60;
export const MIN_TOKEN_LENGTH = 24;

const SESSION_RE = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/;
const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Constant time whatever the lengths: both sides are hashed to 32 bytes first. */
export function tokenMatches(given: string | undefined, token: string): boolean {
  if (given === undefined || given.length === 0) return false;
  return timingSafeEqual(sha256(given), sha256(token));
}

/** The cookie's signing key, derived from the token: a new ADMIN_TOKEN ends every session. */
const sessionKey = (token: string) => createHmac('sha256', token).update('faro admin session v1').digest();

const sign = (token: string, expiry: string) => createHmac('sha256', sessionKey(token)).update(expiry).digest('base64url');

/** A session cookie's value that is good until `expiresAt` (seconds since epoch). */
export function sessionValue(token: string, expiresAt: number): string {
  const expiry = String(Math.floor(expiresAt));
  return `${expiry}.${sign(token, expiry)}`;
}

/** True for an unexpired value this token signed. */
export function validSession(value: string, token: string, nowSeconds: number): boolean {
  const m = SESSION_RE.exec(value);
  if (!m) return false;
  const [, expiry, mac] = m as unknown as [string, string, string];
  const good = timingSafeEqual(Buffer.from(sign(token, expiry)), Buffer.from(mac));
  return good && Number(expiry) > nowSeconds;
}

/** Every value sent for a cookie name (a browser may send the same name twice). */
export function cookieValues(req: Request, name: string): string[] {
  const out: string[] = [];
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq >= 0 && pair.slice(0, eq).trim() === name) out.push(pair.slice(eq + 1).trim());
  }
  return out;
}

/** The token from `Authorization: Bearer <token>`, if that header is there. */
export function bearerToken(req: Request): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
  return m?.[1];
}

export function cookieOptions(path: string, secure: boolean, maxAgeMs?: number): CookieOptions {
  return { httpOnly: true, sameSite: 'strict', path, secure, ...(maxAgeMs !== undefined ? { maxAge: maxAgeMs } : {}) };
}

/** This site's origins: as the request arrived, and over https when cookies are Secure (TLS ends at a proxy). */
function ownOrigins(req: Request, secure: boolean): string[] {
  const host = req.get('host')?.toLowerCase();
  if (!host) return [];
  return [`${req.protocol}://${host}`, ...(secure ? [`https://${host}`] : [])];
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Cross-site request forgery: a POST saying where it comes from (Origin, else Referer) must come
 * from this site; "null" (a sandboxed or privacy-stripped origin) is refused. A POST with neither
 * header is a script, not a browser; it carries no SameSite=Strict cookie from another site anyway.
 */
export function sameOrigin(secure: boolean): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    const referer = req.get('referer');
    const from = origin !== undefined ? (origin === 'null' ? 'null' : originOf(origin)) : referer !== undefined ? originOf(referer) : undefined;
    if ((origin !== undefined || referer !== undefined) && (from === undefined || !ownOrigins(req, secure).includes(from))) {
      res.status(403).type('text/plain').send('Refused: this form was sent from another site. Open /admin on this server and try again.');
      return;
    }
    next();
  };
}

/**
 * Guesses of the token, per address: failed logins, and API or CSV requests with a wrong
 * bearer token (a bearer header would otherwise be a way around the login limit). Successful
 * requests do not count, and neither do plain page views.
 */
export function guessLimiter(options: { windowMs?: number; limit?: number; refusePost?: (res: Response, message: string) => void } = {}): RequestHandler {
  const minutes = Math.round((options.windowMs ?? 15 * 60_000) / 60_000);
  return rateLimit({
    windowMs: options.windowMs ?? 15 * 60_000,
    limit: options.limit ?? 10,
    skipSuccessfulRequests: true,
    skip: (req) => req.method !== 'POST' && bearerToken(req) === undefined,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res) => {
      const message = `Too many wrong tokens from this address. Wait ${minutes} minutes, then try again.`;
      if (req.method === 'POST' && options.refusePost) options.refusePost(res.status(429), message);
      else if (req.method === 'POST') res.status(429).type('text/plain').send(message);
      else res.status(429).json({ error: 'too_many_requests', message });
    },
  });
}
