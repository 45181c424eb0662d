import type { CounterRow } from '../store/store.js';
import { suppress, type Line } from './suppress.js';
import { addDays, isDay, isoWeek, mondayOf } from './weeks.js';

/**
 * A count that may be published: a number of at least minCount, or null when withheld. Small
 * counts and larger ones held back to protect them look the same on purpose: telling them apart
 * ("this one is at least 5") would let sums and bounds pin the small ones down.
 */
export type Count = number | null;

export const RISKS = ['high', 'medium', 'low'] as const;
export type Risk = (typeof RISKS)[number];

/** Totals over the period, one list per dimension. 'language' is the person's own language. */
export const DIMENSIONS = ['flag', 'language', 'offer_language', 'channel', 'place'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface WeekChecks {
  /** ISO week, e.g. '2026-W47'. */
  week: string;
  /** Its Monday. */
  start: string;
  high: Count;
  medium: Count;
  low: Count;
  total: Count;
}

export interface Item {
  value: string;
  count: Count;
}

export interface TrendOptions {
  /** Counts under this are withheld; default 5. */
  minCount?: number;
  /** undefined: all partners; '': people who came without a partner link; else one partner id. */
  partner?: string;
  /** How many ISO weeks, the last one holding `today`. */
  weeks: number;
  /** The period's last day (YYYY-MM-DD); default the newest day in the rows. */
  today?: string;
}

/** Every number in here may be shown to NGO staff: it is at least minCount, or withheld. */
export interface Trends {
  minCount: number;
  partner: string | undefined;
  weeks: number;
  /** Monday of the first week, and the last day; both '' when there is no data and no today. */
  from: string;
  to: string;
  byWeek: WeekChecks[];
  checks: Record<Risk | 'total', Count>;
  /** Per dimension: shown counts largest first, then withheld ones by name (their order says nothing). */
  totals: Record<Dimension, Item[]>;
  feedback: { useful: Count; wrong: Count };
  trendingUp: { week: string; flags: string[] };
}

/**
 * "Trending up", for a warning sign: in the period's last week it was counted at least minCount
 * times (so that count could be published) and at least twice its weekly average over the 4
 * weeks before. When those 4 weeks add up to less than minCount, the sum is taken to be
 * minCount - 1, its largest possible value, so the answer never depends on a withheld number.
 * Only the signs are published, not these counts: next to the period's totals they would give
 * other weeks' counts away by subtraction. The last week may still be running.
 */
export const TRENDING_RULE =
  'last week at least twice the weekly average of the 4 weeks before, and counted at least {min} times';

export const PERIOD_WEEKS = [4, 12, 26] as const;

const ALL = '\u0000all';
const SEP = '\u0000';
const WEEK_KEYS = [...RISKS, 'total'] as const;
const isRisk = (v: string): v is Risk => (RISKS as readonly string[]).includes(v);

/** The Mondays of the period's weeks, oldest first, and the first day the trend looks at. */
export function periodOf(end: string, weeks: number): { mondays: string[]; from: string; trendFrom: string } {
  const last = mondayOf(end);
  const mondays = Array.from({ length: weeks }, (_, i) => addDays(last, -7 * (weeks - 1 - i)));
  const from = mondays[0] ?? last;
  const trendFrom = addDays(last, -28);
  return { mondays, from, trendFrom };
}

type Tally = Map<string, number>;

/** Raw counts of one view (all partners, or one), keyed like 'w|<monday>|high', 'check|total', 'flag|urgency'. */
function tally(rows: readonly CounterRow[], mondays: readonly string[]): Tally {
  const t: Tally = new Map();
  for (const m of mondays) for (const k of WEEK_KEYS) t.set(`w|${m}|${k}`, 0);
  for (const k of WEEK_KEYS) t.set(`check|${k}`, 0);
  t.set('feedback|useful', 0);
  t.set('feedback|wrong', 0);
  const add = (key: string, n: number) => t.set(key, (t.get(key) ?? 0) + n);
  for (const row of rows) {
    const { metric, value, n } = row;
    if (metric === 'check' && isRisk(value)) {
      const week = mondayOf(row.day);
      for (const key of [`w|${week}|${value}`, `w|${week}|total`, `check|${value}`, 'check|total', `language|${row.language}`, `channel|${row.channel}`]) add(key, n);
    } else if (metric === 'flag' || metric === 'place' || metric === 'offer_language') {
      add(`${metric}|${value}`, n);
    } else if (metric === 'feedback' && (value === 'useful' || value === 'wrong')) {
      add(`feedback|${value}`, n);
    }
  }
  return t;
}

/** The sums one view publishes: risks per week, weeks per risk, and checks split by language and channel. */
function viewLines(t: Tally, mondays: readonly string[]): Line[] {
  const lines: Line[] = mondays.map((m) => ({ parts: RISKS.map((r) => `w|${m}|${r}`), total: `w|${m}|total` }));
  for (const k of WEEK_KEYS) lines.push({ parts: mondays.map((m) => `w|${m}|${k}`), total: `check|${k}` });
  lines.push({ parts: RISKS.map((r) => `check|${r}`), total: 'check|total' });
  for (const dim of ['language', 'offer_language', 'channel']) {
    const parts = [...t.keys()].filter((k) => k.startsWith(`${dim}|`));
    if (parts.length) lines.push({ parts, total: 'check|total' });
  }
  return lines;
}

function validate(options: TrendOptions, minCount: number): void {
  if (!Number.isInteger(options.weeks) || options.weeks < 1 || options.weeks > 104) throw new RangeError(`weeks must be a whole number from 1 to 104, got ${options.weeks}`);
  if (!Number.isInteger(minCount) || minCount < 1) throw new RangeError(`minCount must be a whole number of at least 1, got ${minCount}`);
  if (options.today !== undefined && !isDay(options.today)) throw new RangeError(`today must look like 2026-01-31, got ${JSON.stringify(options.today)}`);
}

/** Signs trending up in the last week, by TRENDING_RULE, most counted first. */
function trendingUp(rows: readonly CounterRow[], end: string, minCount: number): string[] {
  const { trendFrom } = periodOf(end, 1);
  const lastMonday = mondayOf(end);
  const last = new Map<string, number>();
  const before = new Map<string, number>();
  for (const r of rows) {
    if (r.metric !== 'flag' || r.day < trendFrom || r.day > end) continue;
    const into = r.day >= lastMonday ? last : before;
    into.set(r.value, (into.get(r.value) ?? 0) + r.n);
  }
  return [...last]
    .filter(([flag, n]) => {
      const sum = before.get(flag) ?? 0;
      const usable = sum >= minCount ? sum : minCount - 1;
      return n >= minCount && n >= (2 * usable) / 4;
    })
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([flag]) => flag);
}

