import { Composer, type Context } from 'grammy';
import { dispatch, type FeatureDeps } from '../context.js';

/** Last: an unknown command opens the menu; other updates (edits, reactions) need no answer. */
export function unhandledFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('message:entities:bot_command', (ctx) => dispatch(ctx, deps, { action: { kind: 'menu' } }));
  composer.use((ctx) => deps.log.debug({ type: Object.keys(ctx.update).filter((k) => k !== 'update_id') }, 'update not handled'));
  return composer;
}
