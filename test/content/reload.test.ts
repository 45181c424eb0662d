import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCheckerContent } from '../../src/content/load-checker.js';
import { createContentLoader, type Content } from '../../src/content/load-content.js';
import { createContentStore, type ContentStore } from '../../src/content/store.js';
import { contentCopy } from '../helpers/conversation.js';

let store: ContentStore<Content> | undefined;
afterEach(() => store?.close());

async function until(predicate: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > end) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const phoneOf = (s: ContentStore<Content>, id: string) =>
  s.current().library.referralsFor({ country: 'MX' }, ['trafficking'], 'es').find((r) => r.id === id)?.contact.phone;

// Atomic saves, as editors' tools do: write aside, then rename over the file.
function save(file: string, text: string) {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

describe('the running server and edits to guidance and referrals', { timeout: 90_000 }, () => {
  it('picks up a valid change, keeps the last good content on an invalid one, and recovers', async () => {
    const dir = contentCopy();
    const errors: string[][] = [];
    let compiled = 0;
    const compile = (d: string) => (compiled++, loadCheckerContent(d));
    store = await createContentStore(dir, createContentLoader({ compile }), { watch: true, debounceMs: 100, onError: (p) => errors.push(p) });
    const file = join(dir, 'referrals', 'mx.yaml');
    const original = readFileSync(file, 'utf8');
    expect(phoneOf(store, 'mx-consejo-ciudadano-trata')).toBe('800 5533 000');

    save(file, original.replace('"800 5533 000"', '"800 5533 001"'));
    await until(() => phoneOf(store!, 'mx-consejo-ciudadano-trata') === '800 5533 001', 'the new phone number');
    // Only referrals changed: the compiled patterns are reused, not rebuilt.
    expect(compiled).toBe(1);

    const version = store.status().version;
    save(file, original.replace('"800 5533 000"', '"call us"'));
    await until(() => errors.length > 0, 'the refused change');
    expect(errors[0]!.join('\n')).toMatch(/referrals\/mx\.yaml:\d+: referrals\[\d+\]\.contact\.phone: write a phone number/);
    expect(store.status()).toMatchObject({ version, lastError: { problems: [expect.stringMatching(/referrals\/mx\.yaml/)] } });
    expect(phoneOf(store, 'mx-consejo-ciudadano-trata')).toBe('800 5533 001');

    save(file, original);
    await until(() => phoneOf(store!, 'mx-consejo-ciudadano-trata') === '800 5533 000', 'the fixed file');
    expect(store.status().lastError).toBeUndefined();
  });

  it('a deleted page the bot needs is refused; a deleted translation falls back to English', async () => {
    const dir = contentCopy();
    const errors: string[][] = [];
    let reloads = 0;
    store = await createContentStore(dir, createContentLoader(), { watch: true, debounceMs: 100, onError: (p) => errors.push(p), onReload: () => reloads++ });

    rmSync(join(dir, 'guidance', 'en', 'report-an-ad.md'));
    await until(() => errors.length > 0, 'the refused deletion');
    expect(errors[0]!.join('\n')).toMatch(/guidance\/en\/report-an-ad\.md: missing: the bot opens this page/);
    expect(store.current().library.page('report-an-ad', 'en')).toBeDefined();

    writeFileSync(join(dir, 'guidance', 'en', 'report-an-ad.md'), readFileSync(join(contentCopy(), 'guidance', 'en', 'report-an-ad.md')));
    await until(() => reloads > 0 && !store!.status().lastError, 'the restored page');

    rmSync(join(dir, 'guidance', 'es', 'fake-documents.md'));
    await until(() => store!.current().library.page('fake-documents', 'es')?.language === 'en', 'the English fallback');
  });

  it('a deleted country file removes that country', async () => {
    const dir = contentCopy();
    store = await createContentStore(dir, createContentLoader(), { watch: true, debounceMs: 100 });
    expect(store.current().library.countries()).toContain('TR');
    rmSync(join(dir, 'referrals', 'tr.yaml'));
    await until(() => !store!.current().library.countries().includes('TR'), 'TR gone');
  });
});