/**
 * Anonymous aggregates for the NGO dashboard, its JSON and its CSV: checks per ISO week by
 * risk, and totals over the period by warning sign, language, channel, place and feedback.
 *
 * Suppression is worked out for all partners' views together (the all-partners count is the
 * sum of each partner's and the no-partner one's), so comparing the "all" page with a partner's
 * page cannot give away a withheld number either. Limit: periods of another length, or ending
 * on another day, are worked out separately, so a weekly count held back in one may be shown in
 * another; only counts of at least minCount are ever shown, but a careful comparison could
 * narrow down some withheld ones.
 *
 * @example
 * const t = computeTrends(await store.counters({ from }), { weeks: 12, minCount: 5, today: '2026-11-20' });
 * t.byWeek.at(-1) // { week: '2026-W47', start: '2026-11-16', high: 12, medium: null, low: null, total: 31 }
 */
export function computeTrends(rows: readonly CounterRow[], options: TrendOptions): Trends {
  const minCount = options.minCount ?? 5;
  validate(options, minCount);
  const { partner, weeks } = options;
  const end = options.today ?? rows.reduce((max, r) => (r.day > max ? r.day : max), '');
  const mine = (r: CounterRow) => partner === undefined || r.partner === partner;
  const empty = (): Trends => ({
    minCount, partner, weeks, from: '', to: '', byWeek: [],
    checks: { high: null, medium: null, low: null, total: null },
    totals: { flag: [], language: [], offer_language: [], channel: [], place: [] },
    feedback: { useful: null, wrong: null },
    trendingUp: { week: '', flags: [] },
  });
  if (!end) return empty();

  const { mondays, from } = periodOf(end, weeks);
  const inPeriod = rows.filter((r) => r.day >= from && r.day <= end);
  const partners = [...new Set(inPeriod.map((r) => r.partner))].sort();
  const views = new Map<string, Tally>([[ALL, tally(inPeriod, mondays)]]);
  for (const p of partners) views.set(p, tally(inPeriod.filter((r) => r.partner === p), mondays));

  const id = (view: string, key: string) => `${view}${SEP}${key}`;
  const values = new Map<string, number>();
  const lines: Line[] = [];
  const addView = (view: string, t: Tally) => {
    for (const [k, v] of t) values.set(id(view, k), v);
    for (const l of viewLines(t, mondays)) lines.push({ parts: l.parts.map((k) => id(view, k)), total: id(view, l.total) });
  };
  for (const [view, t] of views) addView(view, t);
  // Across views: each all-partners count is the sum of the partners' counts (absent ones are a known 0).
  for (const k of views.get(ALL)!.keys()) {
    lines.push({ parts: partners.filter((p) => views.get(p)!.has(k)).map((p) => id(p, k)), total: id(ALL, k) });
  }
  const view = partner === undefined ? ALL : partner;
  if (!views.has(view)) addView(view, tally([], mondays)); // a partner with no data here: all zeros
  const withheld = suppress(values, lines, minCount);
  const t = views.get(view) ?? tally([], mondays);
  const count = (key: string): Count => (withheld.has(id(view, key)) ? null : (values.get(id(view, key)) ?? null));

  const items = (dim: Dimension): Item[] => {
    const all = [...t.keys()].filter((k) => k.startsWith(`${dim}|`)).map((k) => ({ value: k.slice(dim.length + 1), count: count(k) }));
    const shown = all.filter((i) => i.count !== null).sort((a, b) => b.count! - a.count! || (a.value < b.value ? -1 : 1));
    const rest = all.filter((i) => i.count === null).sort((a, b) => (a.value < b.value ? -1 : 1));
    return [...shown, ...rest];
  };

  return {
    minCount,
    partner,
    weeks,
    from,
    to: end,
    byWeek: mondays.map((m) => ({
      week: isoWeek(m),
      start: m,
      high: count(`w|${m}|high`),
      medium: count(`w|${m}|medium`),
      low: count(`w|${m}|low`),
      total: count(`w|${m}|total`),
    })),
    checks: { high: count('check|high'), medium: count('check|medium'), low: count('check|low'), total: count('check|total') },
    totals: { flag: items('flag'), language: items('language'), offer_language: items('offer_language'), channel: items('channel'), place: items('place') },
    feedback: { useful: count('feedback|useful'), wrong: count('feedback|wrong') },
    trendingUp: { week: isoWeek(end), flags: trendingUp(rows.filter(mine), end, minCount) },
  };
}

/** The trending rule in words, for a page or a JSON answer. */
export const trendingRule = (minCount: number): string => TRENDING_RULE.replace('{min}', String(minCount));
