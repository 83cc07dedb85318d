import { useQuery } from '@tanstack/react-query';
import type { DeltaHistoryResponse, FacilityFiguresResponse } from '../../../../src/modules/reports/reports.dto';
import type {
  CloseResponse,
  RollcallDetailResponse,
  RollcallResponse,
  SheetRowResponse,
  UnitFiguresResponse,
} from '../../../../src/modules/rollcalls/rollcalls.dto';
import { api, ApiError, qs } from '../../lib/api';
import { useSession } from '../../lib/session';

export type UnitFigures = UnitFiguresResponse;
export type Rollcall = RollcallResponse;
export type RollcallDetail = RollcallDetailResponse;
export type SheetRow = SheetRowResponse;
export type MarkResult = NonNullable<SheetRow['mark']>['result'];
export type RollcallStatus = Rollcall['status'];

/** Badge colours of a roll call's status: a cancelled one stands apart from a closed one. */
export const ROLLCALL_STATUS_COLOR: Record<RollcallStatus, string> = { open: 'teal', closing: 'yellow', closed: 'gray', cancelled: 'orange' };
/**
 * A close's result: as POST /rollcalls/:id/close answers (with the alerts it raised), or as kept on the roll call,
 * where the unaccounted list is left out above 1,000 persons (`unaccountedCount` says how many).
 */
export type CloseResult = NonNullable<RollcallResponse['result']> & { alerts?: CloseResponse['alerts'] };

/** Roll calls, newest first; an empty list where the roll-call module is not deployed or the role may not read them. */
export function useRollcalls(filter: { facilityId?: string; status?: string; limit?: number }) {
  const session = useSession();
  return useQuery({
    queryKey: ['rollcalls', filter],
    enabled: session.can('reports.read'),
    queryFn: async () => {
      try {
        return await api<Rollcall[]>(`/rollcalls${qs({ facilityId: filter.facilityId, status: filter.status, limit: filter.limit ?? 50 })}`);
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return [];
        throw e;
      }
    },
  });
}

/** One unit at one closed roll call (reports.dto DeltaHistoryResponse). */
export type DeltaRow = DeltaHistoryResponse['rows'][number];

/**
 * The Delta history (GET /reports/delta): one row per unit and closed roll call, the latest ones. It carries no lists
 * of persons, so it stays small where the roll calls' own results (with their unaccounted lists) would not.
 */
export function useDeltaHistory(filter: { facilityId?: string; limit?: number; enabled?: boolean } = {}) {
  const session = useSession();
  return useQuery({
    queryKey: ['reports', 'delta', filter.facilityId, filter.limit],
    enabled: session.can('reports.read') && filter.enabled !== false,
    queryFn: async () => {
      try {
        const r = await api<{ rows: DeltaRow[] }>(`/reports/delta${qs({ facilityId: filter.facilityId, limit: filter.limit ?? 5000 })}`);
        return r.rows;
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return [];
        throw e;
      }
    },
  });
}

/** A facility's combined roll-call figures: the latest count of each unit, summed (reports.dto CombinedFiguresResponse). */
export type FacilityFigures = FacilityFiguresResponse['facilities'][number];
export type CombinedFigures = FacilityFigures['series'][number];

/**
 * Each facility's roll-call figures (GET /reports/figures): a block roll call changes that block's part only, so the
 * facility's Delta and population are never those of one block. Keyed by facility id.
 */
export function useFacilityFigures(filter: { facilityId?: string; enabled?: boolean } = {}) {
  const session = useSession();
  return useQuery({
    queryKey: ['reports', 'figures', filter.facilityId],
    enabled: session.can('reports.read') && filter.enabled !== false,
    queryFn: async () => {
      try {
        const r = await api<FacilityFiguresResponse>(`/reports/figures${qs({ facilityId: filter.facilityId })}`);
        return new Map(r.facilities.map((f) => [f.facilityId, f]));
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return new Map<string, FacilityFigures>();
        throw e;
      }
    },
  });
}

/** Per unit: its row at the last closed roll call that counted it. */
export function lastRowByUnit(rows: DeltaRow[]): Map<string, DeltaRow> {
  const out = new Map<string, DeltaRow>();
  for (const r of [...rows].sort((a, b) => a.closedAt.localeCompare(b.closedAt))) if (r.unitId) out.set(r.unitId, r);
  return out;
}
