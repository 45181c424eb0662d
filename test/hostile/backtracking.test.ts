import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_CHECK_LENGTH, createChecker, type Checker } from '../../src/checker/check-offer.js';
import type { PatternSet } from '../../src/checker/compile.js';
import { requiredLiterals } from '../../src/checker/literals.js';
import { attackText } from '../../src/checker/redos.js';
import { loadCheckerContent, VERDICTS_FILE } from '../../src/content/load-checker.js';
import { contentCopy } from '../helpers/conversation.js';

/** The size of every hostile text: long for a chat message, well under the 8,000 the checker reads. */
const SIZE = 4096;

interface Attack {
  family: string;
  name: string;
  text: string;
}

/** `unit` repeated to exactly SIZE code units, never ending in half a surrogate pair. */
const fill = (unit: string, size = SIZE) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size).replace(/[\uD800-\uDBFF]$/, ' ');

/** Long runs of the characters the expressions and the normaliser care about, alone and nested. */
function runs(): Attack[] {
  const units: Record<string, string> = {
    letter: 'a', space: ' ', tab: '\t', newline: '\n', dot: '.', comma: ',', hyphen: '-', underscore: '_', asterisk: '*', slash: '/',
    at: '@', hash: '#', dollar: '$', percent: '%', plus: '+', colon: ':', apostrophe: "'", quote: '"', 'inverted marks': '¡¿',
    'spaced letters': 'a ', 'dotted letters': 'a.', 'hyphenated letters': 'a-', 'letters and underscores': 'a_', 'stretched vowel': 'o',
    'spaced word': 'G A R A N T I Z A D O ', 'dotted word': 'p.a.s.e.', 'leetspeak': 'c0y0t3 ', 'mixed scripts': 'раsamos ',
    'whitespace soup': ' \t \n \r\n\u00a0\u3000', 'punctuation soup': '. , ; : ! ? … - – — ', 'nested runs': ' . . .  ,  , ,   ;;; ',
    'zero-width': '\u200b', 'zero-width between letters': 'a\u200b', 'bidi marks': '\u202e\u2066a\u2069\u202c', 'combining marks': 'a\u0301\u0301\u0301',
    'arabic tatweel': 'ـ', 'arabic article': 'ال', 'han': '偷', 'cyrillic': 'пере', 'emoji': '🚤', 'flags': '🇺🇸', 'keycaps': '1️⃣',
    'zwj family': '👨‍👩‍👧‍👦', 'skin tones': '👍🏽', 'word boundary flips': 'a1', 'url-ish': 'a.b', 'domain-ish': 'aa-bb.', 'handle-ish': '@a_b.',
    'html': '<a href="x">', 'entities': '&amp;',
  };
  return Object.entries(units).map(([name, unit]) => ({ family: 'runs', name, text: fill(unit) }));
}

/** Numbers in every shape the price, phone and date expressions read. */
function digits(): Attack[] {
  const units: Record<string, string> = {
    'one long number': '1', 'digits and spaces': '1 ', 'digit pairs': '12 ', 'digits and dots': '1.', 'digits and commas': '1,',
    'grouped thousands': '1,000,', 'grouped with dots': '1.000.', 'spaced thousands': '1 000 ', 'decimals': '1.5.', 'money signs': '$1',
    'money and words': '$1 mil ', 'currency words': '100 dólares 100 ', 'phone prefix': '+52 55 ', 'area codes': '(55) ', 'open brackets': '(1',
    'dates': '12/05/', 'times': '7:10 ', 'percents': '100% ', 'years': '2024-2025 ', 'arabic digits': '١٢٣ ', 'fullwidth digits': '１２３ ',
    'number words': 'dos mil ', 'multipliers': '1 mil 1 mil ', 'chinese amounts': '1万5', 'digits in words': 'a1b2',
  };
  return Object.entries(units).map(([name, unit]) => ({ family: 'digits', name, text: fill(unit) }));
}

/** Phrases that almost match, over and over, with and without the gaps the patterns allow. */
function nearMisses(): Attack[] {
  const cases: Record<string, string> = {
    'pase pase pase … directo': `${fill('pase ', SIZE - 7)}directo`,
    'pase x pase x … directo': `${fill('pase x ', SIZE - 7)}directo`,
    'pase de pase de … directo a USA': `${fill('pase de ', SIZE - 14)}directo a USA`,
    'pase … directo with no space': `${fill('pase', SIZE - 7)}directo`,
    'pase with four-word gaps': fill('pase uno dos tres cuatro '),
    'pase with three-word gaps': fill('pase uno dos tres '),
    'pase, directo,': fill('pase, directo, '),
    'gap words of 25 letters': fill(`pase ${'x'.repeat(25)} `),
    'garantizado without the number': fill('garantizado garantizado '),
    '100% without the word': fill('100% 100 % '),
    'sin without caminar': fill('sin sin sin '),
    'deposita without the amount': fill('deposita la mitad deposita la '),
    'cruzamos without the border': fill('cruzamos cruzamos la '),
    'english near-misses': fill('we cross we cross the we take people '),
    'french near-misses': fill('passage passage garanti passage '),
    'arabic near-misses': fill('نعبر نعبر الحدود نعبر '),
    'russian near-misses': fill('перевезём перевезём через '),
    'chinese near-misses': fill('偷渡偷渡保证'),
    'question after question': fill('¿es seguro? '),
    'negation after negation': fill('no no nunca no '),
  };
  return Object.entries(cases).map(([name, text]) => ({ family: 'near misses', name, text }));
}

