/**
 * Fusion of face, fingerprint and name evidence (src/modules/biometrics/biometrics.fusion.ts), measured on the
 * shared data with chimeric identities: the shared sets hold no person with a face, a fingerprint and a name
 * together, so a "person" is one LFW identity, one FVC finger and one Arabic name, whose scores are independent by
 * construction (the usual protocol for multimodal fusion without multimodal data; it assumes the modalities'
 * errors are independent, which real records only approximate).
 *
 *   npm run bench -- face --cache /tmp/face-cache.json        (descriptors of every LFW image, once)
 *   npm run bench -- fingerprint --scores /tmp/fp-scores.json  (every genuine and impostor fingerprint score, once)
 *   npm run bench -- fusion --face-cache /tmp/face-cache.json --fp-scores /tmp/fp-scores.json [--write]
 *
 * Nothing is reported on what was fitted: per direction, the calibration (one logistic fit per modality) and the
 * thresholds are chosen on one fold and the figures are those of the other fold. Folds: LFW identities split in two
 * by a hash of the identity's name; FVC by database (fit on DB4_B, report on DB2_B, and the reverse); names fitted on
 * the tuning part's full-name pairs and reported on the held-out part's (bench/names). `--write` saves the
 * calibration of the first direction (LFW half 0, DB4_B, names tuning part) to
 * src/modules/biometrics/biometrics.fusion.calibration.json.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { fitLogLr, modalityLogLr, type FusionCalibration, type Modality, type ModalityCalibration } from '../../src/modules/biometrics/biometrics.fusion';
import { faceSimilarity } from '../../src/modules/biometrics/face';
import { calibratedScore } from '../../src/modules/biometrics/fingerprint';
import { comparePreparedNames, prepareName, type PreparedName } from '../../src/modules/names';
import { buildGroups, loadTransliterations } from '../names/data';
import { cleanWords, fullNamePairs, mulberry32, spellingIndex } from '../names/pairs';

const root = resolve(import.meta.dirname, '../..');
const { values: args } = parseArgs({
  options: {
    'face-cache': { type: 'string' },
    'fp-scores': { type: 'string' },
    impostors: { type: 'string', default: '1000000' },
    write: { type: 'boolean', default: false },
  },
});
for (const k of ['face-cache', 'fp-scores'] as const) {
  if (!args[k] || !existsSync(args[k]!)) {
    console.error(`bench/fusion: --${k} FILE is required (see the header of bench/fusion/index.ts for how to make it)`);
    process.exit(2);
  }
}

interface Scores {
  genuine: number[];
  impostor: number[];
}

// ---- face: every pair among the cached descriptors, by fold of identity ----
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
const faceCache = JSON.parse(readFileSync(args['face-cache']!, 'utf8')) as { entries: Record<string, { descriptor?: number[] }> };
const faces = Object.entries(faceCache.entries)
  .filter(([, e]) => Array.isArray(e.descriptor))
  .map(([path, e]) => ({ identity: path.split('/').at(-2)!, descriptor: e.descriptor! }));
function faceScores(fold: number): Scores {
  const inFold = faces.filter((f) => fnv(f.identity) % 2 === fold);
  const out: Scores = { genuine: [], impostor: [] };
  for (let i = 0; i < inFold.length; i++) {
    for (let j = i + 1; j < inFold.length; j++) {
      const s = faceSimilarity(inFold[i]!.descriptor, inFold[j]!.descriptor);
      (inFold[i]!.identity === inFold[j]!.identity ? out.genuine : out.impostor).push(s);
    }
  }
  return out;
}

// ---- fingerprints: the fingerprint bench's raw scores per database (-1: a failure to enrol, scored 0), on the
// calibrated scale the product stores (calibratedScore, the scale of DEFAULT_THRESHOLD and of duplicate cases) ----
const fp = JSON.parse(readFileSync(args['fp-scores']!, 'utf8')) as Record<string, { genuine: number[]; impostorAll: number[] }>;
const onProductScale = (raw: number) => (raw < 0 ? 0 : calibratedScore(raw));
const fingerScores = (db: string): Scores => ({ genuine: fp[db]!.genuine.map(onProductScale), impostor: fp[db]!.impostorAll.map(onProductScale) });

// ---- names: full-name pairs of the tuning and held-out parts, as bench/names builds them ----
const groups = buildGroups(loadTransliterations(['wikidata', 'ar2en-train', 'ar2en-eval', 'anetac-train', 'anetac-dev']));
const index = spellingIndex(groups.values());
const cache = new Map<string, PreparedName>();
const prep = (s: string) => cache.get(s) ?? (cache.set(s, prepareName(s)), cache.get(s)!);
function nameScores(part: 'tune' | 'heldout', seed: number, count: number): Scores {
  const pairs = fullNamePairs(cleanWords(groups.values(), part), index, mulberry32(seed), count);
  const out: Scores = { genuine: [], impostor: [] };
  for (const p of pairs) (p.label === 1 ? out.genuine : out.impostor).push(comparePreparedNames(prep(p.a), prep(p.b)).score);
  return out;
}

// ---- chimeric fusion ----
const COMBINATIONS: Modality[][] = [['face'], ['finger'], ['name'], ['face', 'finger'], ['face', 'name'], ['finger', 'name'], ['face', 'finger', 'name']];
const TARGETS = [1e-3, 1e-4];
type Fold = Record<Modality, Scores>;

function llrs(fold: Fold, cal: Record<Modality, ModalityCalibration>): Record<Modality, { genuine: Float64Array; impostor: Float64Array }> {
  const out = {} as Record<Modality, { genuine: Float64Array; impostor: Float64Array }>;
  for (const m of ['face', 'finger', 'name'] as const) {
    out[m] = {
      genuine: Float64Array.from(fold[m].genuine, (s) => modalityLogLr(s, cal[m])),
      impostor: Float64Array.from(fold[m].impostor, (s) => modalityLogLr(s, cal[m])),
    };
  }
  return out;
}

/** Fused genuine and impostor scores of one combination: genuine per fingerprint genuine pair (the largest set
 * would be as good; every person has one score per modality drawn independently), impostors drawn at random. */
