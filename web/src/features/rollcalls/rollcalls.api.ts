import { useQuery } from '@tanstack/react-query';
import { api, ApiError, qs } from '../../lib/api';
import { useSession } from '../../lib/session';

export interface UnitFigures {
  unitId: string | null;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  misplacedIn: number;
  misplacedOut: number;
}

export interface CloseResult {
  rollcallId: string;
  facilityId: string;
  closedAt: string;
  expected: number;
  present: number;
  excused: number;
  delta: number;
  unaccounted: string[];
  misplaced: { personId: string; expectedUnitId: string | null; seenUnitId: string | null; onList: boolean }[];
  byUnit: UnitFigures[];
  alerts?: { id: string; rule: string; severity: string }[];
}

export interface Rollcall {
  id: string;
  facilityId: string;
  unitIds: string[];
  status: 'open' | 'closing' | 'closed' | string;
  openedAt: string;
  openedBy: string | null;
  closedAt: string | null;
  closedBy: string | null;
  expected: number;
  result: CloseResult | null;
}

export type MarkResult = 'present' | 'absent' | 'excused';

export interface SheetRow {
  personId: string;
  name: string | null;
  unitId: string | null;
  statusAtOpen: string;
  outReason: string | null;
  mark: { result: MarkResult; reason: string | null; unitId: string | null } | null;
  outcome: string | null;
  misplaced: boolean;
}

export interface RollcallDetail extends Rollcall {
  live: { expected: number; present: number; excused: number; delta: number; marks: number; byUnit: UnitFigures[] };
  unaccounted?: string[];
  persons?: SheetRow[];
  page?: { offset: number; limit: number };
}

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

/** Per facility: the last closed roll call (its Delta is the Delta the overview shows). */
export function lastClosedByFacility(list: Rollcall[]): Map<string, Rollcall> {
  const out = new Map<string, Rollcall>();
  for (const r of list) {
    if (r.status !== 'closed' || !r.result) continue;
    const prev = out.get(r.facilityId);
    if (!prev || (r.closedAt ?? '') > (prev.closedAt ?? '')) out.set(r.facilityId, r);
  }
  return out;
}

/** Per unit: the figures at the last closed roll call that counted it. */
export function lastByUnit(list: Rollcall[]): Map<string, { figures: UnitFigures; closedAt: string; rollcallId: string }> {
  const out = new Map<string, { figures: UnitFigures; closedAt: string; rollcallId: string }>();
  const sorted = [...list].filter((r) => r.status === 'closed' && r.result).sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? ''));
  for (const r of sorted) {
    for (const u of r.result!.byUnit ?? []) {
      if (u.unitId && !out.has(u.unitId)) out.set(u.unitId, { figures: u, closedAt: r.closedAt ?? '', rollcallId: r.id });
    }
  }
  return out;
}
