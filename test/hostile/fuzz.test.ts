import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderTelegram } from '../../src/channels/telegram/render.js';
import { renderWhatsApp } from '../../src/channels/whatsapp/render.js';
import { MAX_CHECK_LENGTH } from '../../src/checker/check-offer.js';
import { LANGUAGES } from '../../src/content/schemas.js';
import { respond } from '../../src/conversation/respond.js';
import { decodeAction, encodeAction, type Action, type Inbound, type Reply, type Segment, type Session } from '../../src/conversation/types.js';
import { loadWorld, type TestWorld } from '../helpers/conversation.js';
import {
  SEED, anyText, check, checkResultInvariants, codeUnit, hostileText, isWellFormed, renderedStrings, replyInvariants, telegramInvariants, wellFormedText, whatsappInvariants,
} from './fuzz-helpers.js';

// Thousands of runs per property on a two-core CI machine shared with other test files.
vi.setConfig({ testTimeout: 180_000 });

let world: TestWorld;
beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

/** What the fuzz tests went through, printed at the end (the issue asks for the counts). */
const counts = { texts: 0, longTexts: 0, high: 0, medium: 0, low: 0, spans: 0, turns: 0, replies: 0, randomReplies: 0, telegramMessages: 0, whatsappMessages: 0 };
afterAll(() => {
  console.log(`fuzz (seed ${SEED}): ${JSON.stringify(counts)}`);
});

/** Renders one reply both ways and checks both; returns every string produced. */
function renderBoth(reply: Reply): string[] {
  const telegram = renderTelegram(reply);
  telegramInvariants(telegram, reply);
  const whatsapp = renderWhatsApp(reply);
  whatsappInvariants(whatsapp);
  counts.telegramMessages += telegram.length;
  counts.whatsappMessages += whatsapp.length;
  return renderedStrings(telegram, whatsapp);
}

describe('checkOffer on hostile Unicode', () => {
  it('never throws; risk is high, medium or low; every evidence and offer span is original.slice(start, end)', () => {
    const checker = world.content.checker;
    fc.assert(
      fc.property(anyText, (text) => {
        const result = checker.checkOffer(text);
        counts.spans += checkResultInvariants(text, result);
        counts[result.risk]++;
        counts.texts++;
      }),
      { seed: SEED, numRuns: 5000 },
    );
    expect(counts.texts).toBe(5000);
    // The generator reaches every outcome, so the invariants were tried on real flags and offers.
    expect(counts.high).toBeGreaterThan(0);
    expect(counts.medium).toBeGreaterThan(0);
    expect(counts.spans).toBeGreaterThan(1000);
  });

  it('texts longer than the check limit hold to the same contract, with every span inside the limit', () => {
    const checker = world.content.checker;
    const long = fc
      .tuple(hostileText(), fc.string({ unit: codeUnit, maxLength: 50 }), fc.integer({ min: MAX_CHECK_LENGTH - 10, max: MAX_CHECK_LENGTH + 4000 }))
      .map(([a, b, n]) => {
        const unit = `${a} ${b} ` || 'x ';
        return unit.repeat(Math.ceil(n / unit.length)).slice(0, n);
      });
    fc.assert(
      fc.property(long, (text) => {
        const result = checker.checkOffer(text);
        checkResultInvariants(text, result);
        for (const f of result.flags) for (const e of f.evidence) check(e.end <= MAX_CHECK_LENGTH, `evidence past ${MAX_CHECK_LENGTH}: ${e.end}`);
        counts.longTexts++;
      }),
      { seed: SEED, numRuns: 60 },
    );
  });
});

const ACTIONS = ['start', 'start:casaprueba_tj', 'start:es', 'menu', 'check', 'help', 'advice', 'report', 'legal', 'emergency', 'region', 'language', 'privacy', 'forget', 'c:MX', 'c:', 'a:tijuana', 'a:', 'l:ar', 'l:zh', 's:extortion', 't:no-guarantee', 'f:u', 'f:w'];

const session: fc.Arbitrary<Session | undefined> = fc.option(
  fc.record({
    language: fc.constantFrom(...LANGUAGES, null),
    country: fc.constantFrom(null, 'MX', 'US', 'TR', 'ZZ'),
    area: fc.constantFrom(null, 'tijuana', 'nowhere'),
    partner: fc.constantFrom(null, 'casa-prueba', 'ghost'),
    state: fc.constantFrom({}, { after: 'legal' as const }, { after: 'emergency' as const }),
  }),
  { nil: undefined },
);

/** What a person can do: write anything, send media, press a real or a forged button. */
const inbound: fc.Arbitrary<Inbound> = fc
  .record({
    text: fc.option(anyText, { nil: undefined }),
    media: fc.option(fc.constantFrom('photo' as const, 'voice' as const, 'other' as const), { nil: undefined }),
    action: fc.option(fc.oneof(fc.constantFrom(...ACTIONS), anyText).map(decodeAction), { nil: undefined }),
    localeHint: fc.option(fc.constantFrom('es', 'es-MX', 'ar', 'zh-Hant', 'pt_BR', 'xx', '', '<b>', '\u202e'), { nil: undefined }),
    channel: fc.constantFrom('telegram' as const, 'whatsapp' as const, 'web' as const),
  })
  .map(({ action, ...rest }) => ({ userKey: 'fuzz', ...rest, ...(action ? { action: action as Action } : {}) }) as Inbound);

