/**
 * bench/sightings: checkpoint check latency with a wanted gallery of N persons (default 10,000), face and fingerprint,
 * against a plain 1:N (POST /biometrics/identify's service call) over the same gallery, in the same run; and the time
 * from a checkpoint hit to its alert (the outbox delivering `sightings.sighting_reported` to the alert rules).
 *
 * The N persons are real registry records, admitted and marked ESCAPED through the ledger (so the wanted gallery is
 * filled by its outbox consumer, as in production). One of them has a real face (LFW) and a real fingerprint (FVC2002
 * DB2_B) enrolled through the enrolment path; the other N-1 templates are synthetic (random unit face descriptors,
 * random minutiae sets of 40) put straight into the matcher's memory, because enrolling 10,000 faces through the
 * engine would take hours here. The scan costs the same per template either way.
 *
 *   npm run bench -- sightings [--persons 10000] [--rounds 10] [--db pglite|postgres]
 */
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/modules/access';
import { prepareTemplate } from '../../src/modules/biometrics';
import { FACE_DATA, readSample } from '../../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { benchServices, numberArg, type BenchTarget } from '../lib/db';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 10_000);
const ROUNDS = numberArg(argv, '--rounds', 10);
const DB = (argv.includes('--db') ? argv[argv.indexOf('--db') + 1] : 'pglite') as BenchTarget;
const actor = systemActor('benchmark');
const ms = (t: number) => performance.now() - t;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: +s[s.length - 1]!.toFixed(1) };
};

let seed = 19;
const rand = () => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed / 0x7fffffff;
};

async function main() {
  process.env.CUSTOS_TEMPLATE_KEY ??= Buffer.alloc(32, 7).toString('base64');
  const { services: s, close } = await benchServices(DB);
  const t0 = performance.now();
  const facility = await s.facilities.create(actor, { code: 'GHW', name: 'Ghwayran prison', kind: 'prison' });
  const ids: string[] = [];
  for (let i = 0; i < PERSONS; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, PERSONS - i) }, (_, k) => ({
      names: [{ full: `Wanted Person ${i + k}` }],
      sex: 'M',
      birthDate: '1985',
      nationalities: ['IRQ'],
    }));
    ids.push(...(await s.registry.createMany(actor, batch as never)));
  }
  for (let i = 0; i < ids.length; i += 2000) {
    const part = ids.slice(i, i + 2000);
    await s.custody.appendMany(
      actor,
      part.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: facility.id })),
    );
    await s.custody.appendMany(
      actor,
      part.map((personId) => ({ personId, type: 'ESCAPED' as const })),
    );
  }
  await s.settle();
  const target = ids[0]!;
  const face = (n: number) => readFile(join(FACE_DATA, 'images_deepfunneled', 'Alan_Greenspan', `Alan_Greenspan_${String(n).padStart(4, '0')}.jpg`));
  await s.biometrics.enrolFace(actor, target, await face(1));
  await s.biometrics.enrolFingerprint(actor, target, 2, await readSample('fvc2002-db2b', '101_1'), 569);
  const setup = ms(t0);

  // the other templates, synthetic, straight into the matcher's memory (see the header)
  // biome-ignore lint/suspicious/noExplicitAny: the bench reaches into the matcher to load synthetic templates
  const galleries = (s.biometrics as unknown as { galleries: any }).galleries;
  const faceModel = (await import('../../src/modules/biometrics')).loadFaceModule;
  const tag = (await faceModel()).FACE_MODEL.tag;
  const fg = galleries.faceGallery(tag, 128);
  for (const personId of ids.slice(1)) {
    const v = new Float32Array(128);
    for (let d = 0; d < 128; d++) v[d] = rand() - 0.5;
    fg.upsert(`f-${personId}`, v);
    galleries.faceOwner.set(`f-${personId}`, { personId, model: tag });
    galleries.index(personId, `f-${personId}`);
    const minutiae = Array.from({ length: 40 }, () => ({
      x: Math.round(20 + rand() * 300),
      y: Math.round(20 + rand() * 400),
      angle: rand() * 2 * Math.PI,
      kind: rand() < 0.5 ? ('ending' as const) : ('bifurcation' as const),
      quality: 60,
    }));
    galleries.fingers.set(`p-${personId}`, { personId, position: 2, template: prepareTemplate({ width: 340, height: 440, quality: 60, minutiae }) });
    galleries.index(personId, `p-${personId}`);
  }
  const probeFace = await face(5);
  const probeFinger = await readSample('fvc2002-db2b', '101_2');
  const place = { place: 'Rabia crossing', latitude: 36.8, longitude: 42.1, scope: 'wanted' as const };
  const times = {
    checkFace: [] as number[],
    identifyFace: [] as number[],
    checkFinger: [] as number[],
    identifyFinger: [] as number[],
    hitToAlert: [] as number[],
  };
  const instructions = new Set<string>();
  // warm-up: the engine and the wanted subset
  await s.sightings.check(actor, { ...place, face: probeFace });
  await s.biometrics.identify(actor, { modality: 'face', image: probeFace });
  await s.settle();
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 === 0 ? ['check', 'identify'] : ['identify', 'check'];
    for (const what of order) {
      if (what === 'check') {
        let t = performance.now();
        const a = await s.sightings.check(actor, { ...place, face: probeFace });
        times.checkFace.push(ms(t));
        instructions.add(a.outcome);
        // hit to alert: from the answer to the alert visible to readers
        t = performance.now();
        for (;;) {
          const alerts = await s.alerts.list(actor, { rule: 'sighting.reported', limit: 500 });
          if (alerts.some((x) => (x.details as { reference?: string }).reference === a.reference)) break;
          await new Promise((res) => setTimeout(res, 5));
        }
        times.hitToAlert.push(ms(t));
        t = performance.now();
        const b = await s.sightings.check(actor, { ...place, fingerprints: [{ image: probeFinger, dpi: 569 }] });
        times.checkFinger.push(ms(t));
        instructions.add(b.outcome);
      } else {
        let t = performance.now();
        const i1 = await s.biometrics.identify(actor, { modality: 'face', image: probeFace });
        times.identifyFace.push(ms(t));
        t = performance.now();
        const i2 = await s.biometrics.identify(actor, { modality: 'fingerprint', image: probeFinger, dpi: 569 });
        times.identifyFinger.push(ms(t));
        if (i1.candidates[0]?.personId !== target || i2.candidates[0]?.personId !== target) throw new Error('the plain 1:N did not find the target');
      }
    }
  }
  console.log(
    JSON.stringify(
      {
        bench: 'sightings',
        db: DB,
        persons: PERSONS,
        rounds: ROUNDS,
        setupSeconds: +(setup / 1000).toFixed(1),
        outcomes: [...instructions],
        checkpointFaceMs: stats(times.checkFace),
        plainIdentifyFaceMs: stats(times.identifyFace),
        checkpointFingerprintMs: stats(times.checkFinger),
        plainIdentifyFingerprintMs: stats(times.identifyFinger),
        hitToAlertMs: stats(times.hitToAlert),
        loadavg: loadavg().map((x) => +x.toFixed(1)),
      },
      null,
      2,
    ),
  );
  await close();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
