import type { Checker } from '../checker/check-offer.js';
import type { PatternSet } from '../checker/compile.js';
import { InputError, LabelledLine, openJsonl, parseJsonl } from './jsonl.js';

interface RuleStats {
  high: number;
  medium: number;
  low: number;
}

/**
 * SpamAssassin-style rule statistics: for each pattern, the share of high-risk and of
 * low-risk messages it fires on, and S/O = high% / (high% + low%). A pattern with a low
 * S/O fires on warnings and family messages as much as on offers: a false-alarm suspect.
 */
export async function runRules(checker: Checker, set: PatternSet, file: string, opts: { all: boolean }): Promise<string> {
  const stats = new Map<string, RuleStats>(set.patterns.map((p) => [p.id, { high: 0, medium: 0, low: 0 }]));
  const totals: RuleStats = { high: 0, medium: 0, low: 0 };
  for await (const item of parseJsonl(openJsonl(file), LabelledLine)) {
    if ('error' in item) {
      process.stderr.write(`line ${item.line}: ${item.error}\n`);
      continue;
    }
    totals[item.value.risk]++;
    for (const id of checker.patternIdsIn(item.value.text)) stats.get(id)![item.value.risk]++;
  }
  if (totals.high + totals.medium + totals.low === 0) throw new InputError(`"${file}" has no labelled lines`);

  const share = (n: number, total: number) => (total === 0 ? 0 : n / total);
  const rows = [...stats]
    .filter(([, s]) => opts.all || s.high + s.medium + s.low > 0)
    .map(([id, s]) => {
      const hi = share(s.high, totals.high);
      const lo = share(s.low, totals.low);
      const so = hi + lo === 0 ? 0 : hi / (hi + lo);
      const kind = set.patterns.find((p) => p.id === id)!;
      return { id, kind: kind.flag ?? `frame:${kind.frame}`, s, hi, lo, so };
    })
    .sort((a, b) => a.so - b.so || b.s.low - a.s.low);

  const out = [
    `Messages: ${totals.high} high, ${totals.medium} medium, ${totals.low} low. Patterns listed: ${rows.length} of ${set.patterns.length}.`,
    'Lowest S/O first: those fire on low-risk messages as often as on offers (frames are meant to).',
    '',
    '  S/O    HIGH%   LOW%   high  med  low  pattern (flag)',
  ];
  for (const r of rows) {
    out.push(
      `  ${r.so.toFixed(2)}  ${(r.hi * 100).toFixed(1).padStart(5)}  ${(r.lo * 100).toFixed(1).padStart(5)}   ${String(r.s.high).padStart(4)} ${String(r.s.medium).padStart(4)} ${String(r.s.low).padStart(4)}  ${r.id} (${r.kind})`,
    );
  }
  return out.join('\n') + '\n';
}
