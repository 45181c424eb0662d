import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { rawDb, tempDir } from './helpers.js';

const person = { key: 'k', language: 'es', country: null, area: null, partner: null, state: {} };

/** Another connection takes the write lock; `released` settles after `ms`, once it commits. */
async function holdWriteLock(path: string, ms: number): Promise<{ released: Promise<void> }> {
  const other = await rawDb(path);
  await other.exec('BEGIN IMMEDIATE');
  await other.run("INSERT INTO seen_updates (channel, update_id, seen_at) VALUES ('web', 'held', 0)");
  // Wrapped in an object: an async function returning a bare promise would wait for it.
  return { released: sleep(ms).then(() => other.exec('COMMIT')) };
}

describe('a write while another connection holds the lock', () => {
  it('waits for the busy timeout instead of failing', async () => {
    const path = join(tempDir(), 'faro.db');
    const store = await openStore({ path });
    const { released } = await holdWriteLock(path, 200);
    const started = Date.now();
    const [put, count] = await Promise.all([
      store.putSession(person),
      store.count([{ channel: 'web', partner: null, language: 'es', metric: 'start', value: '' }]),
    ]);
    await released;
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(put.key).toBe('k');
    expect(count).toBeUndefined();
    expect(await store.getSession('k')).toBeDefined();
    // The other connection's row, written before claims had a boot: answered.
    expect(await store.beginUpdate('web', 'held', 'b')).toBe(false);
    await store.close();
  });

  it('fails with SQLITE_BUSY when the busy timeout is 0 (so the test above proves the wait)', async () => {
    const path = join(tempDir(), 'faro.db');
    const store = await openStore({ path, busyTimeoutMs: 0 });
    const { released } = await holdWriteLock(path, 200);
    await expect(store.putSession(person)).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    await released;
    await store.close();
  });
});
