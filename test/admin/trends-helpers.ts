import type { CounterRow } from '../../src/store/store.js';
import type { Line } from '../../src/admin/suppress.js';
import { RISKS, type Count, type Trends } from '../../src/admin/trends.js';

export function row(day: string, metric: string, value: string, n = 1, extra: Partial<CounterRow> = {}): CounterRow {
  return { day, channel: 'telegram', partner: '', language: 'es', metric, value, n, ...extra };
}

/** A small deterministic random generator (mulberry32), so a failing case can be replayed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every count a Trends holds, with where it is. */
export function allCounts(t: Trends): Array<[string, Count]> {
  const out: Array<[string, Count]> = [];
  for (const w of t.byWeek) for (const k of [...RISKS, 'total'] as const) out.push([`${w.week}.${k}`, w[k]]);
  for (const k of [...RISKS, 'total'] as const) out.push([`checks.${k}`, t.checks[k]]);
  for (const [dim, items] of Object.entries(t.totals)) for (const i of items) out.push([`${dim}.${i.value}`, i.count]);
  out.push(['feedback.useful', t.feedback.useful], ['feedback.wrong', t.feedback.wrong]);
  return out;
}

/** The sums a Trends publishes with their parts, as labelled counts. */
export function publishedLines(t: Trends): Array<{ name: string; parts: Count[]; total: Count }> {
  const lines = t.byWeek.map((w) => ({ name: w.week, parts: RISKS.map((r) => w[r]), total: w.total }));
  for (const k of [...RISKS, 'total'] as const) lines.push({ name: `weeks.${k}`, parts: t.byWeek.map((w) => w[k]), total: t.checks[k] });
  lines.push({ name: 'risks', parts: RISKS.map((r) => t.checks[r]), total: t.checks.total });
  for (const dim of ['language', 'channel', 'offer_language'] as const) {
    if (t.totals[dim].length) lines.push({ name: dim, parts: t.totals[dim].map((i) => i.count), total: t.checks.total });
  }
  return lines;
}

/** A line that gives a withheld part away: its total is shown and exactly one part is not. */
export function leaks(line: { parts: Count[]; total: Count }): boolean {
  return line.total !== null && line.parts.filter((p) => p === null).length === 1;
}

export type { Line };

/** The true counts behind allCounts' keys, summed straight from the rows (checks only). */
export function rawChecks(rows: CounterRow[], partner: string | undefined, weekOf: (day: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  const add = (k: string, n: number) => out.set(k, (out.get(k) ?? 0) + n);
  for (const r of rows) {
    if (r.metric !== 'check' || (partner !== undefined && r.partner !== partner)) continue;
    const w = weekOf(r.day);
    for (const k of [`${w}.${r.value}`, `${w}.total`, `checks.${r.value}`, 'checks.total', `language.${r.language}`, `channel.${r.channel}`]) add(k, r.n);
  }
  return out;
}
