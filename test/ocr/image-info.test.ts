import { describe, expect, it } from 'vitest';
import { imageInfo } from '../../src/ocr/image-info.js';
import { offerScreenshot } from '../fixtures/offer-screenshot.js';
import { pngHeader, renderText } from '../helpers/render-text.js';

/** SOI, an APP0 (JFIF) segment, then a baseline or progressive frame header. */
function jpegHeader(width: number, height: number, sof = 0xc0): Buffer {
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]);
  const frame = Buffer.from([0xff, sof, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, frame, Buffer.alloc(12)]);
}

function riff(chunk: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(20);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(12 + payload.length, 4);
  head.write('WEBP', 8, 'latin1');
  head.write(chunk, 12, 'latin1');
  head.writeUInt32LE(payload.length, 16);
  return Buffer.concat([head, payload]);
}

describe('imageInfo', () => {
  it('reads PNG sizes, from a rendered picture and from the fixture screenshot', () => {
    const png = renderText(['Hola'], { width: 321 });
    expect(imageInfo(png)).toMatchObject({ format: 'png', width: 321 });
    expect(imageInfo(offerScreenshot())).toEqual({ format: 'png', width: 780, height: 1688 });
    expect(imageInfo(pngHeader(30_000, 20_000))).toEqual({ format: 'png', width: 30_000, height: 20_000 });
  });

  it('reads JPEG frame headers after other segments, baseline and progressive', () => {
    expect(imageInfo(jpegHeader(1080, 2340))).toEqual({ format: 'jpeg', width: 1080, height: 2340 });
    expect(imageInfo(jpegHeader(640, 480, 0xc2))).toEqual({ format: 'jpeg', width: 640, height: 480 });
  });

  it('reads the three kinds of WebP', () => {
    const vp8x = Buffer.alloc(10);
    vp8x.writeUIntLE(1079, 4, 3);
    vp8x.writeUIntLE(2339, 7, 3);
    expect(imageInfo(riff('VP8X', vp8x))).toEqual({ format: 'webp', width: 1080, height: 2340 });
    const vp8 = Buffer.from([0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x80, 0x02, 0xe0, 0x01]);
    expect(imageInfo(riff('VP8 ', vp8))).toEqual({ format: 'webp', width: 640, height: 480 });
    const vp8l = Buffer.alloc(10);
    vp8l[0] = 0x2f;
    vp8l.writeUInt32LE((99 & 0x3fff) | ((49 & 0x3fff) << 14), 1);
    expect(imageInfo(riff('VP8L', vp8l))).toEqual({ format: 'webp', width: 100, height: 50 });
  });

  it('reads GIF and BMP', () => {
    const gif = Buffer.concat([Buffer.from('GIF89a', 'latin1'), Buffer.from([0x20, 0x03, 0x58, 0x02]), Buffer.alloc(4)]);
    expect(imageInfo(gif)).toEqual({ format: 'gif', width: 800, height: 600 });
    const bmp = Buffer.alloc(30);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(300, 18);
    bmp.writeInt32LE(-200, 22); // top-down
    expect(imageInfo(bmp)).toEqual({ format: 'bmp', width: 300, height: 200 });
  });

  it('gives undefined for text, empty, cut or zero-sized headers', () => {
    expect(imageInfo(Buffer.from('Pase directo a USA 100% garantizado'))).toBeUndefined();
    expect(imageInfo(Buffer.alloc(0))).toBeUndefined();
    expect(imageInfo(pngHeader(100, 100).subarray(0, 20))).toBeUndefined();
    expect(imageInfo(pngHeader(0, 100))).toBeUndefined();
    expect(imageInfo(jpegHeader(100, 100).subarray(0, 22))).toBeUndefined();
    expect(imageInfo(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0x00, 0x02]))).toBeUndefined();
    expect(imageInfo(riff('VP8 ', Buffer.alloc(10)))).toBeUndefined();
  });
});
