import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { biometricVerificationDecisions } from '../biometrics';
import { persons } from '../registry';
import { rollcallMarks, rollcallUnitResults } from '../rollcalls';
import { sensorEvents, sensors } from '../sensors';
import { transferMoves, transferMovements } from '../transfers';
import type { AlarmMinute, Presence } from './reviews.timeline.domain';

/**
 * Each person's last "present" mark at or before `before` at a closed roll call (of any facility; a closed roll call
 * has its figures in the published Delta history): where their escape window begins. One look-up per person: their
 * marks are walked newest first down the index on person and time (migration 0023) and the walk stops at the first
 * whose roll call has closed (usually the very first), instead of checking every present mark of every person
 * concerned and keeping the last.
 */
export async function lastPresences(db: Db, personIds: readonly string[], before: Date): Promise<Presence[]> {
  if (personIds.length === 0) return [];
  const ids = uuidArray(personIds);
  const rows = await queryRows<{
    id: string;
    person_id: string;
    marked_at: Date | string;
    rollcall_id: string;
    facility_id: string;
    unit_id: string | null;
    method: string | null;
  }>(
    db,
    sql`select m.id, p.person_id, m.marked_at, m.rollcall_id, r.facility_id, m.unit_id, m.method
          from unnest(${ids}::uuid[]) as p(person_id)
          cross join lateral (
            select m.id, m.marked_at, m.rollcall_id, m.unit_id, m.method
              from ${rollcallMarks} m
             where m.person_id = p.person_id and m.result = 'present' and m.marked_at <= ${before.toISOString()}::timestamptz
               and exists (select 1 from ${rollcallUnitResults} u where u.rollcall_id = m.rollcall_id)
             order by m.marked_at desc, m.id desc
             limit 1) m
          cross join lateral (select facility_id from ${rollcallUnitResults} u where u.rollcall_id = m.rollcall_id limit 1) r`,
  );
  const marks: Presence[] = rows.map((r) => ({
    source: 'rollcall',
    markId: r.id,
    personId: r.person_id,
    at: new Date(r.marked_at),
    rollcallId: r.rollcall_id,
    facilityId: r.facility_id,
    unitId: r.unit_id,
    method: r.method,
  }));
  return [...marks, ...(await confirmedMatchPresences(db, ids, before)), ...(await boardingPresences(db, ids, before))];
}

/** The persons' distinct ids as a PostgreSQL array literal, built once for the three look-ups. */
function uuidArray(personIds: readonly string[]): string {
  return `{${[...new Set(personIds)].join(',')}}`;
}

/**
 * Each person's last biometric verification at or before `before` that a person accepted: a 1:1 match the officer
 * confirmed, where the person was held then (biometrics' decisions; a decision with no facility is no presence). One
 * look-up per person down the index on person and time (migration 0034).
 */
async function confirmedMatchPresences(db: Db, ids: string, before: Date): Promise<Presence[]> {
  const rows = await queryRows<{
    id: string;
    verification_id: string;
    person_id: string;
    verified_at: Date | string;
    facility_id: string;
    unit_id: string | null;
    modality: string;
  }>(
    db,
    sql`select d.id, d.verification_id, p.person_id, d.verified_at, d.facility_id, d.unit_id, d.modality
          from unnest(${ids}::uuid[]) as p(person_id)
          cross join lateral (
            select d.id, d.verification_id, d.verified_at, d.facility_id, d.unit_id, d.modality
              from ${biometricVerificationDecisions} d
             where d.person_id = p.person_id and d.at <= ${before.toISOString()}::timestamptz
               and d.result = 'match' and d.decision = 'confirmed' and d.facility_id is not null
             order by d.at desc, d.id desc
             limit 1) d`,
  );
  return rows.map((r) => ({
    source: 'biometrics',
    markId: r.id,
    personId: r.person_id,
    at: new Date(r.verified_at),
    rollcallId: null,
    verificationId: r.verification_id,
    facilityId: r.facility_id,
    unitId: r.unit_id,
    method: r.modality,
  }));
}

/**
 * Each person's last boarding (transfers) that cited a biometric verification, at or before `before`: the boarding
 * flow accepted it only as a match of that person made just before (`citedVerificationProblem`), at the departure
 * facility. A supervisor's override is no verified presence, even when it names a verification.
 */
