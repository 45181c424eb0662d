import { join } from 'node:path';
import { z } from 'zod';
import { readYaml, yamlFilesIn, type ContentProblem } from './read-yaml.js';
import { LanguageCode } from './schemas.js';

export const Partner = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'use lower-case letters, digits and "-", e.g. casa-norte'),
  // Telegram start parameters allow only these characters, up to 64.
  code: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a code is 1-64 letters, digits, "_" or "-", e.g. casanorte_tj'),
  name: z.string().trim().min(1),
  language: LanguageCode,
  region: z.strictObject({ country: z.string().regex(/^[A-Z]{2}$/, 'write the country code in capitals, e.g. MX'), area: z.string().optional() }).optional(),
  contact: z.string().trim().min(1).optional(),
  active: z.boolean().default(true),
});
export type Partner = z.infer<typeof Partner>;

export interface LoadedPartners {
  partners: Partner[];
  problems: ContentProblem[];
  sources: string[];
}

/** Reads content/partners/*.yaml, one partner per file; the folder may be empty or absent. */
export async function loadPartners(contentDir: string): Promise<LoadedPartners> {
  const root = join(contentDir, 'partners');
  const partners: Partner[] = [];
  const problems: ContentProblem[] = [];
  const sources: string[] = [];
  // The folder may be absent: no partners yet.
  const names = (await yamlFilesIn(root)) ?? [];
  const codes = new Map<string, string>();
  for (const name of names) {
    const file = `partners/${name}`;
    const parsed = await readYaml(join(root, name), Partner, contentDir);
    sources.push(file, parsed.source);
    problems.push(...parsed.problems);
    const p = parsed.value;
    if (!p) continue;
    const key = p.code.toLowerCase();
    if (codes.has(key)) problems.push({ file, line: parsed.lineOf(['code']), path: 'code', message: `code "${p.code}" is already used by ${codes.get(key)}; codes must be unique` });
    codes.set(key, file);
    if (p.id !== name.replace(/\.ya?ml$/, '')) problems.push({ file, line: parsed.lineOf(['id']), path: 'id', message: `the id must be the file name: write "id: ${name.replace(/\.ya?ml$/, '')}"` });
    partners.push(p);
  }
  return { partners, problems, sources };
}
