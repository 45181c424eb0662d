import { appendFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runContentCheck } from '../../src/cli/content.js';
import { runPreview } from '../../src/cli/preview.js';
import { contentCopy, ROOT } from '../helpers/conversation.js';
import { faro } from '../helpers/faro-cli.js';

const LOCALES = join(ROOT, 'locales');

const NEW_REFERRAL = `
  - id: mx-casa-de-prueba-tijuana
    name: Casa de Prueba para Editores
    needs: [shelter]
    services: [shelter, food]
    areas: [tijuana]
    languages: [es]
    contact:
      phone: "664 000 0000"
    hours: 24h
    note:
      es: Gratis. Lleva una identificación si tienes.
    source: https://example.org/casa-de-prueba
    verified: 2026-11-22
`;

describe('faro content check', { timeout: 120_000 }, () => {
  it('the real content folder has no errors and every topic in every language', async () => {
    const r = await faro(['content', 'check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^0 error\(s\)/m);
    expect(r.stdout).not.toContain('✗');
    const table = r.stdout.split('Guidance topics by language')[1]!.split('Languages')[0]!;
    const rows = table.split('\n').slice(2).filter((l) => l.trim());
    expect(rows.length).toBeGreaterThanOrEqual(13);
    for (const row of rows) expect(row.trim().split(/\s+/).slice(1), row).toEqual(Array(9).fill('✓'));
  });

  it('reports mistakes by file and line, stale and expired facts, missing translations and broken references', async () => {
    const dir = contentCopy();
    // A misspelt area, an expired and a stale referral.
    appendFileSync(join(dir, 'referrals', 'mx.yaml'), NEW_REFERRAL.replace('areas: [tijuana]', 'areas: [tijuna]'));
    const us = readFileSync(join(dir, 'referrals', 'us.yaml'), 'utf8');
    writeFileSync(join(dir, 'referrals', 'us.yaml'), us.replace('verified: 2026-11-22', 'verified: 2025-01-10').replace(/verified: 2026-11-22\n/, 'verified: 2026-06-01\n    valid_until: 2026-11-01\n'));
    // A missing translation, and a partner pointing at a country with no referrals.
    rmSync(join(dir, 'guidance', 'ht', 'fake-documents.md'));
    writeFileSync(join(dir, 'partners', 'far-away.yaml'), 'id: far-away\ncode: faraway\nname: Far Away\nlanguage: en\nregion:\n  country: GR\n');
    const { output, code } = await runContentCheck(dir, LOCALES, { color: false, today: '2026-11-22' });
    expect(code).toBe(1);
    expect(output).toMatch(/✗ referrals\/mx\.yaml:\d+: referrals\[\d+\]\.areas\[0\]: "tijuna" is not in this file's areas list/);
    expect(output).toMatch(/✗ partners\/far-away\.yaml: region\.country: there is no referrals\/gr\.yaml/);
    expect(output).toMatch(/! referrals\/us\.yaml: referrals\[0\] \(us-[a-z0-9-]+\): verified 2025-01-10, more than 180 days ago/);
    expect(output).toMatch(/! referrals\/us\.yaml: referrals\[\d+\] \(us-[a-z0-9-]+\): expired on 2026-11-01: it is no longer shown/);
    expect(output).toMatch(/! guidance\/ht\/fake-documents\.md: missing: people reading ht see the English page/);
    expect(output).toMatch(/fake-documents\s+(✓\s+){4}–/);
    expect(output).toMatch(/^2 error\(s\)/m);
  });
});

describe('faro content preview', { timeout: 120_000 }, () => {
  it('an editor adds a referral and sees it on the legal help screen of that city only', async () => {
    const dir = contentCopy();
    appendFileSync(join(dir, 'referrals', 'mx.yaml'), NEW_REFERRAL);
    expect((await runContentCheck(dir, LOCALES, { color: false, today: '2026-11-22' })).code).toBe(0);
    const tijuana = await runPreview({ contentDir: dir, localesDir: LOCALES, lang: 'es', country: 'MX', area: 'tijuana', screen: 'legal', color: false });
    expect(tijuana).toContain('Casa de Prueba para Editores');
    expect(tijuana).toContain('Teléfono: 664 000 0000');
    expect(tijuana).toContain('Gratis. Lleva una identificación si tienes.');
    expect(tijuana).toContain('Información revisada el 22 nov 2026.');
    const tapachula = await runPreview({ contentDir: dir, localesDir: LOCALES, lang: 'es', country: 'MX', area: 'tapachula', screen: 'legal', color: false });
    expect(tapachula).not.toContain('Casa de Prueba para Editores');
  });

  it('shows the answer to an offer as the bot gives it, with its buttons', async () => {
    const r = await faro(['content', 'preview', '--lang', 'fr', 'Pase directo a USA 100% garantizado, anticipo de 500 dólares por Elektra']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Risque élevé');
    expect(r.stdout).toContain('“100% garantizado”');
    expect(r.stdout).toMatch(/^\[ .+ \]/m);
  });

  it('explains a wrong option', async () => {
    const r = await faro(['content', 'preview', '--lang', 'es', '--country', 'XX', '--screen', 'legal']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--country XX: there is no referrals\/xx\.yaml\. Countries: CO, CR/);
  });
});
