import { FLAG_IDS, type FlagId } from '../checker/types.js';
import { LANGUAGES, type Language } from '../content/schemas.js';

export const CHANNELS = ['telegram', 'whatsapp', 'web', 'cli'] as const;
export type Channel = (typeof CHANNELS)[number];

/** What a person asked for by pressing a button or typing a command. */
export type Action =
  | { kind: 'start'; payload?: string }
  | { kind: 'menu' }
  | { kind: 'check' }
  | { kind: 'help' }
  | { kind: 'advice' }
  | { kind: 'topic'; id: string }
  | { kind: 'sign'; flag: FlagId }
  | { kind: 'report' }
  | { kind: 'legal' }
  | { kind: 'emergency' }
  | { kind: 'region' }
  /** '' means a country Faro has no contacts for. */
  | { kind: 'country'; country: string }
  /** null means the whole country. */
  | { kind: 'area'; area: string | null }
  | { kind: 'language' }
  | { kind: 'set_language'; lang: Language }
  | { kind: 'privacy' }
  | { kind: 'forget' }
  | { kind: 'feedback'; value: 'useful' | 'wrong' };

export type MediaKind = 'photo' | 'document' | 'voice' | 'audio' | 'video' | 'sticker' | 'location' | 'contact' | 'other';

export type ImageReading = { status: 'read'; excerpt: string } | { status: 'busy' | 'too_large' | 'unreadable' | 'failed' };

/** One thing a person did, in the same shape whatever the channel. */
export interface Inbound {
  channel: Channel;
  /** HMAC of the channel's user id; the raw id never reaches the core. */
  userKey: string;
  /** The platform's id for this delivery, to answer a redelivery only once. */
  updateId?: string;
  /** Typed, pasted or forwarded text, or a photo's caption. */
  text?: string;
  media?: MediaKind;
  /**
   * A picture the channel tried to read (OCR). When read, `text` holds the caption and the text
   * read together, and `excerpt` is the start of what was read, shown so a misreading is seen.
   */
  image?: ImageReading;
  action?: Action;
  /** The app's language setting, e.g. "es-MX". */
  localeHint?: string;
  /** How many messages were merged into `text` (set by the service). */
  merged?: number;
}

/** A piece of reply text. Channels escape `text`; styles are hints they may ignore. */
export interface Segment {
  text: string;
  style?: 'bold' | 'italic' | 'quote';
  url?: string;
}

export type Button = { label: string; action: Action } | { label: string; url: string };

/** One message to send, channel-neutral. */
export interface Reply {
  lang: Language;
  dir: 'ltr' | 'rtl';
  parts: Segment[];
  /** Rows of buttons. */
  buttons?: Button[][];
}

/** What the core remembers about a person: never anything they wrote. */
export interface Session {
  language: Language | null;
  country: string | null;
  area: string | null;
  partner: string | null;
  state: SessionState;
}

export interface SessionState {
  /** Where to go once the person has chosen a place. */
  after?: 'legal' | 'emergency';
}

/** An anonymous count to add, e.g. {metric: 'check', value: 'high'}. */
export interface CountEvent {
  metric: 'start' | 'check' | 'flag' | 'place' | 'offer_language' | 'feedback' | 'media';
  value: string;
}

export interface Turn {
  replies: Reply[];
  /** null: the person asked to be forgotten; delete everything. */
  session: Session | null;
  events: CountEvent[];
}

// Button payloads must fit Telegram's 64-byte callback_data, so they are short strings.
const SIMPLE = ['menu', 'check', 'help', 'advice', 'report', 'legal', 'emergency', 'region', 'language', 'privacy', 'forget'] as const;
type SimpleKind = (typeof SIMPLE)[number];

/** @example encodeAction({ kind: 'set_language', lang: 'es' }) // "l:es" */
export function encodeAction(a: Action): string {
  switch (a.kind) {
    case 'start':
      return a.payload ? `start:${a.payload}` : 'start';
    case 'topic':
      return `t:${a.id}`;
    case 'sign':
      return `s:${a.flag}`;
    case 'country':
      return `c:${a.country}`;
    case 'area':
      return `a:${a.area ?? ''}`;
    case 'set_language':
      return `l:${a.lang}`;
    case 'feedback':
      return `f:${a.value === 'useful' ? 'u' : 'w'}`;
    default:
      return a.kind;
  }
}

/** Parses a button payload; anything unknown or forged gives undefined. */
export function decodeAction(data: string): Action | undefined {
  if ((SIMPLE as readonly string[]).includes(data)) return { kind: data as SimpleKind } as Action;
  if (data === 'start') return { kind: 'start' };
  const colon = data.indexOf(':');
  if (colon < 0) return undefined;
  const head = data.slice(0, colon);
  const rest = data.slice(colon + 1);
  switch (head) {
    case 'start':
      return { kind: 'start', payload: rest };
    case 't':
      return /^[a-z0-9-]{1,60}$/.test(rest) ? { kind: 'topic', id: rest } : undefined;
    case 's':
      return (FLAG_IDS as readonly string[]).includes(rest) ? { kind: 'sign', flag: rest as FlagId } : undefined;
    case 'c':
      return /^([A-Z]{2})?$/.test(rest) ? { kind: 'country', country: rest } : undefined;
    case 'a':
      return /^[a-z0-9-]{0,60}$/.test(rest) ? { kind: 'area', area: rest || null } : undefined;
    case 'l':
      return (LANGUAGES as readonly string[]).includes(rest) ? { kind: 'set_language', lang: rest as Language } : undefined;
    case 'f':
      return rest === 'u' ? { kind: 'feedback', value: 'useful' } : rest === 'w' ? { kind: 'feedback', value: 'wrong' } : undefined;
    default:
      return undefined;
  }
}
