import { Automaton } from './automaton.js';
import { requiredLiterals } from './literals.js';
import { normalizePhrase, foldPatternSource, type EmojiTable } from './normalize.js';
import type { RegexSafety } from './redos.js';
import type { FlagId, Severity } from './types.js';
import type { FrameKind, Pattern, Scoring } from '../content/schemas.js';
import type { ContentProblem } from '../content/read-yaml.js';

export interface CompiledPattern {
  id: string;
  flag?: FlagId;
  frame?: FrameKind;
  severity: Severity;
  language: string;
  file: string;
  /** Set for regex patterns; run only when the automaton saw one of its literals (or always, when it has none). */
  regex?: RegExp;
  source: Pattern;
}

interface LiteralOwner {
  pattern: number;
  /** A phrase is a hit by itself; an anchor only makes its regex a candidate. */
  phrase: boolean;
  /** Phrase written with a trailing "*": matches the start of longer words. */
  prefix: boolean;
}

/** Everything the matcher needs, built once per content version. */
export interface PatternSet {
  patterns: CompiledPattern[];
  automaton: Automaton;
  owners: LiteralOwner[][];
  /** Regex patterns with no literal to anchor on: run on every text. */
  alwaysRun: number[];
  emoji: EmojiTable;
  scoring: Scoring;
}

export interface PatternSource {
  file: string;
  language: string;
  patterns: Pattern[];
  lineOf: (path: readonly PropertyKey[]) => number | undefined;
}

/** Gaps and stems editors may write inside a regex. Words are bounded in length so no match attempt scans far. */
const MACROS: Record<string, string> = {
  ' {gap} ': ' (?:[^ .,;:!?]{1,24} ){0,3}',
  ' {gap5} ': ' (?:[^ .,;:!?]{1,24} ){0,5}',
  '{w}': '[\\p{L}\\p{N}]{0,24}',
  '{num}': '\\d{1,12}(?:[.,]\\d{1,3}){0,3}',
};
/** Word edges that ignore Chinese characters, which are not separated by spaces. */
const LEFT_EDGE = '(?<!(?!\\p{Script=Han})[\\p{L}\\p{N}])';
const RIGHT_EDGE = '(?!(?!\\p{Script=Han})[\\p{L}\\p{N}])';

const wrap = (body: string) => `${LEFT_EDGE}(?:${body})${RIGHT_EDGE}`;

export function expandRegex(source: string): string {
  let out = foldPatternSource(source);
  for (const [macro, expansion] of Object.entries(MACROS)) out = out.split(macro).join(expansion);
  return out;
}

/**
 * Compiles every pattern into one automaton plus the few regexes it guards.
 * Returns problems instead of throwing so an editor sees all of them at once.
 */
export async function compilePatterns(
  sources: PatternSource[],
  emoji: EmojiTable,
  scoring: Scoring,
  safety: RegexSafety,
): Promise<{ set?: PatternSet; problems: ContentProblem[]; warnings: ContentProblem[] }> {
  const warnings: ContentProblem[] = [];
  const bodies = new Map<Pattern, string>();
  const syntaxProblems = new Map<Pattern, string>();
  for (const src of sources) {
    for (const p of src.patterns) {
      if (!p.regex) continue;
      try {
        const body = expandRegex(p.regex);
        new RegExp(body, 'u');
        bodies.set(p, wrap(body));
      } catch (e) {
        syntaxProblems.set(p, `not a valid regular expression: ${(e as Error).message}`);
      }
    }
  }
  // The expression is judged as it runs, word edges included: they stop a match from
  // starting inside a word or a number, which is what defuses many slow shapes.
  const verdicts = await safety.verify([...bodies.values()]);
  safety.prune(bodies.values());

  const problems: ContentProblem[] = [];
  const patterns: CompiledPattern[] = [];
  const literalIndex = new Map<string, number>();
  const literals: string[] = [];
  const owners: LiteralOwner[][] = [];
  const alwaysRun: number[] = [];
  const seen = new Map<string, string>();

  const addLiteral = (lit: string, owner: LiteralOwner) => {
    let id = literalIndex.get(lit);
    if (id === undefined) {
      id = literals.length;
      literals.push(lit);
      owners.push([]);
      literalIndex.set(lit, id);
    }
    owners[id]!.push(owner);
  };

  for (const src of sources) {
    src.patterns.forEach((p, i) => {
      const problem = (message: string, field?: string) =>
        problems.push({
          file: src.file,
          line: src.lineOf(field ? ['patterns', i, field] : ['patterns', i]),
          path: `patterns[${i}]${field ? `.${field}` : ''}`,
          message,
        });
      const earlier = seen.get(p.id);
      if (earlier) return problem(`id "${p.id}" is already used in ${earlier}; give each pattern its own id`, 'id');
      seen.set(p.id, src.file);

      const index = patterns.length;
      const compiled: CompiledPattern = {
        id: p.id,
        severity: p.severity,
        language: src.language,
        file: src.file,
        source: p,
        ...(p.flag ? { flag: p.flag } : {}),
        ...(p.frame ? { frame: p.frame } : {}),
      };
      if (p.phrases) {
        for (const raw of p.phrases) {
          const prefix = raw.endsWith('*');
          const phrase = normalizePhrase(prefix ? raw.slice(0, -1) : raw, emoji);
          if (phrase.length === 0) return problem(`phrase "${raw}" is empty once folded`, 'phrases');
          addLiteral(phrase, { pattern: index, phrase: true, prefix });
        }
      } else if (p.regex) {
        const wrapped = bodies.get(p);
        if (wrapped === undefined) return problem(syntaxProblems.get(p)!, 'regex');
        const verdict = verdicts.get(wrapped)!;
        if (!verdict.safe) return problem(verdict.message, 'regex');
        if (verdict.warning) {
          warnings.push({ file: src.file, line: src.lineOf(['patterns', i, 'regex']), path: `patterns[${i}].regex`, message: verdict.warning });
        }
        compiled.regex = new RegExp(wrapped, 'gu');
        const lits = requiredLiterals(wrapped);
        if (lits) for (const lit of lits) addLiteral(lit, { pattern: index, phrase: false, prefix: false });
        else alwaysRun.push(index);
      }
      patterns.push(compiled);
    });
  }
  if (problems.length > 0) return { problems, warnings };
  return { set: { patterns, automaton: new Automaton(literals), owners, alwaysRun, emoji, scoring }, problems, warnings };
}
