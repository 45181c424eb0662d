import { LANGUAGES, type Language } from '../content/schemas.js';
import type { GuidancePage } from '../content/guidance.js';
import { checkReply } from './check-reply.js';
import { bold, button, formatDate, markdownSegments, menuButton, nl, paragraphs, quote, reply, rows, text, type ConversationDeps, type Ctx } from './deps.js';
import { askArea, askCountry, emergencyScreen, legalScreen, unknownCountry } from './places.js';
import type { Action, CountEvent, ImageReading, Inbound, Reply, Session, Turn } from './types.js';

/** Shorter texts with no warning sign in them are greetings or menu words, not offers. */
const MIN_OFFER_CHARS = 25;
const MIN_OFFER_WORDS = 4;
const MIN_OFFER_HAN = 8;

export const emptySession = (): Session => ({ language: null, country: null, area: null, partner: null, state: {} });

/**
 * The whole dialogue as a pure function: what the person did and what we remember -> what to
 * answer, what to remember, what to count. No I/O, no clock, no channel.
 *
 * @example
 * const turn = respond(deps, undefined, { channel: 'web', userKey: 'k', action: { kind: 'start' }, localeHint: 'es' });
 * turn.replies[0].parts // the welcome, in Spanish
 */
export function respond(deps: ConversationDeps, previous: Session | undefined, inbound: Inbound): Turn {
  const { checker, library } = deps.content();
  const session: Session = previous ? { ...previous, state: { ...previous.state } } : emptySession();
  const events: CountEvent[] = [];

  const action = inbound.action;
  if (action?.kind === 'start' && action.payload) applyStartPayload(deps, session, action.payload, events);
  if (!session.language) session.language = languageFromHint(inbound.localeHint) ?? languageOfText(checker, inbound.text) ?? 'en';
  if (action?.kind === 'set_language') session.language = action.lang;

  const lang = session.language;
  const ctx: Ctx = { lang, t: deps.i18n.t(lang), checker, library, deps };

  if (action?.kind === 'forget') {
    return { replies: [reply(ctx, [text(ctx.t('privacy.forgotten')), nl, nl, text(ctx.t('privacy.chat_advice'))])], session: null, events };
  }
  if (action) return { replies: onAction(ctx, session, action, events, !previous), session, events };
  if (inbound.image) return onImage(deps, ctx, session, inbound, inbound.image, events);

  const input = inbound.text?.trim() ?? '';
  if (!input) {
    if (inbound.media) events.push({ metric: 'media', value: inbound.media });
    return { replies: [reply(ctx, [text(ctx.t('media.no_text'))], [[button(ctx.t('menu.check'), { kind: 'check' })], menuButton(ctx)])], session, events };
  }
  const words = input.normalize('NFKC').toLowerCase().replace(/[\s!¡?¿.,;:。！？،؟]+/gu, ' ').trim();
  // "¿De dónde sos?" is a question, not a cry for help.
  if (!endsWithQuestionMark(input) && isEmergencyWord(deps, words)) return { replies: [onEmergency(ctx, session)], session, events };
  if (looksLikeOffer(input) || checker.patternIdsIn(input).length > 0) {
    const checked = checkReply(ctx, session, input, inbound.merged ?? 1);
    events.push(...checked.events);
    return { replies: checked.replies, session, events };
  }
  if (isQuestion(deps, input, words)) return { replies: [howTo(ctx)], session, events };
  return { replies: [menu(ctx, !previous)], session, events };
}

/**
 * A picture the channel tried to read. Read: its text (with the caption) is checked like pasted
 * text, after the start of what was read, so a misreading shows. Not read: a polite word on why,
 * then the caption is answered as text.
 */
function onImage(deps: ConversationDeps, ctx: Ctx, session: Session, inbound: Inbound, image: ImageReading, events: CountEvent[]): Turn {
  const input = inbound.text?.trim() ?? '';
  const again = [[button(ctx.t('menu.check'), { kind: 'check' })], menuButton(ctx)];
  const read = image.status === 'read' && image.excerpt ? [text(ctx.t('check.image_read')), nl, quote(shownExcerpt(ctx, image.excerpt, input))] : undefined;
  if (image.status === 'read' && input && (looksLikeOffer(input) || ctx.checker.patternIdsIn(input).length > 0)) {
    const checked = checkReply(ctx, session, input, 1, read);
    events.push(...checked.events);
    return { replies: checked.replies, session, events };
  }
  events.push({ metric: 'media', value: inbound.media ?? 'photo' });
  if (image.status === 'read') return { replies: [reply(ctx, paragraphs(read, [text(ctx.t('media.image_no_text'))]), again)], session, events };
  const notice = text(ctx.t(`media.image_${image.status}`));
  if (!input) return { replies: [reply(ctx, [notice], again)], session, events };
  const rest = respond(deps, session, { ...inbound, image: undefined, media: undefined });
  return { replies: [reply(ctx, [notice]), ...rest.replies], session: rest.session ?? session, events: [...events, ...rest.events] };
}

