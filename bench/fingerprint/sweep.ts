/**
 * Parameter sweep for the held-out protocol (development tool): decodes both FVC samples once, then for each
 * setting of `extractionTuning` named on the command line extracts every image and prints the all-pairs EER and
 * FNMR at FMR 0.1 % of each database. A setting is chosen on one database and reported on the other.
 *
 * node --import tsx bench/fingerprint/sweep.ts '{"name":value,...}' ['{...}' ...]   (first = baseline '{}')
 * node --import tsx bench/fingerprint/sweep.ts --profile    (640x480 extraction only, for --cpu-prof)
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { compareRaw, extractFingerprintFromGrey, type GreyImage, prepareTemplate } from '../../src/modules/biometrics/fingerprint';
import { decodeGrey } from '../../src/modules/biometrics/fingerprint/fingerprint.decode';
import { extractionTuning } from '../../src/modules/biometrics/fingerprint/fingerprint.extract';
import { errorRates } from './metrics';

const dataDir = resolve(import.meta.dirname, '../../../shared/data/fingerprints');
const DBS = { 'fvc2002-db2b': 569, 'fvc-db4b': 500 } as const;

async function load(): Promise<Record<string, Map<string, GreyImage>>> {
  const out: Record<string, Map<string, GreyImage>> = {};
  for (const db of Object.keys(DBS)) {
    const m = new Map<string, GreyImage>();
    for (let f = 101; f <= 110; f++) {
      for (let i = 1; i <= 8; i++) m.set(`${f}_${i}`, await decodeGrey(await readFile(resolve(dataDir, db, `${f}_${i}.tif`))));
    }
    out[db] = m;
  }
  return out;
}

function evaluate(images: Map<string, GreyImage>, dpi: number) {
  const prepared = new Map<string, ReturnType<typeof prepareTemplate> | null>();
  let cpu = 0;
  let minutiae = 0;
  const lowQuality: string[] = [];
  for (const [name, img] of images) {
    const c0 = process.cpuUsage();
    try {
      const r = extractFingerprintFromGrey(img, { dpi });
      prepared.set(name, prepareTemplate(r.template));
      minutiae += r.minutiae.length;
      if (r.quality < 70) lowQuality.push(`${name}:${r.quality}`);
    } catch {
      prepared.set(name, null);
    }
    const c = process.cpuUsage(c0);
    cpu += c.user + c.system;
  }
  const score = (a: string, b: string): number => {
    const pa = prepared.get(a);
    const pb = prepared.get(b);
    return pa && pb ? compareRaw(pa, pb) : -1;
  };
  const genuine: number[] = [];
  const impostor: number[] = [];
  const worst: [number, string][] = [];
  for (let f = 101; f <= 110; f++) {
    for (let i = 1; i <= 8; i++) {
      for (let j = i + 1; j <= 8; j++) {
        const s = score(`${f}_${i}`, `${f}_${j}`);
        genuine.push(s);
        worst.push([s, `${f}_${i}/${j}`]);
      }
    }
    for (let g = f + 1; g <= 110; g++) {
      for (let i = 1; i <= 8; i++) for (let j = 1; j <= 8; j++) impostor.push(score(`${f}_${i}`, `${g}_${j}`));
    }
  }
  const e = errorRates(genuine, impostor);
  worst.sort((a, b) => a[0] - b[0]);
  return {
    eer: +(e.eer * 100).toFixed(2),
    fnmr01: +(e.fnmrAtFmr01 * 100).toFixed(2),
    cpuMs: Math.round(cpu / 1000 / images.size),
    minutiae: +(minutiae / images.size).toFixed(1),
    lowQuality: lowQuality.join(' '),
    checksum: +[...genuine, ...impostor].reduce((a, b) => a + b, 0).toFixed(6),
    worstGenuine: worst
      .slice(0, 6)
      .map(([s, n]) => `${n}:${s.toFixed(3)}`)
      .join(' '),
  };
}

if (process.argv[2] === '--profile') {
  // Each setting (JSON) after --profile is timed on the same ten frames, in turn, twice: CPU ms per 640x480 frame.
  const settings = process.argv.slice(3).length ? process.argv.slice(3) : ['{}'];
  const defaults = { ...extractionTuning };
  const sharp = (await import('sharp')).default;
  const imgs: GreyImage[] = [];
  for (let f = 101; f <= 110; f++) {
    const { data, info } = await sharp(await readFile(resolve(dataDir, 'fvc2002-db2b', `${f}_1.tif`)))
      .greyscale()
      .resize(640, 480, { fit: 'fill' })
      .raw()
      .toBuffer({ resolveWithObject: true });
    imgs.push({ width: info.width, height: info.height, data: new Uint8Array(data) });
  }
  for (let rep = 0; rep < 2; rep++) for (const img of imgs) extractFingerprintFromGrey(img, { dpi: 500 });
  const cpu: Record<string, number[]> = {};
  for (let round = 0; round < 3; round++) {
    for (const setting of settings) {
      Object.assign(extractionTuning, defaults, JSON.parse(setting));
      const c0 = process.cpuUsage();
      for (const img of imgs) extractFingerprintFromGrey(img, { dpi: 500 });
      const c = process.cpuUsage(c0);
      (cpu[setting] ??= []).push(Math.round((c.user + c.system) / 1000 / imgs.length));
    }
  }
  console.log(JSON.stringify({ cpuMsPer640x480: cpu }));
} else {
  const images = await load();
  const defaults = { ...extractionTuning };
  for (const arg of process.argv.slice(2)) {
    Object.assign(extractionTuning, defaults, JSON.parse(arg));
    const row: Record<string, unknown> = { setting: arg };
    for (const [db, dpi] of Object.entries(DBS)) row[db] = evaluate(images[db]!, dpi);
    console.log(JSON.stringify(row));
  }
}
