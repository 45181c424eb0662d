import { MAX_CHECK_LENGTH } from '../checker/check-offer.js';
import type { CheckResult, FlagId, OfferItem } from '../checker/types.js';
import type { GuidancePage } from '../content/guidance.js';
import { bold, button, menuButton, nl, paragraphs, quote, reply, text, type Ctx } from './deps.js';
import type { Button, CountEvent, Reply, Segment, Session } from './types.js';

const MAX_EVIDENCE = 2;
const MAX_QUOTE = 140;
const MAX_STEPS = 4;
const MIN_STEPS = 2;
// General advice that fits any offer, used when the flags found call for fewer than two steps.
const GENERAL_STEPS = ['no-guarantee', 'no-advance-payment', 'check-agency-or-lawyer', 'free-procedures'];

/** Checks the text and turns the result into one reply plus anonymous counts. */
export function checkReply(ctx: Ctx, session: Session, input: string, merged: number, intro?: Segment[]): { replies: Reply[]; events: CountEvent[] } {
  const result = ctx.checker.checkOffer(input);
  const flags = result.flags.map((f) => f.id);
  const events: CountEvent[] = [
    { metric: 'check', value: result.risk },
    { metric: 'offer_language', value: result.language },
    ...flags.map((f): CountEvent => ({ metric: 'flag', value: f })),
    ...unique(result.offer.places.map((p) => p.value)).map((p): CountEvent => ({ metric: 'place', value: p })),
  ];

  // e.g. "I read the text in your image:" and what was read, before the verdict.
  const head: Segment[] = intro?.length ? [...intro, nl, nl] : [];
  if (merged > 1) head.push(text(ctx.t('check.merged', { count: merged })), nl);
  if (input.length > MAX_CHECK_LENGTH) head.push(text(ctx.t('check.too_long', { count: MAX_CHECK_LENGTH })), nl);
  head.push(bold(ctx.t(`check.risk_${result.risk}`)));
  if (result.risk === 'low') head.push(nl, text(ctx.t('check.low_why')));

  const steps = nextSteps(ctx, flags, session.country);
  const parts = paragraphs(
    head,
    signs(ctx, result),
    offerDetails(ctx, result),
    questions(ctx, result),
    steps.length > 0 && [bold(ctx.t('check.steps_title')), ...steps.flatMap((p) => [nl, text(`• ${p.summary}`)])],
    [text(ctx.t('check.feedback_ask'))],
  );

  const top = result.flags.find((f) => f.id !== 'smuggling_offer')?.id ?? flags[0];
  const buttons: Button[][] = [[button(ctx.t('check.legal_near'), { kind: 'legal' })]];
  if (top) buttons.push([button(ctx.t('check.more_sign', { sign: ctx.t(`flags:${top}.name`) }), { kind: 'sign', flag: top })]);
  buttons.push([button(ctx.t('check.another'), { kind: 'check' }), button(ctx.t('check.report'), { kind: 'report' })]);
  buttons.push([
    button(ctx.t('check.feedback_useful'), { kind: 'feedback', value: 'useful' }),
    button(ctx.t('check.feedback_wrong'), { kind: 'feedback', value: 'wrong' }),
  ]);
  buttons.push(menuButton(ctx));
  return { replies: [reply(ctx, parts, buttons)], events };
}

function signs(ctx: Ctx, result: CheckResult): Segment[] | undefined {
  if (result.flags.length === 0) return undefined;
  const out: Segment[] = [bold(ctx.t('check.signs_title'))];
  for (const flag of result.flags) {
    out.push(nl, nl, bold(`• ${ctx.t(`flags:${flag.id}.name`)}`), nl, text(ctx.t(`flags:${flag.id}.why`)));
    const quotes = unique(flag.evidence.map((e) => clip(e.text))).slice(0, MAX_EVIDENCE);
    if (quotes.length > 0) {
      out.push(nl, text(`${ctx.t('check.you_wrote')} `));
      quotes.forEach((q, i) => out.push(...(i > 0 ? [text(' · ')] : []), quote(q)));
    }
  }
  return out;
}

