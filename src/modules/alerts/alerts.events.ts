import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/**
 * The alert as the API shows it (instants as ISO strings), carried whole so that live streams in any process can
 * send it without reading it again; the schema checks what every reader relies on.
 */
const alertJson = z.looseObject({
  id: z.uuid(),
  facilityId: z.string().nullable(),
  unitId: z.string().nullable(),
  rule: z.string(),
  severity: z.string(),
  status: z.string(),
  title: z.string(),
  raisedAt: z.iso.datetime({ offset: true }),
});

const change = z.object({ alert: alertJson });

export const AlertRaised = defineEvent('alert.raised', 1, change);
export const AlertAcknowledged = defineEvent('alert.acknowledged', 1, change);
export const AlertResolved = defineEvent('alert.resolved', 1, change);
export const AlertEscalated = defineEvent('alert.escalated', 1, change);
/** The situation of an open alert was found again (a roll call): occurrences, persons, figures; severity may rise. */
export const AlertUpdated = defineEvent('alert.updated', 1, change);

export const ALERT_CHANGES = [AlertRaised, AlertAcknowledged, AlertResolved, AlertEscalated, AlertUpdated] as const;
