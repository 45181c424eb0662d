import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLinks, type LinksOptions } from '../../src/cli/links.js';
import { InputError } from '../../src/cli/jsonl.js';
import { FakeBotApi } from '../helpers/fake-bot-api.js';
import { faro as runFaro } from '../helpers/faro-cli.js';

const ROOT = resolve(import.meta.dirname, '../..');
const LINK_VARS = ['TELEGRAM_BOT_USERNAME', 'TELEGRAM_BOT_TOKEN', 'TELEGRAM_API_ROOT', 'WHATSAPP_NUMBER', 'PUBLIC_URL', 'CONTENT_DIR'];
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The real `faro` command, with none of the link variables of the machine running the tests. */
const faro = (args: string[], env: Record<string, string> = {}) => runFaro(args, { env, unset: LINK_VARS });

const tmp = () => mkdtempSync(join(tmpdir(), 'faro-links-'));

describe('faro links (the real command)', { timeout: 90_000 }, () => {
  let api: FakeBotApi;
  beforeAll(async () => {
    api = await new FakeBotApi().start();
  });
  afterAll(async () => {
    await api.stop();
  });

  it('prints the demo partner links and writes the SVG and PNG poster', async () => {
    const out = join(tmp(), 'posters');
    const r = await faro(['links', 'demo', '--out', out, '--bot', 'faro_test_bot', '--whatsapp', '+1 555 123 4567', '--web', 'https://faro.example.org']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Faro demo');
    expect(r.stdout).toMatch(/^ {2}Telegram {2}https:\/\/t\.me\/faro_test_bot\?start=faro_demo$/m);
    expect(r.stdout).toMatch(/^ {2}WhatsApp {2}https:\/\/wa\.me\/15551234567\?text=faro_demo$/m);
    expect(r.stdout).toMatch(/^ {2}Web chat {2}https:\/\/faro\.example\.org\/\?start=faro_demo$/m);
    const svg = join(out, 'demo-poster.svg');
    const png = join(out, 'demo-poster.png');
    expect(r.stdout).toContain(svg);
    expect(r.stdout).toContain(png);
    expect(readFileSync(svg, 'utf8')).toContain('Faro demo');
    expect(readFileSync(png).subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
  });

  it('names the partners it knows when the partner is unknown, and exits 2', async () => {
    const out = join(tmp(), 'posters');
    const r = await faro(['links', 'nobody', '--out', out, '--bot', 'faro_test_bot']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^faro: no partner "nobody" in .*partners; give an id or a code:\n {2}demo \(code faro_demo\)$/m);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it("asks Telegram's getMe for the bot's name when only the token is set", async () => {
    const out = join(tmp(), 'posters');
    const r = await faro(['links', 'FARO_DEMO', '--out', out], { TELEGRAM_BOT_TOKEN: api.token, TELEGRAM_API_ROOT: api.apiRoot });
    expect(r.code).toBe(0);
    expect(api.callsTo('getMe')).toHaveLength(1);
    expect(r.stdout).toContain('https://t.me/faro_test_bot?start=faro_demo');
    expect(r.stdout).not.toContain('wa.me');
    expect(r.stderr).toContain('note: no WhatsApp link: set WHATSAPP_NUMBER, or pass --whatsapp');
    expect(r.stderr).toContain('note: no web chat link: set PUBLIC_URL, or pass --web');
    expect(r.stdout + r.stderr).not.toContain(api.token);
    expect(existsSync(join(out, 'demo-poster.png'))).toBe(true);
  });
});

describe('runLinks', { timeout: 60_000 }, () => {
  const contentDir = tmp();
  mkdirSync(join(contentDir, 'partners'));
  writeFileSync(join(contentDir, 'partners', 'casa-norte.yaml'), 'id: casa-norte\ncode: casanorte_tj\nname: Casa Norte\nlanguage: es\nactive: true\n');
  writeFileSync(join(contentDir, 'partners', 'old-partner.yaml'), 'id: old-partner\ncode: oldcode\nname: Old Partner\nlanguage: fr\nactive: false\n');
  const token = '123456:TEST-token-for-the-fake-bot-api-00';
  const run = (o: Partial<LinksOptions>) =>
    runLinks({ contentDir, localesDir: resolve(ROOT, 'locales'), partner: 'casa-norte', out: join(tmp(), 'posters'), env: {}, ...o });

  it('refuses an inactive partner and says how to turn it on', async () => {
    await expect(run({ partner: 'oldcode', bot: 'faro_test_bot' })).rejects.toThrow(/old-partner is inactive.*set active: true in partners\/old-partner\.yaml/);
  });

  it('takes the links from the environment when no option is given', async () => {
    const r = await run({ env: { TELEGRAM_BOT_USERNAME: 'env_faro_bot', WHATSAPP_NUMBER: '+15550001111', PUBLIC_URL: 'https://ngo.example.org/faro' } });
    expect(r.output).toContain('https://t.me/env_faro_bot?start=casanorte_tj');
    expect(r.output).toContain('https://wa.me/15550001111?text=casanorte_tj');
    expect(r.output).toContain('https://ngo.example.org/faro/?start=casanorte_tj');
    expect(r.notes).toEqual([]);
  });

  it('prefers the options to the environment', async () => {
    const r = await run({ bot: '@flag_faro_bot', env: { TELEGRAM_BOT_USERNAME: 'env_faro_bot', TELEGRAM_BOT_TOKEN: token } });
    expect(r.output).toContain('https://t.me/flag_faro_bot?start=casanorte_tj');
    expect(r.output).not.toContain('env_faro_bot');
  });

  it('skips Telegram with a note when getMe fails, and keeps the other links', async () => {
    const calls: string[] = [];
    const failing = (async (url: string | URL | Request) => {
      calls.push(String(url));
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    }) as typeof fetch;
    const r = await run({ env: { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: 'http://127.0.0.1:9', PUBLIC_URL: 'https://faro.example.org' }, fetch: failing });
    expect(calls).toEqual([`http://127.0.0.1:9/bot${token}/getMe`]);
    expect(r.output).not.toContain('t.me');
    expect(r.output).toContain('https://faro.example.org/?start=casanorte_tj');
    expect(r.notes[0]).toBe("no Telegram link: asking Telegram for the bot's name failed (could not reach http://127.0.0.1:9 (ECONNREFUSED)); set TELEGRAM_BOT_USERNAME or pass --bot");
    expect(r.notes.join('\n')).not.toContain(token);
  });

  it('reports a getMe that times out or refuses the token', async () => {
    const timeout = (async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    }) as typeof fetch;
    const web = { PUBLIC_URL: 'https://faro.example.org' };
    expect((await run({ env: { TELEGRAM_BOT_TOKEN: token, ...web }, fetch: timeout })).notes[0]).toContain('(no answer within 10 s)');
    const refused = (async () => Response.json({ ok: false, error_code: 401, description: 'Unauthorized' }, { status: 401 })) as typeof fetch;
    expect((await run({ env: { TELEGRAM_BOT_TOKEN: token, ...web }, fetch: refused })).notes[0]).toContain('(HTTP 401: Unauthorized)');
  });

  it('says which variables to set when there is no link at all', async () => {
    const err = await run({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/TELEGRAM_BOT_USERNAME/);
    expect((err as Error).message).toMatch(/WHATSAPP_NUMBER/);
    expect((err as Error).message).toMatch(/PUBLIC_URL/);
  });

  it('rejects malformed options and variables, naming them', async () => {
    await expect(run({ whatsapp: 'call me' })).rejects.toThrow(/--whatsapp call me/);
    await expect(run({ web: 'faro.example.org' })).rejects.toThrow(/--web faro\.example\.org/);
    await expect(run({ bot: 'a b' })).rejects.toThrow(/--bot a b/);
    await expect(run({ env: { WHATSAPP_NUMBER: 'abc' } })).rejects.toThrow(/WHATSAPP_NUMBER/);
  });
});
