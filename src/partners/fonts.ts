import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** Family names as the font files spell them; resvg matches on these. */
export const FAMILY = {
  latin: 'Noto Sans',
  arabic: 'Noto Sans Arabic',
  // The GB2312-era Noto Sans CJK subset calls itself this; "Noto Sans SC" is listed too for other viewers.
  han: 'Noto Sans S Chinese',
} as const;

const ARABIC = /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/;
const HAN = /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u;

/**
 * A font-family list that starts with the font for the text's script: resvg takes the first
 * family that exists and only falls back glyph by glyph, which breaks Arabic joining.
 */
export function fontFamilyFor(text: string): string {
  const han = `'${FAMILY.han}', 'Noto Sans SC', 'Noto Sans CJK SC'`;
  if (ARABIC.test(text)) return `'${FAMILY.arabic}', '${FAMILY.latin}', ${han}, sans-serif`;
  if (HAN.test(text)) return `${han}, '${FAMILY.latin}', sans-serif`;
  return `'${FAMILY.latin}', '${FAMILY.arabic}', ${han}, sans-serif`;
}

let cached: string[] | undefined;

/**
 * The font files the PNG is drawn with, all shipped by npm packages (never the system's):
 * Noto Sans (Latin, Cyrillic), Noto Sans Arabic, Noto Sans Hans (Simplified Chinese).
 */
export function posterFontFiles(): string[] {
  if (cached) return cached;
  // The package's exports hide its fonts folder, so go there from its entry point.
  const hans = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts');
  const files = [
    require.resolve('@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf'),
    require.resolve('@expo-google-fonts/noto-sans/700Bold/NotoSans_700Bold.ttf'),
    require.resolve('@expo-google-fonts/noto-sans-arabic/400Regular/NotoSansArabic_400Regular.ttf'),
    require.resolve('@expo-google-fonts/noto-sans-arabic/700Bold/NotoSansArabic_700Bold.ttf'),
    join(hans, 'NotoSansHans-Regular.otf'),
    join(hans, 'NotoSansHans-Bold.otf'),
  ];
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length > 0) throw new Error(`poster fonts are missing (${missing.join(', ')}); run npm install`);
  cached = files;
  return files;
}
