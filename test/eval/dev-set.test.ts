import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createChecker } from '../../src/checker/check-offer.js';
import { evaluate, loadRows, type EvalReport } from '../../src/cli/eval.js';
import { loadCheckerContent } from '../../src/content/load-checker.js';
import { LANGUAGES } from '../../src/content/schemas.js';

// The shared development set lives outside the project; a clone elsewhere skips this.
const DEV = resolve('../shared/eval/dev.jsonl');
const present = existsSync(DEV);
if (!present) console.warn(`skipping the dev-set quality floor: ${DEV} not found (it lives beside the project in ../shared)`);

describe.runIf(present)('quality floor on ../shared/eval/dev.jsonl', () => {
  let report: EvalReport;
  beforeAll(async () => {
    const content = await loadCheckerContent(resolve('content'));
    const checker = createChecker({ patterns: content.patterns, offer: content.offer });
    report = evaluate(await loadRows(checker, DEV));
  });

  it('high-risk recall >= 0.95', () => expect(report.highRecall).toBeGreaterThanOrEqual(0.95));
  it('false alarms on low <= 5%', () => expect(report.falseAlarmRate).toBeLessThanOrEqual(0.05));
  it('flag micro-F1 >= 0.8', () => expect(report.flags.f1).toBeGreaterThanOrEqual(0.8));
  it.each(LANGUAGES)('high-risk recall >= 0.85 in %s', (lang) => {
    expect(report.perLanguage[lang]?.highRecall).toBeGreaterThanOrEqual(0.85);
  });
});
