/**
 * bench/verify-mark: the time from a captured face (an image submitted) to the verified roll-call mark being stored,
 * through the HTTP path the tablet uses: POST /biometrics/verify (JSON with the image as a data: URL, as the web app
 * sends it) and then POST /rollcalls/:id/marks citing the verification (the server checks the citation), over real
 * HTTP on loopback as a signed-in officer. Beside it, in the same run and on the same engine instance, the engine's
 * verification alone: extract the probe's descriptor and compare it with the enrolled one (no HTTP, no database).
 * Rounds alternate which of the two goes first. LFW pairs of ../shared/data/faces/lfw-dev (first photo enrolled,
 * second photo as the probe).
 *
 *   npm run bench -- verify-mark [--rounds 30] [--persons 15] [--db pglite|postgres]
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { systemActor } from '../../src/modules/access';
import { loadFaceModule, type FaceEngine } from '../../src/modules/biometrics';
import { buildHttp } from '../../src/main';
import { openDatabase } from '../../src/platform/db/database';
import { migrate } from '../../src/platform/db/migrate';
import { createServices } from '../../src/services';
import { machine, numberArg } from '../lib/db';

const argv = process.argv.slice(2);
const ROUNDS = numberArg(argv, '--rounds', 30);
const PERSONS = numberArg(argv, '--persons', 15);
const DB = argv.includes('--db') ? argv[argv.indexOf('--db') + 1] : 'pglite';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const LFW = resolve(root, '../shared/data/faces/lfw-dev');
const actor = systemActor('benchmark');
const PASSWORD = 'bench-verify-mark-2026';

const ms = (t: number) => performance.now() - t;
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, median: q(0.5), p90: q(0.9), max: +s[s.length - 1]!.toFixed(1), mean: +(s.reduce((a, b) => a + b, 0) / s.length).toFixed(1) };
};

/** Same-identity pairs of the LFW list, one per identity. */
function pairs(n: number): [string, string][] {
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const line of readFileSync(join(LFW, 'pairs.tsv'), 'utf8').split('\n')) {
    const [a, b, same] = line.split('\t');
    if (!a || line.startsWith('#') || same?.trim() !== '1') continue;
    const who = a.split('/')[1]!;
    if (seen.has(who)) continue;
    seen.add(who);
    out.push([join(LFW, a), join(LFW, b!)]);
    if (out.length === n) break;
  }
  return out;
}