/**
 * From the patterns themselves: per language, every multi-word phrase without its last word
 * (the prefilter sees the start, the phrase never completes); per expression, its required
 * literals over and over, so that the expression runs at every one of them.
 */
function fromPatterns(set: PatternSet): Attack[] {
  const prefixes = new Map<string, string[]>();
  set.automaton.literals.forEach((literal, id) => {
    const words = literal.split(' ');
    if (words.length < 2) return;
    for (const owner of set.owners[id]!) {
      if (!owner.phrase) continue;
      const language = set.patterns[owner.pattern]!.language;
      const list = prefixes.get(language) ?? [];
      list.push(words.slice(0, -1).join(' '));
      prefixes.set(language, list);
    }
  });
  const attacks: Attack[] = [...prefixes].map(([language, list]) => ({ family: 'phrase prefixes', name: `${language}: ${list.length} phrases cut short`, text: fill(`${list.join(' ')} `) }));
  for (const p of set.patterns) {
    if (!p.regex) continue;
    const literals = requiredLiterals(p.regex.source);
    if (literals) {
      attacks.push({ family: 'expression literals', name: `${p.id}: its literals repeated`, text: fill(`${literals.slice(0, 12).join(' ')} `) });
      attacks.push({ family: 'expression literals', name: `${p.id}: its first literal with 4-word gaps`, text: fill(`${literals[0]} uno dos tres cuatro `) });
    }
  }
  return attacks;
}

/** recheck's own attack strings for the expressions in use, from the verdict cache, cut to SIZE. */
function recheckAttacks(set: PatternSet, contentDir: string): Attack[] {
  const verdicts = JSON.parse(readFileSync(join(contentDir, 'patterns', VERDICTS_FILE), 'utf8')) as Record<string, { message: string }>;
  const attacks: Attack[] = [];
  for (const p of set.patterns) {
    const verdict = p.regex ? verdicts[p.regex.source] : undefined;
    const text = verdict ? attackText(verdict.message) : undefined;
    if (text) attacks.push({ family: 'recheck attacks', name: `${p.id}: recheck's attack`, text: fill(text) });
  }
  return attacks;
}

let checker: Checker;
let attacks: Attack[];

beforeAll(async () => {
  const dir = contentCopy();
  const content = await loadCheckerContent(dir);
  checker = createChecker({ patterns: content.patterns, offer: content.offer });
  attacks = [...runs(), ...digits(), ...nearMisses(), ...fromPatterns(content.patterns), ...recheckAttacks(content.patterns, dir)];
}, 120_000);

describe('checkOffer on texts built to make its expressions backtrack', () => {
  it('finishes every one of them; the slowest check is reported', () => {
    // Warm up, so the first measurement is not the compiler's.
    for (let i = 0; i < 20; i++) checker.checkOffer(attacks[i % attacks.length]!.text);
    const times: Array<{ attack: Attack; ms: number }> = [];
    for (const attack of attacks) {
      expect(attack.text.length, attack.name).toBeGreaterThanOrEqual(SIZE - 1);
      const start = performance.now();
      const result = checker.checkOffer(attack.text);
      times.push({ attack, ms: performance.now() - start });
      expect(['high', 'medium', 'low'], attack.name).toContain(result.risk);
    }
    const families = new Map<string, Array<{ attack: Attack; ms: number }>>();
    for (const t of times) families.set(t.attack.family, [...(families.get(t.attack.family) ?? []), t]);
    const lines = [...families].map(([family, list]) => {
      const worst = list.reduce((a, b) => (b.ms > a.ms ? b : a));
      const total = list.reduce((s, t) => s + t.ms, 0);
      return `  ${family}: ${list.length} texts, mean ${(total / list.length).toFixed(2)} ms, slowest ${worst.ms.toFixed(2)} ms (${worst.attack.name})`;
    });
    const slowest = times.reduce((a, b) => (b.ms > a.ms ? b : a));
    // The checker reads up to MAX_CHECK_LENGTH characters: the three slowest shapes again at that size.
    const atLimit = [...times]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 3)
      .map(({ attack }) => {
        const text = fill(attack.text, MAX_CHECK_LENGTH);
        const start = performance.now();
        checker.checkOffer(text);
        return `  at ${MAX_CHECK_LENGTH} characters: ${(performance.now() - start).toFixed(2)} ms on "${attack.name}"`;
      });
    console.log(
      [
        `backtracking: ${times.length} texts of ${SIZE} characters through checkOffer, ${times.reduce((s, t) => s + t.ms, 0).toFixed(0)} ms in all`,
        ...lines,
        `  slowest check: ${slowest.ms.toFixed(2)} ms on "${slowest.attack.name}" (${slowest.attack.family}), which starts ${JSON.stringify(slowest.attack.text.slice(0, 80))}`,
        ...atLimit,
      ].join('\n'),
    );
    expect(times).toHaveLength(attacks.length);
  }, 600_000);
});
