import { ValidationError } from '../../../platform/errors';
import type { FingerprintTemplate, Minutia } from './fingerprint.types';

/**
 * ISO/IEC 19794-2:2005 finger minutiae record (format identifier "FMR", version " 20"), one finger view.
 *
 * Record header (24 bytes): "FMR\0", " 20\0", record length u32, capture equipment u16 (4-bit certification
 * flag + 12-bit device type), image width u16, height u16, x and y resolution u16 (pixels per centimetre),
 * number of finger views u8, reserved u8.
 * Finger view header (4 bytes): finger position u8, view number (high nibble) + impression type (low nibble),
 * finger quality u8 (0..100), number of minutiae u8.
 * Minutia (6 bytes): type (2 bits: 01 ending, 10 bifurcation, 00 other) + x (14 bits), 2 reserved bits + y
 * (14 bits), angle u8 in units of 360/256 degrees counter-clockwise from the x axis, quality u8 (0..100).
 * Extended data block length u16 (0: none).
 *
 * Angles: Custos measures clockwise on screen (image y points down), ISO counter-clockwise, so the sign flips.
 * Custos points a ridge ending's direction out of the ridge and a bifurcation's towards its stem (the two agree
 * under the ridge/valley duality). Some vendors point endings the other way; records from them match less well
 * until their ending angles are turned by 180 degrees, which this module does not guess.
 * Import rescales coordinates to 500 dpi when the record uses another resolution.
 */
export interface IsoOptions {
  /** ISO finger position code (0 unknown, 1 right thumb ... 10 left little). */
  fingerPosition?: number;
  /** ISO impression type (0 live-scan plain, 1 live-scan rolled, 2 non-live plain, ...). */
  impressionType?: number;
  viewNumber?: number;
}

/** 500 dpi in pixels per centimetre, as ISO records resolution. */
const PPCM_500DPI = 197;
const TWO_PI = 2 * Math.PI;

export function toIso19794_2(t: FingerprintTemplate, opts: IsoOptions = {}): Uint8Array {
  const minutiae = t.minutiae.slice(0, 255);
  const n = minutiae.length;
  const length = 24 + 4 + 6 * n + 2;
  const buf = new Uint8Array(length);
  const dv = new DataView(buf.buffer);
  buf.set([0x46, 0x4d, 0x52, 0x00, 0x20, 0x32, 0x30, 0x00], 0);
  dv.setUint32(8, length);
  dv.setUint16(12, 0); // no certification, device type unknown
  dv.setUint16(14, Math.min(0x3fff, Math.round(t.width)));
  dv.setUint16(16, Math.min(0x3fff, Math.round(t.height)));
  dv.setUint16(18, PPCM_500DPI);
  dv.setUint16(20, PPCM_500DPI);
  dv.setUint8(22, 1);
  dv.setUint8(23, 0);
  dv.setUint8(24, clamp(opts.fingerPosition ?? 0, 0, 10));
  dv.setUint8(25, (clamp(opts.viewNumber ?? 0, 0, 15) << 4) | clamp(opts.impressionType ?? 0, 0, 15));
  dv.setUint8(26, clamp(t.quality, 0, 100));
  dv.setUint8(27, n);
  minutiae.forEach((m, i) => {
    const o = 28 + 6 * i;
    const type = m.kind === 'ending' ? 1 : 2;
    dv.setUint16(o, (type << 14) | clamp(m.x, 0, 0x3fff));
    dv.setUint16(o + 2, clamp(m.y, 0, 0x3fff));
    const ccw = (((TWO_PI - m.angle) % TWO_PI) + TWO_PI) % TWO_PI;
    dv.setUint8(o + 4, Math.round((ccw / TWO_PI) * 256) & 0xff);
    dv.setUint8(o + 5, clamp(m.quality, 0, 100));
  });
  dv.setUint16(28 + 6 * n, 0);
  return buf;
}

/** Reads the first finger view of an ISO/IEC 19794-2:2005 record; refuses anything malformed. */
export function fromIso19794_2(bytes: Uint8Array): FingerprintTemplate {
  const bad = (why: string): ValidationError => new ValidationError('fingerprint.bad_iso_record', `Not a valid ISO/IEC 19794-2 minutiae record: ${why}`);
  if (bytes.byteLength < 24) throw bad(`${bytes.byteLength} bytes is shorter than the 24-byte header`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0) !== 0x464d5200) throw bad('format identifier is not "FMR"');
  if (dv.getUint32(4) !== 0x20323000) throw bad('only version " 20" (2005) is supported');
  const length = dv.getUint32(8);
  if (length !== bytes.byteLength) throw bad(`record length says ${length} bytes, got ${bytes.byteLength}`);
  const width = dv.getUint16(14);
  const height = dv.getUint16(16);
  const xres = dv.getUint16(18);
  const yres = dv.getUint16(20);
  if (xres === 0 || yres === 0) throw bad('resolution is zero');
  const views = dv.getUint8(22);
  if (views < 1) throw bad('no finger view');
  if (bytes.byteLength < 28) throw bad('finger view header is missing');
  const quality = dv.getUint8(26);
  const n = dv.getUint8(27);
  if (28 + 6 * n + 2 > bytes.byteLength) throw bad(`${n} minutiae do not fit in ${bytes.byteLength} bytes`);
  const sx = PPCM_500DPI / xres;
  const sy = PPCM_500DPI / yres;
  const minutiae: Minutia[] = [];
  for (let i = 0; i < n; i++) {
    const o = 28 + 6 * i;
    const wx = dv.getUint16(o);
    const type = wx >>> 14;
    const x = wx & 0x3fff;
    const y = dv.getUint16(o + 2) & 0x3fff;
    const ccw = (dv.getUint8(o + 4) / 256) * TWO_PI;
    const q = dv.getUint8(o + 5);
    // "Other" minutiae (type 00) are kept as endings: their position and direction still count in matching.
    minutiae.push({
      x: Math.round(x * sx),
      y: Math.round(y * sy),
      angle: (TWO_PI - ccw) % TWO_PI,
      kind: type === 2 ? 'bifurcation' : 'ending',
      quality: Math.min(100, q),
    });
  }
  return {
    width: Math.round(width * sx),
    height: Math.round(height * sy),
    quality: Math.min(100, quality),
    minutiae,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  const r = Math.round(v);
  return r < lo ? lo : r > hi ? hi : r;
}
