import type { Checker } from '../checker/check-offer.js';
import type { Library } from '../content/library.js';
import type { Language } from '../content/schemas.js';
import type { I18n, TFunction } from '../i18n.js';
import { RTL_LANGUAGES } from '../i18n.js';
import type { Action, Button, Reply, Segment } from './types.js';

/** What the conversation reads; it never writes anywhere. */
export interface ConversationDeps {
  /** The current content; called once per turn so a reload applies to the next message. */
  content(): { checker: Checker; library: Library };
  i18n: I18n;
  /** Days an idle session is kept, for the privacy text. */
  retentionDays: number;
}

/** Per-turn helpers bound to one language. */
export interface Ctx {
  lang: Language;
  t: TFunction;
  checker: Checker;
  library: Library;
  deps: ConversationDeps;
}

export function reply(ctx: Ctx, parts: Segment[], buttons?: Button[][]): Reply {
  return { lang: ctx.lang, dir: RTL_LANGUAGES.has(ctx.lang) ? 'rtl' : 'ltr', parts, ...(buttons?.length ? { buttons } : {}) };
}

export const text = (s: string): Segment => ({ text: s });
export const bold = (s: string): Segment => ({ text: s, style: 'bold' });
export const quote = (s: string): Segment => ({ text: s, style: 'quote' });
export const nl: Segment = { text: '\n' };

/** Joins paragraphs of segments with blank lines between them. */
export function paragraphs(...blocks: (Segment[] | undefined | false)[]): Segment[] {
  const out: Segment[] = [];
  for (const b of blocks) {
    if (!b || b.length === 0) continue;
    if (out.length) out.push({ text: '\n\n' });
    out.push(...b);
  }
  return out;
}

export const button = (label: string, action: Action): Button => ({ label, action });

/** The last row of every screen: back to the menu, and emergency always one tap away. */
export function menuButton(ctx: Ctx, withEmergency = true): Button[] {
  const menu = button(ctx.t('menu.back'), { kind: 'menu' });
  return withEmergency ? [menu, button(ctx.t('menu.emergency'), { kind: 'emergency' })] : [menu];
}

/** Lays buttons out `perRow` to a row. */
export function rows(buttons: Button[], perRow: number): Button[][] {
  const out: Button[][] = [];
  for (let i = 0; i < buttons.length; i += perRow) out.push(buttons.slice(i, i + perRow));
  return out;
}

/** A country's name in the person's language, from the runtime's own data. */
export function countryName(lang: Language, code: string): string {
  try {
    return new Intl.DisplayNames([lang, 'en'], { type: 'region' }).of(code) ?? code;
  } catch {
    return code;
  }
}

/** A YYYY-MM-DD date as people write it in that language, e.g. "22 nov 2026". */
export function formatDate(lang: Language, iso: string): string {
  const date = new Date(`${iso}T12:00:00Z`);
  if (Number.isNaN(date.getTime())) return iso;
  try {
    // ICU has no Haitian Creole dates; French month names are the ones Haitians read.
    return new Intl.DateTimeFormat(lang === 'ht' ? ['ht', 'fr'] : [lang, 'en'], { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
  } catch {
    return iso;
  }
}

/** Guidance Markdown to segments: headings bold, bullets kept, links made links. */
export function markdownSegments(md: string): Segment[] {
  const out: Segment[] = [];
  const lines = md.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trimEnd();
    if (i > 0) out.push(nl);
    const heading = /^#{1,6}\s+(.*)$/.exec(line);
    if (heading) {
      out.push(bold(stripEmphasis(heading[1]!)));
      return;
    }
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const body = bullet ? bullet[1]! : line;
    if (bullet) out.push(text('• '));
    out.push(...inline(body));
  });
  return out;
}

function stripEmphasis(s: string): string {
  return s.replace(/\*\*(.+?)\*\*|__(.+?)__/g, '$1$2');
}

function inline(s: string): Segment[] {
  const out: Segment[] = [];
  const re = /\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)|\*\*(.+?)\*\*/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) out.push(text(s.slice(last, m.index)));
    if (m[1] !== undefined) out.push({ text: m[1], url: m[2] });
    else out.push(bold(m[3]!));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(text(s.slice(last)));
  return out;
}
