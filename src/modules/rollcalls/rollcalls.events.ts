import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

const instant = z.iso.datetime({ offset: true });

export const RollcallOpened = defineEvent(
  'rollcall.opened',
  1,
  z.object({ rollcallId: z.uuid(), facilityId: z.uuid(), unitIds: z.array(z.uuid()), expected: z.number().int(), openedBy: z.string().nullable() }),
);

/** A batch of marks recorded (the figures of what was new in it; repeats are not counted). */
export const RollcallMarksRecorded = defineEvent(
  'rollcall.marks_recorded',
  1,
  z.object({
    rollcallId: z.uuid(),
    facilityId: z.uuid(),
    recorded: z.number().int(),
    present: z.number().int(),
    absent: z.number().int(),
    excused: z.number().int(),
    misplaced: z.number().int(),
    markedBy: z.string().nullable(),
  }),
);

const unitFigures = z.object({
  unitId: z.string().nullable(),
  expected: z.number().int(),
  present: z.number().int(),
  excused: z.number().int(),
  delta: z.number().int(),
  misplacedIn: z.number().int(),
  misplacedOut: z.number().int(),
});

/** A roll call closed: its figures, who is unaccounted, and what the ledger recorded, committed with the close. */
export const RollcallClosed = defineEvent(
  'rollcall.closed',
  1,
  z.object({
    rollcallId: z.uuid(),
    facilityId: z.uuid(),
    unitIds: z.array(z.uuid()),
    closedAt: instant,
    closedBy: z.string().nullable(),
    expected: z.number().int(),
    present: z.number().int(),
    excused: z.number().int(),
    delta: z.number().int(),
    unaccounted: z.array(z.uuid()),
    departed: z.array(z.object({ personId: z.uuid(), status: z.string() })),
    misplaced: z.array(z.object({ personId: z.uuid(), expectedUnitId: z.string().nullable(), seenUnitId: z.string().nullable(), onList: z.boolean() })),
    byUnit: z.array(unitFigures),
    ledger: z.object({ unaccountedEvents: z.number().int(), accountedEvents: z.number().int() }),
    /** Present persons verified biometrically (added later in version 1: absent from older events). */
    biometric: z.object({ face: z.number().int(), fingerprint: z.number().int(), total: z.number().int() }).optional(),
  }),
);

export const RollcallCancelled = defineEvent(
  'rollcall.cancelled',
  1,
  z.object({ rollcallId: z.uuid(), facilityId: z.uuid(), reason: z.string(), cancelledBy: z.string().nullable() }),
);
