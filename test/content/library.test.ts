import { describe, expect, it } from 'vitest';
import type { GuidancePage } from '../../src/content/guidance.js';
import { createLibrary } from '../../src/content/library.js';
import type { CountryFile, Referral } from '../../src/content/referrals.js';

const page = (id: string, language: GuidancePage['language'], extra: Partial<GuidancePage> = {}): GuidancePage => ({
  id, language, title: `${id} ${language}`, summary: `do ${id}`, flags: [], regions: [], sources: [{ name: 'S', url: 'https://s.example' }],
  verified: '2026-11-01', body: 'text', file: `guidance/${language}/${id}.md`, ...extra,
});

const referral = (id: string, extra: Partial<Referral> = {}): Referral => ({
  id, name: id, needs: ['legal_aid'], services: ['legal_advice'], areas: [], languages: ['es'], contact: { web: 'https://r.example' },
  source: 'https://r.example', verified: '2026-11-01', ...extra,
});

const mx: CountryFile = {
  country: 'MX',
  areas: [{ id: 'tijuana', name: 'Tijuana' }, { id: 'tapachula', name: 'Tapachula' }],
  referrals: [
    referral('mx-national'),
    referral('mx-tijuana-shelter', { needs: ['shelter'], areas: ['tijuana'] }),
    referral('mx-tapachula-legal', { areas: ['tapachula'] }),
    referral('mx-english', { languages: ['en'] }),
    referral('mx-expired', { valid_until: '2026-11-20' }),
    referral('mx-911', { needs: ['emergency'], contact: { phone: '911' } }),
  ],
};

const library = createLibrary(
  {
    pages: [
      page('pay', 'en', { flags: ['advance_payment'] }),
      page('pay', 'es', { flags: ['advance_payment'] }),
      page('docs', 'en', { flags: ['fake_documents', 'advance_payment'] }),
      page('program', 'en', { flags: ['immigration_fraud'], valid_until: '2026-11-21' }),
      page('program', 'es', { flags: ['immigration_fraud'], valid_until: '2026-11-21' }),
      page('mexico-only', 'en', { flags: ['advance_payment'], regions: ['MX'] }),
    ],
    countries: [mx],
    partners: [
      { id: 'casa', code: 'Casa_TJ', name: 'Casa', language: 'es', region: { country: 'MX', area: 'tijuana' }, active: true },
      { id: 'old', code: 'old', name: 'Old', language: 'fr', active: false },
    ],
  },
  { today: () => '2026-11-22' },
);

describe('library', () => {
  it('shows a page in the person\'s language, English when it is not translated', () => {
    expect(library.page('pay', 'es')?.language).toBe('es');
    expect(library.page('docs', 'es')?.language).toBe('en');
    expect(library.topics('es').map((p) => `${p.id}/${p.language}`)).toEqual(['pay/es', 'docs/en', 'mexico-only/en']);
  });

  it('never shows a fact after its valid_until', () => {
    expect(library.page('program', 'es')).toBeUndefined();
    expect(library.guidanceFor(['immigration_fraud'], 'en')).toEqual([]);
    expect(library.referralsFor({ country: 'MX' }, ['legal_aid'], 'es').map((r) => r.id)).not.toContain('mx-expired');
  });

  it('orders advice by flag, pages about the flag before pages that only mention it, and honours regions', () => {
    expect(library.guidanceFor(['advance_payment'], 'en').map((p) => p.id)).toEqual(['pay', 'docs']);
    expect(library.guidanceFor(['advance_payment'], 'en', 'MX').map((p) => p.id)).toEqual(['pay', 'mexico-only', 'docs']);
    expect(library.guidanceFor(['fake_documents', 'advance_payment'], 'en').map((p) => p.id)).toEqual(['docs', 'pay']);
  });

  it('filters referrals by area and need, local ones and those speaking the language first', () => {
    expect(library.referralsFor({ country: 'MX', area: 'tijuana' }, ['legal_aid', 'shelter'], 'es').map((r) => r.id)).toEqual([
      'mx-tijuana-shelter',
      'mx-national',
      'mx-english',
    ]);
    expect(library.referralsFor({ country: 'MX', area: 'tijuana' }, ['legal_aid', 'shelter'], 'en').map((r) => r.id)[1]).toBe('mx-english');
    expect(library.referralsFor({ country: 'MX' }, ['emergency'], 'es').map((r) => r.id)).toEqual(['mx-911']);
    expect(library.referralsFor({ country: 'GT' }, ['emergency'], 'es')).toEqual([]);
  });

  it('finds active partners by code, any case; inactive or unknown codes give nothing', () => {
    expect(library.partnerByCode('casa_tj')?.id).toBe('casa');
    expect(library.partnerByCode('old')).toBeUndefined();
    expect(library.partnerByCode('nope')).toBeUndefined();
  });
});
