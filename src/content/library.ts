import type { FlagId } from '../checker/types.js';
import type { GuidancePage } from './guidance.js';
import type { Partner } from './partners.js';
import type { Area, CountryFile, Need, Referral } from './referrals.js';
import type { Language } from './schemas.js';

export interface Region {
  country: string;
  area?: string | null;
}

/** Read-only queries over the editors' guidance, referrals and partners. */
export interface Library {
  /** Topics for the advice menu, in `lang` where translated, else English. */
  topics(lang: Language): GuidancePage[];
  page(id: string, lang: Language): GuidancePage | undefined;
  /** Pages answering these flags (most important flag first), for one country if given. */
  guidanceFor(flags: readonly FlagId[], lang: Language, country?: string | null): GuidancePage[];
  countries(): string[];
  areas(country: string): Area[];
  /** Referrals for a region and needs, those speaking `lang` first; expired entries never appear. */
  referralsFor(region: Region, needs: readonly Need[], lang: Language): Referral[];
  partnerByCode(code: string): Partner | undefined;
  /** Every partner, active or not, for the trends dashboard. */
  partners(): Partner[];
}

export interface LibraryOptions {
  /** Today as YYYY-MM-DD; facts whose valid_until has passed are hidden. */
  today?: () => string;
}

const isoToday = () => new Date().toISOString().slice(0, 10);

export function createLibrary(
  content: { pages: GuidancePage[]; countries: CountryFile[]; partners: Partner[] },
  options: LibraryOptions = {},
): Library {
  const today = options.today ?? isoToday;
  const current = (x: { valid_until?: string }) => !x.valid_until || x.valid_until >= today();
  const byLang = new Map<string, GuidancePage>();
  for (const p of content.pages) byLang.set(`${p.language}/${p.id}`, p);
  const englishIds = content.pages.filter((p) => p.language === 'en').map((p) => p.id);
  const countries = new Map(content.countries.map((c) => [c.country, c]));
  const partners = new Map(content.partners.map((p) => [p.code.toLowerCase(), p]));

  function page(id: string, lang: Language): GuidancePage | undefined {
    const own = byLang.get(`${lang}/${id}`);
    if (own && current(own)) return own;
    const en = byLang.get(`en/${id}`);
    return en && current(en) ? en : undefined;
  }

  return {
    page,
    topics: (lang) => englishIds.map((id) => page(id, lang)).filter((p): p is GuidancePage => p !== undefined),
    guidanceFor(flags, lang, country) {
      const out: GuidancePage[] = [];
      for (const flag of flags) {
        const candidates = englishIds
          .map((id) => page(id, lang))
          .filter((p): p is GuidancePage => !!p && p.flags.includes(flag) && (p.regions.length === 0 || (!!country && p.regions.includes(country))))
          // A page whose first flag is this one is about it; others only mention it.
          .sort((a, b) => a.flags.indexOf(flag) - b.flags.indexOf(flag));
        for (const p of candidates) if (!out.some((o) => o.id === p.id)) out.push(p);
      }
      return out;
    },
    countries: () => [...countries.keys()].sort(),
    areas: (country) => countries.get(country)?.areas ?? [],
    referralsFor(region, needs, lang) {
      const file = countries.get(region.country);
      if (!file) return [];
      const area = region.area ?? null;
      const fits = (r: Referral) =>
        current(r) && r.needs.some((n) => needs.includes(n)) && (r.areas.length === 0 || (area !== null && r.areas.includes(area)));
      const rank = (r: Referral) => (r.areas.length > 0 ? 0 : 2) + (r.languages.includes(lang) ? 0 : 1);
      return file.referrals.filter(fits).sort((a, b) => rank(a) - rank(b));
    },
    partners: () => [...content.partners],
    partnerByCode(code) {
      const p = partners.get(code.toLowerCase());
      return p && p.active ? p : undefined;
    },
  };
}
