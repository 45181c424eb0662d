import type { InlineKeyboardButton } from 'grammy/types';
import { encodeAction, type Button, type Reply, type Segment } from '../../conversation/types.js';

/** Telegram's limit on one message's text. */
export const MAX_MESSAGE = 4096;

export interface TelegramMessage {
  text: string;
  reply_markup?: { inline_keyboard: InlineKeyboardButton[][] };
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function renderSegment(s: Segment): string {
  const body = escapeHtml(s.text);
  if (s.url) return `<a href="${escapeHtml(s.url)}">${body}</a>`;
  if (s.style === 'bold') return `<b>${body}</b>`;
  if (s.style === 'italic') return `<i>${body}</i>`;
  if (s.style === 'quote') return `“<i>${body}</i>”`;
  return body;
}

/** Cuts one segment into pieces that fit, at a line break or space when there is one. */
function pieces(s: Segment, room: number): Segment[] {
  const out: Segment[] = [];
  let rest = s.text;
  // Escaping can grow text up to 6x ("&quot;"); leave space for tags too.
  const budget = Math.max(1, Math.floor((room - 40) / 6));
  while (rest.length > 0) {
    if (renderSegment({ ...s, text: rest }).length <= room) {
      out.push({ ...s, text: rest });
      break;
    }
    let cut = rest.lastIndexOf('\n', budget);
    if (cut < budget / 2) cut = rest.lastIndexOf(' ', budget);
    if (cut < budget / 2) cut = budget;
    // Never split a surrogate pair.
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut--;
    out.push({ ...s, text: rest.slice(0, cut) });
    rest = rest.slice(cut).replace(/^[ \n]/, '');
  }
  return out;
}

function keyboard(buttons: Button[][]): { inline_keyboard: InlineKeyboardButton[][] } {
  return {
    inline_keyboard: buttons.map((row) =>
      row.map((b): InlineKeyboardButton => ('url' in b ? { text: b.label, url: b.url } : { text: b.label, callback_data: encodeAction(b.action) })),
    ),
  };
}

/**
 * One channel-neutral reply as Telegram HTML messages: user text escaped, never more than
 * 4,096 characters each, split between paragraphs where possible; buttons go on the last one.
 */
export function renderTelegram(reply: Reply, max = MAX_MESSAGE): TelegramMessage[] {
  const chunks: string[] = [];
  let current = '';
  const push = () => {
    if (current.trim()) chunks.push(current.replace(/\s+$/, ''));
    current = '';
  };
  for (const segment of reply.parts) {
    const html = renderSegment(segment);
    if (current.length + html.length <= max) {
      current += html;
      continue;
    }
    // Prefer to break at the last paragraph break already in this chunk.
    const para = current.lastIndexOf('\n\n');
    if (para > max / 2 && current.length - para + html.length <= max && !insideTag(current, para)) {
      const tail = current.slice(para + 2);
      current = current.slice(0, para);
      push();
      current = tail + html;
      continue;
    }
    push();
    if (html.length <= max) {
      current = html;
      continue;
    }
    for (const piece of pieces(segment, max)) {
      const h = renderSegment(piece);
      if (current.length + h.length > max) push();
      current += h;
    }
  }
  push();
  if (chunks.length === 0) chunks.push('…');
  const messages: TelegramMessage[] = chunks.map((text) => ({ text }));
  if (reply.buttons?.length) messages[messages.length - 1]!.reply_markup = keyboard(reply.buttons);
  return messages;
}

function insideTag(html: string, at: number): boolean {
  const open = html.lastIndexOf('<', at);
  const close = html.lastIndexOf('>', at);
  if (open > close) return true;
  // Inside an element's text: count open vs closed tags before `at`.
  const before = html.slice(0, at);
  const opened = (before.match(/<(b|i|a)[ >]/g) ?? []).length;
  const closed = (before.match(/<\/(b|i|a)>/g) ?? []).length;
  return opened > closed;
}
