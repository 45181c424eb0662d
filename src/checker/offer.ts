import { z } from 'zod';
import { normalizePhrase, toOriginal, type NormalizedText } from './normalize.js';
import type { Evidence, Offer, OfferItem, Price } from './types.js';

// ---------------------------------------------------------------------------
// The lexicon (content/offer.yaml)
// ---------------------------------------------------------------------------

const PLACE_KINDS = ['city', 'crossing', 'route', 'region', 'country'] as const;

// Validating and compiling fold each of some 2,000 phrases several times.
const foldedPhrases = new Map<string, string>();
function fold(phrase: string): string {
  let folded = foldedPhrases.get(phrase);
  if (folded === undefined) foldedPhrases.set(phrase, (folded = normalizePhrase(phrase)));
  return folded;
}

/** The lookup key of a lexicon phrase: folded, without spaces, hyphens or a final *. */
const phraseKey = (phrase: string) => termKey(fold(phrase.replace(/\*$/, '')));

function phrase(where: 'numbers' | 'plain') {
  return z
    .string({ error: 'write a word or phrase here, in quotes if it has ":" or "#"' })
    .trim()
    .min(1, 'a phrase cannot be empty')
    .refine((p) => where === 'numbers' || !p.includes('#'), {
      error: '"#" (any number) only works in walking_claims and departure.times',
    })
    .refine((p) => !p.includes('*') || /^[^*]{3,}\*$/u.test(p), {
      error: 'a * goes only at the very end, after at least three letters, as in "предоплат*"',
    })
    .refine((p) => fold(p.replace(/[#*]/g, '')) !== '', {
      error: 'nothing is left of this phrase once emoji and invisible characters are removed',
    });
}
const Phrases = z.array(phrase('plain')).min(1, 'list at least one word or phrase');
const NumberedPhrases = z.array(phrase('numbers')).min(1, 'list at least one word or phrase');

const Currency = z.strictObject({
  code: z.string().regex(/^[A-Z]{3}$/, 'a currency code is three capital letters, as in USD (ISO 4217)'),
  signs: Phrases.optional(),
  words: Phrases.optional(),
});

const Multiplier = z.strictObject({
  factor: z.number().int('a factor is a whole number, like 1000').min(10, 'a factor is at least 10'),
  words: Phrases,
});

const NumberWords = z.strictObject({
  value: z.number().int('the value is a whole number').min(1, 'the value is at least 1'),
  words: Phrases,
});

const PaymentMethod = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:_[a-z0-9]+)*$/, 'an id is lower case with "_" between words, like western_union'),
  names: Phrases,
  capitals_only: Phrases.optional(),
});

const Place = z.strictObject({
  name: z.string().trim().min(1, 'a place needs a name'),
  country: z.string().regex(/^[A-Z]{2}$/, 'a country is two capital letters (ISO 3166), like MX'),
  kind: z.enum(PLACE_KINDS, { error: () => `kind must be one of: ${PLACE_KINDS.join(', ')}` }),
  aliases: Phrases.optional(),
  capitals_only: Phrases.optional(),
});

