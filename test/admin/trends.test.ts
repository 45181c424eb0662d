import { describe, expect, it } from 'vitest';
import { trendsCsv, trendsJson } from '../../src/admin/export.js';
import { dashboardPage } from '../../src/admin/page.js';
import { suppress } from '../../src/admin/suppress.js';
import { computeTrends, RISKS, type Count, type Trends } from '../../src/admin/trends.js';
import { isoWeek, mondayOf } from '../../src/admin/weeks.js';
import { allCounts, leaks, publishedLines, random, rawChecks, row } from './trends-helpers.js';

const MIN = 5;
const okCount = (c: Count) => c === null || c >= MIN;

describe('ISO weeks', () => {
  it('labels weeks by the year of their Thursday, across year boundaries', () => {
    expect(isoWeek('2025-12-28')).toBe('2025-W52');
    expect(isoWeek('2025-12-29')).toBe('2026-W01');
    expect(isoWeek('2026-01-04')).toBe('2026-W01');
    expect(isoWeek('2026-01-05')).toBe('2026-W02');
    expect(isoWeek('2027-01-01')).toBe('2026-W53');
    expect(isoWeek('2021-01-03')).toBe('2020-W53');
    expect(isoWeek('2024-12-30')).toBe('2025-W01');
    expect(mondayOf('2026-01-01')).toBe('2025-12-29');
    expect(mondayOf('2026-01-05')).toBe('2026-01-05');
  });

  it('buckets checks into the weeks ending at `today`, or at the newest data', () => {
    const rows = [
      row('2025-12-14', 'check', 'high', 9), // before the period
      row('2025-12-28', 'check', 'high', 5),
      row('2025-12-29', 'check', 'high', 5),
      row('2026-01-01', 'check', 'high', 5),
      row('2026-01-04', 'check', 'high', 5),
      row('2026-01-05', 'check', 'high', 6),
      row('2026-01-08', 'check', 'high', 9), // after today
    ];
    const t = computeTrends(rows, { weeks: 4, minCount: MIN, today: '2026-01-07' });
    expect(t.byWeek.map((w) => [w.week, w.start, w.high])).toEqual([
      ['2025-W51', '2025-12-15', null],
      ['2025-W52', '2025-12-22', null], // held back: else high in W51 (0) = the period's high - the others
      ['2026-W01', '2025-12-29', 15],
      ['2026-W02', '2026-01-05', 6],
    ]);
    expect([t.from, t.to, t.checks.high]).toEqual(['2025-12-15', '2026-01-07', 26]);
    const newest = computeTrends(rows, { weeks: 2, minCount: MIN });
    expect(newest.byWeek.map((w) => [w.week, w.high])).toEqual([['2026-W01', 15], ['2026-W02', 15]]);
    expect(newest.to).toBe('2026-01-08');
  });
});

describe('partner filter', () => {
  const rows = [
    row('2026-03-02', 'check', 'high', 6, { partner: 'casa-a' }),
    row('2026-03-03', 'check', 'high', 7, { partner: 'casa-b' }),
    row('2026-03-04', 'check', 'high', 8),
    row('2026-03-04', 'flag', 'urgency', 9, { partner: 'casa-a' }),
  ];
  const view = (partner?: string) => computeTrends(rows, { weeks: 4, minCount: MIN, today: '2026-03-05', ...(partner !== undefined ? { partner } : {}) });

  it('counts one partner, people without a partner link, or everyone', () => {
    expect(view().checks.high).toBe(21);
    expect(view('casa-a').checks.high).toBe(6);
    expect(view('casa-b').checks.high).toBe(7);
    expect(view('').checks.high).toBe(8);
    expect(view('casa-a').totals.flag).toEqual([{ value: 'urgency', count: 9 }]);
    expect(view('casa-b').totals.flag).toEqual([]);
    expect(view('casa-a').partner).toBe('casa-a');
  });

  it('shows a partner without data as all withheld', () => {
    const t = view('nobody');
    expect(t.byWeek).toHaveLength(4);
    expect(allCounts(t).every(([, c]) => c === null)).toBe(true);
  });
});

