import type { FakeClock } from '../../platform/clock';
import { systemActor, type Actor } from '../../modules/access';
import type { AppendRequest, CustodyStatus } from '../../modules/custody';
import type { Services } from '../../services';
import { Random } from './scenario.random';
import { rollCallPort, type RollCallOutcome, type RollCallPort } from './scenario.rollcalls';
import type { SeededWorld } from './scenario.seed';
import { leafUnits } from './scenario.world';
import { guardForceSteps } from './scenario.guards';
import { AirliftOperation } from './scenario.airlift';
import { patrolSteps } from './scenario.patrols';
import { sensorSteps } from './scenario.sensors';
import { planSightings } from './scenario.sightings';
import { importRequestsUnderWay } from './scenario.repatriation';

/**
 * The January 2026 timeline, replayed through the services on a fake clock:
 *  - from 5 January: a roll call every morning in every facility, with a little noise (hospital visits, court
 *    days for detainees, late marks that are accounted for within the hour, a death now and then), and a convoy of
 *    Iraqi families going home;
 *  - 20 January: the guards leave al-Hol at 07:00 UTC, six hours pass before the next force arrives at 13:00, and
 *    thousands walk out; nobody records it, until the 16:00 roll call shows the Delta (UNACCOUNTED events);
 *    a riot at al-Shaddadah that night;
 *  - the following weeks: departures every night, discovered at the roll calls; about two weeks before the
 *    administration confirms the absences as escapes; riots and a second wave in mid-February;
 *  - from 23 January: the airlift of the high-risk prison detainees to the Iraqi receiving facility in 50 flights
 *    through the transfers module (scenario.airlift.ts: operation, movements, manifests, boarding, receipts), with
 *    a few discrepancies (a refusal to board, late identifications, a wrong aircraft, an escape on the road).
 * Everything a person does is mirrored in memory (the record) beside where the person really is (the world), so the
 * difference between the two is what the roll calls find.
 */

export const TIMELINE_START = '2026-01-05T00:00:00Z';
export const TIMELINE_END = '2026-03-15T00:00:00Z';
export const COLLAPSE = {
  guardsLeave: '2026-01-20T07:00:00Z',
  forcesArrive: '2026-01-20T13:00:00Z',
  firstCount: '2026-01-20T16:00:00Z',
};
/** The default end of the demo's replay: the day after the collapse. */
export const DAY_AFTER_COLLAPSE = '2026-01-21';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Roll calls (UTC; 07:00 local every morning), and at al-Hol from the collapse on, again at 19:00 local. */
const ROLL_CALL_HOURS = [4];
const HOL_ROLL_CALL_HOURS_AFTER_COLLAPSE = [4, 16];
const AIRLIFT = { firstDay: '2026-01-23', lastDay: '2026-03-03', flights: 50 };
const ACKNOWLEDGED = '2026-02-03T10:00:00Z';
/** Nights of riots in al-Hol in mid-February. */
const RIOT_NIGHTS = ['2026-02-14', '2026-02-15', '2026-02-16'];

interface PersonState {
  /** The record's status (mirrors the placement the ledger derives). */
  status: CustodyStatus;
  facility: string;
  unit: string;
  /** Where the person really is: false once walked out or escaped, whatever the record says yet. */
  present: boolean;
  outReason?: string;
  since: number;
}

export interface TimelineEntry {
  at: Date;
  text: string;
}

export interface ReplaySummary {
  until: Date;
  rollcalls: RollCallOutcome[];
  log: TimelineEntry[];
  events: Record<string, number>;
  flights: { flight: number; from: string; departed: number; arrived: number; at: Date }[];
  port: RollCallPort['kind'];
}

type Step = { at: number; order: number; run: () => Promise<void> };

export interface ReplayOptions {
  /** Replay every step before this instant (a date means the end of that day, UTC). */
  until: Date | string;
  /** Simulated time per real time (3600: an hour a second); omitted: as fast as possible. */
  speed?: number;
  /** Roll calls through the roll calls module (default), or their outcome directly in the ledger. */
  rollcalls?: 'rollcalls' | 'ledger';
  onDay?: (day: Date, summary: ReplaySummary) => void;
  actor?: Actor;
}

