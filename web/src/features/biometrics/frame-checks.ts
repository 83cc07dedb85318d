/**
 * Light checks of a camera frame in the browser, run several times a second while the camera is live: is the picture
 * lit (mean brightness) and sharp (mean gradient energy)? They only guide the operator; the face engine's verdict on
 * the frame taken (one face, size, pose, sharpness) is what decides before saving.
 */
export interface FrameChecks {
  /** Mean luma 0..255. */
  brightness: number;
  /** Mean absolute Laplacian on the reduced frame; a few units for a clear picture, under 1.5 for a blurred one. */
  sharpness: number;
  lit: 'dark' | 'ok' | 'bright';
  sharp: boolean;
}

export const FRAME_LIMITS = { minBrightness: 60, maxBrightness: 215, minSharpness: 1.5 };

/** Checks of an RGBA frame (ImageData's layout). */
export function frameChecks(rgba: Uint8ClampedArray, width: number, height: number): FrameChecks {
  const grey = new Float32Array(width * height);
  let sum = 0;
  for (let i = 0; i < grey.length; i++) {
    const g = 0.299 * rgba[i * 4]! + 0.587 * rgba[i * 4 + 1]! + 0.114 * rgba[i * 4 + 2]!;
    grey[i] = g;
    sum += g;
  }
  const brightness = sum / Math.max(1, grey.length);
  let energy = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      energy += Math.abs(4 * grey[i]! - grey[i - 1]! - grey[i + 1]! - grey[i - width]! - grey[i + width]!);
      n++;
    }
  }
  const sharpness = n ? energy / n : 0;
  return {
    brightness,
    sharpness,
    lit: brightness < FRAME_LIMITS.minBrightness ? 'dark' : brightness > FRAME_LIMITS.maxBrightness ? 'bright' : 'ok',
    sharp: sharpness >= FRAME_LIMITS.minSharpness,
  };
}

/** Whether a face box sits near the middle of the frame (its centre within the middle 40 % each way). */
export function isCentred(box: { x: number; y: number; width: number; height: number }, width: number, height: number): boolean {
  const cx = (box.x + box.width / 2) / width;
  const cy = (box.y + box.height / 2) / height;
  return Math.abs(cx - 0.5) <= 0.2 && Math.abs(cy - 0.5) <= 0.2;
}
