import { Writable } from 'node:stream';
import { Router } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/http/app.js';
import { createMetrics } from '../../src/http/metrics.js';
import { listen } from '../../src/http/server.js';
import { startApp } from '../helpers/app.js';
import { loadWorld, type TestWorld } from '../helpers/conversation.js';

let world: TestWorld;
const servers: { close(): void }[] = [];
beforeAll(async () => {
  world = await loadWorld();
}, 120_000);
afterAll(() => servers.forEach((s) => s.close()));

async function app(overrides: Parameters<typeof startApp>[1] = {}) {
  const started = await startApp(world, overrides);
  servers.push(started.server);
  return started;
}

const OFFER = 'Pase directo a USA 100% garantizado, sin caminar. Anticipo de 500 dólares por Elektra, últimos lugares.';
// Responses are checked field by field below; their shape is what is under test.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (res: Response): Promise<any> => res.json();
const check = (base: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/api/v1/check`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });

describe('health and readiness', () => {
  it('/healthz is alive; /readyz reports the database and the content', async () => {
    const { base } = await app({ databaseOk: async () => true });
    expect(await json(await fetch(`${base}/healthz`))).toEqual({ ok: true });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toMatchObject({ ok: true, database: 'open', content: { version: world.content.fingerprint } });
  });

  it('/readyz is 503 when the database does not answer', async () => {
    const { base } = await app({ databaseOk: async () => false });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    expect(await json(ready)).toMatchObject({ ok: false, database: 'not answering' });
  });
});

describe('hardening', () => {
  it('sends security headers and a request id, keeping a well-formed one from the caller', async () => {
    const { base } = await app();
    const res = await fetch(`${base}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-powered-by')).toBeNull();
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${base}/healthz`, { headers: { 'x-request-id': 'abc12345-from-proxy' } })).headers.get('x-request-id')).toBe('abc12345-from-proxy');
    expect((await fetch(`${base}/healthz`, { headers: { 'x-request-id': '<script>' } })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers unknown paths with a JSON 404', async () => {
    const { base } = await app();
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await json(res)).toMatchObject({ error: 'not_found' });
  });

  it('logs requests by path and status, never bodies, query strings or cookies', async () => {
    let logged = '';
    const log = pino({ level: 'trace' }, new Writable({ write: (c, _e, done) => ((logged += String(c)), done()) }));
    const { base } = await app({ log });
    await check(base, { text: `${OFFER} Rigoberta` }, { cookie: 'faro_sid=SESSIONCOOKIE' });
    await fetch(`${base}/whatsapp/webhook?hub.verify_token=VERYSECRET&hub.challenge=1`);
    expect(logged).toContain('"path":"/api/v1/check"');
    expect(logged).toContain('"status":200');
    expect(logged).not.toMatch(/Rigoberta|Elektra|VERYSECRET|SESSIONCOOKIE/);
  });
});

describe('POST /api/v1/check', () => {
  it('returns the check result and the advice in the asked language', async () => {
    const { base } = await app();
    const res = await check(base, { text: OFFER, lang: 'ar' });
    expect(res.status).toBe(200);
    const body = await json(res);
    expect(body).toMatchObject({ risk: 'high', language: 'es' });
    expect(body.flags.map((f: { id: string }) => f.id)).toEqual(expect.arrayContaining(['guarantee', 'advance_payment', 'urgency']));
    for (const f of body.flags) for (const e of f.evidence) expect(OFFER.slice(e.start, e.end)).toBe(e.text);
    expect(body.advice).toMatchObject({ lang: 'ar', dir: 'rtl', risk: world.i18n.t('ar')('check.risk_high') });
    expect(body.advice.flags[0].name).toBe(world.i18n.t('ar')(`flags:${body.flags[0].id}.name`));
    expect(body.advice.next_steps.length).toBeGreaterThanOrEqual(2);
    expect(body.advice.next_steps[0].summary).toBe(world.content.library.page(body.advice.next_steps[0].id, 'ar')!.summary);
  });

  it('without lang, advises in the offer\'s language; low risk never reads as safe', async () => {
    const { base } = await app();
    const body = await json(await check(base, { text: 'Vendemos pan dulce y café todas las mañanas cerca de la terminal de autobuses.' }));
    expect(body.risk).toBe('low');
    expect(body.advice).toMatchObject({ lang: 'es', risk: world.i18n.t('es')('check.risk_low'), note: world.i18n.t('es')('check.low_why') });
  });

  it('explains what is wrong with a bad request', async () => {
    const { base } = await app();
    const cases: Array<[unknown, number, RegExp]> = [
      [{}, 400, /"text" must be a string/],
      [{ text: '   ' }, 400, /"text" is empty/],
      [{ text: 'x'.repeat(20_001) }, 400, /longer than 20,000/],
      [{ text: OFFER, lang: 'xx' }, 400, /"lang" is the language of the advice, one of: es, en/],
      [{ text: OFFER, extra: 1 }, 400, /extra/],
      ['{"text": ', 400, /not valid JSON/],
      [JSON.stringify({ text: 'x'.repeat(70_000) }), 413, /too large/],
    ];
    for (const [body, status, message] of cases) {
      const res = await check(base, body);
      expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(status);
      expect((await json(res)).message).toMatch(message);
    }
  });

  it('allows only listed origins from browsers', async () => {
    const { base } = await app({ api: { corsOrigins: ['https://ngo.example.org'], ratePerMinute: 100 } });
    const ok = await check(base, { text: OFFER }, { origin: 'https://ngo.example.org' });
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://ngo.example.org');
    const other = await check(base, { text: OFFER }, { origin: 'https://evil.example' });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${base}/api/v1/check`, { method: 'OPTIONS', headers: { origin: 'https://ngo.example.org', 'access-control-request-method': 'POST' } });
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('limits checks per address with a clear 429', async () => {
    const { base } = await app({ api: { corsOrigins: [], ratePerMinute: 3 } });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await check(base, { text: OFFER })).status);
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const limited = await check(base, { text: OFFER });
    expect(limited.headers.get('ratelimit-policy')).toContain('3');
    expect((await json(limited)).message).toMatch(/at most 3 checks a minute/);
  });
});

