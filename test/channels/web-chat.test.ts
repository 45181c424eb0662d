import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebChat } from '../../src/channels/web/index.js';
import { createConversationService, type ConversationService } from '../../src/conversation/service.js';
import { decodeAction } from '../../src/conversation/types.js';
import { openStore, userKey, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, ROOT, silentLog, type TestWorld } from '../helpers/conversation.js';

const SECRET = 'w'.repeat(40);
const OFFER =
  'Pase directo a USA 100% garantizado, sin caminar. Anticipo de 500 dólares por Elektra, últimos lugares. Escríbeme al WhatsApp +52 55 1234 5678';
const FLAG_NAMES = JSON.parse(readFileSync(join(ROOT, 'locales/en/flags.json'), 'utf8')) as Record<string, { name: string }>;

let world: TestWorld;
let store: Store;
let service: ConversationService;
const servers: Server[] = [];
let base: string;
let secureBase: string;
const logged: string[] = [];

async function listen(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  world = await loadWorld();
  store = await openStore({ path: ':memory:' });
  // Everything the service and the chat log, at every level, to prove no message text gets there.
  const sink = new Writable({ write: (chunk, _enc, done) => void (logged.push(String(chunk)), done()) });
  const log = pino({ level: 'trace' }, sink);
  // A long merge window: the web chat must answer at once anyway.
  service = createConversationService({ conversation: world.deps, store, log, mergeWindowMs: 2000, ratePerMinute: 100 });
  const router = createWebChat({ service, userKeySecret: SECRET, log, i18n: world.i18n });
  const started = await startApp(world, { log, databaseOk: () => store.ping(), channels: [{ path: '/', router }] });
  servers.push(started.server);
  base = started.base;
  const secureApp = express().use('/', createWebChat({ service, userKeySecret: SECRET, log: silentLog, i18n: world.i18n, secureCookies: true }));
  secureBase = await listen(secureApp);
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.close();
  await service?.drain();
  await store?.close();
});

interface WebButton {
  label: string;
  action?: string;
  url?: string;
}
interface WebReply {
  lang: string;
  dir: string;
  parts: Array<{ text: string; style?: string; url?: string }>;
  buttons: WebButton[][];
}

