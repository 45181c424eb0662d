import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTelegramBot, startTelegram } from '../../src/channels/telegram/bot.js';
import { escapeHtml } from '../../src/channels/telegram/render.js';
import { createWebChat } from '../../src/channels/web/index.js';
import { createWhatsAppChannel } from '../../src/channels/whatsapp/index.js';
import { createContentLoader, type Content } from '../../src/content/load-content.js';
import { createContentStore, type ContentStore } from '../../src/content/store.js';
import type { ConversationDeps } from '../../src/conversation/deps.js';
import { createConversationService } from '../../src/conversation/service.js';
import { openDb } from '../../src/store/db.js';
import { openStore, type Store } from '../../src/store/index.js';
import { startApp } from '../helpers/app.js';
import { contentCopy, loadWorld, type TestWorld } from '../helpers/conversation.js';
import { BOT_INFO, callbackUpdate, FakeBotApi, textUpdate } from '../helpers/fake-bot-api.js';
import { FakeGraphApi, GRAPH_TOKEN, PHONE_NUMBER_ID, inboundMessage, sign, webhookPayload } from '../helpers/fake-graph-api.js';

let world: TestWorld;
const cleanups: Array<() => Promise<void> | void> = [];
const dirs: string[] = [];

beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.splice(0).reverse()) await Promise.resolve(c()).catch(() => {});
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(predicate: () => boolean | Promise<boolean>, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await sleep(25);
  }
}

function capture(): { log: pino.Logger; text: () => string } {
  let logged = '';
  const sink = new Writable({ write: (chunk, _enc, done) => void ((logged += String(chunk)), done()) });
  return { log: pino({ level: 'debug' }, sink), text: () => logged };
}

/** A database file of its own, opened as the server opens it. */
async function fileStore(busyTimeoutMs: number): Promise<{ store: Store; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'faro-faults-'));
  dirs.push(dir);
  const file = join(dir, 'faro.db');
  const store = await openStore({ path: file, busyTimeoutMs });
  cleanups.push(() => store.close());
  return { store, file };
}

/**
 * Another process's connection takes the write lock (BEGIN IMMEDIATE) and keeps it until
 * release(): every write of Faro's waits up to its busy timeout, then fails with SQLITE_BUSY.
 */
async function holdWriteLock(file: string): Promise<{ release(): Promise<void> }> {
  const other = await openDb(file);
  await other.exec('BEGIN IMMEDIATE');
  let released = false;
  const release = async () => {
    if (released) return;
    released = true;
    await other.exec('COMMIT');
    await other.close();
  };
  cleanups.push(release);
  return { release };
}

const tg = (lang: 'es' | 'en', key: string) => escapeHtml(world.i18n.t(lang)(key));

/** The real bot polling a fake Bot API, its service on `store`. */
async function telegramOn(store: Store) {
  const api = await new FakeBotApi().start();
  const { log, text } = capture();
  const service = createConversationService({ conversation: world.deps, store, log, mergeWindowMs: 0, ratePerMinute: 100 });
  const bot = createTelegramBot({ token: api.token, apiRoot: api.apiRoot, botInfo: BOT_INFO, service, i18n: world.i18n, userKeySecret: 'busy-secret-0123456789abcdef0123456789', log });
  const telegram = await startTelegram(bot, { i18n: world.i18n, log });
  cleanups.push(async () => {
    await telegram.stop();
    await api.stop();
  });
  const replies = (chat: number) => api.callsTo('sendMessage').filter((c) => c.payload.chat_id === chat).map((c) => String(c.payload.text));
  return { api, replies, logs: text };
}

describe('SQLite busy: another connection holds the write lock', { timeout: 60_000 }, () => {
  it('held about 1 s within a 5 s busy timeout: the reply comes once, after the lock is released', async () => {
    const { store, file } = await fileStore(5000);
    const { api, replies } = await telegramOn(store);
    const me = 8101;
    const lock = await holdWriteLock(file);
    const lockedAt = Date.now();
    api.push(textUpdate(me, '/start', 'es'));
    await until(() => api.served >= 1, 'the update handed to the bot');
    await sleep(Math.max(0, 1000 - (Date.now() - lockedAt)));
    // The turn is waiting on the lock, not answered and not failed.
    expect(replies(me)).toHaveLength(0);
    await lock.release();

    await until(() => replies(me).length >= 1, 'the reply');
    api.push(callbackUpdate(me, 'privacy', 'es'));
    await until(() => replies(me).length >= 2, 'the next reply');
    expect(replies(me)).toHaveLength(2);
    expect(replies(me)[0]).toContain(tg('es', 'menu.title'));
    expect(replies(me).join('\n')).not.toContain(tg('es', 'error.generic'));
    expect(api.failed).toHaveLength(0);
  });

  it('held 1.5 s past a 200 ms busy timeout (Telegram): the localized apology, no crash; the next message is answered', async () => {
    const { store, file } = await fileStore(200);
    const { api, replies, logs } = await telegramOn(store);
    const me = 8102;
    const lock = await holdWriteLock(file);
    const lockedAt = Date.now();
    api.push(textUpdate(me, '/start', 'es'));
    await until(() => replies(me).length >= 1, 'the apology');
    await sleep(Math.max(0, 1500 - (Date.now() - lockedAt)));
    expect(replies(me)).toEqual([tg('es', 'error.generic')]);
    expect(logs()).toContain('SQLITE_BUSY');
    await lock.release();

    api.push(textUpdate(me, '/start', 'es'));
    await until(() => replies(me).length >= 2, 'the next reply');
    expect(replies(me)).toHaveLength(2);
    expect(replies(me)[1]).toContain(tg('es', 'menu.title'));
    expect(await store.ping()).toBe(true);
  });
});

