/**
 * Derives the calibration knots of fingerprint.calibration.ts from impostor scores written by
 * `npm run bench -- fingerprint --scores FILE`: for each target false-match rate, the raw score that this share of
 * impostor comparisons reaches. Then applies those knots, unchanged, to the other database's scores (held out) and
 * prints what the named thresholds (THRESHOLDS: 20, 30, 40) give there, false-match and false-non-match rates.
 * Run: node --import tsx bench/fingerprint/calibrate.ts FILE [FIT_DATABASE] [REPORT_DATABASE]
 */
import { readFileSync } from 'node:fs';
import { calibratedScoreWith, THRESHOLDS } from '../../src/modules/biometrics/fingerprint/fingerprint.calibration';

const [file, db = 'fvc2002-db2b', reportDb = db === 'fvc2002-db2b' ? 'fvc-db4b' : 'fvc2002-db2b'] = process.argv.slice(2);
if (!file) {
  console.error('usage: calibrate.ts SCORES.json [FIT_DATABASE] [REPORT_DATABASE]');
  process.exit(2);
}
const scores = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { genuine: number[]; impostorAll: number[] }>;
const imp = scores[db]!.impostorAll.filter((s) => s >= 0).sort((a, b) => b - a);
const knots: [number, number][] = [];
for (const fmr of [1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002]) {
  const k = Math.min(imp.length - 1, Math.max(0, Math.ceil(fmr * imp.length) - 1));
  if (fmr * imp.length < 3) break;
  knots.push([imp[k]!, Math.log10(fmr)]);
}
// The highest impostor score stands for FMR 1/n.
knots.push([imp[0]!, Math.log10(1 / imp.length)]);
knots.sort((a, b) => a[0] - b[0]);
const rounded = knots.map(([r, l]) => [+r.toFixed(4), +l.toFixed(3)] as [number, number]);
const at = (which: string) => {
  const s = scores[which];
  if (!s) return null;
  const g = s.genuine.map((v) => (v < 0 ? -1 : calibratedScoreWith(rounded, v)));
  const i = s.impostorAll.map((v) => (v < 0 ? -1 : calibratedScoreWith(rounded, v)));
  return Object.fromEntries(
    Object.entries(THRESHOLDS).map(([name, t]) => [
      `${name} (${t})`,
      { fmr: +(i.filter((v) => v >= t).length / i.length).toFixed(4), fnmr: +(g.filter((v) => v < t).length / g.length).toFixed(4) },
    ]),
  );
};
console.log(
  JSON.stringify({
    database: db,
    impostors: imp.length,
    knots: rounded,
    thresholdsOnFitDatabase: at(db),
    [`thresholdsHeldOut (${reportDb})`]: at(reportDb),
  }),
);
