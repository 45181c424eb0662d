// The process killed mid-burst and started again while the platforms deliver again what was not
// acknowledged: nothing lost, nothing answered twice. Real `src/main.ts` processes, Telegram by
// polling a fake Bot API, WhatsApp through its webhook with a fake Graph API; a proxy in front of
// each fake stalls the network just before the kill, so answers are caught on their way out.
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeBotApi, textUpdate } from '../helpers/fake-bot-api.js';
import { FakeGraphApi, GRAPH_TOKEN, inboundMessage, PHONE_NUMBER_ID, sign, webhookPayload } from '../helpers/fake-graph-api.js';
import { loadWorld } from '../helpers/conversation.js';
import { spawnFaro } from '../helpers/faro-process.js';
import { FaultProxy, isSend } from './proxy.js';

const APP_SECRET = 'restarttestappsecret0123456789ab';
const PARTS = ['Pase directo a USA sin caminar, 100% seguro.', 'Deposita la mitad por Elektra y la otra mitad al llegar.'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const close of closers) await close().catch(() => {});
});

async function startFaro(env: Record<string, string>) {
  const faro = await spawnFaro(env);
  children.push(faro.child);
  return faro;
}

async function until(predicate: () => boolean, what: string, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** Meta's side of the webhook: a delivery that did not get its 200 is kept and delivered again. */
class MetaDeliveries {
  private unacknowledged = new Map<string, string>();
  acknowledged = 0;
  constructor(public url: string) {}

  deliver(id: string, body: string): Promise<void> {
    this.unacknowledged.set(id, body);
    return fetch(`${this.url}/whatsapp/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(APP_SECRET, body) },
      body,
    })
      .then((res) => {
        if (res.status === 200) {
          this.unacknowledged.delete(id);
          this.acknowledged++;
        }
      })
      .catch(() => {});
  }

  /** Everything not acknowledged, delivered again at once (Meta retries each on its own). */
  redeliver(): Promise<void[]> {
    return Promise.all([...this.unacknowledged].map(([id, body]) => this.deliver(id, body)));
  }

  get pending(): number {
    return this.unacknowledged.size;
  }
}

describe('killed mid-burst, restarted while the platforms deliver again', () => {
  it('answers every person exactly once on Telegram and WhatsApp', async () => {
    const world = await loadWorld();
    const t = world.i18n.t('es');
    const riskLine = t('check.risk_high');
    const mergedLine = t('check.merged', { count: 2 });

    const api = await new FakeBotApi().start();
    const graph = await new FakeGraphApi().start();
    const telegramGate = await new FaultProxy(api.apiRoot).start();
    const graphGate = await new FaultProxy(new URL(graph.apiBase).origin).start();
    closers.push(() => api.stop(), () => graph.stop(), () => telegramGate.stop(), () => graphGate.stop());

    const data = mkdtempSync(join(tmpdir(), 'faro-restart-'));
    const env = {
      DATABASE_PATH: join(data, 'faro.db'),
      MERGE_WINDOW_MS: '4000',
      RATE_LIMIT_PER_MINUTE: '100',
      TELEGRAM_BOT_TOKEN: api.token,
      TELEGRAM_API_ROOT: telegramGate.url,
      WHATSAPP_TOKEN: GRAPH_TOKEN,
      WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
      WHATSAPP_APP_SECRET: APP_SECRET,
      WHATSAPP_VERIFY_TOKEN: 'restart-verify-token',
      WHATSAPP_API_BASE: graphGate.apiBase,
    };
    const first = await startFaro(env);
    const meta = new MetaDeliveries(first.url);

    // Telegram: people who only say /start, people whose two-part burst is answered before the
    // kill, and people whose burst is still being merged (or its answer on its way) at the kill.
    const starters = [1001, 1002, 1003, 1004, 1005, 1006];
    const early = [2001, 2002, 2003, 2004];
    const late = [3001, 3002, 3003, 3004, 3005, 3006, 3007, 3008];
    const whatsappEarly = ['5215500000001', '5215500000002', '5215500000003'];
    const whatsappLate = ['5215500000011', '5215500000012', '5215500000013', '5215500000014', '5215500000015'];
    const waDeliveries: Promise<void>[] = [];
    const waBurst = (from: string) => {
      for (const [i, part] of PARTS.entries()) {
        const message = inboundMessage(from, 'text', { text: { body: part } });
        waDeliveries.push(meta.deliver(`${message.id}-${i}`, JSON.stringify(webhookPayload([message]))));
      }
    };

    for (const chat of starters) api.push(textUpdate(chat, '/start', 'es'));
    for (const chat of early) api.push(textUpdate(chat, PARTS[0]!, 'es'));
    for (const from of whatsappEarly) waBurst(from);
    await sleep(150);
    for (const chat of early) api.push(textUpdate(chat, PARTS[1]!, 'es'));
    const sendsTo = (chat: number) => api.callsTo('sendMessage').filter((c) => c.payload.chat_id === chat);
    await until(() => [...starters, ...early].every((chat) => sendsTo(chat).length > 0), 'the first answers');

    for (const chat of late) api.push(textUpdate(chat, PARTS[0]!, 'es'));
    for (const from of whatsappLate) waBurst(from);
    await sleep(150);
    for (const chat of late) api.push(textUpdate(chat, PARTS[1]!, 'es'));
    const lateIds = new Set(late);
    await until(() => api.served >= starters.length + 2 * early.length + 2 * late.length, 'Telegram handing out every update');
    await sleep(300);
    // Mid-burst: the late bursts wait in the merge window. The network stalls, then the process dies.
    expect(api.callsTo('sendMessage').some((c) => lateIds.has(Number(c.payload.chat_id)))).toBe(false);
    telegramGate.close();
    graphGate.close();
    await sleep(400);
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    await Promise.all(waDeliveries);
    expect(meta.pending).toBeGreaterThan(0);

    // The next process, the same database; Telegram hands out what was never confirmed, Meta
    // delivers again what never got its 200.
    const second = await startFaro(env);
    telegramGate.open('second');
    graphGate.open('second');
    meta.url = second.url;
    await meta.redeliver();
    expect(meta.pending).toBe(0);

    const waSends = (to: string) => graph.sends(to).map((r) => JSON.stringify(r.body));
    const allTelegram = [...starters, ...early, ...late];
    const allWhatsApp = [...whatsappEarly, ...whatsappLate];
    await until(
      () => allTelegram.every((chat) => sendsTo(chat).length > 0) && allWhatsApp.every((from) => waSends(from).some((s) => s.includes(riskLine))),
      'every person answered after the restart',
      60_000,
    );
    // Long enough for any second answer (a merge window and then some) to show up.
    await sleep(4500);

    for (const chat of starters) expect(sendsTo(chat), `/start of ${chat}`).toHaveLength(1);
    for (const chat of [...early, ...late]) {
      const answers = sendsTo(chat).map((c) => String(c.payload.text));
      expect(answers.filter((a) => a.includes(riskLine)), `check answers to ${chat}`).toHaveLength(1);
      // Both parts were read together, before or after the restart.
      expect(answers.join('\n'), `merged answer to ${chat}`).toContain(mergedLine);
    }
    for (const from of allWhatsApp) {
      const answers = waSends(from);
      expect(answers.filter((a) => a.includes(riskLine)), `check answers to ${from}`).toHaveLength(1);
      expect(answers.join('\n')).toContain(mergedLine);
    }
    // The restart mattered: some answers went out from each process.
    const phases = new Set(telegramGate.exchanges.filter((e) => e.path.endsWith('/sendMessage') && e.outcome === 200).map((e) => e.phase));
    expect([...phases].sort()).toEqual(['first', 'second']);
    expect(graphGate.exchanges.some((e) => e.phase === 'second' && isSend(e) && e.outcome === 200)).toBe(true);
    expect(second.output()).not.toMatch(/"level":(50|60)/);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 180_000);

  it('on SIGTERM answers a burst still being merged, confirms it, and the next process does not answer it again', async () => {
    const world = await loadWorld();
    const riskLine = world.i18n.t('es')('check.risk_high');
    const api = await new FakeBotApi().start();
    closers.push(() => api.stop());
    const data = mkdtempSync(join(tmpdir(), 'faro-restart-'));
    // A window far longer than the test waits: only the shutdown can have answered the burst.
    const env = { DATABASE_PATH: join(data, 'faro.db'), MERGE_WINDOW_MS: '30000', TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot };
    const first = await startFaro(env);
    const chat = 4001;
    for (const part of PARTS) api.push(textUpdate(chat, part, 'es'));
    await until(() => api.served >= PARTS.length, 'Telegram handing out the burst');
    await sleep(300);
    const answers = () => api.callsTo('sendMessage').filter((c) => c.payload.chat_id === chat).map((c) => String(c.payload.text));
    expect(answers()).toHaveLength(0);
    const exited = new Promise<number | null>((r) => first.child.once('exit', r));
    first.child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(answers().filter((a) => a.includes(riskLine))).toHaveLength(1);

    const second = await startFaro(env);
    await sleep(2000);
    expect(answers()).toHaveLength(1);
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  }, 120_000);
});