/** `2026-01-21` -> the end of that day; a full timestamp is taken as is. */
export function parseUntil(until: Date | string): Date {
  if (until instanceof Date) return until;
  if (/^\d{4}-\d{2}-\d{2}$/.test(until)) return new Date(Date.parse(`${until}T00:00:00Z`) + DAY);
  const d = new Date(until);
  if (Number.isNaN(d.getTime())) throw new Error(`--until ${until}: not a date (YYYY-MM-DD or an ISO timestamp)`);
  return d;
}

/** Outbox consumers that write with the replay's ids (see the loop in `run`). */
const CASE_CONSUMERS = ['cases.custody_exits', 'cases.child_separated'];

export class TimelineReplay {
  private readonly state: PersonState[];
  private readonly byFacility = new Map<string, Set<number>>();
  private readonly random: Random;
  private readonly actor: Actor;
  private readonly port: RollCallPort;
  private readonly steps: Step[] = [];
  private order = 0;
  private readonly keyOf = new Map<string, number>();
  private readonly summary: ReplaySummary;
  private readonly airliftQueue: Map<string, number[]>;
  private readonly unaccountedSince = new Map<number, number>();
  private readonly airlift: AirliftOperation;
  /** The perimeter sensors' stream (scenario.sensors.ts): its consumer stops when the replay ends. */
  private readonly closeSensors: (at: number) => Promise<void>;

  constructor(
    private readonly services: Services,
    private readonly world: SeededWorld,
    private readonly clock: FakeClock,
    opts: { seed?: number; rollcalls?: 'rollcalls' | 'ledger'; actor?: Actor } = {},
  ) {
    this.actor = opts.actor ?? systemActor('scenario replay');
    this.random = new Random(`timeline:${opts.seed ?? world.plan.seed}`);
    this.port = rollCallPort(services, this.actor, opts.rollcalls ?? 'rollcalls');
    this.state = world.plan.persons.map((p) => ({
      status: 'in_custody',
      facility: p.facility,
      unit: p.unit,
      present: true,
      since: Date.parse(`${p.admittedAt}T09:00:00Z`),
    }));
    world.personIds.forEach((id, k) => this.keyOf.set(id, k));
    for (const [k, s] of this.state.entries()) this.placeIn(k, s.facility);
    this.summary = { until: new Date(TIMELINE_START), rollcalls: [], log: [], events: {}, flights: [], port: this.port.kind };
    this.airliftQueue = new Map();
    for (const p of world.plan.persons) {
      if (p.highRisk) this.airliftQueue.set(p.facility, [...(this.airliftQueue.get(p.facility) ?? []), p.key]);
    }
    for (const list of this.airliftQueue.values()) this.random.shuffle(list);
    this.airlift = new AirliftOperation({
      services,
      actor: this.actor,
      personId: (k) => world.personIds[k]!,
      fid: (code) => this.fid(code),
      at: (t, run) => this.at(t, run),
      log: (t, text) => this.log(t, text),
      moved: (k, type, at, facility) => {
        const s = this.state[k]!;
        Object.assign(s, type === 'TRANSFER_DEPARTED' ? { status: 'in_transit' } : { status: 'in_custody', facility, unit: 'INTAKE' }, { since: at });
        if (facility) this.placeIn(k, facility);
        this.summary.events[type] = (this.summary.events[type] ?? 0) + 1;
      },
    });
    for (const step of guardForceSteps(services, world, this.actor, opts.seed ?? world.plan.seed, (at, text) => this.log(at, text))) this.at(step.at, step.run);
    for (const step of patrolSteps(services, world, this.actor, opts.seed ?? world.plan.seed, (at, text) => this.log(at, text))) this.at(step.at, step.run);
    const sensors = sensorSteps(services, world, this.actor, (at, text) => this.log(at, text));
    for (const step of sensors.steps) this.at(step.at, step.run);
    this.closeSensors = sensors.close;
    // The repatriation requests under way with the states, taken over on the first morning (issue 23).
    this.at(Date.parse(TIMELINE_START) + 10 * HOUR, async () => {
      await importRequestsUnderWay(
        {
          services,
          plan: world.plan,
          actor: this.actor,
          personId: (k) => world.personIds[k]!,
          held: (k) => this.state[k]!.status === 'in_custody',
          log: (t, text) => this.log(t, text),
        },
        Date.parse(TIMELINE_START) + 10 * HOUR,
        opts.seed ?? world.plan.seed,
      );
    });
    // March: February escapees stopped at checkpoints and recaptured, through the sightings module.
    planSightings(
      {
        services,
        plan: world.plan,
        personId: (k) => world.personIds[k]!,
        fid: (code) => this.fid(code),
        fugitives: () => this.fugitives(),
        at: (t, run) => this.at(t, run),
        log: (t, text) => this.log(t, text),
        recaptured: (k, at, facility) => {
          Object.assign(this.state[k]!, { status: 'in_custody', present: true, facility, since: at });
          this.placeIn(k, facility);
          this.summary.events.RECAPTURED = (this.summary.events.RECAPTURED ?? 0) + 1;
        },
      },
      opts.seed ?? world.plan.seed,
    );
  }