function chimeric(l: ReturnType<typeof llrs>, combo: Modality[], impostors: number, seed: number) {
  const rnd = mulberry32(seed);
  const pick = (xs: Float64Array) => xs[Math.floor(rnd() * xs.length)]!;
  const nGenuine = Math.max(...combo.map((m) => l[m].genuine.length));
  const genuine = new Float64Array(nGenuine);
  for (let i = 0; i < nGenuine; i++) for (const m of combo) genuine[i]! += l[m].genuine.length === nGenuine ? l[m].genuine[i]! : pick(l[m].genuine);
  const impostor = new Float64Array(impostors);
  for (let i = 0; i < impostors; i++) for (const m of combo) impostor[i]! += pick(l[m].impostor);
  return { genuine, impostor };
}

/** The lowest threshold whose false-match rate on `impostor` is at most `fmr` (ties counted as matches). */
function thresholdFor(impostor: Float64Array, fmr: number): number {
  const sorted = Float64Array.from(impostor).sort();
  const allowed = Math.floor(fmr * sorted.length);
  const k = sorted.length - 1 - allowed; // the highest impostor score that must stay below the threshold
  return k < 0 ? -Infinity : sorted[k]! + 1e-9;
}
const rate = (xs: Float64Array, pass: (x: number) => boolean) => xs.reduce((n, x) => n + (pass(x) ? 1 : 0), 0) / xs.length;
const r4 = (x: number) => Math.round(x * 10000) / 10000;

function direction(name: string, fit: Fold, report: Fold, impostors: number) {
  const cal = {
    face: fitLogLr(fit.face.genuine, fit.face.impostor, 'score'),
    finger: fitLogLr(fit.finger.genuine, fit.finger.impostor, 'score'),
    name: fitLogLr(fit.name.genuine, fit.name.impostor, 'score'),
  };
  const fitL = llrs(fit, cal);
  const repL = llrs(report, cal);
  const thresholds: Record<string, Record<string, number>> = {};
  const results: Record<string, unknown> = {};
  for (const combo of COMBINATIONS) {
    const key = combo.join('+');
    const f = chimeric(fitL, combo, impostors, 21);
    const r = chimeric(repL, combo, impostors, 22);
    thresholds[key] = {};
    const row: Record<string, unknown> = { genuine: r.genuine.length, impostors: r.impostor.length };
    for (const t of TARGETS) {
      const chosen = thresholdFor(f.impostor, t);
      thresholds[key]![String(t)] = chosen;
      const oracle = thresholdFor(r.impostor, t);
      row[`fmr${t}`] = {
        // threshold chosen on the fitting fold, applied to the report fold: what a deployment would see
        fnmr: r4(rate(r.genuine, (x) => x < chosen)),
        fmrObserved: r4(rate(r.impostor, (x) => x >= chosen) * 1e4) / 1e4,
        // threshold set on the report fold's own impostors: the curve's point, for comparing modalities
        fnmrAtReportFoldThreshold: r4(rate(r.genuine, (x) => x < oracle)),
      };
    }
    results[key] = row;
  }
  const calibration: FusionCalibration = {
    modalities: cal,
    thresholds,
    source: `bench/fusion ${new Date().toISOString().slice(0, 10)}: ${name} (fit fold); chimeric impostors ${impostors}`,
  };
  return {
    calibration,
    results,
    sizes: Object.fromEntries(
      (['face', 'finger', 'name'] as const).map((m) => [
        m,
        { fit: [fit[m].genuine.length, fit[m].impostor.length], report: [report[m].genuine.length, report[m].impostor.length] },
      ]),
    ),
  };
}

const impostors = Number(args.impostors);
const namesFit = nameScores('tune', 2, 1500);
const namesReport = nameScores('heldout', 1, 3000);
const a = direction(
  'LFW half 0, FVC DB4_B, names tuning part',
  { face: faceScores(0), finger: fingerScores('fvc-db4b'), name: namesFit },
  { face: faceScores(1), finger: fingerScores('fvc2002-db2b'), name: namesReport },
  impostors,
);
const b = direction(
  'LFW half 1, FVC2002 DB2_B, names tuning part',
  { face: faceScores(1), finger: fingerScores('fvc2002-db2b'), name: namesFit },
  { face: faceScores(0), finger: fingerScores('fvc-db4b'), name: namesReport },
  impostors,
);
if (args.write) {
  const file = resolve(root, 'src/modules/biometrics/biometrics.fusion.calibration.json');
  writeFileSync(file, `${JSON.stringify(a.calibration, null, 2)}\n`);
  console.error(`bench/fusion: wrote ${file}`);
}
console.log(
  JSON.stringify(
    {
      benchmark: 'fusion',
      date: new Date().toISOString(),
      protocol: 'chimeric persons; calibration and thresholds fitted on one fold, figures on the other',
      fitOnLfw0Db4ReportOnLfw1Db2: { sizes: a.sizes, results: a.results, calibration: a.calibration.modalities },
      fitOnLfw1Db2ReportOnLfw0Db4: { sizes: b.sizes, results: b.results, calibration: b.calibration.modalities },
    },
    null,
    2,
  ),
);
