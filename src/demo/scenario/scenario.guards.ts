import type { Actor } from '../../modules/access';
import type { Services } from '../../services';
import { Random } from './scenario.random';
import type { SeededWorld } from './scenario.seed';

/**
 * The guard force of the scenario (issue 17), written through the guards module like everything else:
 *  - 5 January: a custodian of record, posts (main gate, control room, a watchtower per top-level block) and a guard
 *    force of about two guards per hundred on the roll at every camp and prison, all on duty;
 *  - 8-19 January: at al-Hol the force thins (desertions most evenings), so the governance ratio falls below the
 *    threshold days before the collapse (the ratio alerts of the days before);
 *  - 20 January, 07:00: the SDF withdraws from al-Hol: the custodian of record ends, its guards leave their posts, and
 *    Custos raises "no guard on duty" and "no custodian of record" at once (not at the 16:00 roll call); 13:00 the
 *    government force takes over (the custody gap ends: six hours).
 * Its own random stream, so the rest of the timeline (and the ledger) is the same with or without it.
 */

const HOUR = 3_600_000;
const GUARDED = ['HOL', 'ROJ', 'GHW', 'SHD', 'AQT', 'IRQ-RCV'] as const;
const RANKS = ['private', 'private', 'private', 'corporal', 'sergeant'];

export interface GuardStep {
  at: number;
  run: () => Promise<void>;
}

export const GUARD_TIMELINE = {
  setUp: '2026-01-05T01:00:00Z',
  firstDesertions: '2026-01-08',
  withdrawal: '2026-01-20T07:00:00Z',
  takeover: '2026-01-20T13:00:00Z',
};

