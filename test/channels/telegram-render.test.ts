import { describe, expect, it } from 'vitest';
import { MAX_MESSAGE, renderTelegram } from '../../src/channels/telegram/render.js';
import type { Reply, Segment } from '../../src/conversation/types.js';

const reply = (parts: Segment[], withButtons = false): Reply => ({
  lang: 'en',
  dir: 'ltr',
  parts,
  ...(withButtons ? { buttons: [[{ label: 'Menu', action: { kind: 'menu' } }]] } : {}),
});

/** What Telegram would show: tags removed, entities decoded. */
const visible = (html: string) =>
  html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('Telegram rendering', () => {
  it('escapes the person\'s text and styles only through Faro\'s own tags', () => {
    const [m] = renderTelegram(reply([{ text: 'Risk', style: 'bold' }, { text: ' <script>alert("x")</script> & co', style: 'quote' }, { text: 'site', url: 'https://a.example/?q="x"' }]));
    expect(m!.text).toBe('<b>Risk</b>“<i> &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</i>”<a href="https://a.example/?q=&quot;x&quot;">site</a>');
  });

  it('splits long replies under 4,096 characters, at paragraph breaks, buttons on the last part', () => {
    const para = (i: number): Segment[] => [{ text: `Title ${i}`, style: 'bold' }, { text: `\n${'word '.repeat(150)}\n\n` }];
    const parts = Array.from({ length: 12 }, (_, i) => para(i)).flat();
    const messages = renderTelegram(reply(parts, true));
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(MAX_MESSAGE);
      // Each part starts at a paragraph: its first thing is a bold title.
      expect(m.text.startsWith('<b>Title')).toBe(true);
      expect((m.text.match(/<b>/g) ?? []).length).toBe((m.text.match(/<\/b>/g) ?? []).length);
    }
    expect(messages.slice(0, -1).every((m) => !m.reply_markup)).toBe(true);
    expect(messages.at(-1)!.reply_markup?.inline_keyboard[0]![0]).toEqual({ text: 'Menu', callback_data: 'menu' });
    expect(messages.map((m) => visible(m.text)).join('\n\n').replace(/\s+/g, ' ')).toBe(visible(parts.map((p) => p.text).join('')).replace(/\s+/g, ' ').trim());
  });

  it('cuts one huge segment between words and never inside a character', () => {
    const emoji = '😀'.repeat(3000);
    const long = `${'palabra '.repeat(700)}${emoji}`;
    const messages = renderTelegram(reply([{ text: long, style: 'italic' }]));
    expect(messages.length).toBeGreaterThan(1);
    for (const m of messages) {
      expect(m.text.length).toBeLessThanOrEqual(MAX_MESSAGE);
      expect(m.text).toMatch(/^<i>[\s\S]*<\/i>$/);
      expect(m.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
    expect(messages.map((m) => visible(m.text)).join('').replace(/\s/g, '')).toBe(long.replace(/\s/g, ''));
  });
});
