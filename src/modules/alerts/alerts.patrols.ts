import type { AlertDraft } from './alerts.domain';

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

/** A patrol round lapsed with checkpoints not scanned (guards.patrol_checkpoint_missed@1): a warning naming them. */
export function patrolMissedAlert(m: {
  facilityId: string;
  facilityCode: string;
  routeCode: string;
  runId: string;
  startedAt: string;
  at: string;
  scanned: number;
  total: number;
  missed: { name: string; tagId: string }[];
}): AlertDraft | null {
  if (m.missed.length === 0) return null;
  const names = m.missed.slice(0, 6).map((c) => c.name);
  return {
    facilityId: m.facilityId,
    rule: 'guards.patrol_missed_checkpoint',
    severity: 'warning',
    title: `Patrol ${m.routeCode} at ${m.facilityCode} (round of ${hhmm(m.startedAt)}) missed ${m.missed.length} of ${m.total} checkpoints: ${names.join(', ')}${m.missed.length > names.length ? ', ...' : ''}`,
    details: { ...m },
    dedupeKey: `guards.patrol_missed_checkpoint:${m.runId}`,
  };
}

/** No round of a route started within its limit (guards.patrol_gap@1): a warning. */
export function patrolGapAlert(g: {
  facilityId: string;
  facilityCode: string;
  routeId: string;
  routeCode: string;
  lastRoundAt: string | null;
  at: string;
  limitMinutes: number;
  endedAt: string | null;
}): AlertDraft {
  const since = g.lastRoundAt ? `no round since ${hhmm(g.lastRoundAt)}` : 'no round walked yet';
  return {
    facilityId: g.facilityId,
    rule: 'guards.patrol_gap',
    severity: 'warning',
    title: `Patrol gap on ${g.routeCode} at ${g.facilityCode}: ${since}, due by ${hhmm(g.at)} (a round every ${g.limitMinutes} min)`,
    details: { ...g },
    dedupeKey: `guards.patrol_gap:${g.routeId}:${g.at}`,
  };
}
