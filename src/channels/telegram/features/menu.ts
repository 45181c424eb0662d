import { Composer, type Context } from 'grammy';
import type { Action } from '../../../conversation/types.js';
import { dispatch, type FeatureDeps } from '../context.js';

/** The slash commands that open a screen of the main menu. */
export const MENU_COMMANDS = {
  menu: { kind: 'menu' },
  check: { kind: 'check' },
  advice: { kind: 'advice' },
  legal: { kind: 'legal' },
  emergency: { kind: 'emergency' },
  language: { kind: 'language' },
  privacy: { kind: 'privacy' },
  help: { kind: 'help' },
} as const satisfies Record<string, Action>;

export function menuFeature(deps: FeatureDeps): Composer<Context> {
  const composer = new Composer<Context>();
  for (const [command, action] of Object.entries(MENU_COMMANDS)) {
    composer.command(command, (ctx) => dispatch(ctx, deps, { action }));
  }
  return composer;
}
