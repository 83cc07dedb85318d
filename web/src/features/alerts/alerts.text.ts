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

export function alertTitle(a: Pick<Alert, 'title' | 'rule'>): string {
  return a.title || RULE_LABEL[a.rule] || a.rule;
}

export const SEVERITY_COLOR: Record<string, string> = { critical: 'red', warning: 'orange', info: 'blue' };
