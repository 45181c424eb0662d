import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createConversationService, type ServiceOptions } from '../../src/conversation/service.js';
import type { Inbound, Reply } from '../../src/conversation/types.js';
import { openStore, type Store } from '../../src/store/index.js';
import { loadWorld, plain, silentLog, type TestWorld } from '../helpers/conversation.js';

let world: TestWorld;
beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

let store: Store;
afterEach(async () => store?.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function setup(options: Partial<ServiceOptions> = {}) {
  store = await openStore({ path: ':memory:' });
  const service = createConversationService({ conversation: world.deps, store, log: silentLog, mergeWindowMs: 0, ratePerMinute: 100, ...options });
  const replies: Reply[][] = [];
  const send = async (r: Reply[]) => {
    replies.push(r);
  };
  const inbound = (fields: Partial<Inbound>): Inbound => ({ channel: 'web', userKey: 'person-1', localeHint: 'es', ...fields });
  return { service, replies, send, inbound };
}

const PARTS = ['Pase directo a USA sin caminar, 100% seguro.', 'Deposita la mitad por Elektra y la otra mitad al llegar.', 'Últimos lugares, escríbeme al WhatsApp.'];

describe('conversation service', () => {
  it('a burst of forwards within the merge window is checked as one offer', async () => {
    const { service, replies, send, inbound } = await setup({ mergeWindowMs: 600 });
    // Each receive() resolves once the merged answer is sent: that is when a channel acknowledges.
    const received: Promise<void>[] = [];
    for (const text of PARTS) {
      received.push(service.receive(inbound({ text }), send));
      await sleep(20);
    }
    expect(replies).toHaveLength(0);
    await Promise.all(received);
    expect(replies).toHaveLength(1);
    const text = plain(replies[0]![0]);
    expect(text).toContain(world.i18n.t('es')('check.merged', { count: 3 }));
    // Signs from every part are found together.
    for (const flag of ['guarantee', 'advance_payment', 'urgency', 'off_platform_contact']) expect(text).toContain(world.i18n.t('es')(`flags:${flag}.name`));
  });

  it('messages further apart than the window are checked one by one', async () => {
    const { service, replies, send, inbound } = await setup({ mergeWindowMs: 50 });
    await service.receive(inbound({ text: PARTS[0] }), send);
    await sleep(400);
    await service.receive(inbound({ text: PARTS[1] }), send);
    await sleep(400);
    await service.drain();
    expect(replies).toHaveLength(2);
  });

  it('a button pressed during a burst answers the burst first, then the button', async () => {
    const { service, replies, send, inbound } = await setup({ mergeWindowMs: 5_000 });
    const burst = service.receive(inbound({ text: PARTS[0] }), send);
    await service.receive(inbound({ action: { kind: 'privacy' } }), send);
    await burst;
    await service.drain();
    expect(replies).toHaveLength(2);
    expect(plain(replies[0]![0])).toContain(world.i18n.t('es')('check.risk_high'));
    expect(plain(replies[1]![0])).toContain(world.i18n.t('es')('privacy.chat_advice'));
  });

  it('a redelivered update is answered once', async () => {
    const { service, replies, send, inbound } = await setup();
    await service.receive(inbound({ updateId: 'u1', action: { kind: 'menu' } }), send);
    await service.receive(inbound({ updateId: 'u1', action: { kind: 'menu' } }), send);
    expect(replies).toHaveLength(1);
  });

  it('the rate limit answers politely once and resets after a minute', async () => {
    let now = 1_000_000;
    const { service, replies, send, inbound } = await setup({ ratePerMinute: 2, now: () => now });
    for (let i = 0; i < 5; i++) await service.receive(inbound({ action: { kind: 'menu' } }), send);
    expect(replies).toHaveLength(3);
    expect(plain(replies[2]![0])).toBe(world.i18n.t('es')('rate.limited'));
    now += 61_000;
    await service.receive(inbound({ action: { kind: 'menu' } }), send);
    expect(replies).toHaveLength(4);
  });

  it('counts anonymously by channel, partner and language, and keeps no text', async () => {
    const { service, send, inbound } = await setup();
    await service.receive(inbound({ action: { kind: 'start', payload: 'casaprueba_tj' } }), send);
    await service.receive(inbound({ text: PARTS.join(' ') }), send);
    await service.drain();
    const rows = await store.counters();
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'web', partner: 'casa-prueba', language: 'es', metric: 'check', value: 'high', n: 1 }),
        expect.objectContaining({ metric: 'flag', value: 'advance_payment', n: 1 }),
        expect.objectContaining({ metric: 'start', value: 'casa-prueba', n: 1 }),
      ]),
    );
    const session = await store.getSession('person-1');
    expect(JSON.stringify(session)).not.toMatch(/Elektra|caminar|WhatsApp/);
    expect(JSON.stringify(rows)).not.toMatch(/Elektra|caminar/);
  });

  it('forgetting deletes the session and does not write it back', async () => {
    const { service, send, inbound } = await setup();
    await service.receive(inbound({ action: { kind: 'set_language', lang: 'fr' } }), send);
    expect(await store.getSession('person-1')).toBeDefined();
    await service.receive(inbound({ action: { kind: 'forget' } }), send);
    expect(await store.getSession('person-1')).toBeUndefined();
  });

  it('a failure inside a turn sends the localized error reply and the service keeps going', async () => {
    const { replies, send, inbound } = await setup();
    let broken = true;
    const service = createConversationService({
      conversation: { ...world.deps, content: () => (broken ? (() => { throw new Error('boom'); })() : world.deps.content()) },
      store,
      log: silentLog,
      mergeWindowMs: 0,
      ratePerMinute: 100,
    });
    await service.receive(inbound({ action: { kind: 'menu' } }), send);
    // No session yet: the apology is in the language the person's app reports.
    expect(plain(replies[0]![0])).toBe(world.i18n.t('es')('error.generic'));
    broken = false;
    await service.receive(inbound({ action: { kind: 'menu' } }), send);
    expect(plain(replies[1]![0])).toContain(world.i18n.t('es')('menu.title'));
  });

  it('a send that fails is logged, not thrown at the channel', async () => {
    const { service, inbound } = await setup();
    await expect(service.receive(inbound({ action: { kind: 'menu' } }), async () => { throw new Error('network down'); })).resolves.toBeUndefined();
  });
});