export const OfferLexicon = z
  .strictObject({
    currencies: z.array(Currency).min(1, 'list at least one currency'),
    multipliers: z.array(Multiplier),
    number_words: z.array(NumberWords),
    price_cues: z.strictObject({ deposit: Phrases, on_arrival: Phrases, amount: Phrases }),
    payment_methods: z.array(PaymentMethod).min(1, 'list at least one payment method'),
    places: z.array(Place).min(1, 'list at least one place'),
    walking_claims: z.strictObject({ no_walking: NumberedPhrases, short_walk: NumberedPhrases }),
    departure: z.strictObject({
      leaving: Phrases,
      times: NumberedPhrases,
      every: Phrases,
      joiners: Phrases,
    }),
  })
  .superRefine((lex, ctx) => {
    interface Listed {
      phrase: string;
      owner: string;
      path: PropertyKey[];
    }
    const listed = (phrases: string[] | undefined, owner: string, path: PropertyKey[]): Listed[] =>
      (phrases ?? []).map((phrase, i) => ({ phrase, owner, path: [...path, i] }));
    // Two entries of one section must not claim the same words, or a match could not say whose it is.
    const unique = (section: string, entries: Listed[]) => {
      const seen = new Map<string, string>();
      for (const { phrase, owner, path } of entries) {
        const key = phraseKey(phrase);
        const first = seen.get(key);
        if (first !== undefined && first !== owner) {
          ctx.addIssue({ code: 'custom', path, message: `"${phrase}" is already listed under ${first} in ${section}` });
        }
        if (first === undefined) seen.set(key, owner);
      }
    };
    const usedTwice = (what: string[], path: (i: number) => PropertyKey[]) =>
      what.forEach((w, i) => {
        if (what.indexOf(w) !== i) ctx.addIssue({ code: 'custom', path: path(i), message: `"${w}" is used twice` });
      });
    usedTwice(lex.payment_methods.map((m) => m.id), (i) => ['payment_methods', i, 'id']);
    usedTwice(lex.places.map((p) => p.name), (i) => ['places', i, 'name']);
    unique(
      'places',
      lex.places.flatMap((p, i) => [
        { phrase: p.name, owner: `"${p.name}"`, path: ['places', i, 'name'] },
        ...listed(p.aliases, `"${p.name}"`, ['places', i, 'aliases']),
        ...listed(p.capitals_only, `"${p.name}"`, ['places', i, 'capitals_only']),
      ]),
    );
    unique(
      'payment_methods',
      lex.payment_methods.flatMap((m, i) => [
        ...listed(m.names, m.id, ['payment_methods', i, 'names']),
        ...listed(m.capitals_only, m.id, ['payment_methods', i, 'capitals_only']),
      ]),
    );
    unique(
      'currencies',
      lex.currencies.flatMap((c, i) => [
        ...listed(c.signs, c.code, ['currencies', i, 'signs']),
        ...listed(c.words, c.code, ['currencies', i, 'words']),
      ]),
    );
    unique('multipliers', lex.multipliers.flatMap((m, i) => listed(m.words, `factor ${m.factor}`, ['multipliers', i, 'words'])));
    unique('number_words', lex.number_words.flatMap((n, i) => listed(n.words, `value ${n.value}`, ['number_words', i, 'words'])));
    unique('price_cues', (['deposit', 'on_arrival', 'amount'] as const).flatMap((k) => listed(lex.price_cues[k], k, ['price_cues', k])));
    unique('walking_claims', (['no_walking', 'short_walk'] as const).flatMap((k) => listed(lex.walking_claims[k], k, ['walking_claims', k])));
  });
export type OfferLexicon = z.infer<typeof OfferLexicon>;

// ---------------------------------------------------------------------------
// Compiling: each list becomes one regular expression shaped like a trie
// ---------------------------------------------------------------------------

/**
 * Letters and digits of the scripts written with spaces (Latin, Cyrillic, Arabic) in norm.text,
 * which is lower case. Chinese is left out: it needs no word boundaries.
 */
const WORD_CHAR = '[0-9a-z\\u00c0-\\u024f\\u0400-\\u04ff\\u0600-\\u06ff]';
const START = `(?<!${WORD_CHAR})`;
/** A term ends on a non-word character, or no word character follows. */
const END = `(?:(?<!${WORD_CHAR})|(?!${WORD_CHAR}))`;
/** Arabic proclitics written as part of the next word: و ف ب ك ل and the article ال. */
const ARABIC_PREFIX = '(?:[وف]?(?:[بك]?ال|لل|[بكل])|[وف])';
/** A space or hyphen in a phrase matches either or nothing (#SanDiego, "Tenosique-frontera"). */
const GAP = '[ \\n-]?';

const GAP_TOKEN = '\u0001';
const NUMBER_TOKEN = '\u0002';
const STEM_TOKEN = '\u0003';

/** The lookup key of a phrase or of matched text: spaces and hyphens do not count. */
function termKey(s: string): string {
  return s.replace(/[ \n-]/g, '');
}