  /** Recorded ESCAPED in February and still escaped, by key. */
  private fugitives(): number[] {
    const from = Date.parse('2026-02-01T00:00:00Z');
    const to = Date.parse('2026-03-01T00:00:00Z');
    const out: number[] = [];
    for (const [k, s] of this.state.entries()) if (s.status === 'escaped' && s.since >= from && s.since < to) out.push(k);
    return out;
  }

  private placeIn(k: number, facility: string): void {
    for (const set of this.byFacility.values()) set.delete(k);
    let set = this.byFacility.get(facility);
    if (!set) this.byFacility.set(facility, (set = new Set()));
    set.add(k);
  }

  private at(iso: string | number, run: () => Promise<void>): void {
    const t = typeof iso === 'number' ? iso : Date.parse(iso);
    this.steps.push({ at: t, order: this.order++, run });
  }

  private log(at: number, text: string): void {
    this.summary.log.push({ at: new Date(at), text });
  }

  private fid(code: string): string {
    return this.world.facilityIds.get(code)!;
  }

  private members(facility: string): number[] {
    return [...(this.byFacility.get(facility) ?? [])].sort((a, b) => a - b);
  }

  /** Appends events (already valid by the mirror) and applies them to the mirror. */
  private async append(
    at: number,
    events: (AppendRequest & { key: number; next: Partial<PersonState> })[],
    opts: { auditAction?: string } = {},
  ): Promise<void> {
    if (events.length === 0) return;
    for (let i = 0; i < events.length; i += 5000) {
      const chunk = events.slice(i, i + 5000);
      await this.services.custody.appendMany(
        this.actor,
        chunk.map(({ key: _k, next: _n, ...r }) => r),
        { auditAction: opts.auditAction, context: { source: 'scenario replay' } },
      );
    }
    for (const e of events) {
      Object.assign(this.state[e.key]!, e.next, { since: Date.parse(e.occurredAt ?? new Date(at).toISOString()) });
      if (e.next.facility) this.placeIn(e.key, e.next.facility);
      this.summary.events[e.type] = (this.summary.events[e.type] ?? 0) + 1;
      if (e.type === 'UNACCOUNTED') this.unaccountedSince.set(e.key, at);
      if (e.type === 'ACCOUNTED' || e.type === 'ESCAPED') this.unaccountedSince.delete(e.key);
    }
  }

  private event(k: number, type: AppendRequest['type'], at: number, next: Partial<PersonState>, extra: Partial<AppendRequest> = {}) {
    return { key: k, personId: this.world.personIds[k]!, type, occurredAt: new Date(at).toISOString(), next, ...extra };
  }

  // --- the roll call -------------------------------------------------------------------------------------------

