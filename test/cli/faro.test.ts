import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { faro as runFaro } from '../helpers/faro-cli.js';

const faro = (args: string[], stdin?: string) => runFaro(args, stdin === undefined ? {} : { stdin });

describe('faro check', { timeout: 90_000 }, () => {
  it('prints a readable report for one text', async () => {
    const r = await faro([
      'check',
      'Pase directo a USA 100% garantizado, sin caminar, aparta tu lugar con 500 dlls por Western Union, escribe al WhatsApp +52 1 656 555 0100',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^HIGH RISK/);
    expect(r.stdout).toMatch(/guarantee .*"100% garantizado"|guarantee .*"sin caminar"/);
    expect(r.stdout).toMatch(/advance_payment/);
    expect(r.stdout).toMatch(/off_platform_contact .*\+52 1 656 555 0100"/);
  });

  it('never calls a low result safe', async () => {
    const r = await faro(['check', 'Ya llegamos a Houston, todo bien']);
    expect(r.stdout).toMatch(/^LOW RISK: no known warning signs found \(this does not mean the offer is safe\)/);
  });

  it('checks JSON lines from standard input, reporting bad lines by number and going on', async () => {
    const input = [
      JSON.stringify({ id: 'a', text: 'Pasamos gente a USA, escribe al WhatsApp' }),
      'this is not json',
      JSON.stringify({ id: 'b' }),
      '',
      JSON.stringify({ id: 3, text: 'Hola, ¿cómo estás?' }),
    ].join('\n');
    const r = await faro(['check', '--jsonl', '-'], input);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.id, x.risk])).toEqual([
      ['a', 'high'],
      [3, 'low'],
    ]);
    for (const row of rows) {
      expect(Object.keys(row)).toEqual(expect.arrayContaining(['id', 'risk', 'flags', 'language']));
      expect(Array.isArray(row.flags)).toBe(true);
    }
    expect(rows[0].flags).toContain('off_platform_contact');
    expect(rows[0].language).toBe('es');
    expect(r.stderr).toMatch(/^line 2: not valid JSON/m);
    expect(r.stderr).toMatch(/^line 3: "text": needs a "text"/m);
    expect(r.code).toBe(1);
  });

  it('says what to do when the file does not exist', async () => {
    const r = await faro(['check', '--jsonl', 'no-such-file.jsonl']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read "no-such-file.jsonl": no such file/);
  });
});

describe('faro eval and faro rules', { timeout: 90_000 }, () => {
  it('scores a labelled file', async () => {
    const r = await faro(['eval', 'test/fixtures/labelled.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/High-risk recall: +\d+\.\d%/);
    expect(r.stdout).toMatch(/False alarms on low: +\d+\.\d%/);
    expect(r.stdout).toMatch(/Flags \(micro\): +precision \d\.\d{3} +recall \d\.\d{3} +F1 \d\.\d{3}/);
    expect(r.stdout).toMatch(/Confusion/);
    expect(r.stdout).toMatch(/Per language/);
  });

  it('prints the figures as JSON on request', async () => {
    const r = await faro(['eval', 'test/fixtures/labelled.jsonl', '--json']);
    const report = JSON.parse(r.stdout);
    const lines = readFileSync('test/fixtures/labelled.jsonl', 'utf8').split('\n').filter((l) => l.trim()).length;
    expect(report.total).toBe(lines);
    expect(Object.keys(report.perLanguage).sort()).toEqual(['ar', 'en', 'es', 'fr', 'ht', 'pt', 'ru', 'tr', 'zh']);
  });

  it('lists per-pattern hits on high versus low messages', async () => {
    const r = await faro(['rules', 'test/fixtures/labelled.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/S\/O +HIGH% +LOW%/);
    expect(r.stdout).toMatch(/common\.contact\.phone-international \(off_platform_contact\)/);
  });
});