/** A folded phrase as trie steps: characters, and markers for a gap, a number slot and a stem. */
function tokens(normalized: string): string[] {
  const out: string[] = [];
  for (const ch of normalized) {
    if (ch === ' ' || ch === '\n' || ch === '-') {
      if (out.at(-1) !== GAP_TOKEN) out.push(GAP_TOKEN);
    } else if (ch === '#') out.push(NUMBER_TOKEN);
    else if (ch === '*') out.push(STEM_TOKEN);
    else out.push(ch);
  }
  return out;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  end: boolean;
}

const escapeChar = (ch: string) => (/[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch);

/** One alternation for many phrases, factored by common prefixes so that each position costs little. */
function alternation(phrases: Iterable<string>, numberSource = String.raw`\d{1,3}`): string {
  const root: TrieNode = { next: new Map(), end: false };
  for (const p of phrases) {
    let node = root;
    for (const t of tokens(fold(p))) {
      let child = node.next.get(t);
      if (!child) node.next.set(t, (child = { next: new Map(), end: false }));
      node = child;
    }
    node.end = true;
  }
  const tokenSource = (t: string) =>
    t === GAP_TOKEN ? GAP : t === NUMBER_TOKEN ? `(?:${numberSource})` : t === STEM_TOKEN ? String.raw`\p{L}*` : escapeChar(t);
  const emit = (node: TrieNode): string => {
    const alts = [...node.next].map(([t, child]) => tokenSource(t) + emit(child));
    if (alts.length === 0) return '';
    if (node.end) return `(?:${alts.join('|')})?`;
    return alts.length === 1 ? alts[0]! : `(?:${alts.join('|')})`;
  };
  // An empty list must match nothing rather than everything.
  return emit(root) || '[]';
}

/** Exact keys, and stems (phrases ending in *) that match by prefix. */
interface TermLookup<V> {
  exact: Map<string, V>;
  stems: Map<string, V>;
}

function termLookup<V>(entries: Iterable<[string, V]>): TermLookup<V> {
  const lookup: TermLookup<V> = { exact: new Map(), stems: new Map() };
  for (const [p, value] of entries) (p.endsWith('*') ? lookup.stems : lookup.exact).set(phraseKey(p), value);
  return lookup;
}

function lookUp<V>(lookup: TermLookup<V>, matched: string): V | undefined {
  const key = termKey(matched);
  const exact = lookup.exact.get(key);
  if (exact !== undefined || lookup.stems.size === 0) return exact;
  for (let n = key.length; n > 0; n--) {
    const v = lookup.stems.get(key.slice(0, n));
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Finds the names of one kind of thing (places, payment channels) and says whose name each is. */
interface NameFinder {
  /** Group 1 is the name without an Arabic prefix. */
  regex: RegExp;
  lookup: TermLookup<string>;
  /** Keys that count only when written in capitals ("USA", not "usa" = "uses"). */
  capitalsOnly: Set<string>;
}

function nameFinder(entries: Array<{ value: string; phrases: string[]; capitalsOnly?: string[] }>): NameFinder {
  const pairs = entries.flatMap((e) => [...e.phrases, ...(e.capitalsOnly ?? [])].map((p): [string, string] => [p, e.value]));
  return {
    regex: new RegExp(`${START}${ARABIC_PREFIX}?(${alternation(pairs.map(([p]) => p))})${END}`, 'gu'),
    lookup: termLookup(pairs),
    capitalsOnly: new Set(entries.flatMap((e) => (e.capitalsOnly ?? []).map(phraseKey))),
  };
}

/** Group i + 1 of the regex matches the i-th list. */
function listsRegex(lists: string[][], numberSource?: string): RegExp {
  const groups = lists.map((l) => `(${alternation(l, numberSource)})`).join('|');
  return new RegExp(`${START}${ARABIC_PREFIX}?(?:${groups})${END}`, 'gu');
}

const DEPOSIT = 1;
const ON_ARRIVAL = 2;
const NO_WALKING = 1;
const EVERY = 1;
const LEAVING = 3;

/** Where to find offer details in a text; build it once with compileOfferLexicon. */
export interface CompiledOfferLexicon {
  places: NameFinder;
  paymentMethods: NameFinder;
  /** Groups: deposit, on arrival, words that make a bare number an amount ("por cabeza", "precio"). */
  cues: RegExp;
  /** Groups: no walking, short walk. */
  walking: RegExp;
  /** Groups: "every", a time, a leaving word. */
  departure: RegExp;
  /** Named groups pre, num, mult, tail, word, wmult, wtail, big, post. */
  price: RegExp;
  currencies: TermLookup<string>;
  multipliers: TermLookup<number>;
  numberWords: TermLookup<number>;
  joiners: Set<string>;
}

/** Amounts in digits: 1,500.50 / 1.500 / 1 500 / 1500 / 1.5, not followed by the rest of 7:10, 12/05 or 40%. */
const DIGITS = String.raw`(?:\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?|\d{1,3}(?: \d{3})+(?:,\d{1,2})?|\d+(?:[.,]\d{1,2})?)(?![\d%]|[.,:/]\d)`;
/** Nor starting inside a word, a time, a date, 1,500, a phone number (+52) or after a percent sign (%40). */
const PRICE_START = String.raw`(?<!${WORD_CHAR}|[+:/%#]|\d[.,])`;

/**
 * @example
 * const lexicon = compileOfferLexicon(OfferLexicon.parse(YAML.parse(readFileSync('content/offer.yaml', 'utf8'))));
 */
export function compileOfferLexicon(lex: OfferLexicon): CompiledOfferLexicon {
  const currencyPairs = lex.currencies.flatMap((c) => [...(c.signs ?? []), ...(c.words ?? [])].map((p): [string, string] => [p, c.code]));
  const multiplierPairs = lex.multipliers.flatMap((m) => m.words.map((w): [string, number] => [w, m.factor]));
  const numberPairs = lex.number_words.flatMap((n) => n.words.map((w): [string, number] => [w, n.value]));
  const numberWords = alternation(numberPairs.map(([w]) => w));
  const multipliers = alternation(multiplierPairs.map(([w]) => w));
  const price =
    `${PRICE_START}(?:(?<pre>${alternation(lex.currencies.flatMap((c) => c.signs ?? []))}) ?)?` +
    `(?:(?<num>${DIGITS})(?: ?(?<mult>${multipliers})(?<tail>\\d|${numberWords})?)?` +
    `|(?<word>${numberWords}) ?(?<wmult>${multipliers})(?<wtail>\\d|${numberWords})?` +
    `|(?<big>${alternation(numberPairs.filter(([, v]) => v >= 100).map(([w]) => w))}))` +
    // "2 millones de pesos"
    `(?: ?(?:de )?(?<post>${alternation(currencyPairs.map(([p]) => p))}))?${END}`;
  const numberSlot = String.raw`\d{1,3}|${numberWords}`;
  const d = lex.departure;
  return {
    places: nameFinder(lex.places.map((p) => ({ value: p.name, phrases: [p.name, ...(p.aliases ?? [])], capitalsOnly: p.capitals_only }))),
    paymentMethods: nameFinder(lex.payment_methods.map((m) => ({ value: m.id, phrases: m.names, capitalsOnly: m.capitals_only }))),
    cues: listsRegex([lex.price_cues.deposit, lex.price_cues.on_arrival, lex.price_cues.amount]),
    walking: listsRegex([lex.walking_claims.no_walking, lex.walking_claims.short_walk], numberSlot),
    departure: new RegExp(
      `${START}${ARABIC_PREFIX}?(?:(?:(${alternation(d.every)}) ?)?(${alternation(d.times, numberSlot)})|(${alternation(d.leaving)}))${END}`,
      'gu',
    ),
    price: new RegExp(price, 'gu'),
    currencies: termLookup(currencyPairs),
    multipliers: termLookup(multiplierPairs),
    numberWords: termLookup(numberPairs),
    joiners: new Set(d.joiners.map(fold)),
  };
}

// ---------------------------------------------------------------------------
// Extracting
// ---------------------------------------------------------------------------

/** A span of norm.text, before it is mapped to the original. */
interface Span {
  start: number;
  end: number;
}

/** A word of one of a regex's lists in norm.text; kind is the number of the group that matched. */
interface Found extends Span {
  kind: number;
}

function findKinds(regex: RegExp, text: string, groups: number): Found[] {
  const out: Found[] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(text); m !== null; m = regex.exec(text)) {
    let kind = 1;
    while (kind < groups && m[kind] === undefined) kind++;
    out.push({ start: m.index, end: m.index + m[0].length, kind });
  }
  return out;
}

const isDigitCode = (c: number) => c >= 48 && c <= 57;
const isDigit = (ch: string | undefined) => ch !== undefined && isDigitCode(ch.charCodeAt(0));

const WORD_CHAR_ONLY = new RegExp(`^${WORD_CHAR}$`);
const isWordAt = (s: string, i: number) => WORD_CHAR_ONLY.test(s.charAt(i));

/** A comma between two words puts them in different clauses: it counts as this many characters. */
const COMMA_DISTANCE = 10;

/** How far apart two spans of one sentence are, in characters; Infinity across a sentence break or beyond maxGap. */
function gapBetween(text: string, a: Span, b: Span, maxGap = Infinity): number {
  const from = a.start <= b.start ? a.end : b.end;
  const to = a.start <= b.start ? b.start : a.start;
  if (to <= from) return 0;
  let gap = to - from;
  for (let i = from; i < to && gap <= maxGap; i++) {
    const c = text.charCodeAt(i);
    // ! ? ; newline, or a full stop that is not a decimal point
    if (c === 33 || c === 63 || c === 59 || c === 10 || (c === 46 && !isDigitCode(text.charCodeAt(i + 1)))) return Infinity;
    if (c === 44) gap += COMMA_DISTANCE;
  }
  return gap > maxGap ? Infinity : gap;
}

/** The candidate closest to span in the same sentence, at most maxGap characters away. */
function nearest<T extends Span>(text: string, span: Span, candidates: T[], maxGap: number): T | undefined {
  let best: T | undefined;
  let bestGap = maxGap;
  for (const c of candidates) {
    const gap = gapBetween(text, span, c, bestGap);
    if (gap <= bestGap) {
      best = c;
      bestGap = gap;
    }
  }
  return best;
}

function overlapsAny(e: Evidence, others: Evidence[]): boolean {
  for (const o of others) if (e.start < o.end && o.start < e.end) return true;
  return false;
}

/** One item per value, at its first mention. */
function firstOfEach<T extends OfferItem>(items: T[]): T[] {
  if (items.length < 2) return items;
  const seen = new Set<string>();
  return items.filter((i) => !seen.has(i.value) && seen.add(i.value));
}

function findNames(norm: NormalizedText, finder: NameFinder, taken: Evidence[]): OfferItem[] {
  const { regex, lookup, capitalsOnly } = finder;
  const items: OfferItem[] = [];
  regex.lastIndex = 0;
  for (let m = regex.exec(norm.text); m !== null; m = regex.exec(norm.text)) {
    const value = lookUp(lookup, m[1]!);
    if (value === undefined) continue;
    const evidence = toOriginal(norm, m.index, m.index + m[0].length);
    if (capitalsOnly.has(termKey(m[1]!)) && evidence.text !== evidence.text.toUpperCase()) continue;
    if (!overlapsAny(evidence, taken)) items.push({ ...evidence, value });
  }
  return firstOfEach(items);
}

// Links, handles and phones are not words of any language: they need no lexicon.

const TLDS =
  'com|net|org|info|biz|io|ly|app|site|online|store|shop|xyz|top|club|vip|link|page|live|pro|ws|gg|cc|tv|gl|' +
  'mx|br|ar|cl|pe|ec|gt|hn|sv|ni|cr|pa|ht|ve|cu|uk|ca|fr|gr|tr|ru|ua|by|pl|cn|hk|tw|ma|tn|eg|sa|ae|ng|gh|sn';
/** Country domains that are also words ("ya.me voy"): they count only with a path (wa.me/…, t.me/…). */
const WORDLIKE_TLDS = 'me|to|es|it|de|do|co|us|la|in|is|at|be|no|se|so';
const URL_CHAR = String.raw`[^\s<>"'«»]`;
const LINK = new RegExp(
  String.raw`\b(?:https?:\/\/|www\.)${URL_CHAR}+` +
    String.raw`|(?<![\p{L}\p{N}@._\/-])(?:[a-z0-9-]+\.)+` +
    String.raw`(?:(?:${TLDS})(?![\p{L}\p{N}-])(?:\/${URL_CHAR}*)?|(?:${WORDLIKE_TLDS})\/${URL_CHAR}*)`,
  'giu',
);
/** Most texts have no link: this cheap test skips the full search. */
const MAYBE_LINK = /[a-z0-9]\.[a-z]/i;
const LINK_TRAILING = /[.,;:!?)\]}'"»…]+$/u;
const HANDLE = /(?<![\p{L}\p{N}_.@/])@([\p{L}\p{N}_](?:[\p{L}\p{N}_.]{0,28}[\p{L}\p{N}_])?)/gu;
const HAS_LETTER = /\p{L}/u;
const ENDS_LIKE_DOMAIN = new RegExp(`\\.(?:${TLDS}|${WORDLIKE_TLDS})$`, 'i');
/** Digit groups joined by one space, dot or hyphen, with optional (area codes) and a leading +. */
const PHONE = /(?:\+ ?)?(?:\d+|\(\d+\))(?:[ .-]?\(\d+\)|[ .-]\d+|(?<=\))\d+)*/g;
const DATE_OR_YEARS = /^(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|(?:19|20)\d\d ?[-.] ?(?:19|20)?\d\d)$/;

