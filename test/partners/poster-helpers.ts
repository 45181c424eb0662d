import jsqr from 'jsqr';
import { PNG } from 'pngjs';

// jsqr is CommonJS with its function on .default too; its types only know that one.
const jsQR = jsqr.default;

/** One user unit of the poster's viewBox is 0.1 mm; the viewBox is 2100 wide. */
const VIEWBOX_WIDTH = 2100;

export interface QrBox {
  channel: string;
  x: number;
  y: number;
  size: number;
}

/** Where the poster says it drew each QR code (its <g class="qr"> attributes), in viewBox units. */
export function qrBoxes(svg: string): QrBox[] {
  return [...svg.matchAll(/<g class="qr" data-channel="(\w+)" data-x="(\d+)" data-y="(\d+)" data-size="(\d+)">/g)].map((m) => ({
    channel: m[1]!,
    x: Number(m[2]),
    y: Number(m[3]),
    size: Number(m[4]),
  }));
}

/** The text of one <text id="..."> element, tags and entities removed, and its line baselines. */
export function textOf(svg: string, id: string): { text: string; attrs: string; baselines: number[]; size: number } {
  const m = new RegExp(`<text id="${id}"([^>]*)>(.*?)</text>`, 's').exec(svg);
  if (!m) throw new Error(`no <text id="${id}"> in the SVG`);
  const text = m[2]!.replace(/<[^>]+>/g, '').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
  const baselines = [...m[2]!.matchAll(/<tspan [^>]*y="(\d+)"/g)].map((b) => Number(b[1]));
  return { text, attrs: m[1]!, baselines, size: Number(/font-size="(\d+)"/.exec(m[1]!)?.[1]) };
}

export function readPng(png: Buffer): PNG {
  return PNG.sync.read(png);
}

/** RGBA pixels of a rectangle (in viewBox units, widened by `pad`), for jsQR. */
function crop(image: PNG, box: { x: number; y: number; w: number; h: number }, pad: number) {
  const scale = image.width / VIEWBOX_WIDTH;
  const x0 = Math.max(0, Math.floor((box.x - pad) * scale));
  const y0 = Math.max(0, Math.floor((box.y - pad) * scale));
  const x1 = Math.min(image.width, Math.ceil((box.x + box.w + pad) * scale));
  const y1 = Math.min(image.height, Math.ceil((box.y + box.h + pad) * scale));
  const width = x1 - x0;
  const height = y1 - y0;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let row = 0; row < height; row++) {
    const from = ((y0 + row) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + width * 4), row * width * 4);
  }
  return { data, width, height };
}

/** Decodes each QR code from the PNG's pixels, one crop per code (jsQR finds one code per image). */
export function decodeQrs(svg: string, png: Buffer): Record<string, string | undefined> {
  const image = readPng(png);
  const out: Record<string, string | undefined> = {};
  for (const box of qrBoxes(svg)) {
    const { data, width, height } = crop(image, { x: box.x, y: box.y, w: box.size, h: box.size }, 20);
    out[box.channel] = jsQR(data, width, height, { inversionAttempts: 'dontInvert' })?.data;
  }
  return out;
}

/** Share of dark pixels in a horizontal band of the poster (viewBox units). */
export function darkShare(png: Buffer, top: number, bottom: number): number {
  const image = readPng(png);
  const { data, width, height } = crop(image, { x: 160, y: top, w: VIEWBOX_WIDTH - 320, h: bottom - top }, 0);
  let dark = 0;
  for (let i = 0; i < width * height; i++) if (data[i * 4]! < 128) dark++;
  return dark / (width * height);
}

/** Share of pixels that differ clearly between two PNGs of the same size, in a band. */
export function changedShare(a: Buffer, b: Buffer, top: number, bottom: number): number {
  const [pa, pb] = [readPng(a), readPng(b)];
  if (pa.width !== pb.width || pa.height !== pb.height) throw new Error('the PNGs differ in size');
  const ca = crop(pa, { x: 160, y: top, w: VIEWBOX_WIDTH - 320, h: bottom - top }, 0);
  const cb = crop(pb, { x: 160, y: top, w: VIEWBOX_WIDTH - 320, h: bottom - top }, 0);
  let changed = 0;
  for (let i = 0; i < ca.width * ca.height; i++) if (Math.abs(ca.data[i * 4]! - cb.data[i * 4]!) > 96) changed++;
  return changed / (ca.width * ca.height);
}
