import type { Db } from './db.js';
import { StoreError } from './errors.js';

/**
 * The schema, one step per entry; entry i moves `user_version` from i to i + 1.
 * Append only: never edit a step that has shipped. A table about one person keys it
 * by a column named `key` (the HMAC user key) and goes in PER_USER_TABLES in store.ts.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE sessions (
    key TEXT PRIMARY KEY,
    language TEXT,
    country TEXT,
    area TEXT,
    partner TEXT,
    state TEXT NOT NULL DEFAULT '{}',
    updated_at INTEGER NOT NULL
  );
  CREATE INDEX sessions_updated_at ON sessions (updated_at);

  CREATE TABLE seen_updates (
    channel TEXT NOT NULL,
    update_id TEXT NOT NULL,
    seen_at INTEGER NOT NULL,
    PRIMARY KEY (channel, update_id)
  );
  CREATE INDEX seen_updates_seen_at ON seen_updates (seen_at);

  CREATE TABLE counters (
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    partner TEXT NOT NULL,
    language TEXT NOT NULL,
    metric TEXT NOT NULL,
    value TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (day, channel, partner, language, metric, value)
  );
  `,
  // Two-phase claims: an update is "begun" by one process (its boot id) and "done" once answered,
  // so a redelivery after a crash is handled again instead of being dropped as seen.
  `
  ALTER TABLE seen_updates ADD COLUMN done INTEGER NOT NULL DEFAULT 1;
  ALTER TABLE seen_updates ADD COLUMN boot TEXT;
  `,
];

async function userVersion(db: Db): Promise<number> {
  const row = await db.get<{ user_version: number }>('PRAGMA user_version');
  return row?.user_version ?? 0;
}

function tooNew(found: number, known: number): StoreError {
  return new StoreError(
    `the database schema is version ${found} but this Faro only knows up to version ${known}. ` +
      'It was written by a newer Faro: upgrade Faro (do not downgrade with an existing database).',
  );
}

/**
 * Brings the schema up to date, one transaction per step, and returns how many steps ran.
 * The version is read again inside each transaction, so two processes starting at once
 * do not both apply the same step.
 *
 * @example
 * await migrate(db); // 1 on a fresh database, 0 afterwards
 */
export async function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): Promise<number> {
  const known = migrations.length;
  let applied = 0;
  for (;;) {
    await db.exec('BEGIN IMMEDIATE');
    try {
      const version = await userVersion(db);
      if (version > known) throw tooNew(version, known);
      if (version === known) {
        await db.exec('COMMIT');
        return applied;
      }
      await db.exec(migrations[version]!);
      // PRAGMA takes no bound parameters; version is an integer we computed.
      await db.exec(`PRAGMA user_version = ${version + 1}`);
      await db.exec('COMMIT');
      applied += 1;
    } catch (e) {
      await db.exec('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }
}
