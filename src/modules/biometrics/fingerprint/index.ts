/**
 * Fingerprint biometrics: minutiae extraction from grey-scale images and Minutia Cylinder-Code matching fused with a
 * rotation-invariant nearest-neighbour pair matcher (fingerprint.pairs.ts), all in TypeScript on typed arrays. Pure apart from image decoding (sharp); no database, no clock, no key material:
 * the biometrics service encrypts serialised templates and keeps galleries of prepared templates in memory.
 *
 * Scores are calibrated (see fingerprint.calibration.ts): a similarity s means an estimated false-match rate of
 * 10^(-s/10), so THRESHOLDS.FMR_0_1_PERCENT (30) accepts about one impostor in a thousand.
 */
import { ValidationError } from '../../../platform/errors';
import { calibratedScore } from './fingerprint.calibration';
import { decodeGrey } from './fingerprint.decode';
import { extractFromGrey, resampleTo500 } from './fingerprint.extract';
import { matchPrepared, prepareTemplate as buildPrepared, type PreparedTemplate } from './fingerprint.match';
import type { FingerprintTemplate, GreyImage, Minutia } from './fingerprint.types';

export type { FingerprintTemplate, GreyImage, Minutia, MinutiaKind } from './fingerprint.types';
export type { PreparedTemplate } from './fingerprint.match';
export { serializeTemplate, deserializeTemplate } from './fingerprint.template';
export { toIso19794_2, fromIso19794_2, type IsoOptions } from './fingerprint.iso19794';
export { THRESHOLDS, CALIBRATION_SOURCE, calibratedScore } from './fingerprint.calibration';
export { imageQuality, qualityIssues, RETAKE_QUALITY, type FingerprintQualityIssue } from './fingerprint.quality';
import { qualityIssues, type FingerprintQualityIssue } from './fingerprint.quality';

/** The default decision threshold: calibrated score for a false-match rate of 0.1%. */
export const DEFAULT_THRESHOLD = 30;

export interface ExtractOptions {
  /** Resolution of the image in dots per inch (default 500); the image is scaled to 500 dpi. */
  dpi?: number;
}

export interface ExtractedFingerprint {
  template: FingerprintTemplate;
  /** Image quality 0..100 (0-20 unusable, 20-40 poor, 40-60 fair, 60-80 good, 80-100 excellent). */
  quality: number;
  /** What lowers the quality, worst first (empty for a good capture). */
  issues: FingerprintQualityIssue[];
  minutiae: Minutia[];
}

/**
 * Decodes an image (TIFF, PNG, JPEG, ...), scales it to 500 dpi and extracts its minutiae.
 * Throws ValidationError with code `fingerprint.unreadable`, `fingerprint.too_small`, `fingerprint.too_large`,
 * `fingerprint.blank`, `fingerprint.no_ridges` (not a fingerprint), `fingerprint.too_few_minutiae` or
 * `fingerprint.bad_dpi`, each with a message that says why.
 */
export async function extractFingerprint(image: Uint8Array, opts: ExtractOptions = {}): Promise<ExtractedFingerprint> {
  const grey = await decodeGrey(image);
  return extractFingerprintFromGrey(grey, opts);
}

/** As extractFingerprint, from an already decoded 8-bit grey raster (synchronous, pure). */
export function extractFingerprintFromGrey(grey: GreyImage, opts: ExtractOptions = {}): ExtractedFingerprint {
  const scaled = resampleTo500(grey, opts.dpi ?? 500);
  const r = extractFromGrey(scaled);
  const template: FingerprintTemplate = { width: r.width, height: r.height, quality: r.quality, minutiae: r.minutiae };
  const issues = qualityIssues({ ...r.stats, minutiaCount: r.minutiae.length });
  return { template, quality: r.quality, issues, minutiae: r.minutiae };
}

