import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isDomainError } from '../../../platform/errors';
import {
  compareFingerprints,
  DEFAULT_THRESHOLD,
  deserializeTemplate,
  extractFingerprint,
  fromIso19794_2,
  identify,
  prepareTemplate,
  serializeTemplate,
  THRESHOLDS,
  toIso19794_2,
  type FingerprintTemplate,
} from './index';
import { FACE_DATA, readSample, requireFingerprintData } from './fingerprint.test-data';

const DB2 = { dpi: 569 };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isDomainError(err)) return err.code;
    throw err;
  }
  return 'accepted';
}

describe('fingerprint extraction and matching on FVC2002 DB2_B', () => {
  let a1: FingerprintTemplate;
  let a2: FingerprintTemplate;
  let b1: FingerprintTemplate;

  beforeAll(async () => {
    requireFingerprintData();
    const t = await Promise.all(['101_1', '101_2', '102_1'].map(async (n) => (await extractFingerprint(await readSample('fvc2002-db2b', n), DB2)).template));
    [a1, a2, b1] = [t[0]!, t[1]!, t[2]!];
  });

  it('extracts a plausible set of minutiae with a quality score', async () => {
    const r = await extractFingerprint(await readSample('fvc2002-db2b', '101_1'), DB2);
    expect(r.minutiae.length).toBeGreaterThan(15);
    expect(r.minutiae.length).toBeLessThanOrEqual(80);
    expect(r.quality).toBeGreaterThan(40);
    expect(r.quality).toBeLessThanOrEqual(100);
    // Scaled from 569 to 500 dpi.
    expect(r.template.width).toBe(Math.round((296 * 500) / 569));
    for (const m of r.minutiae) {
      expect(m.x).toBeGreaterThanOrEqual(0);
      expect(m.x).toBeLessThan(r.template.width);
      expect(m.angle).toBeGreaterThanOrEqual(0);
      expect(m.angle).toBeLessThan(2 * Math.PI);
      expect(['ending', 'bifurcation']).toContain(m.kind);
    }
  });

  it('scores another impression of the same finger above the threshold and a different finger below it', () => {
    const genuine = compareFingerprints(a1, a2);
    const impostor = compareFingerprints(a1, b1);
    expect(genuine).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(impostor).toBeLessThan(THRESHOLDS.FMR_1_PERCENT);
    expect(compareFingerprints(a1, a1)).toBeGreaterThanOrEqual(genuine);
  });

  it('is symmetric and gives the same score on prepared templates', () => {
    expect(compareFingerprints(a1, a2)).toBe(compareFingerprints(a2, a1));
    expect(compareFingerprints(prepareTemplate(a1), prepareTemplate(a2))).toBe(compareFingerprints(a1, a2));
  });

  it('finds the right finger in a 1:N search', () => {
    const gallery = [
      { id: 'finger-101', template: prepareTemplate(a2) },
      { id: 'finger-102', template: prepareTemplate(b1) },
    ];
    const hits = identify(a1, gallery);
    expect(hits.map((h) => h.id)).toEqual(['finger-101']);
  });

  it('leaves the score nearly unchanged when the image is rotated and translated', async () => {
    const src = await readSample('fvc2002-db2b', '101_1');
    const base = compareFingerprints(a1, a2);
    // Rotate by 25 degrees and shift by 40 and 30 pixels, filling with the sensor's background grey.
    const moved = await sharp(src)
      .rotate(25, { background: { r: 200, g: 200, b: 200 } })
      .extend({ left: 40, top: 30, right: 0, bottom: 0, background: { r: 200, g: 200, b: 200 } })
      .png()
      .toBuffer();
    const t = (await extractFingerprint(moved, DB2)).template;
    const score = compareFingerprints(t, a2);
    expect(score).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(Math.abs(score - base)).toBeLessThan(0.35 * base);
    expect(compareFingerprints(t, a1)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
    expect(compareFingerprints(t, b1)).toBeLessThan(THRESHOLDS.FMR_1_PERCENT);
  });

  it('round-trips the binary template and an ISO/IEC 19794-2 record', () => {
    const bin = serializeTemplate(a1);
    expect(bin.byteLength).toBe(12 + 8 * a1.minutiae.length);
    const back = deserializeTemplate(bin);
    expect(back.minutiae.length).toBe(a1.minutiae.length);
    expect(back.width).toBe(a1.width);
    back.minutiae.forEach((m, i) => {
      const o = a1.minutiae[i]!;
      expect([m.x, m.y, m.kind, m.quality]).toEqual([o.x, o.y, o.kind, o.quality]);
      expect(Math.abs(m.angle - o.angle)).toBeLessThan(1e-3);
    });

    const iso = toIso19794_2(a1, { fingerPosition: 2 });
    expect(Buffer.from(iso.subarray(0, 8)).toString('latin1')).toBe('FMR\0 20\0');
    const fromIso = fromIso19794_2(iso);
    expect(fromIso.minutiae.length).toBe(a1.minutiae.length);
    fromIso.minutiae.forEach((m, i) => {
      const o = a1.minutiae[i]!;
      expect([m.x, m.y, m.kind]).toEqual([o.x, o.y, o.kind]);
      const d = Math.abs(((m.angle - o.angle + 3 * Math.PI) % (2 * Math.PI)) - Math.PI);
      expect(d).toBeLessThanOrEqual((Math.PI * 2) / 256);
    });
    expect(toIso19794_2(fromIso, { fingerPosition: 2 })).toEqual(iso);
    // The record still matches: exchange through ISO keeps the fingerprint comparable.
    expect(compareFingerprints(fromIso, a2)).toBeGreaterThanOrEqual(DEFAULT_THRESHOLD);
  });
});

describe('refusing what is not a usable fingerprint', () => {
  beforeAll(() => requireFingerprintData());

  it('refuses a blank image', async () => {
    const blank = await sharp(new Uint8Array(300 * 400).fill(210), { raw: { width: 300, height: 400, channels: 1 } })
      .png()
      .toBuffer();
    expect(await codeOf(extractFingerprint(blank))).toBe('fingerprint.blank');
  });

  it('refuses a tiny image', async () => {
    const tiny = await sharp(await readSample('fvc-db4b', '101_1'))
      .extract({ left: 100, top: 100, width: 40, height: 40 })
      .png()
      .toBuffer();
    await expect(extractFingerprint(tiny)).rejects.toThrow(/40x40 pixels/);
    expect(await codeOf(extractFingerprint(tiny))).toBe('fingerprint.too_small');
  });

  it('refuses corrupt data', async () => {
    const tif = await readSample('fvc-db4b', '101_1');
    expect(await codeOf(extractFingerprint(tif.subarray(0, 300)))).toBe('fingerprint.unreadable');
    expect(await codeOf(extractFingerprint(Buffer.from('not an image at all')))).toBe('fingerprint.unreadable');
    expect(await codeOf(extractFingerprint(new Uint8Array(0)))).toBe('fingerprint.unreadable');
  });

  it('refuses images that are not fingerprints', async () => {
    // A photograph of a face (LFW), and random noise.
    const people = readdirSync(resolve(FACE_DATA, 'images_deepfunneled'));
    const dir = resolve(FACE_DATA, 'images_deepfunneled', people[0]!);
    const face = await readFile(resolve(dir, readdirSync(dir)[0]!));
    expect(['fingerprint.no_ridges', 'fingerprint.too_few_minutiae']).toContain(await codeOf(extractFingerprint(face)));
    const noise = new Uint8Array(300 * 300);
    let s = 12345;
    for (let i = 0; i < noise.length; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      noise[i] = s >>> 24;
    }
    const png = await sharp(noise, { raw: { width: 300, height: 300, channels: 1 } })
      .png()
      .toBuffer();
    expect(['fingerprint.no_ridges', 'fingerprint.too_few_minutiae']).toContain(await codeOf(extractFingerprint(png)));
  });

  it('refuses a resolution it cannot use', async () => {
    const tif = await readSample('fvc-db4b', '101_1');
    expect(await codeOf(extractFingerprint(tif, { dpi: 20 }))).toBe('fingerprint.bad_dpi');
  });

  it('refuses malformed templates and ISO records', () => {
    expect(() => deserializeTemplate(new Uint8Array([1, 2, 3]))).toThrow(/template/);
    expect(() => fromIso19794_2(new Uint8Array(30))).toThrow(/ISO/);
    const iso = toIso19794_2({ width: 300, height: 300, quality: 50, minutiae: [] });
    expect(fromIso19794_2(iso).minutiae).toEqual([]);
    expect(() => fromIso19794_2(iso.subarray(0, iso.length - 1))).toThrow(/length/);
  });
});
