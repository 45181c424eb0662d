import type { PatternSet } from './compile.js';

/** A pattern found at [start, end) of the normalised text. */
export interface Hit {
  pattern: number;
  start: number;
  end: number;
}

const isHan = (c: number) => (c >= 0x3400 && c <= 0x9fff) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0x20000 && c <= 0x2ffff);
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** A letter or digit that is not Chinese: Chinese words are not separated by spaces. */
function isWordCode(c: number): boolean {
  if (c < 0x80) return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || (c >= 65 && c <= 90);
  if (isHan(c)) return false;
  return LETTER_OR_DIGIT.test(String.fromCharCode(c));
}

/**
 * Every hit of every pattern: one automaton pass finds all phrases and the literals
 * that regex patterns need; only those candidate regexes then run.
 *
 * @param text normalised text with line breaks turned into spaces
 */
export function findHits(text: string, set: PatternSet): Hit[] {
  const hits: Hit[] = [];
  const candidates = new Set<number>(set.alwaysRun);
  set.automaton.scan(text, (id, end) => {
    for (const owner of set.owners[id]!) {
      if (!owner.phrase) {
        candidates.add(owner.pattern);
        continue;
      }
      const start = end - set.automaton.literals[id]!.length;
      const leftOk = start === 0 || !isWordCode(text.charCodeAt(start - 1)) || !isWordCode(text.charCodeAt(start));
      const rightOk =
        owner.prefix || end === text.length || !isWordCode(text.charCodeAt(end)) || !isWordCode(text.charCodeAt(end - 1));
      if (leftOk && rightOk) hits.push({ pattern: owner.pattern, start, end });
    }
  });
  for (const index of candidates) {
    const re = set.patterns[index]!.regex!;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      hits.push({ pattern: index, start: m.index, end: m.index + m[0].length });
    }
  }
  return hits;
}
