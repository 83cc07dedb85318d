import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { EVIDENCE_KINDS, NATIONALITY_STATUSES, REPATRIATION_ACTIONS, REPATRIATION_STAGES } from './cases.repatriation.domain';

const iso3 = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a country as ISO 3166-1 alpha-3, e.g. FRA')
  .transform((s) => s.toUpperCase());
const note = z.string().trim().max(2000);
const futureInstant = z.iso.datetime({ offset: true });

export const RepatriationParams = z.object({ id: z.uuid() });

export const RepatriationListQuery = z.object({
  state: iso3.optional(),
  stage: z.enum(REPATRIATION_STAGES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  personId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

export const CreateRepatriationBody = z.object({
  personId: z.uuid(),
  state: iso3,
  /** The deadline of the first stage (the state's interview); default thirty days. Never in the past. */
  dueAt: futureInstant.optional(),
  note: note.optional(),
});

/** A step of the state machine (not the handover, which has its own body). */
export const RepatriationStepBody = z
  .object({
    action: z.enum(REPATRIATION_ACTIONS).exclude(['hand_over']),
    /** The deadline of the stage the request enters; default the stage's. Never in the past. */
    dueAt: futureInstant.optional(),
    note: note.optional(),
    /** Required for a refusal or a withdrawal. */
    reason: z.string().trim().min(1).max(2000).optional(),
  })
  .refine((b) => !(b.action === 'refuse' || b.action === 'withdraw') || !!b.reason, {
    message: 'a refusal or a withdrawal needs a reason',
    path: ['reason'],
  });

export const NationalityDecisionBody = z.object({
  status: z.enum(['verified', 'disputed']),
  note: note.optional(),
});

export const EvidenceBody = z.object({
  kind: z.enum(EVIDENCE_KINDS),
  /** Where the evidence is kept (a laboratory's case number, a document's number): a reference, never the data. */
  reference: z.string().trim().min(1).max(200),
  note: note.optional(),
});

export const HandoverBody = z.object({
  /** The state's representative who received the person (name and office). */
  representative: z.string().trim().min(2).max(300),
  authority: z.string().trim().min(1).max(500).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
  note: note.optional(),
  /**
   * Other requests to the same state handed over in the same act (a family: a mother and her children), so that the
   * best-interests step sees them leave together.
   */
  withRequestIds: z.array(z.uuid()).max(50).optional(),
});

export const RepatriationSummary = z.object({
  id: z.uuid(),
  personId: z.uuid(),
  name: z.string().nullable(),
  state: z.string(),
  stage: z.enum(REPATRIATION_STAGES),
  nationalityStatus: z.enum(NATIONALITY_STATUSES),
  minor: z.boolean(),
  facilityId: z.uuid().nullable(),
  facility: z.string().nullable(),
  custodyStatus: z.string().nullable(),
  dueAt: instant.nullable(),
  overdue: z.boolean(),
  openedAt: instant,
  updatedAt: instant,
  closedAt: instant.nullable(),
});

export const RepatriationStepResponse = z.object({
  id: z.uuid(),
  at: instant,
  by: z.string(),
  kind: z.string(),
  fromStage: z.string().nullable(),
  toStage: z.string().nullable(),
  dueAt: instant.nullable(),
  note: z.string().nullable(),
});

export const EvidenceResponse = z.object({
  id: z.uuid(),
  kind: z.enum(EVIDENCE_KINDS),
  reference: z.string(),
  note: z.string().nullable(),
  recordedAt: instant,
  recordedBy: z.string(),
});

export const RepatriationResponse = RepatriationSummary.extend({
  representative: z.string().nullable(),
  handoverEventId: z.uuid().nullable(),
  reason: z.string().nullable(),
  remindedAt: instant.nullable(),
  alertedAt: instant.nullable(),
  /** What may be done next (the state machine's actions from this stage). */
  actions: z.array(z.enum(REPATRIATION_ACTIONS)),
  steps: z.array(RepatriationStepResponse),
  evidence: z.array(EvidenceResponse),
});

export const StateFigures = z.object({
  state: z.string(),
  held: count,
  requested: count,
  consularInterview: count,
  accepted: count,
  travelDocuments: count,
  handedOver: count,
  refused: count,
  withdrawn: count,
  overdue: count,
});

export const RepatriationFiguresResponse = z.object({
  at: instant,
  states: z.array(StateFigures),
  totals: StateFigures.omit({ state: true }),
});

export const FiguresQuery = z.object({ format: z.enum(['json', 'csv']).default('json') });

export type RepatriationView = z.output<typeof RepatriationResponse>;
export type RepatriationSummaryView = z.output<typeof RepatriationSummary>;
export type RepatriationFiguresView = z.output<typeof RepatriationFiguresResponse>;
