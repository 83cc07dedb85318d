import { openDatabase } from './src/platform/db/database';
import { migrate } from './src/platform/db/migrate';
import { createServices } from './src/services';
import { runScenario, ScenarioClock, scenarioIds } from './src/demo/scenario';
import { systemActor } from './src/modules/access';

const divisor = Number(process.argv[2] ?? 100);
const until = process.argv[3] ?? '2026-03-15';
const database = await openDatabase({ dataDir: 'memory://' });
await migrate(database);
const clock = new ScenarioClock();
const services = createServices(database, { clock, ids: scenarioIds(clock, 1) });
let spent = 0;
const s = services.sightings as any;
for (const m of ['check', 'report', 'decide', 'recapture', 'createNotice', 'sightings']) {
  const f = s[m].bind(s);
  s[m] = async (...a: unknown[]) => { const t = performance.now(); try { return await f(...a); } finally { spent += performance.now() - t; } };
}
const t0 = performance.now();
const run = await runScenario(services, { scale: 'small', divisor, seed: 1, clock, until });
console.log(JSON.stringify({ divisor, until, timings: run.timings, total: performance.now() - t0, sightingsMs: spent, persons: run.world.personIds.length }));
for (const l of run.summary.log.filter((l) => l.at.toISOString() >= '2026-03-01')) console.log(l.at.toISOString(), l.text);
await services.settle();
const admin = systemActor('x');
console.log(JSON.stringify(await services.sightings.figures(admin)));
const list = await services.sightings.sightings(admin, { limit: 50, offset: 0 });
for (const r of list.rows) console.log(r.at.toISOString(), r.place, r.status, r.method, r.minor, r.source);
console.log(JSON.stringify((await services.sightings.notices(admin, { limit: 10, offset: 0 })).rows.map((n) => [n.recipientKind, n.status])));
const v = await services.custody.verify(null);
console.log('ledger ok', v.ok);
await services.close();