describe('suppression', () => {
  const rows = [
    row('2026-03-02', 'check', 'high', 10),
    row('2026-03-02', 'check', 'medium', 2),
    row('2026-03-03', 'check', 'low', 8),
    row('2026-03-03', 'check', 'high', 3, { language: 'fr' }),
    row('2026-03-03', 'flag', 'urgency', 12),
    row('2026-03-03', 'flag', 'minors', 1),
    row('2026-03-03', 'place', 'Tapachula', 4),
    row('2026-03-03', 'feedback', 'useful', 6),
    row('2026-03-03', 'feedback', 'wrong', 2),
  ];
  const t = computeTrends(rows, { weeks: 4, minCount: MIN, today: '2026-03-04' });

  it('withholds every count under minCount, and one more when a total would give it away', () => {
    expect(t.byWeek.at(-1)).toEqual({ week: '2026-W10', start: '2026-03-02', high: 13, medium: null, low: null, total: 23 });
    expect(t.checks).toEqual({ high: 13, medium: null, low: null, total: 23 });
    // es 20 and fr 3 make 23: with fr withheld, es must be too.
    expect(t.totals.language).toEqual([{ value: 'es', count: null }, { value: 'fr', count: null }]);
    expect(t.totals.flag).toEqual([{ value: 'urgency', count: 12 }, { value: 'minors', count: null }]);
    expect(t.totals.place).toEqual([{ value: 'Tapachula', count: null }]);
    expect(t.feedback).toEqual({ useful: 6, wrong: null });
    for (const [where, c] of allCounts(t)) expect(okCount(c), where).toBe(true);
    for (const line of publishedLines(t)) expect(leaks(line), line.name).toBe(false);
  });

  it('says null in JSON for every withheld count, and gives minCount', () => {
    const json = trendsJson(t);
    expect(json.suppressed_below).toBe(MIN);
    expect(json.checks_by_week.at(-1)).toEqual({ week: '2026-W10', start: '2026-03-02', high: 13, medium: null, low: null, total: 23 });
    expect(json.totals.languages).toEqual([{ value: 'es', count: null }, { value: 'fr', count: null }]);
    expect(json.feedback).toEqual({ useful: 6, wrong: null });
    const numbers: number[] = [];
    const walk = (v: unknown, key: string): void => {
      if (typeof v === 'number' && key !== 'suppressed_below' && key !== 'weeks') numbers.push(v);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, Array.isArray(v) ? key : k);
    };
    walk(json, '');
    expect(numbers.length).toBeGreaterThan(3);
    expect(numbers.filter((n) => n < MIN)).toEqual([]);
  });

  it('writes "suppressed" in the CSV', () => {
    const lines = trendsCsv(t).trimEnd().split('\r\n');
    expect(lines[0]).toBe('week,partner,metric,value,count');
    expect(lines).toContain('2026-W10,(all),check,medium,suppressed');
    expect(lines).toContain('2026-W10,(all),check,low,suppressed');
    expect(lines).toContain('2026-W10,(all),check,total,23');
    expect(lines).toContain('2026-W07..2026-W10,(all),language,fr,suppressed');
    expect(lines).toContain('2026-W07..2026-W10,(all),flag,minors,suppressed');
    expect(lines).toContain('2026-W07..2026-W10,(all),feedback,wrong,suppressed');
    for (const line of lines.slice(1)) {
      const count = line.split(',').at(-1)!;
      expect(count === 'suppressed' || Number(count) >= MIN, line).toBe(true);
    }
  });

  it('shows "suppressed" in the page, draws no bar for a withheld count, and prints no small number', () => {
    const html = page(t);
    const cells = [...html.matchAll(/<td>([^<]*)<\/td>/g)].map((m) => m[1]!);
    expect(cells.length).toBe(5 * 4);
    for (const c of cells) expect(c === 'suppressed' || Number(c) >= MIN, c).toBe(true);
    // The weekly chart: bars only for shown, non-zero parts (high 13 in the last week).
    const weekly = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(weekly.match(/class="bar"/g)).toHaveLength(1);
    // The rest of the shown total (23 - 13) in grey, as one segment: its split is not drawn.
    expect(weekly.match(/data-risk="suppressed"/g)).toHaveLength(1);
    expect(weekly).toContain('2026-W10: 10 with the risk split suppressed');
    expect(html).toContain('Minors: suppressed');
    expect(html).toContain('Useful: <strong>6</strong> · Wrong: <strong>suppressed</strong>');
    expect(html).toContain('id="suppression-note"');
  });
});

