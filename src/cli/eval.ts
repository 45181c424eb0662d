import type { Checker } from '../checker/check-offer.js';
import type { Risk } from '../checker/types.js';
import { InputError, LabelledLine, openJsonl, parseJsonl } from './jsonl.js';

const RISKS: Risk[] = ['high', 'medium', 'low'];
/** smuggling_offer is the base signal; labelled sets mark only the other twelve. */
const UNSCORED_FLAG = 'smuggling_offer';

interface Row {
  id: string | number;
  lang: string;
  text: string;
  expected: Risk;
  predicted: Risk;
  expectedFlags: Set<string>;
  predictedFlags: Set<string>;
}

interface Counts {
  tp: number;
  fp: number;
  fn: number;
}

export interface EvalReport {
  total: number;
  highRecall: number;
  /** Share of low messages rated medium or high. */
  falseAlarmRate: number;
  flags: { precision: number; recall: number; f1: number };
  confusion: Record<Risk, Record<Risk, number>>;
  perFlag: Record<string, { precision: number; recall: number; f1: number; support: number }>;
  perLanguage: Record<string, { n: number; highRecall: number; falseAlarmRate: number; flagF1: number }>;
  misses: { id: string | number; lang: string; expected: Risk; predicted: Risk; missing: string[]; extra: string[]; text: string }[];
}

export function evaluate(rows: Row[], missLimit = 10): EvalReport {
  const confusion = Object.fromEntries(RISKS.map((e) => [e, Object.fromEntries(RISKS.map((p) => [p, 0]))])) as EvalReport['confusion'];
  for (const r of rows) confusion[r.expected][r.predicted]++;

  const flagCounts = new Map<string, Counts>();
  const micro: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const r of rows) {
    for (const f of new Set([...r.expectedFlags, ...r.predictedFlags])) {
      const c = flagCounts.get(f) ?? { tp: 0, fp: 0, fn: 0 };
      const key = r.expectedFlags.has(f) ? (r.predictedFlags.has(f) ? 'tp' : 'fn') : 'fp';
      c[key]++;
      micro[key]++;
      flagCounts.set(f, c);
    }
  }
  const perFlag: EvalReport['perFlag'] = {};
  for (const [f, c] of [...flagCounts].sort((a, b) => a[0].localeCompare(b[0]))) perFlag[f] = { ...prf(c), support: c.tp + c.fn };

  const perLanguage: EvalReport['perLanguage'] = {};
  for (const lang of [...new Set(rows.map((r) => r.lang))].sort()) {
    const sub = rows.filter((r) => r.lang === lang);
    perLanguage[lang] = { n: sub.length, highRecall: highRecall(sub), falseAlarmRate: falseAlarms(sub), flagF1: prf(countFlags(sub)).f1 };
  }

  const severity = (r: Row) =>
    (r.expected === 'high' && r.predicted === 'low' ? 100 : 0) +
    (r.expected === 'low' && r.predicted !== 'low' ? 90 : 0) +
    (r.expected !== r.predicted ? 10 : 0) +
    diff(r.expectedFlags, r.predictedFlags).length +
    diff(r.predictedFlags, r.expectedFlags).length;
  const misses = rows
    .filter((r) => severity(r) > 0)
    .sort((a, b) => severity(b) - severity(a))
    .slice(0, missLimit)
    .map((r) => ({
      id: r.id,
      lang: r.lang,
      expected: r.expected,
      predicted: r.predicted,
      missing: diff(r.expectedFlags, r.predictedFlags),
      extra: diff(r.predictedFlags, r.expectedFlags),
      text: r.text,
    }));

  return {
    total: rows.length,
    highRecall: highRecall(rows),
    falseAlarmRate: falseAlarms(rows),
    flags: prf(micro),
    confusion,
    perFlag,
    perLanguage,
    misses,
  };
}

function countFlags(rows: Row[]): Counts {
  const c: Counts = { tp: 0, fp: 0, fn: 0 };
  for (const r of rows) {
    for (const f of r.predictedFlags) c[r.expectedFlags.has(f) ? 'tp' : 'fp']++;
    for (const f of r.expectedFlags) if (!r.predictedFlags.has(f)) c.fn++;
  }
  return c;
}