function offerDetails(ctx: Ctx, result: CheckResult): Segment[] | undefined {
  const o = result.offer;
  const lines: string[] = [];
  const list = (items: OfferItem[]) => unique(items.map((i) => clip(i.text, 60))).slice(0, 4).join(', ');
  const upfront = o.prices.filter((p) => p.when === 'deposit');
  const other = o.prices.filter((p) => p.when !== 'deposit');
  if (other.length) lines.push(ctx.t('check.offer_price', { value: list(other) }));
  if (upfront.length) lines.push(ctx.t('check.offer_deposit', { value: list(upfront) }));
  if (o.payment_methods.length) lines.push(ctx.t('check.offer_payment', { value: list(o.payment_methods) }));
  const contacts = [...o.phones, ...o.handles, ...o.links];
  if (contacts.length) lines.push(ctx.t('check.offer_contact', { value: list(contacts) }));
  if (o.places.length) lines.push(ctx.t('check.offer_places', { value: list(o.places) }));
  if (o.walking_claims.length) lines.push(ctx.t('check.offer_walking', { value: list(o.walking_claims) }));
  if (o.departure.length) lines.push(ctx.t('check.offer_departure', { value: list(o.departure) }));
  if (lines.length === 0) return undefined;
  return [bold(ctx.t('check.offer_title')), ...lines.flatMap((l) => [nl, text(`• ${l}`)])];
}

function questions(ctx: Ctx, result: CheckResult): Segment[] {
  return [bold(ctx.t('check.questions_title')), ...questionKeys(result).flatMap((k) => [nl, text(`• ${ctx.t(k)}`)])];
}

/** Up to three questions to ask before trusting anyone, chosen from what the offer says. */
export function questionKeys(result: CheckResult): string[] {
  const has = (f: FlagId) => result.flags.some((x) => x.id === f);
  const o = result.offer;
  const keys = ['check.q_who'];
  if (o.prices.length || o.payment_methods.length || has('advance_payment')) keys.push('check.q_money');
  if (has('off_platform_contact') || has('secrecy_control') || o.phones.length || o.handles.length) keys.push('check.q_private');
  if (has('dangerous_route') || o.walking_claims.length) keys.push('check.q_route');
  if (has('immigration_fraud') || has('fake_legitimacy') || has('fake_documents')) keys.push('check.q_legal');
  const chosen = keys.slice(0, 3);
  if (chosen.length < 3 && !chosen.includes('check.q_legal')) chosen.push('check.q_legal');
  return chosen;
}

/** Two to four pieces of advice: those answering the flags found, then general ones. */
export function nextSteps(ctx: Ctx, flags: FlagId[], country: string | null): GuidancePage[] {
  // The base signal comes last: the specific signs have the more specific advice.
  const ordered: FlagId[] = [...flags.filter((f) => f !== 'smuggling_offer'), ...flags.filter((f) => f === 'smuggling_offer')];
  // One page per sign first, so one sign with many pages (routes) cannot crowd out the others.
  const perFlag = ordered.map((f) => ctx.library.guidanceFor([f], ctx.lang, country));
  const pages: GuidancePage[] = [];
  for (let round = 0; perFlag.some((list) => list.length > round); round++) {
    for (const list of perFlag) {
      const p = list[round];
      if (p && !pages.some((x) => x.id === p.id)) pages.push(p);
    }
  }
  for (const id of GENERAL_STEPS) {
    if (pages.length >= MIN_STEPS) break;
    const p = ctx.library.page(id, ctx.lang);
    if (p && !pages.some((x) => x.id === p.id)) pages.push(p);
  }
  return pages.slice(0, MAX_STEPS);
}

/** Shortens to at most `max` characters, never cutting an emoji or other character in half. */
function clip(s: string, max = MAX_QUOTE): string {
  const chars = [...s.replace(/\s+/g, ' ').trim()];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}
