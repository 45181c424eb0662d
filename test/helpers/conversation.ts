import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { loadContent, type Content } from '../../src/content/load-content.js';
import type { ConversationDeps } from '../../src/conversation/deps.js';
import { createI18n, type I18n } from '../../src/i18n.js';
import type { Reply } from '../../src/conversation/types.js';

export const ROOT = resolve(import.meta.dirname, '../..');

/** A copy of the real content folder plus one test partner, so deep links can be tried. */
export function contentCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'faro-content-'));
  cpSync(join(ROOT, 'content'), dir, { recursive: true });
  mkdirSync(join(dir, 'partners'), { recursive: true });
  writeFileSync(
    join(dir, 'partners', 'casa-prueba.yaml'),
    'id: casa-prueba\ncode: casaprueba_tj\nname: Casa de Prueba\nlanguage: es\nregion:\n  country: MX\n  area: tijuana\nactive: true\n',
  );
  writeFileSync(join(dir, 'partners', 'old-partner.yaml'), 'id: old-partner\ncode: oldcode\nname: Old Partner\nlanguage: fr\nactive: false\n');
  return dir;
}

export interface TestWorld {
  content: Content;
  i18n: I18n;
  deps: ConversationDeps;
}

/** Real content, real locales: what the server runs with. */
export async function loadWorld(): Promise<TestWorld> {
  const content = await loadContent(contentCopy());
  const i18n = await createI18n(join(ROOT, 'locales'));
  return { content, i18n, deps: { content: () => content, i18n, retentionDays: 30 } };
}

export const silentLog = pino({ level: 'silent' });

/** A reply's text as a person would read it, styles dropped. */
export function plain(reply: Reply | undefined): string {
  return reply ? reply.parts.map((p) => p.text).join('') : '';
}

export function buttonLabels(reply: Reply | undefined): string[] {
  return (reply?.buttons ?? []).flat().map((b) => b.label);
}
