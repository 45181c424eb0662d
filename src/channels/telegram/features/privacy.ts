import { Composer, type Context } from 'grammy';
import { dispatch, type FeatureDeps } from '../context.js';

/** /forget deletes everything about the person at once; the privacy screen has the same as a button. */
export function privacyFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command('forget', (ctx) => dispatch(ctx, deps, { action: { kind: 'forget' } }));
  return composer;
}
