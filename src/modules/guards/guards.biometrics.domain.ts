/** How long a guard's 1:1 verification can back a check-in: the guard is at the gate, not coming back later. */
export const VERIFICATION_MAX_AGE_MS = 2 * 60_000;
/** A tablet's clock may run a little behind the server's: a check-in up to this much before its verification is the same encounter. */
export const VERIFICATION_SKEW_MS = 60_000;

export interface CitedVerification {
  staffId: string;
  result: string;
  at: Date;
  usedByAttendanceId: string | null;
}

export interface VerificationProblem {
  code: 'guards.verification_other_guard' | 'guards.verification_no_match' | 'guards.verification_expired' | 'guards.verification_used';
  message: string;
}

/**
 * Why a recorded 1:1 verification cannot back this guard's biometric check-in at `at` (null when it can): it must be
 * of that guard, a match, not yet used by another check-in, and from the last two minutes before the check-in.
 */
export function verificationProblem(v: CitedVerification, claim: { staffId: string; badge: string; at: Date }): VerificationProblem | null {
  if (v.staffId !== claim.staffId) return { code: 'guards.verification_other_guard', message: `The verification is not of guard ${claim.badge}` };
  if (v.result !== 'match') return { code: 'guards.verification_no_match', message: `The face did not match guard ${claim.badge}'s enrolled face` };
  if (v.usedByAttendanceId) return { code: 'guards.verification_used', message: 'The verification has already been used for a check-in: verify again' };
  const age = claim.at.getTime() - v.at.getTime();
  if (age > VERIFICATION_MAX_AGE_MS || age < -VERIFICATION_SKEW_MS) {
    return {
      code: 'guards.verification_expired',
      message: `The verification was made at ${v.at.toISOString()}, more than ${VERIFICATION_MAX_AGE_MS / 60_000} minutes from the check-in: verify again`,
    };
  }
  return null;
}
