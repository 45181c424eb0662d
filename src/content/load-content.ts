import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createChecker, type Checker } from '../checker/check-offer.js';
import { loadCheckerContent, type CheckerContent } from './load-checker.js';
import { loadGuidance } from './guidance.js';
import { createLibrary, type Library, type LibraryOptions } from './library.js';
import { loadPartners } from './partners.js';
import { ContentError, type ContentProblem } from './read-yaml.js';
import { loadReferrals } from './referrals.js';

/** Everything the server serves from content/, built together so one reload swaps it all. */
export interface Content {
  checker: Checker;
  library: Library;
  fingerprint: string;
  warnings: ContentProblem[];
}

/**
 * Loads and validates the whole content folder. Throws a ContentError listing every problem.
 *
 * @example
 * const content = await loadContent('content');
 * content.checker.checkOffer('pase directo, 100% seguro');
 */
export async function loadContent(dir: string, options: LibraryOptions = {}): Promise<Content> {
  return createContentLoader(options)(dir);
}

/** Hash of the files the checker is compiled from (patterns and offer lexicon, not caches). */
async function checkerSourcesHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const patterns = join(dir, 'patterns');
  const names = (await readdir(patterns).catch(() => [] as string[])).filter((n) => !n.startsWith('.')).sort();
  for (const name of names) hash.update(name).update(await readFile(join(patterns, name)).catch(() => Buffer.alloc(0)));
  hash.update(await readFile(join(dir, 'offer.yaml')).catch(() => Buffer.alloc(0)));
  return hash.digest('hex');
}

/**
 * A loader that remembers the compiled checker: when only guidance, referrals or partners
 * changed, a reload skips compiling the patterns and takes milliseconds instead of seconds.
 * The pattern files' hash is taken before reading them, so an edit made during a load is never
 * mistaken for the cached version.
 */
export function createContentLoader(
  options: LibraryOptions & { compile?: (dir: string) => Promise<CheckerContent> } = {},
): (dir: string) => Promise<Content> {
  const compileChecker = options.compile ?? loadCheckerContent;
  let cached: { key: string; checker: CheckerContent } | undefined;
  return async (dir) => {
    const key = `${dir}\0${await checkerSourcesHash(dir)}`;
    const compile = cached?.key === key ? Promise.resolve(cached.checker) : compileChecker(dir);
    const { content, checker } = await loadWith(dir, compile, options);
    cached = { key, checker };
    return content;
  };
}

async function loadWith(dir: string, compile: Promise<CheckerContent>, options: LibraryOptions): Promise<{ content: Content; checker: CheckerContent }> {
  const [checkerContent, guidance, referrals, partners] = await Promise.all([
    compile.catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
    loadGuidance(dir),
    loadReferrals(dir),
    loadPartners(dir),
  ]);
  const problems = [
    ...(checkerContent instanceof ContentError ? checkerContent.problems : []),
    ...guidance.problems,
    ...referrals.problems,
    ...partners.problems,
  ];
  if (checkerContent instanceof Error && !(checkerContent instanceof ContentError)) throw checkerContent;
  if (problems.length > 0 || checkerContent instanceof Error) throw new ContentError(problems);
  const cc = checkerContent;

  const library = createLibrary({ pages: guidance.pages, countries: referrals.countries, partners: partners.partners }, options);
  const hash = createHash('sha256').update(cc.fingerprint);
  for (const s of [...guidance.sources, ...referrals.sources, ...partners.sources]) hash.update(s);
  const checker = createChecker({
    patterns: cc.patterns,
    offer: cc.offer,
    guidanceFor: (flags) => library.guidanceFor(flags, 'en').map((p) => p.id),
  });
  return { content: { checker, library, fingerprint: hash.digest('hex').slice(0, 12), warnings: cc.warnings }, checker: cc };
}