  private async rollCall(facility: string, at: number, lateRate: number): Promise<RollCallOutcome | null> {
    const members = this.members(facility);
    const onRoll = members.filter((k) => ['in_custody', 'temporarily_out', 'unaccounted'].includes(this.state[k]!.status));
    if (onRoll.length === 0) return null;
    const absent: number[] = [];
    const late: number[] = [];
    const still: number[] = [];
    const excused: { personId: string; reason: string }[] = [];
    for (const k of onRoll) {
      const s = this.state[k]!;
      if (s.status === 'temporarily_out') excused.push({ personId: this.world.personIds[k]!, reason: s.outReason ?? 'other' });
      else if (s.status === 'unaccounted') still.push(k);
      else if (!s.present) absent.push(k);
      else if (this.random.chance(lateRate)) late.push(k);
    }
    const newly = [...absent, ...late];
    const outcome = await this.port.conduct({
      facilityCode: facility,
      facilityId: this.fid(facility),
      at: new Date(at),
      expected: onRoll.map((k) => this.world.personIds[k]!),
      absent: newly.map((k) => this.world.personIds[k]!),
      stillUnaccounted: still.map((k) => this.world.personIds[k]!),
      excused,
    });
    for (const k of newly) {
      this.state[k]!.status = 'unaccounted';
      this.state[k]!.since = at;
      this.unaccountedSince.set(k, at);
    }
    this.summary.events.UNACCOUNTED = (this.summary.events.UNACCOUNTED ?? 0) + newly.length;
    this.summary.rollcalls.push(outcome);
    // Late marks: found within the hour in another block or at the clinic.
    if (late.length) {
      const found = at + this.random.int(20, 90) * 60_000;
      this.at(found, async () => {
        const back = late.filter((k) => this.state[k]!.status === 'unaccounted' && this.state[k]!.present);
        await this.append(
          found,
          back.map((k) => this.event(k, 'ACCOUNTED', found, { status: 'in_custody' }, { authority: 'late mark: verified present' })),
        );
        // A Delta made only of late marks is closed by the officer once they are verified.
        if (absent.length === 0 && still.length === 0) {
          for (const alert of outcome.alerts ?? []) {
            if (alert.rule === 'rollcall.delta') await this.services.alerts.resolve(this.actor, alert.id, 'Late marks: verified present within the hour');
          }
        }
      });
    }
    if (absent.length > 20) this.log(at, `${facility} roll call: expected ${onRoll.length}, Delta ${outcome.delta} (${absent.length} newly unaccounted)`);
    return outcome;
  }

  // --- daily noise ---------------------------------------------------------------------------------------------

