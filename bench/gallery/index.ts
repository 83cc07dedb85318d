/**
 * 1:N exact search over an in-memory gallery, and face enrolment throughput.
 *
 *   npm run bench -- gallery [--size 1000000] [--queries 60] [--enrol-images 200] [--workers N]
 *
 * Search: `size` synthetic unit 128-d templates in one Gallery; each query is a noisy copy of an enrolled template
 * (so the top candidate is known); top-10 per query. Beside each query, in the same run, a plain pass that only sums
 * the same bytes with the same SIMD machinery (`Gallery.plainPass`, the memory-bandwidth floor for touching every
 * template once); the ratio p50(search)/p50(floor) is the figure of merit. A scalar JavaScript pass over the bytes is
 * reported too, for scale. Enrolment: LFW images through the face engine with purpose `enrol`, on all workers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Gallery } from '../../src/modules/biometrics/gallery';
import { createFaceEngine, FACE_MODEL } from '../../src/modules/biometrics/face';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1000000' },
    queries: { type: 'string', default: '60' },
    k: { type: 'string', default: '10' },
    'enrol-images': { type: 'string', default: '200' },
    workers: { type: 'string' },
    data: { type: 'string', default: resolve(root, '../shared/data/faces/lfw-dev') },
  },
});
const size = Number(args.size);
const queries = Number(args.queries);
const k = Number(args.k);
const dim = 128;

function rng(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = rng(42);
const gaussian = () => rand() + rand() + rand() + rand() - 2;

// ---- build ----
const tBuild = performance.now();
const gallery = new Gallery({ dimension: dim, initialCapacity: size });
const v = new Float32Array(dim);
for (let i = 0; i < size; i++) {
  for (let j = 0; j < dim; j++) v[j] = gaussian();
  gallery.add(`t${i}`, v);
}
const buildSeconds = (performance.now() - tBuild) / 1000;
const rows = gallery.rows();

function scalarPass(data: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const n = data.length;
  for (let i = 0; i + 3 < n; i += 4) {
    s0 += data[i]!;
    s1 += data[i + 1]!;
    s2 += data[i + 2]!;
    s3 += data[i + 3]!;
  }
  return s0 + s1 + s2 + s3;
}

// ---- search vs floor, interleaved so both see the same machine state ----
const searchMs: number[] = [];
const floorMs: number[] = [];
const scalarMs: number[] = [];
let correct = 0;
let sink = 0;
const warm = 3;
for (let q = 0; q < queries + warm; q++) {
  const target = Math.floor(rand() * size);
  const probe = gallery.get(`t${target}`)!;
  for (let j = 0; j < dim; j++) probe[j] = probe[j]! + 0.02 * gaussian();
  const t0 = performance.now();
  sink += gallery.plainPass();
  const t1 = performance.now();
  const hits = gallery.search(probe, { k });
  const t2 = performance.now();
  if (q % 4 === 0) {
    sink += scalarPass(rows);
    if (q >= warm) scalarMs.push(performance.now() - t2);
  }
  if (q < warm) continue;
  floorMs.push(t1 - t0);
  searchMs.push(t2 - t1);
  if (hits[0]?.id === `t${target}`) correct++;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
};
const r2 = (x: number) => Math.round(x * 100) / 100;

// ---- enrolment throughput ----
let enrolment: unknown = 'skipped';
const enrolCount = Number(args['enrol-images']);
const pairsFile = join(args.data!, 'pairs.tsv');
if (enrolCount > 0 && existsSync(pairsFile)) {
  const images = [
    ...new Set(
      readFileSync(pairsFile, 'utf8')
        .split(/\r?\n/)
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .flatMap((l) => l.split('\t').slice(0, 2)),
    ),
  ]
    .sort()
    .slice(0, enrolCount);
  const bytes = await Promise.all(images.map((p) => readFile(join(args.data!, p))));
  const engine = createFaceEngine(args.workers ? { workers: Number(args.workers) } : {});
  await engine.ready();
  const refused: Record<string, number> = {};
  const t0 = performance.now();
  await Promise.all(
    bytes.map((b) =>
      engine.extract(b, { purpose: 'enrol' }).catch((err: { code?: string }) => {
        refused[err.code ?? 'error'] = (refused[err.code ?? 'error'] ?? 0) + 1;
      }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  await engine.close();
  enrolment = {
    model: FACE_MODEL.tag,
    workers: engine.workers,
    images: images.length,
    seconds: r2(seconds),
    imagesPerSecond: r2(images.length / seconds),
    refusedByQuality: refused,
  };
} else if (enrolCount > 0) {
  enrolment = `skipped: ${pairsFile} is missing`;
}

console.log(
  JSON.stringify(
    {
      bench: 'gallery',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      gallery: { templates: size, dimension: dim, bytes: rows.byteLength, buildSeconds: r2(buildSeconds) },
      search: {
        queries,
        k,
        p50Ms: r2(pct(searchMs, 50)),
        p99Ms: r2(pct(searchMs, 99)),
        topHitCorrect: correct / queries,
      },
      simd: gallery.simd,
      floorPlainPass: { p50Ms: r2(pct(floorMs, 50)), p99Ms: r2(pct(floorMs, 99)), gbPerSecond: r2(rows.byteLength / 1e6 / pct(floorMs, 50)) },
      scalarJsPass: { p50Ms: r2(pct(scalarMs, 50)), note: 'a scalar JavaScript loop summing the same bytes, for scale' },
      ratioP50: r2(pct(searchMs, 50) / pct(floorMs, 50)),
      ratioP99: r2(pct(searchMs, 99) / pct(floorMs, 99)),
      enrolment,
      sink: sink === 42 ? 1 : 0,
    },
    null,
    2,
  ),
);
