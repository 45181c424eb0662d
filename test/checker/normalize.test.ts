import { describe, expect, it } from 'vitest';
import { foldPatternSource, normalizeText, toOriginal } from '../../src/checker/normalize.js';

const emoji = new Map([
  ['✈', ':plane:'],
  ['🚤', ':boat:'],
  ['💵', ':money:'],
  ['📲', ':phone:'],
  ['👣', ':walk:'],
  ['❌', ':no:'],
  ['👨‍👩‍👧', ':family:'],
]);
const fold = (s: string) => normalizeText(s, emoji).text;

/** The original text behind the first occurrence of `needle` in the normalised text. */
function originalOf(text: string, needle: string) {
  const n = normalizeText(text, emoji);
  const i = n.text.indexOf(needle);
  expect(i, `"${needle}" in "${n.text}"`).toBeGreaterThanOrEqual(0);
  return toOriginal(n, i, i + needle.length);
}

describe('normalizeText defeats each obfuscation trick', () => {
  it('folds case', () => expect(fold('GARANTIZADO')).toBe('garantizado'));
  it('strips accents', () => expect(fold('tránsito rápido, geçiş, país')).toBe('transito rapido, gecis, pais'));
  it('folds Unicode compatibility forms (bold maths letters, full width)', () => {
    expect(fold('𝐆𝐀𝐑𝐀𝐍𝐓𝐈𝐙𝐀𝐃𝐎 ｗｈａｔｓａｐｐ')).toBe('garantizado whatsapp');
  });
  it('removes zero-width characters', () => expect(fold('ga\u200Brant\u200Dizado\uFEFF')).toBe('garantizado'));
  it('maps Cyrillic and Greek look-alikes inside Latin words', () => {
    expect(fold('раsamos')).toBe('pasamos'); // Cyrillic р and а
    expect(fold('vіsа')).toBe('visa'); // Cyrillic і and а
    expect(fold('gυαrαnteed')).toBe('guaranteed'); // Greek υ and α
  });
  it('reads a mixed word in its majority script', () => expect(fold('пeреход')).toBe('переход')); // Latin e
  it('leaves real Cyrillic words alone', () => expect(fold('Пишите в WhatsApp')).toBe('пишите в whatsapp'));
  it('reads leetspeak inside words', () => {
    expect(fold('c0y0te v1sa gr33n inst@gram')).toBe('coyote visa green instagram');
  });
  it('keeps numbers and prices that touch letters', () => {
    expect(fold('500dlls 7dias 100% $4,200')).toBe('500dlls 7dias 100% $4,200');
  });
  it('joins spaced letters', () => expect(fold('W h a t s a p p')).toBe('whatsapp'));
  it('joins dotted and hyphenated letters', () => {
    expect(fold('a.s.i.l.o C-o-y-o-t-e')).toBe('asilo coyote');
  });
  it('keeps a double space as the break between spaced words', () => {
    expect(fold('g r e e n  c a r d s')).toBe('green cards');
  });
  it('does not join short ordinary words', () => expect(fold('il y a à manger, si w pa peye')).toBe('il y a a manger, si w pa peye'));
  it('shortens stretched letters', () => expect(fold('garantizadoooo seeeeguro')).toBe('garantizado seguro'));
  it('keeps the three e of French words', () => expect(fold('agence agréée, créée en 2010')).toBe('agence agreee, creee en 2010'));
  it('keeps doubled letters and repeated digits', () => expect(fold('llegamos carro 10000')).toBe('llegamos carro 10000'));
  it('turns emoji that stand for words into tokens', () => {
    expect(fold('✈️🚤💵📲')).toBe(' :plane: :boat: :money: :phone: ');
    expect(fold('👣❌')).toBe(' :walk: :no: ');
  });
  it('turns flags into country tokens and ZWJ sequences into one token', () => {
    expect(fold('🇺🇸 👨‍👩‍👧')).toBe(' :flag_us: :family: ');
  });
  it('drops emoji that stand for nothing', () => expect(fold('hola😅amigo')).toBe('hola amigo'));
  it('folds Arabic letter forms, tatweel and digits', () => {
    expect(fold('أَهْلاً إلى مدينة ١٢٣ مـــرحبا')).toBe('اهلا الي مدينه 123 مرحبا');
  });
  it('folds Chinese full-width punctuation', () => expect(fold('先付三分之一，私信我。')).toBe('先付三分之一,私信我.'));
  it('collapses spaces and keeps line breaks as one', () => expect(fold('a  b\n\n  c')).toBe('a b\nc'));
});

describe('evidence offsets point into the original text', () => {
  it('through stretched letters', () => {
    const e = originalOf('Pase DIRECTO garantizadoooo!!', 'garantizado');
    expect(e).toEqual({ text: 'garantizadoooo', start: 13, end: 27 });
  });
  it('through spaced letters', () => {
    const text = 'escribe al W h a t s a p p ya';
    const e = originalOf(text, 'whatsapp');
    expect(e.text).toBe('W h a t s a p p');
    expect(text.slice(e.start, e.end)).toBe(e.text);
  });
  it('through zero-width characters and look-alikes', () => {
    const text = 'ok ра\u200Bsamos gente';
    const e = originalOf(text, 'pasamos gente');
    expect(text.slice(e.start, e.end)).toBe('ра\u200Bsamos gente');
  });
  it('through astral characters and emoji', () => {
    const text = '🚤🚤 𝐯𝐢𝐚𝐣𝐞 hoy';
    const e = originalOf(text, 'viaje');
    expect(e.text).toBe('𝐯𝐢𝐚𝐣𝐞');
    const boat = originalOf(text, ':boat:');
    expect(boat.text).toBe('🚤');
  });
});

describe('foldPatternSource', () => {
  it('folds letters but keeps escapes and property classes', () => {
    expect(foldPatternSource('País\\D+\\p{Lu}GARANTÍA')).toBe('pais\\D+\\p{Lu}garantia');
  });
  it('rejects emoji in expressions with advice', () => {
    expect(() => foldPatternSource('sin 👣')).toThrow(/token/);
  });
});

describe('numbers in Chinese', () => {
  it('are not read as leetspeak', () => expect(normalizeText('还差1万5，先付3000').text).toBe('还差1万5,先付3000'));
});
