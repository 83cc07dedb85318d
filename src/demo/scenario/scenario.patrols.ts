import type { Actor } from '../../modules/access';
import { patrolGaps, roundDueAt, type RecordedRound } from '../../modules/guards';
import type { Services } from '../../services';
import { GUARD_TIMELINE, type GuardStep } from './scenario.guards';
import { Random } from './scenario.random';
import type { SeededWorld } from './scenario.seed';

/**
 * The patrols at al-Hol (issue 17 point 3), written through the guards module's patrols:
 *  - 5 January: two routes along the fence, five checkpoints each (QR tags), a round due every 75 minutes, each
 *    checkpoint within 15 minutes of the previous; the SDF walks a round about every 50 minutes;
 *  - from 8 January the rounds thin with the desertions: further apart every day, and now and then a round cut short
 *    (checkpoints missed), until, in the last days, a round comes later than the limit (a patrol gap);
 *  - 20 January, 07:00: the SDF withdraws; the round under way is cut off (its checkpoints missed) and no round
 *    follows: the patrol gap alert comes within the hour, long before the 16:00 count.
 * The whole plan is drawn up front (its own random stream), so the replay inserts the rounds in a few batches and runs
 * the scheduler just after each miss and gap, the times the live scheduler (every 30 s) would have raised them.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const ROUTES = [
  { code: 'PER-N', name: 'Perimeter, northern fence', prefix: 'HOL-PN', bearing: 0 },
  { code: 'PER-S', name: 'Perimeter, southern fence', prefix: 'HOL-PS', bearing: Math.PI },
] as const;
const CHECKPOINTS = 5;
const INTERVAL_LIMIT = 75;
const WINDOW = 15;
const BASE_GAP = 50;
const THINNING_FROM = Date.parse(`${GUARD_TIMELINE.firstDesertions}T00:00:00Z`);

interface PlannedRound {
  route: number;
  startedAt: number;
  /** Offsets of the scans (ms after the start), in route order; fewer than the checkpoints: cut short. */
  scans: number[];
}

/** Rounds of one route from `from` to the withdrawal: further apart, and more often cut short, as the force thins. */
function planRoute(random: Random, route: number, from: number, until: number): PlannedRound[] {
  const out: PlannedRound[] = [];
  let t = from + random.int(5, 30) * MINUTE;
  while (t < until) {
    const days = Math.max(0, (t - THINNING_FROM) / DAY);
    const scans: number[] = [];
    let at = random.int(1, 3) * MINUTE;
    const cut = random.chance(0.0025 * days) ? random.int(1, CHECKPOINTS - 1) : CHECKPOINTS;
    for (let i = 0; i < cut; i++) {
      scans.push(at);
      at += random.int(3, 6) * MINUTE;
    }
    // the round under way at the withdrawal stops there
    out.push({ route, startedAt: t, scans: scans.filter((s) => t + s < until) });
    t += Math.round(BASE_GAP * (1 + 0.035 * days) + random.int(-6, 6)) * MINUTE;
  }
  return out;
}

export function patrolSteps(services: Services, world: SeededWorld, actor: Actor, seed: number, log: (at: number, text: string) => void): GuardStep[] {
  const random = new Random(`patrols:${seed}`);
  const p = services.guards.patrols;
  const setUp = Date.parse(GUARD_TIMELINE.setUp);
  const withdrawal = Date.parse(GUARD_TIMELINE.withdrawal);
  const plan = ROUTES.map((_, i) => planRoute(random, i, setUp, withdrawal));
  const routeIds: string[] = [];
  const tags = (route: number) => Array.from({ length: CHECKPOINTS }, (_, i) => `${ROUTES[route]!.prefix}-${String(i + 1).padStart(2, '0')}`);

  // When the scheduler must look: just after each round lapses with checkpoints missed and each gap opens (found by
  // the same rules the scheduler applies), and at the end of every day.
  const looks = new Set<number>();
  for (const rounds of plan) {
    for (const r of rounds) {
      if (r.scans.length < CHECKPOINTS) {
        const last = r.scans.length ? r.startedAt + r.scans.at(-1)! : null;
        looks.add(roundDueAt(new Date(r.startedAt), last === null ? null : new Date(last), WINDOW).getTime() + MINUTE);
      }
    }
    const starts = rounds.map((r) => new Date(r.startedAt));
    for (const g of patrolGaps(new Date(setUp), false, starts, new Date(withdrawal + 3 * 3600_000), INTERVAL_LIMIT)) looks.add(g.dueAt.getTime() + MINUTE);
  }
  const finalGap = Math.max(...[...looks].filter((t) => t > withdrawal));
  for (let d = setUp - (setUp % DAY) + DAY; d < withdrawal; d += DAY) looks.add(d);
  const times = [...looks].sort((a, b) => a - b);

  const steps: GuardStep[] = [
    {
      at: setUp,
      run: async () => {
        const hol = world.facilityIds.get('HOL');
        const facility = world.plan.facilities.find((f) => f.code === 'HOL');
        if (!hol || !facility) return;
        const centre = facility.location ?? { latitude: 36.3729, longitude: 41.1467 };
        for (const [i, r] of ROUTES.entries()) {
          const route = await p.createRoute(actor, {
            facilityId: hol,
            code: r.code,
            name: r.name,
            roundIntervalMinutes: INTERVAL_LIMIT,
            checkpointWindowMinutes: WINDOW,
            checkpoints: tags(i).map((tagId, k) => {
              const a = r.bearing + ((k - 2) * Math.PI) / 8;
              return { tagId, name: `${r.name}, checkpoint ${k + 1}`, lat: centre.latitude + 0.012 * Math.cos(a), lon: centre.longitude + 0.015 * Math.sin(a) };
            }),
          });
          routeIds.push(route.id);
        }
        log(setUp, `Patrols at al-Hol: ${ROUTES.length} routes along the fence, a round due every ${INTERVAL_LIMIT} min (walked about every ${BASE_GAP} min)`);
      },
    },
  ];

  let inserted = setUp;
  for (const at of times) {
    const from = inserted;
    inserted = at;
    steps.push({
      at,
      run: async () => {
        const hol = world.facilityIds.get('HOL');
        if (!hol || routeIds.length === 0) return;
        // the guards who walk: the force still serving (a deserter walks no more rounds)
        const staff = (await services.guards.listStaff(actor, { facilityId: hol, status: 'active', limit: 12, offset: 0 })).items.filter((s) =>
          s.badge.startsWith('HOL-SDF'),
        );
        if (staff.length === 0) return;
        for (const [i, rounds] of plan.entries()) {
          const batch: RecordedRound[] = rounds
            .filter((r) => r.startedAt > from && r.startedAt <= at)
            .map((r, k) => ({
              staffId: staff[(i * 3 + k) % staff.length]!.id,
              startedAt: new Date(r.startedAt),
              scans: r.scans.map((s, c) => ({ tagId: tags(i)[c]!, at: new Date(r.startedAt + s), method: 'qr' as const })),
            }));
          await p.recordRounds(actor, routeIds[i]!, batch);
        }
        const found = await p.tick(new Date(at));
        if (at === finalGap) {
          log(at, 'Custos: no patrol round at al-Hol since the withdrawal at 07:00: "patrol gap" alert (warning), hours before the 16:00 count');
        } else if (found.gaps && at > THINNING_FROM) log(at, `al-Hol: a patrol round came later than the ${INTERVAL_LIMIT}-minute limit (patrol gap)`);
        await services.dispatcher.idle(['alerts.guards']);
      },
    });
  }
  return steps;
}
