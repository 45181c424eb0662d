import fc from 'fast-check';
import { MAX_MESSAGE, type TelegramMessage } from '../../src/channels/telegram/render.js';
import { LIMITS, type GraphMessage } from '../../src/channels/whatsapp/render.js';
import { FLAG_IDS, type CheckResult } from '../../src/checker/types.js';
import { LANGUAGES } from '../../src/content/schemas.js';
import { decodeAction, encodeAction, type Reply } from '../../src/conversation/types.js';

/** One fixed seed: CI sees the same inputs every run; change it locally to explore. */
export const SEED = 20_261_122;

const ZERO_WIDTH = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u034f', '\u180e'];
const BIDI = ['\u200e', '\u200f', '\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u061c'];
const EMOJI = ['🚤', '✈️', '🇺🇸', '🇲🇽', '👨‍👩‍👧‍👦', '1️⃣', '💯', '🔥', '👍🏽', '🏳️‍🌈', '🛶', '💵', '\u{1F6A2}\uFE0F'];
const MARKUP = ['<b>', '</b>', '<i>', '</a>', '<a href="x">', '<script>', '&amp;', '&', '"', "'", '*', '_', '~', '`', '```', '\\', '</', '<!--', '&#x3c;'];
const WORDS = [
  'Pase directo', 'a USA', '100% garantizado', 'sin caminar', 'anticipo', 'deposita la mitad', 'por Elektra', 'Western Union',
  'últimos lugares', 'escríbeme al WhatsApp', '+52 55 1234 5678', 'https://t.me/coyote_vip', 'wa.me/5215512345678', '@pasador_mx',
  '$4,500 USD', '15 mil pesos', 'salimos el viernes', 'no creas', 'cuidado', 'asilo garantizado', 'visa', 'pasaporte', 'nunca pagues',
  'نعبر الحدود', 'مضمون 100%', '偷渡', '保证', '包过美国', 'перевезём через границу', 'гарантия', 'nou pase w', 'garanti', 'passage garanti',
  'travessia', 'sınır geçişi', 'G A R A N T I Z A D O', 'c0y0te', 'p.a.s.e', '١٢٣٤٥', '１２３', 'ayuda', 'help', '¿es seguro?', 'hola',
];
const SEPARATORS = [' ', '  ', '\n', '\n\n', '\t', '\r\n', '.', ',', '!', '?', '¿', '¡', '...', ' - ', '\u00a0', '\u3000', '\u2028'];

/** Any UTF-16 code unit, lone surrogate halves included: what JavaScript strings allow. */
export const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Mixed scripts, emoji, invisible and direction characters, markup and words the patterns know, glued at random. */
export const hostileText = (loneSurrogates = true): fc.Arbitrary<string> =>
  fc
    .array(
      fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...WORDS) },
        { weight: 3, arbitrary: fc.constantFrom(...SEPARATORS) },
        { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
        { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 8 }) },
        { weight: 1, arbitrary: fc.constantFrom(...EMOJI) },
        { weight: 1, arbitrary: fc.constantFrom(...ZERO_WIDTH, ...BIDI) },
        { weight: 1, arbitrary: fc.constantFrom(...MARKUP) },
        { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 16n }).map(String) },
        { weight: loneSurrogates ? 1 : 0, arbitrary: loneSurrogate },
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));

/** Every kind of text the fuzz tests use: the hostile mix, any code points, any code units. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileText() },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
  { weight: 1, arbitrary: fc.string({ unit: codeUnit, maxLength: 300 }) },
);

/** Well-formed text only (no lone surrogates): what real clients send. */
export const wellFormedText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: hostileText(false) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) },
);

const LONE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const isWellFormed = (s: string) => !LONE.test(s);

/** Fails the property with a message that says what broke. */
export function check(ok: boolean, message: string): asserts ok {
  if (!ok) throw new Error(message);
}

const RISKS = new Set(['high', 'medium', 'low']);
const spanOk = (original: string, e: { text: string; start: number; end: number }) =>
  Number.isInteger(e.start) && Number.isInteger(e.end) && e.start >= 0 && e.start <= e.end && e.end <= original.length && original.slice(e.start, e.end) === e.text;

/** The check result contract, for any text. Returns how many spans it verified. */
export function checkResultInvariants(original: string, r: CheckResult): number {
  check(RISKS.has(r.risk), `risk ${String(r.risk)}`);
  check(Number.isFinite(r.score), `score ${r.score}`);
  check(typeof r.language === 'string' && r.language.length > 0, `language ${r.language}`);
  check(r.risk !== 'low' || r.flags.length === 0, 'a low result lists flags');
  let spans = 0;
  for (const f of r.flags) {
    check((FLAG_IDS as readonly string[]).includes(f.id), `flag ${f.id}`);
    for (const e of f.evidence) {
      check(spanOk(original, e), `evidence ${JSON.stringify(e)} is not original.slice(start, end)`);
      spans++;
    }
  }
  for (const [kind, items] of Object.entries(r.offer)) {
    for (const item of items as Array<{ text: string; start: number; end: number; value: unknown }>) {
      check(spanOk(original, item), `offer.${kind} ${JSON.stringify(item)} is not original.slice(start, end)`);
      check(typeof item.value === 'string', `offer.${kind} value ${String(item.value)}`);
      spans++;
    }
  }
  for (const p of r.offer.prices) check(Number.isFinite(p.amount) && p.amount > 0 && /^[A-Z]{3}$/.test(p.currency), `price ${JSON.stringify(p)}`);
  return spans;
}

