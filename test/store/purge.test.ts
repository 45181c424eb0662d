import { describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../src/store/index.js';
import { DAY } from './helpers.js';

/** An update begun and answered, as the service does; true when it was new. */
async function claim(store: Store, channel: string, updateId: string): Promise<boolean> {
  const fresh = await store.beginUpdate(channel, updateId, 'boot');
  await store.finishUpdates([{ channel, updateId }]);
  return fresh;
}

const person = { language: 'es', country: 'MX', area: null, partner: null, state: {} };

describe('purge', () => {
  it('deletes sessions idle longer than N days and keeps fresh ones', async () => {
    let t = Date.UTC(2025, 0, 1);
    const store = await openStore({ path: ':memory:', now: () => t });
    await store.putSession({ ...person, key: 'old' });
    t += 20 * DAY;
    await store.putSession({ ...person, key: 'fresh' });
    await store.putSession({ ...person, key: 'touched-again' });
    t += 10 * DAY;

    expect(await store.purge({ idleSessionDays: 30 })).toEqual({ sessions: 0, updates: 0 });
    t += 1;
    expect(await store.purge({ idleSessionDays: 30 })).toEqual({ sessions: 1, updates: 0 });
    expect(await store.getSession('old')).toBeUndefined();
    expect(await store.getSession('fresh')).toBeDefined();
    expect(await store.getSession('touched-again')).toBeDefined();
    await store.close();
  });

  it('deletes seen updates older than N days, so they can be claimed again', async () => {
    let t = Date.UTC(2025, 0, 1);
    const store = await openStore({ path: ':memory:', now: () => t });
    await claim(store, 'telegram', 'old');
    t += 3 * DAY;
    await claim(store, 'telegram', 'recent');
    t += 1 * DAY;

    expect(await store.purge({ idleSessionDays: 30, seenUpdateDays: 2 })).toEqual({ sessions: 0, updates: 1 });
    expect(await claim(store, 'telegram', 'old')).toBe(true);
    expect(await claim(store, 'telegram', 'recent')).toBe(false);
    await store.close();
  });

  it('keeps seen updates for 7 days by default', async () => {
    let t = Date.UTC(2025, 0, 1);
    const store = await openStore({ path: ':memory:', now: () => t });
    await claim(store, 'whatsapp', 'wamid.1');
    t += 6 * DAY;
    expect((await store.purge({ idleSessionDays: 30 })).updates).toBe(0);
    t += 1 * DAY + 1;
    expect((await store.purge({ idleSessionDays: 30 })).updates).toBe(1);
    await store.close();
  });

  it('refuses a zero or negative retention instead of deleting everything', async () => {
    const store = await openStore({ path: ':memory:' });
    await store.putSession({ ...person, key: 'k' });
    await expect(store.purge({ idleSessionDays: 0 })).rejects.toBeInstanceOf(StoreError);
    await expect(store.purge({ idleSessionDays: 30, seenUpdateDays: -1 })).rejects.toBeInstanceOf(StoreError);
    expect(await store.getSession('k')).toBeDefined();
    await store.close();
  });
});
