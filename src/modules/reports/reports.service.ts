import { csvCell } from '../../platform/csv';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { isFacilityScoped, isNationalityScoped, requireFacility, requirePermission, type Actor } from '../access';
import { listFacilities } from '../facilities';
import { closedCounts, combinedFigures } from '../rollcalls';
import {
  REPORT_STATUSES,
  type ByStatusResponse,
  type DeltaHistoryEntryResponse,
  type DeltaHistoryResponse,
  type FacilityFiguresResponse,
  type FacilityStatusResponse,
  type StatusReportResponse,
  type UnitStatusResponse,
} from './reports.dto';
import { deltaHistory, nationalityCounts, registeredNotAdmitted, statusCounts, unitStatusCounts, type DeltaHistoryRow } from './reports.repository';

export { REPORT_STATUSES } from './reports.dto';

type ByStatus = z.output<typeof ByStatusResponse>;

const emptyByStatus = (): ByStatus => Object.fromEntries(REPORT_STATUSES.map((s) => [s, 0])) as ByStatus;

export type FacilityStatus = z.output<typeof FacilityStatusResponse>;
export type UnitStatus = z.output<typeof UnitStatusResponse>;
export type StatusReport = z.output<typeof StatusReportResponse>;
export type DeltaHistoryEntry = z.output<typeof DeltaHistoryEntryResponse>;
export type DeltaHistory = z.output<typeof DeltaHistoryResponse>;
export type FacilityFigures = z.output<typeof FacilityFiguresResponse>;

const historyEntry = (r: DeltaHistoryRow): DeltaHistoryEntry => ({
  rollcallId: r.rollcall_id,
  closedAt: new Date(r.closed_at),
  facilityId: r.facility_id,
  facilityCode: r.facility_code,
  unitId: r.unit_id,
  unitCode: r.unit_code,
  expected: r.expected,
  present: r.present,
  excused: r.excused,
  delta: r.delta,
  misplacedIn: r.misplaced_in,
  misplacedOut: r.misplaced_out,
});

export class ReportsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /** Population by facility, status and nationality; every number is a count over placements (never a counter). */
  async status(actor: Actor): Promise<StatusReport> {
    requirePermission(actor, 'reports.read');
    const now = this.clock.now();
    const cutoff = new Date(Date.UTC(now.getUTCFullYear() - 18, now.getUTCMonth(), now.getUTCDate())).toISOString().slice(0, 10);
    const scope = { facilityIds: actor.facilityIds, nationalities: actor.nationalities };
    const [facilityRows, statusRows, natRows, notAdmitted, unitRows] = await Promise.all([
      listFacilities(this.db, isFacilityScoped(actor) ? actor.facilityIds : undefined),
      statusCounts(this.db, scope, cutoff),
      nationalityCounts(this.db, scope),
      registeredNotAdmitted(this.db, scope),
      unitStatusCounts(this.db, scope),
    ]);
    const onRoll = (s: string) => s === 'in_custody' || s === 'temporarily_out' || s === 'unaccounted';
    const facilities = new Map<string, FacilityStatus>(
      facilityRows.map((f) => [
        f.id,
        {
          id: f.id,
          code: f.code,
          name: f.name,
          kind: f.kind,
          capacity: f.capacity,
          location: f.latitude !== null && f.longitude !== null ? { latitude: f.latitude, longitude: f.longitude } : null,
          onRoll: 0,
          minorsOnRoll: 0,
          byStatus: emptyByStatus(),
          byNationality: {},
          units: [],
        },
      ]),
    );
    const totals = { ...emptyByStatus(), onRoll: 0, minorsOnRoll: 0, registeredNotAdmitted: notAdmitted };
    for (const r of statusRows) {
      const status = r.status as keyof ByStatus;
      const f = r.facility_id ? facilities.get(r.facility_id) : undefined;
      if (!f && isFacilityScoped(actor)) continue;
      totals[status] = (totals[status] ?? 0) + r.count;
      if (f) f.byStatus[status] = (f.byStatus[status] ?? 0) + r.count;
      if (onRoll(r.status)) {
        totals.onRoll += r.count;
        totals.minorsOnRoll += r.minors;
        if (f) {
          f.onRoll += r.count;
          f.minorsOnRoll += r.minors;
        }
      }
    }
    for (const r of unitRows) {
      const f = facilities.get(r.facility_id);
      if (!f) continue;
      let u = f.units.find((x) => x.unitId === r.unit_id);
      if (!u) {
        u = { unitId: r.unit_id, code: r.unit_code, onRoll: 0, byStatus: emptyByStatus() };
        f.units.push(u);
      }
      u.byStatus[r.status as keyof ByStatus] = (u.byStatus[r.status as keyof ByStatus] ?? 0) + r.count;
      if (onRoll(r.status)) u.onRoll += r.count;
    }
    for (const f of facilities.values()) f.units.sort((a, b) => (a.code ?? '').localeCompare(b.code ?? ''));
    const nationalities = new Map<string, { country: string; onRoll: number; byStatus: ByStatus }>();
    for (const r of natRows) {
      const f = r.facility_id ? facilities.get(r.facility_id) : undefined;
      if (!f && isFacilityScoped(actor)) continue;
      const n = nationalities.get(r.country) ?? { country: r.country, onRoll: 0, byStatus: emptyByStatus() };
      n.byStatus[r.status as keyof ByStatus] += r.count;
      if (onRoll(r.status)) {
        n.onRoll += r.count;
        if (f) f.byNationality[r.country] = (f.byNationality[r.country] ?? 0) + r.count;
      }
      nationalities.set(r.country, n);
    }
    return {
      generatedAt: now,
      totals,
      facilities: [...facilities.values()],
      nationalities: [...nationalities.values()].sort((a, b) => b.onRoll - a.onRoll || a.country.localeCompare(b.country)),
    };
  }

  /** The Delta of every unit at every closed roll call, for charts and after-action review; scoped by facility. */
  async deltaHistory(actor: Actor, f: { facilityId?: string; unitId?: string; from?: Date; to?: Date; limit: number }): Promise<DeltaHistory> {
    requirePermission(actor, 'reports.read');
    if (f.facilityId) requireFacility(actor, f.facilityId);
    // Unit figures count every nationality: nothing for a nationality-scoped user (lists filter, they do not leak).
    if (isNationalityScoped(actor)) return { generatedAt: this.clock.now(), rows: [] };
    const rows = await deltaHistory(this.db, { ...f, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined });
    return { generatedAt: this.clock.now(), rows: rows.map(historyEntry) };
  }

  /**
   * Each facility's roll-call figures as the latest count of every unit, summed, now and after each closed roll call:
   * a block roll call replaces that block's part, never the facility's figures. Scoped like the Delta history.
   */
  async facilityFigures(actor: Actor, f: { facilityId?: string; from?: Date }): Promise<FacilityFigures> {
    requirePermission(actor, 'reports.read');
    if (f.facilityId) requireFacility(actor, f.facilityId);
    if (isNationalityScoped(actor)) return { generatedAt: this.clock.now(), facilities: [] };
    const counts = await closedCounts(this.db, { facilityId: f.facilityId, facilityIds: isFacilityScoped(actor) ? actor.facilityIds : undefined });
    const facilities = [...combinedFigures(counts)].map(([facilityId, series]) => ({
      facilityId,
      latest: series.at(-1) ?? null,
      series: f.from ? series.filter((p) => p.at >= f.from!) : series,
    }));
    return { generatedAt: this.clock.now(), facilities };
  }
}

