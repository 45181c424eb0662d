import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGuidance, parseGuidancePage } from '../../src/content/guidance.js';
import { loadPartners } from '../../src/content/partners.js';
import { formatProblem } from '../../src/content/read-yaml.js';
import { loadReferrals } from '../../src/content/referrals.js';
import { LANGUAGES } from '../../src/content/schemas.js';
import { ROOT } from '../helpers/conversation.js';

const CONTENT = join(ROOT, 'content');

describe('the real guidance folder', async () => {
  const guidance = await loadGuidance(CONTENT);
  const english = guidance.pages.filter((p) => p.language === 'en');

  it('loads with no problems', () => {
    expect(guidance.problems.map(formatProblem)).toEqual([]);
    expect(english.length).toBeGreaterThan(0);
  });

  it.each(LANGUAGES)('has every topic in %s, with the same flags, sources and dates as English', (lang) => {
    for (const en of english) {
      const own = guidance.pages.find((p) => p.language === lang && p.id === en.id);
      expect(own, `content/guidance/${lang}/${en.id}.md is missing`).toBeDefined();
      expect({ flags: own!.flags, regions: own!.regions, verified: own!.verified, valid_until: own!.valid_until, urls: own!.sources.map((s) => s.url) }).toEqual({
        flags: en.flags, regions: en.regions, verified: en.verified, valid_until: en.valid_until, urls: en.sources.map((s) => s.url),
      });
    }
  });

  it('covers every warning sign but the base one with at least one page', () => {
    const covered = new Set(english.flatMap((p) => p.flags));
    for (const flag of ['guarantee', 'urgency', 'advance_payment', 'fake_documents', 'immigration_fraud', 'dangerous_route', 'minors', 'off_platform_contact', 'secrecy_control', 'job_debt', 'extortion', 'fake_legitimacy']) {
      expect(covered.has(flag as never), flag).toBe(true);
    }
  });
});

describe('the real referrals folder', async () => {
  const referrals = await loadReferrals(CONTENT);
  it('loads with no problems; every referral has a source and a verified date', () => {
    expect(referrals.problems.map(formatProblem)).toEqual([]);
    const all = referrals.countries.flatMap((c) => c.referrals);
    expect(all.length).toBeGreaterThan(10);
    for (const r of all) {
      expect(r.source, r.id).toMatch(/^https?:\/\//);
      expect(r.verified, r.id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('lists a phone number for every emergency entry, and gives every country a way to reach help', () => {
    for (const c of referrals.countries) {
      expect(c.referrals.length, c.country).toBeGreaterThan(0);
      for (const r of c.referrals.filter((x) => x.needs.includes('emergency'))) expect(r.contact.phone, r.id).toBeDefined();
    }
  });
});

describe('editor mistakes get clear messages', () => {
  it('a guidance page without front matter, with a wrong id or a bad flag', () => {
    expect(parseGuidancePage('Just text', 'guidance/en/x.md', 'en').problems[0]!.message).toMatch(/start the page with a front matter block/);
    const wrong = parseGuidancePage('---\nid: other\ntitle: T\nsummary: S\nflags: [money]\nsources:\n  - name: A\n    url: https://a.org\nverified: 2026-11-22\n---\nBody\n', 'guidance/en/x.md', 'en');
    const lines = wrong.problems.map(formatProblem);
    expect(lines).toContainEqual(expect.stringMatching(/^guidance\/en\/x\.md:5: flags\[0\]: "money" is not a warning sign/));
  });

  it('a referral file with a misspelt area, a duplicate id and a missing contact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faro-ref-'));
    mkdirSync(join(dir, 'referrals'));
    const entry = (id: string, extra: string) =>
      `  - id: ${id}\n    name: N\n    needs: [legal_aid]\n    services: [legal_advice]\n    languages: [es]\n    source: https://a.org\n    verified: 2026-11-22\n${extra}`;
    const web = '    contact:\n      web: https://a.org\n';
    writeFileSync(
      join(dir, 'referrals', 'mx.yaml'),
      `country: MX\nareas:\n  - id: tijuana\n    name: Tijuana\nreferrals:\n${entry('mx-a', `    areas: [tijuna]\n${web}`)}${entry('mx-a', web)}`,
    );
    writeFileSync(join(dir, 'referrals', 'gt.yaml'), `country: GT\nreferrals:\n${entry('gt-a', '    contact: {}\n')}`);
    const lines = (await loadReferrals(dir)).problems.map(formatProblem);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^referrals\/mx\.yaml:13: referrals\[0\]\.areas\[0\]: "tijuna" is not in this file's areas list \(tijuana\)/),
        expect.stringMatching(/^referrals\/mx\.yaml:\d+: referrals\[1\]\.id: "mx-a" is already used/),
        expect.stringMatching(/^referrals\/gt\.yaml:\d+: referrals\[0\]\.contact: give at least one way to reach them/),
      ]),
    );
  });

  it('two partners with the same code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faro-partners-'));
    mkdirSync(join(dir, 'partners'));
    writeFileSync(join(dir, 'partners', 'a.yaml'), 'id: a\ncode: same\nname: A\nlanguage: es\n');
    writeFileSync(join(dir, 'partners', 'b.yaml'), 'id: b\ncode: SAME\nname: B\nlanguage: es\n');
    expect((await loadPartners(dir)).problems.map(formatProblem)).toContainEqual(expect.stringMatching(/partners\/b\.yaml:2: code: code "SAME" is already used by partners\/a\.yaml/));
  });
});
