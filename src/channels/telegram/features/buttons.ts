import { Composer, type Context } from 'grammy';
import { decodeAction } from '../../../conversation/types.js';
import { dispatch, type FeatureDeps } from '../context.js';
import { errorForLog } from '../../../log-safe.js';

/** Inline keyboard presses: answered at once (the spinner stops), then handled like a command. */
export function buttonsFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on('callback_query:data', async (ctx) => {
    // Stops the spinner; sent alongside the answer rather than before it, which would add a
    // round trip to Telegram to every button press.
    const answered = ctx.answerCallbackQuery().catch((err: unknown) => deps.log.warn({ err: errorForLog(err) }, 'answerCallbackQuery failed'));
    // An old or forged payload opens the menu rather than failing.
    const action = decodeAction(ctx.callbackQuery.data) ?? { kind: 'menu' as const };
    await Promise.all([answered, dispatch(ctx, deps, { action })]);
  });
  return composer;
}
