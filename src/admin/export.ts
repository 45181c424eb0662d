import { trendingRule, type Count, type Dimension, type Trends } from './trends.js';

/** How the partner filter is written in URLs and the CSV: '' = all, '_none' = no partner link. */
export const NO_PARTNER = '_none';

export const partnerParam = (partner: string | undefined): string => (partner === undefined ? '' : partner === '' ? NO_PARTNER : partner);

/** JSON says null for a withheld count. */
const json = (c: Count): number | null => c;

/**
 * HTML and CSV say "suppressed" for every withheld count. Not "<5": some are larger counts held
 * back so that a small one cannot be worked out, and marking those apart would give bounds away.
 */
export const SUPPRESSED = 'suppressed';

export const shown = (c: Count): string => (c === null ? SUPPRESSED : String(c));

const JSON_NAMES: Record<Dimension, string> = {
  flag: 'warning_signs',
  language: 'languages',
  offer_language: 'offer_languages',
  channel: 'channels',
  place: 'places',
};

/** The JSON answer of /admin/api/trends. */
export function trendsJson(t: Trends) {
  const totals: Record<string, Array<{ value: string; count: number | null }>> = {};
  for (const [dim, name] of Object.entries(JSON_NAMES) as Array<[Dimension, string]>) {
    totals[name] = t.totals[dim].map((i) => ({ value: i.value, count: json(i.count) }));
  }
  return {
    partner: t.partner === undefined ? null : t.partner,
    weeks: t.weeks,
    from: t.from || null,
    to: t.to || null,
    suppressed_below: t.minCount,
    checks_by_week: t.byWeek.map((w) => ({ week: w.week, start: w.start, high: json(w.high), medium: json(w.medium), low: json(w.low), total: json(w.total) })),
    checks: { high: json(t.checks.high), medium: json(t.checks.medium), low: json(t.checks.low), total: json(t.checks.total) },
    totals,
    feedback: { useful: json(t.feedback.useful), wrong: json(t.feedback.wrong) },
    trending_up: { week: t.trendingUp.week || null, rule: trendingRule(t.minCount), warning_signs: t.trendingUp.flags },
  };
}

/** A CSV field: quoted when needed, and never read as a formula by a spreadsheet. */
function field(value: string | number): string {
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The CSV export: week, partner, metric, value, count. Weekly rows carry the ISO week; totals
 * over the period carry "2026-W36..2026-W47". Withheld counts read "suppressed".
 */
export function trendsCsv(t: Trends): string {
  const partner = t.partner === undefined ? '(all)' : t.partner === '' ? '(none)' : t.partner;
  const lines: string[] = ['week,partner,metric,value,count'];
  const row = (week: string, metric: string, value: string, count: Count) => lines.push([week, partner, metric, value, shown(count)].map(field).join(','));
  for (const w of t.byWeek) {
    for (const risk of ['high', 'medium', 'low', 'total'] as const) row(w.week, 'check', risk, w[risk]);
  }
  if (t.byWeek.length) {
    const period = `${t.byWeek[0]!.week}..${t.byWeek.at(-1)!.week}`;
    for (const risk of ['high', 'medium', 'low', 'total'] as const) row(period, 'check', risk, t.checks[risk]);
    for (const dim of Object.keys(JSON_NAMES) as Dimension[]) for (const i of t.totals[dim]) row(period, dim, i.value, i.count);
    row(period, 'feedback', 'useful', t.feedback.useful);
    row(period, 'feedback', 'wrong', t.feedback.wrong);
  }
  return `${lines.join('\r\n')}\r\n`;
}