/** The status report at unit level as CSV: one row per facility and unit. */
export function unitStatusCsv(report: StatusReport): string {
  const lines = [['facility_code', 'unit_code', 'on_roll', ...REPORT_STATUSES].join(',')];
  for (const f of report.facilities) {
    for (const u of f.units) lines.push([f.code, u.code ?? '', u.onRoll, ...REPORT_STATUSES.map((s) => u.byStatus[s])].map(csvCell).join(','));
  }
  return lines.join('\n') + '\n';
}

/** The Delta history as CSV: one row per unit and closed roll call. */
export function deltaHistoryCsv(history: DeltaHistory): string {
  const header = ['closed_at', 'facility_code', 'unit_code', 'rollcall_id', 'expected', 'present', 'excused', 'delta', 'misplaced_in', 'misplaced_out'];
  const lines = [header.join(',')];
  for (const r of history.rows) {
    lines.push(
      [r.closedAt.toISOString(), r.facilityCode, r.unitCode ?? '', r.rollcallId, r.expected, r.present, r.excused, r.delta, r.misplacedIn, r.misplacedOut]
        .map(csvCell)
        .join(','),
    );
  }
  return lines.join('\n') + '\n';
}

/** The status report as CSV: one row per facility and status, for spreadsheets. */
export function statusReportCsv(report: StatusReport): string {
  const header = ['facility_code', 'facility_name', 'kind', 'capacity', 'on_roll', 'minors_on_roll', ...REPORT_STATUSES];
  const lines = [header.join(',')];
  for (const f of report.facilities) {
    lines.push([f.code, f.name, f.kind, f.capacity, f.onRoll, f.minorsOnRoll, ...REPORT_STATUSES.map((s) => f.byStatus[s])].map(csvCell).join(','));
  }
  lines.push(['TOTAL', '', '', '', report.totals.onRoll, report.totals.minorsOnRoll, ...REPORT_STATUSES.map((s) => report.totals[s])].map(csvCell).join(','));
  return lines.join('\n') + '\n';
}
