import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import type { RotationShift } from './guards.rotation';

const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;

/**
 * The shifts the rotation rule weighs around a planned period: for each of these guards, every shift starting inside
 * [from, to], and the `n` shifts before `from` and after `to` (enough to see any row of more than n shifts at one post).
 */
export async function rotationNeighbourhood(db: Db, staffIds: readonly string[], from: Date, to: Date, n: number): Promise<RotationShift[]> {
  if (staffIds.length === 0 || n <= 0) return [];
  const rows = await queryRows<{ staff_id: string; post_id: string; starts_at: Date | string }>(
    db,
    sql`select s.staff_id, s.post_id, s.starts_at from guard_shifts s
        where s.staff_id = any(${uuids(staffIds)}) and s.starts_at >= ${from} and s.starts_at <= ${to}
        union all
        select b.staff_id, b.post_id, b.starts_at from unnest(${uuids(staffIds)}) as g(id)
          cross join lateral (select staff_id, post_id, starts_at from guard_shifts
                              where staff_id = g.id and starts_at < ${from} order by starts_at desc limit ${n}) b
        union all
        select a.staff_id, a.post_id, a.starts_at from unnest(${uuids(staffIds)}) as g(id)
          cross join lateral (select staff_id, post_id, starts_at from guard_shifts
                              where staff_id = g.id and starts_at > ${to} order by starts_at asc limit ${n}) a`,
  );
  return rows.map((r) => ({ staffId: r.staff_id, postId: r.post_id, startsAt: new Date(r.starts_at) }));
}

/**
 * For the staffing board: each active guard of the facility whose latest shifts (up to `until`) keep them at one
 * post `n` times or more in a row, with the length of that row (at the limit, the next shift must be elsewhere).
 */
export async function rotationRows(
  db: Db,
  facilityId: string,
  until: Date,
  n: number,
): Promise<{ staffId: string; badge: string; postId: string; run: number }[]> {
  if (n <= 0) return [];
  const rows = await queryRows<{ staff_id: string; badge: string; post_id: string; starts_at: Date | string }>(
    db,
    sql`select g.id as staff_id, g.badge, s.post_id, s.starts_at from guard_staff g
          cross join lateral (select post_id, starts_at from guard_shifts
                              where staff_id = g.id and starts_at <= ${until} order by starts_at desc limit ${n + 1}) s
        where g.facility_id = ${facilityId} and g.status = 'active'
        order by g.badge, s.starts_at desc`,
  );
  const out: { staffId: string; badge: string; postId: string; run: number }[] = [];
  let i = 0;
  while (i < rows.length) {
    const first = rows[i]!;
    let run = 0;
    let j = i;
    let broken = false;
    for (; j < rows.length && rows[j]!.staff_id === first.staff_id; j += 1) {
      if (!broken && rows[j]!.post_id === first.post_id) run += 1;
      else broken = true;
    }
    if (run >= n) out.push({ staffId: first.staff_id, badge: first.badge, postId: first.post_id, run });
    i = j;
  }
  return out;
}
