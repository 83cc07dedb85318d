import sharp from 'sharp';
import { ValidationError } from '../../../platform/errors';
import { decodeBmp, isBmp } from './bmp';
import type { GreyImage } from './fingerprint.types';

/** Largest encoded image accepted, and largest decoded raster (pixels). */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
const MAX_PIXELS = 25_000_000;

/**
 * Decodes any image format sharp reads (TIFF, PNG, JPEG, WebP), and BMP with the reader of bmp.ts, into 8-bit grey.
 * WSQ is not read (no decoder in the project): convert it to PNG first.
 * Corrupt or unsupported data is refused with `fingerprint.unreadable`.
 */
export async function decodeGrey(image: Uint8Array): Promise<GreyImage> {
  if (image.byteLength === 0) {
    throw new ValidationError('fingerprint.unreadable', 'The image is empty (0 bytes)');
  }
  if (image.byteLength > MAX_IMAGE_BYTES) {
    throw new ValidationError('fingerprint.too_large', `The image is ${image.byteLength} bytes; at most ${MAX_IMAGE_BYTES} are accepted`);
  }
  if (isBmp(image)) return decodeBmp(image);
  try {
    const { data, info } = await sharp(image, { limitInputPixels: MAX_PIXELS, failOn: 'error' }).greyscale().raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== 1) {
      // greyscale() with an alpha channel keeps it: take the first channel.
      const out = new Uint8Array(info.width * info.height);
      for (let i = 0; i < out.length; i++) out[i] = data[i * info.channels]!;
      return { width: info.width, height: info.height, data: out };
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    throw new ValidationError('fingerprint.unreadable', `The image cannot be decoded: ${reason}`);
  }
}
