import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { StoreError } from './errors.js';

const MIN_SECRET_LENGTH = 32;

/**
 * The only identifier the store ever sees for a person: the raw chat id cannot be read
 * back from it without the secret, and the same id on two channels gives two keys.
 *
 * @example
 * userKey(secret, 'telegram', 123456789) // 'q3V0…' (43 base64url characters)
 */
export function userKey(secret: string, channel: string, id: string | number): string {
  if (secret.length === 0) throw new StoreError('userKey needs a non-empty secret (see loadOrCreateSecret).');
  return createHmac('sha256', secret).update(`${channel}:${id}`).digest('base64url');
}

function readSecret(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError(`cannot read the secret file ${file}: ${(e as Error).message}.`);
  }
}

function checked(file: string, secret: string): string {
  if (secret.length >= MIN_SECRET_LENGTH) return secret;
  throw new StoreError(
    `the secret file ${file} holds ${secret.length} characters; it needs at least ${MIN_SECRET_LENGTH}. ` +
      'Restore it from a backup, or delete it to have Faro create a new one ' +
      '(a new secret changes every user key, so existing sessions are no longer found).',
  );
}

/**
 * Returns the HMAC secret kept in `file`, creating it (32 random bytes as hex, mode 0600)
 * on first start. The secret must survive restarts: losing it orphans every session.
 *
 * @example
 * const secret = loadOrCreateSecret('data/user-key.secret');
 */
export function loadOrCreateSecret(file: string): string {
  const existing = readSecret(file);
  if (existing !== undefined) return checked(file, existing);
  const secret = randomBytes(32).toString('hex');
  try {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // 'wx' so two processes starting at once cannot overwrite each other's secret.
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
    return secret;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return checked(file, readSecret(file) ?? '');
    throw new StoreError(`cannot create the secret file ${file}: ${(e as Error).message}.`);
  }
}
