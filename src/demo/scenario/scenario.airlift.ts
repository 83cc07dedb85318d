import type { Actor } from '../../modules/access';
import type { Services } from '../../services';

/**
 * The airlift through the transfers module (issue 18): one operation, a movement per flight, its manifest proposed by
 * the planner and approved, boarding at the gate, departure (TRANSFER_DEPARTED, the sender signs), the count off at
 * the Iraqi facility and the receiver's receipt (TRANSFER_ARRIVED), and the discrepancies resolved through the same
 * API a user has on screen.
 *
 * Scenario data, said plainly: the replay cannot run the face or fingerprint engine on thousands of detainees (it has
 * no images), so each boarding is recorded as a supervisor's override whose reason says what was checked and that it
 * is scenario data (`BOARDING_CHECK`), never as a cited verification id; the arrival's identification likewise is
 * the scenario's list of who really came off the aircraft.
 */

/** The boarding record of the scenario's detainees: an override with this reason (see above). */
export const BOARDING_CHECK = 'scenario data: fingerprint checked against the paper list at the airfield, not run through the matcher';

export const AIRLIFT_OPERATION = 'Airlift of high-risk detainees to Iraqi custody';

/** The scenario's flights with a discrepancy (all within the default demo's days but flight 12's), each resolved by an officer. */
export const AIRLIFT_DISCREPANCIES = {
  /** One detainee refuses to board (taken off the manifest at departure: "did not board"). */
  refusedToBoard: 2,
  /** One detainee not identified at arrival (name misspelled on the manifest); found on 26 January (the default demo's last day). */
  notIdentified: 2,
  notIdentifiedResolvedAt: '2026-01-26T09:00:00Z',
  /** One detainee on flight 4's manifest boards flight 5 by mistake: missing off 4, extra off 5, re-attributed that day. */
  wrongFlight: { manifest: 4, flown: 5 },
  /** Flight 12: two arrivals identified only the next day. */
  lateIdentified: 12,
} as const;

export interface AirliftHost {
  readonly services: Services;
  readonly actor: Actor;
  personId(k: number): string;
  fid(code: string): string;
  at(t: number, run: () => Promise<void>): void;
  log(t: number, text: string): void;
  /** The mirror: the person's record now says this (and a ledger event of that type was written by the module). */
  moved(k: number, type: 'TRANSFER_DEPARTED' | 'TRANSFER_ARRIVED', at: number, facility?: string): void;
}

export interface AirliftFlight {
  no: number;
  prison: string;
  dest: string;
  manifest: number[];
  /** Departure time (ms). */
  depart: number;
  /** Taken off before boarding (an escape on the road): cancelled with this reason. */
  cancelled?: { keys: number[]; reason: string };
}

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The flights of one operation, recorded through the transfers module. */
export class AirliftOperation {
  private operationId: string | null = null;
  /** Persons who must still be identified off an earlier flight (the wrong-flight case): key -> that movement. */
  private readonly strayed = new Map<number, string>();

  constructor(private readonly host: AirliftHost) {}

  private async operation(): Promise<string> {
    if (!this.operationId) {
      const op = await this.host.services.transfers.createOperation(this.host.actor, { name: AIRLIFT_OPERATION });
      this.operationId = op.id;
    }
    return this.operationId;
  }