function page(t: Trends): string {
  return dashboardPage({ base: '/admin', trends: t, partners: [], content: { version: 'abc', loadedAt: '2026-03-04T10:00:00.000Z' }, warnings: [], flagName: (id) => id[0]!.toUpperCase() + id.slice(1), generatedAt: '2026-03-04T10:00:00.000Z' });
}

describe('no total next to exactly one withheld part', () => {
  it('holds for random data, within each view and between the all-partners view and each partner', () => {
    const partners = ['', 'casa-a', 'casa-b'];
    const seen = { shown: 0, suppressed: 0 };
    for (let seed = 1; seed <= 40; seed++) {
      const rand = random(seed);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      const rows = Array.from({ length: 60 }, () =>
        row(`2026-02-${String(2 + Math.floor(rand() * 27)).padStart(2, '0')}`, 'check', pick(RISKS), 1 + Math.floor(rand() * (rand() < 0.5 ? 4 : 12)), {
          partner: pick(partners),
          language: pick(['es', 'fr', 'ar']),
          channel: pick(['telegram', 'web']),
        }),
      );
      const opts = { weeks: 4, minCount: MIN, today: '2026-02-28' };
      const views = [undefined, ...partners].map((p) => ({ p, t: computeTrends(rows, { ...opts, ...(p !== undefined ? { partner: p } : {}) }) }));
      for (const { p, t } of views) {
        const raw = rawChecks(rows, p, (d) => isoWeek(d));
        for (const [where, c] of allCounts(t)) {
          expect(okCount(c), `seed ${seed} ${p} ${where}`).toBe(true);
          seen[c === null ? 'suppressed' : 'shown']++;
          if (typeof c === 'number') expect(c, where).toBe(raw.get(where));
        }
        // Withheld parts of a shown total never add up to a small number either.
        for (const [name, parts, total] of publishedRaw(t, raw)) {
          const sum = parts.reduce((s, n) => s + n, 0);
          if (typeof total === 'number') expect(sum === 0 || sum >= MIN, `seed ${seed} ${p} ${name}: withheld parts add up to ${sum}`).toBe(true);
        }
        for (const line of publishedLines(t)) expect(leaks(line), `seed ${seed} partner ${p} ${line.name}`).toBe(false);
      }
      // all = casa-a + casa-b + no partner: with the total shown, not exactly one of them withheld.
      const [all, ...parts] = views.map((v) => new Map(allCounts(v.t)));
      for (const [where, total] of all!) {
        const line = { parts: parts.map((m) => m.get(where) ?? 0), total };
        expect(leaks(line), `seed ${seed} across partners at ${where}`).toBe(false);
      }
    }
    // The data exercise every case.
    expect(Math.min(seen.shown, seen.suppressed)).toBeGreaterThan(100);
  });

  it('withholds a second part when withheld parts would add up to a small number', () => {
    const values = new Map([['a', 2], ['b', 1], ['c', 9], ['d', 20], ['t', 32]]);
    const out = suppress(values, [{ parts: ['a', 'b', 'c', 'd'], total: 't' }], MIN);
    expect(Object.fromEntries(out)).toEqual({ a: 'small', b: 'small', c: 'hidden' });
    const one = suppress(new Map([['a', 2], ['t', 2]]), [{ parts: ['a'], total: 't' }], MIN);
    expect(one.get('t')).toBe('small');
  });
});

