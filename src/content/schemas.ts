import { z } from 'zod';
import { FLAG_IDS, SEVERITIES } from '../checker/types.js';

export const LANGUAGES = ['es', 'en', 'pt', 'fr', 'ht', 'zh', 'tr', 'ru', 'ar'] as const;
export type Language = (typeof LANGUAGES)[number];

/** One of Faro's nine language codes. */
export const LanguageCode = z.enum(LANGUAGES, { error: () => `use one of Faro's language codes: ${LANGUAGES.join(', ')}` });

/** A calendar date as editors write it. */
export const IsoDate = z.iso.date({ error: 'write a date as YYYY-MM-DD, e.g. 2026-11-22' });

export const FlagId = z.enum(FLAG_IDS, {
  error: (issue) => `"${String(issue.input)}" is not a warning sign; use one of: ${FLAG_IDS.join(', ')}`,
});
export const Severity = z.enum(SEVERITIES, { error: () => `severity must be one of: ${SEVERITIES.join(', ')}` });

/** Context cues: they change how nearby warning signs count, they are never warning signs themselves. */
export const FRAME_KINDS = ['negation', 'not_negation', 'warning', 'news', 'counter'] as const;
export const FrameKind = z.enum(FRAME_KINDS, { error: () => `frame must be one of: ${FRAME_KINDS.join(', ')}` });
export type FrameKind = z.infer<typeof FrameKind>;

const PatternId = z
  .string()
  .regex(/^[a-z0-9*]+\.[a-z0-9_.-]+$/, 'ids look like "es.guarantee.sin-caminar": language, a dot, then letters, digits, "-" or "_"');

export const Pattern = z
  .strictObject({
    id: PatternId,
    flag: FlagId.optional(),
    frame: FrameKind.optional(),
    severity: Severity.default('medium'),
    phrases: z.array(z.string().trim().min(1, 'a phrase cannot be empty')).min(1).optional(),
    regex: z.string().min(1, 'write an expression or remove the regex line').optional(),
    match: z.array(z.string()).min(1, 'give at least one example the pattern must match'),
    no_match: z.array(z.string()).default([]),
    note: z.string().optional(),
  })
  .refine((p) => (p.flag ? 1 : 0) + (p.frame ? 1 : 0) === 1, {
    message: 'give a pattern either a flag (a warning sign) or a frame (a context cue), not both or neither',
  })
  .refine((p) => Boolean(p.phrases) !== Boolean(p.regex), {
    message: 'give a pattern either phrases or a regex, not both or neither',
  });
export type Pattern = z.infer<typeof Pattern>;

export const PatternFile = z.strictObject({
  language: z.union([z.enum(LANGUAGES), z.literal('*')], {
    error: () => `language must be one of ${LANGUAGES.join(', ')} or "*" for patterns in no particular language`,
  }),
  patterns: z.array(Pattern),
});
export type PatternFile = z.infer<typeof PatternFile>;

export const EmojiFile = z.strictObject({
  emoji: z.record(
    z.string().min(1),
    z.string().regex(/^:[a-z0-9_]+:$/, 'an emoji stands for a token like ":plane:" (lower case, between colons)'),
  ),
});
export type EmojiFile = z.infer<typeof EmojiFile>;

const weightsShape = Object.fromEntries(FLAG_IDS.map((f) => [f, z.number().min(0)])) as Record<
  (typeof FLAG_IDS)[number],
  z.ZodNumber
>;

export const Scoring = z.strictObject({
  /** Score at or above which the risk is high, or medium. */
  thresholds: z.strictObject({ high: z.number().positive(), medium: z.number().positive() }),
  /** Multiplier for the strongest severity among a flag's hits. */
  severity: z.strictObject({ low: z.number().min(0), medium: z.number().min(0), high: z.number().min(0) }),
  weights: z.strictObject(weightsShape),
  combos: z.array(
    z.strictObject({
      flags: z.array(FlagId).min(2),
      bonus: z.number(),
      note: z.string().optional(),
    }),
  ),
  /** Multipliers applied when context lowers a sign. */
  context: z.strictObject({
    negated: z.number().min(0).max(1),
    question: z.number().min(0).max(1),
    warning: z.number().min(0).max(1),
    news: z.number().min(0).max(1),
  }),
  /** How many words may stand between a negation ("never", "no") and the sign it negates. */
  negation_window: z.number().int().min(0).max(8),
  /** A flag whose contribution is below this is not reported. */
  report_min: z.number().min(0),
});
export type Scoring = z.infer<typeof Scoring>;
