/**
 * bench/timeline: the after-action timeline of one facility-day (al-Hol, 20 January 2026: the collapse) on the demo
 * world, seeded here through the services (`--scale full|small`, replayed to 21 January) or read from a demo's data
 * folder (`--data DIR`). Beside it, in the same run, the floor: reading the same facility-day's outbox rows alone.
 *   npm run bench -- timeline [--scale full] [--db pglite|postgres] [--data DIR] [--rounds 3]
 */
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { systemActor } from '../../src/modules/access';
import { runScenario, ScenarioClock, scenarioIds, type Scale } from '../../src/demo/scenario';
import { openApp } from '../../src/main';
import { readEventsAbout } from '../../src/platform/outbox';
import { createServices, type Services } from '../../src/services';
import { PERSON_EVENT_TYPES, personsConcerned, TIMELINE_EVENT_TYPES } from '../../src/modules/reviews/reviews.timeline.domain';
import { alarmMinutes, lastPresences } from '../../src/modules/reviews/reviews.timeline.repository';
import { benchServices, machine, numberArg, targetsFromArgs } from '../lib/db';
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../src/platform/db/database';
import { rollcallMarks, rollcallUnitResults } from '../../src/modules/rollcalls';

const argv = process.argv.slice(2);
const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const SCALE = (arg('--scale') ?? 'full') as Scale;
const DATA = arg('--data');
const ROUNDS = numberArg(argv, '--rounds', 3);
const DAY = { from: '2026-01-20T00:00:00.000Z', to: '2026-01-21T00:00:00.000Z' };
const actor = systemActor('benchmark');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number[]; value: T }> {
  const ms: number[] = [];
  let value: T | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    value = await work();
    ms.push(Math.round(performance.now() - t));
  }
  return { ms, value: value as T };
}

async function measure(services: Services) {
  const facilities = await services.facilities.list(actor);
  const hol = facilities.find((f) => f.code === 'HOL');
  if (!hol) throw new Error('No facility HOL: not a demo world');
  const subject = { facilityId: hol.id, personId: null, from: new Date(DAY.from), to: new Date(DAY.to) };
  const load = loadavg();
  // the floor: the facility-day's events read alone (one indexed query, JSON decoded), nothing laid out
  const floor = await timed(() =>
    readEventsAbout(services.database.db, { facilityId: hol.id, personIds: [], from: subject.from, to: subject.to, types: null, limit: 1_000_000 }),
  );
  // the parts of a build, one by one: the facility's events, the persons concerned's, their last presences
  const db = services.database.db;
  const facilityEvents = await timed(() =>
    readEventsAbout(db, { facilityId: hol.id, personIds: [], from: subject.from, to: subject.to, types: [...TIMELINE_EVENT_TYPES], limit: 1_000_000 }),
  );
  const concerned = personsConcerned(facilityEvents.value);
  // as the build reads them: only the rows outside the facility (its own were read above)
  const personEvents = await timed(() =>
    readEventsAbout(db, {
      facilityId: null,
      personIds: concerned,
      exceptFacilityId: hol.id,
      from: subject.from,
      to: subject.to,
      types: [...PERSON_EVENT_TYPES],
      limit: 1_000_000,
    }),
  );
  // the former read, kept as the "before" of the same run: every row naming a person concerned, the facility's too
  const personEventsBefore = await timed(() =>
    readEventsAbout(db, { facilityId: null, personIds: concerned, from: subject.from, to: subject.to, types: [...PERSON_EVENT_TYPES], limit: 1_000_000 }),
  );
  const presences = await timed(() => lastPresences(db, concerned, subject.to));
  // the former query, kept here as the "before" of the same run: a distinct on over every present mark of every person
  const presencesBefore = await timed(() => lastPresencesDistinctOn(db, concerned, subject.to));
  // (the roll-call marks only: the former query knew no biometric presences)
  const markPresences = presences.value.filter((p) => p.source !== 'biometrics').length;
  if (presencesBefore.value !== markPresences) throw new Error(`last presences disagree: ${presencesBefore.value} before, ${markPresences} now`);
  // the raw sensor alarms of the day, added up per sensor and minute
  const alarms = await timed(() => alarmMinutes(db, hol.id, subject.from, subject.to, 1_000_000));
  // the whole timeline: both reads (facility, persons concerned), last presences, layout
  const build = await timed(() => services.reviews.timeline.build(subject));
  // what the API answers for a first page (presented for the reader, scope, 200 persons' reads audited)
  const page = await timed(() => services.reviews.timeline.timeline(actor, { facilityId: hol.id, from: DAY.from, to: DAY.to, limit: 200, offset: 0 }));
  // the findings of the same day (timeline, households, findings)
  const findings = await timed(() => services.reviews.documents.findings(actor, { facilityId: hol.id, from: DAY.from, to: DAY.to }));
  const raw = build.value;
  const kinds: Record<string, number> = {};
  for (const i of raw.items) kinds[i.kind] = (kinds[i.kind] ?? 0) + 1;
  return {
    facility: 'HOL',
    day: DAY.from.slice(0, 10),
    outboxEventsOfTheDay: floor.value.length,
    timelineItems: raw.items.length,
    personsNamed: raw.personIds.length,
    personsConcerned: concerned.length,
    alarmItems: alarms.value.length,
    rawAlarms: alarms.value.reduce((n, a) => n + a.alarms, 0),
    findings: findings.value.total,
    kinds,
    ms: {
      floorReadEvents: median(floor.ms),
      buildTimeline: median(build.ms),
      apiFirstPage: median(page.ms),
      findings: median(findings.ms),
      parts: {
        facilityEvents: median(facilityEvents.ms),
        personEvents: median(personEvents.ms),
        personEventsBefore: median(personEventsBefore.ms),
        lastPresences: median(presences.ms),
        lastPresencesDistinctOnBefore: median(presencesBefore.ms),
        alarmMinutes: median(alarms.ms),
      },
      rounds: { floor: floor.ms, build: build.ms, page: page.ms, findings: findings.ms },
    },
    ratioBuildToFloor: Number((median(build.ms) / Math.max(1, median(floor.ms))).toFixed(2)),
    loadAverage: { before: load.map((x) => Number(x.toFixed(2))), after: loadavg().map((x) => Number(x.toFixed(2))) },
  };
}

