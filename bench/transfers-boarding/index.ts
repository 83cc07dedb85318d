/**
 * bench/transfers-boarding: boarding throughput at one gate (one tablet, one officer, persons one after the other),
 * each person checked by a real 1:1 face verification through HTTP (POST /biometrics/verify with the photo as a data:
 * URL, as the web app sends it) and boarded citing it (POST /transfers/movements/:id/board: the server checks the
 * citation, audits, counts). The baseline, in the same run against the same server and engine: the verification
 * request alone (what a gate would cost if boarding were free). Persons alternate which of the two goes first.
 * LFW pairs of ../shared/data/faces/lfw-dev (first photo enrolled, second as the probe).
 *
 *   npm run bench -- transfers-boarding [--persons 40]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { machine, numberArg } from '../lib/db';
import { stats, transfersWorld } from '../lib/transfers-world';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 40);

const w = await transfersWorld({ flight: PERSONS, others: 0 });
try {
  const image = (b: Buffer) => `data:image/jpeg;base64,${b.toString('base64')}`;
  const verify = async (k: number) => {
    const f = w.flight[k % w.flight.length]!;
    const r = await fetch(`${w.base}/biometrics/verify`, {
      method: 'POST',
      headers: w.officerA,
      body: JSON.stringify({ personId: f.personId, modality: 'face', image: image(f.probe) }),
    });
    if (!r.ok) throw new Error(`verify: ${r.status} ${await r.text()}`);
    return (await r.json()) as { id: string; result: string };
  };
  const boardMs: number[] = [];
  const verifyInBoardingMs: number[] = [];
  const aloneMs: number[] = [];
  let boarded = 0;
  let notMatched = 0;
  const gate = async (k: number) => {
    const f = w.flight[k]!;
    const t0 = performance.now();
    const v = await verify(k);
    const t1 = performance.now();
    if (v.result !== 'match') {
      notMatched++; // at a real gate: a supervisor's override with a reason; not timed here
      return;
    }
    const r = await fetch(`${w.base}/transfers/movements/${w.movementId}/board`, {
      method: 'POST',
      headers: w.officerA,
      body: JSON.stringify({ personId: f.personId, verificationId: v.id }),
    });
    if (!r.ok) throw new Error(`board: ${r.status} ${await r.text()}`);
    await r.json();
    boardMs.push(performance.now() - t0);
    verifyInBoardingMs.push(t1 - t0);
    boarded++;
  };
  const alone = async (k: number) => {
    const t0 = performance.now();
    await verify(k);
    aloneMs.push(performance.now() - t0);
  };
  await alone(0); // warm-up: the engine's models, the routes
  aloneMs.length = 0;
  const load = loadavg();
  const started = performance.now();
  for (let k = 0; k < w.flight.length; k++) {
    if (k % 2) {
      await gate(k);
      await alone(k + 1);
    } else {
      await alone(k + 1);
      await gate(k);
    }
  }
  const wall = performance.now() - started;
  const path = stats(boardMs);
  const base = stats(aloneMs);
  console.log(
    JSON.stringify(
      {
        bench: 'transfers-boarding',
        persons: w.flight.length,
        boarded,
        notMatched,
        faceWorkers: w.engine.workers,
        loadAverageAtStart: load.map((x) => +x.toFixed(2)),
        loadAverageAtEnd: loadavg().map((x) => +x.toFixed(2)),
        verifyAndBoardMs: path,
        verifyWithinBoardingMs: stats(verifyInBoardingMs),
        verificationAloneMs: base,
        ratioMedian: +(path.median / base.median).toFixed(2),
        boardingOverheadMedianMs: +(path.median - base.median).toFixed(1),
        throughputPerGatePerMinute: +(60_000 / path.mean).toFixed(1),
        baselinePerMinute: +(60_000 / base.mean).toFixed(1),
        wallSeconds: +(wall / 1000).toFixed(1),
        ...machine(),
      },
      null,
      2,
    ),
  );
} finally {
  await w.close();
}
