import { describe, expect, it } from 'vitest';
import { overdueByFacility, REVIEW_FLOOD_IDS_KEPT, repatriationDeadlineAlert, reviewsOverdueAlert } from './alerts.cases';
import { type Actor, systemActor } from '../access';
import { canSeeAlert } from './alerts.service';

const review = (i: number, facilityId: string | null = 'f1') => ({
  caseId: `case-${String(i).padStart(4, '0')}`,
  facilityId,
  dueAt: `2026-0${1 + (i % 8)}-10T00:00:00.000Z`,
});

describe('the overdue reviews of a facility as one alert', () => {
  it('counts the reviews, keeps the first ids, names the earliest due day and the list that reaches all', () => {
    const first = reviewsOverdueAlert('f1', [review(1), review(2), review(3)], null);
    expect(first).toMatchObject({ rule: 'cases.reviews_overdue', severity: 'warning', facilityId: 'f1', situationKey: 'cases.reviews_overdue:f1' });
    expect(first.details).toMatchObject({ count: 3, caseIds: ['case-0001', 'case-0002', 'case-0003'], earliestDueAt: '2026-02-10T00:00:00.000Z' });
    expect(first.details.list).toEqual({ path: '/api/v1/cases/legal', query: { facilityId: 'f1', overdue: 'true' } });
    expect(first.title).toBe('3 reviews of detention overdue at this facility (since 2026-02-10)');

    // a later delivery adds to the count; the ids stop at the cap, the count does not
    const many = Array.from({ length: 300 }, (_, i) => review(10 + i));
    const next = reviewsOverdueAlert('f1', many, first.details);
    expect(next.details.count).toBe(303);
    expect((next.details.caseIds as string[]).length).toBe(REVIEW_FLOOD_IDS_KEPT);
    expect((next.details.caseIds as string[]).slice(0, 3)).toEqual(['case-0001', 'case-0002', 'case-0003']);
    expect(next.details.earliestDueAt).toBe('2026-01-10T00:00:00.000Z');
  });

  it('groups by facility, a case of no facility apart', () => {
    const groups = overdueByFacility([review(1, 'a'), review(2, 'b'), review(3, 'a'), review(4, null)]);
    expect([...groups].map(([f, rs]) => [f, rs.length])).toEqual([
      ['a', 2],
      ['b', 1],
      [null, 1],
    ]);
    expect(reviewsOverdueAlert(null, [review(4, null)], null).details.list).toEqual({ path: '/api/v1/cases/legal', query: { overdue: 'true' } });
  });
});

describe('a repatriation stage deadline as an alert', () => {
  it('carries the state, no facility, no person; info before, warning after, once per stage and deadline', () => {
    const p = { requestId: '0190a000-0000-7000-8000-000000000001', state: 'FRA', stage: 'consular_interview', dueAt: '2026-02-01T00:00:00.000Z' };
    const due = repatriationDeadlineAlert({ ...p, kind: 'reminder' });
    const late = repatriationDeadlineAlert({ ...p, kind: 'overdue' });
    expect(due).toMatchObject({ rule: 'repatriation.stage_due', severity: 'info', nationality: 'FRA', facilityId: null });
    expect(late).toMatchObject({ rule: 'repatriation.stage_overdue', severity: 'warning', nationality: 'FRA', facilityId: null });
    expect(late.title).toBe('Repatriation to FRA: stage "consular interview" overdue since 2026-02-01 (request 0190a000)');
    expect(due.dedupeKey).not.toBe(late.dedupeKey);
    expect(JSON.stringify(late.details)).not.toContain('personId');
  });
});

describe('who reads which alerts', () => {
  const actor = (role: Actor['role'], nationalities: string[] = []): Actor => ({ ...systemActor('test'), role, nationalities });
  it('shows legal officers and liaisons their case work only, never the custody side’s alerts', () => {
    const count = { facilityId: 'f1', rule: 'rollcall.delta' };
    const review = { facilityId: 'f1', rule: 'cases.review_overdue' };
    const stage = { facilityId: null, nationality: 'FRA', rule: 'repatriation.stage_overdue' };
    expect(canSeeAlert(actor('commander'), count)).toBe(true);
    expect(canSeeAlert(actor('legal'), count)).toBe(false);
    expect(canSeeAlert(actor('legal'), review)).toBe(true);
    expect(canSeeAlert(actor('legal'), stage)).toBe(true);
    expect(canSeeAlert(actor('liaison', ['FRA']), stage)).toBe(true);
    expect(canSeeAlert(actor('liaison', ['FRA']), { ...count, nationality: 'FRA' })).toBe(false);
    expect(canSeeAlert(actor('liaison', ['DEU']), stage)).toBe(false);
  });
});