function findLinks(original: string): OfferItem[] {
  const items: OfferItem[] = [];
  if (!MAYBE_LINK.test(original)) return items;
  LINK.lastIndex = 0;
  for (let m = LINK.exec(original); m !== null; m = LINK.exec(original)) {
    const text = m[0].replace(LINK_TRAILING, '');
    items.push({ text, start: m.index, end: m.index + text.length, value: text.toLowerCase() });
  }
  return firstOfEach(items);
}

function findHandles(original: string, links: Evidence[]): OfferItem[] {
  const items: OfferItem[] = [];
  if (!original.includes('@')) return items;
  HANDLE.lastIndex = 0;
  for (let m = HANDLE.exec(original); m !== null; m = HANDLE.exec(original)) {
    if (!HAS_LETTER.test(m[1]!) || ENDS_LIKE_DOMAIN.test(m[1]!)) continue;
    const item = { text: m[0], start: m.index, end: m.index + m[0].length, value: m[0].toLowerCase() };
    if (!overlapsAny(item, links)) items.push(item);
  }
  return firstOfEach(items);
}

/** Eight to fifteen digits that are not a date or a range of years (an amount with a currency wins later). */
function findPhones(norm: NormalizedText, links: Evidence[]): OfferItem[] {
  const { text } = norm;
  const items: OfferItem[] = [];
  PHONE.lastIndex = 0;
  for (let m = PHONE.exec(text); m !== null; m = PHONE.exec(text)) {
    const start = m.index;
    const end = start + m[0].length;
    if (isWordAt(text, start - 1) || '$€£.,/:'.includes(text[start - 1] || ' ') || isWordAt(text, end)) continue;
    const digits = m[0].replace(/\D/g, '');
    if (digits.length < 8 || digits.length > 15 || DATE_OR_YEARS.test(m[0])) continue;
    const evidence = toOriginal(norm, start, end);
    if (!overlapsAny(evidence, links)) items.push({ ...evidence, value: (m[0].startsWith('+') ? '+' : '') + digits });
  }
  return items;
}

