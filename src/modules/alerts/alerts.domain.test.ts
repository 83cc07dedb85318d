import { describe, expect, it } from 'vitest';
import {
  absenceSituation,
  closeAlerts,
  DEFAULT_RULES,
  escalationDue,
  massAbsentUnits,
  mergeSituation,
  nextStatus,
  RuleSettings,
  capacityAlert,
  slotAlert,
} from './alerts.domain';

const closed = (delta: number, byUnit: { unitId: string | null; expected: number; delta: number }[]) => ({
  rollcallId: 'rc',
  facilityId: 'f',
  expected: byUnit.reduce((n, u) => n + u.expected, 0),
  present: 0,
  excused: 0,
  delta,
  unaccounted: Array.from({ length: delta }, (_, i) => `p${i}`),
  byUnit,
});

describe('alerts at close', () => {
  it('raises nothing for a clean roll call, a warning for any Delta', () => {
    expect(closeAlerts(closed(0, [{ unitId: 'a', expected: 500, delta: 0 }]), DEFAULT_RULES, [], new Map())).toEqual([]);
    const [a, more] = closeAlerts(
      closed(17, [
        { unitId: 'a', expected: 500, delta: 9 },
        { unitId: 'b', expected: 500, delta: 8 },
      ]),
      DEFAULT_RULES,
      [],
      new Map(),
    );
    expect(more).toBeUndefined();
    expect(a).toMatchObject({ rule: 'rollcall.delta', severity: 'warning', dedupeKey: 'rollcall.delta:rc' });
    expect(a!.details.personIds).toHaveLength(17);
  });

  it('makes it one critical mass-absence alert past N people or x% of a unit', () => {
    const byCount = closeAlerts(closed(60, [{ unitId: 'a', expected: 5000, delta: 60 }]), DEFAULT_RULES, [], new Map());
    expect(byCount).toHaveLength(1);
    expect(byCount[0]).toMatchObject({ rule: 'rollcall.mass_absence', severity: 'critical' });
    const byShare = closeAlerts(
      closed(8, [
        { unitId: 'a', expected: 30, delta: 8 },
        { unitId: 'b', expected: 300, delta: 0 },
      ]),
      DEFAULT_RULES,
      [],
      new Map([['a', 'B7']]),
    );
    expect(byShare[0]).toMatchObject({ rule: 'rollcall.mass_absence', unitId: 'a' });
    expect(byShare[0]!.title).toContain('B7 26.7%');
    // A small cell with one away is not a mass absence.
    expect(massAbsentUnits(closed(1, [{ unitId: 'c', expected: 3, delta: 1 }]), DEFAULT_RULES)).toEqual([]);
  });

  it('stays silent on a small Delta when anyDelta is off, and lists repeated absences', () => {
    const rules = RuleSettings.parse({ anyDelta: false });
    expect(closeAlerts(closed(2, [{ unitId: 'a', expected: 500, delta: 2 }]), rules, [], new Map())).toEqual([]);
    const [rep] = closeAlerts(closed(2, [{ unitId: 'a', expected: 500, delta: 2 }]), rules, ['p1'], new Map());
    expect(rep).toMatchObject({ rule: 'person.repeated_absence', severity: 'critical', details: { personIds: ['p0', 'p1'], repeatedPersonIds: ['p1'] } });
  });

  it('raises one alert for a mass absence of people also missing at the last roll call, not two', () => {
    const drafts = closeAlerts(closed(60, [{ unitId: 'a', expected: 5000, delta: 60 }]), DEFAULT_RULES, ['p1', 'p2'], new Map());
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({
      rule: 'rollcall.mass_absence',
      severity: 'critical',
      situationKey: absenceSituation('f'),
      details: { count: 60, repeatedCount: 2 },
    });
    expect(drafts[0]!.title).toBe('Mass absence: 60 of 5000 unaccounted at roll call; 2 at 2 consecutive roll calls');
  });
});

