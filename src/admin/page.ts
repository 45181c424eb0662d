import type { ContentStatus } from '../content/store.js';
import { barChart, RISK_COLOURS, RISK_NAMES, weeklyChart } from './charts.js';
import { NO_PARTNER, partnerParam, shown } from './export.js';
import { channelName, esc, languageName } from './html.js';
import { PERIOD_WEEKS, RISKS, trendingRule, type Trends } from './trends.js';

/** Plain, readable, prints well; styles only (the page has no script at all). */
const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d232b;background:#f4f6f8}
header,main,footer{max-width:1120px;margin:0 auto;padding:12px 20px}
header{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:12px}
h1{font-size:1.4rem;margin:8px 0}
h2{font-size:1.1rem;margin:0 0 8px}
section{background:#fff;border:1px solid #d9dde3;border-radius:8px;padding:16px;margin:0 0 16px;break-inside:avoid}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:16px}
.grid section{margin:0}
form.filters{display:flex;flex-wrap:wrap;align-items:end;gap:12px}
label{display:block;font-weight:600;font-size:.9rem;margin-bottom:4px}
select,input,button,.button{font:inherit;padding:8px 12px;border:1px solid #8a94a3;border-radius:6px;background:#fff;color:#1d232b;min-height:40px}
button,.button{background:#1f4e79;color:#fff;border-color:#1f4e79;cursor:pointer;text-decoration:none;display:inline-block}
.button.secondary,button.secondary{background:#fff;color:#1f4e79}
:focus-visible{outline:3px solid #f2a900;outline-offset:2px}
.note{color:#4a5563;font-size:.9rem;margin:8px 0 0}
.cards{display:flex;flex-wrap:wrap;gap:12px}
.card{flex:1 1 150px;border:1px solid #d9dde3;border-radius:8px;padding:10px 14px;background:#fff}
.card .n{font-size:1.6rem;font-weight:700}
.swatch{display:inline-block;width:.8em;height:.8em;border-radius:2px;margin-right:6px;vertical-align:baseline;print-color-adjust:exact;-webkit-print-color-adjust:exact}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin-top:8px}
th,td{border-bottom:1px solid #e3e6ea;padding:4px 8px;text-align:right}
th:first-child,td:first-child{text-align:left}
caption{text-align:left;font-weight:600;padding:4px 0}
.chart{display:block;max-width:100%;height:auto}
ul.plain{margin:0;padding-left:1.2em}
.alert{background:#fdecea;border:1px solid #b3261e;color:#6b1410;padding:8px 12px;border-radius:6px}
.login{max-width:420px;margin:10vh auto}
.login input{width:100%}
@media print{body{background:#fff;font-size:12px}form,.no-print{display:none!important}section{border:none;padding:0 0 8px}.grid{display:block}.grid section{margin-bottom:12px}}
`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body}
</body>
</html>`;
}

/** The login form; `error` is shown above it. */
export function loginPage(base: string, error?: string): string {
  return layout(
    'Faro admin: log in',
    `<main class="login"><section>
<h1>Faro admin</h1>
<p>For NGO staff: anonymous counts of the offers people checked. Log in with the admin token (ADMIN_TOKEN).</p>
${error ? `<p class="alert" role="alert">${esc(error)}</p>` : ''}
<form method="post" action="${esc(base)}/login">
<label for="token">Admin token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<p><button type="submit">Log in</button></p>
</form>
</section></main>`,
  );
}

export interface DashboardView {
  base: string;
  trends: Trends;
  partners: Array<{ id: string; name: string; active: boolean }>;
  content: ContentStatus;
  warnings: string[];
  flagName: (id: string) => string;
  generatedAt: string;
}

const utc = (iso: string) => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '');

function filters(v: DashboardView): string {
  const t = v.trends;
  const current = partnerParam(t.partner);
  const option = (value: string, label: string) => `<option value="${esc(value)}"${value === current ? ' selected' : ''}>${esc(label)}</option>`;
  const known = v.partners.map((p) => p.id);
  const options = [
    option('', 'All partners'),
    ...[...v.partners].sort((a, b) => a.name.localeCompare(b.name)).map((p) => option(p.id, p.active ? p.name : `${p.name} (inactive)`)),
    ...(t.partner && !known.includes(t.partner) ? [option(t.partner, t.partner)] : []),
    option(NO_PARTNER, 'No partner link'),
  ];
  const query = new URLSearchParams({ partner: current, weeks: String(t.weeks) }).toString();
  return `<form class="filters" method="get" action="${esc(v.base)}">
<div><label for="partner">Partner</label><select id="partner" name="partner">${options.join('')}</select></div>
<div><label for="weeks">Period</label><select id="weeks" name="weeks">${PERIOD_WEEKS.map((w) => `<option value="${w}"${w === t.weeks ? ' selected' : ''}>Last ${w} weeks</option>`).join('')}</select></div>
<div><button type="submit">Show</button></div>
<div><a class="button secondary" href="${esc(v.base)}/export.csv?${esc(query)}" download>Download CSV</a></div>
<div><a class="button secondary" href="${esc(v.base)}/api/trends?${esc(query)}">JSON</a></div>
</form>`;
}

function weeklySection(t: Trends): string {
  const cell = (c: Trends['checks']['high']) => esc(shown(c));
  const rows = t.byWeek.map((w) => `<tr><th scope="row">${esc(w.week)} <small>(${esc(w.start)})</small></th>${RISKS.map((r) => `<td>${cell(w[r])}</td>`).join('')}<td>${cell(w.total)}</td></tr>`);
  return `<section aria-labelledby="weekly-h">
<h2 id="weekly-h">Checks per week</h2>
${weeklyChart(t, 'weekly')}
<table id="weekly-table">
<caption>Checks per week by risk (data table)</caption>
<thead><tr><th scope="col">Week</th>${RISKS.map((r) => `<th scope="col"><span class="swatch" style="background:${RISK_COLOURS[r]}"></span>${esc(RISK_NAMES[r])}</th>`).join('')}<th scope="col">All checks</th></tr></thead>
<tbody>${rows.join('\n')}</tbody>
<tfoot><tr><th scope="row">Whole period</th>${RISKS.map((r) => `<td>${cell(t.checks[r])}</td>`).join('')}<td>${cell(t.checks.total)}</td></tr></tfoot>
</table>
</section>`;
}

function bars(t: Trends, id: string, title: string, dim: keyof Trends['totals'], label: (v: string) => string): string {
  const items = t.totals[dim];
  const more = items.length > 12 ? `<p class="note">${items.length - 12} more in the CSV.</p>` : '';
  return `<section aria-labelledby="${id}-h"><h2 id="${id}-h">${esc(title)}</h2>${barChart({ id, title, items, label })}${more}</section>`;
}

function contentSection(v: DashboardView): string {
  const s = v.content;
  const refused = s.lastError
    ? `<p><strong>Last refused change:</strong> ${esc(utc(s.lastError.at))}; the previous content stays in use.</p><ul class="plain">${s.lastError.problems.slice(0, 20).map((p) => `<li>${esc(p)}</li>`).join('')}</ul>`
    : '<p><strong>Last refused change:</strong> none since the server started.</p>';
  const shownWarnings = v.warnings.slice(0, 50);
  const warnings = v.warnings.length
    ? `<ul class="plain" id="content-warnings">${shownWarnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>${v.warnings.length > 50 ? `<p class="note">And ${v.warnings.length - 50} more: run <code>npx faro content check</code>.</p>` : ''}`
    : '<p id="content-warnings">No warnings.</p>';
  return `<section aria-labelledby="content-h">
<h2 id="content-h">Content</h2>
<p><strong>Version:</strong> <code>${esc(s.version)}</code>, loaded ${esc(utc(s.loadedAt))}</p>
${refused}
<h3>Warnings for editors (${v.warnings.length})</h3>
${warnings}
</section>`;
}

/** The dashboard: filters, charts, trending signs, feedback and the content's state. */
export function dashboardPage(v: DashboardView): string {
  const t = v.trends;
  const n = (c: Trends['checks']['high']) => esc(shown(c));
  const who = t.partner === undefined ? 'All partners' : t.partner === '' ? 'People without a partner link' : (v.partners.find((p) => p.id === t.partner)?.name ?? t.partner);
  const period = t.from ? `${t.byWeek[0]!.week} to ${t.byWeek.at(-1)!.week} (${t.from} to ${t.to})` : 'no data yet';
  const trending = t.trendingUp.flags.length
    ? `<ul class="plain" id="trending">${t.trendingUp.flags.map((f) => `<li>${esc(v.flagName(f))}</li>`).join('')}</ul>`
    : '<p id="trending">None this week.</p>';
  const fb = t.feedback;
  const fbBar =
    typeof fb.useful === 'number' && typeof fb.wrong === 'number' && fb.useful + fb.wrong > 0
      ? `<svg class="chart" viewBox="0 0 400 24" width="100%" role="img" aria-label="${esc(`Useful ${fb.useful}, wrong ${fb.wrong}`)}"><rect x="0" y="2" width="${((fb.useful / (fb.useful + fb.wrong)) * 400).toFixed(1)}" height="20" fill="#2f5d8a"/><rect x="${((fb.useful / (fb.useful + fb.wrong)) * 400).toFixed(1)}" y="2" width="${((fb.wrong / (fb.useful + fb.wrong)) * 400).toFixed(1)}" height="20" fill="#b3261e"/></svg>`
      : '';
  const body = `<header>
<h1>Faro: anonymous trends</h1>
<form method="post" action="${esc(v.base)}/logout"><button type="submit" class="secondary">Log out</button></form>
</header>
<main>
<section aria-label="Filters">
${filters(v)}
<p class="note" id="suppression-note">Counts are anonymous totals. “suppressed” means fewer than ${t.minCount}, or held back so that a count under ${t.minCount} cannot be worked out by subtraction.</p>
</section>
<p><strong>${esc(who)}</strong>, ${esc(period)}.</p>
<div class="cards">
<div class="card"><div>All checks</div><div class="n">${n(t.checks.total)}</div></div>
${RISKS.map((r) => `<div class="card"><div><span class="swatch" style="background:${RISK_COLOURS[r]}"></span>${esc(RISK_NAMES[r])}</div><div class="n">${n(t.checks[r])}</div></div>`).join('\n')}
</div>
<p></p>
${weeklySection(t)}
<section aria-labelledby="trending-h">
<h2 id="trending-h">Warning signs trending up (${esc(t.trendingUp.week || 'no data')})</h2>
${trending}
<p class="note">Rule: ${esc(trendingRule(t.minCount))}.</p>
</section>
<div class="grid">
${bars(t, 'signs', 'Warning signs found', 'flag', v.flagName)}
${bars(t, 'places', 'Places named in offers', 'place', (p) => p)}
${bars(t, 'languages', 'Language of the people checking', 'language', languageName)}
${bars(t, 'offer-languages', 'Language of the offers', 'offer_language', languageName)}
${bars(t, 'channels', 'Channels', 'channel', channelName)}
<section aria-labelledby="feedback-h">
<h2 id="feedback-h">Was the answer useful?</h2>
<p>Useful: <strong>${n(fb.useful)}</strong> · Wrong: <strong>${n(fb.wrong)}</strong></p>
${fbBar}
</section>
</div>
<p></p>
${contentSection(v)}
</main>
<footer class="note">Made ${esc(utc(v.generatedAt))}. Weeks are ISO weeks (Monday to Sunday, UTC); the last one may still be running.</footer>`;
  return layout(`Faro admin: ${who}`, body);
}
