import type { PatternSet } from './compile.js';
import type { Hit } from './match.js';
import type { ContextKind } from './types.js';

const CLAUSE_END = /[.,;:!?\n]/;
const SENTENCE_END = /[.!?\n]/;

export interface DocumentFrames {
  warning?: Hit;
  news?: Hit;
  /** A counter cue ("we are not scammers") disables warning and news frames: smugglers use them too. */
  countered: boolean;
}

/** Message-wide frames: an NGO warning or a news report changes how every sign in it reads. */
export function documentFrames(hits: Hit[], set: PatternSet): DocumentFrames {
  const frames: DocumentFrames = { countered: false };
  for (const h of hits) {
    const frame = set.patterns[h.pattern]!.frame;
    if (frame === 'warning') frames.warning ??= h;
    else if (frame === 'news') frames.news ??= h;
    else if (frame === 'counter') frames.countered = true;
  }
  return frames;
}

/** Words of a clause a negation can reach over are short: past this many characters, none does. */
const MAX_NEGATION_REACH = 400;

/**
 * The local context of one sign: negated by a cue just before it in the same clause
 * ("never pay in advance", "no creas a quien te garantiza"), or asked about in a question.
 *
 * @param negations sorted by start (see effectiveNegations). Only the cues nearest before the
 *   sign are looked at: a farther one has more words and more clause ends between, so once the
 *   nearest is out of reach all are. This keeps a text dense with cues and signs linear.
 */
export function localContext(text: string, hit: Hit, negations: Hit[], window: number, questions = new QuestionIndex(text)): ContextKind | undefined {
  // The last cue starting before the sign (binary search).
  let lo = 0;
  let hi = negations.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (negations[mid]!.start < hit.start) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0; i--) {
    const n = negations[i]!;
    if (n.end > hit.start) return 'negated';
    if (hit.start - n.end > MAX_NEGATION_REACH) break;
    const between = text.slice(n.end, hit.start);
    if (CLAUSE_END.test(between) || wordCount(between) > window) break;
    return 'negated';
  }
  return questions.has(hit) ? 'question' : undefined;
}

const HAN_RUN = /\p{Script=Han}+/gu;

/** Words between two points; Chinese has no spaces, so every two characters count as a word. */
function wordCount(text: string): number {
  let han = 0;
  const rest = text.replace(HAN_RUN, (run) => {
    han += Math.ceil(run.length / 2);
    return ' ';
  });
  const trimmed = rest.trim();
  return han + (trimmed === '' ? 0 : trimmed.split(/\s+/).length);
}

/**
 * Where each sentence of a text starts and whether it is a question, read once per text so
 * that asking about every sign costs no more than one pass (a text of 4,000 characters with no
 * full stop and a sign in every word would otherwise be read once per sign).
 */
export class QuestionIndex {
  private readonly sentenceStart: Int32Array;
  private readonly sentenceEnd: Int32Array;
  /** Position of the last "¿" before each position, or -1. */
  private readonly lastInverted: Int32Array;

  constructor(private readonly text: string) {
    const n = text.length;
    this.sentenceStart = new Int32Array(n + 1);
    this.sentenceEnd = new Int32Array(n + 1);
    this.lastInverted = new Int32Array(n + 1);
    let start = 0;
    let inverted = -1;
    for (let i = 0; i <= n; i++) {
      this.sentenceStart[i] = start;
      this.lastInverted[i] = inverted;
      if (i < n && text[i] === '¿') inverted = i;
      if (i < n && SENTENCE_END.test(text[i]!)) start = i + 1;
    }
    let end = n;
    for (let i = n; i >= 0; i--) {
      if (i < n && SENTENCE_END.test(text[i]!)) end = i;
      this.sentenceEnd[i] = end;
    }
  }

  /** A sign asked about: its sentence opens with "¿" before it or ends with "?". */
  has(hit: Hit): boolean {
    const s = this.sentenceStart[hit.start]!;
    if (this.text[s] === '¿' || this.lastInverted[hit.start]! >= s) return true;
    // The sentence's end seen from the sign's end, as a sign may span a line break.
    return this.text[this.sentenceEnd[Math.min(hit.end, this.text.length)]!] === '?';
  }
}

/** Negation cues that do not sit inside a "not really a negation" phrase such as "no te preocupes", sorted by start. */
export function effectiveNegations(hits: Hit[], set: PatternSet): Hit[] {
  const neutral = hits.filter((h) => set.patterns[h.pattern]!.frame === 'not_negation');
  return hits
    .filter((h) => set.patterns[h.pattern]!.frame === 'negation' && !neutral.some((x) => x.start <= h.start && x.end >= h.end))
    .sort((a, b) => a.start - b.start || a.end - b.end);
}
