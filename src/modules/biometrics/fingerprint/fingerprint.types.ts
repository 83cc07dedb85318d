/**
 * Shared shapes of the fingerprint module. Coordinates are pixels of the image scaled to 500 dpi (x to the right,
 * y downwards); angles are radians in [0, 2π) measured in image coordinates (from +x towards +y, i.e. clockwise as
 * seen on screen). ISO/IEC 19794-2 export converts to its counter-clockwise convention.
 */
export type MinutiaKind = 'ending' | 'bifurcation';

export interface Minutia {
  x: number;
  y: number;
  /** Direction in radians: for an ending, the way the ridge runs out; for a bifurcation, towards its stem. */
  angle: number;
  kind: MinutiaKind;
  /** 0..100, from local ridge clarity and distance to the print's border. */
  quality: number;
}

/** The comparable form of a fingerprint: minutiae at 500 dpi plus the size of the (scaled) image. */
export interface FingerprintTemplate {
  /** Width and height of the image in pixels at 500 dpi. */
  width: number;
  height: number;
  /** Image quality 0..100 (see fingerprint.quality.ts). */
  quality: number;
  minutiae: Minutia[];
}

/** An 8-bit grey-scale raster, row-major, one byte per pixel (0 black, 255 white). */
export interface GreyImage {
  width: number;
  height: number;
  data: Uint8Array;
}
