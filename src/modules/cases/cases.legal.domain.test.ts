import { describe, expect, it } from 'vitest';
import { addMonths, checkDeadlineAhead, checkHearingDate, daysWithoutReview, decideStatusChange, identificationStatus, isOverdue } from './cases.legal.domain';

describe('legal case rules', () => {
  it('moves a status only along the allowed paths, and charges only with a charge', () => {
    expect(() => decideStatusChange('held_without_charge', 'charged', { charges: 1, closed: false })).not.toThrow();
    expect(() => decideStatusChange('held_without_charge', 'charged', { charges: 0, closed: false })).toThrow(/Record a charge/);
    expect(() => decideStatusChange('held_without_charge', 'sentenced', { charges: 1, closed: false })).toThrow(/cannot become sentenced/);
    expect(() => decideStatusChange('tried', 'acquitted', { charges: 1, closed: false })).not.toThrow();
    expect(() => decideStatusChange('acquitted', 'charged', { charges: 1, closed: false })).toThrow(/cannot become/);
    expect(() => decideStatusChange('charged', 'tried', { charges: 1, closed: true })).toThrow(/closed/);
  });

  it('adds calendar months, keeping to the end of a shorter month', () => {
    expect(addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
    expect(addMonths(new Date('2026-03-15T00:00:00Z'), 6).toISOString()).toBe('2026-09-15T00:00:00.000Z');
    expect(addMonths(new Date('2026-08-31T00:00:00Z'), 6).toISOString()).toBe('2027-02-28T00:00:00.000Z');
  });

  it('refuses a hearing before the case opened and a deadline not ahead', () => {
    expect(() => checkHearingDate(new Date('2026-01-01'), new Date('2026-02-01'))).toThrow(/before the case opened/);
    expect(() => checkHearingDate(new Date('2026-02-01'), new Date('2026-02-01'))).not.toThrow();
    expect(() => checkDeadlineAhead(new Date('2026-01-01'), new Date('2026-01-02'))).toThrow(/not in the future/);
    expect(() => checkDeadlineAhead(new Date('2026-01-03'), new Date('2026-01-02'))).not.toThrow();
  });

  it('counts a case overdue only while under review and open', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const base = { nextReviewAt: new Date('2026-05-01'), closedAt: null, status: 'charged' as const };
    expect(isOverdue(base, now)).toBe(true);
    expect(isOverdue({ ...base, status: 'sentenced' }, now)).toBe(false);
    expect(isOverdue({ ...base, closedAt: new Date('2026-05-20') }, now)).toBe(false);
    expect(isOverdue({ ...base, nextReviewAt: new Date('2026-07-01') }, now)).toBe(false);
    expect(daysWithoutReview({ lastReviewAt: null, openedAt: new Date('2026-05-01T00:00:00Z') }, now)).toBe(31);
  });

  it('rates identification by what the dossier rests on', () => {
    expect(identificationStatus({ verificationsValid: 1, documents: 0, nationalitiesVerified: 0 })).toBe('biometric');
    expect(identificationStatus({ verificationsValid: 0, documents: 2, nationalitiesVerified: 0 })).toBe('documented');
    expect(identificationStatus({ verificationsValid: 0, documents: 0, nationalitiesVerified: 0 })).toBe('unverified');
  });
});
