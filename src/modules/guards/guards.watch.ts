import type { Db } from '../../platform/db/database';
import type { Outbox } from '../../platform/outbox';
import type { ThresholdSettings } from './guards.domain';
import { presentCount, unitCodes } from './guards.repository';
import { nextShiftShortfall, thinning, uncoveredPastGrace, type DailySeries, type Thinning } from './guards.watch.domain';
import { GuardsThinning, NextShiftShort, PostsUncovered } from './guards.watch.events';
import {
  comingShiftStarts,
  dailyOnDuty,
  desertionsBetween,
  insertMark,
  lastMark,
  plannedAt,
  understaffedPosts,
  watchedFacilities,
} from './guards.watch.repository';

const DAY = 86_400_000;

export interface WatchReport {
  nextShiftShort: number;
  postsUncovered: number;
  thinning: number;
}

/**
 * The guard force's time-driven rules, one pass at `now` (run by the guards scheduler, `GuardsService.tick`):
 *  - the roster of each coming shift within the facility's horizon against the threshold (`guards.next_shift_short`,
 *    once per shift start);
 *  - required posts below their minimum staffing past the grace period (`guards.post_uncovered`, once per spell; not
 *    while nobody at all is on duty: "no guard on duty" is already critical);
 *  - the guards on duty per day trending down over the window, by facility and sector (`guards.thinning`, once a day
 *    at most, and once per window while it lasts).
 * What has been reported is marked in the database (guard_watch_marks) in the transaction of its event, so a restart
 * or a second pass reports nothing twice.
 */
export class GuardsWatch {
  constructor(
    private readonly db: Db,
    private readonly outbox: Outbox,
    private readonly thresholdFor: (db: Db, facilityId: string) => Promise<ThresholdSettings>,
    private readonly onRoll: (db: Db, facilityId: string) => Promise<number>,
  ) {}

  async run(now: Date): Promise<WatchReport> {
    const report: WatchReport = { nextShiftShort: 0, postsUncovered: 0, thinning: 0 };
    for (const f of await watchedFacilities(this.db)) {
      const t = await this.thresholdFor(this.db, f.id);
      report.nextShiftShort += await this.nextShifts(f, t, now);
      report.postsUncovered += await this.uncovered(f, t, now);
      report.thinning += await this.thinning(f, t, now);
    }
    return report;
  }

  private async nextShifts(f: { id: string; code: string }, t: ThresholdSettings, now: Date): Promise<number> {
    const starts = await comingShiftStarts(this.db, f.id, now, new Date(now.getTime() + t.nextShiftHorizonHours * 3_600_000));
    let n = 0;
    for (const startsAt of starts) {
      const short = nextShiftShortfall(startsAt, await this.onRoll(this.db, f.id), await plannedAt(this.db, f.id, startsAt), t);
      if (!short) continue;
      n += await this.outbox.transaction(async (tx) => {
        if (!(await insertMark(tx, f.id, 'next_shift_short', short.startsAt, now))) return 0;
        this.outbox.emit(
          tx,
          NextShiftShort,
          { facilityId: f.id, facilityCode: f.code, at: now.toISOString(), horizonHours: t.nextShiftHorizonHours, ...short },
          { occurredAt: now, subjects: { facilityIds: [f.id] } },
        );
        return 1;
      });
    }
    return n;
  }

  private async uncovered(f: { id: string; code: string }, t: ThresholdSettings, now: Date): Promise<number> {
    const posts = uncoveredPastGrace(await understaffedPosts(this.db, f.id, now), now, t.lateGraceMinutes);
    if (posts.length === 0) return 0;
    return this.outbox.transaction(async (tx) => {
      const fresh = [];
      for (const p of posts) if (await insertMark(tx, f.id, 'post_uncovered', `${p.postId}:${p.since.toISOString()}`, now)) fresh.push(p);
      if (fresh.length === 0) return 0;
      // Nobody on duty at all is "no guard on duty" (critical at once): the posts are marked, not alerted again.
      if ((await presentCount(tx, f.id)) === 0) return 0;
      this.outbox.emit(
        tx,
        PostsUncovered,
        {
          facilityId: f.id,
          facilityCode: f.code,
          at: now.toISOString(),
          graceMinutes: t.lateGraceMinutes,
          posts: fresh.map((p) => ({ ...p, since: p.since.toISOString() })),
        },
        { occurredAt: now, subjects: { facilityIds: [f.id], unitIds: [...new Set(fresh.map((p) => p.unitId))] } },
      );
      return fresh.length;
    });
  }

  private async thinning(f: { id: string; code: string }, t: ThresholdSettings, now: Date): Promise<number> {
    const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const windowEnd = new Date(today).toISOString().slice(0, 10);
    if (!(await insertMark(this.db, f.id, 'thinning_checked', windowEnd, now))) return 0;
    // Complete days only, checked once a day; reported at most once per window while the trend lasts.
    const last = await lastMark(this.db, f.id, 'thinning');
    if (last && now.getTime() - last.getTime() < t.thinningWindowDays * DAY) return 0;
    const from = new Date(today - t.thinningWindowDays * DAY);
    const rows = await dailyOnDuty(this.db, f.id, from, t.thinningWindowDays);
    const days = Array.from({ length: t.thinningWindowDays }, (_, i) => new Date(from.getTime() + i * DAY).toISOString().slice(0, 10));
    const sectors = [...new Set(rows.map((r) => r.sector))].sort();
    if (!sectors.includes('')) return 0;
    const codes = await unitCodes(this.db, sectors.filter(Boolean));
    const desertions = await desertionsBetween(this.db, f.id, from, new Date(today));
    const trends: Thinning[] = [];
    for (const sector of sectors) {
      const byDay = new Map(rows.filter((r) => r.sector === sector).map((r) => [r.day, r.n]));
      const series: DailySeries = {
        sector,
        label: sector ? (codes.get(sector) ?? sector) : f.code,
        days,
        onDuty: days.map((d) => byDay.get(d) ?? 0),
        desertions: sector ? undefined : desertions,
      };
      const found = thinning(series, t);
      if (found) trends.push(found);
    }
    if (trends.length === 0) return 0;
    return this.outbox.transaction(async (tx) => {
      if (!(await insertMark(tx, f.id, 'thinning', windowEnd, now))) return 0;
      this.outbox.emit(
        tx,
        GuardsThinning,
        { facilityId: f.id, facilityCode: f.code, at: now.toISOString(), windowDays: t.thinningWindowDays, thresholdPercent: t.thinningPercent, trends },
        { occurredAt: now, subjects: { facilityIds: [f.id] } },
      );
      return 1;
    });
  }
}
