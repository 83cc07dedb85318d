/**
 * The face engine on real photographs from the LFW development set (read in place from ../shared/data/faces/lfw-dev)
 * and on bad input. Runs the real models on worker threads; no timings are asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createFaceEngine, faceSimilarity, FACE_MODEL, FACE_THRESHOLDS, type FaceEngine } from './index';
import { Gallery } from '../gallery';
import { descriptorToBytes, openDescriptor, sealDescriptor, templateKeyFromBytes } from '../template-crypto';
import { randomBytes } from 'node:crypto';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const LFW = resolve(projectRoot, '../shared/data/faces/lfw-dev');
const img = (person: string, n: number) => join(LFW, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`);

let engine: FaceEngine;

beforeAll(async () => {
  if (!existsSync(join(LFW, 'pairs.tsv'))) {
    throw new Error(`The LFW development set is missing: expected ${LFW}/pairs.tsv (shared data beside the project)`);
  }
  engine = createFaceEngine({ workers: 1 });
  await engine.ready();
});

afterAll(async () => {
  await engine?.close();
});

async function expectRefused(image: Uint8Array, code: string | RegExp, purpose: 'enrol' | 'probe' = 'enrol') {
  const err = await engine.extract(image, { purpose }).then(
    () => undefined,
    (e: unknown) => e as { code: string; message: string },
  );
  expect(err, 'the image should have been refused').toBeDefined();
  expect(err!.code).toMatch(code);
  expect(err!.message.length).toBeGreaterThan(5);
}

describe('face engine on real photographs', () => {
  it('enrols a photo; another photo of the same person verifies, a different person does not', async () => {
    const enrolled = await engine.extract(await readFile(img('Alan_Greenspan', 1)), { purpose: 'enrol' });
    expect(enrolled.model).toBe(FACE_MODEL.tag);
    expect(enrolled.descriptor).toHaveLength(FACE_MODEL.dimension);
    expect(Math.hypot(...enrolled.descriptor)).toBeCloseTo(1, 4);
    expect(enrolled.quality.ok).toBe(true);
    expect(enrolled.box.width).toBeGreaterThan(40);

    const same = await engine.extract(await readFile(img('Alan_Greenspan', 5)), { purpose: 'probe' });
    const other = await engine.extract(await readFile(img('Adel_Al-Jubeir', 1)), { purpose: 'probe' });
    const { threshold } = FACE_THRESHOLDS.verify;
    expect(faceSimilarity(enrolled.descriptor, same.descriptor)).toBeGreaterThanOrEqual(threshold);
    expect(faceSimilarity(enrolled.descriptor, other.descriptor)).toBeLessThan(threshold);

    // The same decision through a stored (encrypted) template and the gallery.
    const key = templateKeyFromBytes(randomBytes(32));
    const stored = sealDescriptor(key, enrolled.descriptor, { model: FACE_MODEL.tag, bindTo: 'p-1' });
    expect(stored.includes(descriptorToBytes(enrolled.descriptor))).toBe(false);
    const gallery = new Gallery({ dimension: FACE_MODEL.dimension });
    gallery.add('p-1', openDescriptor(key, stored, { expectModel: FACE_MODEL.tag, bindTo: 'p-1' }).descriptor);
    gallery.add('p-2', other.descriptor);
    expect(gallery.verify('p-1', same.descriptor)!).toBeGreaterThanOrEqual(threshold);
    expect(gallery.search(same.descriptor, { k: 1 })[0]!.id).toBe('p-1');
  });

  it('gives the same descriptor for the same image (deterministic)', async () => {
    const bytes = await readFile(img('Adel_Al-Jubeir', 3));
    const [a, b] = await Promise.all([engine.extract(bytes, { purpose: 'probe' }), engine.extract(bytes, { purpose: 'probe' })]);
    expect(faceSimilarity(a.descriptor, b.descriptor)).toBeCloseTo(1, 5);
  });
});

describe('face engine on a large upload', () => {
  it("reduces it for detection and reports the box in the upload's pixels", async () => {
    const small = await readFile(img('Alan_Greenspan', 1));
    const large = await sharp(small).resize(1500, 1500).jpeg({ quality: 95 }).toBuffer();
    const [a, b] = await Promise.all([engine.extract(small, { purpose: 'enrol' }), engine.extract(large, { purpose: 'enrol' })]);
    expect(b.box.x / a.box.x).toBeGreaterThan(5);
    expect(b.box.x / a.box.x).toBeLessThan(7);
    expect(b.box.width / a.box.width).toBeCloseTo(6, 0);
    expect(faceSimilarity(a.descriptor, b.descriptor)).toBeGreaterThan(FACE_THRESHOLDS.identify.threshold);
  });
});

describe('face engine refuses bad input with a reason', () => {
  it('empty image', async () => {
    await expectRefused(new Uint8Array(0), 'face.empty_image');
  });

  it('corrupt bytes and a truncated JPEG', async () => {
    await expectRefused(randomBytes(5000), 'face.corrupt_image');
    const jpeg = await readFile(img('Alan_Greenspan', 1));
    await expectRefused(jpeg.subarray(0, Math.floor(jpeg.length / 3)), 'face.corrupt_image');
  });

  it('a huge image, by pixels and by bytes', async () => {
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .png()
      .toBuffer();
    await expectRefused(huge, 'face.image_too_large');
    await expectRefused(new Uint8Array(25 * 1024 * 1024), 'face.image_too_large');
  });

  it('a tiny image and an unsupported format', async () => {
    const tiny = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: 9, g: 9, b: 9 } } })
      .png()
      .toBuffer();
    await expectRefused(tiny, 'face.image_too_small');
    const gif = await sharp({ create: { width: 64, height: 64, channels: 3, background: { r: 9, g: 9, b: 9 } } })
      .gif()
      .toBuffer();
    await expectRefused(gif, 'face.unsupported_format');
  });

  it('an image without a face, for enrolment and for a probe', async () => {
    const plain = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: 200, g: 180, b: 160 } } })
      .jpeg()
      .toBuffer();
    await expectRefused(plain, 'face.no_face', 'enrol');
    await expectRefused(plain, 'face.no_face', 'probe');
  });

  it('a blurred face at enrolment', async () => {
    const blurred = await sharp(await readFile(img('Alan_Greenspan', 1)))
      .blur(4)
      .jpeg()
      .toBuffer();
    await expectRefused(blurred, /face\.(blurred|no_face)/, 'enrol');
  });

  it('altered copies of a good photo: darkened, overexposed, blurred, small; each refused at enrolment with its reason', async () => {
    const original = await readFile(img('Alan_Greenspan', 1));
    expect((await engine.extract(original, { purpose: 'enrol' })).quality.ok).toBe(true);
    const altered = {
      'face.too_dark': await sharp(original).linear(0.25, 0).jpeg().toBuffer(),
      'face.too_bright': await sharp(original).linear(1.8, 60).jpeg().toBuffer(),
      'face.blurred': await sharp(original).blur(2).jpeg().toBuffer(),
      'face.too_small': await sharp(original)
        .resize(100, 100)
        .extend({ top: 75, bottom: 75, left: 75, right: 75, background: { r: 128, g: 128, b: 128 } })
        .jpeg()
        .toBuffer(),
    };
    for (const [code, bytes] of Object.entries(altered)) {
      const err = await engine.extract(bytes, { purpose: 'enrol' }).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string; details?: { issues?: { code: string }[] } },
      );
      expect(err?.code, code).toBe(code);
      expect(err!.details!.issues!.map((i) => i.code)).toEqual([code]);
      // at a checkpoint the same capture is still compared (the threshold decides), and it is still the same person
      const probe = await engine.extract(bytes, { purpose: 'probe' });
      expect(probe.quality.ok).toBe(true);
    }
    // the darkened copy is found (levels stretched for the search) and still verifies against the original
    const enrolled = await engine.extract(original, { purpose: 'enrol' });
    const dark = await engine.extract(altered['face.too_dark'], { purpose: 'probe' });
    expect(faceSimilarity(enrolled.descriptor, dark.descriptor)).toBeGreaterThanOrEqual(FACE_THRESHOLDS.verify.threshold);
  });

  it('two people side by side at enrolment', async () => {
    const a = await sharp(await readFile(img('Alan_Greenspan', 1))).toBuffer();
    const b = await sharp(await readFile(img('Adel_Al-Jubeir', 1))).toBuffer();
    const both = await sharp({ create: { width: 500, height: 250, channels: 3, background: { r: 128, g: 128, b: 128 } } })
      .composite([
        { input: a, left: 0, top: 0 },
        { input: b, left: 250, top: 0 },
      ])
      .jpeg()
      .toBuffer();
    await expectRefused(both, 'face.multiple_faces', 'enrol');
    // a probe takes the main face instead
    const probe = await engine.extract(both, { purpose: 'probe' });
    expect(probe.quality.measures.faces.length).toBeGreaterThanOrEqual(2);
  });
});
