import { z } from 'zod';
import { ALERT_RULES, ALERT_STATUSES, RuleSettings, SEVERITIES } from './alerts.domain';

export const ListAlertsQuery = z.object({
  status: z.enum(ALERT_STATUSES).optional(),
  facilityId: z.uuid().optional(),
  rule: z.enum(ALERT_RULES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

export const AlertParams = z.object({ id: z.uuid() });

const note = z.string().trim().min(1).max(2000);
export const AcknowledgeBody = z.object({ note: note.optional() }).optional();
export const ResolveBody = z.object({ note });

export const StreamQuery = z.object({
  /** Send the open alerts in scope first, then live changes. */
  snapshot: z.enum(['0', '1', 'true', 'false']).optional(),
});

export const RulesBody = RuleSettings.partial().strict();
export const FacilityParams = z.object({ id: z.uuid() });

// --- responses (the JSON on the wire: instants as ISO strings); the web app imports these types ----------------------

const instant = z.iso.datetime({ offset: true });
const handled = z.object({ at: instant, by: z.string().nullable(), note: z.string().nullable() }).nullable();

export const AlertResponse = z.object({
  id: z.string(),
  facilityId: z.string().nullable(),
  unitId: z.string().nullable(),
  rule: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  title: z.string(),
  details: z.record(z.string(), z.unknown()).nullable(),
  rollcallId: z.string().nullable(),
  raisedAt: instant,
  raisedBy: z.string().nullable(),
  escalationLevel: z.number().int(),
  escalatedAt: instant.nullable(),
  acknowledged: handled,
  resolved: handled,
});
export type AlertResponse = z.infer<typeof AlertResponse>;

/** An open alert as a facility's detail lists it (GET /facilities/:id `openAlerts`). */
export const OpenAlertSummaryResponse = AlertResponse.pick({
  id: true,
  unitId: true,
  rule: true,
  severity: true,
  status: true,
  title: true,
  raisedAt: true,
  escalationLevel: true,
  rollcallId: true,
});
export type OpenAlertSummaryResponse = z.infer<typeof OpenAlertSummaryResponse>;
