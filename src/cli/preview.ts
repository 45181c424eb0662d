import pc from 'picocolors';
import { FLAG_IDS, type FlagId } from '../checker/types.js';
import { loadContent } from '../content/load-content.js';
import { LANGUAGES, type Language } from '../content/schemas.js';
import { respond } from '../conversation/respond.js';
import type { Action, Reply, Session } from '../conversation/types.js';
import { createI18n } from '../i18n.js';
import { InputError } from './jsonl.js';

export interface PreviewOptions {
  contentDir: string;
  localesDir: string;
  lang: string;
  country?: string;
  area?: string;
  /** A screen instead of an offer: menu, legal, emergency, advice, privacy, report, topic:<id>, sign:<flag>. */
  screen?: string;
  text?: string;
  color: boolean;
}

const SCREENS = ['menu', 'legal', 'emergency', 'advice', 'privacy', 'report', 'language', 'topic:<id>', 'sign:<warning sign>'];

/** `faro content preview`: exactly what the bot would answer, as plain text with its buttons. */
export async function runPreview(o: PreviewOptions): Promise<string> {
  if (!(LANGUAGES as readonly string[]).includes(o.lang)) throw new InputError(`--lang must be one of ${LANGUAGES.join(', ')}`);
  const lang = o.lang as Language;
  if (!o.text && !o.screen) throw new InputError(`give an offer text in quotes, or --screen with one of: ${SCREENS.join(', ')}`);
  const content = await loadContent(o.contentDir);
  const i18n = await createI18n(o.localesDir);
  const country = o.country?.toUpperCase();
  if (country && !content.library.countries().includes(country)) {
    throw new InputError(`--country ${o.country}: there is no referrals/${country.toLowerCase()}.yaml. Countries: ${content.library.countries().join(', ')}`);
  }
  if (o.area && !country) throw new InputError('--area needs --country too');
  if (o.area && !content.library.areas(country!).some((a) => a.id === o.area)) {
    throw new InputError(`--area ${o.area}: not an area of ${country}. Areas: ${content.library.areas(country!).map((a) => a.id).join(', ') || 'none'}`);
  }
  const session: Session = { language: lang, country: country ?? null, area: o.area ?? null, partner: null, state: {} };
  const action = o.screen ? screenAction(o.screen) : undefined;
  const turn = respond({ content: () => content, i18n, retentionDays: 30 }, session, {
    channel: 'cli',
    userKey: 'preview',
    ...(action ? { action } : { text: o.text! }),
  });
  const c = o.color ? pc : pc.createColors(false);
  return `${turn.replies.map((r) => renderReply(r, c)).join(`\n${c.dim('─'.repeat(40))}\n`)}\n`;
}

function screenAction(screen: string): Action {
  const [kind, arg] = screen.split(':', 2) as [string, string | undefined];
  switch (kind) {
    case 'menu':
    case 'legal':
    case 'emergency':
    case 'advice':
    case 'privacy':
    case 'report':
    case 'language':
      return { kind } as Action;
    case 'topic':
      if (arg) return { kind: 'topic', id: arg };
      break;
    case 'sign':
      if (arg && (FLAG_IDS as readonly string[]).includes(arg)) return { kind: 'sign', flag: arg as FlagId };
      throw new InputError(`--screen sign:<warning sign>, one of: ${FLAG_IDS.join(', ')}`);
  }
  throw new InputError(`--screen ${screen}: use one of ${SCREENS.join(', ')}`);
}

export function renderReply(reply: Reply, c: ReturnType<typeof pc.createColors>): string {
  let out = '';
  for (const part of reply.parts) {
    if (part.url) out += part.text === part.url ? c.underline(part.url) : `${part.text} <${c.underline(part.url)}>`;
    else if (part.style === 'bold') out += c.bold(part.text);
    else if (part.style === 'italic') out += c.italic(part.text);
    else if (part.style === 'quote') out += `“${c.cyan(part.text)}”`;
    else out += part.text;
  }
  const buttons = (reply.buttons ?? []).map((row) => row.map((b) => `[ ${b.label}${'url' in b ? ` <${b.url}>` : ''} ]`).join(' '));
  return buttons.length > 0 ? `${out}\n\n${buttons.join('\n')}` : out;
}
