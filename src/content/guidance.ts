import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { parseYaml, type ContentProblem } from './read-yaml.js';
import { FlagId, IsoDate, LANGUAGES, type Language } from './schemas.js';

export const Source = z.strictObject({
  name: z.string().trim().min(1, 'name the organisation'),
  url: z.url({ protocol: /^https?$/, error: 'write the full address, starting with https://' }),
});
export type Source = z.infer<typeof Source>;

export const GuidanceFrontMatter = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'ids are lower-case words joined by "-", e.g. no-advance-payment'),
  title: z.string().trim().min(1, 'give the page a short title'),
  summary: z.string().trim().min(1, 'write one sentence: the most useful next step').max(200, 'keep the summary to one short sentence (at most 200 characters)'),
  flags: z.array(FlagId).default([]),
  regions: z.array(z.string().regex(/^[A-Z]{2}$/, 'write country codes in capitals, e.g. MX')).default([]),
  sources: z.array(Source).min(1, 'give at least one source: the organisation page the advice comes from'),
  verified: IsoDate,
  valid_until: IsoDate.optional(),
});
export type GuidanceFrontMatter = z.infer<typeof GuidanceFrontMatter>;

export interface GuidancePage extends GuidanceFrontMatter {
  language: Language;
  /** Markdown, one sentence per line. */
  body: string;
  file: string;
}

export interface LoadedGuidance {
  pages: GuidancePage[];
  problems: ContentProblem[];
  sources: string[];
}

const FRONT = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/;

/** Parses one guidance page: YAML front matter between `---` lines, then the Markdown body. */
export function parseGuidancePage(source: string, file: string, language: Language): { page?: GuidancePage; problems: ContentProblem[] } {
  const m = FRONT.exec(source);
  if (!m) {
    return { problems: [{ file, line: 1, message: 'start the page with a front matter block: a line "---", the fields (id, title, summary, flags, sources, verified), and another "---"' }] };
  }
  const parsed = parseYaml(m[1]!, file, GuidanceFrontMatter);
  // The front matter starts on line 2 of the file.
  const problems: ContentProblem[] = parsed.problems.map((p) => ({ ...p, line: p.line ? p.line + 1 : undefined }));
  const body = m[2]!.trim();
  if (!body) problems.push({ file, message: 'the page has no text after the front matter' });
  const expected = file.split('/').pop()!.replace(/\.md$/, '');
  if (parsed.value && parsed.value.id !== expected) {
    problems.push({ file, line: 2, path: 'id', message: `the id must be the file name: write "id: ${expected}" or rename the file to ${parsed.value.id}.md` });
  }
  if (parsed.value?.valid_until && parsed.value.valid_until < parsed.value.verified) {
    problems.push({ file, path: 'valid_until', message: 'valid_until is before verified; check both dates' });
  }
  if (problems.length > 0 || !parsed.value) return { problems };
  return { page: { ...parsed.value, language, body, file }, problems };
}

/** Reads content/guidance/<lng>/*.md for every language folder present. */
export async function loadGuidance(contentDir: string): Promise<LoadedGuidance> {
  const root = join(contentDir, 'guidance');
  const pages: GuidancePage[] = [];
  const problems: ContentProblem[] = [];
  const sources: string[] = [];
  let folders: string[];
  try {
    folders = (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return { pages, problems: [{ file: 'guidance', message: 'folder not found; create content/guidance/en/ with the English pages' }], sources };
  }
  for (const folder of folders) {
    if (!(LANGUAGES as readonly string[]).includes(folder)) {
      problems.push({ file: `guidance/${folder}`, message: `"${folder}" is not one of Faro's languages (${LANGUAGES.join(', ')}); rename the folder` });
      continue;
    }
    const names = (await readdir(join(root, folder))).filter((n) => n.endsWith('.md')).sort();
    for (const name of names) {
      const file = `guidance/${folder}/${name}`;
      const source = await readFile(join(root, folder, name), 'utf8');
      sources.push(file, source);
      const parsed = parseGuidancePage(source, file, folder as Language);
      problems.push(...parsed.problems);
      if (parsed.page) pages.push(parsed.page);
    }
  }
  const english = new Set(pages.filter((p) => p.language === 'en').map((p) => p.id));
  for (const page of pages) {
    if (page.language !== 'en' && !english.has(page.id)) {
      problems.push({ file: page.file, message: `there is no English page guidance/en/${page.id}.md: English is the reference; add it, or rename this file to match an English page` });
    }
  }
  for (const [id, usedBy] of Object.entries(REQUIRED_PAGES)) {
    if (!english.has(id)) problems.push({ file: `guidance/en/${id}.md`, message: `missing: the bot opens this page for ${usedBy}; restore it (git checkout) or write it again` });
  }
  return { pages, problems, sources };
}

/** Guidance pages the bot itself opens by id; they must exist in English. */
export const REQUIRED_PAGES: Record<string, string> = {
  'report-an-ad': 'the "how to report this ad" button',
  'kidnapping-and-extortion': 'the emergency screen',
  'no-guarantee': 'next steps when few signs are found',
  'no-advance-payment': 'next steps when few signs are found',
};
