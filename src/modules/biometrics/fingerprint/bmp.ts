/**
 * A small reader of Windows BMP files, the format many fingerprint scanners write (sharp/libvips does not read BMP).
 * Uncompressed images only (BI_RGB, and BI_BITFIELDS at 16 and 32 bits), 1, 4, 8 (palette), 16, 24 and 32 bits per
 * pixel, bottom-up or top-down, with the info headers of 40 bytes and later (V4, V5) or the old 12-byte core header.
 * The result is 8-bit grey (ITU-R BT.601 luma), which is all the fingerprint extractor reads. Anything else, and every
 * inconsistency (a pixel array past the end of the file, a palette index outside the palette, absurd sizes), is
 * refused with `fingerprint.unreadable` and a reason.
 */
import { ValidationError } from '../../../platform/errors';
import type { GreyImage } from './fingerprint.types';

const MAX_PIXELS = 25_000_000;

export function isBmp(data: Uint8Array): boolean {
  return data.byteLength >= 2 && data[0] === 0x42 && data[1] === 0x4d;
}

function refuse(reason: string): never {
  throw new ValidationError('fingerprint.unreadable', `The BMP image cannot be read: ${reason}`);
}

/** Decodes a BMP file into 8-bit grey. */
export function decodeBmp(data: Uint8Array): GreyImage {
  if (!isBmp(data)) refuse('it does not start with "BM"');
  if (data.byteLength < 26) refuse('the file is shorter than its headers');
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const pixelOffset = v.getUint32(10, true);
  const headerSize = v.getUint32(14, true);
  let width: number;
  let height: number;
  let bpp: number;
  let compression = 0;
  let paletteSize = 0;
  let paletteEntry = 4;
  if (headerSize === 12) {
    width = v.getUint16(18, true);
    height = v.getInt16(20, true);
    bpp = v.getUint16(24, true);
    paletteEntry = 3;
  } else if ([40, 52, 56, 64, 108, 124].includes(headerSize)) {
    if (data.byteLength < 14 + 40) refuse('the file is shorter than its headers');
    width = v.getInt32(18, true);
    height = v.getInt32(22, true);
    bpp = v.getUint16(28, true);
    compression = v.getUint32(30, true);
    paletteSize = v.getUint32(46, true);
  } else {
    refuse(`unknown header size ${headerSize}`);
  }
  const topDown = height < 0;
  height = Math.abs(height);
  if (width <= 0 || height <= 0) refuse(`its size is ${width}x${height}`);
  if (width * height > MAX_PIXELS) refuse(`${width}x${height} pixels is more than ${MAX_PIXELS}`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) refuse(`${bpp} bits per pixel is not a BMP depth`);
  // 0 BI_RGB; 3 BI_BITFIELDS (masks: read as the usual 5-5-5 / 8-8-8 layouts below); 1, 2 RLE and others: refused
  if (compression !== 0 && !(compression === 3 && (bpp === 16 || bpp === 32))) refuse(`compression ${compression} is not supported (only uncompressed)`);
  let masks: [number, number, number] | null = null;
  if (compression === 3) {
    const at = 14 + 40; // after a 40-byte header, or inside a V4/V5 header: the same place
    if (data.byteLength < at + 12) refuse('the colour masks are missing');
    masks = [v.getUint32(at, true), v.getUint32(at + 4, true), v.getUint32(at + 8, true)];
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const colours = paletteSize || 1 << bpp;
    if (colours > 1 << bpp) refuse(`a palette of ${colours} colours at ${bpp} bits`);
    const start = 14 + headerSize;
    if (start + colours * paletteEntry > data.byteLength) refuse('the palette runs past the end of the file');
    palette = new Uint8Array(colours);
    for (let i = 0; i < colours; i++) {
      const o = start + i * paletteEntry;
      palette[i] = luma(data[o + 2]!, data[o + 1]!, data[o]!);
    }
  }

  const stride = Math.ceil((width * bpp) / 32) * 4;
  if (pixelOffset < 14 + headerSize || pixelOffset + stride * height > data.byteLength) refuse('the pixel array runs past the end of the file');
  const out = new Uint8Array(width * height);
  for (let row = 0; row < height; row++) {
    const src = pixelOffset + (topDown ? row : height - 1 - row) * stride;
    const dst = row * width;
    for (let x = 0; x < width; x++) {
      let g: number;
      if (bpp <= 8) {
        const perByte = 8 / bpp;
        const byte = data[src + Math.floor(x / perByte)]!;
        const shift = 8 - bpp * ((x % perByte) + 1);
        const index = (byte >> shift) & ((1 << bpp) - 1);
        if (index >= palette!.length) refuse(`palette index ${index} outside a palette of ${palette!.length}`);
        g = palette![index]!;
      } else if (bpp === 16) {
        const px = v.getUint16(src + x * 2, true);
        const [rm, gm, bm] = masks ?? [0x7c00, 0x03e0, 0x001f];
        g = luma(channel(px, rm), channel(px, gm), channel(px, bm));
      } else if (bpp === 24) {
        const o = src + x * 3;
        g = luma(data[o + 2]!, data[o + 1]!, data[o]!);
      } else {
        const px = v.getUint32(src + x * 4, true);
        const [rm, gm, bm] = masks ?? [0x00ff0000, 0x0000ff00, 0x000000ff];
        g = luma(channel(px, rm), channel(px, gm), channel(px, bm));
      }
      out[dst + x] = g;
    }
  }
  return { width, height, data: out };
}

function luma(r: number, g: number, b: number): number {
  return Math.round(0.299 * r + 0.587 * g + 0.114 * b);
}

/** A colour channel under a bit mask, scaled to 0..255. */
function channel(px: number, mask: number): number {
  if (mask === 0) return 0;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  const max = mask >>> shift;
  return Math.round((((px & mask) >>> shift) * 255) / max);
}
