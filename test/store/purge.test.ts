import { describe, expect, it } from 'vitest';
import { openStore, StoreError } from '../../src/store/index.js';
import { DAY } from './helpers.js';

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
    await store.claimUpdate('telegram', 'old');
    t += 3 * DAY;
    await store.claimUpdate('telegram', 'recent');
    t += 1 * DAY;

    expect(await store.purge({ idleSessionDays: 30, seenUpdateDays: 2 })).toEqual({ sessions: 0, updates: 1 });
    expect(await store.claimUpdate('telegram', 'old')).toBe(true);
    expect(await store.claimUpdate('telegram', 'recent')).toBe(false);
    await store.close();
  });

  it('keeps seen updates for 7 days by default', async () => {
    let t = Date.UTC(2025, 0, 1);
    const store = await openStore({ path: ':memory:', now: () => t });
    await store.claimUpdate('whatsapp', 'wamid.1');
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