/** A reply the channels can render: known language, matching direction, buttons whose payloads decode and fit. */
export function replyInvariants(r: Reply): void {
  check((LANGUAGES as readonly string[]).includes(r.lang), `reply language ${r.lang}`);
  check(r.dir === (r.lang === 'ar' ? 'rtl' : 'ltr'), `direction ${r.dir} for ${r.lang}`);
  for (const p of r.parts) check(typeof p.text === 'string', 'a part without text');
  for (const b of (r.buttons ?? []).flat()) {
    check(b.label.trim().length > 0, 'a button without a label');
    if ('url' in b) check(/^https?:\/\//.test(b.url), `button url ${b.url}`);
    else {
      const data = encodeAction(b.action);
      check(Buffer.byteLength(data, 'utf8') <= 64, `callback data over 64 bytes: ${data}`);
      check(decodeAction(data) !== undefined, `a payload that does not decode: ${data}`);
    }
  }
}

const OUR_TAG = /<(\/?)(b|i|a)(?: href="[^"<>]*")?>/g;

/**
 * Telegram HTML as Faro sends it: each message within 4,096 characters and not blank; only Faro's
 * own <b>, <i> and <a href> tags, balanced and nested; every other "<", ">" and "&" escaped.
 */
export function telegramInvariants(messages: TelegramMessage[], reply: Reply): void {
  check(messages.length > 0, 'no message');
  messages.forEach((m, i) => {
    check(m.text.length <= MAX_MESSAGE, `message ${i} is ${m.text.length} characters`);
    check(m.text.trim().length > 0, `message ${i} is blank`);
    const stack: string[] = [];
    let outside = '';
    let last = 0;
    for (const tag of m.text.matchAll(OUR_TAG)) {
      outside += m.text.slice(last, tag.index);
      last = tag.index + tag[0].length;
      const [, closing, name] = tag as unknown as [string, string, string];
      if (closing) check(stack.pop() === name, `</${name}> closes nothing open in message ${i}`);
      else {
        check(!stack.includes(name), `<${name}> inside <${name}> in message ${i}`);
        stack.push(name);
      }
    }
    outside += m.text.slice(last);
    check(stack.length === 0, `<${stack.join('>, <')}> left open in message ${i}`);
    check(!/[<>]/.test(outside), `a raw "<" or ">" outside Faro's tags in message ${i}`);
    check(!/&(?!amp;|lt;|gt;|quot;)/.test(m.text), `an unescaped "&" in message ${i}`);
    if (i < messages.length - 1) check(m.reply_markup === undefined, 'buttons before the last message');
  });
  const keyboard = messages.at(-1)!.reply_markup?.inline_keyboard.flat() ?? [];
  check(keyboard.length === (reply.buttons ?? []).flat().length, 'buttons lost');
  for (const b of keyboard) {
    check(b.text.length > 0, 'a button without text');
    if ('callback_data' in b && b.callback_data !== undefined) check(Buffer.byteLength(b.callback_data) <= 64, 'callback_data over 64 bytes');
  }
}

/** Cloud API messages within Meta's documented limits. */
export function whatsappInvariants(messages: GraphMessage[]): void {
  check(messages.length > 0, 'no message');
  for (const m of messages) {
    if (m.type === 'text') {
      check(m.text.body.length > 0 && m.text.body.length <= LIMITS.text, `a text of ${m.text.body.length} characters`);
      continue;
    }
    const body = m.interactive.body.text;
    check(body.length > 0 && body.length <= LIMITS.body, `an interactive body of ${body.length} characters`);
    if (m.interactive.type === 'button') {
      const buttons = m.interactive.action.buttons;
      check(buttons.length >= 1 && buttons.length <= LIMITS.buttons, `${buttons.length} reply buttons`);
      check(new Set(buttons.map((b) => b.reply.id)).size === buttons.length, 'duplicate button ids');
      check(new Set(buttons.map((b) => b.reply.title)).size === buttons.length, 'duplicate button titles');
      for (const b of buttons) {
        check(b.reply.title.length > 0 && b.reply.title.length <= LIMITS.buttonTitle, `button title "${b.reply.title}"`);
        check(b.reply.id.length > 0 && b.reply.id.length <= LIMITS.buttonId, `button id "${b.reply.id}"`);
      }
    } else {
      const rows = m.interactive.action.sections.flatMap((s) => s.rows);
      check(m.interactive.action.button.length > 0 && m.interactive.action.button.length <= LIMITS.listButton, 'list button label');
      check(rows.length >= 1 && rows.length <= LIMITS.rows, `${rows.length} rows`);
      check(new Set(rows.map((r) => r.id)).size === rows.length, 'duplicate row ids');
      check(new Set(rows.map((r) => r.title)).size === rows.length, 'duplicate row titles');
      for (const r of rows) {
        check(r.title.length > 0 && r.title.length <= LIMITS.rowTitle, `row title "${r.title}"`);
        check(r.id.length > 0 && r.id.length <= LIMITS.rowId, `row id "${r.id}"`);
        check(r.description === undefined || r.description.length <= LIMITS.rowDescription, `row description "${r.description}"`);
      }
    }
  }
}

/** Every string a renderer produced, to check for broken characters. */
export function renderedStrings(telegram: TelegramMessage[], whatsapp: GraphMessage[]): string[] {
  return [
    ...telegram.flatMap((m) => [m.text, ...(m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [])]),
    ...whatsapp.flatMap((m) => {
      if (m.type === 'text') return [m.text.body];
      const i = m.interactive;
      if (i.type === 'button') return [i.body.text, ...i.action.buttons.map((b) => b.reply.title)];
      return [i.body.text, i.action.button, ...i.action.sections.flatMap((s) => s.rows.flatMap((r) => [r.title, r.description ?? '']))];
    }),
  ];
}
