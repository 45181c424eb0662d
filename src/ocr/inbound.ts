import type { Language } from '../content/schemas.js';
import { languageFromHint } from '../conversation/respond.js';
import type { ImageReading, Inbound } from '../conversation/types.js';
import type { Ocr } from './index.js';
import { scriptOfText } from './languages.js';

/** What a channel needs to read pictures: the OCR, and the language the person chose, if known. */
export interface ImageReader {
  ocr: Ocr;
  /** The session's language; a better hint than the app's locale. Never throws to the caller. */
  languageOf?: (userKey: string) => Promise<Language | null | undefined>;
}

/** How much of what was read goes to the conversation, on one line; the reply shows about 160 characters of it. */
export const EXCERPT_CHARS = 1000;

export interface ImageContext {
  userKey: string;
  localeHint?: string;
  caption?: string;
}

/** A picture that was not read: too big, not an image, OCR busy or failing, or the download failed. */
export function unreadImage(status: Exclude<ImageReading['status'], 'read'>, caption?: string): Pick<Inbound, 'text' | 'image'> {
  return { ...(caption?.trim() ? { text: caption } : {}), image: { status } };
}

/**
 * Reads a picture and returns what the conversation needs: the caption and the text read
 * together in `text`, and the reading's outcome in `image`. The image is not kept.
 *
 * @example
 * const fields = await readImage(reader, bytes, { userKey, localeHint: 'es', caption: 'mira esto' });
 * await service.receive({ channel: 'telegram', userKey, media: 'photo', ...fields }, send);
 */
export async function readImage(reader: ImageReader, image: Buffer, ctx: ImageContext): Promise<Pick<Inbound, 'text' | 'image'>> {
  const caption = ctx.caption?.trim() ?? '';
  const captionScript = scriptOfText(caption);
  let lang: Language | undefined;
  if (!captionScript || captionScript === 'latin') {
    lang = (await reader.languageOf?.(ctx.userKey).catch(() => undefined)) ?? languageFromHint(ctx.localeHint);
  }
  const result = await reader.ocr.read(image, lang ? { lang } : captionScript ? { script: captionScript } : {});
  // A timeout is told like any failure: "try again later, or paste the text".
  if (!result.ok) return unreadImage(result.reason === 'timeout' ? 'failed' : result.reason, caption);
  const read = result.text.trim();
  const text = [caption, read].filter(Boolean).join('\n');
  return { ...(text ? { text } : {}), image: { status: 'read', excerpt: excerpt(read) } };
}

/** The start of what was read, on one line. */
export function excerpt(read: string, max = EXCERPT_CHARS): string {
  const one = read.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1).trimEnd()}…` : one;
}
