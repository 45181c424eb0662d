import sqlite3 from 'sqlite3';
import { StoreError } from './errors.js';

export type Param = string | number | bigint | null | Buffer;

export interface RunResult {
  changes: number;
  lastID: number;
}

/** The few calls the store needs from `sqlite3.Database`, as promises. */
export interface Db {
  readonly raw: sqlite3.Database;
  run(sql: string, params?: readonly Param[]): Promise<RunResult>;
  get<T>(sql: string, params?: readonly Param[]): Promise<T | undefined>;
  all<T>(sql: string, params?: readonly Param[]): Promise<T[]>;
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

export function openFailure(path: string, reason: string): StoreError {
  return new StoreError(
    `cannot open the database at ${path}: ${reason}. Check DATABASE_PATH and that its folder exists and is writable.`,
  );
}

/**
 * Opens (creating if needed) one connection. Statements on it run one at a time.
 *
 * @example
 * const db = await openDb(':memory:');
 * await db.run('CREATE TABLE t (x)');
 */
export function openDb(path: string): Promise<Db> {
  return new Promise((resolve, reject) => {
    const raw = new sqlite3.Database(path, (err) => {
      if (err) reject(openFailure(path, err.message));
      else resolve(wrap(raw));
    });
  });
}

function wrap(raw: sqlite3.Database): Db {
  return {
    raw,
    run: (sql, params = []) =>
      new Promise((resolve, reject) => {
        raw.run(sql, params, function (err) {
          if (err) reject(err);
          else resolve({ changes: this.changes, lastID: this.lastID });
        });
      }),
    get: <T>(sql: string, params: readonly Param[] = []) =>
      new Promise<T | undefined>((resolve, reject) => {
        raw.get<T>(sql, params, (err, row) => (err ? reject(err) : resolve(row)));
      }),
    all: <T>(sql: string, params: readonly Param[] = []) =>
      new Promise<T[]>((resolve, reject) => {
        raw.all<T>(sql, params, (err, rows) => (err ? reject(err) : resolve(rows)));
      }),
    exec: (sql) =>
      new Promise((resolve, reject) => {
        raw.exec(sql, (err) => (err ? reject(err) : resolve()));
      }),
    close: () =>
      new Promise((resolve, reject) => {
        raw.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
