/** What the first bytes of an image say, read before any decoding. */
export interface ImageInfo {
  format: 'png' | 'jpeg' | 'webp' | 'gif' | 'bmp';
  width: number;
  height: number;
}

/**
 * The format and size of a PNG, JPEG, WebP, GIF or BMP from its header alone, so that a
 * 30 000 × 30 000 "screenshot" is refused before anything decodes it. Undefined when the bytes
 * are not one of these formats or the header is cut or corrupt.
 *
 * @example
 * imageInfo(png) // { format: 'png', width: 720, height: 1280 }
 */
export function imageInfo(b: Buffer): ImageInfo | undefined {
  try {
    if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a && b.toString('latin1', 12, 16) === 'IHDR') {
      return sized('png', b.readUInt32BE(16), b.readUInt32BE(20));
    }
    if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpeg(b);
    if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return webp(b);
    if (b.length >= 10 && (b.toString('latin1', 0, 6) === 'GIF87a' || b.toString('latin1', 0, 6) === 'GIF89a')) {
      return sized('gif', b.readUInt16LE(6), b.readUInt16LE(8));
    }
    if (b.length >= 26 && b.toString('latin1', 0, 2) === 'BM') {
      const headerSize = b.readUInt32LE(14);
      if (headerSize === 12) return sized('bmp', b.readUInt16LE(18), b.readUInt16LE(20));
      return sized('bmp', Math.abs(b.readInt32LE(18)), Math.abs(b.readInt32LE(22)));
    }
  } catch {
    // A length field pointing past the end: a cut or corrupt file.
  }
  return undefined;
}

function sized(format: ImageInfo['format'], width: number, height: number): ImageInfo | undefined {
  return width > 0 && height > 0 ? { format, width, height } : undefined;
}

// Start-of-frame markers carry the size: SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC).
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function jpeg(b: Buffer): ImageInfo | undefined {
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return undefined;
    const marker = b[i + 1]!;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    // Markers without a length: TEM, RSTn, SOI.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      i += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return undefined; // end of image or scan before any frame header
    const length = b.readUInt16BE(i + 2);
    if (length < 2) return undefined;
    if (SOF.has(marker)) return sized('jpeg', b.readUInt16BE(i + 7), b.readUInt16BE(i + 5));
    i += 2 + length;
  }
  return undefined;
}

function webp(b: Buffer): ImageInfo | undefined {
  const chunk = b.toString('latin1', 12, 16);
  if (chunk === 'VP8X') return sized('webp', 1 + b.readUIntLE(24, 3), 1 + b.readUIntLE(27, 3));
  if (chunk === 'VP8 ') {
    // Key frame start code 9d 01 2a, then 14-bit width and height.
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return undefined;
    return sized('webp', b.readUInt16LE(26) & 0x3fff, b.readUInt16LE(28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return undefined;
    const bits = b.readUInt32LE(21);
    return sized('webp', 1 + (bits & 0x3fff), 1 + ((bits >> 14) & 0x3fff));
  }
  return undefined;
}