describe('the conversation and both renderers on hostile Unicode', () => {
  it('respond() never throws; every reply, rendered for Telegram and WhatsApp, keeps to each platform\'s limits', () => {
    fc.assert(
      fc.property(session, inbound, (previous, input) => {
        const turn = respond(world.deps, previous, input);
        check(turn.session === null || (LANGUAGES as readonly string[]).includes(turn.session.language ?? ''), `session language ${turn.session?.language}`);
        check(turn.replies.length > 0 || input.action?.kind === 'forget', 'no reply');
        for (const e of turn.events) check(typeof e.value === 'string', `event ${JSON.stringify(e)}`);
        for (const reply of turn.replies) {
          replyInvariants(reply);
          renderBoth(reply);
          counts.replies++;
        }
        counts.turns++;
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });
});

/** The first n code units of s, one fewer when the n-th would split a surrogate pair. */
const cut = (s: string, n: number) => s.slice(0, n).replace(/[\uD800-\uDBFF]$/, '');

/** A reply as the conversation could build it, from hostile text: long segments, styles, links, many buttons. */
function randomReply(text: fc.Arbitrary<string>): fc.Arbitrary<Reply> {
  const long = fc
    .tuple(text, fc.integer({ min: 1000, max: 9000 }))
    .map(([t, n]) => cut((t || 'x').repeat(Math.ceil(n / Math.max(1, t.length))), n));
  const label = text.filter((s) => s.trim().length > 0);
  const url = fc.oneof(fc.webUrl(), fc.constantFrom('https://x.example/?q="><script>alert(1)</script>', 'https://e.example/a&b<c>', 'https://t.me/faro_bot?start=es'));
  // Link labels come from content (sources, referral names), never from what a person wrote, and
  // are short: a link is never cut, so one with a label over 4,096 characters would not fit.
  const segment: fc.Arbitrary<Segment> = fc.oneof(
    { weight: 8, arbitrary: fc.record({ text: fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: long }, { weight: 1, arbitrary: fc.constantFrom('\n', '\n\n', ' ') }), style: fc.constantFrom(undefined, 'bold' as const, 'italic' as const, 'quote' as const) }) },
    { weight: 1, arbitrary: fc.record({ text: text.map((t) => cut(t, 100)), url }) },
  ).map((s) => ({ text: s.text, ...('style' in s && s.style ? { style: s.style } : {}), ...('url' in s ? { url: s.url } : {}) }));
  const button = fc.oneof(
    fc.record({ label, action: fc.constantFrom(...ACTIONS).map((a) => decodeAction(a)!) }),
    fc.record({ label, url: fc.webUrl() }),
  );
  return fc.record({
    lang: fc.constantFrom(...LANGUAGES),
    parts: fc.array(segment, { maxLength: 30 }),
    buttons: fc.array(fc.array(button, { minLength: 1, maxLength: 4 }), { maxLength: 8 }),
  }).map(({ lang, parts, buttons }) => ({ lang, dir: lang === 'ar' ? ('rtl' as const) : ('ltr' as const), parts, ...(buttons.length ? { buttons } : {}) }));
}

describe('the renderers on replies built from hostile text', () => {
  it('any text, lone surrogates included: within limits, escaped, tags balanced, buttons kept', () => {
    fc.assert(
      fc.property(randomReply(anyText), (reply) => {
        renderBoth(reply);
        counts.randomReplies++;
      }),
      { seed: SEED, numRuns: 2000 },
    );
  });

  it('well-formed text stays well-formed: no cut ever leaves half of a surrogate pair', () => {
    fc.assert(
      fc.property(randomReply(wellFormedText), (reply) => {
        for (const s of renderBoth(reply)) check(isWellFormed(s), `a lone surrogate in ${JSON.stringify(s.slice(0, 80))}`);
        counts.randomReplies++;
      }),
      { seed: SEED, numRuns: 1000 },
    );
  });
});

// Quotes and offer details are shortened; a cut must never split an emoji's surrogate pair.
it('the reply to a well-formed offer is well-formed, however long its links and quotes', () => {
  const letters = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_'), minLength: 20, maxLength: 80 });
  const emoji = fc.array(fc.constantFrom('😀', '🚤', '🇺🇸', '𝒜', '💵'), { minLength: 1, maxLength: 10 }).map((e) => e.join(''));
  const offer = fc.tuple(letters, emoji, wellFormedText).map(([l, e, rest]) => `Pase directo a USA 100% garantizado, escribe a https://t.me/${l}${e} ${rest}`);
  fc.assert(
    fc.property(offer, (text) => {
      for (const reply of respond(world.deps, undefined, { channel: 'telegram', userKey: 'k', text }).replies) {
        for (const part of reply.parts) check(isWellFormed(part.text), `a lone surrogate in ${JSON.stringify(part.text)}`);
        for (const s of renderBoth(reply)) check(isWellFormed(s), 'a lone surrogate in a rendered message');
      }
    }),
    { seed: SEED, numRuns: 300, examples: [[`Pase directo a USA 100% garantizado, escribe a https://t.me/${'a'.repeat(45)}😀😀😀😀😀😀😀`]] },
  );
});

it('encodeAction and decodeAction agree on every action a button can carry', () => {
  for (const a of ACTIONS) expect(encodeAction(decodeAction(a)!)).toBe(a);
});
