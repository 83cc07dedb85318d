/**
 * The world the transfer benches share: one server on loopback (real HTTP, PGlite in memory), a departure and an
 * arrival facility, persons with a face enrolled from LFW (../shared/data/faces/lfw-dev: the first photo of a
 * same-identity pair enrolled, the second kept as the probe; photos the engine refuses are skipped), an operation and
 * one approved movement carrying the first `flight` of them, signed-in officers at both ends and a commander.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemActor } from '../../src/modules/access';
import { loadFaceModule, type FaceEngine } from '../../src/modules/biometrics';
import { buildHttp } from '../../src/main';
import { openDatabase } from '../../src/platform/db/database';
import { migrate } from '../../src/platform/db/migrate';
import { createServices, type Services } from '../../src/services';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const LFW = resolve(root, '../shared/data/faces/lfw-dev');
const actor = systemActor('benchmark');
const PASSWORD = 'bench-transfers-2026';

export const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => +s[Math.min(s.length - 1, Math.floor(p * s.length))]!.toFixed(1);
  return { n: s.length, median: q(0.5), p90: q(0.9), max: +s[s.length - 1]!.toFixed(1), mean: +(s.reduce((a, b) => a + b, 0) / s.length).toFixed(1) };
};

/** Same-identity pairs of the LFW list (one per identity), then single photos of other identities (background). */
function lfw(): { pairs: [string, string][]; singles: string[] } {
  const pairs: [string, string][] = [];
  const seen = new Set<string>();
  for (const line of readFileSync(join(LFW, 'pairs.tsv'), 'utf8').split('\n')) {
    const [a, b, same] = line.split('\t');
    if (!a || line.startsWith('#') || same?.trim() !== '1') continue;
    const who = a.split('/')[1]!;
    if (seen.has(who)) continue;
    seen.add(who);
    pairs.push([join(LFW, a), join(LFW, b!)]);
  }
  const singles: string[] = [];
  for (const line of readFileSync(join(LFW, 'pairs.tsv'), 'utf8').split('\n')) {
    if (!line || line.startsWith('#')) continue;
    for (const img of line.split('\t').slice(0, 2)) {
      const who = img.split('/')[1]!;
      if (!seen.has(who)) {
        seen.add(who);
        singles.push(join(LFW, img));
      }
    }
  }
  return { pairs, singles };
}

export interface TransfersWorld {
  services: Services;
  engine: FaceEngine;
  face: Awaited<ReturnType<typeof loadFaceModule>>;
  base: string;
  officerA: Record<string, string>;
  officerB: Record<string, string>;
  commander: Record<string, string>;
  /** Persons on the movement, with their enrolled descriptor and their probe photo. */
  flight: { personId: string; probe: Buffer; enrolled: Float32Array }[];
  /** Enrolled persons not on the movement (the rest of the gallery). */
  others: string[];
  movementId: string;
  close(): Promise<void>;
}

export async function transfersWorld(opts: { flight: number; others: number }): Promise<TransfersWorld> {
  const face = await loadFaceModule();
  const engine: FaceEngine = face.createFaceEngine({ workers: Number(process.env.CUSTOS_FACE_WORKERS) || 1 });
  const db = await openDatabase({ dataDir: 'memory://' });
  await migrate(db);
  const services = createServices(db, { biometrics: { faceEngine: () => engine } });
  const http = await buildHttp(services, { logger: false });
  await http.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(http.server.address() as AddressInfo).port}/api/v1`;
  const A = await services.facilities.create(actor, { code: 'GHW', name: 'Ghwayran prison', kind: 'prison', capacity: 5000 });
  const B = await services.facilities.create(actor, { code: 'BGD', name: 'Receiving prison', kind: 'prison', capacity: 5000 });
  const { pairs, singles } = lfw();
  // every identity with a pair gets a person; those whose first photo the engine refuses at enrolment (two faces, too
  // small) are dropped from the flight (a probe it refuses is counted by the bench, not hidden)
  const candidates = pairs.slice(0, Math.ceil(opts.flight * 1.4));
  const background = singles.slice(0, opts.others);
  const ids = await services.registry.createMany(
    actor,
    [...candidates, ...background].map((_, i) => ({ names: [{ full: `Detainee ${i} bin Airlift` }], sex: 'M' as const, facilityId: A.id })),
  );
  await services.custody.appendMany(
    actor,
    ids.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: A.id })),
  );
  const flight: TransfersWorld['flight'] = [];
  for (const [i, [a, b]] of candidates.entries()) {
    if (flight.length === opts.flight) break;
    try {
      const image = await readFile(a);
      await services.biometrics.enrolFace(actor, ids[i]!, image);
      const t = await engine.extract(image, { purpose: 'enrol' });
      flight.push({ personId: ids[i]!, probe: await readFile(b), enrolled: Float32Array.from(t.descriptor) });
    } catch {
      // refused at enrolment: not on the flight
    }
  }
  const others: string[] = [];
  for (const [j, file] of background.entries()) {
    const personId = ids[candidates.length + j]!;
    try {
      await services.biometrics.enrolFace(actor, personId, await readFile(file));
      others.push(personId);
    } catch {
      // refused photo: this person stays without a face
    }
  }
  const login = async (username: string, role: 'officer' | 'commander', facilityIds: string[]) => {
    await services.access.createUser(actor, { username, password: PASSWORD, role, facilityIds });
    const r = await fetch(`${base}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: PASSWORD }),
    });
    const { token } = (await r.json()) as { token: string };
    return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  };
  const officerA = await login('gate-a', 'officer', [A.id]);
  const officerB = await login('arrival-b', 'officer', [B.id]);
  const commander = await login('commander', 'commander', []);
  const call = async (headers: Record<string, string>, path: string, body: unknown) => {
    const r = await fetch(`${base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string };
  };
  const op = await call(commander, '/transfers/operations', { name: 'Bench airlift' });
  const mv = await call(commander, `/transfers/operations/${op.id}/movements`, {
    code: 'IA-001',
    capacity: 2000,
    escorts: 100,
    fromFacilityId: A.id,
    toFacilityId: B.id,
  });
  await call(commander, `/transfers/operations/${op.id}/plan`, { criteria: { personIds: flight.map((f) => f.personId) } });
  await call(commander, `/transfers/movements/${mv.id}/approve`, {});
  return {
    services,
    engine,
    face,
    base,
    officerA,
    officerB,
    commander,
    flight,
    others,
    movementId: mv.id,
    close: async () => {
      await http.close();
      await services.close();
      await engine.close();
    },
  };
}
