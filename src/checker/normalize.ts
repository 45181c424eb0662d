import type { Evidence } from './types.js';

/**
 * Text folded for matching, with a map back to the original: `text[i]` came from
 * `original.slice(starts[i], ends[i])`.
 */
export interface NormalizedText {
  original: string;
  text: string;
  starts: Int32Array;
  ends: Int32Array;
}

/** Emoji (without variation selectors or skin tones) -> the token that stands for it, e.g. "✈" -> ":plane:". */
export type EmojiTable = ReadonlyMap<string, string>;

/**
 * Folds the tricks used to slip past moderation: case, accents, compatibility forms,
 * zero-width characters, look-alike letters, leetspeak, spaced or dotted letters,
 * stretched letters and emoji that stand for words.
 *
 * @example
 * normalizeText('G A R A N T I Z A D O O O O 100% ✈️', emoji).text // "garantizado 100% :plane:"
 */
export function normalizeText(original: string, emoji: EmojiTable = new Map()): NormalizedText {
  const buf = new Buf();
  foldChars(original, emoji, buf);
  mapLookalikesAndLeet(buf);
  joinSpacedLetters(buf);
  collapseRunsAndSpaces(buf);
  return {
    original,
    text: buf.chars.join(''),
    starts: Int32Array.from(buf.starts),
    ends: Int32Array.from(buf.ends),
  };
}

/** Folds a pattern phrase the same way as text, so that editors can write "país" or "pais". */
export function normalizePhrase(phrase: string, emoji: EmojiTable = new Map()): string {
  return normalizeText(phrase, emoji).text.trim();
}

/** The original text behind the normalised span [start, end). */
export function toOriginal(norm: NormalizedText, start: number, end: number): Evidence {
  const s = norm.starts[start] ?? norm.original.length;
  const e = end > start ? norm.ends[end - 1]! : s;
  return { text: norm.original.slice(s, e), start: s, end: e };
}

/** One UTF-16 unit per entry, with the original span it came from. */
class Buf {
  chars: string[] = [];
  starts: number[] = [];
  ends: number[] = [];
  push(s: string, start: number, end: number): void {
    for (let k = 0; k < s.length; k++) {
      this.chars.push(s[k]!);
      this.starts.push(start);
      this.ends.push(end);
    }
  }
  keep(keepIt: (i: number) => boolean): void {
    let w = 0;
    for (let i = 0; i < this.chars.length; i++) {
      if (!keepIt(i)) continue;
      this.chars[w] = this.chars[i]!;
      this.starts[w] = this.starts[i]!;
      this.ends[w] = this.ends[i]!;
      w++;
    }
    this.chars.length = w;
    this.starts.length = w;
    this.ends.length = w;
  }
}

const INVISIBLE = new Set([
  0x00ad, 0x034f, 0x061c, 0x115f, 0x1160, 0x17b4, 0x17b5, 0x180e, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f,
  0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064, 0x2066, 0x2067, 0x2068,
  0x2069, 0x206a, 0x206b, 0x206c, 0x206d, 0x206e, 0x206f, 0x3164, 0xfe0e, 0xfe0f, 0xfeff, 0xffa0, 0x0640,
]);

const PUNCT: Record<string, string> = {
  '\u2018': "'", '\u2019': "'", '\u02bc': "'", '\u0060': "'", '\u00b4': "'",
  '\u201c': '"', '\u201d': '"', '\u00ab': '"', '\u00bb': '"', '\u201e': '"',
  '\u2013': '-', '\u2014': '-', '\u2212': '-',
  '\u3002': '.', '\u3001': ',', '\u060c': ',', '\u061f': '?', '\u061b': ';', '\u066b': '.', '\u066c': ',',
  '\u00a1': ' ',
  '\u0649': '\u064a', '\u0629': '\u0647', '\u0131': 'i',
};

const MARK = /\p{M}/gu;
const PICTO = /\p{Extended_Pictographic}/u;
const cpCache = new Map<number, string>();

function foldCodePoint(cp: number): string {
  let r = cpCache.get(cp);
  if (r !== undefined) return r;
  const ch = String.fromCodePoint(cp);
  if ((cp >= 0x0660 && cp <= 0x0669) || (cp >= 0x06f0 && cp <= 0x06f9)) {
    r = String((cp & 0xf) % 10);
  } else if (PUNCT[ch] !== undefined) {
    r = PUNCT[ch]!;
  } else {
    r = ch.normalize('NFKC').normalize('NFKD').replace(MARK, '').toLowerCase();
    r = [...r].map((c) => PUNCT[c] ?? c).join('');
  }
  cpCache.set(cp, r);
  return r;
}

