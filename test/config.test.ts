import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { describe, expect, it } from 'vitest';
import { Config, ConfigError, loadConfig } from '../src/config.js';
import { ROOT } from './helpers/conversation.js';

describe('configuration', () => {
  it('has working defaults with nothing set', () => {
    expect(loadConfig({})).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', DATABASE_PATH: 'data/faro.db', MERGE_WINDOW_MS: 2000, MIN_REPORTED_COUNT: 5, TRUST_PROXY: false, API_CORS_ORIGINS: [] });
  });

  it('accepts .env.example as it is: empty values mean "not set"', () => {
    const example = parseEnv(readFileSync(`${ROOT}/.env.example`, 'utf8'));
    const config = loadConfig(example);
    expect(config.TELEGRAM_BOT_TOKEN).toBeUndefined();
    expect(config.WHATSAPP_TOKEN).toBeUndefined();
    expect(config.USER_KEY_SECRET).toBeUndefined();
  });

  it('lists every variable of the schema in .env.example', () => {
    const example = parseEnv(readFileSync(`${ROOT}/.env.example`, 'utf8'));
    const schemaKeys = Object.keys(Config.shape);
    expect(schemaKeys.length).toBeGreaterThan(20);
    expect(Object.keys(example).sort()).toEqual(schemaKeys.sort());
  });

  it('names the variable and says what to write', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a number, e\.g\. 3000/);
    expect(() => loadConfig({ WHATSAPP_TOKEN: 'x'.repeat(30) })).toThrow(/WhatsApp needs all of WHATSAPP_TOKEN, WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN/);
    expect(() => loadConfig({ TELEGRAM_WEBHOOK_URL: 'https://a.example/telegram/webhook' })).toThrow(/needs TELEGRAM_BOT_TOKEN and TELEGRAM_WEBHOOK_SECRET/);
    expect(() => loadConfig({ API_CORS_ORIGINS: 'ngo.example.org' })).toThrow(/API_CORS_ORIGINS is a comma-separated list of origins/);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY is the number of proxies/);
  });
});
