import { useMemo, useState } from 'react';
import type { SheetRow } from './rollcalls.api';
import type { LocalMark } from './rollcalls.marks';
import type { Sheet } from './rollcalls.sheet';

export interface SheetCounts {
  expected: number;
  present: number;
  absent: number;
  excused: number;
  unmarked: number;
  /** Expected minus present minus excused: who would be recorded unaccounted at a close now. */
  delta: number;
}

/**
 * The live counts of a roll call from the marks on this tablet: a person temporarily out when it opened counts as
 * excused until marked. Until the whole list has loaded, `expected` is the roll call's own figure.
 */
export function useSheetCounts(sheet: Sheet, marks: Map<string, LocalMark>): SheetCounts {
  const rows = sheet.rows;
  const detail = sheet.detail ?? undefined;
  return useMemo(() => {
    let present = 0;
    let absent = 0;
    let excused = 0;
    for (const r of rows) {
      const m = marks.get(r.personId);
      if (m?.result === 'present') present++;
      else if (m?.result === 'absent') absent++;
      else if (m?.result === 'excused' || (!m && r.statusAtOpen === 'temporarily_out')) excused++;
    }
    const expected = detail?.persons && sheet.complete ? rows.length : (detail?.expected ?? 0);
    return { expected, present, absent, excused, unmarked: expected - present - absent - excused, delta: expected - present - excused };
  }, [rows, marks, detail, sheet.complete]);
}

export type MarkFilter = 'unmarked' | 'all' | 'absent' | 'present' | 'excused';

export interface SheetView {
  filter: MarkFilter;
  setFilter(filter: MarkFilter): void;
  /** A unit id, '' for persons without a unit, or 'all'. */
  unitFilter: string;
  setUnitFilter(unit: string): void;
  q: string;
  setQ(q: string): void;
  /** The units of the rows loaded ('' for none), sorted. */
  units: string[];
  /** The rows shown: by mark, unit and a part of the name. */
  visible: SheetRow[];
}

/** What part of the list the tablet shows: not yet marked by default, so that the list shrinks as the count goes. */
export function useSheetView(rows: SheetRow[], marks: Map<string, LocalMark>): SheetView {
  const [filter, setFilter] = useState<MarkFilter>('unmarked');
  const [unitFilter, setUnitFilter] = useState<string>('all');
  const [q, setQ] = useState('');
  const units = useMemo(() => [...new Set(rows.map((r) => r.unitId ?? ''))].sort(), [rows]);
  const visible = useMemo(() => {
    const needle = q.trim().toLowerCase();
    return rows.filter((r) => {
      const m = marks.get(r.personId);
      if (filter === 'unmarked' && m) return false;
      if (filter !== 'unmarked' && filter !== 'all' && m?.result !== filter) return false;
      if (unitFilter !== 'all' && (r.unitId ?? '') !== unitFilter) return false;
      if (needle && !(r.name ?? '').toLowerCase().includes(needle)) return false;
      return true;
    });
  }, [rows, marks, filter, unitFilter, q]);
  return { filter, setFilter, unitFilter, setUnitFilter, q, setQ, units, visible };
}
