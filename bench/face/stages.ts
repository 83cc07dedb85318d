/**
 * Per-stage CPU time and descriptors of two first-stage detectors, on one thread per process, in the same run.
 *
 *   node --import tsx bench/face/stages.ts [--data DIR] [--shards N] --out FILE
 *
 * Every image of DIR/pairs.tsv goes through, on one thread (`--shards N` runs N processes, each on every N-th image,
 * each timing its own CPU with process.cpuUsage: tfjs's WASM backend runs on the calling thread):
 * - decode (sharp);
 * - the SSD path, the shipped pipeline (p2): SSD search with its fallbacks -> 68 landmarks (two refinement passes,
 *   mirrored) -> aligned crop -> descriptor of the crop and its mirror;
 * - the tiny path: the tiny detector at 416 (score >= 0.5) -> the same landmarks, crop and descriptor on its box, and
 *   the agreement of its box with the landmarks (landmarkAgreement).
 * It writes, per image, both descriptors, the tiny detector's score and agreement, each stage's CPU milliseconds and
 * the SSD path's quality measures. `npm run bench -- face --stages FILE` then chooses among the variants (SSD only;
 * tiny first with SSD fallback below an agreement bar) by the identity-split protocol.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runInShards } from './shards';
import { FACE_MODEL } from '../../src/modules/biometrics/face';
import {
  exposureOf,
  fuseDescriptors,
  poseFromLandmarks,
  sharpnessOf,
  warpToCrop,
  type FaceMeasures,
  type RgbImage,
} from '../../src/modules/biometrics/face/face.domain';
import { CROP_SIZE, centreOffset, decodeImage, FacePipeline, landmarkAgreement } from '../../src/modules/biometrics/face/face.pipeline';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(root, '../shared/data/faces/lfw-dev') },
    shards: { type: 'string', default: '1' },
    shard: { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    addOffsets: { type: 'boolean', default: false },
  },
});
if (!args.out) {
  console.error('bench/face/stages: --out FILE is required');
  process.exit(2);
}
const dataDir = args.data!;
const images = [
  ...new Set(
    readFileSync(join(dataDir, 'pairs.tsv'), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .flatMap((l) => l.split('\t').slice(0, 2)),
  ),
]
  .sort()
  .slice(0, args.limit ? Number(args.limit) : undefined);

export interface StageEntry {
  /** CPU milliseconds per stage on this thread. */
  ms: { decode: number; ssd: number; ssdLandmarks: number; ssdDescribe: number; tiny: number; tinyLandmarks?: number; tinyDescribe?: number };
  ssd?: { descriptor: number[]; measures: FaceMeasures };
  ssdError?: string;
  tiny?: {
    descriptor: number[];
    score: number;
    agreement: number;
    /** Distance of the tiny detector's face centre from the image centre, over the image diagonal. */
    offset?: number;
    faces?: number;
  };
}

export interface StagesFile {
  model: string;
  date: string;
  loadavg: number[];
  cpu: string | undefined;
  node: string;
  shards: number;
  entries: Record<string, StageEntry>;
}

function cpuMs(): () => number {
  const start = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(start);
    return (d.user + d.system) / 1000;
  };
}

async function describeAt(pipeline: FacePipeline, image: RgbImage, box: { x: number; y: number; width: number; height: number }) {
  let stop = cpuMs();
  const landmarks = await pipeline.landmarks(image, box);
  const landmarkMs = stop();
  stop = cpuMs();
  const toCrop = pipeline.cropTransform(landmarks, box);
  const crop = warpToCrop(image, toCrop, CROP_SIZE);
  const descriptor = fuseDescriptors(await pipeline.describe([crop, warpToCrop(image, toCrop, CROP_SIZE, true)]));
  const describeMs = stop();
  return { landmarks, crop, descriptor, landmarkMs, describeMs };
}

async function runShard(shard: number, shards: number): Promise<Record<string, StageEntry>> {
  const pipeline = await FacePipeline.create();
  const entries: Record<string, StageEntry> = {};
  for (let i = shard; i < images.length; i += shards) {
    const path = images[i]!;
    const bytes = await readFile(join(dataDir, path));
    let stop = cpuMs();
    const { image } = await decodeImage(bytes);
    const ms: StageEntry['ms'] = { decode: stop(), ssd: 0, ssdLandmarks: 0, ssdDescribe: 0, tiny: 0 };
    const entry: StageEntry = { ms };
    stop = cpuMs();
    const found = await pipeline.detect(image);
    ms.ssd = stop();
    const main = found.faces[0];
    if (main) {
      const d = await describeAt(pipeline, image, main.box);
      ms.ssdLandmarks = d.landmarkMs;
      ms.ssdDescribe = d.describeMs;
      const measures: FaceMeasures = {
        faces: found.faces,
        imageWidth: image.width,
        imageHeight: image.height,
        ...poseFromLandmarks(d.landmarks),
        sharpness: sharpnessOf(d.crop, CROP_SIZE),
        exposure: exposureOf(d.crop, CROP_SIZE),
        fallback: found.fallback,
      };
      entry.ssd = { descriptor: Array.from(d.descriptor), measures };
    } else {
      entry.ssdError = 'face.no_face';
    }
    stop = cpuMs();
    const tinyFaces = await pipeline.detectTiny(image, 416, 0.5);
    ms.tiny = stop();
    const first = tinyFaces[0];
    if (first) {
      const d = await describeAt(pipeline, image, first.box);
      ms.tinyLandmarks = d.landmarkMs;
      ms.tinyDescribe = d.describeMs;
      entry.tiny = {
        descriptor: Array.from(d.descriptor),
        score: first.score,
        agreement: landmarkAgreement(first.box, d.landmarks),
        offset: centreOffset(first.box, image),
        faces: tinyFaces.length,
      };
    }
    entries[path] = entry;
  }
  return entries;
}

const shards = Number(args.shards);
if (args.addOffsets) {
  // Adds the tiny detector's face offset to a stages file written before it was recorded (detection only).
  const file = JSON.parse(readFileSync(args.out, 'utf8')) as StagesFile;
  const pipeline = await FacePipeline.create();
  for (const [path, e] of Object.entries(file.entries)) {
    if (!e.tiny) continue;
    const { image } = await decodeImage(await readFile(join(dataDir, path)));
    const faces = await pipeline.detectTiny(image, 416, 0.5);
    e.tiny.offset = centreOffset(faces[0]!.box, image);
    e.tiny.faces = faces.length;
  }
  writeFileSync(args.out, JSON.stringify(file));
  process.exit(0);
}
if (args.shard !== undefined) {
  writeFileSync(args.out, JSON.stringify(await runShard(Number(args.shard), shards)));
} else {
  const { run, entries } = await runInShards<StageEntry>(fileURLToPath(import.meta.url), shards, args.out, [
    '--data',
    dataDir,
    ...(args.limit ? ['--limit', args.limit] : []),
  ]);
  const file: StagesFile = { model: FACE_MODEL.tag, ...run, entries };
  writeFileSync(args.out, JSON.stringify(file));
  console.log(JSON.stringify({ bench: 'face-stages', out: args.out, images: Object.keys(file.entries).length, loadavg: file.loadavg, date: file.date }));
}
