import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { ConversationService } from '../../conversation/service.js';
import { decodeAction, type Action, type Inbound, type Reply } from '../../conversation/types.js';
import type { Language } from '../../content/schemas.js';
import type { I18n } from '../../i18n.js';
import { errorForLog } from '../../log-safe.js';
import { userKey } from '../../store/index.js';
import { loadAsset, serveAsset } from './assets.js';
import { readImage, unreadImage, type ImageReader } from '../../ocr/inbound.js';
import { COOKIE, LANG_TAG, MessageBody, checkImageRequest, checkRequest, cookieOptions, issues, newSid, readSid, toWebReply } from './http.js';
import { pageLanguage, renderPage } from './page.js';

export { COOKIE, type WebButton, type WebReply } from './http.js';

export interface WebChatDeps {
  service: ConversationService;
  userKeySecret: string;
  log: Logger;
  i18n: I18n;
  /** Set the cookie's Secure flag (behind https); default false. */
  secureCookies?: boolean;
  /**
   * Messages a minute from one address. The per-person limit needs the cookie, which a script
   * can drop; this one cannot be dodged. Generous: a shelter's whole Wi-Fi shares one address.
   */
  addressRatePerMinute?: number;
  /** Reads uploaded pictures (OCR) at POST /web/images; without it the page has no photo button. */
  images?: { reader: ImageReader; maxBytes: number };
}

/**
 * The page's own policy, used when nothing in front (helmet) has set one: scripts, styles
 * and requests only from this server, nothing inline, no framing.
 */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/**
 * The web chat, to mount at '/': GET / (the page), GET /web/app.js and /web/app.css, and
 * POST /web/messages, which answers a turn's replies in its response.
 *
 * @example
 * createApp({ ..., channels: [{ path: '/', router: createWebChat({ service, userKeySecret, log, i18n }) }] });
 */