/** Builds the comparison structures of a template once, for repeated comparisons (1:N galleries). */
export function prepareTemplate(t: FingerprintTemplate): PreparedTemplate {
  if (!t || !Array.isArray(t.minutiae)) {
    throw new ValidationError('fingerprint.bad_template', 'A fingerprint template needs a list of minutiae');
  }
  return buildPrepared(t);
}

function isPrepared(t: FingerprintTemplate | PreparedTemplate): t is PreparedTemplate {
  return (t as PreparedTemplate).cells instanceof Uint32Array;
}

/** Raw matcher score, 0..1.25 (MCC LSS-R plus 0.25 x the pair matcher); use compareFingerprints for a calibrated, thresholdable score. */
export function compareRaw(a: PreparedTemplate, b: PreparedTemplate): number {
  return matchPrepared(a, b);
}

/**
 * Calibrated similarity of two fingerprints, 0..100, higher is more alike: -10 log10 of the estimated false-match
 * rate, so it compares directly with THRESHOLDS. Accepts templates or prepared templates (faster when reused).
 */
export function compareFingerprints(a: FingerprintTemplate | PreparedTemplate, b: FingerprintTemplate | PreparedTemplate): number {
  const pa = isPrepared(a) ? a : prepareTemplate(a);
  const pb = isPrepared(b) ? b : prepareTemplate(b);
  return calibratedScore(matchPrepared(pa, pb));
}

export interface Candidate<K> {
  id: K;
  score: number;
}

/**
 * 1:N search: the gallery entries scoring at least `threshold` (default DEFAULT_THRESHOLD), best first, at most
 * `limit` of them. De-duplication at enrolment is the same call with the new print as probe.
 */
export function identify<K>(
  probe: FingerprintTemplate | PreparedTemplate,
  gallery: Iterable<{ id: K; template: PreparedTemplate }>,
  opts: { threshold?: number; limit?: number } = {},
): Candidate<K>[] {
  const p = isPrepared(probe) ? probe : prepareTemplate(probe);
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const out: RawCandidate<K>[] = [];
  for (const entry of gallery) consider(p, entry, threshold, out);
  return ranked(out, opts.limit);
}

/**
 * Comparisons between two turns of the event loop in `identifyYielding` (about 40 ms of matching on one core; halved
 * when the pair matcher was fused in, which about doubled a comparison's cost).
 */
const YIELD_EVERY = 500;

/**
 * The same search as `identify`, giving the event loop a turn every YIELD_EVERY comparisons: a server with a large
 * gallery keeps answering other requests (roll-call marks, alert streams) while a 1:N search runs. Entries added or
 * removed during the search may or may not be seen, as with any search that overlaps a change.
 */
export async function identifyYielding<K>(
  probe: FingerprintTemplate | PreparedTemplate,
  gallery: Iterable<{ id: K; template: PreparedTemplate }>,
  opts: { threshold?: number; limit?: number } = {},
): Promise<Candidate<K>[]> {
  const p = isPrepared(probe) ? probe : prepareTemplate(probe);
  const threshold = opts.threshold ?? DEFAULT_THRESHOLD;
  const out: RawCandidate<K>[] = [];
  let n = 0;
  for (const entry of gallery) {
    consider(p, entry, threshold, out);
    if (++n % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return ranked(out, opts.limit);
}

type RawCandidate<K> = Candidate<K> & { raw: number };

function consider<K>(p: PreparedTemplate, entry: { id: K; template: PreparedTemplate }, threshold: number, out: RawCandidate<K>[]): void {
  const raw = matchPrepared(p, entry.template);
  const score = calibratedScore(raw);
  if (score >= threshold) out.push({ id: entry.id, score, raw });
}

function ranked<K>(out: RawCandidate<K>[], limit: number | undefined): Candidate<K>[] {
  // Calibrated scores saturate at 100; the raw score still orders the strongest candidates.
  out.sort((x, y) => y.raw - x.raw);
  const all = out.map(({ id, score }) => ({ id, score }));
  return limit !== undefined ? all.slice(0, limit) : all;
}