describe('an absence situation found again', () => {
  const first = closeAlerts(closed(60, [{ unitId: 'a', expected: 5000, delta: 60 }]), DEFAULT_RULES, [], new Map())[0]!;
  const live = { rule: first.rule, severity: first.severity, status: 'open' as const, details: first.details, occurrences: 1 };

  it('updates the alert: occurrences, the persons still missing, a rule and severity that never fall', () => {
    // A block roll call: 2 of those 60 missing again (consecutive), 10 found elsewhere meanwhile (no longer unaccounted).
    const again = closeAlerts({ ...closed(2, [{ unitId: 'b', expected: 60, delta: 2 }]), rollcallId: 'rc2' }, DEFAULT_RULES, ['p0', 'p1'], new Map())[0]!;
    expect(again).toMatchObject({ rule: 'person.repeated_absence', severity: 'critical' });
    const stillAbsent = new Set(Array.from({ length: 50 }, (_, i) => `p${i + 10}`));
    const u = mergeSituation(live, again, stillAbsent);
    expect(u).toMatchObject({ rule: 'rollcall.mass_absence', severity: 'critical', occurrences: 2, newPersons: 0, reopen: false });
    expect(u.details).toMatchObject({ count: 52, repeatedCount: 2, rollcallIds: ['rc', 'rc2'] });
    expect(u.title).toBe('Mass absence: 52 unaccounted (latest roll call: 2 of 60; 2 roll calls); 2 at 2 consecutive roll calls');
  });

  it('reopens an acknowledged alert when new persons join the situation', () => {
    const more = closeAlerts({ ...closed(3, [{ unitId: 'a', expected: 500, delta: 3 }]), unaccounted: ['p0', 'x1', 'x2'] }, DEFAULT_RULES, [], new Map())[0]!;
    expect(mergeSituation({ ...live, status: 'acknowledged' }, more, new Set())).toMatchObject({ newPersons: 2, reopen: true, severity: 'critical' });
    expect(mergeSituation({ ...live, status: 'acknowledged' }, { ...more, details: { ...more.details, personIds: ['p0'] } }, new Set())).toMatchObject({
      newPersons: 0,
      reopen: false,
    });
  });
});

describe('lifecycle and escalation', () => {
  it('goes open -> acknowledged -> resolved and refuses the rest', () => {
    expect(nextStatus('open', 'acknowledge')).toBe('acknowledged');
    expect(nextStatus('acknowledged', 'resolve')).toBe('resolved');
    expect(nextStatus('open', 'resolve')).toBe('resolved');
    expect(() => nextStatus('acknowledged', 'acknowledge')).toThrow(/Only an open alert/);
    expect(() => nextStatus('resolved', 'resolve')).toThrow(/already resolved/);
    expect(() => nextStatus('resolved', 'acknowledge')).toThrow();
  });

  it('counts escalation periods, capped at 3', () => {
    const raised = new Date('2026-01-01T06:00:00Z');
    const at = (m: number) => new Date(raised.getTime() + m * 60_000);
    expect(escalationDue(raised, at(14), 15)).toBe(0);
    expect(escalationDue(raised, at(15), 15)).toBe(1);
    expect(escalationDue(raised, at(31), 15)).toBe(2);
    expect(escalationDue(raised, at(600), 15)).toBe(3);
  });

  it('words slot and capacity alerts with their keys', () => {
    const slot = { at: new Date('2026-01-05T06:00:00Z'), openBy: new Date('2026-01-05T06:30:00Z'), closeBy: new Date('2026-01-05T07:30:00Z') };
    expect(slotAlert('missed', 'f', 'HOL', slot)).toMatchObject({
      rule: 'rollcall.missed',
      severity: 'critical',
      dedupeKey: 'rollcall.missed:f:2026-01-05T06:00:00.000Z',
    });
    expect(slotAlert('late', 'f', 'HOL', slot).title).toContain('not closed by 07:30');
    expect(capacityAlert('f', 'HOL', 130, 100)).toMatchObject({ severity: 'critical', details: { overBy: 30 } });
    expect(capacityAlert('f', 'HOL', 101, 100).severity).toBe('warning');
  });

  it('refuses unknown or out-of-range settings', () => {
    expect(() => RuleSettings.parse({ massAbsencePercent: 0 })).toThrow();
    expect(RuleSettings.parse({}).consecutiveAbsences).toBe(2);
  });
});
