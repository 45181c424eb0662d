import { FLAG_IDS } from '../checker/types.js';
import { readLocales } from '../i18n.js';
import { loadGuidance, type GuidancePage } from './guidance.js';
import { loadCheckerContent, type CheckerContent } from './load-checker.js';
import { loadPartners } from './partners.js';
import { ContentError, type ContentProblem } from './read-yaml.js';
import { loadReferrals } from './referrals.js';
import { LANGUAGES, type Language } from './schemas.js';

/** A verified date older than this is worth checking again. */
export const STALE_DAYS = 180;
const SOON_DAYS = 30;

export type Cell = 'ok' | 'missing' | 'outdated';

export interface ContentReport {
  errors: ContentProblem[];
  warnings: ContentProblem[];
  /** Guidance topic -> language -> state, English being the reference. */
  topics: Map<string, Record<Language, Cell>>;
  /** Per language: patterns, warning signs those patterns cover, UI strings missing. */
  languages: Record<Language, { patterns: number; flags: number; missingStrings: number }>;
  counts: { topics: number; referrals: number; countries: number; partners: number; patterns: number };
}

const days = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);

/**
 * Everything an editor needs to know about the content folder: what is wrong (errors), what
 * deserves a look (warnings: stale, expiring or expired facts, missing or outdated
 * translations), and how complete each language is.
 */
export async function checkContent(dir: string, options: { localesDir: string; today?: string }): Promise<ContentReport> {
  const today = options.today ?? new Date().toISOString().slice(0, 10);
  const errors: ContentProblem[] = [];
  const warnings: ContentProblem[] = [];

  let checker: CheckerContent | undefined;
  try {
    checker = await loadCheckerContent(dir);
    warnings.push(...checker.warnings);
  } catch (e) {
    if (!(e instanceof ContentError)) throw e;
    errors.push(...e.problems);
  }
  const [guidance, referrals, partners] = await Promise.all([loadGuidance(dir), loadReferrals(dir), loadPartners(dir)]);
  errors.push(...guidance.problems, ...referrals.problems, ...partners.problems);

  const dated = (file: string, where: string | undefined, verified: string, validUntil?: string) => {
    const at = where ? { file, path: where } : { file };
    if (validUntil && validUntil < today) {
      warnings.push({ ...at, message: `expired on ${validUntil}: it is no longer shown. Check the facts again, then update verified and valid_until` });
    } else if (validUntil && days(today, validUntil) <= SOON_DAYS) {
      warnings.push({ ...at, message: `expires on ${validUntil} (in ${days(today, validUntil)} days): check the facts and move valid_until` });
    }
    if (days(verified, today) > STALE_DAYS) {
      warnings.push({ ...at, message: `verified ${verified}, more than ${STALE_DAYS} days ago: check it against the source and update verified` });
    }
  };

  // Guidance: dates, translations, pages the bot relies on, signs without advice.
  const english = guidance.pages.filter((p) => p.language === 'en');
  const byKey = new Map(guidance.pages.map((p) => [`${p.language}/${p.id}`, p]));
  const topics = new Map<string, Record<Language, Cell>>();
  for (const page of guidance.pages) dated(page.file, undefined, page.verified, page.valid_until);
  for (const en of english) {
    const row = {} as Record<Language, Cell>;
    for (const lang of LANGUAGES) {
      const own = byKey.get(`${lang}/${en.id}`);
      if (!own) {
        row[lang] = 'missing';
        warnings.push({ file: `guidance/${lang}/${en.id}.md`, message: `missing: people reading ${lang} see the English page. Translate guidance/en/${en.id}.md` });
      } else if (outdated(own, en)) {
        row[lang] = 'outdated';
        warnings.push({ file: own.file, message: `flags, regions, sources or dates differ from guidance/en/${en.id}.md: update the translation to match the English page` });
      } else {
        row[lang] = 'ok';
      }
    }
    topics.set(en.id, row);
  }
  const answered = new Set(english.flatMap((p) => p.flags));
  for (const flag of FLAG_IDS) {
    if (flag !== 'smuggling_offer' && !answered.has(flag)) warnings.push({ file: 'guidance/en', message: `no page answers the warning sign "${flag}": add one with flags: [${flag}]` });
  }

  // Referrals and partners: dates and references between files.
  const countries = new Map(referrals.countries.map((c) => [c.country, c]));
  for (const c of referrals.countries) {
    c.referrals.forEach((r, i) => dated(`referrals/${c.country.toLowerCase()}.yaml`, `referrals[${i}] (${r.id})`, r.verified, r.valid_until));
  }
  for (const p of partners.partners) {
    const file = `partners/${p.id}.yaml`;
    if (!p.region) continue;
    const country = countries.get(p.region.country);
    if (!country) {
      errors.push({ file, path: 'region.country', message: `there is no referrals/${p.region.country.toLowerCase()}.yaml, so people from this partner would see no local help: add that file or fix the country code` });
    } else if (p.region.area && !country.areas.some((a) => a.id === p.region!.area)) {
      errors.push({ file, path: 'region.area', message: `"${p.region.area}" is not an area of referrals/${p.region.country.toLowerCase()}.yaml (${country.areas.map((a) => a.id).join(', ') || 'it has none'})` });
    }
  }
  for (const page of guidance.pages) {
    for (const region of page.regions) {
      if (!countries.has(region)) warnings.push({ file: page.file, path: 'regions', message: `${region} has no referrals file; check the country code` });
    }
  }

  // Languages: patterns per language and UI strings against English.
  const locales = readLocales(options.localesDir);
  const englishKeys = keysOf(locales.en);
  const languages = {} as ContentReport['languages'];
  for (const lang of LANGUAGES) {
    const own = checker?.patterns.patterns.filter((p) => p.language === lang && p.flag) ?? [];
    const ownKeys = keysOf(locales[lang]);
    const missing = [...englishKeys].filter((k) => !ownKeys.has(k));
    if (missing.length > 0) {
      warnings.push({ file: `locales/${lang}`, message: `${missing.length} UI string(s) missing, shown in English: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}` });
    }
    languages[lang] = { patterns: own.length, flags: new Set(own.map((p) => p.flag)).size, missingStrings: missing.length };
  }

  return {
    errors,
    warnings,
    topics,
    languages,
    counts: {
      topics: english.length,
      referrals: referrals.countries.reduce((n, c) => n + c.referrals.length, 0),
      countries: referrals.countries.length,
      partners: partners.partners.length,
      patterns: checker?.patterns.patterns.length ?? 0,
    },
  };
}

function outdated(page: GuidancePage, en: GuidancePage): boolean {
  const facts = (p: GuidancePage) => JSON.stringify([p.flags, p.regions, p.sources.map((s) => s.url), p.verified, p.valid_until ?? null]);
  return facts(page) !== facts(en);
}

const PLURAL = /_(zero|one|two|few|many|other)$/;

function keysOf(value: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const key = prefix ? `${prefix}.${k}` : k;
      if (typeof v === 'string') out.add(key.replace(PLURAL, ''));
      else for (const kk of keysOf(v, key)) out.add(kk);
    }
  }
  return out;
}
