// `npm run bench`: checks per second on one core, and the combined matcher against
// a one-expression-at-a-time loop over the same patterns. Prints figures, asserts nothing.
import { resolve } from 'node:path';
import { createChecker } from '../src/checker/check-offer.js';
import { findHits } from '../src/checker/match.js';
import { normalizePhrase, normalizeText } from '../src/checker/normalize.js';
import { detectLanguage } from '../src/checker/language.js';
import { extractOffer } from '../src/checker/offer.js';
import { loadCheckerContent } from '../src/content/load-checker.js';

const content = await loadCheckerContent(resolve('content'));
const checker = createChecker({ patterns: content.patterns, offer: content.offer });
const set = content.patterns;

const SHORT = [
  'Pase directo a USA 100% garantizado, sin caminar, aparta tu lugar con 500 dlls, WhatsApp +52 1 656 555 0100',
  'Safe passage to the US, no walking, 50% deposit to book your seat, DM me for details and prices 🇺🇸',
  'Travessia garantida pro EUA pelo México, sem andar no deserto. Entrada de 5 mil no PIX pra vaga',
  'Vwayaj pou Miami chak semèn, 1500 dola davans pou rezève plas ou. Rele nou sou WhatsApp kounye a',
  '走线美国，包过，不用走路，先付一半定金，私信我了解详情，名额有限，本周出发，全程有人带路安全到达',
  'Ya llegamos a Houston con la tía, todo tranquilo gracias a Dios, mañana te marco para platicar 😊',
];
const LONG = [
  (SHORT[0] + ' Salimos martes y viernes desde Monterrey, los dejamos en la puerta de su familiar. ').repeat(10).slice(0, 2000),
  ('Scam alert: nobody can sell you an appointment, it is free. Never pay a smuggler in advance. ' + SHORT[1] + ' ')
    .repeat(12)
    .slice(0, 2000),
];

function rate(label: string, texts: string[], fn: (t: string) => unknown, seconds = 1.5): number {
  for (let i = 0; i < 500; i++) fn(texts[i % texts.length]!);
  let n = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i++) fn(texts[(n + i) % texts.length]!);
    n += 100;
  }
  const perSecond = n / ((performance.now() - start) / 1000);
  console.log(`  ${label.padEnd(52)} ${Math.round(perSecond).toLocaleString('en-US').padStart(10)} /s`);
  return perSecond;
}

/** The baseline: each pattern as its own expression, run one after another. */
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const EDGE_L = '(?<!(?!\\p{Script=Han})[\\p{L}\\p{N}])';
const EDGE_R = '(?!(?!\\p{Script=Han})[\\p{L}\\p{N}])';
const oneByOne = set.patterns.map((p) => {
  if (p.regex) return new RegExp(p.regex.source, 'gu');
  const alts = p.source.phrases!.map((ph) => {
    const prefix = ph.endsWith('*');
    const body = escape(normalizePhrase(prefix ? ph.slice(0, -1) : ph, set.emoji));
    return prefix ? body : body + EDGE_R;
  });
  return new RegExp(`${EDGE_L}(?:${alts.join('|')})`, 'gu');
});
function loopMatch(flat: string): number {
  let hits = 0;
  for (const re of oneByOne) {
    re.lastIndex = 0;
    while (re.exec(flat) !== null) hits++;
  }
  return hits;
}

const flatten = (texts: string[]) => texts.map((t) => normalizeText(t, set.emoji).text.replaceAll('\n', ' '));
const shortFlat = flatten(SHORT);
const longFlat = flatten(LONG);

console.log(`Faro checker benchmark · ${set.patterns.length} patterns · Node ${process.version} · one core`);
console.log(`Short offers: ~${Math.round(SHORT.reduce((a, t) => a + t.length, 0) / SHORT.length)} chars; long: ~${LONG[0]!.length} chars\n`);

console.log('Full check (normalise, detect language, match, score, extract details)');
const fullShort = rate('checkOffer, short offers', SHORT, (t) => checker.checkOffer(t));
rate('checkOffer, long offers', LONG, (t) => checker.checkOffer(t));

console.log('\nMatching only, on normalised text');
const combinedShort = rate('combined automaton + candidate regexes, short', shortFlat, (t) => findHits(t, set));
const loopShort = rate('one expression at a time, short', shortFlat, loopMatch);
const combinedLong = rate('combined automaton + candidate regexes, long', longFlat, (t) => findHits(t, set));
const loopLong = rate('one expression at a time, long', longFlat, loopMatch);

console.log('\nStages of a check, short offers');
const shortNorm = SHORT.map((t) => normalizeText(t, set.emoji));
rate('normalise', SHORT, (t) => normalizeText(t, set.emoji));
rate('detect language', SHORT, (t) => detectLanguage(t));
let k = 0;
rate('extract offer details', SHORT, () => extractOffer(shortNorm[k++ % shortNorm.length]!, content.offer));
rate('checkOffer with the language given', SHORT, (t) => checker.checkOffer(t, { language: 'und' }));

console.log('\nRatios');
console.log(`  combined / one-at-a-time, short: ${(combinedShort / loopShort).toFixed(1)}x`);
console.log(`  combined / one-at-a-time, long:  ${(combinedLong / loopLong).toFixed(1)}x`);
console.log(`  full checks per second on short offers vs the 20,000/s aim: ${(fullShort / 20000).toFixed(2)}`);

// Screenshot reading (OCR): images per second with 1 and 2 worker threads.
await import('./ocr.js');