const SHOWN_EXCERPT = 160;

/**
 * About 160 characters of what was read: from the first warning sign when there is one (a
 * screenshot starts with the clock, the contact's name...), else from the start.
 */
function shownExcerpt(ctx: Ctx, excerpt: string, input: string): string {
  const lower = excerpt.toLowerCase();
  const at = ctx.checker
    .checkOffer(input)
    .flags.flatMap((f) => f.evidence.map((e) => lower.indexOf(e.text.replace(/\s+/g, ' ').trim().toLowerCase())))
    .filter((i) => i >= 0)
    .reduce((a, b) => Math.min(a, b), Infinity);
  let start = 0;
  if (Number.isFinite(at)) {
    // Back to the start of that sentence, but no more than a few words before the sign.
    const sentence = excerpt.lastIndexOf('. ', at);
    const wordsBefore = at > 20 ? excerpt.lastIndexOf(' ', at - 20) + 1 : 0;
    start = Math.min(at, Math.max(sentence >= 0 ? sentence + 2 : 0, wordsBefore));
  }
  const body = excerpt.slice(start);
  const clipped = body.length > SHOWN_EXCERPT ? `${body.slice(0, SHOWN_EXCERPT - 1).trimEnd()}…` : body;
  return start > 0 ? `…${clipped}` : clipped;
}

function onAction(ctx: Ctx, session: Session, action: Action, events: CountEvent[], firstContact: boolean): Reply[] {
  switch (action.kind) {
    case 'start':
      events.push({ metric: 'start', value: session.partner ?? '' });
      return [menu(ctx, true)];
    case 'menu':
      return [menu(ctx, firstContact)];
    case 'check':
      return [reply(ctx, [text(ctx.t('check.prompt'))], [menuButton(ctx)])];
    case 'help':
      return [howTo(ctx)];
    case 'advice':
      return [adviceList(ctx)];
    case 'topic':
      return [topic(ctx, ctx.library.page(action.id, ctx.lang))];
    case 'report':
      return [topic(ctx, ctx.library.page('report-an-ad', ctx.lang))];
    case 'sign': {
      const page = ctx.library.guidanceFor([action.flag], ctx.lang, session.country)[0];
      const intro = [bold(ctx.t(`flags:${action.flag}.name`)), nl, text(ctx.t(`flags:${action.flag}.why`))];
      return [topic(ctx, page, intro)];
    }
    case 'legal':
    case 'emergency':
      if (!session.country) {
        session.state.after = action.kind;
        return [action.kind === 'emergency' ? askCountry(ctx, [text(ctx.t('emergency.no_country'))]) : askCountry(ctx)];
      }
      return [action.kind === 'legal' ? legalScreen(ctx, session) : emergencyScreen(ctx, session)];
    case 'region':
      return [askCountry(ctx)];
    case 'country': {
      if (!action.country || !ctx.library.countries().includes(action.country)) {
        session.country = null;
        session.area = null;
        delete session.state.after;
        return [unknownCountry(ctx)];
      }
      session.country = action.country;
      session.area = null;
      return [askArea(ctx, action.country) ?? afterPlace(ctx, session)];
    }
    case 'area':
      if (!session.country) return [askCountry(ctx)];
      session.area = action.area && ctx.library.areas(session.country).some((a) => a.id === action.area) ? action.area : null;
      return [afterPlace(ctx, session)];
    case 'language':
      return [languagePicker(ctx)];
    case 'set_language':
      return [menu(ctx, false, [text(ctx.t('language.set'))])];
    case 'privacy':
      return [privacy(ctx)];
    case 'feedback':
      events.push({ metric: 'feedback', value: action.value });
      return [reply(ctx, [text(ctx.t('check.feedback_thanks'))], [[button(ctx.t('check.another'), { kind: 'check' })], menuButton(ctx)])];
    case 'forget':
      return [];
  }
}

function onEmergency(ctx: Ctx, session: Session): Reply {
  if (!session.country) {
    session.state.after = 'emergency';
    return askCountry(ctx, [text(ctx.t('emergency.no_country'))]);
  }
  return emergencyScreen(ctx, session);
}

function afterPlace(ctx: Ctx, session: Session): Reply {
  const next = session.state.after ?? 'legal';
  delete session.state.after;
  return next === 'emergency' ? emergencyScreen(ctx, session) : legalScreen(ctx, session);
}

function menu(ctx: Ctx, welcome: boolean, intro?: ReturnType<typeof text>[]): Reply {
  const b = (key: string, action: Action) => button(ctx.t(key), action);
  return reply(ctx, paragraphs(welcome && [text(ctx.t('welcome'))], intro, [bold(ctx.t('menu.title'))]), [
    [b('menu.check', { kind: 'check' })],
    [b('menu.advice', { kind: 'advice' }), b('menu.legal', { kind: 'legal' })],
    [b('menu.emergency', { kind: 'emergency' })],
    [b('menu.language', { kind: 'language' }), b('menu.privacy', { kind: 'privacy' })],
  ]);
}

