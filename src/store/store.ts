import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openDb, openFailure, type Db, type Param } from './db.js';
import { StoreError } from './errors.js';
import { migrate } from './migrations.js';

export interface Session {
  /** HMAC user key (see userKey), never a raw chat id. */
  key: string;
  /** ISO 639-1, e.g. 'es'. */
  language: string | null;
  /** ISO 3166-1 alpha-2, e.g. 'MX'. */
  country: string | null;
  /** An area id inside the country, e.g. 'tijuana'. */
  area: string | null;
  /** Partner id from a deep link. */
  partner: string | null;
  /** Small JSON: current screen etc. */
  state: Record<string, unknown>;
  /** ms since epoch, set by putSession. */
  updatedAt: number;
}

export interface CounterEvent {
  /** 'YYYY-MM-DD' (UTC); default: today from now(). */
  day?: string;
  channel: string;
  partner: string | null;
  /** The person's UI language. */
  language: string | null;
  metric: string;
  value: string;
  /** Default 1. */
  n?: number;
}

/** A counter as stored: a null partner or language reads as ''. */
export interface CounterRow {
  day: string;
  channel: string;
  partner: string;
  language: string;
  metric: string;
  value: string;
  n: number;
}

export interface CounterFilter {
  /** First day, inclusive. */
  from?: string;
  /** Last day, inclusive. */
  to?: string;
  partner?: string;
}

export interface PurgeOptions {
  idleSessionDays: number;
  /** Default 7: WhatsApp retries a webhook for up to 7 days, Telegram for a day. */
  seenUpdateDays?: number;
}

export interface Store {
  getSession(key: string): Promise<Session | undefined>;
  /** Upsert; sets updatedAt = now(). */
  putSession(s: Omit<Session, 'updatedAt'>): Promise<Session>;
  /** Deletes every row about the person. */
  forgetUser(key: string): Promise<void>;
  /**
   * Two-phase claim: true when this process should handle the update, i.e. it was never seen, or
   * it was begun by another boot (a process that died before answering) and not finished.
   * False for an update already answered, or begun by this same boot (a redelivery while the
   * answer is still on its way). Call finishUpdates once the answer is sent.
   */
  beginUpdate(channel: string, updateId: string, boot: string): Promise<boolean>;
  /** Marks begun updates as answered; redeliveries of them are ignored from now on. */
  finishUpdates(updates: readonly { channel: string; updateId: string }[]): Promise<void>;
  /** Adds all events in one transaction. */
  count(events: CounterEvent[]): Promise<void>;
  counters(filter?: CounterFilter): Promise<CounterRow[]>;
  purge(options: PurgeOptions): Promise<{ sessions: number; updates: number }>;
  readonly path: string;
  /** SELECT 1, for /readyz; false instead of throwing. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface OpenStoreOptions {
  /** A file path, or ':memory:' for tests. */
  path: string;
  /** How long a write waits for another connection's lock; default 5000. */
  busyTimeoutMs?: number;
  /** Clock for updatedAt, default days and retention; default Date.now. */
  now?: () => number;
}

/** Tables keyed by a person's `key`; forgetUser empties them all for that key. */
export const PER_USER_TABLES = ['sessions'] as const;

const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const DEFAULT_SEEN_UPDATE_DAYS = 7;

interface SessionRow {
  key: string;
  language: string | null;
  country: string | null;
  area: string | null;
  partner: string | null;
  state: string;
  updated_at: number;
}

function parseState(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // A damaged state only loses the current screen; the person starts over.
  }
  return {};
}

function toSession(row: SessionRow): Session {
  return {
    key: row.key,
    language: row.language,
    country: row.country,
    area: row.area,
    partner: row.partner,
    state: parseState(row.state),
    updatedAt: row.updated_at,
  };
}

function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function positiveDays(name: string, days: number): number {
  if (!Number.isFinite(days) || days <= 0) throw new StoreError(`purge: ${name} must be a positive number of days, got ${days}.`);
  return days;
}

function checkedEvent(event: CounterEvent, today: string): Param[] {
  const day = event.day ?? today;
  const n = event.n ?? 1;
  if (!DAY_RE.test(day)) throw new StoreError(`count: day must look like 2025-01-31, got ${JSON.stringify(day)}.`);
  if (!Number.isSafeInteger(n) || n < 1) throw new StoreError(`count: n must be a whole number of at least 1, got ${n}.`);
  return [day, event.channel, event.partner ?? '', event.language ?? '', event.metric, event.value, n];
}

async function prepare(db: Db, memory: boolean, busyTimeoutMs: number): Promise<void> {
  db.raw.configure('busyTimeout', busyTimeoutMs);
  // Deleted rows are overwritten, not just unlinked: forgetUser should leave no bytes behind.
  await db.exec('PRAGMA secure_delete = ON');
  if (!memory) {
    await db.get('PRAGMA journal_mode = WAL');
    await db.exec('PRAGMA synchronous = NORMAL');
  }
  await migrate(db);
}