  private planDay(day: number): void {
    const date = new Date(day).toISOString().slice(0, 10);
    const r = this.random;
    const collapsed = day >= Date.parse('2026-01-20T00:00:00Z');
    for (const facility of ['HOL', 'ROJ', 'GHW', 'SHD', 'AQT', 'IRQ-RCV']) {
      for (const h of facility === 'HOL' && collapsed ? HOL_ROLL_CALL_HOURS_AFTER_COLLAPSE : ROLL_CALL_HOURS) {
        const at = day + h * HOUR + (facility === 'HOL' && collapsed && h === 16 ? 0 : r.int(0, 20) * 60_000);
        this.at(at, async () => void (await this.rollCall(facility, at, facility === 'HOL' && collapsed ? 0.0004 : 0.0002)));
      }
      // Hospital visits: a few per thousand a day, back after one to five days.
      this.at(day + 6 * HOUR + r.int(0, 360) * 60_000, async () => {
        const t = this.clock.now().getTime();
        const rate = facility === 'HOL' || facility === 'ROJ' ? 0.0008 : 0.0004;
        const out = this.members(facility).filter((k) => this.state[k]!.status === 'in_custody' && this.state[k]!.present && r.chance(rate));
        await this.append(
          t,
          out.map((k) =>
            this.event(
              k,
              'TEMPORARY_OUT',
              t,
              { status: 'temporarily_out', outReason: 'hospital' },
              { reason: 'hospital', authority: 'referral to al-Hasakah National Hospital' },
            ),
          ),
        );
        for (const k of out) {
          const back = t + r.int(1, 5) * DAY + r.int(0, 6) * HOUR;
          this.at(back, async () => {
            if (this.state[k]!.status !== 'temporarily_out') return;
            await this.append(back, [this.event(k, 'RETURNED', back, { status: 'in_custody', outReason: undefined }, { authority: 'discharged' })]);
          });
        }
      });
      // Court days for detainees (Sunday to Thursday): out in the morning, back in the afternoon.
      const weekday = new Date(day).getUTCDay();
      if (['GHW', 'SHD', 'AQT'].includes(facility) && weekday >= 0 && weekday <= 4) {
        const leave = day + 5 * HOUR + 30 * 60_000;
        this.at(leave, async () => {
          const out = this.members(facility).filter((k) => this.state[k]!.status === 'in_custody' && this.state[k]!.present && r.chance(0.0015));
          await this.append(
            leave,
            out.map((k) =>
              this.event(
                k,
                'TEMPORARY_OUT',
                leave,
                { status: 'temporarily_out', outReason: 'court' },
                { reason: 'court', authority: 'hearing, al-Hasakah court' },
              ),
            ),
          );
          const back = day + 13 * HOUR;
          this.at(back, async () => {
            const returning = out.filter((k) => this.state[k]!.status === 'temporarily_out');
            await this.append(
              back,
              returning.map((k) => this.event(k, 'RETURNED', back, { status: 'in_custody', outReason: undefined }, { authority: 'returned from court' })),
            );
          });
        });
      }
      // Deaths (al-Hol's mortality was high): rare.
      if (facility === 'HOL' || facility === 'ROJ') {
        const when = day + r.int(0, 23) * HOUR;
        this.at(when, async () => {
          const dead = this.members(facility).filter(
            (k) => ['in_custody', 'temporarily_out'].includes(this.state[k]!.status) && this.state[k]!.present && r.chance(0.00003),
          );
          await this.append(
            when,
            dead.map((k) => this.event(k, 'DECEASED', when, { status: 'deceased', present: false }, { authority: 'camp clinic death record' })),
          );
        });
      }
    }
    if (date === '2026-01-08') this.planConvoy(day + 8 * HOUR);
    if (date === '2026-01-20') this.planCollapse();
    if (collapsed) this.planAfterCollapse(day);
    if (date >= AIRLIFT.firstDay && date <= AIRLIFT.lastDay) this.planFlights(day);
  }

  /** Households leaving together (walk-outs are by family). */
  private households(facility: string, share: (unit: string) => number): number[] {
    const leaving: number[] = [];
    for (const hh of this.world.plan.households) {
      if (hh.facility !== facility || !this.random.chance(share(hh.unit))) continue;
      for (const k of hh.members) {
        const s = this.state[k]!;
        if (s.present && s.status === 'in_custody') leaving.push(k);
      }
    }
    return leaving;
  }

  private planConvoy(at: number): void {
    this.at(at, async () => {
      // One Iraqi household in thirty goes home with this convoy.
      const iraqi = this.world.plan.households.filter((h) => h.facility === 'HOL' && this.world.plan.persons[h.members[0]!]!.nationality === 'IRQ');
      const chosen = this.random.shuffle([...iraqi]).slice(0, Math.max(1, Math.round(iraqi.length / 30)));
      const going = chosen
        .flatMap((h) => h.members)
        .filter((k) => this.state[k]!.status === 'in_custody' && this.state[k]!.present && this.world.plan.persons[k]!.nationality === 'IRQ');
      // Iraq's list of accepted returnees: one request each, handed over together (REPATRIATED, the request as evidence).
      await this.services.repatriation.handOverConvoy(this.actor, {
        state: 'IRQ',
        personIds: going.map((k) => this.world.personIds[k]!),
        representative: 'Iraqi Ministry of Migration and Displacement, convoy officer',
        authority: 'Iraqi return convoy to al-Jeddah 1 centre (phased return)',
        occurredAt: new Date(at),
        listReference: `IRQ-MoMD-${new Date(at).toISOString().slice(0, 10)}`,
      });
      for (const k of going) {
        Object.assign(this.state[k]!, { status: 'repatriated', present: false, since: at });
        this.summary.events.REPATRIATED = (this.summary.events.REPATRIATED ?? 0) + 1;
      }
      this.log(at, `Convoy: ${going.length} Iraqi nationals leave al-Hol for Iraq (phased return)`);
    });
  }

