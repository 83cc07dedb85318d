/**
 * bench/ledger: custody ledger throughput with N persons (default 100,000).
 * - single appends: one event per transaction (an officer recording one move);
 * - batched appends: 1,000 events per transaction (a roll call's or a flight's events);
 * - verify: recompute every hash of the chain, in pages;
 * beside the raw sha256 throughput over the same canonical bytes, in the same run (the floor of hashing cost).
 *   npm run bench -- ledger [--db pglite|postgres|both] [--persons 100000] [--single 2000]
 */
import { createHash } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/modules/access';
import type { AppendRequest } from '../../src/modules/custody';
import { canonicalJson } from '../../src/platform/canonical-json';
import { benchServices, machine, numberArg, postgresAvailable, targetsFromArgs, type BenchTarget } from '../lib/db';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/platform/db/database';

const argv = process.argv.slice(2);
const PERSONS = numberArg(argv, '--persons', 100_000);
const SINGLE = numberArg(argv, '--single', 2_000);
const actor = systemActor('benchmark');

async function run(target: BenchTarget) {
  const { services, close } = await benchServices(target);
  try {
    const facility = await services.facilities.create(actor, { code: 'BENCH', name: 'Bench camp', kind: 'camp' });
    const units: { id: string }[] = [];
    for (let i = 0; i < 20; i++) units.push(await services.facilities.addUnit(actor, facility.id, { code: `B${i}`, name: `Block ${i}` }));

    let t = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < PERSONS; i += 5000) {
      const batch = Array.from({ length: Math.min(5000, PERSONS - i) }, (_, k) => ({
        names: [{ full: `Person ${i + k} bin Bench al-Test` }],
        sex: (k % 2 ? 'F' : 'M') as 'F' | 'M',
        birthDate: String(1960 + ((i + k) % 50)),
        nationalities: ['IRQ'],
        facilityId: facility.id,
      }));
      ids.push(...(await services.registry.createMany(actor, batch)));
    }
    const enrolSeconds = (performance.now() - t) / 1000;

    const admit = (id: string, k: number): AppendRequest => ({ personId: id, type: 'ADMITTED', facilityId: facility.id, unitId: units[k % units.length]!.id });

    t = performance.now();
    for (let k = 0; k < SINGLE; k++) await services.custody.append(actor, admit(ids[k]!, k));
    const singleSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    let batched = 0;
    for (let i = SINGLE; i < ids.length; i += 1000) {
      const chunk = ids.slice(i, i + 1000).map((id, k) => admit(id, i + k));
      batched += (await services.custody.appendMany(actor, chunk)).length;
    }
    const batchSeconds = (performance.now() - t) / 1000;

    t = performance.now();
    const verification = await services.custody.verify(null);
    const verifySeconds = (performance.now() - t) / 1000;
    if (!verification.ok) throw new Error(`verify failed: ${JSON.stringify(verification)}`);

    // Baseline: sha256 alone over the same canonical bytes that verify hashes (read back from the database).
    const rows = await queryRows<Record<string, unknown>>(services.database.db, sql`select * from custody_events order by seq`);
    const texts = rows.map((r) =>
      canonicalJson({
        id: r.id,
        siteId: r.site_id,
        seq: Number(r.seq),
        personId: r.person_id,
        type: r.type,
        occurredAt: new Date(r.occurred_at as string),
        recordedAt: new Date(r.recorded_at as string),
        recordedBy: r.recorded_by,
        fromFacilityId: r.from_facility_id,
        fromUnitId: r.from_unit_id,
        toFacilityId: r.to_facility_id,
        toUnitId: r.to_unit_id,
        authority: r.authority,
        reason: r.reason,
        evidence: r.evidence,
        prevHash: r.prev_hash,
      }),
    );
    const bytes = texts.reduce((n, s) => n + Buffer.byteLength(s), 0);
    t = performance.now();
    for (const s of texts) createHash('sha256').update(s).digest('hex');
    const shaSeconds = (performance.now() - t) / 1000;

    return {
      target,
      persons: PERSONS,
      enrolPersonsPerSecond: Math.round(PERSONS / enrolSeconds),
      singleAppends: { events: SINGLE, perSecond: Math.round(SINGLE / singleSeconds) },
      batchedAppends: { events: batched, batchSize: 1000, perSecond: Math.round(batched / batchSeconds) },
      verify: { events: verification.events, seconds: +verifySeconds.toFixed(2), perSecond: Math.round(verification.events / verifySeconds) },
      sha256Baseline: { events: texts.length, bytes, perSecond: Math.round(texts.length / shaSeconds) },
      verifyVsSha256: +(verification.events / verifySeconds / (texts.length / shaSeconds)).toFixed(4),
    };
  } finally {
    await close();
  }
}

const results = [];
for (const target of targetsFromArgs(argv)) {
  if (target === 'postgres' && !(await postgresAvailable())) {
    results.push({ target, skipped: 'no PostgreSQL server reachable' });
    continue;
  }
  results.push(await run(target));
}
console.log(JSON.stringify({ bench: 'ledger', date: new Date().toISOString(), machine: machine(), results }, null, 2));
