import { ValidationError } from '../../../platform/errors';
import type { FingerprintTemplate, Minutia } from './fingerprint.types';

/**
 * Compact binary template (big-endian), 12 bytes + 8 per minutia:
 *   "CFP" 0x01 (magic and version) | width u16 | height u16 | quality u8 | reserved u8 | count u16
 *   per minutia: x u16 | y u16 | angle u16 (2π/65536 units) | kind u8 (0 ending, 1 bifurcation) | quality u8
 * Coordinates are pixels at 500 dpi. This is the form to encrypt and store; ISO 19794-2 is for exchange.
 */
const MAGIC = [0x43, 0x46, 0x50, 0x01];
const HEADER = 12;
const PER_MINUTIA = 8;
export const MAX_TEMPLATE_MINUTIAE = 255;

export function serializeTemplate(t: FingerprintTemplate): Uint8Array {
  const n = Math.min(t.minutiae.length, MAX_TEMPLATE_MINUTIAE);
  const buf = new Uint8Array(HEADER + n * PER_MINUTIA);
  const dv = new DataView(buf.buffer);
  buf.set(MAGIC, 0);
  dv.setUint16(4, clampInt(t.width, 0, 65535));
  dv.setUint16(6, clampInt(t.height, 0, 65535));
  dv.setUint8(8, clampInt(t.quality, 0, 100));
  dv.setUint16(10, n);
  for (let i = 0; i < n; i++) {
    const m = t.minutiae[i]!;
    const o = HEADER + i * PER_MINUTIA;
    dv.setUint16(o, clampInt(m.x, 0, 65535));
    dv.setUint16(o + 2, clampInt(m.y, 0, 65535));
    const a = ((m.angle % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    dv.setUint16(o + 4, Math.round((a / (2 * Math.PI)) * 65536) & 0xffff);
    dv.setUint8(o + 6, m.kind === 'bifurcation' ? 1 : 0);
    dv.setUint8(o + 7, clampInt(m.quality, 0, 100));
  }
  return buf;
}

export function deserializeTemplate(bytes: Uint8Array): FingerprintTemplate {
  const bad = (why: string): ValidationError => new ValidationError('fingerprint.bad_template', `Not a Custos fingerprint template: ${why}`);
  if (bytes.byteLength < HEADER) throw bad(`${bytes.byteLength} bytes is shorter than the ${HEADER}-byte header`);
  for (let i = 0; i < 3; i++) if (bytes[i] !== MAGIC[i]) throw bad('wrong magic bytes');
  if (bytes[3] !== MAGIC[3]) throw bad(`unsupported version ${bytes[3]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = dv.getUint16(10);
  if (bytes.byteLength !== HEADER + n * PER_MINUTIA) {
    throw bad(`${n} minutiae need ${HEADER + n * PER_MINUTIA} bytes, got ${bytes.byteLength}`);
  }
  const width = dv.getUint16(4);
  const height = dv.getUint16(6);
  const quality = dv.getUint8(8);
  if (quality > 100) throw bad(`quality ${quality} is above 100`);
  const minutiae: Minutia[] = [];
  for (let i = 0; i < n; i++) {
    const o = HEADER + i * PER_MINUTIA;
    const kind = dv.getUint8(o + 6);
    if (kind > 1) throw bad(`minutia ${i} has unknown kind ${kind}`);
    minutiae.push({
      x: dv.getUint16(o),
      y: dv.getUint16(o + 2),
      angle: (dv.getUint16(o + 4) / 65536) * 2 * Math.PI,
      kind: kind === 1 ? 'bifurcation' : 'ending',
      quality: Math.min(100, dv.getUint8(o + 7)),
    });
  }
  return { width, height, quality, minutiae };
}

function clampInt(v: number, lo: number, hi: number): number {
  const r = Math.round(v);
  return r < lo ? lo : r > hi ? hi : r;
}
