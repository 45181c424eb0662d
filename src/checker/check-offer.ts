import type { PatternSet } from './compile.js';
import { documentFrames, effectiveNegations, localContext, QuestionIndex } from './context.js';
import { detectLanguage } from './language.js';
import { findHits, type Hit } from './match.js';
import { normalizeText, toOriginal } from './normalize.js';
import { extractOffer, type CompiledOfferLexicon } from './offer.js';
import {
  FLAG_IDS,
  SEVERITIES,
  type CheckResult,
  type ContextKind,
  type Evidence,
  type Flag,
  type FlagId,
  type Risk,
  type Severity,
} from './types.js';

export interface CheckOptions {
  /** Skip language detection, e.g. when the channel already knows. */
  language?: string;
}

export interface CheckerDeps {
  patterns: PatternSet;
  offer: CompiledOfferLexicon;
  /** Guidance content ids for the flags found, most relevant first. */
  guidanceFor?: (flags: FlagId[]) => string[];
}

export interface Checker {
  checkOffer(text: string, options?: CheckOptions): CheckResult;
  /** The raw hits, for `faro rules`: pattern ids found in the text, context aside. */
  patternIdsIn(text: string): string[];
}

/** Longer texts are cut: no real offer is this long, and it bounds the time of one check. */
export const MAX_CHECK_LENGTH = 8000;

const severityRank = (s: Severity) => SEVERITIES.indexOf(s);

/**
 * @example
 * const checker = createChecker({ patterns, offer });
 * checker.checkOffer('Pase directo a USA 100% garantizado').risk // "high"
 */
export function createChecker(deps: CheckerDeps): Checker {
  const { patterns: set, offer: lexicon } = deps;
  const { scoring } = set;

  function analyse(text: string) {
    const norm = normalizeText(text.length > MAX_CHECK_LENGTH ? text.slice(0, MAX_CHECK_LENGTH) : text, set.emoji);
    const flat = norm.text.replaceAll('\n', ' ');
    const hits = findHits(flat, set);
    return { norm, hits };
  }

  function checkOffer(text: string, options: CheckOptions = {}): CheckResult {
    const { norm, hits } = analyse(text);
    const frames = documentFrames(hits, set);
    const negations = effectiveNegations(hits, set);
    const docKind: ContextKind | undefined = frames.countered ? undefined : frames.warning ? 'warning' : frames.news ? 'news' : undefined;
    const docFactor = docKind ? scoring.context[docKind] : 1;

    interface Acc {
      best: number;
      factor: number;
      severity: Severity;
      context?: ContextKind;
      spans: Hit[];
      patternIds: Set<string>;
    }
    const perFlag = new Map<FlagId, Acc>();
    const questions = new QuestionIndex(norm.text);
    for (const hit of hits) {
      const p = set.patterns[hit.pattern]!;
      if (!p.flag) continue;
      const local = localContext(norm.text, hit, negations, scoring.negation_window, questions);
      const factor = (local ? scoring.context[local] : 1) * docFactor;
      const value = scoring.weights[p.flag] * scoring.severity[p.severity] * factor;
      let acc = perFlag.get(p.flag);
      if (!acc) {
        acc = { best: -1, factor, severity: p.severity, spans: [], patternIds: new Set() };
        perFlag.set(p.flag, acc);
      }
      if (local === 'negated') continue;
      acc.spans.push(hit);
      acc.patternIds.add(p.id);
      if (value > acc.best || (value === acc.best && severityRank(p.severity) > severityRank(acc.severity))) {
        acc.best = value;
        acc.factor = factor;
        acc.severity = p.severity;
        acc.context = local ?? docKind;
      }
    }

    const explanation: string[] = [];
    let score = 0;
    const active = new Map<FlagId, Acc>();
    for (const [flag, acc] of perFlag) {
      if (acc.best <= 0) continue;
      active.set(flag, acc);
      score += acc.best;
      explanation.push(
        `${flag} +${round(acc.best)} (weight ${scoring.weights[flag]} × ${acc.severity} ${scoring.severity[acc.severity]}` +
          `${acc.factor !== 1 ? ` × ${acc.context} ${round(acc.factor)}` : ''}; ${[...acc.patternIds].join(', ')})`,
      );
    }
    for (const combo of scoring.combos) {
      if (!combo.flags.every((f) => active.has(f))) continue;
      // A combination is as strong as its weakest sign: a veiled hint plus a contact stays medium.
      const factor = Math.min(...combo.flags.map((f) => active.get(f)!.factor * scoring.severity[active.get(f)!.severity]));
      const bonus = combo.bonus * factor;
      score += bonus;
      explanation.push(`${combo.flags.join(' + ')} together +${round(bonus)}`);
    }
    if (docKind) {
      const cue = docKind === 'warning' ? frames.warning! : frames.news!;
      explanation.push(`reads as a ${docKind} ("${toOriginal(norm, cue.start, cue.end).text}"): signs count × ${docFactor}`);
    }
    for (const n of negations) explanation.push(`negation "${toOriginal(norm, n.start, n.end).text}" cancels the sign right after it`);

    score = round(score);
    const risk: Risk = score >= scoring.thresholds.high ? 'high' : score >= scoring.thresholds.medium ? 'medium' : 'low';
    const flags: Flag[] =
      risk === 'low'
        ? []
        : [...active]
            .filter(([, acc]) => acc.best >= scoring.report_min)
            .sort((a, b) => b[1].best - a[1].best || FLAG_IDS.indexOf(a[0]) - FLAG_IDS.indexOf(b[0]))
            .map(([id, acc]) => ({
              id,
              severity: acc.severity,
              evidence: evidenceOf(norm, acc.spans),
              patternIds: [...acc.patternIds],
              contribution: round(acc.best),
              ...(acc.context ? { context: acc.context } : {}),
            }));

    return {
      risk,
      score,
      language: options.language ?? detectLanguage(text),
      flags,
      offer: extractOffer(norm, lexicon),
      guidance: deps.guidanceFor ? deps.guidanceFor(flags.map((f) => f.id)) : [],
      explanation,
    };
  }

  return {
    checkOffer,
    patternIdsIn(text: string): string[] {
      const { hits } = analyse(text);
      return [...new Set(hits.map((h) => set.patterns[h.pattern]!.id))];
    },
  };
}

/** Spans in the original text, overlapping ones merged, in reading order. */
function evidenceOf(norm: ReturnType<typeof normalizeText>, spans: Hit[]): Evidence[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: { start: number; end: number }[] = [];
  for (const s of sorted) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else merged.push({ start: s.start, end: s.end });
  }
  return merged.map((m) => toOriginal(norm, m.start, m.end));
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
