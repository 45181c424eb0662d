import { shown } from './export.js';
import { esc } from './html.js';
import { RISKS, type Count, type Item, type Risk, type Trends } from './trends.js';

/** Server-drawn SVG charts: no script, no library, no request anywhere. Withheld counts are never drawn. */

export const RISK_COLOURS: Record<Risk, string> = { high: '#b3261e', medium: '#c77700', low: '#4a6785' };
export const RISK_NAMES: Record<Risk, string> = { high: 'High risk', medium: 'Medium risk', low: 'Low risk (no known warning signs)' };
const BAR = '#2f5d8a';
const REST = '#b8bec7';
const WIDTH = 760;

const num = (c: Count): number => c ?? 0;

/** A round upper bound for an axis, e.g. 37 -> 40, 180 -> 200. */
function niceMax(max: number): number {
  if (max <= 4) return 4;
  const step = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 2.5, 4, 5, 10]) if (m * step >= max) return m * step;
  return 10 * step;
}

/** Checks per week, stacked by risk (high at the bottom), with a legend, title and description. */
export function weeklyChart(t: Trends, id: string): string {
  const weeks = t.byWeek;
  const top = 44;
  const left = 48;
  const bottom = 34;
  const height = 300;
  const plotW = WIDTH - left - 12;
  const plotH = height - top - bottom;
  const heightOf = (w: Trends['byWeek'][number]) => (typeof w.total === 'number' ? w.total : RISKS.reduce((s, r) => s + num(w[r]), 0));
  const max = niceMax(Math.max(0, ...weeks.map(heightOf)));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const slot = plotW / Math.max(1, weeks.length);
  const barW = Math.max(4, Math.min(44, slot * 0.7));
  const every = weeks.length > 13 ? 2 : 1;
  const parts: string[] = [];

  const ticks = [4, 5, 2].find((n) => Number.isInteger(max / n)) ?? 1;
  for (let i = 0; i <= ticks; i++) {
    const v = (max / ticks) * i;
    parts.push(`<line x1="${left}" x2="${WIDTH - 12}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d9dde3" stroke-width="1"/>`);
    parts.push(`<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#555">${v}</text>`);
  }
  weeks.forEach((w, i) => {
    const x = left + slot * i + (slot - barW) / 2;
    let base = 0;
    for (const r of RISKS) {
      const c = w[r];
      if (typeof c !== 'number' || c === 0) continue;
      const y1 = y(base + c);
      parts.push(`<rect class="bar" data-risk="${r}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y1).toFixed(1)}" fill="${RISK_COLOURS[r]}"><title>${esc(`${w.week}: ${RISK_NAMES[r]} ${c}`)}</title></rect>`);
      base += c;
    }
    // The part of a shown total whose split is suppressed: total minus the shown parts, nothing new.
    if (w.total !== null && w.total > base) {
      const y1 = y(w.total);
      parts.push(`<rect class="bar rest" data-risk="suppressed" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${(y(base) - y1).toFixed(1)}" fill="${REST}"><title>${esc(`${w.week}: ${w.total - base} with the risk split suppressed`)}</title></rect>`);
    }
    if (typeof w.total === 'number') {
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${(y(heightOf(w)) - 4).toFixed(1)}" text-anchor="middle" font-size="10" fill="#333">${w.total}</text>`);
    }
    if (i % every === 0 || i === weeks.length - 1) {
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle" font-size="10" fill="#555">${esc(w.week.slice(5))}</text>`);
    }
  });
  const legend: Array<[string, string]> = [...RISKS.map((r): [string, string] => [RISK_COLOURS[r], RISK_NAMES[r].replace(/ \(.*\)$/, '')]), [REST, 'Risk split suppressed']];
  legend.forEach(([colour, name], i) => {
    const x = left + i * 170;
    parts.push(`<rect x="${x}" y="8" width="14" height="14" fill="${colour}"/><text x="${x + 20}" y="20" font-size="12" fill="#222">${esc(name)}</text>`);
  });

  const range = weeks.length ? `${weeks[0]!.week} to ${weeks.at(-1)!.week}` : 'no weeks';
  const desc = `Stacked bars, one per ISO week from ${range}: checks by risk, high at the bottom, and in grey the checks whose risk split is suppressed. Suppressed counts (under ${t.minCount}, or held back to protect one) are not drawn; the table below has every number.`;
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="${id}-title ${id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${id}-title">Checks per week by risk</title>
<desc id="${id}-desc">${esc(desc)}</desc>
${parts.join('\n')}
</svg>`;
}

/** Horizontal bars, largest first; withheld counts get a label and no bar. */
export function barChart(opts: { id: string; title: string; items: Item[]; label: (value: string) => string; limit?: number }): string {
  const items = opts.items.slice(0, opts.limit ?? 12);
  const width = 480; // shown about half the page wide: text stays readable
  const rowH = 24;
  const labelW = 170;
  const barMax = width - labelW - 50;
  const height = Math.max(1, items.length) * rowH + 8;
  const max = Math.max(1, ...items.map((i) => num(i.count)));
  const rows = items.map((item, i) => {
    const y = 4 + i * rowH;
    const label = opts.label(item.value);
    const short = label.length > 26 ? `${label.slice(0, 25)}…` : label;
    const value = shown(item.count);
    const w = typeof item.count === 'number' ? Math.max(2, (item.count / max) * barMax) : 0;
    const bar = w ? `<rect class="bar" x="${labelW}" y="${y + 4}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${BAR}"/>` : '';
    return `<g><title>${esc(`${label}: ${value}`)}</title><text x="${labelW - 8}" y="${y + 16}" text-anchor="end" font-size="13" fill="#222">${esc(short)}</text>${bar}<text x="${labelW + w + 6}" y="${y + 16}" font-size="13" fill="#222">${esc(value)}</text></g>`;
  });
  if (!items.length) rows.push(`<text x="8" y="20" font-size="12" fill="#555">Nothing counted in this period.</text>`);
  const desc = items.length ? items.map((i) => `${opts.label(i.value)}: ${shown(i.count)}`).join('; ') : 'Nothing counted in this period.';
  return `<svg class="chart" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-labelledby="${opts.id}-title ${opts.id}-desc" xmlns="http://www.w3.org/2000/svg">
<title id="${opts.id}-title">${esc(opts.title)}</title>
<desc id="${opts.id}-desc">${esc(desc)}</desc>
${rows.join('\n')}
</svg>`;
}