interface PriceCandidate extends Span {
  amount: number;
  /** Only when the text says it next to the amount. */
  currency?: string;
  /** Has a currency or a multiplier ("15 mil"), so it is money without any cue. */
  strong: boolean;
  /** Written with thousands separators ("4,500"). */
  grouped: boolean;
}

/** "1,500", "1.500" and "1 500" are 1500; a last group of one or two digits is decimals ("12,50"). */
function parseDigits(raw: string): number {
  const s = raw.replace(/ /g, '');
  const m = /^(.*)[.,](\d{1,2})$/.exec(s);
  const whole = (m ? m[1]! : s).replace(/[.,]/g, '');
  return Number(m ? `${whole}.${m[2]}` : whole);
}

function numberValue(lex: CompiledOfferLexicon, s: string): number {
  return s.length === 1 && isDigit(s) ? Number(s) : (lookUp(lex.numberWords, s) ?? NaN);
}

function priceCandidates(text: string, lex: CompiledOfferLexicon): PriceCandidate[] {
  const out: PriceCandidate[] = [];
  const { price } = lex;
  price.lastIndex = 0;
  for (let m = price.exec(text); m !== null; m = price.exec(text)) {
    const g = m.groups!;
    const mult = g.mult ?? g.wmult;
    const factor = mult === undefined ? 1 : (lookUp(lex.multipliers, mult) ?? NaN);
    const tail = g.tail ?? g.wtail;
    const base = g.num !== undefined ? parseDigits(g.num) : numberValue(lex, g.word ?? g.big!);
    // "1万5" is 1.5 × 10000: a digit right after a multiplier is its tenth.
    const amount = base * factor + (tail === undefined ? 0 : (numberValue(lex, tail) * factor) / 10);
    if (!Number.isFinite(amount) || amount <= 0) continue;
    const pre = g.pre === undefined ? undefined : lookUp(lex.currencies, g.pre);
    const post = g.post === undefined ? undefined : lookUp(lex.currencies, g.post);
    // A lone "$" also stands for pesos, so in "$480 MXN" the word after the amount decides.
    const currency = pre !== undefined && post !== undefined && g.pre === '$' ? post : (pre ?? post);
    out.push({
      start: m.index,
      end: m.index + m[0].length,
      amount: Math.round(amount * 100) / 100,
      currency,
      strong: currency !== undefined || mult !== undefined,
      grouped: g.num !== undefined && /\d[.,]\d{3}(?!\d)/.test(g.num),
    });
  }
  return out;
}

