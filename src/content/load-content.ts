import { createHash } from 'node:crypto';
import { createChecker, type Checker } from '../checker/check-offer.js';
import { loadCheckerContent } from './load-checker.js';
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
  const [checkerContent, guidance, referrals, partners] = await Promise.all([
    loadCheckerContent(dir).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))),
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
  return { checker, library, fingerprint: hash.digest('hex').slice(0, 12), warnings: cc.warnings };
}