const isRegional = (cp: number) => cp >= 0x1f1e6 && cp <= 0x1f1ff;
const isEmojiModifier = (cp: number) =>
  cp === 0xfe0f || cp === 0xfe0e || cp === 0x20e3 || (cp >= 0x1f3fb && cp <= 0x1f3ff) || (cp >= 0xe0020 && cp <= 0xe007f);

function foldChars(src: string, emoji: EmojiTable, out: Buf): void {
  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c < 0x80) {
      out.push(c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : src[i]!, i, i + 1);
      i++;
      continue;
    }
    const cp = src.codePointAt(i)!;
    const w = cp > 0xffff ? 2 : 1;
    if (INVISIBLE.has(cp)) {
      i += w;
      continue;
    }
    if (isRegional(cp) && isRegional(src.codePointAt(i + 2) ?? 0)) {
      const a = String.fromCharCode(97 + cp - 0x1f1e6);
      const b = String.fromCharCode(97 + src.codePointAt(i + 2)! - 0x1f1e6);
      out.push(` :flag_${a}${b}: `, i, i + 4);
      i += 4;
      continue;
    }
    if (PICTO.test(String.fromCodePoint(cp)) || isRegional(cp)) {
      // Take the whole emoji sequence: modifiers, keycaps and ZWJ-joined parts.
      let j = i + w;
      let seq = String.fromCodePoint(cp);
      while (j < n) {
        const d = src.codePointAt(j)!;
        if (isEmojiModifier(d)) {
          j += d > 0xffff ? 2 : 1;
        } else if (d === 0x200d && j + 1 < n) {
          const e = src.codePointAt(j + 1)!;
          seq += '\u200d' + String.fromCodePoint(e);
          j += 1 + (e > 0xffff ? 2 : 1);
        } else break;
      }
      const token = emoji.get(seq) ?? emoji.get(String.fromCodePoint(cp));
      out.push(token ? ` ${token} ` : ' ', i, j);
      i = j;
      continue;
    }
    out.push(foldCodePoint(cp), i, i + w);
    i += w;
  }
}

const LATIN = /[a-z]/;
const LOOKALIKE: Record<string, string> = {
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', һ: 'h', ԁ: 'd', ԛ: 'q', ԝ: 'w', ɡ: 'g',
  α: 'a', β: 'b', ε: 'e', η: 'n', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ς: 's',
};
/** Latin letters that look like Cyrillic ones, for Russian words with a Latin letter slipped in. */
const TO_CYRILLIC: Record<string, string> = { a: 'а', b: 'в', e: 'е', k: 'к', m: 'м', h: 'н', o: 'о', p: 'р', c: 'с', t: 'т', y: 'у', x: 'х', i: 'і' };
const CYRILLIC = /[\u0400-\u04ff]/;
const LEET: Record<string, string> = { '0': 'o', '1': 'i', '3': 'e', '4': 'a', '5': 's', '7': 't', '@': 'a', $: 's' };
const isWordChar = (ch: string) => /[\p{L}\p{N}@$]/u.test(ch);
const isLetter = (ch: string | undefined) => ch !== undefined && /\p{L}/u.test(ch);
/** A letter of a script written with spaces: digits between Chinese characters are numbers, not leetspeak. */
const isSpacedLetter = (ch: string | undefined) => isLetter(ch) && !/\p{Script=Han}/u.test(ch!);

