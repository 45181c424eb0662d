// Printing: plain aligned tables and the machine the figures were taken on.
import { cpus, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].map((l) => `  ${l}`).join('\n');
}

export const n0 = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '-');
export const n1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');
export const n2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '-');
export const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : '-');

/** The 1, 5 and 15 minute load averages: other work on the machine skews every figure. */
export const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

export function machine(): string {
  const list = cpus();
  return `${list.length} × ${list[0]?.model ?? 'unknown CPU'} · ${Math.round(totalmem() / 2 ** 30)} GiB · Node ${process.version} · ${process.platform}/${process.arch}`;
}

/** Warnings and errors in a pino log file, grouped by message: what went wrong during a run. */
export function logProblems(file: string): { warn: number; error: number; top: string[] } {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return { warn: 0, error: 0, top: [] };
  }
  const counts = new Map<string, number>();
  let warn = 0;
  let error = 0;
  for (const line of text.split('\n')) {
    if (!line.includes('"level":4') && !line.includes('"level":5') && !line.includes('"level":6')) continue;
    try {
      const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
      if (entry.level >= 50) error++;
      else if (entry.level >= 40) warn++;
      const key = `${entry.level >= 50 ? 'error' : 'warn'}: ${entry.msg ?? ''}${entry.err?.message ? ` (${entry.err.message.slice(0, 120)})` : ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    } catch {
      // A line cut by the end of the file.
    }
  }
  const top = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, v]) => `${v} × ${k}`);
  return { warn, error, top };
}
