import { describe, expect, it } from 'vitest';
import { LIMITS, PLACEHOLDER_BODY, neutralise, renderWhatsApp, type GraphMessage } from '../../src/channels/whatsapp/render.js';
import { decodeAction, type Action, type Button, type Reply, type Segment } from '../../src/conversation/types.js';

const reply = (parts: Segment[], buttons?: Button[][], lang: Reply['lang'] = 'en'): Reply => ({ lang, dir: lang === 'ar' ? 'rtl' : 'ltr', parts, ...(buttons ? { buttons } : {}) });
const topics = (n: number, label = (i: number) => `Topic ${i}`): Button[] => Array.from({ length: n }, (_, i) => ({ label: label(i), action: { kind: 'topic', id: `topic-${i}` } as Action }));

const texts = (ms: GraphMessage[]) => ms.flatMap((m) => (m.type === 'text' ? [m.text.body] : []));
const onlyText = (ms: GraphMessage[]) => texts(ms).join('\n\n');
const buttonsOf = (m: GraphMessage | undefined) => (m?.type === 'interactive' && m.interactive.type === 'button' ? m.interactive.action.buttons : []);
const rowsOf = (m: GraphMessage | undefined) => (m?.type === 'interactive' && m.interactive.type === 'list' ? m.interactive.action.sections.flatMap((s) => s.rows) : []);
const bodyOf = (m: GraphMessage | undefined) => (m?.type === 'interactive' ? m.interactive.body.text : m?.type === 'text' ? m.text.body : '');