  private planCollapse(): void {
    const leave = Date.parse(COLLAPSE.guardsLeave);
    const arrive = Date.parse(COLLAPSE.forcesArrive);
    this.at(leave, async () => {
      this.log(leave, 'The SDF guards withdraw from al-Hol; no force holds the perimeter');
      // Over the six hours, families walk out: many more from the foreigners' annex (smugglers were waiting).
      const leaving = this.households('HOL', (u) => (u.startsWith('ANX') ? 0.3 : 0.14));
      for (const k of leaving) this.state[k]!.present = false;
      this.log(arrive - HOUR, `Six hours without guards: ${leaving.length} people walk out of al-Hol (not yet in any record)`);
    });
    this.at(arrive, async () => this.log(arrive, 'Government forces arrive at al-Hol and take over the perimeter'));
    // The same night, a riot at al-Shaddadah during its handover: a few detainees get out.
    const riot = Date.parse('2026-01-20T22:00:00Z');
    this.at(riot, async () => {
      const inside = this.members('SHD').filter((k) => this.state[k]!.status === 'in_custody' && this.state[k]!.present);
      const out = this.random.shuffle(inside).slice(0, Math.max(1, Math.round(inside.length * 0.015)));
      for (const k of out) this.state[k]!.present = false;
      this.log(
        riot,
        `Riot at al-Shaddadah prison during the handover: ${out.length} detainee${out.length === 1 ? '' : 's'} break${out.length === 1 ? 's' : ''} out`,
      );
      const confirm = Date.parse('2026-01-21T12:00:00Z');
      this.at(confirm, async () => {
        const gone = out.filter((k) => this.state[k]!.status === 'unaccounted');
        await this.append(
          confirm,
          gone.map((k) => this.event(k, 'ESCAPED', confirm, { status: 'escaped' }, { authority: 'al-Shaddadah: breakout of 20 January confirmed' })),
        );
        // Some are caught at checkpoints over the next days.
        for (const k of gone.filter(() => this.random.chance(0.4))) {
          const caught = confirm + this.random.int(1, 9) * DAY + this.random.int(0, 23) * HOUR;
          this.at(caught, async () => {
            if (this.state[k]!.status !== 'escaped') return;
            await this.append(caught, [
              this.event(
                k,
                'RECAPTURED',
                caught,
                { status: 'in_custody', present: true, facility: 'SHD' },
                { facilityId: this.fid('SHD'), authority: 'caught at a checkpoint' },
              ),
            ]);
          });
        }
      });
    });
  }

