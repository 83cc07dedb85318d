import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { FaceWorkerPool } from './face.pool';

const LFW = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data/faces/lfw-dev');

describe('face worker pool', () => {
  it('replaces a worker that dies and keeps serving', async () => {
    if (!existsSync(join(LFW, 'pairs.tsv'))) throw new Error(`The LFW development set is missing: expected ${LFW}/pairs.tsv`);
    const image = await readFile(join(LFW, 'images_deepfunneled/Alan_Greenspan/Alan_Greenspan_0001.jpg'));
    const pool = new FaceWorkerPool(1, {});
    try {
      await pool.ready;
      const before = await pool.run(image, 'probe');
      // the platform pool behind it holds the workers
      const worker = (pool as unknown as { pool: { idle: Worker[] } }).pool.idle[0]!;
      await worker.terminate();
      const after = await pool.run(image, 'probe');
      expect(Array.from(after.descriptor)).toEqual(Array.from(before.descriptor));
    } finally {
      await pool.close();
    }
    await expect(pool.run(image, 'probe')).rejects.toThrow(/closed/);
  });

  it('closes while its workers are still starting', async () => {
    const pool = new FaceWorkerPool(2, {});
    await pool.close();
    await expect(pool.ready).rejects.toThrow();
  });
});