describe('trending up', () => {
  // Last week is 2026-W10 (2026-03-02 to -08); the 4 weeks before start on 2026-02-02.
  const before = ['2026-02-02', '2026-02-09', '2026-02-16', '2026-02-23'];
  const weekly = (flag: string, perWeek: number) => before.map((d) => row(d, 'flag', flag, perWeek));
  const rows = [
    ...weekly('urgency', 3), row('2026-03-03', 'flag', 'urgency', 6), // 6 >= 2 x 3: up
    ...weekly('guarantee', 5), row('2026-03-03', 'flag', 'guarantee', 9), // 9 < 2 x 5: not up
    row('2026-03-03', 'flag', 'extortion', 5), // new, and counted 5 times: up
    row('2026-03-03', 'flag', 'minors', 4), // new, but under minCount: not up
    row('2026-02-10', 'flag', 'fake_documents', 3), row('2026-03-03', 'flag', 'fake_documents', 5), // 3 before is withheld: treated as 4
    row('2026-01-05', 'flag', 'job_debt', 40), row('2026-03-03', 'flag', 'job_debt', 7), // older than the 4 weeks: ignored
    ...weekly('dangerous_route', 10), row('2026-03-03', 'flag', 'dangerous_route', 25, { partner: 'casa-a' }),
  ];

  it('lists signs at least twice their weekly average of the 4 weeks before, counted at least minCount times', () => {
    const t = computeTrends(rows, { weeks: 12, minCount: MIN, today: '2026-03-04' });
    expect(t.trendingUp).toEqual({ week: '2026-W10', flags: ['dangerous_route', 'job_debt', 'urgency', 'extortion', 'fake_documents'] });
  });

  it('gives the same answer whatever a withheld earlier count was', () => {
    for (const earlier of [0, 1, 2, 3, 4]) {
      const r = [row('2026-02-10', 'flag', 'urgency', earlier || 1), row('2026-03-03', 'flag', 'urgency', 5)].filter((x, i) => i === 1 || earlier > 0);
      expect(computeTrends(r, { weeks: 4, minCount: MIN, today: '2026-03-04' }).trendingUp.flags, `earlier ${earlier}`).toEqual(['urgency']);
    }
  });

  it('looks only at the chosen partner', () => {
    const t = computeTrends(rows, { weeks: 12, minCount: MIN, today: '2026-03-04', partner: '' });
    expect(t.trendingUp.flags).not.toContain('dangerous_route');
    expect(computeTrends(rows, { weeks: 12, minCount: MIN, today: '2026-03-04', partner: 'casa-a' }).trendingUp.flags).toEqual(['dangerous_route']);
  });
});

describe('empty data', () => {
  it('returns no weeks without data or a day, and withheld zeros with a day', () => {
    const none = computeTrends([], { weeks: 12 });
    expect(none).toMatchObject({ minCount: 5, from: '', to: '', byWeek: [], trendingUp: { week: '', flags: [] } });
    expect(trendsCsv(none)).toBe('week,partner,metric,value,count\r\n');
    expect(trendsJson(none)).toMatchObject({ from: null, checks_by_week: [], checks: { high: null, medium: null, low: null, total: null } });
    const zeros = computeTrends([], { weeks: 4, today: '2026-03-04' });
    expect(zeros.byWeek.map((w) => w.week)).toEqual(['2026-W07', '2026-W08', '2026-W09', '2026-W10']);
    expect(allCounts(zeros).every(([, c]) => c === null)).toBe(true);
    expect(page(zeros)).toContain('Nothing counted in this period.');
    expect(page(none)).toContain('no data yet');
  });

  it('refuses bad options', () => {
    expect(() => computeTrends([], { weeks: 0 })).toThrow(/weeks/);
    expect(() => computeTrends([], { weeks: 4, today: '2026-02-30' })).toThrow(/today/);
    expect(() => computeTrends([], { weeks: 4, minCount: 0 })).toThrow(/minCount/);
  });
});

/** Each line of a view with the true values of its withheld parts. */
function publishedRaw(t: Trends, raw: Map<string, number>): Array<[string, number[], Count]> {
  const value = (k: string) => raw.get(k) ?? 0;
  const out: Array<[string, number[], Count]> = [];
  for (const w of t.byWeek) out.push([w.week, RISKS.filter((r) => w[r] === null).map((r) => value(`${w.week}.${r}`)), w.total]);
  for (const k of [...RISKS, 'total'] as const) out.push([`weeks.${k}`, t.byWeek.filter((w) => w[k] === null).map((w) => value(`${w.week}.${k}`)), t.checks[k]]);
  out.push(['risks', RISKS.filter((r) => t.checks[r] === null).map((r) => value(`checks.${r}`)), t.checks.total]);
  for (const dim of ['language', 'channel'] as const) out.push([dim, t.totals[dim].filter((i) => i.count === null).map((i) => value(`${dim}.${i.value}`)), t.checks.total]);
  return out;
}
