import pc from 'picocolors';
import { FLAG_IDS } from '../checker/types.js';
import { checkContent, type Cell } from '../content/check.js';
import { formatProblem } from '../content/read-yaml.js';
import { LANGUAGES } from '../content/schemas.js';

const MARK: Record<Cell, string> = { ok: '✓', missing: '–', outdated: '!' };

/** `faro content check`: the report as text, and the exit code (1 when there are errors). */
export async function runContentCheck(dir: string, localesDir: string, options: { color: boolean; today?: string }): Promise<{ output: string; code: number }> {
  const c = options.color ? pc : pc.createColors(false);
  const report = await checkContent(dir, { localesDir, ...(options.today ? { today: options.today } : {}) });
  const lines: string[] = [c.bold(`Faro content check: ${dir}`), ''];

  if (report.errors.length > 0) {
    lines.push(c.red(c.bold(`Errors (${report.errors.length}): fix these. A running server keeps its last good content until then.`)));
    for (const p of report.errors) lines.push(`  ${c.red('✗')} ${formatProblem(p)}`);
    lines.push('');
  }
  if (report.warnings.length > 0) {
    lines.push(c.yellow(c.bold(`Warnings (${report.warnings.length}): worth a look; the content still works.`)));
    for (const p of report.warnings) lines.push(`  ${c.yellow('!')} ${formatProblem(p)}`);
    lines.push('');
  }

  lines.push(c.bold(`Guidance topics by language (${MARK.ok} translated · ${MARK.missing} missing, English shown · ${MARK.outdated} differs from English)`));
  const width = Math.max(5, ...[...report.topics.keys()].map((k) => k.length));
  lines.push(`  ${'topic'.padEnd(width)}  ${LANGUAGES.join(' ')}`);
  for (const [id, row] of report.topics) {
    const cells = LANGUAGES.map((l) => {
      const mark = MARK[row[l]].padEnd(2);
      return row[l] === 'ok' ? c.green(mark) : row[l] === 'missing' ? c.red(mark) : c.yellow(mark);
    });
    lines.push(`  ${id.padEnd(width)}  ${cells.join(' ')}`);
  }
  lines.push('');

  lines.push(c.bold('Languages'));
  lines.push(`  lang  topics  patterns  signs with patterns  UI strings`);
  for (const lang of LANGUAGES) {
    const translated = [...report.topics.values()].filter((row) => row[lang] === 'ok').length;
    const l = report.languages[lang];
    const ui = l.missingStrings === 0 ? 'complete' : c.yellow(`${l.missingStrings} missing`);
    lines.push(`  ${lang.padEnd(4)}  ${`${translated}/${report.counts.topics}`.padEnd(6)}  ${String(l.patterns).padEnd(8)}  ${`${l.flags}/${FLAG_IDS.length}`.padEnd(19)}  ${ui}`);
  }
  lines.push('');
  lines.push(`Referrals: ${report.counts.referrals} in ${report.counts.countries} countries · partners: ${report.counts.partners} · patterns: ${report.counts.patterns}`);
  const verdict = `${report.errors.length} error(s), ${report.warnings.length} warning(s).`;
  lines.push(report.errors.length > 0 ? c.red(c.bold(verdict)) : c.green(c.bold(verdict)));
  return { output: `${lines.join('\n')}\n`, code: report.errors.length > 0 ? 1 : 0 };
}
