/**
 * bench/statements: a signed custody statement, the ledger export and its offline check, on a ledger of N persons
 * admitted then moved (2N events), or on an existing data folder (`--data DIR`, e.g. a demo's). Beside them, in the
 * same run, sha256 over the export file's bytes: the floor of reading and hashing what the check reads.
 *   npm run bench -- statements [--persons 50000] [--data ./data] [--db pglite|postgres]
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/modules/access';
import type { AppendRequest } from '../../src/modules/custody';
import { checkExportFile } from '../../src/cli/commands/ledger-export';
import { openApp } from '../../src/main';
import type { Services } from '../../src/services';
import { benchServices, machine, numberArg, targetsFromArgs } from '../lib/db';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 50_000);
const dataIndex = argv.indexOf('--data');
const DATA = dataIndex >= 0 ? argv[dataIndex + 1] : undefined;
const actor = systemActor('benchmark');

async function syntheticLedger(services: Services): Promise<void> {
  const facility = await services.facilities.create(actor, { code: 'BENCH', name: 'Bench camp', kind: 'camp' });
  const units: { id: string }[] = [];
  for (let i = 0; i < 20; i++) units.push(await services.facilities.addUnit(actor, facility.id, { code: `B${i}`, name: `Block ${i}` }));
  for (let i = 0; i < PERSONS; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, PERSONS - i) }, (_, k) => ({
      names: [{ full: `Person ${i + k} bin Bench al-Test` }],
      sex: (k % 2 ? 'F' : 'M') as 'F' | 'M',
      birthDate: String(1960 + ((i + k) % 50)),
      nationalities: ['IRQ'],
      facilityId: facility.id,
    }));
    const ids = await services.registry.createMany(actor, batch);
    const admit: AppendRequest[] = ids.map((id, k) => ({ personId: id, type: 'ADMITTED', facilityId: facility.id, unitId: units[k % 20]!.id }));
    const move: AppendRequest[] = ids.map((id, k) => ({ personId: id, type: 'MOVED', unitId: units[(k + 1) % 20]!.id }));
    for (let j = 0; j < admit.length; j += 1000) await services.custody.appendMany(actor, admit.slice(j, j + 1000));
    for (let j = 0; j < move.length; j += 1000) await services.custody.appendMany(actor, move.slice(j, j + 1000));
  }
}

async function sha256File(file: string): Promise<number> {
  const t = performance.now();
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  h.digest('hex');
  return performance.now() - t;
}

async function measure(services: Services, label: string) {
  const dir = mkdtempSync(join(tmpdir(), 'custos-bench-statements-'));
  try {
    const loadStart = loadavg();
    let t = performance.now();
    const statement = await services.reviews.issue(null, 'on_demand', 'benchmark');
    const statementMs = performance.now() - t;
    const file = join(dir, 'export.ndjson');
    const sink = createWriteStream(file);
    t = performance.now();
    const { events } = await services.reviews.exportLedger(null, async (line) => {
      if (!sink.write(`${line}\n`)) await once(sink, 'drain');
    });
    sink.end();
    await once(sink, 'finish');
    const exportMs = performance.now() - t;
    const floors: number[] = [];
    const checks: number[] = [];
    let ok = false;
    for (let round = 0; round < 3; round++) {
      floors.push(await sha256File(file));
      t = performance.now();
      ok = (await checkExportFile(file, { key: statement.publicKey })).ok;
      checks.push(performance.now() - t);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    return {
      ledger: label,
      events,
      exportBytes: statSync(file).size,
      statementMs: Math.round(statementMs),
      exportMs: Math.round(exportMs),
      checkMs: Math.round(median(checks)),
      sha256FloorMs: Math.round(median(floors)),
      checkOverFloor: Number((median(checks) / median(floors)).toFixed(1)),
      checkEventsPerSecond: Math.round(events / (median(checks) / 1000)),
      checkOk: ok,
      loadAverageAtStart: loadStart.map((x) => Number(x.toFixed(2))),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [];
if (DATA) {
  const services = await openApp({ dataDir: DATA, databaseUrl: process.env.DATABASE_URL || undefined });
  try {
    results.push({ db: process.env.DATABASE_URL ? 'postgres' : 'pglite', ...(await measure(services, `data folder ${DATA}`)) });
  } finally {
    await services.close();
  }
} else {
  for (const target of targetsFromArgs(argv)) {
    const { services, close } = await benchServices(target);
    try {
      await syntheticLedger(services);
      results.push({ db: target, ...(await measure(services, `${PERSONS} persons admitted and moved`)) });
    } finally {
      await close();
    }
  }
}
process.stdout.write(`${JSON.stringify({ bench: 'statements', results, ...machine() }, null, 2)}\n`);
