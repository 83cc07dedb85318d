import { describe, expect, it } from 'vitest';
import { verificationProblem } from './guards.biometrics.domain';

const at = new Date('2026-01-20T06:00:00Z');
const v = { staffId: 'g1', result: 'match', at: new Date(at.getTime() - 60_000), usedByAttendanceId: null };
const claim = { staffId: 'g1', badge: 'SDF-1', at };

describe('a biometric check-in cites a verification', () => {
  it('of that guard, a match, unused, within two minutes', () => {
    expect(verificationProblem(v, claim)).toBeNull();
    expect(verificationProblem({ ...v, at: new Date(at.getTime() - 120_000) }, claim)).toBeNull();
  });
  it('refuses each other case with its own code', () => {
    expect(verificationProblem({ ...v, staffId: 'g2' }, claim)?.code).toBe('guards.verification_other_guard');
    expect(verificationProblem({ ...v, result: 'no_match' }, claim)?.code).toBe('guards.verification_no_match');
    expect(verificationProblem({ ...v, usedByAttendanceId: 'a1' }, claim)?.code).toBe('guards.verification_used');
    expect(verificationProblem({ ...v, at: new Date(at.getTime() - 120_001) }, claim)?.code).toBe('guards.verification_expired');
    // a check-in recorded long before the face was seen is not the same encounter either
    expect(verificationProblem({ ...v, at: new Date(at.getTime() + 5 * 60_000) }, claim)?.code).toBe('guards.verification_expired');
  });
});