/** ISO 4217 "no currency": the text gives an amount without saying in what. */
const UNKNOWN_CURRENCY = 'XXX';
const YEAR = /^(?:19|20)\d\d$/;

/**
 * Amounts with a currency or a multiplier; bare numbers next to a price cue ("800 por cabeza",
 * "1,500 al reservar"); and "4,500"-style numbers in a text that prices something else in a currency.
 * A bare number that looks like part of a phone number is left to the phone.
 */
function findPrices(norm: NormalizedText, lex: CompiledOfferLexicon, cues: Found[], links: Evidence[], phones: Evidence[]): Price[] {
  const { text } = norm;
  const candidates = priceCandidates(text, lex);
  if (candidates.length === 0) return [];
  const withCurrency = candidates.filter((c) => c.currency !== undefined);
  const kept: PriceCandidate[] = [];
  const prices: Price[] = [];
  for (const c of candidates) {
    const counts =
      c.strong ||
      (c.amount >= 100 && !YEAR.test(text.slice(c.start, c.end)) && nearest(text, c, cues, 12) !== undefined) ||
      (c.grouped && withCurrency.length > 0);
    if (!counts) continue;
    const evidence = toOriginal(norm, c.start, c.end);
    if (overlapsAny(evidence, links) || (c.currency === undefined && overlapsAny(evidence, phones))) continue;
    const currency = c.currency ?? closest(c, withCurrency)?.currency ?? UNKNOWN_CURRENCY;
    kept.push(c);
    prices.push({ ...evidence, value: `${c.amount} ${currency}`, amount: c.amount, currency, when: 'unknown' });
  }
  // Each deposit or arrival cue tells about the price nearest to it: in "$8k total, $2k upfront" only $2k is upfront.
  const cueGaps = new Array<number>(kept.length).fill(Infinity);
  for (const cue of cues) {
    if (cue.kind !== DEPOSIT && cue.kind !== ON_ARRIVAL) continue;
    const price = nearest(text, cue, kept, 30);
    if (price === undefined) continue;
    const i = kept.indexOf(price);
    const gap = gapBetween(text, cue, price);
    if (gap < cueGaps[i]!) {
      cueGaps[i] = gap;
      prices[i]!.when = cue.kind === DEPOSIT ? 'deposit' : 'on_arrival';
    }
  }
  return prices;
}