async function database() {
  if (DB !== 'postgres') return { url: undefined, drop: async () => undefined };
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `custos_bench_${randomBytes(4).toString('hex')}`;
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`create database ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    drop: async () => {
      const d = new pg.Client({ connectionString: admin });
      await d.connect();
      await d.query(`drop database if exists ${name} with (force)`);
      await d.end();
    },
  };
}

async function main() {
  const face = await loadFaceModule();
  // one engine (one worker, as `custos serve` runs by default) for the service and for the baseline
  const engine: FaceEngine = face.createFaceEngine({ workers: Number(process.env.CUSTOS_FACE_WORKERS) || 1 });
  const { url, drop } = await database();
  const db = await openDatabase({ url, dataDir: 'memory://' });
  await migrate(db);
  const services = createServices(db, { biometrics: { faceEngine: () => engine } });
  const http = await buildHttp(services, { logger: false });
  await http.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/api/v1`;
  try {
    const facility = await services.facilities.create(actor, { code: 'HOL', name: 'al-Hol camp', kind: 'camp' });
    const unit = await services.facilities.addUnit(actor, facility.id, { code: 'B1', name: 'Block 1' });
    // pairs whose photos the engine takes (some LFW photos hold two faces, refused for an enrolment)
    const set: [string, string][] = [];
    const enrolled: Float32Array[] = [];
    for (const [a, b] of pairs(PERSONS * 3)) {
      if (set.length === PERSONS) break;
      try {
        const template = await engine.extract(await readFile(a), { purpose: 'enrol' });
        await engine.extract(await readFile(b), { purpose: 'probe' });
        set.push([a, b]);
        enrolled.push(Float32Array.from(template.descriptor));
      } catch {
        // not usable for this bench
      }
    }
    const ids = await services.registry.createMany(
      actor,
      set.map((_, i) => ({ names: [{ full: `Resident ${i} bin Bench` }], sex: 'M' as const, facilityId: facility.id })),
    );
    await services.custody.appendMany(
      actor,
      ids.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: facility.id, unitId: unit.id })),
    );
    const probes: Buffer[] = [];
    for (const [i, [a, b]] of set.entries()) {
      await services.biometrics.enrolFace(actor, ids[i]!, await readFile(a));
      probes.push(await readFile(b));
    }
    await services.access.createUser(actor, { username: 'officer', password: PASSWORD, role: 'officer', facilityIds: [facility.id] });
    const login = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'officer', password: PASSWORD }),
    });
    const { token } = (await login.json()) as { token: string };
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const opened = await fetch(`${base}/rollcalls`, { method: 'POST', headers, body: JSON.stringify({ facilityId: facility.id }) });
    const rollcallId = ((await opened.json()) as { id: string }).id;

    const pathMs: number[] = [];
    const verifyMs: number[] = [];
    const markMs: number[] = [];
    const engineMs: number[] = [];
    let matches = 0;
    let refused = 0;

    const viaHttp = async (k: number) => {
      const personId = ids[k % ids.length]!;
      const image = `data:image/jpeg;base64,${probes[k % probes.length]!.toString('base64')}`;
      const t0 = performance.now();
      const v = await fetch(`${base}/biometrics/verify`, { method: 'POST', headers, body: JSON.stringify({ personId, modality: 'face', image }) });
      const verification = (await v.json()) as { id: string; result: string };
      const t1 = performance.now();
      if (verification.result !== 'match') {
        refused++;
        return;
      }
      matches++;
      const m = await fetch(`${base}/rollcalls/${rollcallId}/marks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ marks: [{ id: randomUUID(), personId, result: 'present', method: 'face', verificationRef: verification.id }] }),
      });
      if (!m.ok) throw new Error(`mark refused: ${m.status} ${await m.text()}`);
      await m.json();
      verifyMs.push(t1 - t0);
      markMs.push(ms(t1));
      pathMs.push(ms(t0));
    };
    const engineAlone = async (k: number) => {
      const t0 = performance.now();
      const probe = await engine.extract(probes[k % probes.length]!, { purpose: 'probe' });
      face.faceSimilarity(probe.descriptor, enrolled[k % enrolled.length]!);
      engineMs.push(ms(t0));
    };

    // warm-up (the engine's first call loads the models; the first HTTP calls warm the routes)
    await engineAlone(0);
    await viaHttp(0);
    pathMs.length = verifyMs.length = markMs.length = engineMs.length = 0;
    matches = refused = 0;
    const load = loadavg();
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2) {
        await viaHttp(r);
        await engineAlone(r);
      } else {
        await engineAlone(r);
        await viaHttp(r);
      }
    }
    const path = stats(pathMs);
    const alone = stats(engineMs);
    const closed = await fetch(`${base}/rollcalls/${rollcallId}/close`, { method: 'POST', headers: { authorization: headers.authorization } });
    if (!closed.ok) throw new Error(`close refused: ${closed.status} ${await closed.text()}`);
    const result = (await closed.json()) as { biometric: unknown; present: number };
    console.log(
      JSON.stringify(
        {
          bench: 'verify-mark',
          db: DB,
          rounds: ROUNDS,
          persons: ids.length,
          faceWorkers: engine.workers,
          loadAverageAtStart: load.map((x) => +x.toFixed(2)),
          loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
          matched: matches,
          notMatched: refused,
          captureToVerifiedMarkMs: path,
          verifyRequestMs: stats(verifyMs),
          markRequestMs: stats(markMs),
          engineVerificationAloneMs: alone,
          ratioMedian: +(path.median / alone.median).toFixed(2),
          overheadMedianMs: +(path.median - alone.median).toFixed(1),
          goalMs: 1500,
          withinGoalAtP90: path.p90 <= 1500,
          close: { present: result.present, biometric: result.biometric },
          ...machine(),
        },
        null,
        2,
      ),
    );
  } finally {
    await http.close();
    await services.close();
    await engine.close();
    await drop();
  }
}

await main();
