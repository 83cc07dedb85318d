import { z } from 'zod';
import { count, instant } from '../../platform/dto';

export const FACILITY_KINDS = ['camp', 'prison', 'transit', 'hospital', 'court', 'receiving_authority'] as const;
export const UNIT_KINDS = ['phase', 'block', 'section', 'cell', 'annex', 'ward', 'wing', 'other'] as const;

const code = z
  .string()
  .trim()
  .min(1)
  .max(40)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'A code is letters, digits, dots, dashes or underscores');

export const CreateFacilityBody = z.object({
  code,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(FACILITY_KINDS),
  capacity: z.number().int().min(0).max(10_000_000).optional(),
  country: z
    .string()
    .regex(/^[A-Za-z]{3}$/, 'ISO 3166 alpha-3')
    .optional(),
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
});
export type CreateFacilityInput = z.infer<typeof CreateFacilityBody>;

export const CreateUnitBody = z.object({
  code,
  name: z.string().trim().min(1).max(200),
  kind: z.enum(UNIT_KINDS).default('block'),
  capacity: z.number().int().min(0).max(10_000_000).optional(),
  parentUnitId: z.uuid().optional(),
});
export type CreateUnitInput = z.input<typeof CreateUnitBody>;

export const FacilityParams = z.object({ id: z.uuid() });

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns); the web app
// imports these types -------------------------------------------------------------------------------------------------

export const FacilityResponse = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  capacity: count.nullable(),
  country: z.string().nullable(),
  location: z.object({ latitude: z.number(), longitude: z.number() }).nullable(),
});
export type FacilityResponse = z.input<typeof FacilityResponse>;

export const UnitResponse = z.object({
  id: z.string(),
  facilityId: z.string(),
  parentUnitId: z.string().nullable(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  capacity: count.nullable(),
});
export type UnitResponse = z.input<typeof UnitResponse>;

/** An open alert of the facility as its detail lists it (the alerts module fills these: alerts.dto OpenAlertSummaryResponse). */
export const FacilityOpenAlertResponse = z.object({
  id: z.string(),
  unitId: z.string().nullable(),
  rule: z.string(),
  severity: z.string(),
  status: z.string(),
  title: z.string(),
  raisedAt: instant,
  escalationLevel: count,
  rollcallId: z.string().nullable(),
});

/** GET /facilities/:id: the roll count (current = in custody + temporarily out + unaccounted) down to each unit. */
export const FacilityDetailResponse = FacilityResponse.extend({
  manifestCount: count,
  roll: z.object({ current: count, inCustody: count, temporarilyOut: count, unaccounted: count, inTransitOut: count, escaped: count }),
  units: z.array(UnitResponse.extend({ manifestCount: count })),
  /** The facility's open alerts (none for a nationality-scoped user: alerts speak of everyone in the facility). */
  openAlerts: z.array(FacilityOpenAlertResponse),
});
export type FacilityDetailResponse = z.input<typeof FacilityDetailResponse>;
