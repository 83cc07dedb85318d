/**
 * Image quality 0..100 from what the extractor measured, in the spirit of NFIQ's features but much simpler:
 * ridge flow clarity (mean orientation coherence over the print), how much of the print has a clear ridge
 * frequency, the print's area and the number of reliable minutiae. 0-20 unusable, 20-40 poor, 40-60 fair,
 * 60-80 good, 80-100 excellent.
 */
export interface QualityInputs {
  /** Pixels of the segmented print at 500 dpi. */
  foregroundArea: number;
  /** Mean structure-tensor coherence over the print, 0..1. */
  meanCoherence: number;
  /** Share of the print's blocks with a clear ridge period, 0..1. */
  validFrequency: number;
  minutiaCount: number;
}

const clamp01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

export function imageQuality(q: QualityInputs): number {
  const clarity = clamp01((q.meanCoherence - 0.2) / 0.5);
  const frequency = clamp01((q.validFrequency - 0.2) / 0.7);
  // A plain impression at 500 dpi covers roughly 250x300 pixels; a third of that is a small partial print.
  const area = clamp01(q.foregroundArea / 60_000);
  const minutiae = clamp01(q.minutiaCount / 30);
  return Math.round(100 * (0.35 * clarity + 0.25 * frequency + 0.2 * area + 0.2 * minutiae));
}
