import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBotApi, textUpdate } from './helpers/fake-bot-api.js';
import { FakeGraphApi, GRAPH_TOKEN, inboundMessage, PHONE_NUMBER_ID, sign, webhookPayload } from './helpers/fake-graph-api.js';
import { spawnFaro } from './helpers/faro-process.js';

let child: ChildProcess | undefined;
let api: FakeBotApi | undefined;
let graph: FakeGraphApi | undefined;
afterEach(async () => {
  child?.kill('SIGKILL');
  await api?.stop();
  await graph?.stop();
  child = api = graph = undefined;
});

/** `npm start` with a fresh data folder; checks the user-key secret it must create there. */
async function startFaro(env: Record<string, string>): Promise<{ url: string; output: () => string }> {
  const data = mkdtempSync(join(tmpdir(), 'faro-main-'));
  const faro = await spawnFaro({ DATABASE_PATH: join(data, 'faro.db'), ...env });
  child = faro.child;
  expect(existsSync(join(data, 'user-key.secret'))).toBe(true);
  return faro;
}

describe('npm start', () => {
  it('starts without any token, reports ready, and stops cleanly on SIGTERM', async () => {
    const { url, output } = await startFaro({});
    const ready = await fetch(`${url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, database: 'open' });
    expect(output()).toContain('TELEGRAM_BOT_TOKEN is not set');
    // The newcomer's first sight: the web chat, answering an offer.
    const page = await fetch(`${url}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(await page.text()).toContain('<textarea');
    const chat = await fetch(`${url}/web/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'Pase directo a USA 100% garantizado, anticipo de 500 dólares por Elektra', lang: 'es' }),
    });
    expect(chat.status).toBe(200);
    expect(JSON.stringify(await chat.json())).toContain('⛔');
    const exited = new Promise<number | null>((r) => child!.once('exit', r));
    child!.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 90_000);

  it('with TELEGRAM_BOT_TOKEN and TELEGRAM_API_ROOT runs the bot by polling', async () => {
    api = await new FakeBotApi().start();
    await startFaro({ TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    api.push(textUpdate(77, '/start', 'fr'));
    await api.until((calls) => calls.some((c) => c.method === 'sendMessage' && c.payload.chat_id === 77), 30_000);
    expect(api.callsTo('setMyCommands')).toHaveLength(10);
  }, 90_000);

  it('with the WHATSAPP_* variables answers a signed message through the Graph API', async () => {
    graph = await new FakeGraphApi().start();
    const secret = 'whatsappappsecret0123456789abcdef';
    const { url } = await startFaro({
      WHATSAPP_TOKEN: GRAPH_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: secret,
      WHATSAPP_VERIFY_TOKEN: 'verify-me-please',
      WHATSAPP_API_BASE: graph.apiBase,
    });
    const challenge = await fetch(`${url}/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=verify-me-please&hub.challenge=4242`);
    expect(await challenge.text()).toBe('4242');
    const body = JSON.stringify(webhookPayload([inboundMessage('5215512345678', 'text', { text: { body: 'hola' } })]));
    const res = await fetch(`${url}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(secret, body) }, body });
    expect(res.status).toBe(200);
    const end = Date.now() + 30_000;
    while (!graph.requests.some((r) => (r.body as { to?: string }).to === '5215512345678') && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    const sent = graph.requests.find((r) => (r.body as { to?: string }).to === '5215512345678');
    expect(sent?.path).toBe(`/v23.0/${PHONE_NUMBER_ID}/messages`);
    expect(sent?.authorization).toBe(`Bearer ${GRAPH_TOKEN}`);
  }, 90_000);

  it('with ADMIN_TOKEN serves the trends dashboard behind a login', async () => {
    const token = 'admin-token-0123456789abcdef';
    const { url } = await startFaro({ ADMIN_TOKEN: token });
    const page = await fetch(`${url}/admin`);
    expect(await page.text()).toMatch(/<form[^>]+action="\/admin\/login"/);
    expect((await fetch(`${url}/admin/api/trends`)).status).toBe(401);
    const trends = await fetch(`${url}/admin/api/trends`, { headers: { authorization: `Bearer ${token}` } });
    expect(trends.status).toBe(200);
    expect(await trends.json()).toMatchObject({ suppressed_below: 5 });
  }, 90_000);

  it('refuses a bad variable with a message naming it', async () => {
    await expect(startFaro({ TELEGRAM_BOT_TOKEN: 'not-a-token' })).rejects.toThrow(/TELEGRAM_BOT_TOKEN looks wrong/);
  }, 90_000);
});