export function guardForceSteps(services: Services, world: SeededWorld, actor: Actor, seed: number, log: (at: number, text: string) => void): GuardStep[] {
  const random = new Random(`guards:${seed}`);
  const g = services.guards;
  const steps: GuardStep[] = [];
  const onDuty = new Map<string, string[]>(); // facility code -> badges on duty
  const postCodes = new Map<string, string[]>(); // facility code -> its posts' codes
  const setUp = Date.parse(GUARD_TIMELINE.setUp);

  steps.push({
    at: setUp,
    run: async () => {
      for (const code of GUARDED) {
        const plan = world.plan.facilities.find((f) => f.code === code);
        if (!plan) continue;
        const facilityId = world.facilityIds.get(code)!;
        const population = world.plan.persons.filter((p) => p.facility === code).length;
        const organisation = code === 'IRQ-RCV' ? 'government' : 'sdf';
        await g.assumeCustody(actor, facilityId, {
          organisation,
          commander: code === 'IRQ-RCV' ? 'Iraqi Ministry of Justice, receiving commander' : `SDF commander of ${plan.name}`,
        });
        if (code === 'HOL') await g.setThreshold(actor, facilityId, { minGuardsPer100: 1.5, minMannedPostsPercent: 75 });
        const posts: string[] = [];
        const codes: string[] = [];
        const add = async (postCode: string, name: string, kind: 'gate' | 'tower' | 'control_room', unitId?: string) => {
          const p = await g.createPost(actor, { facilityId, unitId, code: postCode, name, kind, minStaff: 1 });
          posts.push(p.id);
          codes.push(postCode);
        };
        await add('GATE', 'Main gate', 'gate');
        await add('CR', 'Control room', 'control_room');
        for (const u of plan.units.filter((u) => !u.parent)) {
          await add(`TWR-${u.code}`, `Watchtower, ${u.name}`, 'tower', world.unitIds.get(`${code}/${u.code}`));
        }
        const strength = Math.max(posts.length, Math.ceil((population * 2) / 100));
        const badges: string[] = [];
        for (let i = 1; i <= strength; i++) {
          const badge = `${code}-${organisation.toUpperCase()}-${String(i).padStart(4, '0')}`;
          await g.createStaff(actor, {
            badge,
            fullName: `Guard ${code} ${i}`,
            organisation,
            rank: RANKS[random.int(0, RANKS.length - 1)],
            facilityId,
            status: 'active',
          });
          await g.checkIn(actor, { badge, postId: posts[(i - 1) % posts.length]!, method: 'badge' });
          badges.push(badge);
        }
        onDuty.set(code, badges);
        postCodes.set(code, codes);
      }
      log(setUp, 'Guard force on duty at every camp and prison (about 2 guards per 100 on the roll); SDF custodian of record');
    },
  });

  // Desertions at al-Hol on most evenings before the collapse.
  for (let d = Date.parse(`${GUARD_TIMELINE.firstDesertions}T18:00:00Z`); d < Date.parse('2026-01-20T00:00:00Z'); d += 24 * HOUR) {
    const at = d + random.int(0, 120) * 60_000;
    steps.push({
      at,
      run: async () => {
        const badges = onDuty.get('HOL') ?? [];
        const leaving = badges.filter(() => random.chance(0.045));
        for (const badge of leaving) {
          const out = await g.checkOut(actor, { badge });
          await g.updateStaff(actor, out.staffId, { status: 'deserted' });
        }
        onDuty.set(
          'HOL',
          badges.filter((b) => !leaving.includes(b)),
        );
        if (leaving.length) log(at, `al-Hol: ${leaving.length} guard${leaving.length === 1 ? '' : 's'} desert; ${badges.length - leaving.length} left on duty`);
      },
    });
  }

  // The rosters: from 9 January the commander of every camp and prison plans each day's shift (06:00-18:00) for the
  // guards still on the force, a few minutes past midnight (before the scheduler's pass), each guard at another post
  // than the day before (the rotation rule); al-Hol's stop with the withdrawal, the others' run to the end of January.
  // At al-Hol the desertions thin the force, so the planned shift falls below the threshold of 1.5 guards per 100 and
  // the scheduler's pass at 00:05 reports it, hours before the shift starts ("next shift short"); elsewhere the force
  // holds and no such alert comes.
  // The shifts start after the pass and end before the next one, so no pass sees them under way: no no-show is read
  // into guards who stand at their posts without checking in again.
  // Each guard keeps one slot for the whole period, so that the day's shift moves every guard one post on: a slot
  // from the guard's place in the day's list would shift when a guard before them deserts, and leave them at the same
  // post again (four shifts in a row broke the rotation rule at some scales).
  const rosterSlots = new Map<string, Map<string, number>>(); // facility code -> badge -> slot
  const rostersFrom = Date.parse('2026-01-09T00:01:00Z');
  for (let d = rostersFrom; d < Date.parse('2026-02-01T00:00:00Z'); d += 24 * HOUR) {
    steps.push({
      at: d,
      run: async () => {
        const day = Math.round((d - rostersFrom) / (24 * HOUR));
        const start = new Date(d - 60_000 + 6 * HOUR).toISOString();
        const end = new Date(d - 60_000 + 18 * HOUR).toISOString();
        for (const code of GUARDED) {
          if (code === 'HOL' && d >= Date.parse(GUARD_TIMELINE.withdrawal)) continue;
          const facilityId = world.facilityIds.get(code);
          const codes = postCodes.get(code) ?? [];
          const badges = onDuty.get(code) ?? [];
          if (!facilityId || codes.length === 0 || badges.length === 0) continue;
          const slots = rosterSlots.get(code) ?? new Map<string, number>();
          rosterSlots.set(code, slots);
          for (const b of badges) if (!slots.has(b)) slots.set(b, slots.size);
          const csv = ['badge,post,starts_at,ends_at', ...badges.map((b) => `${b},${codes[(slots.get(b)! + day) % codes.length]},${start},${end}`)].join('\n');
          await g.importRoster(actor, facilityId, csv);
        }
      },
    });
  }

  // The guard scheduler (its tick runs every 30 s when serving): once a day in the replay, a few minutes past
  // midnight, it reads the rosters ahead, the posts left uncovered and the trend of the force over the week before
  // (at al-Hol: "thinning" days before the collapse).
  for (let d = setUp + 23 * HOUR + 5 * 60_000; d < Date.parse('2026-03-15T00:00:00Z'); d += 24 * HOUR) {
    steps.push({ at: d, run: async () => void (await g.tick(new Date(d))) });
  }

  const withdrawal = Date.parse(GUARD_TIMELINE.withdrawal);
  steps.push({
    at: withdrawal,
    run: async () => {
      const hol = world.facilityIds.get('HOL')!;
      await g.withdraw(actor, hol, { reason: 'SDF ordered out of al-Hol; no force takes over' });
      onDuty.set('HOL', []);
      log(
        withdrawal,
        'Custos: the SDF custodian of al-Hol withdraws, its guards leave their posts: "no guard on duty" and "no custodian of record" alerts, critical, at 07:00',
      );
    },
  });
  const takeover = Date.parse(GUARD_TIMELINE.takeover);
  steps.push({
    at: takeover,
    run: async () => {
      const hol = world.facilityIds.get('HOL')!;
      await g.assumeCustody(actor, hol, { organisation: 'government', commander: 'Government forces commander, al-Hol' });
      const posts = (await g.posts(actor, hol)).map((p) => p.id);
      const population = world.plan.persons.filter((p) => p.facility === 'HOL').length;
      const strength = Math.max(posts.length, Math.ceil(population / 100));
      for (let i = 1; i <= strength; i++) {
        const badge = `HOL-GOV-${String(i).padStart(4, '0')}`;
        await g.createStaff(actor, {
          badge,
          fullName: `Government guard ${i}`,
          organisation: 'government',
          rank: 'private',
          facilityId: hol,
          status: 'active',
        });
        await g.checkIn(actor, { badge, postId: posts[(i - 1) % posts.length]!, method: 'supervisor' });
      }
      log(takeover, `Government forces take over al-Hol: custodian of record again after a six-hour custody gap; ${strength} guards on duty`);
    },
  });
  // The alert rules react to each step before the timeline moves on: alerts carry the time they were raised (07:00,
  // not whenever the replay's next step happens to be), and the ids they draw come at the same place in every replay.
  return steps.map((s) => ({
    at: s.at,
    run: async () => {
      await s.run();
      await services.dispatcher.idle(['alerts.guards']);
    },
  }));
}
