import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RegexSafety } from '../checker/redos.js';
import { compilePatterns, type PatternSet, type PatternSource } from '../checker/compile.js';
import { compileOfferLexicon, OfferLexicon, type CompiledOfferLexicon } from '../checker/offer.js';
import { ContentError, readYaml, type ContentProblem } from './read-yaml.js';
import { EmojiFile, PatternFile, Scoring } from './schemas.js';

export interface CheckerContent {
  patterns: PatternSet;
  offer: CompiledOfferLexicon;
  /** File names read, for `content check` and /readyz. */
  files: string[];
  /** Hash of every file read: the content version. */
  fingerprint: string;
  /** Accepted with a reservation, for `faro content check` and /readyz. */
  warnings: ContentProblem[];
}

const SPECIAL = new Set(['emoji.yaml', 'scoring.yaml']);
/** recheck's verdicts, kept beside the patterns so that only new expressions are analysed. */
export const VERDICTS_FILE = '.regex-verdicts.json';

/**
 * Reads content/patterns/ and content/offer.yaml, validates and compiles them.
 * Throws a ContentError listing every problem; never returns half-loaded content.
 */
export async function loadCheckerContent(contentDir: string): Promise<CheckerContent> {
  const problems: ContentProblem[] = [];
  const patternsDir = join(contentDir, 'patterns');
  let names: string[];
  try {
    names = (await readdir(patternsDir)).filter((n) => n.endsWith('.yaml') || n.endsWith('.yml')).sort();
  } catch {
    throw new ContentError([{ file: patternsDir, message: 'folder not found; set CONTENT_DIR to the content folder' }]);
  }

  const emoji = await readYaml(join(patternsDir, 'emoji.yaml'), EmojiFile, contentDir).catch(missing('patterns/emoji.yaml'));
  const scoring = await readYaml(join(patternsDir, 'scoring.yaml'), Scoring, contentDir).catch(missing('patterns/scoring.yaml'));
  const offer = await readYaml(join(contentDir, 'offer.yaml'), OfferLexicon, contentDir).catch(missing('offer.yaml'));
  problems.push(...emoji.problems, ...scoring.problems, ...offer.problems);
  if (scoring.value && scoring.value.thresholds.medium >= scoring.value.thresholds.high) {
    problems.push({ file: 'patterns/scoring.yaml', line: scoring.lineOf(['thresholds']), path: 'thresholds', message: 'medium must be lower than high' });
  }

  const hash = createHash('sha256').update(emoji.source).update(scoring.source).update(offer.source);
  const sources: PatternSource[] = [];
  for (const name of names.filter((n) => !SPECIAL.has(n))) {
    const parsed = await readYaml(join(patternsDir, name), PatternFile, contentDir);
    problems.push(...parsed.problems);
    hash.update(name).update(parsed.source);
    if (parsed.value) {
      const file = `patterns/${name}`;
      const expected = name.replace(/\.ya?ml$/, '');
      if (parsed.value.language !== '*' && parsed.value.language !== expected) {
        problems.push({ file, line: parsed.lineOf(['language']), path: 'language', message: `a file of "${parsed.value.language}" patterns must be named ${parsed.value.language}.yaml, not ${name}` });
      }
      sources.push({ file, language: parsed.value.language, patterns: parsed.value.patterns, lineOf: parsed.lineOf });
    }
  }
  if (problems.length > 0 || !emoji.value || !scoring.value || !offer.value) throw new ContentError(problems);

  const emojiTable = new Map(Object.entries(emoji.value.emoji).map(([k, v]) => [k.replace(/\uFE0F/g, ''), v]));
  const compiled = await compilePatterns(sources, emojiTable, scoring.value, new RegexSafety(join(patternsDir, VERDICTS_FILE)));
  if (!compiled.set) throw new ContentError(compiled.problems);
  return {
    patterns: compiled.set,
    offer: compileOfferLexicon(offer.value),
    files: ['offer.yaml', ...names.map((n) => `patterns/${n}`)],
    fingerprint: hash.digest('hex').slice(0, 12),
    warnings: compiled.warnings,
  };
}

function missing(file: string) {
  return (e: NodeJS.ErrnoException) => {
    if (e.code !== 'ENOENT') throw e;
    return {
      value: undefined,
      source: '',
      problems: [{ file, message: 'file not found; it is required (see content/README.md)' }],
      lineOf: () => undefined,
    };
  };
}
