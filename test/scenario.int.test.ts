import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, targets, type TestApp } from './harness';
import { systemActor } from '../src/modules/access';
import { COLLAPSE, runScenario, ScenarioClock, scenarioIds, type ScenarioRun } from '../src/demo/scenario';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { createServices } from '../src/services';

// A world scaled down 100 times (about 540 people, every facility) keeps these tests to seconds.
const DIVISOR = 100;
const admin = systemActor('scenario test');

async function freshServices(seed: number) {
  const database = await openDatabase({ dataDir: 'memory://' });
  await migrate(database);
  const clock = new ScenarioClock();
  const services = createServices(database, { clock, ids: scenarioIds(clock, seed) });
  return { services, clock, close: () => services.close() };
}

async function headAfter(seed: number, until: string, speed?: number): Promise<string> {
  const { services, clock, close } = await freshServices(seed);
  try {
    await runScenario(services, { scale: 'small', divisor: DIVISOR * 4, seed, clock, until, speed });
    const v = await services.custody.verify(null);
    if (!v.ok) throw new Error('ledger broken');
    return v.head;
  } finally {
    await close();
  }
}

describe('scenario: determinism', () => {
  it('gives the same ledger head hash for the same seed (at any replay speed), another for another seed', async () => {
    const a = await headAfter(11, '2026-01-06');
    // A day of scenario time in about a tenth of a second: the same ledger, only slower.
    const b = await headAfter(11, '2026-01-06', 1_000_000);
    const c = await headAfter(12, '2026-01-06');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  }, 240_000); // three replays of a day: about 15 s on a quiet machine, far more on a shared one
});

const heads = new Map<string, string>();

