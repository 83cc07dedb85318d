import { i18next } from '../../i18n';
import type { Alert } from '../../lib/api';

export const RULE_LABEL: Record<string, string> = {
  'rollcall.delta': 'Delta at roll call',
  'rollcall.mass_absence': 'Mass absence',
  'rollcall.missed': 'Missed roll call',
  'rollcall.late': 'Roll call not closed in time',
  'person.repeated_absence': 'Absent at consecutive roll calls',
  'facility.over_capacity': 'Over capacity',
  'screening.hit': 'Screening candidates awaiting review',
  'integrity.chain_broken': 'A hash chain does not verify',
};

/** A rule's name in the interface's language (`alerts:rule.*`). */
export const ruleLabel = (rule: string): string => i18next.t(`alerts:rule.${rule}`, { defaultValue: RULE_LABEL[rule] ?? rule });

/** The alert's title as the server wrote it (English, with its figures); in another language, the rule's name. */
export function alertTitle(a: Pick<Alert, 'title' | 'rule'>): string {
  if (!i18next.language?.startsWith('en') && i18next.exists(`alerts:rule.${a.rule}`)) return ruleLabel(a.rule);
  return a.title || ruleLabel(a.rule);
}

export const SEVERITY_COLOR: Record<string, string> = { critical: 'red', warning: 'orange', info: 'blue' };
