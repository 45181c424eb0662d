import type { Language } from '../../content/schemas.js';
import { encodeAction, type Reply, type Segment } from '../../conversation/types.js';

/** The Cloud API's limits, from Meta's message reference. */
export const LIMITS = {
  text: 4096,
  body: 1024,
  buttons: 3,
  buttonTitle: 20,
  buttonId: 256,
  rows: 10,
  rowTitle: 24,
  rowDescription: 72,
  rowId: 200,
  listButton: 20,
} as const;

/** The body of an interactive message when the text went in the messages before it. */
export const PLACEHOLDER_BODY = '⬇️';

/** The label of the button that opens a list. Kept here: it is the only WhatsApp-only UI string. */
export const OPTIONS_LABEL: Record<Language, string> = {
  es: 'Opciones',
  en: 'Options',
  pt: 'Opções',
  fr: 'Options',
  ht: 'Opsyon',
  zh: '选项',
  tr: 'Seçenekler',
  ru: 'Варианты',
  ar: 'الخيارات',
};

export interface TextMessage {
  type: 'text';
  text: { body: string; preview_url: boolean };
}

export interface ButtonMessage {
  type: 'interactive';
  interactive: {
    type: 'button';
    body: { text: string };
    action: { buttons: Array<{ type: 'reply'; reply: { id: string; title: string } }> };
  };
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export interface ListMessage {
  type: 'interactive';
  interactive: {
    type: 'list';
    body: { text: string };
    action: { button: string; sections: Array<{ rows: ListRow[] }> };
  };
}

/** One message as the Graph API takes it, without the recipient (the client adds that). */
export type GraphMessage = TextMessage | ButtonMessage | ListMessage;

const LOOKALIKE: Record<string, string> = { '*': '∗', _: 'ˍ', '~': '∼', '`': 'ˋ' };
const MARKER = /[*_~`]/g;
const WORD = /[\p{L}\p{N}]/u;

/**
 * Replaces every WhatsApp formatting character with a look-alike that formats nothing, so
 * quoted text cannot close Faro's italics or open its own bold.
 *
 * @example
 * neutralise('*100%* _garantizado_') // "∗100%∗ ˍgarantizadoˍ"
 */
export function neutralise(s: string): string {
  return s.replace(MARKER, (c) => LOOKALIKE[c] ?? c);
}

/** Plain text keeps markers inside words ("a_b@x.org" stays copyable) and loses those that could format. */
function neutraliseEdges(s: string): string {
  return s.replace(MARKER, (c, i: number) => {
    const prev = s[i - 1];
    const next = s[i + 1];
    const opens = (prev === undefined || !WORD.test(prev)) && next !== undefined && !/\s/.test(next);
    const closes = prev !== undefined && !/\s/.test(prev) && (next === undefined || !WORD.test(next));
    return opens || closes ? (LOOKALIKE[c] ?? c) : c;
  });
}

/** WhatsApp only formats when the markers touch the text, so spaces go outside them. */
function styled(text: string, open: string, close: string): string {
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  if (!m || !m[2]) return text;
  return `${m[1]}${open}${neutralise(m[2])}${close}${m[3]}`;
}

function sameAsUrl(label: string, url: string): boolean {
  const bare = (s: string) => s.replace(/^https?:\/\//, '').replace(/\/$/, '');
  return bare(label) === bare(url);
}

/** Links read "text: url"; WhatsApp makes the url tappable. */
function link(label: string, url: string): string {
  const text = label.replace(/\s+/g, ' ').trim();
  return !text || sameAsUrl(text, url) ? url : `${neutraliseEdges(text)}: ${url}`;
}

/** One piece of one line (no line breaks inside). */
function renderPiece(p: Segment): string {
  if (p.url) return link(p.text, p.url);
  if (p.style === 'bold') return styled(p.text, '*', '*');
  if (p.style === 'italic') return styled(p.text, '_', '_');
  if (p.style === 'quote') return styled(p.text, '“_', '_”');
  return neutraliseEdges(p.text);
}

/** Segments to lines of pieces: WhatsApp styles do not cross line breaks, so each line carries its own. */
function toLines(parts: Segment[]): Segment[][] {
  const lines: Segment[][] = [[]];
  for (const s of parts) {
    if (s.url) {
      lines[lines.length - 1]!.push({ ...s, text: s.text.replace(/\s*\n\s*/g, ' ') });
      continue;
    }
    s.text.split(/\r?\n/).forEach((t, i) => {
      if (i > 0) lines.push([]);
      if (t) lines[lines.length - 1]!.push({ ...s, text: t });
    });
  }
  return lines;
}

/** Cuts one piece too long for a message at a space, never inside a character; styles stay balanced. */
function cutPiece(p: Segment, max: number): Segment[] {
  if (p.url || renderPiece(p).length <= max) return [p];
  // Look-alikes are one code unit each, so only the markers (at most 4) add length.
  const budget = max - 4;
  const out: Segment[] = [];
  let rest = p.text;
  while (rest.length > budget) {
    let cut = rest.lastIndexOf(' ', budget);
    if (cut < budget / 2) cut = budget;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut--;
    out.push({ ...p, text: rest.slice(0, cut) });
    rest = rest.slice(cut).replace(/^ /, '');
  }
  if (rest) out.push({ ...p, text: rest });
  return out;
}

/** One line as text; a line longer than a message becomes several lines. */
function fitLine(line: Segment[], max: number): string[] {
  const whole = line.map(renderPiece).join('').trimEnd();
  if (whole.length <= max) return [whole];
  const out: string[] = [];
  let current = '';
  for (const piece of line.flatMap((p) => cutPiece(p, max))) {
    const r = renderPiece(piece);
    if (current && current.length + r.length > max) {
      out.push(current.trimEnd());
      current = r.trimStart();
    } else {
      current += r;
    }
  }
  if (current.trim()) out.push(current.trimEnd());
  return out;
}

/** The reply's text as paragraphs (blank-line separated) of lines, each line within `max`. */
function paragraphsOf(parts: Segment[], max: number): string[][] {
  const paras: string[][] = [];
  let current: string[] = [];
  for (const line of toLines(parts)) {
    const rendered = fitLine(line, max);
    if (rendered.every((l) => !l.trim())) {
      if (current.length) paras.push(current);
      current = [];
      continue;
    }
    current.push(...rendered);
  }
  if (current.length) paras.push(current);
  return paras;
}

/** Paragraphs into messages of at most `max` characters, breaking between paragraphs where possible. */
function pack(paras: string[][], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  const fits = (sep: string, piece: string) => (current ? current.length + sep.length : 0) + piece.length <= max;
  const append = (sep: string, piece: string) => {
    current = current ? current + sep + piece : piece;
  };
  const flush = () => {
    if (current) chunks.push(current);
    current = '';
  };
  for (const para of paras) {
    const text = para.join('\n');
    if (fits('\n\n', text)) {
      append('\n\n', text);
      continue;
    }
    if (text.length <= max) {
      flush();
      current = text;
      continue;
    }
    para.forEach((line, i) => {
      const sep = i === 0 ? '\n\n' : '\n';
      if (!fits(sep, line)) flush();
      append(sep, line);
    });
  }
  flush();
  return chunks;
}

/** Shortens to `max` UTF-16 units with "…", never cutting a character in two. */
export function shorten(label: string, max: number): string {
  const s = label.replace(/\s+/g, ' ').trim() || '…';
  if (s.length <= max) return s;
  let out = '';
  for (const ch of s) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out.trimEnd()}…`;
}

/** Titles must be unique within one message; two labels shortened alike get a number. */
function uniqueTitles(labels: string[], max: number): string[] {
  const seen = new Set<string>();
  return labels.map((label) => {
    let title = shorten(label, max);
    for (let n = 2; seen.has(title); n++) title = `${shorten(label, max - String(n).length - 1)} ${n}`;
    seen.add(title);
    return title;
  });
}

interface ActionButton {
  label: string;
  /** encodeAction's payload; it fits Telegram's 64 bytes, so WhatsApp's 200 and 256 too. */
  id: string;
}

const textMessage = (body: string): TextMessage => ({ type: 'text', text: { body, preview_url: false } });

function buttonMessage(body: string, actions: ActionButton[]): ButtonMessage {
  const titles = uniqueTitles(actions.map((a) => a.label), LIMITS.buttonTitle);
  return {
    type: 'interactive',
    interactive: {
      type: 'button',
      body: { text: body },
      action: { buttons: actions.map((a, i) => ({ type: 'reply', reply: { id: a.id, title: titles[i]! } })) },
    },
  };
}

/** One list per ten actions (WhatsApp's limit across all sections of one message), labelled "Options 1/2"… when there are several. */
function listMessages(body: string, actions: ActionButton[], lang: Language): ListMessage[] {
  const groups: ActionButton[][] = [];
  for (let i = 0; i < actions.length; i += LIMITS.rows) groups.push(actions.slice(i, i + LIMITS.rows));
  const label = OPTIONS_LABEL[lang] ?? OPTIONS_LABEL.en;
  return groups.map((group, i) => {
    const titles = uniqueTitles(group.map((a) => a.label), LIMITS.rowTitle);
    const rows = group.map((a, j): ListRow => {
      const full = a.label.replace(/\s+/g, ' ').trim();
      // A shortened title keeps the whole label readable underneath.
      return full.length > LIMITS.rowTitle ? { id: a.id, title: titles[j]!, description: shorten(full, LIMITS.rowDescription) } : { id: a.id, title: titles[j]! };
    });
    const button = groups.length > 1 ? shorten(`${label} ${i + 1}/${groups.length}`, LIMITS.listButton) : shorten(label, LIMITS.listButton);
    return {
      type: 'interactive',
      interactive: { type: 'list', body: { text: i === 0 ? body : PLACEHOLDER_BODY }, action: { button, sections: [{ rows }] } },
    };
  });
}

/** The interactive body: the whole text if it fits, else its last paragraph, else a placeholder; the rest goes before. */
function splitBody(paras: string[][]): { before: string[][]; body: string } {
  const all = paras.map((p) => p.join('\n')).join('\n\n');
  if (all && all.length <= LIMITS.body) return { before: [], body: all };
  const last = paras[paras.length - 1];
  if (paras.length > 1 && last) {
    const text = last.join('\n');
    if (text.length <= LIMITS.body) return { before: paras.slice(0, -1), body: text };
  }
  return { before: paras, body: PLACEHOLDER_BODY };
}

/**
 * One channel-neutral reply as Cloud API messages: text in WhatsApp's own formatting, split
 * under 4,096 characters at paragraph breaks; up to three actions as reply buttons, more as
 * lists of ten (a remainder of three or fewer as reply buttons); URL buttons appended to the
 * text as "label: url".
 *
 * @example
 * renderWhatsApp({ lang: 'en', dir: 'ltr', parts: [{ text: 'Hi', style: 'bold' }], buttons: [[{ label: 'Menu', action: { kind: 'menu' } }]] })
 * // [{ type: 'interactive', interactive: { type: 'button', body: { text: '*Hi*' }, action: { buttons: [{ type: 'reply', reply: { id: 'menu', title: 'Menu' } }] } } }]
 */
export function renderWhatsApp(reply: Reply): GraphMessage[] {
  const buttons = (reply.buttons ?? []).flat();
  const actions: ActionButton[] = [];
  const links: string[] = [];
  for (const b of buttons) {
    if ('url' in b) {
      links.push(link(b.label, b.url));
      continue;
    }
    const id = encodeAction(b.action);
    // Ids must be unique in a message; a duplicate button adds nothing, an overlong id would fail the whole message.
    if (id.length > LIMITS.rowId || actions.some((a) => a.id === id)) continue;
    actions.push({ label: b.label, id });
  }
  const paras = paragraphsOf(reply.parts, LIMITS.text);
  if (links.length) paras.push(links);

  if (actions.length === 0) {
    const chunks = pack(paras, LIMITS.text);
    return (chunks.length ? chunks : ['…']).map(textMessage);
  }
  const { before, body } = splitBody(paras);
  const out: GraphMessage[] = pack(before, LIMITS.text).map(textMessage);
  if (actions.length <= LIMITS.buttons) {
    out.push(buttonMessage(body, actions));
    return out;
  }
  // Ten rows per list; a short remainder becomes reply buttons, one tap instead of two.
  const tail = actions.length % LIMITS.rows;
  const listed = tail > 0 && tail <= LIMITS.buttons ? actions.slice(0, actions.length - tail) : actions;
  out.push(...listMessages(body, listed, reply.lang));
  if (listed.length < actions.length) out.push(buttonMessage(PLACEHOLDER_BODY, actions.slice(listed.length)));
  return out;
}
