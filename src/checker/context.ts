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

/**
 * The local context of one sign: negated by a cue just before it in the same clause
 * ("never pay in advance", "no creas a quien te garantiza"), or asked about in a question.
 */
export function localContext(text: string, hit: Hit, negations: Hit[], window: number): ContextKind | undefined {
  for (const n of negations) {
    if (n.start >= hit.start) continue;
    if (n.end > hit.start) return 'negated';
    const between = text.slice(n.end, hit.start);
    if (CLAUSE_END.test(between)) continue;
    if (wordCount(between) <= window) return 'negated';
  }
  return isInQuestion(text, hit) ? 'question' : undefined;
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

function isInQuestion(text: string, hit: Hit): boolean {
  let s = hit.start;
  while (s > 0 && !SENTENCE_END.test(text[s - 1]!)) s--;
  if (text[s] === '¿' || text.slice(s, hit.start).includes('¿')) return true;
  let e = hit.end;
  while (e < text.length && !SENTENCE_END.test(text[e]!)) e++;
  return text[e] === '?';
}

/** Negation cues that do not sit inside a "not really a negation" phrase such as "no te preocupes". */
export function effectiveNegations(hits: Hit[], set: PatternSet): Hit[] {
  const neutral = hits.filter((h) => set.patterns[h.pattern]!.frame === 'not_negation');
  return hits.filter(
    (h) =>
      set.patterns[h.pattern]!.frame === 'negation' &&
      !neutral.some((x) => x.start <= h.start && x.end >= h.end),
  );
}