export function createWebChat(deps: WebChatDeps): Router {
  const { service, log, i18n } = deps;
  const secure = deps.secureCookies ?? false;
  const css = loadAsset('app.css');
  const js = loadAsset('app.js');
  const pages = new Map<string, string>();
  const router = express.Router();

  router.get('/', (req, res) => {
    const lang: Language = pageLanguage(req, i18n.languages);
    const cacheKey = `${req.baseUrl}|${lang}`;
    let html = pages.get(cacheKey);
    if (html === undefined) {
      html = renderPage({ i18n, lang, base: req.baseUrl, css, js, ...(deps.images ? { images: { maxBytes: deps.images.maxBytes } } : {}) });
      pages.set(cacheKey, html);
    }
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Vary', 'Accept-Language');
    if (!res.getHeader('Content-Security-Policy')) res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.send(html);
  });
  router.get('/web/app.css', serveAsset(css));
  router.get('/web/app.js', serveAsset(js));

  const guard: RequestHandler = (req, res, next) => {
    const refused = checkRequest(req, secure);
    if (refused) {
      res.status(refused.status).json({ error: refused.error, message: refused.message });
      return;
    }
    next();
  };

  const handle: RequestHandler = async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const parsed = MessageBody.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'bad_request', message: issues(parsed.error) });
      return;
    }
    const { text, action: encoded, lang } = parsed.data;
    let action: Action | undefined;
    if (encoded !== undefined) {
      action = decodeAction(encoded);
      if (!action) {
        res.status(400).json({ error: 'bad_request', message: 'unknown action: send an action from a button the chat gave you, e.g. "start"' });
        return;
      }
    }
    const existing = readSid(req);
    const sid = existing ?? newSid();
    const inbound: Inbound = {
      channel: 'web',
      userKey: userKey(deps.userKeySecret, 'web', sid),
      ...(text !== undefined ? { text } : {}),
      ...(action ? { action } : {}),
      ...(lang ? { localeHint: lang } : {}),
    };
    const replies: Reply[] = [];
    try {
      await service.receive(inbound, async (r) => void replies.push(...r), { merge: false });
    } catch (e) {
      log.error({ err: errorForLog(e), channel: 'web' }, 'web chat turn failed');
      res.status(500).json({ error: 'internal', message: 'something went wrong on our side; try again' });
      return;
    }
    if (action?.kind === 'forget') res.clearCookie(COOKIE, cookieOptions(secure));
    else if (!existing) res.cookie(COOKIE, sid, cookieOptions(secure));
    res.json({ replies: replies.map(toWebReply) });
  };

  // Body errors of this route only; the message never echoes the body.
  const onError: ErrorRequestHandler = (err, _req, res, _next) => {
    const type = typeof err?.type === 'string' ? err.type : '';
    const status = typeof err?.status === 'number' ? err.status : 500;
    res.setHeader('Cache-Control', 'no-store');
    if (type === 'entity.parse.failed') res.status(400).json({ error: 'bad_json', message: 'the body is not valid JSON: send an object such as {"text": "the offer"}' });
    else if (type === 'entity.too.large') res.status(413).json({ error: 'too_large', message: 'the body is larger than 64 KB' });
    else if (type === 'charset.unsupported' || type === 'encoding.unsupported') res.status(415).json({ error: 'unsupported_media_type', message: 'send the body as UTF-8 JSON' });
    else if (status >= 400 && status < 500) res.status(status).json({ error: 'bad_request', message: 'the request could not be read' });
    else {
      log.error({ err: errorForLog(err), channel: 'web' }, 'web chat request failed');
      res.status(500).json({ error: 'internal', message: 'something went wrong on our side; try again' });
    }
  };

  const perAddress = rateLimit({
    windowMs: 60_000,
    limit: deps.addressRatePerMinute ?? 300,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, res) => {
      res.status(429).json({ error: 'too_many_requests', message: 'too many messages from this network; wait a minute and try again' });
    },
  });

  router.post('/web/messages', perAddress, guard, express.json({ limit: '64kb' }), handle, onError);
  if (deps.images) {
    const images = deps.images;
    /** One turn for a picture, answered like a message; `fields` says what reading it gave. */
    const turn = async (req: Request, res: Response, fields: (key: string, lang?: string) => Promise<Pick<Inbound, 'text' | 'image'>>, status = 200) => {
      res.setHeader('Cache-Control', 'no-store');
      const lang = typeof req.query.lang === 'string' && LANG_TAG.test(req.query.lang) ? req.query.lang : undefined;
      const existing = readSid(req);
      const sid = existing ?? newSid();
      const key = userKey(deps.userKeySecret, 'web', sid);
      const replies: Reply[] = [];
      try {
        const read = await fields(key, lang);
        const inbound: Inbound = { channel: 'web', userKey: key, media: 'photo', ...read, ...(lang ? { localeHint: lang } : {}) };
        await service.receive(inbound, async (r) => void replies.push(...r), { merge: false });
      } catch (e) {
        log.error({ err: errorForLog(e), channel: 'web' }, 'web chat picture failed');
        res.status(500).json({ error: 'internal', message: 'something went wrong on our side; try again' });
        return;
      }
      if (!existing) res.cookie(COOKIE, sid, cookieOptions(secure));
      res.status(status).json({ replies: replies.map(toWebReply) });
    };
    const imageGuard: RequestHandler = (req, res, next) => {
      const refused = checkImageRequest(req, secure);
      if (refused) {
        res.status(refused.status).json({ error: refused.error, message: refused.message });
        return;
      }
      next();
    };
    const handleImage: RequestHandler = async (req, res) => {
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        res.status(400).json({ error: 'bad_request', message: 'the body is empty: send the picture itself' });
        return;
      }
      await turn(req, res, (key, lang) => readImage(images.reader, body, { userKey: key, ...(lang ? { localeHint: lang } : {}) }));
    };
    // Too big: still a turn, so the person reads why in their language; the picture is not read.
    const onImageError: ErrorRequestHandler = (err, req, res, next) => {
      if (err?.type === 'entity.too.large') void turn(req, res, async () => unreadImage('too_large'), 413);
      else onError(err, req, res, next);
    };
    router.post('/web/images', perAddress, imageGuard, express.raw({ type: 'image/*', limit: images.maxBytes }), handleImage, onImageError);
  }
  return router;
}
