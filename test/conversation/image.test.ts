import { beforeAll, describe, expect, it } from 'vitest';
import { respond } from '../../src/conversation/respond.js';
import type { ImageReading, Inbound } from '../../src/conversation/types.js';
import { excerpt, readImage } from '../../src/ocr/inbound.js';
import type { Ocr, OcrResult } from '../../src/ocr/index.js';
import { buttonLabels, loadWorld, plain, type TestWorld } from '../helpers/conversation.js';

let world: TestWorld;
beforeAll(async () => {
  world = await loadWorld();
}, 120_000);

const OFFER = 'Pase directo a USA 100% garantizado, sin caminar, aparta tu lugar con 500 dlls por Western Union, escribe al WhatsApp +52 1 656 555 0100';
const t = (lang: string) => world.i18n.t(lang as 'en');
const picture = (image: ImageReading, text?: string, localeHint = 'es'): Inbound => ({ channel: 'telegram', userKey: 'k', media: 'photo', image, localeHint, ...(text ? { text } : {}) });

describe('a picture that was read', () => {
  it('opens the check with the image-read line and the excerpt as a quote, then the same verdict and signs as the pasted text', () => {
    const read = respond(world.deps, undefined, picture({ status: 'read', excerpt: excerpt(OFFER) }, OFFER));
    const pasted = respond(world.deps, undefined, { channel: 'telegram', userKey: 'k', text: OFFER, localeHint: 'es' });
    const parts = read.replies[0]!.parts;
    expect(parts[0]!.text).toBe(t('es')('check.image_read'));
    expect(parts.find((p) => p.style === 'quote')?.text).toBe(excerpt(OFFER));
    // Everything after the excerpt is the answer pasting the text gives.
    expect(plain(read.replies[0])).toContain(plain(pasted.replies[0]));
    expect(read.events.filter((e) => e.metric === 'flag')).toEqual(pasted.events.filter((e) => e.metric === 'flag'));
    expect(read.events.some((e) => e.metric === 'check' && e.value === 'high')).toBe(true);
  });

  it('shows about 160 characters of what was read, from the first warning sign rather than the clock and the contact name', () => {
    const screen = `9:41 4G 76% Primo Luis en línea HOY Mira lo que me pasaron, ¿tú qué opinas? 10:12 Reenviado ${OFFER} 10:12 No sé, déjame revisarlo primero. 10:15`;
    const turn = respond(world.deps, undefined, picture({ status: 'read', excerpt: excerpt(screen) }, screen));
    const shown = turn.replies[0]!.parts.find((p) => p.style === 'quote')!.text;
    expect(shown.length).toBeLessThanOrEqual(161);
    expect(shown).not.toContain('9:41');
    expect(shown).toContain('Pase directo a USA 100% garantizado');
    expect(shown).not.toContain('\n');
  });

  it('checks the caption and the text read together', () => {
    const turn = respond(world.deps, undefined, picture({ status: 'read', excerpt: 'aparta tu lugar con 500 dlls' }, 'mira esto que me mandaron\naparta tu lugar con 500 dlls por Western Union'));
    expect(turn.events.filter((e) => e.metric === 'flag').map((e) => e.value)).toContain('advance_payment');
  });

  it('says so when the picture has no usable text, and shows what little was read', () => {
    const none = respond(world.deps, undefined, picture({ status: 'read', excerpt: '' }));
    expect(plain(none.replies[0])).toBe(t('es')('media.image_no_text'));
    const little = respond(world.deps, undefined, picture({ status: 'read', excerpt: '10:42 ✓✓' }, '10:42 ✓✓'));
    expect(plain(little.replies[0])).toContain('10:42 ✓✓');
    expect(plain(little.replies[0])).toContain(t('es')('media.image_no_text'));
    expect(buttonLabels(little.replies[0])).toContain(t('es')('menu.check'));
  });
});

describe('a picture that was not read', () => {
  for (const status of ['busy', 'too_large', 'unreadable', 'failed'] as const) {
    it(`${status}: a polite reply in the person's language`, () => {
      const turn = respond(world.deps, undefined, picture({ status }, undefined, 'fr'));
      expect(plain(turn.replies[0])).toBe(t('fr')(`media.image_${status}`));
      expect(t('fr')(`media.image_${status}`)).not.toBe(t('en')(`media.image_${status}`));
    });
  }

  it('still checks the caption, after saying the picture could not be read', () => {
    const turn = respond(world.deps, undefined, picture({ status: 'busy' }, OFFER));
    expect(plain(turn.replies[0])).toBe(t('es')('media.image_busy'));
    expect(turn.events.some((e) => e.metric === 'check' && e.value === 'high')).toBe(true);
    expect(turn.replies).toHaveLength(2);
  });
});

describe('readImage', () => {
  const fakeOcr = (result: OcrResult, seen: unknown[] = []): Ocr => ({
    read: async (_image, hint) => {
      seen.push(hint);
      return result;
    },
    stats: () => ({ workers: 0, running: 0, queued: 0, byLanguages: {}, read: 0, refused: { busy: 0, too_large: 0, unreadable: 0, timeout: 0, failed: 0 }, meanMs: 0 }),
    close: async () => {},
  });

  it("joins the caption and the text read, and hints the person's chosen language before the app's locale", async () => {
    const hints: unknown[] = [];
    const reader = { ocr: fakeOcr({ ok: true, text: 'Pase   directo\na USA', confidence: 90, language: 'ara+eng' }, hints), languageOf: async () => 'ar' as const };
    const fields = await readImage(reader, Buffer.from('x'), { userKey: 'k', localeHint: 'es', caption: 'mira' });
    expect(fields).toEqual({ text: 'mira\nPase   directo\na USA', image: { status: 'read', excerpt: 'Pase directo a USA' } });
    expect(hints).toEqual([{ lang: 'ar' }]);
  });

  it('takes a Chinese caption as the hint, and tells a timeout as a failure', async () => {
    const hints: unknown[] = [];
    const fields = await readImage({ ocr: fakeOcr({ ok: false, reason: 'timeout' }, hints) }, Buffer.from('x'), { userKey: 'k', localeHint: 'en', caption: '这个是真的吗' });
    expect(hints).toEqual([{ script: 'han' }]);
    expect(fields).toEqual({ text: '这个是真的吗', image: { status: 'failed' } });
  });
});
