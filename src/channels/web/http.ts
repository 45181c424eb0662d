import { randomBytes } from 'node:crypto';
import type { CookieOptions, Request } from 'express';
import { z } from 'zod';
import { encodeAction, type Reply, type Segment } from '../../conversation/types.js';

/** The session cookie: 32 random bytes, base64url; it only ever becomes an HMAC user key. */
export const COOKIE = 'faro_sid';
const SID = /^[A-Za-z0-9_-]{43}$/;

export type WebButton = { label: string; action: string } | { label: string; url: string };

/** A reply as the page receives it: buttons carry encoded actions. */
export interface WebReply {
  lang: Reply['lang'];
  dir: Reply['dir'];
  parts: Segment[];
  buttons: WebButton[][];
}

export const MessageBody = z
  .strictObject(
    {
      text: z
        .string({ error: 'text must be a string' })
        .min(1, 'text is empty')
        .max(20_000, 'text is longer than 20,000 characters')
        .refine((s) => s.trim().length > 0, 'text is empty')
        .optional(),
      action: z.string({ error: 'action must be a string' }).min(1, 'action is empty').max(100, 'action is longer than 100 characters').optional(),
      lang: z
        .string({ error: 'lang must be a string' })
        .regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}$/, 'lang must be a language tag such as "es" or "es-MX"')
        .optional(),
    },
    { error: (i) => (i.code === 'unrecognized_keys' ? undefined : 'send a JSON object such as {"text": "the offer"} or {"action": "start"}') },
  )
  .refine((b) => (b.text === undefined) !== (b.action === undefined), 'send exactly one of "text" or "action"');

/** Zod issues as one readable sentence. */
export function issues(error: z.ZodError): string {
  return error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}` : i.message)).join('; ');
}

export const newSid = (): string => randomBytes(32).toString('base64url');

/** The session id from the Cookie header, or undefined when absent or not one Faro made. */
export function readSid(req: Request): string | undefined {
  for (const pair of (req.get('cookie') ?? '').split(';')) {
    const eq = pair.indexOf('=');
    if (eq < 0 || pair.slice(0, eq).trim() !== COOKIE) continue;
    const value = pair.slice(eq + 1).trim();
    if (SID.test(value)) return value;
  }
  return undefined;
}

/** No maxAge: the cookie ends with the browser session. */
export const cookieOptions = (secure: boolean): CookieOptions => ({ httpOnly: true, sameSite: 'strict', path: '/', secure });

/** The origins this request may come from: its own, and https when cookies are Secure (TLS ends at a proxy). */
function ownOrigins(req: Request, secure: boolean): string[] {
  const host = req.get('host')?.toLowerCase();
  if (!host) return [];
  return [`${req.protocol}://${host}`, ...(secure ? [`https://${host}`] : [])];
}

/**
 * Cross-site request forgery defences: only JSON (a plain form cannot send it), and when the
 * browser says where the request comes from, it must be this site.
 */
export function checkRequest(req: Request, secure: boolean): { status: number; error: string; message: string } | undefined {
  const origin = req.get('origin');
  if (origin !== undefined && !ownOrigins(req, secure).includes(origin.toLowerCase())) {
    return { status: 403, error: 'forbidden', message: 'cross-site request refused: the Origin header is not this site' };
  }
  if (!req.is('application/json')) {
    return { status: 415, error: 'unsupported_media_type', message: 'send the message as JSON with Content-Type: application/json' };
  }
  return undefined;
}

/** Picture uploads: the same Origin rule; the body is the image itself, sent with its own type. */
export function checkImageRequest(req: Request, secure: boolean): { status: number; error: string; message: string } | undefined {
  const origin = req.get('origin');
  if (origin !== undefined && !ownOrigins(req, secure).includes(origin.toLowerCase())) {
    return { status: 403, error: 'forbidden', message: 'cross-site request refused: the Origin header is not this site' };
  }
  // A plain form cannot send image/* either: a cross-site script would need a CORS preflight, which fails.
  if (!req.is('image/*')) {
    return { status: 415, error: 'unsupported_media_type', message: 'send the picture as the body with its type, e.g. Content-Type: image/png, image/jpeg or image/webp' };
  }
  return undefined;
}

/** A language tag as the chat sends it, e.g. "es" or "es-MX". */
export const LANG_TAG = /^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8}){0,4}$/;

export function toWebReply(r: Reply): WebReply {
  return {
    lang: r.lang,
    dir: r.dir,
    parts: r.parts.map((s) => ({ ...s })),
    buttons: (r.buttons ?? []).map((row) => row.map((b): WebButton => ('url' in b ? { label: b.label, url: b.url } : { label: b.label, action: encodeAction(b.action) }))),
  };
}
