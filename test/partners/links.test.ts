import { describe, expect, it } from 'vitest';
import { partnerLinks } from '../../src/partners/links.js';

const partner = { code: 'casanorte_tj' };

describe('partnerLinks', () => {
  it('makes the three deep links with the partner code', () => {
    expect(partnerLinks(partner, { botUsername: 'faro_bot', whatsappNumber: '15551234567', publicUrl: 'https://faro.example.org' })).toEqual({
      telegram: 'https://t.me/faro_bot?start=casanorte_tj',
      whatsapp: 'https://wa.me/15551234567?text=casanorte_tj',
      web: 'https://faro.example.org/?start=casanorte_tj',
    });
  });

  it('keeps only the digits of the WhatsApp number, as wa.me wants', () => {
    expect(partnerLinks(partner, { whatsappNumber: '+1 (555) 123-4567' }).whatsapp).toBe('https://wa.me/15551234567?text=casanorte_tj');
    expect(partnerLinks(partner, { whatsappNumber: '+52 1 664 555 0100' }).whatsapp).toBe('https://wa.me/5216645550100?text=casanorte_tj');
  });

  it('drops an @ before the bot name and a trailing / after the web address', () => {
    expect(partnerLinks(partner, { botUsername: '@faro_bot' }).telegram).toBe('https://t.me/faro_bot?start=casanorte_tj');
    expect(partnerLinks(partner, { publicUrl: 'https://ngo.example.org/faro/' }).web).toBe('https://ngo.example.org/faro/?start=casanorte_tj');
  });

  it('percent-encodes the code', () => {
    // The partner schema allows only URL-safe codes; this guards the links if that ever changes.
    const links = partnerLinks({ code: 'a b&c=d' }, { botUsername: 'faro_bot', whatsappNumber: '15551234567', publicUrl: 'https://faro.example.org' });
    expect(links.telegram).toBe('https://t.me/faro_bot?start=a%20b%26c%3Dd');
    expect(links.whatsapp).toBe('https://wa.me/15551234567?text=a%20b%26c%3Dd');
    expect(links.web).toBe('https://faro.example.org/?start=a%20b%26c%3Dd');
    expect(new URL(links.whatsapp!).searchParams.get('text')).toBe('a b&c=d');
  });

  it('leaves out a channel whose setting is missing or empty', () => {
    expect(partnerLinks(partner, { whatsappNumber: '15551234567' })).toEqual({ whatsapp: 'https://wa.me/15551234567?text=casanorte_tj' });
    expect(partnerLinks(partner, { botUsername: '', whatsappNumber: '+ -', publicUrl: ' ' })).toEqual({});
    expect(partnerLinks(partner, {})).toEqual({});
  });
});
