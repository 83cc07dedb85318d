/**
 * 640x480 extraction CPU time of this tree's extractor against an older commit's, in the same process, interleaved
 * image by image (five rounds over the ten DB2_B first impressions scaled to fill 640x480, taken as 500 dpi).
 *
 *   git archive COMMIT | tar -x -C /tmp/fp-old && ln -s "$PWD/node_modules" /tmp/fp-old/node_modules
 *   node --import tsx bench/fingerprint/compare-extractor.ts /tmp/fp-old
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import sharp from 'sharp';
import { extractFingerprintFromGrey as after, type GreyImage } from '../../src/modules/biometrics/fingerprint';

const oldTree = process.argv[2];
if (!oldTree) {
  console.error('usage: compare-extractor.ts OLD_TREE (an exported older commit, see the comment above)');
  process.exit(2);
}
const before = (await import(resolve(oldTree, 'src/modules/biometrics/fingerprint/index.ts'))).extractFingerprintFromGrey as typeof after;
const dataDir = resolve(import.meta.dirname, '../../../shared/data/fingerprints/fvc2002-db2b');
const images: GreyImage[] = [];
for (let f = 101; f <= 110; f++) {
  const { data, info } = await sharp(await readFile(resolve(dataDir, `${f}_1.tif`)))
    .greyscale()
    .resize(640, 480, { fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  images.push({ width: info.width, height: info.height, data: new Uint8Array(data) });
}
for (const extract of [before, after]) for (const image of images) extract(image, { dpi: 500 });
const cpu: Record<'before' | 'after', number[]> = { before: [], after: [] };
for (let round = 0; round < 5; round++) {
  for (const image of images) {
    for (const [name, extract] of [
      ['before', before],
      ['after', after],
    ] as const) {
      const c0 = process.cpuUsage();
      extract(image, { dpi: 500 });
      const c = process.cpuUsage(c0);
      cpu[name].push((c.user + c.system) / 1000);
    }
  }
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(
  JSON.stringify({
    date: new Date().toISOString(),
    beforeCpuMsMean: +mean(cpu.before).toFixed(1),
    afterCpuMsMean: +mean(cpu.after).toFixed(1),
    beforeCpuMsMedian: +median(cpu.before).toFixed(1),
    afterCpuMsMedian: +median(cpu.after).toFixed(1),
    ratioMean: +(mean(cpu.after) / mean(cpu.before)).toFixed(3),
  }),
);
