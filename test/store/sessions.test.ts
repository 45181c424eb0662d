import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, StoreError, type Store } from '../../src/store/index.js';
import { rawDb, tempDir } from './helpers.js';

function maria(overrides: Partial<Parameters<Store['putSession']>[0]> = {}) {
  return {
    key: 'key-maria',
    language: 'es',
    country: 'MX',
    area: 'tijuana',
    partner: 'casa-del-migrante',
    state: { screen: 'check', step: 2, answers: { paid: true, route: ['gt', 'mx'] } },
    ...overrides,
  };
}

describe('opening', () => {
  it('creates missing parent folders and uses WAL for a file', async () => {
    const path = join(tempDir(), 'nested', 'deeper', 'faro.db');
    const store = await openStore({ path });
    expect(existsSync(path)).toBe(true);
    expect(store.path).toBe(path);
    const db = await rawDb(path);
    expect(await db.get('PRAGMA journal_mode')).toEqual({ journal_mode: 'wal' });
    await store.close();
  });

  it('works in memory', async () => {
    const store = await openStore({ path: ':memory:' });
    expect(await store.ping()).toBe(true);
    await store.close();
  });

  it('turns a folder that cannot exist into a StoreError naming DATABASE_PATH', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a-file'), 'not a folder');
    const opening = openStore({ path: join(dir, 'a-file', 'faro.db') });
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    await expect(opening).rejects.toThrow(/DATABASE_PATH/);
  });

  it('turns a file that is not a database into a StoreError naming DATABASE_PATH', async () => {
    const path = join(tempDir(), 'faro.db');
    writeFileSync(path, 'this is a text file, not an SQLite database, and it is long enough to have a header');
    const opening = openStore({ path });
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    await expect(opening).rejects.toThrow(/cannot open the database at .*faro\.db.*DATABASE_PATH/);
  });

  it('answers ping until closed, and closing twice is harmless', async () => {
    const store = await openStore({ path: join(tempDir(), 'faro.db') });
    expect(await store.ping()).toBe(true);
    await store.close();
    await store.close();
    expect(await store.ping()).toBe(false);
  });
});

describe('sessions', () => {
  it('round-trips every field, with updatedAt from the injected clock', async () => {
    const store = await openStore({ path: ':memory:', now: () => 1_700_000_000_000 });
    expect(await store.getSession('key-maria')).toBeUndefined();
    const put = await store.putSession(maria());
    expect(put).toEqual({ ...maria(), updatedAt: 1_700_000_000_000 });
    expect(await store.getSession('key-maria')).toEqual(put);
    await store.close();
  });

  it('upsert overwrites the same key and keeps one row', async () => {
    const path = join(tempDir(), 'faro.db');
    let t = 1000;
    const store = await openStore({ path, now: () => t });
    await store.putSession(maria());
    t = 2000;
    const next = maria({ language: 'en', country: null, area: null, partner: null, state: { screen: 'home' } });
    await store.putSession(next);
    expect(await store.getSession('key-maria')).toEqual({ ...next, updatedAt: 2000 });
    const db = await rawDb(path);
    expect(await db.get('SELECT count(*) AS n FROM sessions')).toEqual({ n: 1 });
    await store.close();
  });

  it('reads a damaged or non-object state as {}', async () => {
    const path = join(tempDir(), 'faro.db');
    const store = await openStore({ path });
    await store.putSession(maria({ key: 'a' }));
    await store.putSession(maria({ key: 'b' }));
    const db = await rawDb(path);
    await db.run("UPDATE sessions SET state = '{not json' WHERE key = 'a'");
    await db.run("UPDATE sessions SET state = '[1, 2]' WHERE key = 'b'");
    expect((await store.getSession('a'))?.state).toEqual({});
    expect((await store.getSession('b'))?.state).toEqual({});
    expect((await store.getSession('a'))?.country).toBe('MX');
    await store.close();
  });
});

describe('forgetUser', () => {
  it('leaves no row with that key in any per-user table, and keeps other people', async () => {
    const path = join(tempDir(), 'faro.db');
    const store = await openStore({ path });
    await store.putSession(maria());
    await store.putSession(maria({ key: 'key-ahmed', language: 'ar' }));
    await store.forgetUser('key-maria');

    // Checked through a second connection, over every table that has a `key` column,
    // so a per-user table added later without updating forgetUser fails here.
    const db = await rawDb(path);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'");
    const keyed: string[] = [];
    for (const { name } of tables) {
      const columns = await db.all<{ name: string }>(`PRAGMA table_info(${name})`);
      if (columns.some((c) => c.name === 'key')) keyed.push(name);
    }
    expect(keyed).toContain('sessions');
    for (const table of keyed) {
      expect(await db.get(`SELECT count(*) AS n FROM ${table} WHERE key = ?`, ['key-maria'])).toEqual({ n: 0 });
    }
    expect(await db.get('SELECT language FROM sessions WHERE key = ?', ['key-ahmed'])).toEqual({ language: 'ar' });
    expect(await store.getSession('key-maria')).toBeUndefined();
    await store.close();
  });

  it('leaves no bytes of the forgotten row in the database files', async () => {
    const dir = tempDir();
    const path = join(dir, 'faro.db');
    const marker = 'forget-me-marker-7f3a9c';
    const store = await openStore({ path });
    await store.putSession(maria({ key: marker, area: `${marker}-area` }));
    await store.putSession(maria({ key: 'key-ahmed' }));
    await store.forgetUser(marker);
    await store.close();

    const files = readdirSync(dir);
    expect(files).toContain('faro.db');
    for (const file of files) expect(readFileSync(join(dir, file)).includes(marker)).toBe(false);
  });
});
