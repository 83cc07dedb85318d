/**
 * Held-out choice of the pair matcher fused with MCC (development tool, docs/benchmarks.md "Held-out protocol, third
 * pass"): extracts both FVC samples once, scores all pairs with MCC alone and with the pair matcher under each
 * setting of a small grid (pairTuning: minOverlap x k), and fuses them as MCC + w x pairs for w in 0..0.5. Per
 * direction, the setting and weight with the lowest all-pairs EER on the tuning database (ties: lower FNMR at FMR
 * 0.1 %, then at 1 %, then the first in grid order) are chosen there, then the gate (pair matcher consulted only when
 * MCC < low or MCC >= high: low = the tuning database's lowest impostor MCC score rounded down to 0.005, high = the
 * highest step of 0.01 that leaves the tuning database's three figures unchanged); the figures printed for the other
 * database are held out. Prints JSON.
 *
 * node --import tsx bench/fingerprint/pairs-scan.ts
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { extractFingerprint, type PreparedTemplate, prepareTemplate } from '../../src/modules/biometrics/fingerprint';
import { matchMccOnly } from '../../src/modules/biometrics/fingerprint/fingerprint.match';
import { buildPairEdges, matchPairs, pairTuning } from '../../src/modules/biometrics/fingerprint/fingerprint.pairs';
import { errorRates } from './metrics';

const dataDir = resolve(import.meta.dirname, '../../../shared/data/fingerprints');
const DBS = { 'fvc2002-db2b': 569, 'fvc-db4b': 500 } as const;
type Db = keyof typeof DBS;
const dbs = Object.keys(DBS) as Db[];

const GRID: Record<string, number>[] = [];
for (const minOverlap of [15, 20, 25, 30]) for (const k of [5, 6, 8]) GRID.push({ minOverlap, k });
const WEIGHTS = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5];

const pairs: { genuine: [string, string][]; impostor: [string, string][] } = { genuine: [], impostor: [] };
for (let f = 101; f <= 110; f++) {
  for (let i = 1; i <= 8; i++) for (let j = i + 1; j <= 8; j++) pairs.genuine.push([`${f}_${i}`, `${f}_${j}`]);
  for (let g = f + 1; g <= 110; g++) {
    for (let i = 1; i <= 8; i++) for (let j = 1; j <= 8; j++) pairs.impostor.push([`${f}_${i}`, `${g}_${j}`]);
  }
}

const prepared = {} as Record<Db, Map<string, PreparedTemplate>>;
for (const db of dbs) {
  const m = new Map<string, PreparedTemplate>();
  for (let f = 101; f <= 110; f++) {
    for (let i = 1; i <= 8; i++) {
      const r = await extractFingerprint(await readFile(resolve(dataDir, db, `${f}_${i}.tif`)), { dpi: DBS[db] });
      m.set(`${f}_${i}`, prepareTemplate(r.template));
    }
  }
  prepared[db] = m;
}

type Scores = { genuine: number[]; impostor: number[] };
const mcc = {} as Record<Db, Scores>;
for (const db of dbs) {
  const P = prepared[db];
  const s = ([x, y]: [string, string]): number => matchMccOnly(P.get(x)!, P.get(y)!);
  mcc[db] = { genuine: pairs.genuine.map(s), impostor: pairs.impostor.map(s) };
}

const pct = (v: number): number => Math.round(v * 10000) / 100;
function figures(g: number[], i: number[]): [number, number, number] {
  const e = errorRates(g, i);
  return [pct(e.eer), pct(e.fnmrAtFmr1), pct(e.fnmrAtFmr01)];
}
function fused(db: Db, p: Scores, w: number, gate: [number, number] = [0, 0]): [number, number, number] {
  const f = (m: number, q: number): number => (m >= gate[0] && m < gate[1] ? m : m + w * q);
  return figures(
    mcc[db].genuine.map((m, k) => f(m, p.genuine[k]!)),
    mcc[db].impostor.map((m, k) => f(m, p.impostor[k]!)),
  );
}

const defaults = { ...pairTuning };
const rows: { setting: Record<string, number>; w: number; pairs: Record<Db, Scores>; fig: Record<Db, [number, number, number]> }[] = [];
for (const setting of GRID) {
  Object.assign(pairTuning, defaults, setting);
  const ps = {} as Record<Db, Scores>;
  for (const db of dbs) {
    const edges = new Map([...prepared[db]].map(([k, p]) => [k, buildPairEdges(p)]));
    // Both sides in the matcher's fixed order (as matchPrepared does), so the pair score is symmetric.
    const s = ([x, y]: [string, string]): number => {
      const px = prepared[db].get(x)!;
      const py = prepared[db].get(y)!;
      const swap = px.key > py.key || (px.key === py.key && px.n > py.n);
      return swap ? matchPairs(py, edges.get(y)!, px, edges.get(x)!) : matchPairs(px, edges.get(x)!, py, edges.get(y)!);
    };
    ps[db] = { genuine: pairs.genuine.map(s), impostor: pairs.impostor.map(s) };
  }
  for (const w of WEIGHTS)
    rows.push({
      setting,
      w,
      pairs: ps,
      fig: { 'fvc2002-db2b': fused('fvc2002-db2b', ps['fvc2002-db2b'], w), 'fvc-db4b': fused('fvc-db4b', ps['fvc-db4b'], w) },
    });
}
Object.assign(pairTuning, defaults);

const directions = dbs.map((tune) => {
  const report = dbs.find((d) => d !== tune)!;
  const best = [...rows].sort((a, b) => {
    for (const k of [0, 2, 1]) if (a.fig[tune][k] !== b.fig[tune][k]) return a.fig[tune][k]! - b.fig[tune][k]!;
    return 0;
  })[0]!;
  const low = Math.floor(Math.min(...mcc[tune].impostor) * 200) / 200;
  const ungated = best.fig[tune].join();
  let high = 0;
  for (let h = 1; h <= 20; h++) {
    if (fused(tune, best.pairs[tune], best.w, [low, h / 100]).join() !== ungated) break;
    high = h / 100;
  }
  const skipped = mcc[report].impostor.filter((m) => m >= low && m < high).length / mcc[report].impostor.length;
  return {
    tune,
    chosen: { ...best.setting, weight: best.w, gate: [low, high] },
    tuning: { mccAlone: figures(mcc[tune].genuine, mcc[tune].impostor), fused: best.fig[tune] },
    [`heldOut ${report}`]: {
      mccAlone: figures(mcc[report].genuine, mcc[report].impostor),
      fused: best.fig[report],
      fusedGated: fused(report, best.pairs[report], best.w, [low, high]),
      pairMatcherAlone: figures(best.pairs[report].genuine, best.pairs[report].impostor),
      impostorsSkippedByGate: Math.round(skipped * 1000) / 1000,
    },
  };
});
console.log(JSON.stringify({ figures: '[EER, FNMR @ FMR 1 %, FNMR @ FMR 0.1 %] in %, all pairs (280 genuine, 2880 impostor)', directions }, null, 1));
