import { Composer, type Context } from 'grammy';
import type { MediaKind } from '../../../conversation/types.js';
import { dispatch, type FeatureDeps } from '../context.js';

/** Typed, pasted or forwarded text, and captions of photos and documents, go to the checker. */
export function offersFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message:text', (ctx) => dispatch(ctx, deps, { text: ctx.message.text }));
  composer.on('message:caption', (ctx) => dispatch(ctx, deps, { text: ctx.message.caption, media: mediaOf(ctx.message) }));
  return composer;
}

/** Photos without text, voice and video: a kind reply saying what Faro can read. */
export function mediaFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message', (ctx) => dispatch(ctx, deps, { media: mediaOf(ctx.message) }));
  return composer;
}

function mediaOf(message: object): MediaKind {
  const m = message as Record<string, unknown>;
  if (m.photo) return 'photo';
  if (m.document) return 'document';
  if (m.voice) return 'voice';
  if (m.audio) return 'audio';
  if (m.video || m.video_note || m.animation) return 'video';
  if (m.sticker) return 'sticker';
  if (m.location || m.venue) return 'location';
  if (m.contact) return 'contact';
  return 'other';
}
