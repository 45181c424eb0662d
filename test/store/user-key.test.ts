import { createHmac } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecret, StoreError, userKey } from '../../src/store/index.js';
import { tempDir } from './helpers.js';

const secret = 'a'.repeat(64);

describe('userKey', () => {
  it('is HMAC-SHA256 of "channel:id" as base64url, stable across calls and id types', () => {
    const key = userKey(secret, 'telegram', 123456789);
    expect(key).toBe(createHmac('sha256', secret).update('telegram:123456789').digest('base64url'));
    expect(userKey(secret, 'telegram', '123456789')).toBe(key);
    expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('differs by channel and by secret, and does not contain the raw id', () => {
    const id = '5215551234567';
    const key = userKey(secret, 'whatsapp', id);
    expect(userKey(secret, 'telegram', id)).not.toBe(key);
    expect(userKey('b'.repeat(64), 'whatsapp', id)).not.toBe(key);
    expect(key).not.toContain(id);
    expect(key).not.toContain('1234567');
  });

  it('refuses an empty secret', () => {
    expect(() => userKey('', 'telegram', 1)).toThrow(StoreError);
  });
});

describe('loadOrCreateSecret', () => {
  it('creates a 0600 file with 32 random bytes as hex, in a missing folder, and reuses it', () => {
    const file = join(tempDir(), 'secrets', 'user-key.secret');
    const created = loadOrCreateSecret(file);
    expect(created).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toBe(created);
    expect(loadOrCreateSecret(file)).toBe(created);
    expect(loadOrCreateSecret(join(tempDir(), 'other.secret'))).not.toBe(created);
  });

  it('reads an existing secret trimmed', () => {
    const file = join(tempDir(), 'user-key.secret');
    writeFileSync(file, `  ${'x'.repeat(40)}\n\n`);
    expect(loadOrCreateSecret(file)).toBe('x'.repeat(40));
  });

  it('rejects an empty or short file instead of replacing it', () => {
    const file = join(tempDir(), 'user-key.secret');
    writeFileSync(file, '  \n');
    expect(() => loadOrCreateSecret(file)).toThrow(StoreError);
    expect(readFileSync(file, 'utf8')).toBe('  \n');
    writeFileSync(file, 'short');
    expect(() => loadOrCreateSecret(file)).toThrow(/at least 32/);
  });
});