describe('SQLite busy past the timeout, on the web chat and WhatsApp', { timeout: 60_000 }, () => {
  async function appOn(store: Store) {
    const { log, text } = capture();
    const service = createConversationService({ conversation: world.deps, store, log, mergeWindowMs: 0, ratePerMinute: 100 });
    const fake = await new FakeGraphApi().start();
    const whatsapp = createWhatsAppChannel({
      service,
      userKeySecret: 'busy-wa-secret-0123456789abcdef0123456789',
      log,
      appSecret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
      verifyToken: 'verify-token-0123456789',
      token: GRAPH_TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      apiBase: fake.apiBase,
      isPartnerCode: () => false,
      retry: { baseDelayMs: 10, timeoutMs: 1000 },
    });
    const web = createWebChat({ service, userKeySecret: 'busy-web-secret-0123456789abcdef01234567', log, i18n: world.i18n });
    const { server, base } = await startApp(world, { log, channels: [{ path: '/whatsapp/webhook', router: whatsapp.router }, { path: '/', router: web }] });
    cleanups.push(async () => {
      await whatsapp.drain();
      await new Promise<void>((done) => server.close(() => done()));
      await fake.stop();
    });
    return { base, fake, whatsapp, logs: text };
  }

  it('web chat: the apology in the language the person chose; the next message is answered normally', async () => {
    const { store, file } = await fileStore(200);
    const { base, logs } = await appOn(store);
    let cookie = '';
    const say = async (body: Record<string, unknown>) => {
      const res = await fetch(`${base}/web/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
      cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      expect(res.status).toBe(200);
      const json = (await res.json()) as { replies: { parts: { text: string }[] }[] };
      return json.replies.map((r) => r.parts.map((p) => p.text).join(''));
    };
    const es = world.i18n.t('es');
    expect((await say({ action: 'l:es' })).join('\n')).toContain(firstLine(es('language.set')));

    const lock = await holdWriteLock(file);
    const lockedAt = Date.now();
    expect(await say({ text: 'hola' })).toEqual([es('error.generic')]);
    expect(logs()).toContain('turn failed');
    await sleep(Math.max(0, 1500 - (Date.now() - lockedAt)));
    await lock.release();

    const after = await say({ text: 'hola' });
    expect(after.length).toBeGreaterThan(0);
    expect(after.join('\n')).not.toContain(es('error.generic'));
    expect(after.join('\n')).toContain(es('menu.title'));
  });

  // The claim itself cannot be written: the message is answered anyway (here with the apology).
  it('WhatsApp: a message that arrives while the lock is held gets an apology or, redelivered, an answer', async () => {
    const { store, file } = await fileStore(200);
    const { base, fake, whatsapp } = await appOn(store);
    const from = '5215588880001';
    const post = async (payload: unknown) => {
      const body = JSON.stringify(payload);
      const res = await fetch(`${base}/whatsapp/webhook`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign('a1b2c3d4e5f60718293a4b5c6d7e8f90', body) }, body });
      await whatsapp.drain();
      return res.status;
    };
    await post(webhookPayload([inboundMessage(from, 'interactive', { interactive: { type: 'list_reply', list_reply: { id: 'l:es', title: 'Español' } } })]));
    const before = fake.sends(from).length;
    expect(before).toBeGreaterThan(0);

    const lock = await holdWriteLock(file);
    const payload = webhookPayload([inboundMessage(from, 'text', { text: { body: 'hola' } })]);
    const status = await post(payload);
    await sleep(1500);
    await lock.release();
    // Meta delivers again whatever was not acknowledged with a 200.
    if (status !== 200) await post(payload);
    expect(fake.sends(from).length).toBeGreaterThan(before);
  });
});

const firstLine = (s: string) => s.split('\n')[0]!.trim();

// Atomic saves, as editors' tools do: write aside, then rename over the file.
function save(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

const OFFER = 'Pase directo a USA 100% garantizado, deposita la mitad por Elektra';
/** Flagged only once the fixed pattern file adds it. */
const NEW_SIGN = 'cruzamos con el zorro plateado';
const NEW_PATTERN = `
  - id: es.smuggling.zorro-plateado
    flag: smuggling_offer
    severity: high
    phrases: ["zorro plateado"]
    match: ["${NEW_SIGN}"]
`;

describe('content broken while the server answers', { timeout: 90_000 }, () => {
  let dir: string;
  let content: ContentStore<Content>;
  let base: string;
  const problems: string[][] = [];

  beforeAll(async () => {
    dir = contentCopy();
    dirs.push(dir);
    content = await createContentStore(dir, createContentLoader(), { watch: true, debounceMs: 100, onError: (p) => problems.push(p) });
    cleanups.push(() => content.close());
    // The server as main.ts builds it: every request reads content.current().
    const conversation: ConversationDeps = { content: () => content.current(), i18n: world.i18n, retentionDays: 30 };
    const store = await openStore({ path: ':memory:' });
    cleanups.push(() => store.close());
    const { log } = capture();
    const service = createConversationService({ conversation, store, log, mergeWindowMs: 0, ratePerMinute: 1000 });
    const web = createWebChat({ service, userKeySecret: 'content-secret-0123456789abcdef0123456789', log, i18n: world.i18n });
    const started = await startApp(world, { log, conversation, contentStatus: content.status, api: { corsOrigins: [], ratePerMinute: 10_000 }, channels: [{ path: '/', router: web }] });
    cleanups.push(() => new Promise<void>((done) => started.server.close(() => done())));
    base = started.base;
  }, 120_000);

  const check = async (text: string) => {
    const res = await fetch(`${base}/api/v1/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text, lang: 'es' }) });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { risk: string; flags: { id: string }[] };
    return { risk: json.risk, flags: json.flags.map((f) => f.id).sort() };
  };
  const ready = async () => (await (await fetch(`${base}/readyz`)).json()) as { content: { version: string; lastError?: { problems: string[] } } };
  /** The emergency screen the web chat shows a new person in Mexico. */
  const emergencyInMexico = async () => {
    let cookie = '';
    let last = '';
    for (const body of [{ action: 'l:es' }, { action: 'emergency' }, { action: 'c:MX' }, { action: 'a:' }]) {
      const res = await fetch(`${base}/web/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
      cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
      expect(res.status).toBe(200);
      const json = (await res.json()) as { replies: { parts: { text: string }[] }[] };
      last = json.replies.map((r) => r.parts.map((p) => p.text).join('')).join('\n');
    }
    return last;
  };

  it('keeps answering from the last good content while the files are broken, then uses the fixed ones', async () => {
    const patterns = join(dir, 'patterns', 'es.yaml');
    const referrals = join(dir, 'referrals', 'mx.yaml');
    const [patternsText, referralsText] = [readFileSync(patterns, 'utf8'), readFileSync(referrals, 'utf8')];
    const good = await check(OFFER);
    expect(good.flags).toEqual(expect.arrayContaining(['advance_payment', 'guarantee']));
    expect((await check(NEW_SIGN)).flags).not.toContain('smuggling_offer');
    expect(await emergencyInMexico()).toContain('800 5533 000');
    const { version } = (await ready()).content;

    // Offers keep coming, every 50 ms, while the files are broken.
    const answers: { risk: string; flags: string[] }[] = [];
    let stop = false;
    const traffic = (async () => {
      while (!stop) {
        answers.push(await check(OFFER));
        await sleep(50);
      }
    })();

    // A pattern whose expression does not compile, then a referrals file that is not YAML.
    save(patterns, `${patternsText}\n  - id: es.smuggling.broken\n    flag: smuggling_offer\n    regex: '(?:zorro plateado'\n    match: ["${NEW_SIGN}"]\n`);
    await until(() => problems.length >= 1, 'the broken pattern refused');
    save(referrals, `${referralsText.replace('"800 5533 000"', '"800 5533 001"')}\n  - id: [unclosed\n    name: "no end`);
    await until(() => problems.some((p) => p.join('\n').includes('referrals/mx.yaml')), 'the broken referrals refused', 30_000);
    const broken = await ready();
    expect(broken.content.version).toBe(version);
    expect(broken.content.lastError?.problems.join('\n')).toMatch(/referrals\/mx\.yaml/);
    expect(problems.flat().join('\n')).toMatch(/patterns\/es\.yaml/);
    expect(await emergencyInMexico()).toContain('800 5533 000');
    expect((await check(NEW_SIGN)).flags).not.toContain('smuggling_offer');
    stop = true;
    await traffic;
    expect(answers.length).toBeGreaterThan(5);
    for (const a of answers) expect(a).toEqual(good);

    // Both fixed: the new content is served, under a new version.
    save(patterns, `${patternsText}${NEW_PATTERN}`);
    save(referrals, referralsText.replace('"800 5533 000"', '"800 5533 001"'));
    await until(async () => {
      const r = await ready();
      return r.content.version !== version && !r.content.lastError && (await check(NEW_SIGN)).flags.includes('smuggling_offer');
    }, 'the fixed content served', 60_000);
    expect(await emergencyInMexico()).toContain('800 5533 001');
    expect(await check(OFFER)).toEqual(good);
  });
});
