import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_COOKIE, sessionValue } from '../../src/admin/auth.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, type TestWorld } from '../helpers/conversation.js';
import { adminRouter, seed, TOKEN } from './seed.js';

let world: TestWorld;
let store: Store;
const servers: Server[] = [];
let base: string;
let cookie: string;

async function start(overrides = {}): Promise<string> {
  const app = await startApp(world, { channels: [{ path: '/admin', router: adminRouter(store, overrides) }] });
  servers.push(app.server);
  return app.base;
}

const form = (token: string) => new URLSearchParams({ token }).toString();
const login = (at: string, token: string, headers: Record<string, string> = {}) =>
  fetch(`${at}/admin/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form(token) });
const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { redirect: 'manual', headers });

beforeAll(async () => {
  world = await loadWorld();
  store = await openStore({ path: ':memory:' });
  await seed(store);
  base = await start();
  const res = await login(base, TOKEN, { origin: base });
  cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
}, 120_000);

afterAll(async () => {
  for (const s of servers) s.close();
  await store?.close();
});

describe('admin: logging in', () => {
  it('shows a login form, not the dashboard, without a session; the API and CSV answer 401', async () => {
    const page = await get('/admin');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toMatch(/<label for="token">Admin token<\/label>\s*<input id="token" name="token" type="password"/);
    expect(html).not.toContain('Checks per week');
    expect(page.headers.get('cache-control')).toBe('no-store');
    for (const path of ['/admin/api/trends', '/admin/export.csv']) {
      const res = await get(path);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await res.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('refuses a wrong token with 401 and no cookie', async () => {
    const res = await login(base, 'x'.repeat(32), { origin: base });
    expect(res.status).toBe(401);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await res.text()).toContain('That token is not right');
  });

  it('sets an HttpOnly, SameSite=Strict cookie for /admin for 8 hours and shows the dashboard', async () => {
    const res = await login(base, TOKEN, { origin: base });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin');
    const [set] = res.headers.getSetCookie();
    expect(set).toMatch(new RegExp(`^${ADMIN_COOKIE}=\\d+\\.[A-Za-z0-9_-]{43};`));
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(set).toContain('Path=/admin;');
    expect(set).toContain('Max-Age=28800');
    expect(set).not.toContain('Secure');
    const page = await get('/admin', { cookie });
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('same-origin');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html).not.toContain('<script');
    for (const text of ['Checks per week', '<svg', '<option value="casa-norte">Casa Norte</option>', 'Casa Sur (inactive)', 'c0ffee12', 'referrals/mx.yaml: phone is missing', 'guidance/fr/bus.md', 'Log out', 'Download CSV']) {
      expect(html).toContain(text);
    }
    expect(html).toMatch(/Warning signs trending up[^<]*<\/h2>\s*<ul class="plain" id="trending"><li>Extortion<\/li>/);
  });

  it('marks the cookie Secure when configured', async () => {
    const at = await start({ secureCookies: true });
    const res = await login(at, TOKEN, { origin: at });
    expect(res.headers.getSetCookie()[0]).toContain('Secure');
  });

  it('refuses a forged or expired cookie', async () => {
    const [expiry, mac] = cookie.split('=')[1]!.split('.') as [string, string];
    const later = `${Number(expiry) + 3600}.${mac}`;
    const flipped = `${expiry}.${mac[0] === 'A' ? 'B' : 'A'}${mac.slice(1)}`;
    const otherKey = sessionValue('y'.repeat(32), Number(expiry));
    const expired = sessionValue(TOKEN, Math.floor(Date.now() / 1000) - 1);
    for (const value of [later, flipped, otherKey, expired, 'garbage']) {
      const page = await get('/admin', { cookie: `${ADMIN_COOKIE}=${value}` });
      expect(await page.text(), value).toContain('Admin token');
      expect((await get('/admin/api/trends', { cookie: `${ADMIN_COOKIE}=${value}` })).status, value).toBe(401);
    }
    expect((await get('/admin/api/trends', { cookie: `${ADMIN_COOKIE}=${sessionValue(TOKEN, Math.floor(Date.now() / 1000) + 60)}` })).status).toBe(200);
  });

  it('accepts the token as a bearer header on the API and the CSV, and refuses a wrong one', async () => {
    expect((await get('/admin/api/trends', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get('/admin/export.csv', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect((await get('/admin/api/trends', { authorization: 'Bearer wrong-token' })).status).toBe(401);
    // A bearer header does not open the HTML page.
    expect(await (await get('/admin', { authorization: `Bearer ${TOKEN}` })).text()).toContain('Admin token');
  });

  it('limits wrong tokens per address: 429 after 10, even for the right token, and bearer guesses count', async () => {
    const at = await start();
    for (let i = 0; i < 10; i++) expect((await login(at, `wrong-${i}`)).status).toBe(401);
    const refused = await login(at, TOKEN);
    expect(refused.status).toBe(429);
    expect(await refused.text()).toContain('Too many wrong tokens from this address. Wait 15 minutes');
    expect(refused.headers.getSetCookie()).toEqual([]);
    const api = await fetch(`${at}/admin/api/trends`, { headers: { authorization: 'Bearer wrong' } });
    expect(api.status).toBe(429);

    const other = await start();
    for (let i = 0; i < 10; i++) expect((await fetch(`${other}/admin/api/trends`, { headers: { authorization: `Bearer wrong-${i}` } })).status).toBe(401);
    expect((await login(other, TOKEN)).status).toBe(429);
  });

  it('refuses a cross-site POST (Origin or Referer) with 403, and logs out with a same-site one', async () => {
    const evil = 'http://evil.example';
    expect((await login(base, TOKEN, { origin: evil })).status).toBe(403);
    expect((await login(base, TOKEN, { origin: 'null' })).status).toBe(403);
    expect((await login(base, TOKEN, { referer: `${evil}/page` })).status).toBe(403);
    expect((await login(base, TOKEN, { referer: `${base}/admin` })).status).toBe(303);
    const out = (origin: string) => fetch(`${base}/admin/logout`, { method: 'POST', redirect: 'manual', headers: { origin, cookie } });
    const refused = await out(evil);
    expect(refused.status).toBe(403);
    expect(refused.headers.getSetCookie()).toEqual([]);
    const ok = await out(base);
    expect(ok.status).toBe(303);
    expect(ok.headers.getSetCookie()[0]).toMatch(new RegExp(`^${ADMIN_COOKIE}=;.*Path=/admin;.*Expires=Thu, 01 Jan 1970`));
  });

  it('refuses a token shorter than 24 characters', () => {
    expect(() => adminRouter(store, { token: 'short' })).toThrow(/at least 24 characters/);
  });
});

describe('admin: CSV and JSON', () => {
  const csvRows = (text: string) => text.trimEnd().split('\r\n').map((l) => l.split(','));

  it('exports a CSV attachment named with the date, with withheld counts as "suppressed"', async () => {
    const res = await get('/admin/export.csv?weeks=4', { cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="faro-trends-all-4w-2026-03-04.csv"');
    const rows = csvRows(await res.text());
    expect(rows[0]).toEqual(['week', 'partner', 'metric', 'value', 'count']);
    expect(rows).toContainEqual(['2026-W10', '(all)', 'check', 'high', '25']);
    expect(rows).toContainEqual(['2026-W10', '(all)', 'check', 'total', '54']);
    expect(rows).toContainEqual(['2026-W07..2026-W10', '(all)', 'check', 'total', '216']);
    expect(rows).toContainEqual(['2026-W07..2026-W10', '(all)', 'flag', 'guarantee', '36']);
    expect(rows).toContainEqual(['2026-W07..2026-W10', '(all)', 'flag', 'urgency', 'suppressed']);
    expect(rows).toContainEqual(['2026-W07..2026-W10', '(all)', 'place', 'Reynosa', 'suppressed']);
    expect(rows).toContainEqual(['2026-W07..2026-W10', '(all)', 'feedback', 'wrong', 'suppressed']);
    for (const r of rows.slice(1)) expect(r[4] === 'suppressed' || Number(r[4]) >= 5, r.join(',')).toBe(true);
  });

  it('filters the CSV by partner and never shows Casa Sur\'s small counts', async () => {
    const res = await get('/admin/export.csv?partner=casa-sur&weeks=4', { cookie });
    expect(res.headers.get('content-disposition')).toContain('filename="faro-trends-casa-sur-4w-2026-03-04.csv"');
    const rows = csvRows(await res.text());
    expect(rows.slice(1).every((r) => r[1] === 'casa-sur')).toBe(true);
    expect(rows).toContainEqual(['2026-W10', 'casa-sur', 'check', 'low', 'suppressed']);
    expect(rows).toContainEqual(['2026-W10', 'casa-sur', 'check', 'total', '7']);
    for (const r of rows.slice(1)) expect(r[4] === 'suppressed' || Number(r[4]) >= 5, r.join(',')).toBe(true);
    const none = csvRows(await (await get('/admin/export.csv?partner=_none&weeks=4', { cookie })).text());
    expect(none).toContainEqual(['2026-W10', '(none)', 'check', 'total', '26']);
  });

  it('answers the same aggregates as JSON, withheld counts as null', async () => {
    const res = await get('/admin/api/trends?partner=casa-norte&weeks=12', { authorization: `Bearer ${TOKEN}` });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Record<string, any>;
    expect(Object.keys(body)).toEqual(['partner', 'weeks', 'from', 'to', 'suppressed_below', 'checks_by_week', 'checks', 'totals', 'feedback', 'trending_up']);
    expect(body).toMatchObject({ partner: 'casa-norte', weeks: 12, from: '2025-12-15', to: '2026-03-04', suppressed_below: 5 });
    expect(body.checks_by_week).toHaveLength(12);
    expect(body.checks_by_week[0]).toEqual({ week: '2025-W51', start: '2025-12-15', high: null, medium: null, low: null, total: null });
    expect(body.checks_by_week[11]).toMatchObject({ week: '2026-W10', start: '2026-03-02', medium: 6, total: 21 });
    expect(Object.keys(body.totals)).toEqual(['warning_signs', 'languages', 'offer_languages', 'channels', 'places']);
    expect(body.totals.warning_signs).toEqual([{ value: 'guarantee', count: 36 }]);
    expect(body.trending_up).toMatchObject({ week: '2026-W10', warning_signs: [] });
    const numbers: number[] = [];
    const walk = (v: unknown, key: string): void => {
      if (typeof v === 'number' && key !== 'suppressed_below' && key !== 'weeks') numbers.push(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, Array.isArray(v) ? key : k);
    };
    walk(body, '');
    expect(numbers.filter((n) => n < 5)).toEqual([]);
  });

  it('answers 400 for a bad filter', async () => {
    for (const q of ['weeks=5', 'weeks=abc', 'partner=Not%20An%20Id']) {
      const res = await get(`/admin/api/trends?${q}`, { cookie });
      expect(res.status, q).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'bad_request' });
    }
  });
});
