import { Resvg } from '@resvg/resvg-js';
import { fontFamilyFor, posterFontFiles } from '../../src/partners/fonts.js';
import { escapeXml } from '../../src/partners/text-layout.js';

export interface RenderOptions {
  /** Pixels; default 26. */
  size?: number;
  /** Image width in pixels; default 760. */
  width?: number;
  dir?: 'ltr' | 'rtl';
  background?: string;
  color?: string;
}

/**
 * Draws lines of text onto a white PNG with the fonts the posters use (npm packages only), so
 * OCR tests read pictures made in the test, in Latin, Arabic, Chinese or Cyrillic script.
 *
 * @example
 * const png = renderText(['Pase directo a USA 100% garantizado']);
 */
export function renderText(lines: string[], o: RenderOptions = {}): Buffer {
  const size = o.size ?? 26;
  const width = o.width ?? 760;
  const dir = o.dir ?? (/[\u0600-\u06FF]/.test(lines.join('')) ? 'rtl' : 'ltr');
  const lineHeight = Math.round(size * 1.5);
  const height = 2 * size + lines.length * lineHeight;
  const x = dir === 'rtl' ? width - size : size;
  const family = fontFamilyFor(lines.join(' '));
  // resvg lays right-to-left text out from its anchor towards the left only with text-anchor "end".
  const anchor = dir === 'rtl' ? 'end' : 'start';
  const texts = lines
    .map((line, i) => `<text x="${x}" y="${size + (i + 1) * lineHeight - Math.round(size / 2)}" font-family="${escapeXml(family)}" font-size="${size}" fill="${o.color ?? '#111'}" direction="${dir}" text-anchor="${anchor}">${escapeXml(line)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${o.background ?? '#fff'}"/>${texts}</svg>`;
  return new Resvg(svg, { font: { fontFiles: posterFontFiles(), loadSystemFonts: false, defaultFontFamily: 'Noto Sans' } }).render().asPng();
}

/** A PNG signature and IHDR chunk claiming these dimensions, and nothing else. */
export function pngHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  b.writeUInt32BE(0x89504e47, 0);
  b.writeUInt32BE(0x0d0a1a0a, 4);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'latin1');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8;
  b[25] = 2;
  return b;
}
