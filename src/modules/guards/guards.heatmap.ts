import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../platform/db/database';
import { isFacilityScoped, type Actor } from '../access';
import { requireGuardsRead } from './guards.policy';
import { facilitiesByIds, unitCodes } from './guards.repository';
import { HEATMAP_RANGES, type HeatmapQueryInput, type HeatmapView } from './guards.heatmap.dto';

interface Row {
  sector: string;
  at: Date;
  state: 'ok' | 'degraded' | 'critical';
  onRoll: number;
  present: number;
  postsRequired: number;
  postsManned: number;
}

const RANK = { ok: 0, degraded: 1, critical: 2 } as const;

async function historyRows(db: Db, facilityId: string, from: Date, to: Date): Promise<Row[]> {
  const rows = await queryRows<Omit<Row, 'at'> & { at: string | Date }>(
    db,
    sql`(select distinct on (sector) sector, at, state, on_roll as "onRoll", present, posts_required as "postsRequired", posts_manned as "postsManned"
         from guard_ratio_history where facility_id = ${facilityId} and at < ${from} order by sector, at desc, id desc)
        union all
        (select sector, at, state, on_roll, present, posts_required, posts_manned
         from guard_ratio_history where facility_id = ${facilityId} and at >= ${from} and at < ${to})`,
  );
  return rows.map((r) => ({ ...r, at: new Date(r.at) })).sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * The governance state by facility and sector over a day (hourly cells) or a week (cells of six hours), from the ratio
 * history: each cell holds the worst state recomputed within it, the state carried in from before it included, with
 * the figures of that recomputation. The cells are the same figures `ratio-history` gives, bucketed.
 */
export async function ratioHeatmap(db: Db, actor: Actor, q: HeatmapQueryInput, now: Date): Promise<HeatmapView> {
  requireGuardsRead(actor);
  const { hours, bucketMinutes } = HEATMAP_RANGES[q.range];
  const bucket = bucketMinutes * 60_000;
  const end = q.to ? new Date(q.to) : now;
  // Columns on whole buckets: the last one holds `end`.
  const to = new Date(Math.ceil((end.getTime() + 1) / bucket) * bucket);
  const from = new Date(to.getTime() - hours * 3_600_000);
  const columns = Array.from({ length: (hours * 60) / bucketMinutes }, (_, i) => new Date(from.getTime() + i * bucket));
  const facilities = await facilitiesByIds(db, isFacilityScoped(actor) ? actor.facilityIds : undefined);
  const out: HeatmapView['rows'] = [];
  for (const f of facilities) {
    const rows = await historyRows(db, f.id, from, to);
    if (rows.length === 0) continue;
    const sectors = [...new Set(rows.map((r) => r.sector))];
    const codes = await unitCodes(db, sectors.filter(Boolean));
    sectors.sort((a, b) => (a === '' ? -1 : b === '' ? 1 : (codes.get(a) ?? a).localeCompare(codes.get(b) ?? b)));
    for (const sector of sectors) {
      const mine = rows.filter((r) => r.sector === sector);
      let i = 0;
      let last: Row | null = null;
      while (i < mine.length && mine[i]!.at < from) last = mine[i++]!;
      const cells = columns.map((start) => {
        const stop = start.getTime() + bucket;
        let worst: Row | null = last;
        while (i < mine.length && mine[i]!.at.getTime() < stop) {
          const r = mine[i++]!;
          if (!worst || RANK[r.state] >= RANK[worst.state]) worst = r;
          last = r;
        }
        return {
          state: worst?.state ?? null,
          at: worst?.at ?? null,
          present: worst?.present ?? null,
          onRoll: worst?.onRoll ?? null,
          postsManned: worst?.postsManned ?? null,
          postsRequired: worst?.postsRequired ?? null,
          guardsPer100: worst && worst.onRoll > 0 ? Math.round((worst.present * 1000) / worst.onRoll) / 10 : null,
        };
      });
      out.push({ facilityId: f.id, facilityCode: f.code, sector, label: sector ? (codes.get(sector) ?? sector) : f.code, cells });
    }
  }
  return { from, to, bucketMinutes, columns, rows: out };
}
