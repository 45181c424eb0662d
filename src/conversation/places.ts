import type { Need, Referral } from '../content/referrals.js';
import { bold, button, countryName, formatDate, menuButton, nl, paragraphs, reply, rows, text, type Ctx } from './deps.js';
import type { Button, Reply, Segment, Session } from './types.js';

const MAX_REFERRALS = 8;

export function placeName(ctx: Ctx, session: Session): string {
  if (!session.country) return '';
  const country = countryName(ctx.lang, session.country);
  const area = session.area ? ctx.library.areas(session.country).find((a) => a.id === session.area) : undefined;
  return area ? `${area.name}, ${country}` : country;
}

export function askCountry(ctx: Ctx, intro?: Segment[]): Reply {
  const codes = ctx.library.countries();
  const buttons = codes
    .map((c) => button(countryName(ctx.lang, c), { kind: 'country', country: c }))
    .sort((a, b) => a.label.localeCompare(b.label, ctx.lang));
  buttons.push(button(ctx.t('region.other'), { kind: 'country', country: '' }));
  return reply(ctx, paragraphs(intro, [text(ctx.t('region.ask_country'))]), [...rows(buttons, 2), menuButton(ctx)]);
}

export function askArea(ctx: Ctx, country: string): Reply | undefined {
  const areas = ctx.library.areas(country);
  if (areas.length === 0) return undefined;
  const buttons = areas.map((a) => button(a.name, { kind: 'area', area: a.id }));
  buttons.push(button(ctx.t('region.whole_country', { country: countryName(ctx.lang, country) }), { kind: 'area', area: null }));
  return reply(ctx, [text(ctx.t('region.ask_area'))], [...rows(buttons, 2), menuButton(ctx)]);
}

export function unknownCountry(ctx: Ctx): Reply {
  return reply(ctx, [text(ctx.t('region.unknown'))], [[button(ctx.t('region.change'), { kind: 'region' })], menuButton(ctx)]);
}

/** One referral: who, what they do, how to reach them, hours, languages, when it was checked. */
export function referralLines(ctx: Ctx, r: Referral): Segment[] {
  const out: Segment[] = [bold(r.name)];
  const line = (s: string) => out.push(nl, text(s));
  line(ctx.t('legal.services', { list: r.services.map((s) => ctx.t(`services.${s}`)).join(', ') }));
  const note = pick(r.note, ctx.lang);
  if (note) line(note);
  if (r.contact.phone) line(ctx.t('legal.phone', { value: r.contact.phone }));
  if (r.contact.whatsapp) line(ctx.t('legal.whatsapp', { value: r.contact.whatsapp }));
  if (r.contact.web) {
    out.push(nl, text(ctx.t('legal.web', { value: '' })), { text: r.contact.web, url: r.contact.web });
  }
  if (r.contact.email) line(ctx.t('legal.email', { value: r.contact.email }));
  const hours = r.hours === '24h' ? ctx.t('legal.hours_24h') : pick(r.hours, ctx.lang);
  if (hours) line(ctx.t('legal.hours', { value: hours }));
  line(ctx.t('legal.languages', { list: r.languages.map((l) => languageName(ctx, l)).join(', ') }));
  out.push(nl, { text: ctx.t('legal.verified', { date: formatDate(ctx.lang, r.verified) }), style: 'italic' });
  return out;
}

function languageName(ctx: Ctx, code: string): string {
  try {
    return new Intl.DisplayNames([ctx.lang, 'en'], { type: 'language' }).of(code) ?? code;
  } catch {
    return code;
  }
}

function pick(map: Partial<Record<string, string>> | undefined | '24h', lang: string): string | undefined {
  if (!map || typeof map === 'string') return undefined;
  return map[lang] ?? map.en ?? map.es ?? Object.values(map)[0];
}

function list(ctx: Ctx, referrals: Referral[]): Segment[] {
  return referrals.slice(0, MAX_REFERRALS).flatMap((r, i) => [...(i > 0 ? [nl, nl] : []), ...referralLines(ctx, r)]);
}

/** Free legal aid, shelters and UN agencies for the person's place. */
export function legalScreen(ctx: Ctx, session: Session): Reply {
  const place = placeName(ctx, session);
  const region = { country: session.country!, area: session.area };
  const found = ctx.library.referralsFor(region, ['legal_aid', 'shelter', 'un_agency'], ctx.lang);
  const buttons: Button[][] = [[button(ctx.t('region.change'), { kind: 'region' })], menuButton(ctx)];
  if (found.length === 0) return reply(ctx, [text(ctx.t('legal.none', { place }))], buttons);
  return reply(ctx, paragraphs([bold(ctx.t('legal.title', { place }))], list(ctx, found), [text(ctx.t('legal.free_note'))]), buttons);
}

/** Emergency numbers, then trafficking and extortion lines, kidnapping advice and family tracing. */
export function emergencyScreen(ctx: Ctx, session: Session): Reply {
  const place = placeName(ctx, session);
  const region = { country: session.country!, area: session.area };
  const find = (needs: Need[]) => ctx.library.referralsFor(region, needs, ctx.lang);
  const emergency = find(['emergency']);
  const trafficking = find(['trafficking']).filter((r) => !emergency.includes(r));
  const tracing = find(['family_tracing']).filter((r) => !emergency.includes(r) && !trafficking.includes(r));
  const kidnap = ctx.library.page('kidnapping-and-extortion', ctx.lang);
  const parts = paragraphs(
    [bold(ctx.t('emergency.title', { place }))],
    emergency.length > 0 ? list(ctx, emergency) : [text(ctx.t('emergency.no_country').split('\n')[0]!)],
    trafficking.length > 0 && [bold(ctx.t('emergency.trafficking_title')), nl, ...list(ctx, trafficking)],
    kidnap && [bold(ctx.t('emergency.kidnap_title')), nl, text(kidnap.summary)],
    tracing.length > 0 && [bold(ctx.t('emergency.tracing_title')), nl, ...list(ctx, tracing)],
  );
  const buttons: Button[][] = [];
  if (kidnap) buttons.push([button(kidnap.title, { kind: 'topic', id: kidnap.id })]);
  buttons.push([button(ctx.t('region.change'), { kind: 'region' }), button(ctx.t('menu.legal'), { kind: 'legal' })], menuButton(ctx, false));
  return reply(ctx, parts, buttons);
}
