import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';
import { REPATRIATION_STAGES } from './cases.repatriation.domain';

const instant = z.iso.datetime({ offset: true });

/** A repatriation request opened or moved to another stage (the timeline of a person, the relay to headquarters). */
export const RepatriationStageChanged = defineEvent(
  'cases.repatriation_stage_changed',
  1,
  z.object({
    requestId: z.uuid(),
    personId: z.uuid(),
    state: z.string(),
    fromStage: z.enum(REPATRIATION_STAGES).nullable(),
    toStage: z.enum(REPATRIATION_STAGES),
    at: instant,
    dueAt: instant.nullable(),
    ledgerEventId: z.uuid().nullable(),
  }),
);

/** A stage's deadline: a reminder before it, an alert once it has passed with the request still in that stage. */
export const RepatriationDeadline = defineEvent(
  'cases.repatriation_deadline',
  1,
  z.object({
    requestId: z.uuid(),
    personId: z.uuid(),
    state: z.string(),
    stage: z.enum(REPATRIATION_STAGES),
    dueAt: instant,
    kind: z.enum(['reminder', 'overdue']),
  }),
);
