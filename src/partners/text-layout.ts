// SVG has no line wrapping, so lines are broken here by an estimate of each character's width.

const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303F\uFF00-\uFFEF]/u;
const ARABIC = /\p{Script=Arabic}/u;
const NARROW = /[iljtfrI.,:;'’!|·()[\]\-\/\u0456\u0457]/u;
const BROAD = /[mwMW@%\u0436\u043C\u0448\u0449\u044B\u044E\u0416\u041C\u0428\u0429\u042B\u042E]/u;

/** Roughly how wide `text` is, in em of Noto Sans. */
export function emWidth(text: string, bold = false): number {
  let w = 0;
  for (const ch of text) {
    if (WIDE.test(ch)) w += 1;
    else if (ARABIC.test(ch)) w += 0.5;
    else if (ch === ' ') w += 0.26;
    else if (NARROW.test(ch)) w += 0.3;
    else if (BROAD.test(ch)) w += 0.86;
    else if (/\p{Lu}|\d/u.test(ch)) w += 0.64;
    else w += 0.56;
  }
  return bold ? w * 1.07 : w;
}

const OPENING = /^[([{¿¡«“‘„\u300C\u300E\uFF08]+$/u;

interface Unit {
  text: string;
  space: boolean;
  /** Punctuation stays on the line of the word before it ("papiers ?", "证件？"). */
  glue: boolean;
  wide: boolean;
}

/** Words, spaces and punctuation; opening punctuation ("¿", "(") joins the word after it. */
function units(text: string, lang: string): Unit[] {
  const out: Unit[] = [];
  let opening = '';
  for (const s of new Intl.Segmenter(lang, { granularity: 'word' }).segment(text)) {
    const space = /^\s+$/u.test(s.segment);
    if (!space && !s.isWordLike && OPENING.test(s.segment)) {
      opening += s.segment;
      continue;
    }
    const glue = !space && !s.isWordLike && !opening;
    out.push({ text: opening + s.segment, space, glue, wide: WIDE.test(s.segment) });
    opening = '';
  }
  if (opening) out.push({ text: opening, space: false, glue: true, wide: false });
  return out;
}

/**
 * Breaks text into lines no wider than `maxEm`: between words, and between any two words of
 * Chinese, which has no spaces; never before punctuation. A word longer than a line stays whole.
 */
export function wrapText(text: string, maxEm: number, lang: string, bold = false): string[] {
  const lines: string[] = [];
  let line = '';
  let pendingSpace = '';
  let lastWide = false;
  for (const u of units(text.trim(), lang)) {
    if (u.space) {
      pendingSpace = line ? ' ' : '';
      continue;
    }
    if (u.glue) {
      line += pendingSpace + u.text;
      pendingSpace = '';
      continue;
    }
    const canBreak = pendingSpace !== '' || u.wide || lastWide;
    const candidate = line + pendingSpace + u.text;
    if (line && canBreak && emWidth(candidate, bold) > maxEm) {
      lines.push(line);
      line = u.text;
    } else {
      line = candidate;
    }
    pendingSpace = '';
    lastWide = u.wide;
  }
  if (line) lines.push(line);
  return lines;
}

/** Like wrapText, with the same number of lines made as even as they can be (no lone last word). */
export function wrapBalanced(text: string, maxEm: number, lang: string, bold = false): string[] {
  let best = wrapText(text, maxEm, lang, bold);
  if (best.length < 2) return best;
  for (let em = maxEm * 0.97; em > maxEm / best.length; em *= 0.97) {
    const lines = wrapText(text, em, lang, bold);
    if (lines.length > best.length || lines.some((l) => emWidth(l, bold) > em)) break;
    best = lines;
  }
  return best;
}

/** Breaks a link into lines of at most `maxEm`, preferably after "/", "?", "=" or "&". */
export function wrapUrl(url: string, maxEm: number): string[] {
  const lines: string[] = [];
  let rest = url;
  while (emWidth(rest) > maxEm) {
    let cut = 1;
    while (cut < rest.length && emWidth(rest.slice(0, cut + 1)) <= maxEm) cut++;
    const soft = Math.max(...['/', '?', '=', '&'].map((c) => rest.lastIndexOf(c, cut - 1)));
    if (soft > cut / 2) cut = soft + 1;
    lines.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  lines.push(rest);
  return lines;
}

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