function prf(c: Counts) {
  const precision = c.tp + c.fp === 0 ? 1 : c.tp / (c.tp + c.fp);
  const recall = c.tp + c.fn === 0 ? 1 : c.tp / (c.tp + c.fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1 };
}

function highRecall(rows: Row[]): number {
  const high = rows.filter((r) => r.expected === 'high');
  return high.length === 0 ? 1 : high.filter((r) => r.predicted === 'high').length / high.length;
}

function falseAlarms(rows: Row[]): number {
  const low = rows.filter((r) => r.expected === 'low');
  return low.length === 0 ? 0 : low.filter((r) => r.predicted !== 'low').length / low.length;
}

const diff = (a: Set<string>, b: Set<string>) => [...a].filter((x) => !b.has(x));

export async function loadRows(checker: Checker, file: string): Promise<Row[]> {
  const rows: Row[] = [];
  const bad: string[] = [];
  for await (const item of parseJsonl(openJsonl(file), LabelledLine)) {
    if ('error' in item) {
      bad.push(`line ${item.line}: ${item.error}`);
      continue;
    }
    const { id, text, lang, risk, flags } = item.value;
    const result = checker.checkOffer(text);
    rows.push({
      id,
      lang: lang ?? result.language,
      text,
      expected: risk,
      predicted: result.risk,
      expectedFlags: new Set(flags.filter((f) => f !== UNSCORED_FLAG)),
      predictedFlags: new Set(result.flags.map((f) => f.id).filter((f) => f !== UNSCORED_FLAG)),
    });
  }
  if (bad.length > 0) process.stderr.write(bad.join('\n') + '\n');
  if (rows.length === 0) throw new InputError(`"${file}" has no labelled lines (each needs id, text, risk and flags)`);
  return rows;
}

export async function runEval(checker: Checker, file: string, opts: { json: boolean; misses: number }): Promise<string> {
  const report = evaluate(await loadRows(checker, file), opts.misses);
  return opts.json ? JSON.stringify(report, null, 2) + '\n' : formatReport(report);
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const dec = (x: number) => x.toFixed(3);

export function formatReport(r: EvalReport): string {
  const out: string[] = [];
  out.push(`Messages: ${r.total}`);
  out.push(`High-risk recall:          ${pct(r.highRecall)}   (high messages rated high)`);
  out.push(`False alarms on low:       ${pct(r.falseAlarmRate)}   (low messages rated medium or high)`);
  out.push(`Flags (micro):             precision ${dec(r.flags.precision)}  recall ${dec(r.flags.recall)}  F1 ${dec(r.flags.f1)}`);
  out.push('', 'Confusion (rows: expected, columns: predicted)', `            high  medium  low`);
  for (const e of RISKS) out.push(`  ${e.padEnd(8)} ${RISKS.map((p) => String(r.confusion[e][p]).padStart(5)).join('  ')}`);
  out.push('', 'Per flag                  precision  recall   F1     support');
  for (const [f, m] of Object.entries(r.perFlag)) {
    out.push(`  ${f.padEnd(22)}  ${dec(m.precision)}     ${dec(m.recall)}   ${dec(m.f1)}  ${String(m.support).padStart(4)}`);
  }
  out.push('', 'Per language   n    high recall   false alarms   flag F1');
  for (const [l, m] of Object.entries(r.perLanguage)) {
    out.push(`  ${l.padEnd(10)} ${String(m.n).padStart(4)}    ${pct(m.highRecall).padStart(7)}       ${pct(m.falseAlarmRate).padStart(7)}      ${dec(m.flagF1)}`);
  }
  if (r.misses.length > 0) {
    out.push('', 'Worst misses');
    for (const m of r.misses) {
      const flags = [m.missing.length ? `missing ${m.missing.join(',')}` : '', m.extra.length ? `extra ${m.extra.join(',')}` : '']
        .filter(Boolean)
        .join('; ');
      out.push(`  ${m.id} [${m.lang}] expected ${m.expected}, got ${m.predicted}${flags ? `; ${flags}` : ''}`);
      out.push(`      ${m.text.replace(/\s+/g, ' ').slice(0, 140)}`);
    }
  }
  return out.join('\n') + '\n';
}
