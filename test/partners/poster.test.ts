import { resolve } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Language } from '../../src/content/schemas.js';
import { createI18n, type I18n } from '../../src/i18n.js';
import { posterFontFiles } from '../../src/partners/fonts.js';
import { partnerLinks, type PartnerLinks } from '../../src/partners/links.js';
import { renderPoster } from '../../src/partners/poster.js';
import { changedShare, darkShare, decodeQrs, qrBoxes, readPng, textOf } from './poster-helpers.js';

const ROOT = resolve(import.meta.dirname, '../..');
const ALL = { botUsername: 'faro_test_bot', whatsappNumber: '+1 555 123 4567', publicUrl: 'https://faro.example.org' };
const squash = (s: string) => s.replace(/\s+/g, '');

let i18n: I18n;
beforeAll(async () => {
  i18n = await createI18n(resolve(ROOT, 'locales'));
});

function poster(name: string, lang: Language, links: PartnerLinks) {
  return renderPoster({ partner: { name }, links, t: i18n.t(lang), lang, dpi: 200 });
}

/** The same SVG drawn without the fonts whose file name matches `drop`: what a missing font would give. */
function withoutFont(svg: string, png: Buffer, drop: RegExp): Buffer {
  return new Resvg(svg, {
    fitTo: { mode: 'width', value: readPng(png).width },
    background: '#fff',
    font: { fontFiles: posterFontFiles().filter((f) => !drop.test(f)), loadSystemFonts: false, defaultFontFamily: 'Noto Sans' },
  })
    .render()
    .asPng();
}

function band(svg: string, id: string): [number, number] {
  const { baselines, size } = textOf(svg, id);
  return [baselines[0]! - size, baselines.at(-1)! + size * 0.35];
}

describe('renderPoster', () => {
  it('draws QR codes that decode, from the PNG, to exactly the partner links', () => {
    const cases: PartnerLinks[] = [
      partnerLinks({ code: 'casanorte_tj' }, ALL),
      partnerLinks({ code: 'casanorte_tj' }, { botUsername: ALL.botUsername, publicUrl: ALL.publicUrl }),
      partnerLinks({ code: 'casanorte_tj' }, { whatsappNumber: ALL.whatsappNumber }),
    ];
    for (const links of cases) {
      const { svg, png } = poster('Casa Norte', 'es', links);
      expect(qrBoxes(svg).map((b) => b.channel).sort()).toEqual(Object.keys(links).sort());
      expect(decodeQrs(svg, png)).toEqual(links);
    }
  });

  it("is an A4 page with the partner's name, and the invitation and labels in the partner's language", () => {
    const links = partnerLinks({ code: 'casanorte_tj' }, ALL);
    const { svg, png } = poster('Casa Norte & Amigos <TJ>', 'es', links);
    expect(svg).toMatch(/<svg [^>]*width="210mm" height="297mm"/);
    expect(textOf(svg, 'partner-name').text).toBe('Casa Norte & Amigos <TJ>');
    const es = i18n.t('es');
    expect(es('poster.invitation')).not.toBe(i18n.t('en')('poster.invitation'));
    expect(squash(textOf(svg, 'invitation').text)).toBe(squash(es('poster.invitation')));
    expect(squash(textOf(svg, 'free').text)).toBe(squash(es('poster.free')));
    expect(textOf(svg, 'label-web').text).toBe('Chat web');
    expect(textOf(svg, 'label-telegram').text).toBe('Telegram');
    for (const channel of ['telegram', 'whatsapp', 'web'] as const) {
      expect(textOf(svg, `link-${channel}`).text.replace(/\s+/g, '')).toBe(links[channel]);
    }
    const png8 = png.subarray(0, 8);
    expect(png8.equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
    const image = readPng(png);
    expect(image.width / image.height).toBeCloseTo(210 / 297, 2);
  });

  it('writes an Arabic poster right to left, with the codes on the right and the links left to right', () => {
    const links = partnerLinks({ code: 'amal_ist' }, ALL);
    const { svg, png } = poster('جمعية الأمل', 'ar', links);
    const invitation = textOf(svg, 'invitation');
    expect(squash(invitation.text)).toBe(squash(i18n.t('ar')('poster.invitation')));
    expect(invitation.text).toMatch(/[\u0600-\u06FF]/);
    expect(invitation.attrs).toContain('direction="rtl"');
    expect(svg).toMatch(/<svg [^>]*xml:lang="ar" direction="rtl"/);
    expect(textOf(svg, 'link-whatsapp').attrs).toContain('direction="ltr"');
    for (const box of qrBoxes(svg)) expect(box.x).toBeGreaterThan(1050);
    expect(decodeQrs(svg, png)).toEqual(links);
    // Drawn with the Arabic font: without it the same text comes out as empty boxes.
    const [top, bottom] = band(svg, 'invitation');
    expect(darkShare(png, top, bottom)).toBeGreaterThan(0.04);
    expect(changedShare(png, withoutFont(svg, png, /Arabic/), top, bottom)).toBeGreaterThan(0.08);
  });

  it('draws Chinese text with the Chinese font, not blank and not boxes', () => {
    const { svg, png } = poster('华人互助中心', 'zh', partnerLinks({ code: 'huaren_ny' }, ALL));
    expect(squash(textOf(svg, 'invitation').text)).toBe(squash(i18n.t('zh')('poster.invitation')));
    const [top, bottom] = band(svg, 'invitation');
    expect(darkShare(png, top, bottom)).toBeGreaterThan(0.04);
    expect(changedShare(png, withoutFont(svg, png, /Hans/), top, bottom)).toBeGreaterThan(0.08);
    const [nameTop, nameBottom] = band(svg, 'partner-name');
    expect(darkShare(png, nameTop, nameBottom)).toBeGreaterThan(0.02);
  });

  it('refuses to draw a poster with no link', () => {
    expect(() => poster('Casa Norte', 'es', {})).toThrow(/at least one link/);
  });
});
