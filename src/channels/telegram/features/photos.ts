import { Composer, type Context } from 'grammy';
import type { Document, PhotoSize } from 'grammy/types';
import type { Inbound } from '../../../conversation/types.js';
import { errorForLog } from '../../../log-safe.js';
import { download, TooLargeError } from '../../../ocr/download.js';
import { readImage, unreadImage, type ImageReader } from '../../../ocr/inbound.js';
import { userKey } from '../../../store/index.js';
import { dispatch, type FeatureDeps } from '../context.js';

/** What the photo feature needs besides the conversation: the OCR and how to fetch files. */
export interface TelegramImages {
  reader: ImageReader;
  /** Bytes and pixels above which a picture is refused unread (OCR_MAX_BYTES, OCR_MAX_PIXELS). */
  maxBytes: number;
  maxPixels: number;
  fetch?: typeof fetch;
  /** Told of each picture being handled, so shutdown can wait for it. */
  track?: (work: Promise<void>) => void;
}

export interface PhotoDeps extends FeatureDeps {
  images: TelegramImages;
  token: string;
  /** Bot API server; files come from `${apiRoot}/file/bot<token>/<file_path>`. */
  apiRoot: string;
}

type Picked = { fileId: string; fileSize?: number; media: 'photo' | 'document' } | 'too_large';

/**
 * Photos, and image files sent as documents: downloaded, read (OCR), then checked like pasted
 * text together with the caption. Updates are handled side by side (see polling.ts), so a slow
 * screenshot holds up only itself; the update is acknowledged once the picture is answered.
 */
export function photosFeature(deps: PhotoDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on(['message:photo', 'message:document'], async (ctx, next) => {
    const m = ctx.message;
    const picked = m.photo ? pickPhoto(m.photo, deps.images) : pickDocument(m.document, deps.images);
    if (picked === undefined) return next();
    const work = answer(ctx, deps, picked, m.caption).catch((err: unknown) => deps.log.error({ err: errorForLog(err), channel: 'telegram' }, 'could not answer a picture'));
    deps.images.track?.(work);
    await work;
  });
  return composer;
}

async function answer(ctx: Context, deps: PhotoDeps, picked: Picked, caption: string | undefined): Promise<void> {
  if (!ctx.from) return;
  const media: Inbound['media'] = picked === 'too_large' ? (ctx.message?.photo ? 'photo' : 'document') : picked.media;
  const fields = picked === 'too_large' ? unreadImage('too_large', caption) : await fetchAndRead(ctx, deps, picked, caption);
  await dispatch(ctx, deps, { media, ...fields });
}

async function fetchAndRead(ctx: Context, deps: PhotoDeps, picked: Exclude<Picked, 'too_large'>, caption: string | undefined) {
  const { images } = deps;
  let bytes: Buffer;
  try {
    const file = await ctx.api.getFile(picked.fileId);
    if (!file.file_path) return unreadImage('failed', caption);
    if ((file.file_size ?? 0) > images.maxBytes) return unreadImage('too_large', caption);
    const url = `${deps.apiRoot.replace(/\/+$/, '')}/file/bot${deps.token}/${file.file_path}`;
    bytes = await download(url, { maxBytes: images.maxBytes, ...(images.fetch ? { fetch: images.fetch } : {}) });
  } catch (e) {
    if (e instanceof TooLargeError) return unreadImage('too_large', caption);
    // The URL holds the bot token: log the error's kind only.
    deps.log.warn({ channel: 'telegram', err: e instanceof Error ? e.name : 'unknown' }, 'could not download a picture');
    return unreadImage('failed', caption);
  }
  return readImage(images.reader, bytes, {
    userKey: userKey(deps.userKeySecret, 'telegram', ctx.from!.id),
    ...(ctx.from?.language_code ? { localeHint: ctx.from.language_code } : {}),
    ...(caption ? { caption } : {}),
  });
}

/** The largest size Telegram made of the photo that is within the limits. */
function pickPhoto(sizes: PhotoSize[], limits: TelegramImages): Picked {
  const fitting = sizes
    .filter((s) => (s.file_size ?? 0) <= limits.maxBytes && s.width * s.height <= limits.maxPixels)
    .sort((a, b) => b.width * b.height - a.width * a.height);
  const best = fitting[0];
  return best ? { fileId: best.file_id, ...(best.file_size ? { fileSize: best.file_size } : {}), media: 'photo' } : 'too_large';
}

/** A screenshot sent "as a file" keeps its full quality; other documents are not pictures. */
function pickDocument(doc: Document | undefined, limits: TelegramImages): Picked | undefined {
  if (!doc?.mime_type?.startsWith('image/')) return undefined;
  if ((doc.file_size ?? 0) > limits.maxBytes) return 'too_large';
  return { fileId: doc.file_id, ...(doc.file_size ? { fileSize: doc.file_size } : {}), media: 'document' };
}
