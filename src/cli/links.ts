import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import { z } from 'zod';
import { Config } from '../config.js';
import { loadPartners, type Partner } from '../content/partners.js';
import { ContentError } from '../content/read-yaml.js';
import { createI18n } from '../i18n.js';
import { CHANNELS, partnerLinks, type Channel, type LinkSettings } from '../partners/links.js';
import { renderPoster } from '../partners/poster.js';
import { InputError } from './jsonl.js';

export interface LinksOptions {
  contentDir: string;
  localesDir: string;
  /** The partner's id or code. */
  partner: string;
  /** Folder for <id>-poster.svg and .png; created if missing. */
  out: string;
  bot?: string;
  whatsapp?: string;
  web?: string;
  /** Where TELEGRAM_BOT_USERNAME, TELEGRAM_BOT_TOKEN, WHATSAPP_NUMBER, PUBLIC_URL... come from. */
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
  /** Paths are printed relative to this folder. */
  cwd?: string;
}

export interface LinksResult {
  /** The links and the poster files, for standard output. */
  output: string;
  /** Links left out and why, for standard error. */
  notes: string[];
}

const LinkEnv = z.object({
  TELEGRAM_BOT_USERNAME: Config.shape.TELEGRAM_BOT_USERNAME,
  TELEGRAM_BOT_TOKEN: Config.shape.TELEGRAM_BOT_TOKEN,
  TELEGRAM_API_ROOT: Config.shape.TELEGRAM_API_ROOT,
  WHATSAPP_NUMBER: Config.shape.WHATSAPP_NUMBER,
  PUBLIC_URL: Config.shape.PUBLIC_URL,
});
type LinkEnv = z.infer<typeof LinkEnv>;

const GetMe = z.object({ ok: z.literal(true), result: z.object({ username: z.string().min(1) }) });
const CHANNEL_NAMES: Record<Channel, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', web: 'Web chat' };
const GETME_TIMEOUT_MS = 10_000;

/**
 * `faro links <partner>`: the partner's deep links, and an A4 QR poster written as SVG and PNG.
 *
 * @example
 * const { output, notes } = await runLinks({ contentDir, localesDir, partner: 'demo', out: 'data/posters', env: process.env });
 */
export async function runLinks(o: LinksOptions): Promise<LinksResult> {
  const partner = await findPartner(o.contentDir, o.partner);
  const env = parseEnv(o.env);
  const notes: string[] = [];
  const settings: LinkSettings = {};

  const bot = o.bot !== undefined ? checkBot(o.bot) : env.TELEGRAM_BOT_USERNAME;
  if (bot) settings.botUsername = bot;
  else if (env.TELEGRAM_BOT_TOKEN) {
    const asked = await askBotUsername(env.TELEGRAM_BOT_TOKEN, env.TELEGRAM_API_ROOT, o.fetch ?? fetch);
    if ('username' in asked) settings.botUsername = asked.username;
    else notes.push(`no Telegram link: asking Telegram for the bot's name failed (${asked.failure}); set TELEGRAM_BOT_USERNAME or pass --bot`);
  } else {
    notes.push('no Telegram link: set TELEGRAM_BOT_USERNAME (or TELEGRAM_BOT_TOKEN, to ask Telegram), or pass --bot');
  }

  const whatsapp = o.whatsapp !== undefined ? checkWhatsapp(o.whatsapp) : env.WHATSAPP_NUMBER;
  if (whatsapp) settings.whatsappNumber = whatsapp;
  else notes.push('no WhatsApp link: set WHATSAPP_NUMBER, or pass --whatsapp');

  const web = o.web !== undefined ? checkWeb(o.web) : env.PUBLIC_URL;
  if (web) settings.publicUrl = web;
  else notes.push('no web chat link: set PUBLIC_URL, or pass --web');

  const links = partnerLinks(partner, settings);
  const channels = CHANNELS.filter((c) => links[c]);
  if (channels.length === 0) {
    throw new InputError(
      `no links to make for ${partner.id}:\n${notes.map((n) => `  ${n}`).join('\n')}\n` +
        'Set at least one of TELEGRAM_BOT_USERNAME (or TELEGRAM_BOT_TOKEN), WHATSAPP_NUMBER, PUBLIC_URL.',
    );
  }

  const i18n = await createI18n(o.localesDir);
  const poster = renderPoster({ partner, links, t: i18n.t(partner.language), lang: partner.language });
  await mkdir(o.out, { recursive: true });
  const svgPath = join(o.out, `${partner.id}-poster.svg`);
  const pngPath = join(o.out, `${partner.id}-poster.png`);
  await writeFile(svgPath, poster.svg);
  await writeFile(pngPath, poster.png);

  const show = (p: string) => {
    const rel = relative(o.cwd ?? process.cwd(), p);
    return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : p;
  };
  const width = Math.max(...channels.map((c) => CHANNEL_NAMES[c].length));
  const output = [
    `${partner.name} (id ${partner.id}, code ${partner.code}, language ${partner.language})`,
    ...channels.map((c) => `  ${CHANNEL_NAMES[c].padEnd(width)}  ${links[c]}`),
    'Poster (A4):',
    `  ${show(svgPath)}`,
    `  ${show(pngPath)}`,
  ].join('\n');
  return { output: `${output}\n`, notes };
}

