import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openDb, type Db } from '../../src/store/db.js';

const dirs: string[] = [];
const raws: Db[] = [];

afterEach(async () => {
  await Promise.all(raws.splice(0).map((db) => db.close().catch(() => undefined)));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faro-store-'));
  dirs.push(dir);
  return dir;
}

/** A second, independent connection to the same file, closed after the test. */
export async function rawDb(path: string): Promise<Db> {
  const db = await openDb(path);
  raws.push(db);
  return db;
}

/** Milliseconds in a day, for moving the injected clock. */
export const DAY = 86_400_000;
