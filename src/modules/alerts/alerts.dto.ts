import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { ALERT_RULES, ALERT_STATUSES, RuleSettings, SEVERITIES } from './alerts.domain';

export const ListAlertsQuery = z.object({
  status: z.enum(ALERT_STATUSES).optional(),
  facilityId: z.uuid().optional(),
  rule: z.enum(ALERT_RULES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Skip this many (paging); the header `X-Total-Count` says how many there are. */
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
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

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns); the web app
// imports these types -------------------------------------------------------------------------------------------------

const handled = z.object({ at: instant, by: z.string().nullable(), note: z.string().nullable() }).nullable();

export const AlertResponse = z.object({
  id: z.string(),
  facilityId: z.string().nullable(),
  /** The state whose nationals the alert concerns (repatriation stages); null for every other alert. */
  nationality: z.string().nullable(),
  unitId: z.string().nullable(),
  rule: z.string(),
  severity: z.enum(SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  title: z.string(),
  /** Figures and references of the rule; person lists only for roles that may read person records. */
  details: z.record(z.string(), z.unknown()).nullable(),
  rollcallId: z.string().nullable(),
  raisedAt: instant,
  raisedBy: z.string().nullable(),
  escalationLevel: count,
  escalatedAt: instant.nullable(),
  /** How many times its situation was found (roll calls that found the same absence update one alert). */
  occurrences: count,
  /** When its situation was last found. */
  lastSeenAt: instant,
  acknowledged: handled,
  resolved: handled,
});
export type AlertResponse = z.input<typeof AlertResponse>;

/** An open alert as a facility's detail lists it (GET /facilities/:id `openAlerts`): the headline, no details. */
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
export type OpenAlertSummaryResponse = z.input<typeof OpenAlertSummaryResponse>;

/** GET and PUT /facilities/:id/alert-rules: the thresholds in force (saved settings over the defaults). */
export const AlertRulesResponse = RuleSettings;