/** A browser-like client: keeps the session cookie between posts. */
function client(root = base) {
  let sid: string | undefined;
  return {
    get sid() {
      return sid;
    },
    set sid(v: string | undefined) {
      sid = v;
    },
    async post(body: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(`${root}/web/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(sid ? { cookie: `faro_sid=${sid}` } : {}), ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      const setCookie = res.headers.getSetCookie();
      for (const c of setCookie) {
        const m = /^faro_sid=([^;]*)/.exec(c);
        if (m) sid = m[1] || undefined;
      }
      const json = (await res.json()) as { replies: WebReply[]; error?: string; message?: string };
      return { res, json, setCookie };
    },
  };
}

const text = (r: WebReply | undefined) => (r?.parts ?? []).map((p) => p.text).join('');
const buttons = (r: WebReply | undefined) => (r?.buttons ?? []).flat();

describe('web chat page', () => {
  it('is HTML with lang and dir, a labelled form, a live log, and no inline script', async () => {
    const res = await fetch(`${base}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html; charset=utf-8/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    const html = await res.text();
    const t = world.i18n.t('en');
    expect(html).toContain('<html lang="en" dir="ltr">');
    expect(html).toContain(`<title>${t('web.title')}</title>`);
    expect(html).toMatch(/<label for="text"[^>]*>Your message<\/label>/);
    expect(html).toMatch(/<textarea id="text"[^>]*placeholder="Paste a message or offer here…"/);
    expect(html).toContain(`>${t('web.send')}</button>`);
    expect(html).toMatch(/<label for="lang">Language<\/label>\s*<select id="lang" name="lang">/);
    expect(html).toContain('role="log" aria-live="polite"');
    expect(html).toMatch(/<header[\s>]/);
    expect(html).toMatch(/<main[\s>]/);
    expect(html).toContain('<noscript>');
    for (const lang of world.i18n.languages) expect(html).toContain(`<option value="${lang}" lang="${lang}"`);
    expect(html).toContain('>العربية</option>');
    // No inline script, no inline event handlers, no inline styles, nothing from elsewhere.
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<script[^>]*>[^<]+<\/script>/);
    expect(html).not.toMatch(/\son[a-z]+\s*=/i);
    expect(html).not.toMatch(/\sstyle\s*=/i);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  it('follows ?lang= and Accept-Language: Arabic reads right to left', async () => {
    const ar = await (await fetch(`${base}/?lang=ar`)).text();
    expect(ar).toContain('<html lang="ar" dir="rtl">');
    expect(ar).toContain('<option value="ar" lang="ar" selected>');
    expect(await (await fetch(`${base}/`, { headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.8' } })).text()).toContain('<html lang="fr" dir="ltr">');
    expect(await (await fetch(`${base}/`, { headers: { 'accept-language': 'de-DE, ar;q=0.5, es;q=0.7' } })).text()).toContain('<html lang="es"');
    expect(await (await fetch(`${base}/?lang=xx`, { headers: { 'accept-language': 'ar' } })).text()).toContain('<html lang="ar" dir="rtl">');
    expect(await (await fetch(`${base}/?lang=%3Cscript%3E`)).text()).toContain('<html lang="en" dir="ltr">');
  });
});

describe('web chat static files', () => {
  async function assets() {
    const html = await (await fetch(`${base}/`)).text();
    const js = /<script src="([^"]+)"/.exec(html)?.[1];
    const css = /<link rel="stylesheet" href="([^"]+)"/.exec(html)?.[1];
    return { html, js: js!, css: css! };
  }

  it('serves app.js and app.css with a version, a long cache and an ETag', async () => {
    const { js, css } = await assets();
    expect(js).toMatch(/^\/web\/app\.js\?v=[\w-]+$/);
    expect(css).toMatch(/^\/web\/app\.css\?v=[\w-]+$/);
    for (const [path, type] of [
      [js, 'text/javascript'],
      [css, 'text/css'],
    ] as const) {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain(type);
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const etag = res.headers.get('etag')!;
      expect(etag).toMatch(/^"[\w-]+"$/);
      expect((await fetch(`${base}${path}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
      // Without the current version: still served, but revalidated.
      const stale = await fetch(`${base}${path.replace(/\?v=.*/, '?v=old')}`);
      expect(stale.status).toBe(200);
      expect(stale.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('weighs under 30 KB for page, script and style together, and builds the DOM without innerHTML', async () => {
    const { html, js, css } = await assets();
    const script = await (await fetch(`${base}${js}`)).text();
    const style = await (await fetch(`${base}${css}`)).text();
    const bytes = [html, script, style].map((s) => Buffer.byteLength(s));
    expect(bytes.reduce((a, b) => a + b, 0)).toBeLessThan(30 * 1024);
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(style).not.toMatch(/@import|@font-face|url\(/);
  });
});

describe('web chat messages', () => {
  it('answers start with the welcome and menu buttons whose actions decode, and sets the session cookie', async () => {
    const c = client();
    const { res, json, setCookie } = await c.post({ action: 'start', lang: 'en-GB' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(json.replies).toHaveLength(1);
    const r = json.replies[0]!;
    expect(r).toMatchObject({ lang: 'en', dir: 'ltr' });
    expect(text(r)).toContain(world.i18n.t('en')('welcome'));
    const actions = buttons(r).map((b) => b.action!);
    expect(actions).toEqual(expect.arrayContaining(['check', 'advice', 'legal', 'emergency', 'language', 'privacy']));
    for (const a of actions) expect(decodeAction(a), a).toBeDefined();
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^faro_sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    expect(await store.getSession(userKey(SECRET, 'web', c.sid!))).toMatchObject({ language: 'en' });
  });

  it('checks an offer at once despite the merge window: flag names and a quote of the offer', async () => {
    const c = client();
    await c.post({ action: 'start', lang: 'en' });
    const started = Date.now();
    const { res, json, setCookie } = await c.post({ text: OFFER });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(200);
    expect(setCookie).toHaveLength(0);
    const r = json.replies[0]!;
    const expected = world.content.checker.checkOffer(OFFER).flags.map((f) => f.id);
    expect(expected).toEqual(expect.arrayContaining(['guarantee', 'advance_payment', 'urgency', 'off_platform_contact']));
    for (const id of expected) expect(text(r)).toContain(FLAG_NAMES[id]!.name);
    const quotes = r.parts.filter((p) => p.style === 'quote');
    expect(quotes.length).toBeGreaterThan(0);
    for (const q of quotes) expect(OFFER).toContain(q.text);
    for (const b of buttons(r)) expect('action' in b ? decodeAction(b.action!) : new URL(b.url!)).toBeDefined();
    expect(logged.join('')).not.toContain('garantizado');
    expect(logged.join('')).not.toContain('1234 5678');
  });

  it('keeps one session per cookie: a language set once holds for the next message', async () => {
    const c = client();
    const first = await c.post({ action: 'l:es' });
    expect(first.setCookie).toHaveLength(1);
    const sid = c.sid;
    const menu = await c.post({ action: 'menu' });
    expect(menu.setCookie).toHaveLength(0);
    expect(c.sid).toBe(sid);
    expect(menu.json.replies[0]).toMatchObject({ lang: 'es', dir: 'ltr' });
    expect(text(menu.json.replies[0])).toContain(world.i18n.t('es')('menu.title'));
    const ar = await c.post({ action: 'l:ar' });
    expect(ar.json.replies[0]).toMatchObject({ lang: 'ar', dir: 'rtl' });
    // Another browser, another session.
    const other = await client().post({ action: 'menu', lang: 'fr' });
    expect(other.json.replies[0]).toMatchObject({ lang: 'fr' });
  });

  it('replaces a malformed cookie, and sets Secure when asked to', async () => {
    const c = client();
    c.sid = 'not-a-real-session';
    const { setCookie } = await c.post({ action: 'start' });
    expect(setCookie[0]).toMatch(/^faro_sid=[A-Za-z0-9_-]{43}; /);
    const secure = await client(secureBase).post({ action: 'start' });
    expect(secure.setCookie[0]).toMatch(/; HttpOnly; Secure; SameSite=Strict$/);
  });

  it('forgets: deletes the session row and clears the cookie', async () => {
    const c = client();
    await c.post({ action: 'start', lang: 'es' });
    const key = userKey(SECRET, 'web', c.sid!);
    expect(await store.getSession(key)).toBeDefined();
    const { res, json, setCookie } = await c.post({ action: 'forget' });
    expect(res.status).toBe(200);
    expect(text(json.replies[0])).toContain(world.i18n.t('es')('privacy.forgotten'));
    expect(setCookie).toHaveLength(1);
    expect(setCookie[0]).toMatch(/^faro_sid=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; SameSite=Strict$/);
    expect(c.sid).toBeUndefined();
    expect(await store.getSession(key)).toBeUndefined();
  });
});

describe('web chat refuses', () => {
  async function refused(body: unknown, status: number, message: RegExp, headers: Record<string, string> = {}) {
    const { res, json, setCookie } = await client().post(body, headers);
    expect(res.status, JSON.stringify(json)).toBe(status);
    expect(json.message).toMatch(message);
    expect(json.error).toEqual(expect.any(String));
    // Nothing refused ever opens a session.
    expect(setCookie).toHaveLength(0);
    return json;
  }

  it('bad JSON, without echoing it', async () => {
    const json = await refused('{"text": "secret offer', 400, /not valid JSON/);
    expect(JSON.stringify(json)).not.toContain('secret');
    await refused('"just a string"', 400, /not valid JSON/);
  });

  it('a body that is not one of text or action', async () => {
    await refused({ text: 'hola', action: 'start' }, 400, /exactly one of "text" or "action"/);
    await refused({ lang: 'es' }, 400, /exactly one of "text" or "action"/);
    await refused([{ text: 'hola' }], 400, /JSON object/);
    await refused({ text: 42 }, 400, /text must be a string/);
    await refused({ text: '   ' }, 400, /text is empty/);
    await refused({ text: 'hola', extra: 1 }, 400, /unknown field "extra"/);
    await refused({ action: 'start', lang: '<b>' }, 400, /language tag/);
  });

  it('an unknown or forged action', async () => {
    await refused({ action: 'launch_missiles' }, 400, /unknown action/);
    await refused({ action: 'l:xx' }, 400, /unknown action/);
    await refused({ action: 's:not_a_flag' }, 400, /unknown action/);
  });

  it('text over 20,000 characters, and a body over 64 KB', async () => {
    await refused({ text: 'a'.repeat(20_001) }, 400, /longer than 20,000/);
    await refused({ text: 'a'.repeat(70_000) }, 413, /64 KB/);
    const ok = await client().post({ text: `${OFFER} ${'a'.repeat(20_000 - OFFER.length - 1)}` });
    expect(ok.res.status).toBe(200);
  });

  it('anything but JSON (415), so a plain cross-site form cannot post', async () => {
    await refused('text=hola', 415, /Content-Type: application\/json/, { 'content-type': 'application/x-www-form-urlencoded' });
    await refused('{"text": "hola"}', 415, /Content-Type: application\/json/, { 'content-type': 'text/plain' });
  });

  it('a foreign Origin (403), but not its own', async () => {
    await refused({ action: 'start' }, 403, /Origin/, { origin: 'https://evil.example' });
    await refused({ action: 'start' }, 403, /Origin/, { origin: 'null' });
    await refused({ action: 'start' }, 403, /Origin/, { origin: base.replace('http:', 'https:') });
    const own = await client().post({ action: 'start' }, { origin: base });
    expect(own.res.status).toBe(200);
    // Behind a TLS-ending proxy with Secure cookies, the https origin of the same host is its own.
    const proxied = await client(secureBase).post({ action: 'start' }, { origin: secureBase.replace('http:', 'https:') });
    expect(proxied.res.status).toBe(200);
  });

  it('leaves other routes alone', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/web/nothing-here`)).status).toBe(404);
    expect((await fetch(`${base}/web/messages`)).status).toBe(404);
  });
});
