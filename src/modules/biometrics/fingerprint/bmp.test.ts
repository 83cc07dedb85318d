import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeBmp } from './bmp';
import { decodeGrey } from './fingerprint.decode';

/** A BMP file written here (the test's own encoder): 8-bit grey palette or 24-bit, bottom-up unless topDown. */
function encodeBmp(grey: Uint8Array, width: number, height: number, opts: { bpp: 8 | 24 | 32; topDown?: boolean } = { bpp: 8 }): Buffer {
  const bpp = opts.bpp;
  const stride = Math.ceil((width * bpp) / 32) * 4;
  const palette = bpp === 8 ? 256 * 4 : 0;
  const offset = 14 + 40 + palette;
  const buf = Buffer.alloc(offset + stride * height);
  buf.write('BM', 0, 'ascii');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(offset, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(width, 18);
  buf.writeInt32LE(opts.topDown ? -height : height, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bpp, 28);
  buf.writeUInt32LE(0, 30);
  buf.writeUInt32LE(stride * height, 34);
  buf.writeUInt32LE(bpp === 8 ? 256 : 0, 46);
  for (let i = 0; i < 256 && bpp === 8; i++) buf.writeUInt32LE((i << 16) | (i << 8) | i, 54 + i * 4);
  for (let y = 0; y < height; y++) {
    const row = offset + (opts.topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const g = grey[y * width + x]!;
      if (bpp === 8) buf[row + x] = g;
      else for (let c = 0; c < 3; c++) buf[row + x * (bpp / 8) + c] = g;
    }
  }
  return buf;
}

function pattern(width: number, height: number): Uint8Array {
  const g = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) g[y * width + x] = (x * 7 + y * 13 + ((x * y) % 31)) & 255;
  return g;
}

describe('BMP reader', () => {
  const w = 37; // an odd width: rows are padded to 4 bytes
  const h = 23;
  const grey = pattern(w, h);

  it.each([
    ['8-bit palette, bottom-up', { bpp: 8 as const }],
    ['8-bit palette, top-down', { bpp: 8 as const, topDown: true }],
    ['24-bit', { bpp: 24 as const }],
    ['32-bit', { bpp: 32 as const }],
  ])('reads %s exactly', (_name, opts) => {
    const img = decodeBmp(encodeBmp(grey, w, h, opts));
    expect([img.width, img.height]).toEqual([w, h]);
    expect(Buffer.from(img.data).equals(Buffer.from(grey))).toBe(true);
  });

  it('gives the fingerprint decoder the same grey as a PNG of the same pixels', async () => {
    const png = await sharp(Buffer.from(grey), { raw: { width: w, height: h, channels: 1 } })
      .png()
      .toBuffer();
    const fromPng = await decodeGrey(png);
    const fromBmp = await decodeGrey(encodeBmp(grey, w, h));
    expect(Buffer.from(fromBmp.data).equals(Buffer.from(fromPng.data))).toBe(true);
  });

  it('refuses corrupt and unsupported files with fingerprint.unreadable and a reason', async () => {
    const good = encodeBmp(grey, w, h);
    const truncated = good.subarray(0, good.length - 100);
    const headerOnly = good.subarray(0, 30);
    const rle = Buffer.from(good);
    rle.writeUInt32LE(1, 30);
    const badDepth = Buffer.from(good);
    badDepth.writeUInt16LE(7, 28);
    const huge = Buffer.from(good);
    huge.writeInt32LE(100_000, 18);
    huge.writeInt32LE(100_000, 22);
    const zero = Buffer.from(good);
    zero.writeInt32LE(0, 18);
    const badHeader = Buffer.from(good);
    badHeader.writeUInt32LE(77, 14);
    const smallPalette = Buffer.from(good);
    smallPalette.writeUInt32LE(4, 46);
    const offsetPastEnd = Buffer.from(good);
    offsetPastEnd.writeUInt32LE(good.length + 10, 10);
    const cases: [Buffer, RegExp][] = [
      [truncated, /past the end/],
      [headerOnly, /shorter|past the end/],
      [rle, /compression 1/],
      [badDepth, /7 bits/],
      [huge, /more than/],
      [zero, /size is 0x/],
      [badHeader, /header size 77/],
      [smallPalette, /palette index/],
      [offsetPastEnd, /past the end/],
      [Buffer.from('BM'), /shorter/],
    ];
    for (const [i, [file, reason]] of cases.entries()) {
      await expect(decodeGrey(file), `case ${i}`).rejects.toMatchObject({ code: 'fingerprint.unreadable', message: expect.stringMatching(reason) });
    }
  });
});
