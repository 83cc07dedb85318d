/**
 * The Delta is written twice: in SQL (rollcalls.repository.ts: closeComputation for the close, unitFigures for the live
 * figures) and in TypeScript (rollcalls.domain.ts: manifestOf, liveCount, closeCount). This property test builds
 * small random facilities through the real services (admissions, moves, hospital, transfers, escapes, marks present,
 * absent and excused in the right unit, the wrong one or none, repeated batches, departures after the opening), then
 * checks that the SQL and the TypeScript agree on the expected list, the live figures and the close, per unit and in
 * total, on PGlite and on PostgreSQL. The TypeScript is fed the rows the database holds (expected list, recorded marks,
 * placements), so that both encodings see the same inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { queryRows } from '../src/platform/db/database';
import { DomainError } from '../src/platform/errors';
import {
  closeCount,
  liveCount,
  manifestOf,
  type MarkResult,
  type PlacementNow,
  type RecordedMark,
  type UnitFigures,
} from '../src/modules/rollcalls/rollcalls.domain';
import type { AppendRequest } from '../src/modules/custody';
import type { MarksInput } from '../src/modules/rollcalls';
import type { FacilityView, UnitView } from '../src/modules/facilities';

/** Runs per database; CUSTOS_PROPERTY_RUNS=500 searches longer (the default keeps the file near five seconds). */
const RUNS = Number(process.env.CUSTOS_PROPERTY_RUNS ?? 25);

const BEFORE = ['none', 'none', 'moved', 'temporarily_out', 'returned', 'unaccounted', 'in_transit', 'escaped', 'released', 'late'] as const;
const AFTER = ['none', 'departed', 'arrived', 'released', 'escaped', 'deceased', 'temporarily_out', 'unaccounted', 'moved', 'returned'] as const;

const markArb = fc.record({
  person: fc.nat({ max: 99 }),
  result: fc.constantFrom<MarkResult>('present', 'present', 'absent', 'excused'),
  reason: fc.constantFrom('hospital' as const, 'court' as const, 'transfer' as const),
  /** home: the person's unit now; other: some unit of the facility; none: no unit (or the batch's). */
  where: fc.constantFrom('home', 'home', 'other', 'none'),
  other: fc.nat({ max: 9 }),
  /** Minutes before now, or the server's time. */
  ago: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
  withId: fc.boolean(),
});

const worldArb = fc.record({
  units: fc.integer({ min: 1, max: 3 }),
  persons: fc.array(
    fc.record({
      home: fc.option(fc.nat({ max: 9 }), { nil: null, freq: 4 }),
      before: fc.constantFrom(...BEFORE),
      after: fc.constantFrom(...AFTER),
      /** Before which batch the after-event happens (past the last: after all marks). */
      afterAt: fc.nat({ max: 4 }),
    }),
    { minLength: 1, maxLength: 7 },
  ),
  /** Units the roll call counts (indexes; empty: the whole facility). */
  scope: fc.oneof(fc.constant([] as number[]), fc.uniqueArray(fc.nat({ max: 2 }), { minLength: 1, maxLength: 2 })),
  batches: fc.array(
    fc.record({
      marks: fc.array(markArb, { minLength: 1, maxLength: 6 }),
      unit: fc.option(fc.nat({ max: 9 }), { nil: undefined, freq: 3 }),
      resend: fc.boolean(),
    }),
    { maxLength: 4 },
  ),
});

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

const sortFigures = (units: readonly UnitFigures[]) => [...units].sort((a, b) => (a.unitId ?? '').localeCompare(b.unitId ?? ''));
const byPerson = <T extends { personId: string }>(list: readonly T[]) => [...list].sort((a, b) => a.personId.localeCompare(b.personId));

