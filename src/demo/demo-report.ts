import { systemActor } from '../modules/access';
import { COLLAPSE } from './scenario';
import type { Services } from '../services';

const actor = systemActor('demo report');
const when = (d: Date) => `${d.toISOString().slice(5, 10)} ${d.toISOString().slice(11, 16)} UTC`;
const hours = (ms: number) => `${Math.floor(ms / 3_600_000)} h ${String(Math.round((ms % 3_600_000) / 60_000)).padStart(2, '0')} min`;
const BEFORE_RULES = ['guards.below_threshold', 'guards.thinning', 'guards.post_uncovered', 'guards.next_shift_short', 'guards.no_show'];

/**
 * The scenario's report (issue 17 point 8), from the alerts the demo world holds: at al-Hol on 20 January, what the
 * record as it happened knew (the first count at 16:00) beside what Custos raised (no guard on duty, no custodian of
 * record, at 07:00), and the ratio alerts of the days before.
 */
export async function collapseReportLines(
  services: Services,
  facilityId: string | undefined,
  rollcalls: readonly { facilityCode: string; at: Date; expected: number; delta: number }[] = [],
): Promise<string[]> {
  if (!facilityId) return [];
  const alerts = (await services.alerts.list(actor, { facilityId, limit: 5000 })).sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime());
  const leave = Date.parse(COLLAPSE.guardsLeave);
  const after = alerts.filter((a) => a.raisedAt.getTime() >= leave);
  const firstCount = after.find((a) => a.rule.startsWith('rollcall.') || a.rule === 'person.repeated_absence');
  const noGuard = after.find((a) => a.rule === 'guards.no_guard_on_duty');
  const gap = after.find((a) => a.rule === 'guards.custody_gap' && a.severity === 'critical');
  const before = alerts.filter((a) => a.raisedAt.getTime() < leave && BEFORE_RULES.includes(a.rule));
  if (!noGuard && before.length === 0) return [];
  const lines = ['', 'al-Hol, 20 January 2026: as it happened, and with Custos'];
  // The roll call itself when this process replayed it (its Delta then), else the alert it raised.
  const count = rollcalls.find((r) => r.facilityCode === 'HOL' && r.at.getTime() >= leave && r.delta > 0);
  const counted = count
    ? `first count at ${count.at.toISOString().slice(11, 16)} UTC: Delta ${count.delta} of ${count.expected} expected`
    : firstCount
      ? `first count at ${firstCount.raisedAt.toISOString().slice(11, 16)} UTC (${firstCount.rule})`
      : 'nothing recorded yet (the replay stopped before the 16:00 count)';
  lines.push(`  as it happened:  ${counted}`);
  if (noGuard) {
    const countAt = count?.at.getTime() ?? firstCount?.raisedAt.getTime();
    const lead = countAt ? `, ${hours(countAt - noGuard.raisedAt.getTime())} before the count` : '';
    lines.push(`  with Custos:     no custodian on duty at ${noGuard.raisedAt.toISOString().slice(11, 16)} UTC, ${noGuard.severity}${lead}: ${noGuard.title}`);
  }
  if (gap) lines.push(`                   ${gap.title}`);
  if (before.length) {
    lines.push(`  the days before: ${before.length} guard-force alert${before.length === 1 ? '' : 's'} at al-Hol`);
    const shown = before.filter((a) => a.rule !== 'guards.no_show');
    for (const a of shown.slice(-8)) lines.push(`    ${when(a.raisedAt)}  ${a.severity.padEnd(8)} ${a.title}`);
  }
  return lines;
}