  private planAfterCollapse(day: number): void {
    const r = this.random;
    const date = new Date(day).toISOString().slice(0, 10);
    if (date === '2026-01-20') return;
    // Each night some families are smuggled out (USD 3,000-15,000 a family); the riots double it for three days.
    const riotDay = RIOT_NIGHTS.includes(date);
    const night = day + 21 * HOUR;
    this.at(night, async () => {
      const share = riotDay ? 0.028 : 0.0025;
      const leaving = this.households('HOL', (u) => (u.startsWith('ANX') ? share * 2 : share));
      for (const k of leaving) this.state[k]!.present = false;
      if (riotDay) this.log(night, `Riots in al-Hol: ${leaving.length} more walk out in the night`);
    });
    // Some of the unaccounted are found within days (hiding in other blocks, at relatives').
    this.at(day + 10 * HOUR, async () => {
      const t = day + 10 * HOUR;
      const found = [...this.unaccountedSince.entries()]
        .filter(([k, since]) => this.state[k]!.facility === 'HOL' && t - since > 12 * HOUR && !this.state[k]!.present && r.chance(0.02))
        .map(([k]) => k);
      await this.append(
        t,
        found.map((k) => this.event(k, 'ACCOUNTED', t, { status: 'in_custody', present: true }, { authority: 'found in the camp during a block search' })),
      );
    });
    // About two weeks on, the administration acknowledges the scale: the long unaccounted are recorded as escaped;
    // from then on, every Monday.
    const ack = Date.parse(ACKNOWLEDGED);
    const monday = new Date(day).getUTCDay() === 1 && day > ack;
    if (date === ACKNOWLEDGED.slice(0, 10) || monday) {
      const t = date === ACKNOWLEDGED.slice(0, 10) ? ack : day + 10 * HOUR;
      this.at(t, async () => {
        const escaped = [...this.unaccountedSince.entries()]
          .filter(([k, since]) => this.state[k]!.facility === 'HOL' && t - since > 3 * DAY && !this.state[k]!.present)
          .map(([k]) => k);
        await this.append(
          t,
          escaped.map((k) =>
            this.event(k, 'ESCAPED', t, { status: 'escaped' }, { authority: 'al-Hol administration review: left the camp, whereabouts unknown' }),
          ),
          { auditAction: 'custody.escapes_confirmed' },
        );
        this.log(t, `al-Hol administration records ${escaped.length} residents as escaped (unaccounted for more than three days)`);
        // The review closes the alerts it answers: the Deltas and repeated absences raised before it.
        const open = await this.services.alerts.list(this.actor, { status: 'open', facilityId: this.fid('HOL'), limit: 10_000 });
        const answered = open.filter(
          (a) => (a.rule === 'rollcall.mass_absence' || a.rule === 'person.repeated_absence' || a.rule === 'rollcall.delta') && a.raisedAt.getTime() < t,
        );
        for (const a of answered)
          await this.services.alerts.resolve(
            this.actor,
            a.id,
            `Answered by the review of ${new Date(t).toISOString().slice(0, 10)}: absences recorded as escapes`,
          );
        if (answered.length) this.log(t, `${answered.length} open al-Hol alerts resolved by the review`);
      });
    }
  }

  // --- the airlift ---------------------------------------------------------------------------------------------

  private planFlights(day: number): void {
    const first = Date.parse(`${AIRLIFT.firstDay}T00:00:00Z`);
    const last = Date.parse(`${AIRLIFT.lastDay}T00:00:00Z`);
    const days = Math.round((last - first) / DAY) + 1;
    const index = Math.round((day - first) / DAY);
    // Spread 50 flights over the days: flight numbers whose share falls on this day.
    const from = Math.floor((index * AIRLIFT.flights) / days);
    const to = Math.floor(((index + 1) * AIRLIFT.flights) / days);
    for (let f = from; f < to; f++) {
      const depart = day + 3 * HOUR + (f - from) * 4 * HOUR + 30 * 60_000;
      this.at(depart, () => this.flight(f + 1, depart));
    }
  }