for (const target of await targets()) {
  describe(`the Delta in SQL agrees with rollcalls.domain on ${target}`, () => {
    let app: TestApp;
    let run = 0;
    /** Where transfers go. */
    let other: { facility: FacilityView; units: UnitView[] };
    beforeAll(async () => {
      app = await createTestApp(target);
      other = await buildFacility(app.services, { code: `DLX${target}` }, 1);
    });
    afterAll(async () => app?.close());

    const clock = () => app.clock as FakeClock;
    const db = () => app.services.database.db;

    async function placements(personIds: readonly string[]): Promise<PlacementNow[]> {
      if (personIds.length === 0) return [];
      return queryRows<PlacementNow>(
        db(),
        sql`select person_id as "personId", status, facility_id as "facilityId", unit_id as "unitId" from placements
            where person_id = any(${sql.param([...personIds])}::uuid[])`,
      );
    }

    /** Appends one event; a refusal of the state machine (not allowed from the person's status now) is skipped. */
    async function tryAppend(request: AppendRequest): Promise<void> {
      try {
        await app.services.custody.append(adminActor, request);
      } catch (err) {
        if (!(err instanceof DomainError) || (err.kind !== 'conflict' && err.kind !== 'invalid')) throw err;
      }
    }

    async function check(w: World): Promise<void> {
      run += 1;
      clock().advance(3_600_000);
      const s = app.services;
      const { facility, units } = await buildFacility(s, { code: `DLT${target[0]}${run}` }, w.units);
      const unitIds = units.map((u) => u.id);
      const unitAt = (i: number) => unitIds[i % unitIds.length]!;
      const ids = await s.registry.createMany(
        adminActor,
        w.persons.map(() => personInput({ facilityId: facility.id } as never)),
      );
      const homeOf = (i: number) => {
        const h = w.persons[i]!.home;
        return h === null ? undefined : unitAt(h);
      };
      /** The person's unit now, when in this facility. */
      const currentUnit = async (personId: string) => {
        const [p] = await placements([personId]);
        return p?.facilityId === facility.id ? p.unitId : null;
      };

      // the world before the roll call
      const admitted = w.persons.flatMap((p, i) =>
        p.before === 'late' ? [] : [{ personId: ids[i]!, type: 'ADMITTED' as const, facilityId: facility.id, unitId: homeOf(i) }],
      );
      if (admitted.length) await s.custody.appendMany(adminActor, admitted);
      for (const [i, p] of w.persons.entries()) {
        const personId = ids[i]!;
        if (p.before === 'late') continue;
        if (p.before === 'moved') {
          const from = await currentUnit(personId);
          const to = unitIds.find((u) => u !== from);
          if (to) await tryAppend({ personId, type: 'MOVED', unitId: to });
        } else if (p.before === 'temporarily_out' || p.before === 'returned') {
          await tryAppend({ personId, type: 'TEMPORARY_OUT', reason: 'hospital' });
          if (p.before === 'returned') await tryAppend({ personId, type: 'RETURNED' });
        } else if (p.before === 'unaccounted') {
          await tryAppend({ personId, type: 'UNACCOUNTED' });
        } else if (p.before === 'in_transit') {
          await tryAppend({ personId, type: 'TRANSFER_DEPARTED', facilityId: other.facility.id });
        } else if (p.before === 'escaped') {
          await tryAppend({ personId, type: 'ESCAPED' });
        } else if (p.before === 'released') {
          await tryAppend({ personId, type: 'RELEASED' });
        }
      }

      // the expected list: the SQL snapshot against manifestOf over the placements just before the opening
      const atOpening = await placements(ids);
      clock().advance(60_000);
      const scopeUnits = [...new Set(w.scope.map((i) => unitAt(i)))];
      const rc = await s.rollcalls.open(adminActor, { facilityId: facility.id, unitIds: scopeUnits });
      const expectedRows = await queryRows<{ personId: string; unitId: string | null; status: string }>(
        db(),
        sql`select person_id as "personId", unit_id as "unitId", status from rollcall_expected where rollcall_id = ${rc.id}`,
      );
      expect(byPerson(expectedRows)).toEqual(byPerson(manifestOf(atOpening, facility.id, scopeUnits)));
      expect(rc.expected).toBe(expectedRows.length);

      async function afterEvents(batch: number, last: boolean): Promise<void> {
        for (const [i, p] of w.persons.entries()) {
          if (p.afterAt !== batch && !(last && p.afterAt > batch)) continue;
          const personId = ids[i]!;
          if (p.before === 'late') {
            await tryAppend({ personId, type: 'ADMITTED', facilityId: facility.id, unitId: homeOf(i) });
            continue;
          }
          switch (p.after) {
            case 'departed':
              await tryAppend({ personId, type: 'TRANSFER_DEPARTED', facilityId: other.facility.id });
              break;
            case 'arrived':
              await tryAppend({ personId, type: 'TRANSFER_DEPARTED', facilityId: other.facility.id });
              await tryAppend({ personId, type: 'TRANSFER_ARRIVED', facilityId: other.facility.id, unitId: other.units[0]!.id });
              break;
            case 'released':
              await tryAppend({ personId, type: 'RELEASED' });
              break;
            case 'escaped':
              await tryAppend({ personId, type: 'ESCAPED' });
              break;
            case 'deceased':
              await tryAppend({ personId, type: 'DECEASED' });
              break;
            case 'temporarily_out':
              await tryAppend({ personId, type: 'TEMPORARY_OUT', reason: 'court' });
              break;
            case 'unaccounted':
              await tryAppend({ personId, type: 'UNACCOUNTED' });
              break;
            case 'returned':
              await tryAppend({ personId, type: 'RETURNED' });
              break;
            case 'moved': {
              const from = await currentUnit(personId);
              const to = unitIds.find((u) => u !== from);
              if (to) await tryAppend({ personId, type: 'MOVED', unitId: to });
              break;
            }
            case 'none':
              break;
          }
        }
      }

      // marks, in batches, with movements in between
      for (const [b, batch] of w.batches.entries()) {
        await afterEvents(b, false);
        clock().advance(30_000);
        const now = clock().now().getTime();
        const marks: MarksInput['marks'] = [];
        const units = new Map((await placements(ids)).map((p) => [p.personId, p.facilityId === facility.id ? p.unitId : null]));
        for (const m of batch.marks) {
          const personId = ids[m.person % ids.length]!;
          const home = units.get(personId) ?? null;
          const unitId = m.where === 'home' ? (home ?? undefined) : m.where === 'other' ? unitAt(m.other) : undefined;
          marks.push({
            id: m.withId ? uuidv7() : undefined,
            personId,
            result: m.result,
            reason: m.result === 'excused' ? m.reason : undefined,
            unitId,
            markedAt: m.ago === undefined ? undefined : new Date(now - m.ago * 60_000).toISOString(),
          });
        }
        const input: MarksInput = { marks, unitId: batch.unit === undefined ? undefined : unitAt(batch.unit) };
        let sent = input;
        try {
          await s.rollcalls.mark(adminActor, rc.id, input);
        } catch (err) {
          // a tablet drops the persons off the manifest (not admitted yet, gone before the opening) and resends
          if (!(err instanceof DomainError) || err.code !== 'rollcall.not_on_manifest') throw err;
          const stray = new Set((err.details as { personIds: string[] }).personIds);
          sent = { ...input, marks: input.marks.filter((m) => !stray.has(m.personId)) };
          if (sent.marks.length) await s.rollcalls.mark(adminActor, rc.id, sent);
        }
        if (batch.resend && sent.marks.length) {
          const again = await s.rollcalls.mark(adminActor, rc.id, sent);
          expect(again.recorded).toBe(0);
        }
      }
      await afterEvents(w.batches.length, true);

      // the same inputs for both encodings
      const marks = (
        await queryRows<{ personId: string; result: MarkResult; unitId: string | null; markedAt: string | Date; seq: string | number }>(
          db(),
          sql`select person_id as "personId", result, unit_id as "unitId", marked_at as "markedAt", seq from rollcall_marks where rollcall_id = ${rc.id}`,
        )
      ).map((m): RecordedMark => ({ ...m, markedAt: new Date(m.markedAt), seq: Number(m.seq) }));
      const now = new Map((await placements(ids)).map((p) => [p.personId, p]));

      const live = await s.rollcalls.get(adminActor, rc.id, { offset: 0, limit: 0 });
      expect(sortFigures(live.live.byUnit)).toEqual(liveCount(expectedRows, marks).byUnit);

      const want = closeCount(facility.id, expectedRows, marks, now);
      clock().advance(30_000);
      const closed = await s.rollcalls.close(adminActor, rc.id);
      expect(sortFigures(closed.byUnit)).toEqual(want.byUnit);
      expect({ expected: closed.expected, present: closed.present, excused: closed.excused, delta: closed.delta }).toEqual(want.totals);
      expect(closed.expected).toBe(closed.present + closed.excused + closed.delta);
      expect(closed.unaccounted).toEqual(want.unaccounted);
      expect(byPerson(closed.departed)).toEqual(byPerson(want.departed));
      expect(byPerson(closed.misplaced)).toEqual(byPerson(want.misplaced));
      expect(closed.ledger).toEqual({ unaccountedEvents: want.ledger.unaccounted.length, accountedEvents: want.ledger.accounted.length });

      // what the close stored: the absences and the Delta history per unit
      const absences = await queryRows<{ person_id: string }>(
        db(),
        sql`select person_id from rollcall_absences where rollcall_id = ${rc.id} order by person_id`,
      );
      expect(absences.map((a) => a.person_id)).toEqual(want.unaccounted);
      const history = await queryRows<UnitFigures>(
        db(),
        sql`select unit_id as "unitId", expected, present, excused, delta, misplaced_in as "misplacedIn", misplaced_out as "misplacedOut"
            from rollcall_unit_results where rollcall_id = ${rc.id}`,
      );
      expect(sortFigures(history)).toEqual(want.byUnit);
    }

    it('for random facilities, marks and movements', async () => {
      await fc.assert(
        fc.asyncProperty(worldArb, (w) => check(w)),
        { numRuns: RUNS },
      );
    });
  });
}