function howTo(ctx: Ctx): Reply {
  return reply(ctx, [text(ctx.t('help.how'))], [[button(ctx.t('menu.check'), { kind: 'check' })], menuButton(ctx)]);
}

function adviceList(ctx: Ctx): Reply {
  const topics = ctx.library.topics(ctx.lang).map((p) => [button(p.title, { kind: 'topic', id: p.id })]);
  return reply(ctx, [text(ctx.t('advice.title'))], [...topics, menuButton(ctx)]);
}

function topic(ctx: Ctx, page: GuidancePage | undefined, intro?: ReturnType<typeof text>[]): Reply {
  const buttons = [[button(ctx.t('menu.advice'), { kind: 'advice' })], menuButton(ctx)];
  if (!page) return reply(ctx, paragraphs(intro, [text(ctx.t('advice.missing'))]), buttons);
  const sources = page.sources.flatMap((s, i) => [...(i > 0 ? [text(', ')] : []), { text: s.name, url: s.url }]);
  return reply(
    ctx,
    paragraphs(intro, [bold(page.title)], markdownSegments(page.body), [
      { text: `${ctx.t('advice.verified', { date: formatDate(ctx.lang, page.verified) })} ${ctx.t('advice.sources')} `, style: 'italic' },
      ...sources,
    ]),
    buttons,
  );
}

function languagePicker(ctx: Ctx): Reply {
  const buttons = LANGUAGES.map((l) => button(ctx.deps.i18n.nativeName(l), { kind: 'set_language', lang: l }));
  return reply(ctx, [text(ctx.t('language.choose'))], [...rows(buttons, 3), menuButton(ctx)]);
}

function privacy(ctx: Ctx): Reply {
  return reply(ctx, paragraphs([text(ctx.t('privacy.text', { days: ctx.deps.retentionDays }))], [text(ctx.t('privacy.chat_advice'))]), [
    [button(ctx.t('privacy.forget_button'), { kind: 'forget' })],
    menuButton(ctx),
  ]);
}

/** A deep-link payload is a partner code (language, region, partner) or a language code. */
function applyStartPayload(deps: ConversationDeps, session: Session, payload: string, events: CountEvent[]): void {
  const { library } = deps.content();
  const partner = library.partnerByCode(payload);
  if (partner) {
    session.partner = partner.id;
    session.language ??= partner.language;
    if (partner.region && !session.country) {
      session.country = partner.region.country;
      session.area = partner.region.area ?? null;
    }
    return;
  }
  const lang = languageFromHint(payload);
  if (lang) session.language = lang;
  void events;
}

export function languageFromHint(hint: string | undefined): Language | undefined {
  if (!hint) return undefined;
  const base = hint.toLowerCase().split(/[-_]/)[0];
  return (LANGUAGES as readonly string[]).includes(base ?? '') ? (base as Language) : undefined;
}

function languageOfText(checker: Ctx['checker'], input: string | undefined): Language | undefined {
  if (!input || input.trim().length < MIN_OFFER_CHARS) return undefined;
  return languageFromHint(checker.checkOffer(input).language);
}

function looksLikeOffer(input: string): boolean {
  const han = (input.match(/\p{Script=Han}/gu) ?? []).length;
  if (han >= MIN_OFFER_HAN) return true;
  return input.length >= MIN_OFFER_CHARS && input.split(/\s+/).filter(Boolean).length >= MIN_OFFER_WORDS;
}

/** A short cry for help ("ayuda", "help me please"), not a longer sentence that happens to contain the word. */
function isEmergencyWord(deps: ConversationDeps, words: string): boolean {
  if (words.length > 40 || words.split(' ').length > 4) return false;
  return deps.i18n.keywords('emergency').some((k) => words === k || words.startsWith(`${k} `) || words.endsWith(` ${k}`));
}

const endsWithQuestionMark = (input: string) => /[?？؟]\s*$/u.test(input);

function isQuestion(deps: ConversationDeps, input: string, words: string): boolean {
  if (endsWithQuestionMark(input)) return true;
  const padded = ` ${words} `;
  return deps.i18n.keywords('question').some((k) => padded.includes(` ${k} `));
}

/** Would this text be checked? Then a burst of such texts is worth waiting for and merging. */
export function wantsCheck(deps: ConversationDeps, input: string): boolean {
  const trimmed = input.trim();
  if (!trimmed) return false;
  const words = trimmed.normalize('NFKC').toLowerCase().replace(/[\s!¡?¿.,;:。！？،؟]+/gu, ' ').trim();
  if (!endsWithQuestionMark(trimmed) && isEmergencyWord(deps, words)) return false;
  return looksLikeOffer(trimmed) || deps.content().checker.patternIdsIn(trimmed).length > 0;
}
