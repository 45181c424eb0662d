import pc from 'picocolors';
import { SingleBar } from 'cli-progress';
import type { Checker } from '../checker/check-offer.js';
import type { CheckResult, Offer } from '../checker/types.js';
import { CheckLine, openJsonl, parseJsonl } from './jsonl.js';

const RISK_LABEL: Record<CheckResult['risk'], string> = {
  high: 'HIGH RISK',
  medium: 'MEDIUM RISK',
  low: 'LOW RISK: no known warning signs found (this does not mean the offer is safe)',
};

/** The readable report of `faro check "text"`; colours only on a terminal (picocolors honours NO_COLOR). */
export function runCheckText(checker: Checker, text: string, lang?: string): string {
  const r = checker.checkOffer(text, lang ? { language: lang } : {});
  const colour = r.risk === 'high' ? pc.red : r.risk === 'medium' ? pc.yellow : pc.green;
  const out: string[] = [];
  out.push(pc.bold(colour(RISK_LABEL[r.risk])) + pc.dim(`  score ${r.score} · language ${r.language}`));
  if (r.flags.length > 0) {
    out.push('', pc.bold('Warning signs'));
    for (const f of r.flags) {
      const quotes = f.evidence.map((e) => `"${pc.underline(e.text)}" (${e.start}-${e.end})`).join(', ');
      out.push(`  ${colour('•')} ${f.id} [${f.severity}] +${f.contribution}${f.context ? pc.dim(` (${f.context})`) : ''}: ${quotes}`);
    }
  }
  const details = offerLines(r.offer);
  if (details.length > 0) out.push('', pc.bold('Offer details'), ...details.map((d) => `  ${d}`));
  out.push('', pc.bold('How the score was reached'), ...r.explanation.map((l) => pc.dim(`  ${l}`)));
  if (r.risk === 'low') out.push('', 'Any offer to cross a border outside legal channels puts your life and money at risk.');
  return out.join('\n') + '\n';
}

function offerLines(o: Offer): string[] {
  const lines: string[] = [];
  const list = (label: string, items: { text: string }[]) => {
    if (items.length > 0) lines.push(`${label}: ${items.map((i) => i.text).join(', ')}`);
  };
  if (o.prices.length > 0) {
    lines.push(`prices: ${o.prices.map((p) => `${p.text} (${p.amount} ${p.currency}${p.when !== 'unknown' ? `, ${p.when.replace('_', ' ')}` : ''})`).join(', ')}`);
  }
  list('payment', o.payment_methods);
  list('phones', o.phones);
  list('links', o.links);
  list('handles', o.handles);
  list('places', o.places);
  list('walking', o.walking_claims);
  list('departure', o.departure);
  return lines;
}

/** One output line per input line (DESIGN.md "CLI contract"); returns the exit code. */
export async function runCheckJsonl(checker: Checker, file: string): Promise<number> {
  const source = openJsonl(file);
  const bar =
    process.stderr.isTTY && source.size !== undefined && source.size > 200_000
      ? new SingleBar({ format: 'checking [{bar}] {percentage}% · {value}/{total} bytes', stream: process.stderr, hideCursor: true })
      : undefined;
  bar?.start(source.size!, 0);
  let bad = 0;
  let n = 0;
  for await (const item of parseJsonl(source, CheckLine)) {
    if ('error' in item) {
      bad++;
      process.stderr.write(`line ${item.line}: ${item.error}\n`);
      continue;
    }
    const { id, text, lang } = item.value;
    const r = checker.checkOffer(text, lang ? { language: lang } : {});
    const row = {
      id,
      risk: r.risk,
      flags: r.flags.map((f) => f.id),
      language: r.language,
      score: r.score,
      evidence: Object.fromEntries(r.flags.map((f) => [f.id, f.evidence.map((e) => e.text)])),
      offer: r.offer,
    };
    if (!process.stdout.write(JSON.stringify(row) + '\n')) await new Promise((ok) => process.stdout.once('drain', ok));
    if (bar && ++n % 200 === 0) bar.update(source.bytesRead());
  }
  bar?.update(source.size!);
  bar?.stop();
  if (bad > 0) process.stderr.write(`${bad} line(s) could not be checked; the others were.\n`);
  return bad > 0 ? 1 : 0;
}
