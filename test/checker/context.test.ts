import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QuestionIndex } from '../../src/checker/context.js';

/** The definition, read the slow way: the sign's sentence opens with "¿" before it, or ends with "?". */
function naive(text: string, start: number, end: number): boolean {
  const isEnd = (c: string | undefined) => c !== undefined && /[.!?\n]/.test(c);
  let s = start;
  while (s > 0 && !isEnd(text[s - 1])) s--;
  if (text[s] === '¿' || text.slice(s, start).includes('¿')) return true;
  let e = end;
  while (e < text.length && !isEnd(text[e])) e++;
  return text[e] === '?';
}

describe('QuestionIndex', () => {
  it('agrees with the sentence-by-sentence definition on any text and any span', () => {
    const texts = fc.stringMatching(/^[a¿?.!\n ]{0,60}$/);
    fc.assert(
      fc.property(texts, fc.nat(), fc.nat(), (text, a, b) => {
        const start = text.length ? a % text.length : 0;
        const end = Math.min(text.length, start + (b % 8));
        expect(new QuestionIndex(text).has({ pattern: 0, start, end })).toBe(naive(text, start, end));
      }),
      { numRuns: 3000, seed: 20261122 },
    );
  });

  it('reads the usual cases', () => {
    const text = '¿Es seguro el pase? Pase seguro. Dicen que es seguro?';
    const at = (word: string, from = 0) => {
      const start = text.indexOf(word, from);
      return { pattern: 0, start, end: start + word.length };
    };
    const index = new QuestionIndex(text);
    expect(index.has(at('seguro'))).toBe(true);
    expect(index.has(at('Pase seguro'))).toBe(false);
    expect(index.has(at('seguro', text.indexOf('Dicen')))).toBe(true);
  });
});