/** Within each word: Cyrillic/Greek look-alikes inside Latin words, and leetspeak inside words (c0y0te, v1sa). */
function mapLookalikesAndLeet(buf: Buf): void {
  const cs = buf.chars;
  let i = 0;
  while (i < cs.length) {
    if (!isWordChar(cs[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j < cs.length && isWordChar(cs[j]!)) j++;
    let latin = 0;
    let cyrillic = 0;
    let lookalike = false;
    let leetInside = false;
    for (let k = i; k < j; k++) {
      const ch = cs[k]!;
      if (LATIN.test(ch)) latin++;
      else if (CYRILLIC.test(ch)) cyrillic++;
      if (LOOKALIKE[ch]) lookalike = true;
      else if (LATIN.test(ch)) continue;
      else if (LEET[ch] !== undefined) {
        // A run of leet characters with letters on both sides, as in "gr33n". The run is
        // measured once and stepped over, so a word of 4,000 digits costs one pass, not 4,000.
        let a = k;
        while (a > i && LEET[cs[a - 1]!] !== undefined) a--;
        let b = k;
        while (b < j - 1 && LEET[cs[b + 1]!] !== undefined) b++;
        if (isSpacedLetter(cs[a - 1]) && a > i && isSpacedLetter(cs[b + 1]) && b < j - 1) leetInside = true;
        for (let r = k + 1; r <= b; r++) if (LOOKALIKE[cs[r]!]) lookalike = true;
        k = b;
      }
    }
    // A mixed word is read in its majority script: "раsamos" is Spanish, "пeреход" Russian.
    const toCyrillic = cyrillic > latin && latin > 0;
    for (let k = i; k < j; k++) {
      const ch = cs[k]!;
      if (toCyrillic && TO_CYRILLIC[ch]) cs[k] = TO_CYRILLIC[ch]!;
      else if (!toCyrillic && latin > 0 && lookalike && LOOKALIKE[ch]) cs[k] = LOOKALIKE[ch]!;
      else if (leetInside && LEET[ch] !== undefined) cs[k] = LEET[ch]!;
    }
    i = j;
  }
}

const SEPARATORS = new Set([' ', '.', '-', '_', '*', '·', '•', '/', '|', '+', '~']);

/** "W h a t s a p p", "a.s.i.l.o", "C-o-y-o-t-e" -> the word without its separators. */
function joinSpacedLetters(buf: Buf): void {
  const cs = buf.chars;
  const drop = new Uint8Array(cs.length);
  let any = false;
  let i = 0;
  while (i < cs.length) {
    const single = isLetter(cs[i]) && !isWordChar(cs[i - 1] ?? ' ') && SEPARATORS.has(cs[i + 1] ?? '');
    if (!single) {
      i++;
      continue;
    }
    const sep = cs[i + 1]!;
    let count = 1;
    let k = i;
    // Extend while the pattern "letter sep letter" continues with the same separator.
    while (
      cs[k + 1] === sep &&
      isLetter(cs[k + 2]) &&
      !isWordChar(cs[k + 3] ?? ' ') &&
      // A letter that starts a run with another separator ("y a.s.i.l.o") belongs to that run.
      !(cs[k + 3] !== sep && SEPARATORS.has(cs[k + 3] ?? '') && isLetter(cs[k + 4]) && cs[k + 5] === cs[k + 3])
    ) {
      k += 2;
      count++;
    }
    const needed = sep === ' ' ? 4 : 3;
    if (count >= needed) {
      for (let m = i + 1; m < k; m += 2) drop[m] = 1;
      any = true;
    }
    i = k + 1;
  }
  if (any) buf.keep((x) => drop[x] === 0);
}

const HAN = /\p{Script=Han}/u;

/** Stretched letters (garantizadoooo) and runs of spaces; a run holding a line break becomes one "\n". */
function collapseRunsAndSpaces(buf: Buf): void {
  const cs = buf.chars;
  const drop = new Uint8Array(cs.length);
  let i = 0;
  while (i < cs.length) {
    const ch = cs[i]!;
    let j = i + 1;
    if (ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r' || /\s/.test(ch)) {
      let newline = ch === '\n' || ch === '\r';
      while (j < cs.length && /\s/.test(cs[j]!)) {
        if (cs[j] === '\n' || cs[j] === '\r') newline = true;
        j++;
      }
      cs[i] = newline ? '\n' : ' ';
      for (let k = i + 1; k < j; k++) drop[k] = 1;
    } else {
      while (j < cs.length && cs[j] === ch) j++;
      // French writes "créée" (three e's once accents go): e needs four to count as stretched.
      const stretched = j - i >= (ch === 'e' ? 4 : 3) && !/[0-9]/.test(ch) && !HAN.test(ch);
      if (stretched) for (let k = i + 1; k < j; k++) drop[k] = 1;
      if (stretched && isLetter(ch)) buf.ends[i] = buf.ends[j - 1]!;
    }
    i = j;
  }
  buf.keep((x) => drop[x] === 0);
}

/**
 * Folds the letters of a regular expression like text (case, accents, Arabic letter forms)
 * while leaving escapes such as `\D` or `\p{Lu}` intact.
 */
export function foldPatternSource(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if ((next === 'p' || next === 'P') && source[i + 2] === '{') {
        const close = source.indexOf('}', i);
        out += source.slice(i, close + 1);
        i = close;
      } else {
        out += ch + next;
        i++;
      }
      continue;
    }
    const cp = source.codePointAt(i)!;
    if (cp < 0x80) {
      out += ch.toLowerCase();
      continue;
    }
    if (PICTO.test(String.fromCodePoint(cp))) {
      throw new Error(`write emoji in expressions as their token, e.g. :plane: (see patterns/emoji.yaml), not "${String.fromCodePoint(cp)}"`);
    }
    out += foldCodePoint(cp);
    if (cp > 0xffff) i++;
  }
  return out;
}
