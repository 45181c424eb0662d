import type { CheckResult } from '../checker/types.js';
import type { Language } from '../content/schemas.js';
import { RTL_LANGUAGES } from '../i18n.js';
import { nextSteps, questionKeys } from './check-reply.js';
import type { ConversationDeps, Ctx } from './deps.js';

/** The words of a check answer as data, for the public API: same texts as the chat. */
export interface Advice {
  lang: Language;
  dir: 'ltr' | 'rtl';
  /** The risk in words; for low risk it says that this does not make the offer safe. */
  risk: string;
  note?: string;
  flags: Array<{ id: string; name: string; why: string }>;
  questions: string[];
  next_steps: Array<{ id: string; title: string; summary: string }>;
}

export function renderAdvice(deps: ConversationDeps, result: CheckResult, lang: Language, country: string | null = null): Advice {
  const { checker, library } = deps.content();
  const ctx: Ctx = { lang, t: deps.i18n.t(lang), checker, library, deps };
  return {
    lang,
    dir: RTL_LANGUAGES.has(lang) ? 'rtl' : 'ltr',
    risk: ctx.t(`check.risk_${result.risk}`),
    ...(result.risk === 'low' ? { note: ctx.t('check.low_why') } : {}),
    flags: result.flags.map((f) => ({ id: f.id, name: ctx.t(`flags:${f.id}.name`), why: ctx.t(`flags:${f.id}.why`) })),
    questions: questionKeys(result).map((k) => ctx.t(k)),
    next_steps: nextSteps(ctx, result.flags.map((f) => f.id), country).map((p) => ({ id: p.id, title: p.title, summary: p.summary })),
  };
}