async function findPartner(contentDir: string, wanted: string): Promise<Partner> {
  const { partners, problems } = await loadPartners(contentDir);
  if (problems.length > 0) throw new ContentError(problems);
  const key = wanted.trim().toLowerCase();
  const partner = partners.find((p) => p.id === key || p.code.toLowerCase() === key);
  if (!partner) {
    const known = partners.map((p) => `  ${p.id} (code ${p.code})${p.active ? '' : ', inactive'}`).join('\n');
    throw new InputError(
      partners.length > 0
        ? `no partner "${wanted}" in ${join(contentDir, 'partners')}; give an id or a code:\n${known}`
        : `no partner "${wanted}": ${join(contentDir, 'partners')} has none yet (see content/README.md, "Add a partner")`,
    );
  }
  if (!partner.active) {
    throw new InputError(`partner ${partner.id} is inactive, so its code would not work: set active: true in partners/${partner.id}.yaml first`);
  }
  return partner;
}

function parseEnv(raw: Record<string, string | undefined>): LinkEnv {
  // An empty variable (NAME= in a .env file) counts as unset.
  const set = Object.fromEntries(Object.keys(LinkEnv.shape).map((k) => [k, raw[k] === '' ? undefined : raw[k]]));
  const parsed = LinkEnv.safeParse(set);
  if (parsed.success) return parsed.data;
  throw new InputError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
}

function checkBot(value: string): string {
  const bot = value.trim().replace(/^@/, '');
  if (!/^[A-Za-z0-9_]{5,32}$/.test(bot)) throw new InputError(`--bot ${value}: give the bot's username, e.g. faro_bot (5-32 letters, digits or _)`);
  return bot;
}

function checkWhatsapp(value: string): string {
  const digits = value.replace(/\D/g, '');
  if (!/^[\d\s+()./-]+$/.test(value) || digits.length < 6 || digits.length > 16) {
    throw new InputError(`--whatsapp ${value}: give the public number in international format, e.g. +1 555 123 4567`);
  }
  return digits;
}

function checkWeb(value: string): string {
  const url = URL.canParse(value.trim()) ? new URL(value.trim()) : undefined;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new InputError(`--web ${value}: give the address of Faro's web chat, e.g. https://faro.example.org`);
  }
  return value.trim();
}

/** The bot's username from Telegram's getMe; the token never appears in what this returns. */
async function askBotUsername(token: string, apiRoot: string, fetchFn: typeof fetch): Promise<{ username: string } | { failure: string }> {
  try {
    const res = await fetchFn(`${apiRoot.replace(/\/+$/, '')}/bot${token}/getMe`, { signal: AbortSignal.timeout(GETME_TIMEOUT_MS) });
    const body: unknown = await res.json().catch(() => undefined);
    const parsed = GetMe.safeParse(body);
    if (parsed.success) return { username: parsed.data.result.username };
    const description = (body as { description?: unknown } | undefined)?.description;
    return { failure: `HTTP ${res.status}${typeof description === 'string' ? `: ${description}` : ''}` };
  } catch (e) {
    const err = e as Error & { cause?: { code?: string } };
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return { failure: `no answer within ${GETME_TIMEOUT_MS / 1000} s` };
    return { failure: `could not reach ${apiRoot}${err.cause?.code ? ` (${err.cause.code})` : ''}` };
  }
}
