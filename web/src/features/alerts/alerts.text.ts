import { i18next } from '../../i18n';
import type { Alert } from '../../lib/api';
import { num, shortTime } from '../../lib/format';

export const RULE_LABEL: Record<string, string> = {
  'rollcall.delta': 'Delta at roll call',
  'rollcall.mass_absence': 'Mass absence',
  'rollcall.missed': 'Missed roll call',
  'rollcall.late': 'Roll call not closed in time',
  'person.repeated_absence': 'Absent at consecutive roll calls',
  'facility.over_capacity': 'Over capacity',
  'screening.hit': 'Screening candidates awaiting review',
  'integrity.chain_broken': 'A hash chain does not verify',
  'guards.no_guard_on_duty': 'No guard on duty',
  'guards.below_threshold': 'Below the governance threshold',
  'guards.custody_gap': 'Custody gap',
  'guards.no_show': 'Planned guards did not come',
  'transfer.count_discrepancy': 'Count discrepancy on a movement',
};

/** A rule's name in the interface's language (`alerts:rule.*`). */
export const ruleLabel = (rule: string): string => i18next.t(`alerts:rule.${rule}`, { defaultValue: RULE_LABEL[rule] ?? rule });

type Details = Record<string, unknown>;
const n = (v: unknown): string | undefined => (typeof v === 'number' ? num(v) : undefined);
const s = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const time = (v: unknown): string | undefined => (typeof v === 'string' && v ? shortTime(v) : undefined);
const count = (v: unknown): string | undefined => (Array.isArray(v) ? num(v.length) : undefined);

/**
 * The parameters of an alert's title, from the figures its details carry (the stored alert stays as it is): which
 * template (`alerts:titleOf.<key>`) and with what. A missing figure leaves it out: then the rule's name is shown.
 */
function titleParams(rule: string, d: Details): { key: string; params: Record<string, string | undefined> } {
  const first = (d.firstBad ?? {}) as Details;
  switch (rule) {
    case 'rollcall.delta':
    case 'rollcall.mass_absence':
      return { key: rule, params: { delta: n(d.delta), unaccounted: n(d.count), expected: n(d.expected) } };
    case 'person.repeated_absence':
      return { key: rule, params: { repeated: n(d.repeatedCount), consecutive: n(d.consecutive) } };
    case 'rollcall.missed':
      return { key: rule, params: { slot: time(d.slot), by: time(d.openBy) } };
    case 'rollcall.late':
      return { key: rule, params: { slot: time(d.slot), by: time(d.closeBy) } };
    case 'facility.over_capacity':
      return { key: rule, params: { onRoll: n(d.onRoll), capacity: n(d.capacity) } };
    case 'screening.hit':
      return { key: rule, params: { n: n(d.count) } };
    case 'integrity.chain_broken':
      return { key: d.chain === 'audit' ? 'integrity.audit' : 'integrity.ledger', params: { seq: n(first.seq) } };
    case 'guards.no_guard_on_duty':
      return { key: rule, params: { time: time(d.at), onRoll: n(d.onRoll) } };
    case 'guards.below_threshold':
      return {
        key: rule,
        params: { state: s(d.to) && i18next.t(`guards:state.${d.to}`, { defaultValue: d.to as string }), present: n(d.present), onRoll: n(d.onRoll) },
      };
    case 'guards.custody_gap': {
      const organisation = s(d.organisation) && i18next.t(`guards:organisation.${d.organisation}`, { defaultValue: d.organisation as string });
      return typeof d.gapMinutes === 'number'
        ? { key: 'guards.custody_gap_end', params: { time: time(d.at), organisation, minutes: n(d.gapMinutes) } }
        : { key: rule, params: { time: time(d.at), organisation, checkedOut: n(d.checkedOut) } };
    }
    case 'guards.no_show':
      return { key: rule, params: { n: count(d.shiftIds) } };
    case 'transfer.count_discrepancy':
      return { key: rule, params: { code: s(d.code), on: n(d.countOn), off: n(d.countOff) } };
    default:
      return { key: rule, params: {} };
  }
}

/**
 * The alert's title: in English as the server wrote it (with its figures and codes); in another language the rule's
 * title translated with the alert's figures (`alerts:titleOf.*`), else the rule's name.
 */
export function alertTitle(a: Pick<Alert, 'title' | 'rule'> & { details?: Details | null }): string {
  if (i18next.language?.startsWith('en')) return a.title || ruleLabel(a.rule);
  const { key, params } = titleParams(a.rule, a.details ?? {});
  const path = `alerts:titleOf.${key}`;
  if (i18next.exists(path) && Object.values(params).every((v) => v !== undefined)) return i18next.t(path, params);
  return i18next.exists(`alerts:rule.${a.rule}`) ? ruleLabel(a.rule) : a.title;
}

export const SEVERITY_COLOR: Record<string, string> = { critical: 'red', warning: 'orange', info: 'blue' };