/**
 * Opens the database, creating its folder and schema when missing. One store holds one
 * connection; writes go through an in-process queue so a transaction never interleaves
 * with another call's statements.
 *
 * @example
 * const store = await openStore({ path: process.env.DATABASE_PATH ?? 'data/faro.db' });
 * if (await store.beginUpdate('telegram', String(update.update_id), boot)) {
 *   await handle(update);
 *   await store.finishUpdates([{ channel: 'telegram', updateId: String(update.update_id) }]);
 * }
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const { path } = options;
  const now = options.now ?? Date.now;
  const memory = path === ':memory:';
  if (!memory) {
    try {
      mkdirSync(dirname(path), { recursive: true });
    } catch (e) {
      throw openFailure(path, (e as Error).message);
    }
  }
  const db = await openDb(path);
  try {
    await prepare(db, memory, options.busyTimeoutMs ?? 5000);
  } catch (e) {
    await db.close().catch(() => undefined);
    throw e instanceof StoreError ? e : openFailure(path, (e as Error).message);
  }

  let tail: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;

  // sqlite3 runs one connection's statements in order but knows nothing of our transactions:
  // without this queue, a rolled-back transaction would take other calls' writes with it.
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = tail.then(fn);
    tail = result.catch(() => undefined);
    return result;
  }

  function transaction<T>(fn: () => Promise<T>): Promise<T> {
    return exclusive(async () => {
      await db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn();
        await db.exec('COMMIT');
        return result;
      } catch (e) {
        await db.exec('ROLLBACK').catch(() => undefined);
        throw e;
      }
    });
  }

  return {
    path,

    async getSession(key) {
      const row = await db.get<SessionRow>('SELECT * FROM sessions WHERE key = ?', [key]);
      return row && toSession(row);
    },

    async putSession(s) {
      const state = JSON.stringify(s.state ?? {});
      const updatedAt = now();
      return exclusive(async () => {
        await db.run(
          `INSERT INTO sessions (key, language, country, area, partner, state, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (key) DO UPDATE SET
             language = excluded.language, country = excluded.country, area = excluded.area,
             partner = excluded.partner, state = excluded.state, updated_at = excluded.updated_at`,
          [s.key, s.language, s.country, s.area, s.partner, state, updatedAt],
        );
        const { key, language, country, area, partner } = s;
        return { key, language, country, area, partner, state: parseState(state), updatedAt };
      });
    },

    async forgetUser(key) {
      return transaction(async () => {
        for (const table of PER_USER_TABLES) await db.run(`DELETE FROM ${table} WHERE key = ?`, [key]);
      });
    },

    beginUpdate(channel, updateId, boot) {
      return exclusive(async () => {
        // A conflicting row is taken over only when unfinished and begun by another boot.
        const { changes } = await db.run(
          `INSERT INTO seen_updates (channel, update_id, seen_at, done, boot) VALUES (?, ?, ?, 0, ?)
           ON CONFLICT (channel, update_id) DO UPDATE SET boot = excluded.boot, seen_at = excluded.seen_at
           WHERE seen_updates.done = 0 AND seen_updates.boot IS NOT excluded.boot`,
          [channel, updateId, now(), boot],
        );
        return changes === 1;
      });
    },

    async finishUpdates(updates) {
      // One statement (row values), so answering costs one round trip however many were merged.
      for (let i = 0; i < updates.length; i += 200) {
        const chunk = updates.slice(i, i + 200);
        await exclusive(() =>
          db.run(
            `UPDATE seen_updates SET done = 1 WHERE (channel, update_id) IN (VALUES ${chunk.map(() => '(?, ?)').join(', ')})`,
            chunk.flatMap((u) => [u.channel, u.updateId]),
          ),
        );
      }
    },

    async count(events) {
      if (events.length === 0) return;
      const today = utcDay(now());
      // Checked before BEGIN so one bad event cannot leave half a batch counted.
      const rows = events.map((event) => checkedEvent(event, today));
      await transaction(async () => {
        for (const row of rows) {
          await db.run(
            `INSERT INTO counters (day, channel, partner, language, metric, value, n) VALUES (?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (day, channel, partner, language, metric, value) DO UPDATE SET n = n + excluded.n`,
            row,
          );
        }
      });
    },

    counters(filter = {}) {
      const conditions: [string, string | undefined][] = [
        ['day >= ?', filter.from],
        ['day <= ?', filter.to],
        ['partner = ?', filter.partner],
      ];
      const used = conditions.filter((c): c is [string, string] => c[1] !== undefined);
      const where = used.map(([sql]) => sql);
      const params = used.map(([, value]) => value);
      return db.all<CounterRow>(
        `SELECT day, channel, partner, language, metric, value, n FROM counters
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY day, channel, partner, language, metric, value`,
        params,
      );
    },

    async purge(options) {
      const idle = positiveDays('idleSessionDays', options.idleSessionDays);
      const seen = positiveDays('seenUpdateDays', options.seenUpdateDays ?? DEFAULT_SEEN_UPDATE_DAYS);
      const at = now();
      return transaction(async () => {
        const sessions = await db.run('DELETE FROM sessions WHERE updated_at < ?', [at - idle * DAY_MS]);
        const updates = await db.run('DELETE FROM seen_updates WHERE seen_at < ?', [at - seen * DAY_MS]);
        return { sessions: sessions.changes, updates: updates.changes };
      });
    },

    async ping() {
      try {
        const row = await db.get<{ ok: number }>('SELECT 1 AS ok');
        return row?.ok === 1;
      } catch {
        return false;
      }
    },

    close() {
      closing ??= exclusive(() => db.close());
      return closing;
    },
  };
}