describe.each(await targets())('scenario on %s: the collapse of 20 January', (target) => {
  let app: TestApp;
  let run: ScenarioRun;

  afterAll(async () => {
    await app?.close();
  });

  it('seeds through the services and replays to the first roll call after the guards left', async () => {
    const clock = new ScenarioClock();
    app = await createTestApp(target, { clock });
    // The harness builds services on its clock; rebuild them on the scenario's clock and seeded ids.
    const services = createServices(app.services.database, { clock, ids: scenarioIds(clock, 7) });
    run = await runScenario(services, { scale: 'small', divisor: DIVISOR, seed: 7, clock, until: '2026-01-20T17:00:00Z' });
    const v = await services.custody.verify(null);
    expect(v.ok).toBe(true);
    if (v.ok) heads.set(target, v.head);
    expect(run.world.personIds.length).toBe(run.world.plan.persons.length);

    // Before the collapse the roll calls show at most a few late marks.
    const hol = run.summary.rollcalls.filter((r) => r.facilityCode === 'HOL');
    const before = hol.filter((r) => r.at.getTime() < Date.parse(COLLAPSE.guardsLeave));
    expect(before.length).toBeGreaterThanOrEqual(14);
    for (const r of before) expect(r.delta).toBeLessThanOrEqual(3);

    // The first count after the six hours: the walk-out appears as the Delta, one UNACCOUNTED event each.
    const first = hol.find((r) => r.at.toISOString() === new Date(COLLAPSE.firstCount).toISOString())!;
    expect(first).toBeDefined();
    const walkedOut = Number(/: (\d+) people walk out/.exec(run.summary.log.map((e) => e.text).join('\n'))![1]);
    expect(walkedOut).toBeGreaterThan(0.1 * first.expected);
    expect(first.unaccounted.length).toBeGreaterThanOrEqual(walkedOut);
    expect(first.delta).toBe(first.expected - first.present - first.excused);
    expect(first.delta).toBeGreaterThanOrEqual(walkedOut);
    expect(first.alerts?.map((a) => a.rule)).toContain('rollcall.mass_absence');

    // The ledger and the status report agree with the roll call.
    const report = await services.reports.status(admin);
    const holStatus = report.facilities.find((f) => f.code === 'HOL')!;
    expect(holStatus.byStatus.unaccounted).toBe(first.delta);
    expect(holStatus.minorsOnRoll / holStatus.onRoll).toBeGreaterThan(0.5);
    const open = await services.alerts.list(admin, { status: 'open', limit: 200 });
    const mass = open.filter((a) => a.rule === 'rollcall.mass_absence' && a.facilityId === run.world.facilityIds.get('HOL'));
    expect(mass).toHaveLength(1);
    expect(mass[0]!.severity).toBe('critical');
  }, 240_000); // the seed and replay to 20 January: about 10 s on a quiet machine

  it('records what the API shows: a walked-out person has ADMITTED then UNACCOUNTED at 16:00', async () => {
    const services = app.services;
    const first = run.summary.rollcalls.find((r) => r.facilityCode === 'HOL' && r.at.toISOString() === new Date(COLLAPSE.firstCount).toISOString())!;
    const someone = first.unaccounted[0]!;
    const events = await services.custody.personEvents({ ...admin, purpose: 'test' }, someone);
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['ADMITTED', 'UNACCOUNTED']));
    expect(events.at(-1)!.type).toBe('UNACCOUNTED');
    expect(events.at(-1)!.occurredAt.toISOString()).toBe(new Date(COLLAPSE.firstCount).toISOString());
  });

  it('sees the withdrawal coming and raises it at once: ratio alerts in the days before, no guard on duty at 07:00', async () => {
    const services = app.services;
    await services.settle();
    const hol = run.world.facilityIds.get('HOL')!;
    const all = await services.alerts.list(admin, { facilityId: hol, limit: 500 });
    const at = (rule: string) => all.filter((a) => a.rule === rule).map((a) => a.raisedAt.getTime());
    const leave = Date.parse(COLLAPSE.guardsLeave);
    // the force thinned below the governance threshold days before the collapse
    expect(at('guards.below_threshold').some((t) => t < leave - 24 * 3_600_000)).toBe(true);
    // and the guard scheduler saw it thinning over the week before (its daily pass in the replay)
    expect(at('guards.thinning').some((t) => t < leave - 24 * 3_600_000)).toBe(true);
    // the roster planned for a coming shift fell short, hours ahead of the shift (the daily pass at 00:05)
    const short = all.filter((a) => a.rule === 'guards.next_shift_short' && a.raisedAt.getTime() < leave);
    expect(short.length).toBeGreaterThan(0);
    expect(short.every((a) => a.severity === 'warning')).toBe(true);
    // every camp and prison plans its day shifts too; where the force holds, no roster falls short
    for (const code of ['ROJ', 'GHW', 'SHD', 'AQT', 'IRQ-RCV']) {
      const facilityId = run.world.facilityIds.get(code)!;
      const planned = await services.guards.roster(admin, facilityId, { from: '2026-01-19T00:00:00Z', to: '2026-01-20T00:00:00Z', limit: 1, offset: 0 });
      expect(planned.total, code).toBeGreaterThan(0);
      const theirs = await services.alerts.list(admin, { facilityId, limit: 500 });
      expect(
        theirs.filter((a) => a.rule === 'guards.next_shift_short' || a.rule === 'guards.no_show'),
        code,
      ).toEqual([]);
    }
    // and no guard standing at a post through a planned day shift is read as a no-show
    expect(at('guards.no_show').filter((t) => t < leave)).toEqual([]);
    // nobody on duty, and no custodian of record: critical within minutes of 07:00, not at the 16:00 count
    for (const rule of ['guards.no_guard_on_duty', 'guards.custody_gap']) {
      const first = Math.min(...at(rule).filter((t) => t >= leave));
      expect(first - leave, rule).toBeLessThan(5 * 60_000);
    }
    expect(all.find((a) => a.rule === 'guards.no_guard_on_duty' && a.raisedAt.getTime() >= leave)!.severity).toBe('critical');
    // the patrols stop with the withdrawal: a patrol gap (warning) within the route's 75-minute limit, hours before the count
    const gap = Math.min(...at('guards.patrol_gap').filter((t) => t >= leave));
    expect(gap - leave).toBeLessThan(80 * 60_000);
    expect(gap).toBeLessThan(Date.parse(COLLAPSE.firstCount));
    // and while the force thinned, rounds were cut short or came late now and then, not every hour
    const before = [...at('guards.patrol_gap'), ...at('guards.patrol_missed_checkpoint')].filter((t) => t < leave);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(40);
  });

  it('replays the perimeter of 20 January through the MQTT broker: dark sectors, one incident per breach, acknowledged late', async () => {
    const services = app.services;
    await services.settle();
    const hol = run.world.facilityIds.get('HOL')!;
    expect(run.summary.log.some((l) => l.text.includes('through the MQTT broker'))).toBe(true);
    const incidents = (await services.incidents.list(admin, { facilityId: hol, limit: 50, offset: 0 })).rows;
    expect(incidents.map((i) => i.sector).sort()).toEqual(['main-gate', 'north-fence', 'west-fence']);
    const north = incidents.find((i) => i.sector === 'north-fence')!;
    expect(north).toMatchObject({ alarmCount: 5, severity: 'critical', status: 'closed' });
    // nobody to acknowledge from 07:40 until the new force came
    expect(north.secondsToAcknowledge).toBe((13 * 60 + 20 - (7 * 60 + 40)) * 60);
    const dark = (await services.alerts.list(admin, { facilityId: hol, rule: 'sensors.dead_zone', limit: 20 })).filter(
      (a) => a.raisedAt.getTime() < Date.parse('2026-01-20T08:00:00Z'),
    );
    expect(dark.map((a) => a.title.match(/sector (\S+):/)?.[1]).sort()).toEqual(['east-fence', 'south-fence']);
    expect(dark.every((a) => a.severity === 'critical')).toBe(true);
    const south = (await services.sensors.list(admin, { facilityId: hol, sector: 'south-fence', limit: 10, offset: 0 })).rows;
    expect(south.every((s) => s.state === 'online')).toBe(true); // power back at 15:00
  });
});

describe('scenario: the same seed on every database', () => {
  it('gives the same head hash on PGlite and PostgreSQL', () => {
    const values = [...heads.values()];
    if (values.length < 2) return;
    expect(new Set(values).size).toBe(1);
  });
});
