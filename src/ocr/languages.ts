import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Language } from '../content/schemas.js';

/**
 * Traineddata codes read from the `@tesseract.js-data/<code>` npm packages (their LSTM-only
 * "4.0.0_best_int" files). npm has no `@tesseract.js-data/rus`: Russian falls back to Belarusian
 * (`bel`, Cyrillic; it reads ы, э, ё, й and most of Russian, but misreads щ and ъ) unless a real
 * `rus.traineddata` is found in the operator's OCR_TESSDATA_DIR, e.g. Debian's tesseract-ocr-rus.
 */
export const NPM_TRAINEDDATA = ['eng', 'spa', 'por', 'fra', 'hat', 'tur', 'ara', 'chi_sim', 'bel'] as const;

export type Script = 'latin' | 'arabic' | 'han' | 'cyrillic';

/** The traineddata sets workers are made for: one per script, so few workers serve everyone. */
export interface LanguageSets {
  latin: string;
  arabic: string;
  han: string;
  cyrillic: string;
  /** Second chance for a screenshot the first set read badly (wrong hint, unknown person). */
  other: string;
}

/**
 * @param tessdataDir a folder of extra `<code>.traineddata[.gz]` files; `rus` there replaces the Belarusian fallback.
 * @example
 * languageSets().cyrillic // "bel+eng" (no rus.traineddata given)
 */
export function languageSets(tessdataDir?: string): LanguageSets {
  const rus = !!tessdataDir && (existsSync(join(tessdataDir, 'rus.traineddata')) || existsSync(join(tessdataDir, 'rus.traineddata.gz')));
  const cyr = rus ? 'rus' : 'bel';
  return {
    // English first: it reads the Spanish, Portuguese, French, Haitian and Turkish letters too, and
    // Tesseract retries a word it is unsure of with the other languages of the set.
    latin: 'eng+spa+por+fra+hat+tur',
    arabic: 'ara+eng',
    han: 'chi_sim+eng',
    cyrillic: `${cyr}+eng`,
    other: `ara+chi_sim+${cyr}+eng`,
  };
}

const SCRIPT_OF: Record<Language, Script> = { es: 'latin', en: 'latin', pt: 'latin', fr: 'latin', ht: 'latin', tr: 'latin', ar: 'arabic', zh: 'han', ru: 'cyrillic' };

export const scriptOf = (lang: Language): Script => SCRIPT_OF[lang];

/** The script a caption is written in, when it is not Latin; a hint for the image beside it. */
export function scriptOfText(text: string | undefined): Script | undefined {
  if (!text) return undefined;
  if (/[\u0600-\u06FF]/.test(text)) return 'arabic';
  if (/\p{Script=Han}/u.test(text)) return 'han';
  if (/\p{Script=Cyrillic}/u.test(text)) return 'cyrillic';
  if (/\p{Script=Latin}{3}/u.test(text)) return 'latin';
  return undefined;
}

/**
 * The sets to try, in order: the person's script first (Latin when unknown), then a second set
 * for a screenshot in another script, used only when the first reads badly.
 */
export function plan(sets: LanguageSets, script: Script | undefined): [string, string] {
  const first = sets[script ?? 'latin'];
  return [first, first === sets.latin ? sets.other : sets.latin];
}

const require = createRequire(import.meta.url);

/** The codes of a set ("ara+eng") that neither the operator's folder nor an npm package provides. */
export function missingTraineddata(langs: string, tessdataDir?: string): string[] {
  return langs.split('+').filter((code) => {
    if (tessdataDir && (existsSync(join(tessdataDir, `${code}.traineddata`)) || existsSync(join(tessdataDir, `${code}.traineddata.gz`)))) return false;
    try {
      require.resolve(`@tesseract.js-data/${code}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
}
