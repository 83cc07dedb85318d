/**
 * The tiny-detector-first variant on real LFW photographs: it keeps the subject the SSD search finds, sending an image
 * to SSD when its only face is a bystander at the edge. Runs the real models on this thread; no timings asserted.
 */
import { describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cosineSimilarity } from './face.domain';
import { centreOffset, decodeImage, FacePipeline, TINY_MAX_OFFSET } from './face.pipeline';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const img = (name: string) => join(projectRoot, '../shared/data/faces/lfw-dev/images_deepfunneled', name.replace(/_\d+$/, ''), `${name}.jpg`);

describe('tiny detector first, SSD as fallback', () => {
  it('describes the same face as the SSD path, and falls back when the tiny face is a bystander at the edge', async () => {
    const ssd = await FacePipeline.create({}, { detector: 'ssd' });
    const tiny = await FacePipeline.create({}, { detector: 'tiny' });
    for (const name of ['Alan_Greenspan_0001', 'Norm_Coleman_0007']) {
      const bytes = await readFile(img(name));
      const a = await ssd.extract(bytes, 'probe');
      const b = await tiny.extract(bytes, 'probe');
      expect(cosineSimilarity(a.descriptor, b.descriptor), name).toBeGreaterThan(0.99);
      expect(Math.abs(a.box.x - b.box.x), name).toBeLessThan(a.box.width / 4);
    }
    // In Norm_Coleman_0007 the tiny detector sees only the bystander at the left edge: that is why it fell back.
    const { image } = await decodeImage(await readFile(img('Norm_Coleman_0007')));
    const seen = await tiny.detectTiny(image, 416, 0.5);
    expect(seen).toHaveLength(1);
    expect(centreOffset(seen[0]!.box, image)).toBeGreaterThan(TINY_MAX_OFFSET);
  }, 120_000);
});