  private async flight(no: number, depart: number): Promise<void> {
    const remainingFlights = AIRLIFT.flights - no + 1;
    // Alternate prisons in proportion to who is left to fly from each.
    const queues = [...this.airliftQueue.entries()].filter(([, q]) => q.length > 0);
    if (queues.length === 0) return;
    const left = queues.reduce((s, [, q]) => s + q.length, 0);
    const [prison, queue] = queues.sort((a, b) => b[1].length - a[1].length)[0]!;
    const size = Math.ceil(left / remainingFlights);
    const manifest: number[] = [];
    const keep: number[] = [];
    for (const k of queue) {
      const s = this.state[k]!;
      if (manifest.length < size && s.status === 'in_custody' && s.present) manifest.push(k);
      else if (s.status === 'in_custody' || s.status === 'temporarily_out' || s.status === 'unaccounted') keep.push(k);
    }
    this.airliftQueue.set(prison, keep);
    if (manifest.length === 0) return;
    // Flight 27: one detainee escapes on the road to the airfield (taken off the manifest) and is caught three days
    // later; the rest of the airlift's discrepancies are in scenario.airlift.ts.
    const escapee = no === 27 ? manifest.slice(-1) : [];
    const refused = await this.airlift.flight(
      { no, prison, dest: 'IRQ-RCV', manifest, depart, cancelled: { keys: escapee, reason: `escaped on the road to the airfield (flight ${no})` } },
      (departed, arrived) => {
        this.summary.flights.push({ flight: no, from: prison, departed, arrived, at: new Date(depart) });
      },
    );
    this.airliftQueue.set(prison, [...refused, ...(this.airliftQueue.get(prison) ?? [])]);
    if (escapee.length) {
      await this.append(
        depart,
        escapee.map((k) =>
          this.event(k, 'ESCAPED', depart, { status: 'escaped', present: false }, { authority: `escaped from the convoy to the airfield (flight ${no})` }),
        ),
      );
      this.log(depart, `Flight ${no}: one detainee escapes on the road to the airfield`);
      const caught = depart + 3 * DAY;
      this.at(caught, async () => {
        await this.append(
          caught,
          escapee.map((k) =>
            this.event(
              k,
              'RECAPTURED',
              caught,
              { status: 'in_custody', present: true, facility: prison },
              { facilityId: this.fid(prison), authority: 'caught near al-Hasakah' },
            ),
          ),
        );
      });
    }
  }

  // --- running -------------------------------------------------------------------------------------------------

  /** Replays the timeline up to `until`, advancing the fake clock step by step. Call once. */
  async run(opts: ReplayOptions): Promise<ReplaySummary> {
    const until = Math.min(parseUntil(opts.until).getTime(), Date.parse(TIMELINE_END));
    try {
      await this.runUntil(until, opts);
    } catch (err) {
      await this.closeSensors(until).catch(() => undefined);
      throw err;
    }
    this.clock.set(new Date(until));
    await this.closeSensors(until);
    this.summary.until = new Date(until);
    return this.summary;
  }

  private async runUntil(until: number, opts: ReplayOptions): Promise<void> {
    let day = Date.parse(TIMELINE_START);
    let lastAt = day;
    this.log(day, 'Timeline starts: a roll call every morning in every facility');
    while (day < until) {
      this.planDay(day);
      const end = day + DAY;
      for (;;) {
        // The next step of the day (steps may schedule more steps, today or later).
        let next = -1;
        for (let i = 0; i < this.steps.length; i++) {
          const s = this.steps[i]!;
          if (s.at < end && s.at < until && (next < 0 || s.at < this.steps[next]!.at || (s.at === this.steps[next]!.at && s.order < this.steps[next]!.order)))
            next = i;
        }
        if (next < 0) break;
        const [step] = this.steps.splice(next, 1);
        if (opts.speed && opts.speed > 0) await sleep(Math.min(5000, (step!.at - lastAt) / opts.speed));
        lastAt = step!.at;
        this.clock.set(new Date(step!.at));
        await step!.run();
        // The case consumers react to exits from custody (a reintegration case, an alert for a child left without a
        // carer) and draw ids as they write: waited for here, so their draws fall at the same place in every replay
        // and the ledger's head is the same on either database.
        await this.services.dispatcher.idle(CASE_CONSUMERS);
      }
      day = end;
      this.summary.until = new Date(Math.min(end, until));
      opts.onDay?.(new Date(day), this.summary);
    }
  }

  /** How many the record and the world disagree on: in custody by the record, but not there. */
  hiddenAbsences(facility: string): number {
    return this.members(facility).filter((k) => this.state[k]!.status === 'in_custody' && !this.state[k]!.present).length;
  }

  /** The mirror's record status of a person (for tests). */
  statusOf(personId: string): CustodyStatus | undefined {
    const k = this.keyOf.get(personId);
    return k === undefined ? undefined : this.state[k]!.status;
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** The leaf units of the receiving facility (for tests and the demo's description). */
export function receivingUnits(world: SeededWorld): string[] {
  return leafUnits(world.plan.facilities.find((f) => f.code === 'IRQ-RCV')!);
}