function closest<T extends Span>(span: Span, candidates: T[]): T | undefined {
  let best: T | undefined;
  for (const c of candidates) if (!best || Math.abs(c.start - span.start) < Math.abs(best.start - span.start)) best = c;
  return best;
}

function findWalking(norm: NormalizedText, lex: CompiledOfferLexicon): OfferItem[] {
  const items = findKinds(lex.walking, norm.text, 2).map((f) => ({
    ...toOriginal(norm, f.start, f.end),
    value: f.kind === NO_WALKING ? 'no_walking' : 'short_walk',
  }));
  return firstOfEach(items);
}

interface TimeGroup extends Span {
  recurring: boolean;
}

function charBefore(text: string, i: number): string {
  while (i > 0 && text[i - 1] === ' ') i--;
  return i === 0 ? '' : text[i - 1]!;
}

function charAfter(text: string, i: number): string {
  while (i < text.length && text[i] === ' ') i++;
  return text[i] ?? '';
}

/**
 * Departure times: near a leaving word ("salimos martes y viernes"), repeating days ("every Friday"),
 * or a time standing as its own fragment in an ad that names a price or a place ("Madi swa, 1 200 dola").
 */
function findDeparture(norm: NormalizedText, lex: CompiledOfferLexicon, isAd: boolean): OfferItem[] {
  const { text } = norm;
  const found = findKinds(lex.departure, text, LEAVING);
  if (found.length === 0) return [];
  const leaving = found.filter((f) => f.kind === LEAVING);
  const groups: TimeGroup[] = [];
  for (const f of found) {
    if (f.kind === LEAVING) continue;
    const last = groups.at(-1);
    const between = last === undefined ? undefined : text.slice(last.end, f.start).trim();
    if (last !== undefined && between !== undefined && (between === '' || lex.joiners.has(between))) {
      last.end = f.end;
      last.recurring ||= f.kind === EVERY;
    } else groups.push({ start: f.start, end: f.end, recurring: f.kind === EVERY });
  }
  const items: OfferItem[] = [];
  for (const g of groups) {
    const verb = nearest(text, g, leaving, 40);
    const standing = '.!?:;\n('.includes(charBefore(text, g.start)) && '.,!?:;\n)-'.includes(charAfter(text, g.end));
    if (verb === undefined && !g.recurring && !(standing && isAd)) continue;
    let { start, end } = g;
    // Take the leaving word in when at most one short word stands between ("выезд в пятницу", "salimos los viernes").
    const between = verb === undefined ? undefined : text.slice(Math.min(g.end, verb.end), Math.max(g.start, verb.start)).trim();
    if (verb !== undefined && between !== undefined && between.length <= 3 && !/[\s.,!?;]/.test(between)) {
      start = Math.min(start, verb.start);
      end = Math.max(end, verb.end);
    }
    items.push({ ...toOriginal(norm, start, end), value: text.slice(start, end).replace(/\s+/g, ' ') });
  }
  return firstOfEach(items);
}

/**
 * All offer details in the text. Spans (start/end/text) point into norm.original.
 *
 * @example
 * extractOffer(normalizeText('Salimos el viernes, $4,200 de anticipo por Zelle'), lexicon).prices[0]
 * // { text: '$4,200', start: 20, end: 26, value: '4200 USD', amount: 4200, currency: 'USD', when: 'deposit' }
 */
export function extractOffer(norm: NormalizedText, lex: CompiledOfferLexicon): Offer {
  const links = findLinks(norm.original);
  const cues = findKinds(lex.cues, norm.text, 3);
  const phoneLike = findPhones(norm, links);
  const prices = findPrices(norm, lex, cues, links, phoneLike);
  const places = findNames(norm, lex.places, [...links, ...prices]);
  return {
    prices,
    payment_methods: findNames(norm, lex.paymentMethods, links),
    phones: firstOfEach(phoneLike.filter((p) => !overlapsAny(p, prices))),
    links,
    handles: findHandles(norm.original, links),
    places,
    walking_claims: findWalking(norm, lex),
    departure: findDeparture(norm, lex, prices.length > 0 || places.length > 0),
  };
}
