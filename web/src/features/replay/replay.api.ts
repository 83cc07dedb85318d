// What the replay screen reads: the facility's units, its roll-call figures and each unit's counts, the alerts that
// were the first sign, and the after-action timeline (GET /reviews/timeline of the reviews module).
import type { z } from 'zod';
import { useQuery } from '@tanstack/react-query';
import { api, ApiError, qs } from '../../lib/api';
import type { FacilityDetailResponse } from '../../../../src/modules/facilities/facilities.dto';
import type { DeltaHistoryResponse, FacilityFiguresResponse } from '../../../../src/modules/reports/reports.dto';
import type { AlertResponse } from '../../../../src/modules/alerts/alerts.dto';
import { FIRST_SIGN_RULES, type PlacedSensor, type TimelineItem, type Window } from './replay.logic';

export type Alert = z.input<typeof AlertResponse>;

const DAY = 86_400_000;
/** How many timeline items the screen reads at most (pages of TIMELINE_PAGE); the rest is said, not hidden. */
export const TIMELINE_CAP = 2000;
const TIMELINE_PAGE = 200;

export function useFacilityDetail(id: string | null) {
  return useQuery({ queryKey: ['facility', id], enabled: !!id, queryFn: () => api<FacilityDetailResponse>(`/facilities/${id}`) });
}

/** The facility's combined figures after each closed roll call, oldest first (the whole history: a few points a day). */
export function useFigures(facilityId: string | null) {
  return useQuery({
    queryKey: ['reports', 'figures', facilityId],
    enabled: !!facilityId,
    queryFn: async () => {
      const r = await api<FacilityFiguresResponse>(`/reports/figures${qs({ facilityId: facilityId ?? undefined })}`);
      return r.facilities.find((f) => f.facilityId === facilityId)?.series ?? [];
    },
  });
}

/** Each unit's closed counts from two days before the window (a unit's state at the start) to its end. */
export function useUnitRows(facilityId: string | null, w: Window | null) {
  return useQuery({
    queryKey: ['reports', 'delta', 'replay', facilityId, w?.from, w?.to],
    enabled: !!facilityId && !!w,
    queryFn: async () => {
      const r = await api<DeltaHistoryResponse>(
        `/reports/delta${qs({ facilityId: facilityId ?? undefined, from: new Date(w!.from - 2 * DAY).toISOString(), to: new Date(w!.to).toISOString(), limit: 100_000 })}`,
      );
      return r.rows;
    },
  });
}

/** The first-sign alerts (no guard on duty) of every facility in scope, oldest first: where and when to start. */
export function useFirstSigns(enabled: boolean) {
  return useQuery({
    queryKey: ['alerts', 'first-signs'],
    enabled,
    queryFn: async () => {
      const lists = await Promise.all(FIRST_SIGN_RULES.map((rule) => api<Alert[]>(`/alerts${qs({ rule, limit: 1000 })}`)));
      return lists.flat().sort((a, b) => a.raisedAt.localeCompare(b.raisedAt));
    },
  });
}

export type TimelineResult = { status: 'ok'; total: number; items: TimelineItem[] } | { status: 'unavailable'; code: number };

/**
 * The after-action timeline of the facility in the window, oldest first (pages until TIMELINE_CAP). Answers
 * 'unavailable' where the server has no timeline (404) or the role may not read it (403): the screen says so.
 */
export function useTimeline(facilityId: string | null, w: Window | null, allowed: boolean) {
  return useQuery({
    queryKey: ['reviews', 'timeline', facilityId, w?.from, w?.to, allowed],
    enabled: !!facilityId && !!w,
    queryFn: async (): Promise<TimelineResult> => {
      if (!allowed) return { status: 'unavailable', code: 403 };
      const items: TimelineItem[] = [];
      let total = 0;
      try {
        for (let offset = 0; offset < TIMELINE_CAP; offset += TIMELINE_PAGE) {
          const page = await api<{ total: number; items: TimelineItem[] }>(
            `/reviews/timeline${qs({ facilityId: facilityId ?? undefined, from: new Date(w!.from).toISOString(), to: new Date(w!.to).toISOString(), limit: TIMELINE_PAGE, offset })}`,
          );
          total = page.total;
          items.push(...page.items);
          if (page.items.length < TIMELINE_PAGE || items.length >= total) break;
        }
      } catch (e) {
        if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return { status: 'unavailable', code: e.status };
        throw e;
      }
      items.sort((a, b) => a.at.localeCompare(b.at));
      return { status: 'ok', total, items };
    },
  });
}

export type SensorsResult = { status: 'ok'; sensors: PlacedSensor[]; items: TimelineItem[]; total: number } | { status: 'unavailable'; code: number };

/** Sensor items the plan reads at most (alarms per sensor and minute, dead zones, restorations); the rest is said. */
export const SENSOR_ITEMS_CAP = 10_000;

/**
 * The facility's sensors as placed on its plan (GET /sensors, every page) and the window's sensor items of the
 * after-action timeline (alarms per sensor and minute, dead zones, sensors heard again), every page up to
 * SENSOR_ITEMS_CAP. 'unavailable' when the role may read neither (403).
 */
export function usePerimeter(facilityId: string | null, w: Window | null, canSensors: boolean, canTimeline: boolean) {
  return useQuery({
    queryKey: ['replay', 'perimeter', facilityId, w?.from, w?.to, canSensors, canTimeline],
    enabled: !!facilityId && !!w,
    queryFn: async (): Promise<SensorsResult> => {
      if (!canSensors) return { status: 'unavailable', code: 403 };
      const sensors: PlacedSensor[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await api<{ total: number; rows: PlacedSensor[] }>(`/sensors${qs({ facilityId: facilityId ?? undefined, limit: 1000, offset })}`);
        sensors.push(...page.rows);
        if (page.rows.length < 1000 || sensors.length >= page.total) break;
      }
      const items: TimelineItem[] = [];
      let total = 0;
      if (canTimeline && sensors.length > 0) {
        for (let offset = 0; offset < SENSOR_ITEMS_CAP; offset += 1000) {
          const page = await api<{ total: number; items: TimelineItem[] }>(
            `/reviews/timeline${qs({
              facilityId: facilityId ?? undefined,
              from: new Date(w!.from).toISOString(),
              to: new Date(w!.to).toISOString(),
              kinds: 'sensors.alarms,sensors.dead_zone,sensors.restored',
              limit: 1000,
              offset,
            })}`,
          );
          total = page.total;
          items.push(...page.items);
          if (page.items.length < 1000 || items.length >= total) break;
        }
      }
      return { status: 'ok', sensors, items, total };
    },
  });
}
