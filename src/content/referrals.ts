import { join } from 'node:path';
import { z } from 'zod';
import { readYaml, yamlFilesIn, type ContentProblem } from './read-yaml.js';
import { IsoDate, LanguageCode as Lang } from './schemas.js';

export const NEEDS = ['emergency', 'legal_aid', 'shelter', 'trafficking', 'family_tracing', 'un_agency'] as const;
export type Need = (typeof NEEDS)[number];

export const SERVICES = [
  'police', 'ambulance', 'fire', 'legal_advice', 'asylum_help', 'shelter', 'food', 'health', 'psychological_support',
  'family_tracing', 'trafficking_help', 'extortion_help', 'children', 'women', 'information', 'complaints',
] as const;
export type Service = (typeof SERVICES)[number];

/** Short text in several languages; English is the fallback. */
export const TextMap = z.partialRecord(Lang, z.string().trim().min(1, 'this text is empty; write it or remove the line'));
export type TextMap = z.infer<typeof TextMap>;

const Slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lower-case letters, digits and "-", e.g. ciudad-juarez');

export const Area = z.strictObject({
  id: Slug,
  name: z.string().trim().min(1),
  state: z.string().trim().min(1).optional(),
});
export type Area = z.infer<typeof Area>;

export const Contact = z
  .strictObject({
    phone: z.string().regex(/^\+?[0-9][0-9 ()\-]{1,24}$/, 'write a phone number with digits, spaces or "-", in quotes, e.g. "800 5533 000"').optional(),
    whatsapp: z.string().regex(/^\+[1-9][0-9 ]{6,20}$/, 'write the WhatsApp number in international format, e.g. "+52 55 1234 5678"').optional(),
    web: z.url({ protocol: /^https?$/, error: 'write the full address, starting with https://' }).optional(),
    email: z.email({ error: 'write an e-mail address like name@example.org' }).optional(),
  })
  .refine((c) => c.phone || c.whatsapp || c.web || c.email, { message: 'give at least one way to reach them: phone, whatsapp, web or email' });
export type Contact = z.infer<typeof Contact>;

export const Referral = z.strictObject({
  id: z.string().regex(/^[a-z]{2}-[a-z0-9]+(-[a-z0-9]+)*$/, 'ids start with the country code, e.g. mx-comar'),
  name: z.string().trim().min(1, "write the organisation's name"),
  needs: z.array(z.enum(NEEDS, { error: () => `needs are: ${NEEDS.join(', ')}` })).min(1, 'say which need it answers'),
  services: z.array(z.enum(SERVICES, { error: () => `services are: ${SERVICES.join(', ')}` })).min(1, 'say what they do'),
  areas: z.array(Slug).default([]),
  languages: z.array(Lang).min(1, 'list the languages they speak'),
  contact: Contact,
  hours: z.union([z.literal('24h'), TextMap]).optional(),
  note: TextMap.optional(),
  source: z.url({ protocol: /^https?$/, error: "write the address of the organisation's own page, starting with https://" }),
  verified: IsoDate,
  valid_until: IsoDate.optional(),
});
export type Referral = z.infer<typeof Referral>;

export const CountryFile = z.strictObject({
  country: z.string().regex(/^[A-Z]{2}$/, 'write the country code in capitals, e.g. MX'),
  areas: z.array(Area).default([]),
  referrals: z.array(Referral).min(1, 'list at least one referral'),
});
export type CountryFile = z.infer<typeof CountryFile>;

export interface LoadedReferrals {
  countries: CountryFile[];
  problems: ContentProblem[];
  sources: string[];
}

/** Reads content/referrals/<cc>.yaml; the file name is the lower-case country code. */
export async function loadReferrals(contentDir: string): Promise<LoadedReferrals> {
  const root = join(contentDir, 'referrals');
  const countries: CountryFile[] = [];
  const problems: ContentProblem[] = [];
  const sources: string[] = [];
  const names = await yamlFilesIn(root);
  if (!names) return { countries, problems: [{ file: 'referrals', message: 'folder not found; create content/referrals/ with one file per country' }], sources };
  const ids = new Map<string, string>();
  for (const name of names) {
    const file = `referrals/${name}`;
    const parsed = await readYaml(join(root, name), CountryFile, contentDir);
    sources.push(file, parsed.source);
    problems.push(...parsed.problems);
    const c = parsed.value;
    if (!c) continue;
    const expected = name.replace(/\.ya?ml$/, '');
    if (c.country.toLowerCase() !== expected) {
      problems.push({ file, line: parsed.lineOf(['country']), path: 'country', message: `this file is named ${name}: write "country: ${expected.toUpperCase()}" or rename it to ${c.country.toLowerCase()}.yaml` });
    }
    const areaIds = new Set(c.areas.map((a) => a.id));
    c.referrals.forEach((r, i) => {
      const at = (key: PropertyKey[]) => ({ file, line: parsed.lineOf(['referrals', i, ...key]) });
      const seen = ids.get(r.id);
      if (seen) problems.push({ ...at(['id']), path: `referrals[${i}].id`, message: `"${r.id}" is already used in ${seen}; give each referral its own id` });
      ids.set(r.id, file);
      if (!r.id.startsWith(`${expected}-`)) problems.push({ ...at(['id']), path: `referrals[${i}].id`, message: `start the id with "${expected}-"` });
      r.areas.forEach((a, j) => {
        if (!areaIds.has(a)) problems.push({ ...at(['areas', j]), path: `referrals[${i}].areas[${j}]`, message: `"${a}" is not in this file's areas list (${[...areaIds].join(', ') || 'none'}); add it there or fix the spelling` });
      });
      if (r.valid_until && r.valid_until < r.verified) problems.push({ ...at(['valid_until']), path: `referrals[${i}].valid_until`, message: 'valid_until is before verified; check both dates' });
    });
    countries.push(c);
  }
  return { countries, problems, sources };
}
