import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { GOVERNANCE_STATES } from './guards.domain';

const instant = z.iso.datetime({ offset: true });
const state = z.enum(GOVERNANCE_STATES);

/** A guard checked in or out (the board and the after-action timeline read it). */
export const GuardAttendanceRecorded = defineEvent(
  'guards.attendance_recorded',
  1,
  z.object({
    attendanceId: z.uuid(),
    facilityId: z.uuid(),
    postId: z.uuid(),
    staffId: z.uuid(),
    change: z.enum(['check_in', 'check_out']),
    at: instant,
    method: z.string(),
    lateMinutes: z.number().int(),
  }),
);

/** The governance state of a facility (sector null) or a sector changed: the alert rules react. */
export const GovernanceStateChanged = defineEvent(
  'guards.governance_changed',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    unitId: z.uuid().nullable(),
    from: state.nullable(),
    to: state,
    at: instant,
    onRoll: z.number().int(),
    present: z.number().int(),
    postsRequired: z.number().int(),
    postsManned: z.number().int(),
    guardsPer100: z.number().nullable(),
    mannedPercent: z.number().nullable(),
    reasons: z.array(z.string()),
    cause: z.string(),
  }),
);

/** The custodian of record changed: withdrawn (a custody gap begins) or assumed (the gap, if any, ends). */
export const CustodianChanged = defineEvent(
  'guards.custodian_changed',
  1,
  z.object({
    facilityId: z.uuid(),
    facilityCode: z.string(),
    change: z.enum(['withdrawn', 'assumed']),
    at: instant,
    organisation: z.string(),
    commander: z.string(),
    reason: z.string().nullable(),
    /** For an assumption: when the previous custodian left (null: no gap). */
    gapSince: instant.nullable(),
    checkedOut: z.number().int(),
  }),
);

/** Planned shifts started without a check-in past the grace period. */
export const GuardsNoShow = defineEvent(
  'guards.no_show',
  1,
  z.object({ facilityId: z.uuid(), facilityCode: z.string(), at: instant, shiftIds: z.array(z.uuid()), postCodes: z.array(z.string()) }),
);
