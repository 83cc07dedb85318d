/**
 * bench/transfers-arrival: identification at arrival, 1:N against the movement's gallery (a flight of up to 120
 * persons, face, the real engine), through HTTP as the arrival tablet sends it (POST
 * /transfers/movements/:id/arrival/identify, JSON with the photo as a data: URL): the search within the flight, the
 * recorded identification and the proposal. Beside it in the same run, on the same server and engine: the general
 * 1:N over everyone enrolled (POST /biometrics/identify) and the engine alone (extract the probe, scan the flight's
 * descriptors in memory). The gallery also holds enrolled persons who are not on the flight (LFW identities with one
 * photo). Reports how often the right person was proposed. Probes from ../shared/data/faces/lfw-dev.
 *
 *   npm run bench -- transfers-arrival [--flight 120] [--others 60]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { machine, numberArg } from '../lib/db';
import { stats, transfersWorld } from '../lib/transfers-world';

const argv = process.argv.slice(2);
const FLIGHT = numberArg(argv, '--flight', 120);
const OTHERS = numberArg(argv, '--others', 60);

const w = await transfersWorld({ flight: FLIGHT, others: OTHERS });
try {
  const post = async (path: string, headers: Record<string, string>, body: unknown) => {
    const r = await fetch(`${w.base}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
    return r.json() as Promise<Record<string, unknown>>;
  };
  // board everyone (commander's override: this bench is about arrival) and depart
  for (const f of w.flight) {
    await post(`/transfers/movements/${w.movementId}/board`, w.commander, { personId: f.personId, override: { reason: 'bench: boarded without a check' } });
  }
  await post(`/transfers/movements/${w.movementId}/depart`, w.officerA, {});
  const image = (b: Buffer) => `data:image/jpeg;base64,${b.toString('base64')}`;
  const arrivalMs: number[] = [];
  const generalMs: number[] = [];
  const engineMs: number[] = [];
  let right = 0;
  let wrong = 0;
  let none = 0;
  let probeRefused = 0;
  const refused = new Set<number>();
  const viaArrival = async (k: number) => {
    const f = w.flight[k]!;
    const t0 = performance.now();
    const check = (await post(`/transfers/movements/${w.movementId}/arrival/identify`, w.officerB, { modality: 'face', image: image(f.probe) })) as {
      candidate: { personId: string } | null;
      outcome: string;
    };
    arrivalMs.push(performance.now() - t0);
    if (check.outcome === 'on_manifest' && check.candidate?.personId === f.personId) right++;
    else if (check.candidate) wrong++;
    else none++;
  };
  const general = async (k: number) => {
    const f = w.flight[k]!;
    if (refused.has(k)) return;
    const t0 = performance.now();
    await post('/biometrics/identify', w.officerB, { modality: 'face', limit: 5, image: image(f.probe) });
    generalMs.push(performance.now() - t0);
  };
  const engineAlone = async (k: number) => {
    if (refused.has(k)) return;
    const t0 = performance.now();
    const probe = await w.engine.extract(w.flight[k]!.probe, { purpose: 'probe' });
    let best = -2;
    for (const f of w.flight) best = Math.max(best, w.face.faceSimilarity(probe.descriptor, f.enrolled));
    engineMs.push(performance.now() - t0);
    return best;
  };
  await engineAlone(0);
  engineMs.length = 0;
  const load = loadavg();
  for (let k = 0; k < w.flight.length; k++) {
    // a probe photo the engine refuses (no face, two faces) is counted and left out of all three
    try {
      await w.engine.extract(w.flight[k]!.probe, { purpose: 'probe' });
    } catch {
      refused.add(k);
      probeRefused++;
      continue;
    }
    const order = [viaArrival, general, engineAlone];
    for (let i = 0; i < order.length; i++) await order[(i + k) % order.length]!(k);
  }
  const arrival = stats(arrivalMs);
  const engine = stats(engineMs);
  console.log(
    JSON.stringify(
      {
        bench: 'transfers-arrival',
        flightGallery: w.flight.length,
        enrolledNotOnFlight: w.others.length,
        faceWorkers: w.engine.workers,
        loadAverageAtStart: load.map((x) => +x.toFixed(2)),
        loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
        arrivalIdentifyMs: arrival,
        generalIdentifyMs: stats(generalMs),
        engineAloneMs: engine,
        ratioArrivalToEngineMedian: +(arrival.median / engine.median).toFixed(2),
        rightPersonProposed: right,
        otherPersonProposed: wrong,
        nobodyProposed: none,
        probePhotosRefused: probeRefused,
        ...machine(),
      },
      null,
      2,
    ),
  );
} finally {
  await w.close();
}
