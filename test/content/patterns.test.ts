import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChecker } from '../../src/checker/check-offer.js';
import { loadCheckerContent } from '../../src/content/load-checker.js';

// Runs over the real content folder: every pattern's own examples are its tests.
const content = await loadCheckerContent(resolve('content'));
const checker = createChecker({ patterns: content.patterns, offer: content.offer });

describe('content/patterns', () => {
  it('has patterns for every language', () => {
    const languages = new Set(content.patterns.patterns.map((p) => p.language));
    for (const lang of ['es', 'en', 'pt', 'fr', 'ht', 'zh', 'tr', 'ru', 'ar', '*']) expect(languages).toContain(lang);
  });

  for (const p of content.patterns.patterns) {
    describe(`${p.file}: ${p.id}`, () => {
      it.each(p.source.match)('matches %j', (example) => {
        expect(checker.patternIdsIn(example)).toContain(p.id);
      });
      if (p.source.no_match.length > 0) {
        it.each(p.source.no_match)('does not match %j', (example) => {
          expect(checker.patternIdsIn(example)).not.toContain(p.id);
        });
      }
    });
  }
});
