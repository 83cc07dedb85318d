/**
 * A record photo from a capture: the portrait cut around the detected face (biometrics.domain.ts `portraitRect`),
 * turned upright by its EXIF orientation, reduced to the kept sizes and re-encoded as JPEG without metadata (no camera
 * serial, no GPS position leaves the upload).
 */
import sharp from 'sharp';
import { ValidationError } from '../../platform/errors';
import { PHOTO_SIZES, portraitRect } from './biometrics.domain';

export interface PortraitImages {
  full: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/** The portrait and thumbnail of `image` around `box` (in the upright image's pixels, as the face engine gives it). */
export async function portraitImages(image: Uint8Array, box: { x: number; y: number; width: number; height: number }): Promise<PortraitImages> {
  let upright: { data: Buffer; info: { width: number; height: number } };
  try {
    upright = await sharp(image, { failOn: 'error', limitInputPixels: 40_000_000 })
      .rotate()
      .removeAlpha()
      .png({ compressionLevel: 0 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new ValidationError('biometrics.photo_unreadable', 'The image could not be read as a photo');
  }
  const rect = portraitRect(box, { width: upright.info.width, height: upright.info.height });
  const f = PHOTO_SIZES.full;
  const t = PHOTO_SIZES.thumb;
  const { data: full, info } = await sharp(upright.data)
    .extract(rect)
    .resize({ width: f.width, height: f.height, fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: f.quality, mozjpeg: false })
    .toBuffer({ resolveWithObject: true });
  const thumb = await sharp(full).resize({ width: t.width, height: t.height, fit: 'inside', withoutEnlargement: true }).jpeg({ quality: t.quality }).toBuffer();
  return { full, thumb, width: info.width, height: info.height };
}