  /**
   * Plans and approves the flight at once (two hours before departure), boards an hour before, departs; schedules
   * the arrival, receipt and any resolution. Returns the keys not flown (refused to board) to go back to the queue.
   */
  async flight(f: AirliftFlight, onDone: (departed: number, arrived: number) => void): Promise<number[]> {
    const { services, actor } = this.host;
    const t = services.transfers;
    const d = AIRLIFT_DISCREPANCIES;
    const ids = f.manifest.map((k) => this.host.personId(k));
    const escorts = Math.ceil(f.manifest.length / 4) + 2;
    const movement = await t.createMovement(actor, await this.operation(), {
      code: `AL-${String(f.no).padStart(2, '0')}`,
      kind: 'flight',
      carrier: 'Iraqi Air Force',
      vehicle: `YI-${(900 + (f.no % 7) * 11).toString()}`,
      capacity: Math.max(140, f.manifest.length),
      escorts,
      escortRatio: 4,
      fromFacilityId: this.host.fid(f.prison),
      toFacilityId: this.host.fid(f.dest),
      departsAt: new Date(f.depart).toISOString(),
      arrivesAt: new Date(f.depart + 3 * HOUR + 15 * MINUTE).toISOString(),
      transitLimitMinutes: 12 * 60,
    });
    const plan = await t.plan(actor, await this.operation(), {
      criteria: { facilityId: this.host.fid(f.prison), personIds: ids },
      constraints: { escortRatio: null, together: [], apart: [] },
      holds: [],
    });
    if (plan.placed === 0) return f.manifest;
    // The mirror chose persons in custody there; whom the planner still refused stays off this flight.
    const unplaced = new Set(plan.unplaced.map((u) => u.personId));
    const manifest = f.manifest.filter((k) => !unplaced.has(this.host.personId(k)));
    await t.approve(actor, movement.id);

    const cancelled = new Set((f.cancelled?.keys ?? []).filter((k) => manifest.includes(k)));
    for (const k of cancelled) await t.cancelMove(actor, movement.id, this.host.personId(k), f.cancelled!.reason);
    // The discrepancies need a few persons on board (a world scaled far down has flights of one or two).
    const refused = f.no === d.refusedToBoard && manifest.length - cancelled.size >= 3 ? manifest.filter((k) => !cancelled.has(k)).slice(0, 1) : [];
    const boarding = manifest.filter((k) => !cancelled.has(k) && !refused.includes(k));
    for (const k of boarding) await t.board(actor, movement.id, { personId: this.host.personId(k), override: { reason: BOARDING_CHECK } });
    if (boarding.length === 0) return [];
    if (refused.length) this.host.log(f.depart, `Flight ${f.no}: one detainee refuses to board and stays at ${f.prison}`);
    await t.depart(actor, movement.id);
    for (const k of boarding) this.host.moved(k, 'TRANSFER_DEPARTED', f.depart);

    // Who comes off the aircraft at the other end.
    const notIdentified = boarding.length < 3 ? [] : f.no === d.notIdentified ? boarding.slice(0, 1) : f.no === d.lateIdentified ? boarding.slice(0, 2) : [];
    const strays = f.no === d.wrongFlight.manifest && boarding.length >= 2 ? boarding.slice(-1) : [];
    for (const k of strays) this.strayed.set(k, movement.id);
    const extra = f.no === d.wrongFlight.flown ? [...this.strayed.keys()] : [];
    const arrive = f.depart + 3 * HOUR + 15 * MINUTE;
    this.host.at(arrive, async () => {
      const off = [...boarding.filter((k) => !notIdentified.includes(k) && !strays.includes(k)), ...extra];
      const counted = await t.arrive(
        actor,
        movement.id,
        off.map((k) => this.host.personId(k)),
      );
      await t.receipt(actor, movement.id, { manifestHash: counted.manifestHash! });
      for (const k of off) if (!extra.includes(k)) this.host.moved(k, 'TRANSFER_ARRIVED', arrive, f.dest);
      onDone(boarding.length, off.length - extra.length);
      if (notIdentified.length + strays.length > 0) {
        this.host.log(arrive, `Flight ${f.no}: ${boarding.length} departed, ${off.length - extra.length} identified at arrival (a count discrepancy)`);
      }
      // The stray came off this flight: an officer re-attributes them (the screen's "flew on this flight" resolution):
      // received on the flight whose manifest named them, missing there and extra here both cleared.
      for (const k of extra) {
        this.strayed.delete(k);
        await services.transfersDisputes.resolve(actor, movement.id, {
          kind: 'reattributed',
          personId: this.host.personId(k),
          reason: `identified off flight ${f.no} at arrival: boarded the wrong aircraft`,
        });
        this.host.moved(k, 'TRANSFER_ARRIVED', arrive, f.dest);
        this.host.log(arrive, `Flight ${f.no}: one extra detainee, from flight ${d.wrongFlight.manifest}'s manifest, received on it`);
      }
      if (notIdentified.length) {
        const found = f.no === d.notIdentified ? Date.parse(d.notIdentifiedResolvedAt) : arrive + 24 * HOUR;
        this.host.at(found, async () => {
          for (const k of notIdentified) {
            await services.transfersDisputes.resolve(actor, movement.id, {
              kind: 'found',
              personId: this.host.personId(k),
              reason: 'identified by fingerprint after a re-capture: the name on the manifest was misspelled',
            });
            this.host.moved(k, 'TRANSFER_ARRIVED', found, f.dest);
          }
          this.host.log(found, `Flight ${f.no}: ${notIdentified.length} arrival(s) identified late and received`);
        });
      }
    });
    return refused;
  }
}
