import { Composer, type Context } from 'grammy';
import { dispatch, type FeatureDeps } from '../context.js';

/** /start, with an optional deep-link payload: t.me/<bot>?start=<partner or language code>. */
export function startFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command('start', async (ctx) => {
    const payload = typeof ctx.match === 'string' ? ctx.match.trim() : '';
    await dispatch(ctx, deps, { action: payload && /^[A-Za-z0-9_-]{1,64}$/.test(payload) ? { kind: 'start', payload } : { kind: 'start' } });
  });
  return composer;
}
