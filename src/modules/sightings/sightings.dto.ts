import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { CHECK_OUTCOMES, CHECK_SCOPES, INSTRUCTIONS, NOTICE_FIELDS, NOTICE_STATUSES, RECIPIENT_KINDS, WANTED_STATUSES } from './sightings.domain';

/** A base64 image in JSON (a data: URL prefix is accepted); about 10 MB of image at most. */
const image = z.string().min(1).max(14_000_000);
const latitude = z.number().min(-90).max(90);
const longitude = z.number().min(-180).max(180);

export const CheckBody = z.object({
  /** Where the checkpoint stands (its name) and, when known, its coordinates. */
  place: z.string().trim().min(1).max(200),
  latitude: latitude.optional(),
  longitude: longitude.optional(),
  /** `wanted` (default): the wanted gallery; `registry`: every enrolled person (only for roles allowed to). */
  scope: z.enum(CHECK_SCOPES).default('wanted'),
  face: image.optional(),
  fingerprints: z
    .array(z.object({ image, dpi: z.number().int().min(100).max(2000).optional() }))
    .max(10)
    .optional(),
  /** The document shown: its number, and the name and birth year printed on it (fused with a face or finger score
   * that falls short of identification alone). */
  document: z
    .object({
      number: z.string().max(100),
      name: z.string().trim().max(200).optional(),
      birthYear: z.number().int().min(1900).max(2100).optional(),
    })
    .optional(),
});
export type CheckInput = z.output<typeof CheckBody>;

export const RetakeResponse = z.object({
  input: z.enum(['face', 'fingerprint', 'document']),
  index: z.number().int().optional(),
  code: z.string(),
  message: z.string(),
});

/** What the checkpoint officer receives: an instruction and a reference, never a name or a history. */
export const CheckResponse = z
  .object({
    reference: z.string(),
    at: instant,
    outcome: z.enum(CHECK_OUTCOMES),
    instruction: z.enum(INSTRUCTIONS).nullable(),
    message: z.string(),
    retake: z.array(RetakeResponse),
  })
  .strict();

export const CheckLogResponse = z.object({
  id: z.string(),
  reference: z.string(),
  at: instant,
  place: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  officer: z.string(),
  scope: z.enum(CHECK_SCOPES),
  modalities: z.array(z.string()),
  outcome: z.enum(CHECK_OUTCOMES),
  retake: z.array(RetakeResponse),
  sightingId: z.string().nullable(),
});

export const WantedResponse = z.object({
  personId: z.string(),
  name: z.string().nullable(),
  status: z.enum(WANTED_STATUSES),
  since: instant,
  facilityId: z.string().nullable(),
  facility: z.string().nullable(),
  minor: z.boolean(),
  daysAtLarge: count,
});

export const SIGHTING_STATUSES = ['reported', 'confirmed', 'rejected', 'recaptured'] as const;

export const SightingResponse = z.object({
  id: z.string(),
  personId: z.string(),
  name: z.string().nullable(),
  at: instant,
  place: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  source: z.enum(['check', 'report']),
  reference: z.string().nullable(),
  reportedBy: z.string(),
  method: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  facilityId: z.string().nullable(),
  facility: z.string().nullable(),
  minor: z.boolean(),
  status: z.enum(SIGHTING_STATUSES),
  decidedBy: z.string().nullable(),
  decidedAt: instant.nullable(),
  decisionReason: z.string().nullable(),
  recapturedAt: instant.nullable(),
});

export const SightingParams = z.object({ id: z.uuid() });
export const SightingsQuery = z.object({
  status: z.enum(SIGHTING_STATUSES).optional(),
  personId: z.uuid().optional(),
  limit: z.coerce.number().int().min(0).max(5000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(0).max(5000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});

export const ReportBody = z.object({
  personId: z.uuid(),
  at: z.iso.datetime({ offset: true }).optional(),
  place: z.string().trim().min(1).max(200),
  latitude: latitude.optional(),
  longitude: longitude.optional(),
  /** How the person was identified (a witness, a photograph, a document seen). */
  method: z.string().trim().min(1).max(100).default('report'),
  note: z.string().trim().max(2000).optional(),
});

export const DecideBody = z.object({ reason: z.string().trim().min(1).max(1000).optional() });
export const RejectBody = z.object({ reason: z.string().trim().min(1).max(1000) });
export const RecaptureBody = z.object({
  facilityId: z.uuid(),
  unitId: z.uuid().optional(),
  authority: z.string().trim().min(1).max(500).optional(),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
});
export const RecaptureResponse = z.object({ sighting: SightingResponse, ledgerEventId: z.string() });

export const FiguresResponse = z.object({
  byFacility: z.array(z.object({ facilityId: z.string().nullable(), facility: z.string().nullable(), escaped: count, unaccounted: count })),
  byNationality: z.array(z.object({ nationality: z.string(), escaped: count, unaccounted: count })),
  wanted: count,
  minors: count,
  sighted: count,
  confirmed: count,
  /** Persons recaptured, from the ledger (RECAPTURED through this module or written straight to the ledger). */
  recaptured: count,
  /** Of them, recaptured from a confirmed sighting (through this module). */
  recapturedAfterSighting: count,
  daysAtLarge: z.object({ median: z.number().nullable(), max: z.number().nullable() }),
  checks: z.object({ total: count, hits: count, retakes: count }),
  /** Seconds from a checkpoint's hit (its sighting recorded) to the first alert raised for it. */
  hitToAlertSeconds: z.object({ count, median: z.number().nullable(), max: z.number().nullable() }),
});

// ---- notices -------------------------------------------------------------------------------------------------------

export const NoticeBody = z.object({
  personId: z.uuid(),
  recipient: z.string().trim().min(1).max(200),
  recipientKind: z.enum(RECIPIENT_KINDS),
  recipientCountry: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{3}$/, 'an ISO 3166 three-letter code')
    .transform((s) => s.toUpperCase())
    .optional(),
  fields: z.array(z.enum(NOTICE_FIELDS)).min(1).max(NOTICE_FIELDS.length),
  legalBasis: z.string().trim().min(3).max(1000),
});

export const NoticeResponse = z.object({
  id: z.string(),
  personId: z.string(),
  recipient: z.string(),
  recipientKind: z.enum(RECIPIENT_KINDS),
  recipientCountry: z.string().nullable(),
  fields: z.array(z.enum(NOTICE_FIELDS)),
  legalBasis: z.string(),
  status: z.enum(NOTICE_STATUSES),
  createdAt: instant,
  createdBy: z.string(),
  approvals: z.array(z.object({ username: z.string(), at: instant })),
  exportedAt: instant.nullable(),
});

export const NoticeDocument = z.object({
  format: z.literal('custos.notice@1'),
  notice: z.object({
    id: z.string(),
    issuedAt: z.string(),
    issuer: z.object({ site: z.string(), keyId: z.string() }),
    recipient: z.object({ name: z.string(), kind: z.enum(RECIPIENT_KINDS), country: z.string().nullable() }),
    legalBasis: z.string(),
    approvedBy: z.array(z.object({ username: z.string(), at: z.string() })),
    subject: z.object({ reference: z.string() }).catchall(z.unknown()),
    fields: z.array(z.string()),
  }),
  publicKey: z.string(),
  signature: z.string(),
});
