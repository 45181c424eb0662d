import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS } from '../../src/store/migrations.js';
import { openStore, StoreError } from '../../src/store/index.js';
import { rawDb, tempDir } from './helpers.js';

async function userVersion(path: string): Promise<number> {
  const db = await rawDb(path);
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row!.user_version;
}

const session = { key: 'k1', language: 'es', country: 'MX', area: 'tijuana', partner: null, state: { screen: 'home' } };

describe('migrations', () => {
  it('brings a fresh database to the latest version', async () => {
    const path = join(tempDir(), 'faro.db');
    const store = await openStore({ path });
    await store.close();
    expect(MIGRATIONS.length).toBeGreaterThan(0);
    expect(await userVersion(path)).toBe(MIGRATIONS.length);
    const db = await rawDb(path);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(['counters', 'seen_updates', 'sessions']);
  });

  it('applies nothing to an up-to-date database and keeps its data', async () => {
    const path = join(tempDir(), 'faro.db');
    const first = await openStore({ path, now: () => 1000 });
    await first.putSession(session);
    await first.close();

    const second = await openStore({ path });
    expect(await second.getSession('k1')).toEqual({ ...session, updatedAt: 1000 });
    await second.close();

    const db = await rawDb(path);
    expect(await migrate(db)).toBe(0);
    expect(await userVersion(path)).toBe(MIGRATIONS.length);
  });

  it('applies only the steps a database has not seen yet', async () => {
    const db = await rawDb(join(tempDir(), 'faro.db'));
    expect(await migrate(db)).toBe(MIGRATIONS.length);
    // Re-running step 1 would fail on CREATE TABLE sessions, so success proves it was skipped.
    expect(await migrate(db, [...MIGRATIONS, 'CREATE TABLE extra (x)'])).toBe(1);
    const row = await db.get<{ user_version: number }>('PRAGMA user_version');
    expect(row!.user_version).toBe(MIGRATIONS.length + 1);
  });

  it('rolls back a failing step, keeping the earlier ones', async () => {
    const db = await rawDb(join(tempDir(), 'faro.db'));
    await expect(migrate(db, ['CREATE TABLE a (x)', 'CREATE TABLE b (x); THIS IS NOT SQL'])).rejects.toThrow();
    const row = await db.get<{ user_version: number }>('PRAGMA user_version');
    expect(row!.user_version).toBe(1);
    const tables = await db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    expect(tables.map((t) => t.name)).toEqual(['a']);
  });

  it('refuses a database written by a newer Faro and leaves it alone', async () => {
    const path = join(tempDir(), 'faro.db');
    const db = await rawDb(path);
    await db.exec(`PRAGMA user_version = ${MIGRATIONS.length + 1}`);
    await db.close();

    const opening = openStore({ path });
    await expect(opening).rejects.toBeInstanceOf(StoreError);
    await expect(opening).rejects.toThrow(/upgrade Faro/);
    expect(await userVersion(path)).toBe(MIGRATIONS.length + 1);
  });
});
