import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { persons } from '../registry';
import { rollcallMarks, rollcallUnitResults } from '../rollcalls';
import type { Presence } from './reviews.timeline.domain';

/**
 * Each person's last "present" mark at or before `before` at a closed roll call (of any facility; a closed roll call
 * has its figures in the published Delta history): where their escape window begins. One look-up per person: their
 * marks are walked newest first down the index on person and time (migration 0023) and the walk stops at the first
 * whose roll call has closed (usually the very first), instead of checking every present mark of every person
 * concerned and keeping the last.
 */
export async function lastPresences(db: Db, personIds: readonly string[], before: Date): Promise<Presence[]> {
  if (personIds.length === 0) return [];
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
          from unnest(${`{${[...new Set(personIds)].join(',')}}`}::uuid[]) as p(person_id)
          cross join lateral (
            select m.id, m.marked_at, m.rollcall_id, m.unit_id, m.method
              from ${rollcallMarks} m
             where m.person_id = p.person_id and m.result = 'present' and m.marked_at <= ${before.toISOString()}::timestamptz
               and exists (select 1 from ${rollcallUnitResults} u where u.rollcall_id = m.rollcall_id)
             order by m.marked_at desc, m.id desc
             limit 1) m
          cross join lateral (select facility_id from ${rollcallUnitResults} u where u.rollcall_id = m.rollcall_id limit 1) r`,
  );
  return rows.map((r) => ({
    markId: r.id,
    personId: r.person_id,
    at: new Date(r.marked_at),
    rollcallId: r.rollcall_id,
    facilityId: r.facility_id,
    unitId: r.unit_id,
    method: r.method,
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
