import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { LANGUAGES } from '../../src/content/schemas.js';
import { createI18n, readLocales } from '../../src/i18n.js';
import { ROOT } from '../helpers/conversation.js';

const resources = readLocales(join(ROOT, 'locales'));
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') out.set(prefix, value);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) for (const [kk, vv] of flatten(v, prefix ? `${prefix}.${k}` : k)) out.set(kk, vv);
  }
  return out;
}

const english = flatten(resources.en);
const base = (key: string) => key.replace(PLURAL, '');
const placeholders = (s: string) => [...s.matchAll(/\{\{\s*(\w+)[^}]*\}\}/g)].map((m) => m[1]).sort();

describe.each(LANGUAGES)('locale %s', (lang) => {
  const own = flatten(resources[lang]);

  it('has every key of English and no other', () => {
    expect(resources[lang], `locales/${lang}/ is missing`).toBeDefined();
    expect([...new Set([...own.keys()].map(base))].sort()).toEqual([...new Set([...english.keys()].map(base))].sort());
  });

  it('has no empty string', () => {
    for (const [key, value] of own) expect(value.trim(), `${lang}: ${key}`).not.toBe('');
  });

  it('keeps every {{placeholder}} of the English string', () => {
    for (const [key, value] of own) {
      if (PLURAL.test(key)) {
        // Plural forms may show the number or not ("one message" vs "21 сообщение"), nothing else.
        const allowed = placeholders(english.get(`${base(key)}_other`) ?? '');
        for (const p of placeholders(value)) expect(allowed, `${lang}: ${key}`).toContain(p);
      } else if (english.has(key)) {
        expect(placeholders(value), `${lang}: ${key}`).toEqual(placeholders(english.get(key)!));
      }
    }
  });

  it('has every plural form the language needs', () => {
    const plurals = [...new Set([...english.keys()].filter((k) => PLURAL.test(k)).map(base))];
    const categories = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    for (const key of plurals) for (const c of categories) expect(own.has(`${key}_${c}`), `${lang}: ${key}_${c}`).toBe(true);
  });

  it('keeps button labels short enough for a phone screen', () => {
    const buttons = ['menu.check', 'menu.advice', 'menu.legal', 'menu.emergency', 'menu.language', 'menu.privacy', 'menu.back', 'check.legal_near', 'check.another', 'check.report', 'check.feedback_useful', 'check.feedback_wrong', 'privacy.forget_button', 'region.change'];
    for (const key of buttons) expect([...(own.get(`bot.${key}`) ?? '')].length, `${lang}: ${key}`).toBeLessThanOrEqual(30);
  });
});

describe('i18n', () => {
  it('falls back to English for a key a language lacks, and fixes the language per message', async () => {
    const i18n = await createI18n(join(ROOT, 'locales'));
    expect(i18n.t('es')('menu.title')).not.toBe(i18n.t('en')('menu.title'));
    expect(i18n.t('es')('no.such.key.anywhere')).toBe('no.such.key.anywhere');
    expect(i18n.t('en')('check.merged', { count: 1 })).toBe('I read your message.');
    expect(i18n.t('en')('check.merged', { count: 3 })).toBe('I read your 3 messages together.');
  });

  it('gathers cries for help from every language', async () => {
    const i18n = await createI18n(join(ROOT, 'locales'));
    expect(i18n.keywords('emergency')).toEqual(expect.arrayContaining(['help', 'ayuda']));
  });
});
