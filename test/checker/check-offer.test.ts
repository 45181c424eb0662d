import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createChecker } from '../../src/checker/check-offer.js';
import { loadCheckerContent } from '../../src/content/load-checker.js';
import { evaluate, loadRows } from '../../src/cli/eval.js';

const content = await loadCheckerContent(resolve('content'));
const checker = createChecker({ patterns: content.patterns, offer: content.offer });

describe('checkOffer', () => {
  const offer =
    'Pase directo a USA 100% garantizado, sin caminar, aparta tu lugar con 500 dlls por Western Union, escribe al WhatsApp +52 1 656 555 0100';

  it('rates the reference offer high with its warning signs, quoting the text', () => {
    const r = checker.checkOffer(offer);
    expect(r.risk).toBe('high');
    expect(r.language).toBe('es');
    const ids = r.flags.map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['guarantee', 'advance_payment', 'off_platform_contact']));
    for (const f of r.flags) {
      expect(f.evidence.length).toBeGreaterThan(0);
      for (const e of f.evidence) expect(offer.slice(e.start, e.end)).toBe(e.text);
    }
    expect(r.flags.find((f) => f.id === 'guarantee')!.evidence.map((e) => e.text).join(' ')).toMatch(/garantizado|sin caminar/);
  });

  it('extracts the offer details', () => {
    const r = checker.checkOffer(offer);
    expect(r.offer.prices.map((p) => [p.amount, p.currency])).toContainEqual([500, 'USD']);
    expect(r.offer.payment_methods.map((p) => p.value)).toContain('western_union');
    expect(r.offer.phones.map((p) => p.value)).toContain('+5216565550100');
  });

  it('explains the score: contributions add up', () => {
    const r = checker.checkOffer(offer);
    const fromLines = r.explanation
      .map((l) => /\+(\d+(?:\.\d+)?)/.exec(l))
      .filter((m): m is RegExpExecArray => m !== null)
      .reduce((sum, m) => sum + Number(m[1]), 0);
    expect(fromLines).toBeCloseTo(r.score, 1);
  });

  it('quotes the original text even when it is obfuscated', () => {
    const text = 'P a s a m o s  g e n t e 💯 garantizadoooo, escríbeme al W h a t s a p p';
    const r = checker.checkOffer(text);
    expect(r.risk).toBe('high');
    for (const f of r.flags) for (const e of f.evidence) expect(text.slice(e.start, e.end)).toBe(e.text);
    const quoted = r.flags.flatMap((f) => f.evidence.map((e) => e.text));
    expect(quoted).toContain('garantizadoooo');
  });

  it('never says safe: an ordinary message is low with no flags', () => {
    const r = checker.checkOffer('Hola mamá, ya llegamos bien a la casa de la tía.');
    expect(r.risk).toBe('low');
    expect(r.flags).toEqual([]);
  });

  it('lowers signs that are negated or inside a warning', () => {
    expect(checker.checkOffer('Nunca pagues por adelantado a un coyote.').risk).toBe('low');
    expect(checker.checkOffer('No creas a quien te garantiza asilo, es estafa.').risk).toBe('low');
    expect(checker.checkOffer('Beware: anyone who guarantees asylum for a fee is lying.').risk).toBe('low');
  });

  it('bounds the work on very long texts', () => {
    const r = checker.checkOffer(`${offer} `.repeat(100));
    expect(r.risk).toBe('high');
    expect(Math.max(...r.flags.flatMap((f) => f.evidence.map((e) => e.end)))).toBeLessThanOrEqual(8000);
  });
});

describe('scoring lives in content', () => {
  it('a changed weight changes the risk, with no code change', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'faro-scoring-'));
    try {
      await cp(resolve('content'), dir, { recursive: true });
      const file = join(dir, 'patterns/scoring.yaml');
      const text = 'Aquí tenemos a tu hermano, si no pagas no lo vuelves a ver.';
      expect(checker.checkOffer(text).risk).toBe('high');
      await writeFile(file, (await readFile(file, 'utf8')).replace(/extortion: \d+(\.\d+)?/, 'extortion: 0'));
      const c = await loadCheckerContent(dir);
      const zeroed = createChecker({ patterns: c.patterns, offer: c.offer });
      expect(zeroed.checkOffer(text).flags.map((f) => f.id)).not.toContain('extortion');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("the project's own labelled examples (test/fixtures/labelled.jsonl)", async () => {
  const rows = await loadRows(checker, resolve('test/fixtures/labelled.jsonl'));
  const report = evaluate(rows);

  it.each(rows.filter((r) => r.expected === 'low').map((r) => [r.id, r.text, r.predicted]))(
    'warning, news or ordinary message %s stays low: %s',
    (_id, _text, predicted) => expect(predicted).toBe('low'),
  );
  it.each(rows.filter((r) => r.expected === 'high').map((r) => [r.id, r.text, r.predicted]))(
    'offer %s is rated high: %s',
    (_id, _text, predicted) => expect(predicted).toBe('high'),
  );
  it('finds the labelled warning signs (flag micro-F1 >= 0.8)', () => {
    expect(report.flags.f1).toBeGreaterThanOrEqual(0.8);
  });
});