describe('/metrics', () => {
  it('counts updates, checks by risk, reply latency, send failures and the content version', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.setContentVersion('abc123');
    const { base } = await app({ metrics });
    await check(base, { text: OFFER });
    metrics.observeTurn({ channel: 'telegram', userKey: 'k' }, { replies: [], session: null, events: [{ metric: 'check', value: 'medium' }] }, 42);
    metrics.sendFailed('whatsapp');
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('faro_checks_total{channel="api",risk="high"} 1');
    expect(text).toContain('faro_checks_total{channel="telegram",risk="medium"} 1');
    expect(text).toContain('faro_updates_total{channel="telegram"} 1');
    expect(text).toContain('faro_reply_seconds_bucket{le="0.05",channel="telegram"} 1');
    expect(text).toContain('faro_send_failures_total{channel="whatsapp"} 1');
    expect(text).toContain('faro_content_info{version="abc123"} 1');
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, refuses new connections, then resolves', async () => {
    const slow = Router();
    slow.get('/slow', (_req, res) => void setTimeout(() => res.json({ done: true }), 400));
    const express = createApp({
      log: pino({ level: 'silent' }),
      metrics: createMetrics({ defaultMetrics: false }),
      conversation: world.deps,
      contentStatus: () => ({ version: 'v', loadedAt: '' }),
      channels: [{ path: '/test', router: slow }],
    });
    const running = await listen(express, 0, '127.0.0.1');
    const base = `http://127.0.0.1:${running.port}`;
    const inFlight = fetch(`${base}/test/slow`).then(json);
    await new Promise((r) => setTimeout(r, 100));
    const stopped = running.stop(5000);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
    expect(await inFlight).toEqual({ done: true });
    await stopped;
    expect(running.server.listening).toBe(false);
  });
});

describe('docs/openapi.yaml', () => {
  it('describes what the API really returns: every required field is present in a real response', async () => {
    const { readFileSync } = await import('node:fs');
    const { parse } = await import('yaml');
    const doc = parse(readFileSync(new URL('../../docs/openapi.yaml', import.meta.url), 'utf8'));
    const schemas = doc.components.schemas;
    const { base } = await app();
    const body = await json(await check(base, { text: OFFER, lang: 'en' }));
    const required = (schema: { required?: string[] }, value: Record<string, unknown>, where: string) => {
      for (const key of schema.required ?? []) expect(value, `${where}.${key}`).toHaveProperty(key);
    };
    required(schemas.CheckResponse, body, 'response');
    required(schemas.CheckResponse.properties.offer, body.offer, 'offer');
    required(schemas.CheckResponse.properties.advice, body.advice, 'advice');
    required(schemas.CheckResponse.properties.flags.items, body.flags[0], 'flags[0]');
    expect(schemas.FlagId.enum).toEqual((await import('../../src/checker/types.js')).FLAG_IDS);
    expect(Object.keys(body).filter((k) => !(k in schemas.CheckResponse.properties))).toEqual([]);
  });
});