async function boardingPresences(db: Db, ids: string, before: Date): Promise<Presence[]> {
  const rows = await queryRows<{
    movement_id: string;
    person_id: string;
    boarded_at: Date | string;
    verification_id: string;
    from_facility_id: string;
  }>(
    db,
    // joined to the persons' ids (a hash join), not tested against the whole list per row: thousands of persons concerned
    sql`select distinct on (m.person_id) m.movement_id, m.person_id, m.boarded_at, m.verification_id, mv.from_facility_id
          from unnest(${ids}::uuid[]) as p(person_id)
          join ${transferMoves} m on m.person_id = p.person_id
          join ${transferMovements} mv on mv.id = m.movement_id
         where m.verification_id is not null and m.override_reason is null
           and m.boarded_at is not null and m.boarded_at <= ${before.toISOString()}::timestamptz
         order by m.person_id, m.boarded_at desc`,
  );
  return rows.map((r) => ({
    source: 'biometrics',
    markId: `${r.movement_id}:${r.person_id}`,
    personId: r.person_id,
    at: new Date(r.boarded_at),
    rollcallId: null,
    verificationId: r.verification_id,
    facilityId: r.from_facility_id,
    unitId: null,
    method: 'boarding',
  }));
}

/**
 * A facility's raw sensor alarms in a window, added up per sensor and minute (a breach sends dozens a minute; the
 * timeline shows one item for them, with the count, the types and the first and last time). Ordered by minute.
 */
export async function alarmMinutes(db: Db, facilityId: string, from: Date, to: Date, limit: number): Promise<AlarmMinute[]> {
  const rows = await queryRows<{
    sensor_id: string;
    minute: Date | string;
    alarms: number | string;
    first_at: Date | string;
    last_at: Date | string;
    types: string[] | string;
    incident_id: string | null;
    code: string;
    kind: string;
    sector: string;
    unit_ids: string[] | string;
  }>(
    db,
    sql`select a.sensor_id, a.minute, a.alarms, a.first_at, a.last_at, a.types, a.incident_id, s.code, s.kind, s.sector, s.unit_ids
          from (select e.sensor_id, date_trunc('minute', e.occurred_at) as minute, count(*)::int as alarms,
                       min(e.occurred_at) as first_at, max(e.occurred_at) as last_at,
                       array_agg(distinct e.type order by e.type) as types, max(e.incident_id::text) as incident_id
                  from ${sensorEvents} e
                 where e.facility_id = ${facilityId} and e.alarm
                   and e.occurred_at >= ${from.toISOString()}::timestamptz and e.occurred_at < ${to.toISOString()}::timestamptz
                 group by e.sensor_id, date_trunc('minute', e.occurred_at)
                 order by 2, 1
                 limit ${limit}) a
          join ${sensors} s on s.id = a.sensor_id
         order by a.minute, a.sensor_id`,
  );
  const list = (v: string[] | string): string[] =>
    Array.isArray(v)
      ? v
      : v
          .replace(/^\{|\}$/g, '')
          .split(',')
          .filter(Boolean);
  return rows.map((r) => ({
    sensorId: r.sensor_id,
    sensorCode: r.code,
    sensorKind: r.kind,
    sector: r.sector,
    unitIds: list(r.unit_ids),
    facilityId,
    minute: new Date(r.minute),
    alarms: Number(r.alarms),
    firstAt: new Date(r.first_at),
    lastAt: new Date(r.last_at),
    types: list(r.types),
    incidentId: r.incident_id,
  }));
}

/** The household of each person who has one (registry's published persons). */
export async function householdsOf(db: Db, personIds: readonly string[]): Promise<Map<string, string>> {
  if (personIds.length === 0) return new Map();
  const rows = await queryRows<{ id: string; household_id: string }>(
    db,
    sql`select id, household_id from ${persons} where id = any(${`{${personIds.join(',')}}`}::uuid[]) and household_id is not null`,
  );
  return new Map(rows.map((r) => [r.id, r.household_id]));
}

/** A person and the other members of their household (registry's published persons): whom an escape's timeline follows. */
export async function householdOf(db: Db, personId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    db,
    sql`select m.id from ${persons} p join ${persons} m on m.household_id = p.household_id where p.id = ${personId} and p.household_id is not null`,
  );
  return [...new Set([personId, ...rows.map((r) => r.id)])];
}
