import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../../src/store/migrations.js';
import { rawDb, tempDir } from './helpers.js';
import { openStore, StoreError, type CounterEvent } from '../../src/store/index.js';

const check: CounterEvent = { channel: 'telegram', partner: null, language: 'es', metric: 'check', value: 'high' };
const JAN_31_LATE = Date.UTC(2025, 0, 31, 23, 59, 59);

describe('count', () => {
  it('increments, stores a null partner or language as "" and defaults day to today (UTC)', async () => {
    const store = await openStore({ path: ':memory:', now: () => JAN_31_LATE });
    await store.count([check, check]);
    await store.count([{ ...check, n: 3 }, { ...check, language: null, metric: 'start', value: '' }]);
    expect(await store.counters()).toEqual([
      { day: '2025-01-31', channel: 'telegram', partner: '', language: '', metric: 'start', value: '', n: 1 },
      { day: '2025-01-31', channel: 'telegram', partner: '', language: 'es', metric: 'check', value: 'high', n: 5 },
    ]);
    await store.close();
  });

  it('filters by partner and by an inclusive day range', async () => {
    const store = await openStore({ path: ':memory:' });
    await store.count([
      { ...check, day: '2025-01-30' },
      { ...check, day: '2025-01-31', partner: 'p1' },
      { ...check, day: '2025-02-01' },
      { ...check, day: '2025-02-02', partner: 'p1' },
    ]);
    const days = (rows: { day: string }[]) => rows.map((r) => r.day);
    expect(days(await store.counters({ from: '2025-01-31', to: '2025-02-01' }))).toEqual(['2025-01-31', '2025-02-01']);
    expect(days(await store.counters({ partner: 'p1' }))).toEqual(['2025-01-31', '2025-02-02']);
    expect(days(await store.counters({ partner: '' }))).toEqual(['2025-01-30', '2025-02-01']);
    expect(days(await store.counters({ from: '2025-02-01', partner: 'p1' }))).toEqual(['2025-02-02']);
    expect(days(await store.counters({ to: '2025-01-30' }))).toEqual(['2025-01-30']);
    await store.close();
  });

  it('sums 100 concurrent count() calls exactly', async () => {
    const store = await openStore({ path: ':memory:', now: () => JAN_31_LATE });
    const flag: CounterEvent = { ...check, metric: 'flag', value: 'upfront-payment', n: 2 };
    await Promise.all(Array.from({ length: 100 }, () => store.count([check, flag])));
    const rows = await store.counters();
    expect(rows.map((r) => [r.metric, r.n])).toEqual([
      ['check', 100],
      ['flag', 200],
    ]);
    await store.close();
  });

  it('rejects a batch with a bad event and counts none of it', async () => {
    const store = await openStore({ path: ':memory:' });
    await expect(store.count([check, { ...check, day: '31/01/2025' }])).rejects.toBeInstanceOf(StoreError);
    await expect(store.count([check, { ...check, n: 0 }])).rejects.toThrow(/n must be/);
    expect(await store.counters()).toEqual([]);
    await store.count([check]);
    expect((await store.counters())[0]?.n).toBe(1);
    await store.close();
  });
});

describe('beginUpdate', () => {
  it('is true the first time and false afterwards, per channel', async () => {
    const store = await openStore({ path: ':memory:' });
    expect(await store.beginUpdate('telegram', '42', 'a')).toBe(true);
    expect(await store.beginUpdate('telegram', '42', 'a')).toBe(false);
    expect(await store.beginUpdate('whatsapp', '42', 'a')).toBe(true);
    expect(await store.beginUpdate('telegram', '43', 'a')).toBe(true);
    await store.close();
  });

  it('gives exactly one true among 50 concurrent claims of the same update', async () => {
    const store = await openStore({ path: ':memory:' });
    const results = await Promise.all(Array.from({ length: 50 }, () => store.beginUpdate('telegram', '7', 'a')));
    expect(results.filter(Boolean)).toHaveLength(1);
    await store.close();
  });
});

describe('beginUpdate and finishUpdates (two-phase claims)', () => {
  it('hands an update to one boot; a redelivery to the same boot is ignored, to a new boot it is handed over until finished', async () => {
    const store = await openStore({ path: ':memory:' });
    expect(await store.beginUpdate('telegram', '42', 'boot-a')).toBe(true);
    // Redelivered while boot-a is still answering it.
    expect(await store.beginUpdate('telegram', '42', 'boot-a')).toBe(false);
    // boot-a died before answering: the next process takes it over, once.
    expect(await store.beginUpdate('telegram', '42', 'boot-b')).toBe(true);
    expect(await store.beginUpdate('telegram', '42', 'boot-b')).toBe(false);
    await store.finishUpdates([{ channel: 'telegram', updateId: '42' }]);
    for (const boot of ['boot-a', 'boot-b', 'boot-c']) expect(await store.beginUpdate('telegram', '42', boot)).toBe(false);
    // Other channels and ids are their own.
    expect(await store.beginUpdate('whatsapp', '42', 'boot-b')).toBe(true);
    await store.close();
  });

  it('finishes many updates in one call, and leaves the others open', async () => {
    const store = await openStore({ path: ':memory:' });
    const ids = Array.from({ length: 450 }, (_, i) => String(i));
    for (const id of ids) await store.beginUpdate('web', id, 'a');
    await store.finishUpdates(ids.slice(0, 449).map((updateId) => ({ channel: 'web', updateId })));
    expect(await store.beginUpdate('web', '0', 'b')).toBe(false);
    expect(await store.beginUpdate('web', '448', 'b')).toBe(false);
    expect(await store.beginUpdate('web', '449', 'b')).toBe(true);
    await store.close();
  });

  it('treats an update remembered before claims had two phases (schema version 1) as answered', async () => {
    const path = join(tempDir(), 'faro.db');
    const old = await rawDb(path);
    await migrate(old, MIGRATIONS.slice(0, 1));
    await old.run("INSERT INTO seen_updates (channel, update_id, seen_at) VALUES ('telegram', '9', 0)");
    await old.close();
    const store = await openStore({ path });
    expect(await store.beginUpdate('telegram', '9', 'any')).toBe(false);
    expect(await store.beginUpdate('telegram', '10', 'any')).toBe(true);
    await store.close();
  });
});
