import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type TFunction } from 'i18next';
import { LANGUAGES, type Language } from './content/schemas.js';

export type { TFunction };

export const RTL_LANGUAGES: ReadonlySet<Language> = new Set(['ar']);

export interface I18n {
  /** A translator fixed to one language, for one message; English fills any gap. */
  t(lang: Language): TFunction;
  languages: readonly Language[];
  /** Each language's own name, for the language picker. */
  nativeName(lang: Language): string;
  /** Words in any language that ask for this, lower-cased, e.g. keywords('emergency') has "ayuda". */
  keywords(kind: 'emergency' | 'greeting' | 'question'): string[];
}

/** Every locales/<lng>/<namespace>.json file, as i18next resources. */
export function readLocales(dir: string): Record<string, Record<string, unknown>> {
  const resources: Record<string, Record<string, unknown>> = {};
  for (const lang of LANGUAGES) {
    const folder = join(dir, lang);
    let names: string[];
    try {
      names = readdirSync(folder).filter((n) => n.endsWith('.json'));
    } catch {
      continue;
    }
    resources[lang] = {};
    for (const name of names) {
      const file = join(folder, name);
      try {
        resources[lang][name.replace(/\.json$/, '')] = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`${file}: not valid JSON (${(e as Error).message}); fix the file or restore it from git`);
      }
    }
  }
  return resources;
}

/**
 * One i18next instance for the whole server; never switched with changeLanguage.
 *
 * @example
 * const i18n = await createI18n('locales');
 * i18n.t('es')('menu.title') // "¿Qué quieres hacer?"
 */
export async function createI18n(localesDir: string): Promise<I18n> {
  const resources = readLocales(localesDir);
  if (!resources.en) throw new Error(`${join(localesDir, 'en')}: English strings are missing; they are the fallback for every language`);
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(resources.en),
    defaultNS: 'bot',
    // Replies are escaped by each channel's renderer, not here.
    interpolation: { escapeValue: false },
    returnNull: false,
    showSupportNotice: false,
  } as Parameters<typeof instance.init>[0]);

  const keywordCache = new Map<string, string[]>();
  return {
    languages: LANGUAGES,
    t: (lang) => instance.getFixedT(lang),
    nativeName: (lang) => instance.getFixedT(lang)('language_name'),
    keywords(kind) {
      let words = keywordCache.get(kind);
      if (!words) {
        const all = LANGUAGES.flatMap((l) => String(instance.getFixedT(l)(`keywords.${kind}`)).split(','));
        words = [...new Set(all.map((w) => w.trim().normalize('NFKC').toLowerCase()).filter(Boolean))];
        keywordCache.set(kind, words);
      }
      return words;
    },
  };
}
