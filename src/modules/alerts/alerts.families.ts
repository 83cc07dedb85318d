import type { AlertDraft } from './alerts.domain';

/**
 * A child held at a facility was left there without any carer (issue 23 part C): a warning to that facility, once per
 * child and ledger event. No name: the child's id points to the family view, which audits whoever opens it.
 */
export function childSeparatedAlert(s: { childId: string; carerId: string; facilityId: string; ledgerEventId: string; cause: string; at: string }): AlertDraft {
  const how: Record<string, string> = {
    TRANSFER_DEPARTED: 'transferred',
    REPATRIATED: 'repatriated',
    RELEASED: 'released',
    ESCAPED: 'escaped',
    DECEASED: 'deceased',
  };
  return {
    facilityId: s.facilityId,
    rule: 'family.child_separated',
    severity: 'warning',
    title: `A child was left without a carer at this facility: their last carer here was ${how[s.cause] ?? s.cause.toLowerCase()}`,
    details: { personIds: [s.childId], childId: s.childId, carerId: s.carerId, ledgerEventId: s.ledgerEventId, cause: s.cause, at: s.at },
    dedupeKey: `family.child_separated:${s.ledgerEventId}:${s.childId}`,
  };
}
