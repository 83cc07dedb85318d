import { z } from 'zod';
import { ALERT_RULES, ALERT_STATUSES, RuleSettings } from './alerts.domain';

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