/** How `lastPresences` read before issue 21's full-scale work: each present mark checked against its roll call, then the last kept. */
async function lastPresencesDistinctOn(db: Db, personIds: readonly string[], before: Date): Promise<number> {
  if (personIds.length === 0) return 0;
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select distinct on (m.person_id) m.id
          from ${rollcallMarks} m
          join lateral (select facility_id from ${rollcallUnitResults} u where u.rollcall_id = m.rollcall_id limit 1) r on true
         where m.person_id = any(${`{${personIds.join(',')}}`}::uuid[]) and m.result = 'present' and m.marked_at <= ${before.toISOString()}::timestamptz
         order by m.person_id, m.marked_at desc, m.id desc`,
  );
  return rows.length;
}

const results: unknown[] = [];
if (DATA) {
  const services = await openApp({ dataDir: DATA, databaseUrl: process.env.DATABASE_URL || undefined });
  try {
    results.push({ db: process.env.DATABASE_URL ? 'postgres' : 'pglite', world: `data folder ${DATA}`, ...(await measure(services)) });
  } finally {
    await services.close();
  }
} else {
  for (const target of targetsFromArgs(argv.includes('--db') ? argv : ['--db', 'pglite'])) {
    const { services: base, close } = await benchServices(target);
    try {
      const clock = new ScenarioClock();
      const services = createServices(base.database, { clock, ids: scenarioIds(clock, 1) });
      const t = performance.now();
      await runScenario(services, {
        scale: SCALE,
        seed: 1,
        clock,
        until: '2026-01-21',
        onDay: (d) => process.stderr.write(`${target}: replayed to ${d.toISOString().slice(0, 10)} (${Math.round((performance.now() - t) / 1000)} s)\n`),
      });
      await services.settle();
      const seedMs = Math.round(performance.now() - t);
      process.stderr.write(`${target}: seeded and replayed in ${Math.round(seedMs / 1000)} s\n`);
      results.push({ db: target, world: `demo ${SCALE}, seed 1, replayed to 2026-01-21`, seedMs, ...(await measure(services)) });
    } finally {
      await close();
    }
  }
}
process.stdout.write(`${JSON.stringify({ bench: 'timeline', date: new Date().toISOString(), machine: machine(), results }, null, 2)}\n`);
