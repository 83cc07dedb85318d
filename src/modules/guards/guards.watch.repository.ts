import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { facilities } from '../facilities';

/** Queries of the guard force's time-driven rules (guards.watch.ts). */

/** Facilities with at least one active post: the ones the guard force watches. */
export async function watchedFacilities(db: Db): Promise<{ id: string; code: string }[]> {
  return queryRows<{ id: string; code: string }>(
    db,
    sql`select f.id, f.code from ${facilities} f where exists (select 1 from guard_posts p where p.facility_id = f.id and p.active) order by f.code`,
  );
}

/** The distinct starts of planned shifts after `from` up to `to` (the coming shifts within the horizon). */
export async function comingShiftStarts(db: Db, facilityId: string, from: Date, to: Date): Promise<Date[]> {
  const rows = await queryRows<{ starts_at: string | Date }>(
    db,
    sql`select distinct starts_at from guard_shifts
        where facility_id = ${facilityId} and starts_at > ${from} and starts_at <= ${to} order by starts_at`,
  );
  return rows.map((r) => new Date(r.starts_at));
}

/** Every active post with the active guards the roster plans there at `at`. */
export async function plannedAt(
  db: Db,
  facilityId: string,
  at: Date,
): Promise<{ postId: string; code: string; unitId: string | null; minStaff: number; planned: number }[]> {
  return queryRows(
    db,
    sql`select p.id as "postId", p.code, p.unit_id as "unitId", p.min_staff as "minStaff",
               count(s.id) filter (where g.status = 'active')::int as planned
        from guard_posts p
        left join guard_shifts s on s.post_id = p.id and s.starts_at <= ${at} and s.ends_at > ${at}
        left join guard_staff g on g.id = s.staff_id
        where p.facility_id = ${facilityId} and p.active
        group by p.id, p.code, p.unit_id, p.min_staff
        order by p.code`,
  );
}

/**
 * Distinct guards on duty at some time of each day from `from` (a UTC midnight) for `days` days: the facility's
 * (sector '') and each sector's (the unit of the post), days without anyone left out.
 */
export async function dailyOnDuty(db: Db, facilityId: string, from: Date, days: number): Promise<{ day: string; sector: string; n: number }[]> {
  const rows = await queryRows<{ day: string | Date; sector: string | null; whole: number; n: number }>(
    db,
    sql`with days as (
          select generate_series(${from}::timestamptz, ${from}::timestamptz + make_interval(days => ${days - 1}::int), interval '1 day') as d
        )
        select days.d as day, p.unit_id::text as sector, grouping(p.unit_id)::int as whole, count(distinct a.staff_id)::int as n
        from days
        join guard_attendance a on a.facility_id = ${facilityId} and a.checked_in_at < days.d + interval '1 day'
                                and (a.checked_out_at is null or a.checked_out_at > days.d)
        join guard_posts p on p.id = a.post_id
        group by grouping sets ((days.d), (days.d, p.unit_id))`,
  );
  return rows
    .filter((r) => r.whole === 1 || r.sector !== null)
    .map((r) => ({ day: new Date(r.day).toISOString().slice(0, 10), sector: Number(r.whole) === 1 ? '' : r.sector!, n: Number(r.n) }));
}

/** Guards of the facility recorded as deserted from `from` to `to`. */
export async function desertionsBetween(db: Db, facilityId: string, from: Date, to: Date): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from guard_staff
        where facility_id = ${facilityId} and status = 'deserted' and status_since >= ${from} and status_since < ${to}`,
  );
  return Number(row!.n);
}

/**
 * Required posts below their minimum staffing now, with since when: the latest of the post's creation, the last
 * check-out there and the start of a shift planned there now.
 */
export async function understaffedPosts(
  db: Db,
  facilityId: string,
  now: Date,
): Promise<{ postId: string; code: string; unitId: string | null; minStaff: number; present: number; since: Date }[]> {
  const rows = await queryRows<{ postId: string; code: string; unitId: string | null; minStaff: number; present: number; since: string | Date }>(
    db,
    sql`select p.id as "postId", p.code, p.unit_id as "unitId", p.min_staff as "minStaff",
               (select count(*)::int from guard_attendance a where a.post_id = p.id and a.checked_out_at is null) as present,
               greatest(p.created_at,
                        (select max(a.checked_out_at) from guard_attendance a where a.post_id = p.id and a.checked_out_at <= ${now}),
                        (select min(s.starts_at) from guard_shifts s where s.post_id = p.id and s.starts_at <= ${now} and s.ends_at > ${now})) as since
        from guard_posts p
        where p.facility_id = ${facilityId} and p.active and p.min_staff > 0
          and (select count(*) from guard_attendance a where a.post_id = p.id and a.checked_out_at is null) < p.min_staff
        order by p.code`,
  );
  return rows.map((r) => ({ ...r, since: new Date(r.since) }));
}

/** Records that a rule reported this (facility, kind, key): false when it had already. */
export async function insertMark(tx: Db, facilityId: string, kind: string, key: string, at: Date): Promise<boolean> {
  const rows = await queryRows<{ key: string }>(
    tx,
    sql`insert into guard_watch_marks (facility_id, kind, key, at) values (${facilityId}, ${kind}, ${key}, ${at})
        on conflict do nothing returning key`,
  );
  return rows.length > 0;
}

/** The latest mark of a kind at a facility (when its rule last reported). */
export async function lastMark(db: Db, facilityId: string, kind: string): Promise<Date | null> {
  const [row] = await queryRows<{ at: string | Date | null }>(
    db,
    sql`select max(at) as at from guard_watch_marks where facility_id = ${facilityId} and kind = ${kind}`,
  );
  return row?.at ? new Date(row.at) : null;
}