describe('WhatsApp formatting', () => {
  it('renders bold, italic, quotes and links in WhatsApp\'s own syntax, spaces outside the markers', () => {
    const [m] = renderWhatsApp(reply([{ text: 'Risk ', style: 'bold' }, { text: 'checked today', style: 'italic' }, { text: '\nYou wrote: ' }, { text: ' pase directo ', style: 'quote' }, { text: '\nSource: ' }, { text: 'UNODC', url: 'https://www.unodc.org' }]));
    expect(m).toEqual({ type: 'text', text: { body: '*Risk* _checked today_\nYou wrote:  “_pase directo_”\nSource: UNODC: https://www.unodc.org', preview_url: false } });
  });

  it('styles each line on its own (WhatsApp styles stop at line breaks) and prints a bare link once', () => {
    const body = bodyOf(renderWhatsApp(reply([{ text: 'Line one\nLine two', style: 'bold' }, { text: '\n' }, { text: 'https://a.example/x', url: 'https://a.example/x' }]))[0]);
    expect(body).toBe('*Line one*\n*Line two*\nhttps://a.example/x');
  });

  it('neutralises the person\'s own formatting characters inside quotes, so they cannot break Faro\'s', () => {
    const quoted = '*100%* garantizado_ ~sin~ `riesgo` pay_now';
    const body = bodyOf(renderWhatsApp(reply([{ text: 'You wrote: ' }, { text: quoted, style: 'quote' }]))[0]);
    expect(body).toBe(`You wrote: “_${neutralise(quoted)}_”`);
    // Only Faro's two underscores are left; the look-alikes keep the text readable.
    const inside = body.slice(body.indexOf('“_') + 2, body.lastIndexOf('_”'));
    expect(inside).not.toMatch(/[*_~`]/);
    expect(inside).toBe('∗100%∗ garantizadoˍ ∼sin∼ ˋriesgoˋ payˍnow');
  });

  it('in plain text, keeps markers inside words (emails, handles) but not those that could format', () => {
    const body = bodyOf(renderWhatsApp(reply([{ text: 'Write to info_mx@ayuda.example or @coyote_tj, pay *50%* now, ~maybe~' }]))[0]);
    expect(body).toBe('Write to info_mx@ayuda.example or @coyote_tj, pay ∗50%∗ now, ∼maybe∼');
  });

  it('appends URL buttons to the text as "label: url" and never makes them interactive', () => {
    const ms = renderWhatsApp(reply([{ text: 'More help' }], [[{ label: 'Official site', url: 'https://www.iom.int' }]]));
    expect(ms).toEqual([{ type: 'text', text: { body: 'More help\n\nOfficial site: https://www.iom.int', preview_url: false } }]);
  });
});

describe('WhatsApp limits', () => {
  it('splits a long reply under 4,096 characters at paragraph breaks, losing nothing', () => {
    const para = (i: number): Segment[] => [{ text: `Title ${i}`, style: 'bold' }, { text: `\n${'word '.repeat(150).trim()}\n\n` }];
    const parts = Array.from({ length: 12 }, (_, i) => para(i)).flat();
    const ms = renderWhatsApp(reply(parts));
    expect(ms.length).toBeGreaterThan(1);
    for (const m of ms) {
      expect(m.type).toBe('text');
      expect(bodyOf(m).length).toBeLessThanOrEqual(LIMITS.text);
      // Each message starts at a paragraph: its first thing is a bold title.
      expect(bodyOf(m)).toMatch(/^\*Title \d+\*\n/);
    }
    expect(onlyText(ms).replace(/[*\s]/g, '')).toBe(parts.map((p) => p.text).join('').replace(/\s/g, ''));
  });

  it('cuts one huge styled line between words, each piece with balanced markers, never inside a character', () => {
    // Both parities, so one of them would put a cut between the two halves of an emoji.
    for (const pad of ['', 'x']) {
      const long = `${'palabra '.repeat(700)}${pad}${'😀'.repeat(1500)}`;
      const ms = renderWhatsApp(reply([{ text: long, style: 'italic' }]));
      expect(ms.length).toBeGreaterThan(1);
      for (const m of ms) {
        const body = bodyOf(m);
        expect(body.length).toBeLessThanOrEqual(LIMITS.text);
        for (const line of body.split('\n')) expect(line).toMatch(/^_[^_]+_$/);
        expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }
      expect(onlyText(ms).replace(/[_\s]/g, '')).toBe(long.replace(/\s/g, ''));
    }
  });

  it('up to three actions: reply buttons, ids that decode, titles shortened to 20 with "…" and kept unique', () => {
    const ms = renderWhatsApp(reply([{ text: 'Pick one' }], [topics(3, (i) => (i < 2 ? 'A rather long button label here' : 'Short'))]));
    expect(ms).toHaveLength(1);
    const buttons = buttonsOf(ms[0]);
    expect(bodyOf(ms[0])).toBe('Pick one');
    expect(buttons.map((b) => b.type)).toEqual(['reply', 'reply', 'reply']);
    expect(buttons.map((b) => decodeAction(b.reply.id))).toEqual(topics(3).map((b) => ('action' in b ? b.action : undefined)));
    for (const b of buttons) expect(b.reply.title.length).toBeLessThanOrEqual(LIMITS.buttonTitle);
    expect(buttons[0]!.reply.title).toBe('A rather long butto…');
    expect(new Set(buttons.map((b) => b.reply.title)).size).toBe(3);
    expect(buttons[2]!.reply.title).toBe('Short');
  });

  it('more than three actions: a list whose button is "Options" in the reply\'s language, titles within 24', () => {
    const ms = renderWhatsApp(reply([{ text: 'Choose' }], [topics(5, (i) => (i === 0 ? 'Free legal help near me, today' : `Topic ${i}`))], 'tr'));
    expect(ms).toHaveLength(1);
    const m = ms[0]!;
    expect(m.type === 'interactive' && m.interactive.type === 'list' && m.interactive.action.button).toBe('Seçenekler');
    const rows = rowsOf(m);
    expect(rows).toHaveLength(5);
    expect(rows[0]).toEqual({ id: 't:topic-0', title: 'Free legal help near me…', description: 'Free legal help near me, today' });
    for (const r of rows) expect(r.title.length).toBeLessThanOrEqual(LIMITS.rowTitle);
    expect(renderWhatsApp(reply([{ text: 'اختر' }], [topics(4)], 'ar'))[0]).toMatchObject({ interactive: { action: { button: 'الخيارات' } } });
  });

  it('more than ten actions: lists of at most ten rows, every action once, a short remainder as reply buttons', () => {
    const ms = renderWhatsApp(reply([{ text: 'Choose' }], [topics(23)]));
    expect(ms.map((m) => (m.type === 'interactive' ? m.interactive.type : m.type))).toEqual(['list', 'list', 'button']);
    expect(rowsOf(ms[0])).toHaveLength(10);
    expect(rowsOf(ms[1])).toHaveLength(10);
    expect(ms.slice(0, 2).map((m) => m.type === 'interactive' && m.interactive.type === 'list' && m.interactive.action.button)).toEqual(['Options 1/2', 'Options 2/2']);
    expect(bodyOf(ms[0])).toBe('Choose');
    expect(bodyOf(ms[1])).toBe(PLACEHOLDER_BODY);
    const ids = [...rowsOf(ms[0]), ...rowsOf(ms[1])].map((r) => r.id).concat(buttonsOf(ms[2]).map((b) => b.reply.id));
    expect(ids).toEqual(Array.from({ length: 23 }, (_, i) => `t:topic-${i}`));
    // Fourteen: ten in one list, four in another (four is too many for reply buttons).
    expect(renderWhatsApp(reply([{ text: 'x' }], [topics(14)])).map(rowsOf).map((r) => r.length)).toEqual([10, 4]);
  });

  it('a body over 1,024 characters: the text goes first and the buttons carry its last paragraph', () => {
    const first = 'a'.repeat(900);
    const second = 'b'.repeat(300);
    const ms = renderWhatsApp(reply([{ text: `${first}\n\n${second}` }], [[{ label: 'Menu', action: { kind: 'menu' } }]]));
    expect(ms.map((m) => m.type)).toEqual(['text', 'interactive']);
    expect(bodyOf(ms[0])).toBe(first);
    expect(bodyOf(ms[1])).toBe(second);
  });

  it('a body over 1,024 characters whose last paragraph is too long as well: the placeholder body', () => {
    const ms = renderWhatsApp(reply([{ text: `intro\n\n${'c'.repeat(1100)}` }], [topics(4)]));
    expect(ms.map((m) => m.type)).toEqual(['text', 'interactive']);
    expect(bodyOf(ms[0])).toBe(`intro\n\n${'c'.repeat(1100)}`);
    expect(bodyOf(ms[1])).toBe(PLACEHOLDER_BODY);
    for (const m of renderWhatsApp(reply([{ text: 'x'.repeat(3000) }], [topics(2)]))) {
      expect(bodyOf(m).length).toBeLessThanOrEqual(m.type === 'interactive' ? LIMITS.body : LIMITS.text);
    }
  });

  it('drops a second button for the same action: ids must be unique in a message', () => {
    const ms = renderWhatsApp(reply([{ text: 'x' }], [[{ label: 'Menu', action: { kind: 'menu' } }], [{ label: 'Back', action: { kind: 'menu' } }]]));
    expect(buttonsOf(ms[0]).map((b) => b.reply.id)).toEqual(['menu']);
  });
});
