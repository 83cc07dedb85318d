import type { Actor } from '../../modules/access';
import type { Services } from '../../services';
import type { MarksInput } from '../../modules/rollcalls';

/** What the replay knows at a roll call: who should be there, who is not, who is excused (hospital, court). */
export interface RollCallInput {
  facilityCode: string;
  facilityId: string;
  at: Date;
  /** Persons on the manifest (in custody, temporarily out, unaccounted). */
  expected: string[];
  /** On the manifest, in custody by the record, but not there (walked out, late): they become UNACCOUNTED. */
  absent: string[];
  /** Already unaccounted before this roll call: still absent, still in the Delta. */
  stillUnaccounted: string[];
  excused: { personId: string; reason: string }[];
}

export interface RollCallOutcome {
  facilityCode: string;
  at: Date;
  expected: number;
  present: number;
  excused: number;
  /** Manifest minus verified present minus excused. */
  delta: number;
  /** Newly unaccounted at this roll call. */
  unaccounted: string[];
  /** The roll call's id and the alerts its close raised, when the roll calls module ran it. */
  rollCallId?: string;
  alerts?: { id: string; rule: string }[];
}

/** How the replay conducts a roll call: through the roll calls module when it exists, else directly in the ledger. */
export interface RollCallPort {
  readonly kind: 'rollcalls' | 'ledger';
  conduct(input: RollCallInput): Promise<RollCallOutcome>;
}

/** A roll call's outcome written as what its close would append: one UNACCOUNTED event per absent person. */
export class LedgerRollCalls implements RollCallPort {
  readonly kind = 'ledger' as const;
  constructor(
    private readonly services: Services,
    private readonly actor: Actor,
  ) {}

  async conduct(input: RollCallInput): Promise<RollCallOutcome> {
    if (input.absent.length) {
      await this.services.custody.appendMany(
        this.actor,
        input.absent.map((personId) => ({
          personId,
          type: 'UNACCOUNTED' as const,
          occurredAt: input.at.toISOString(),
          authority: `roll call ${input.facilityCode} ${input.at.toISOString().slice(0, 16)}Z`,
        })),
        { auditAction: 'rollcall.close', context: { facility: input.facilityCode, source: 'scenario replay' } },
      );
    }
    const excused = input.excused.length;
    const absent = input.absent.length + input.stillUnaccounted.length;
    return {
      facilityCode: input.facilityCode,
      at: input.at,
      expected: input.expected.length,
      present: input.expected.length - excused - absent,
      excused,
      delta: absent,
      unaccounted: input.absent,
    };
  }
}

type RollcallsLike = Pick<Services['rollcalls'], 'open' | 'mark' | 'close'>;

/** Roll calls through the roll calls module (issue 3): open with the manifest, marks, close; the close appends the
 * UNACCOUNTED events and the alerts module evaluates its rules on it. */
export class ServiceRollCalls implements RollCallPort {
  readonly kind = 'rollcalls' as const;
  constructor(
    private readonly rollcalls: RollcallsLike,
    private readonly actor: Actor,
  ) {}

  async conduct(input: RollCallInput): Promise<RollCallOutcome> {
    const { id } = await this.rollcalls.open(this.actor, { facilityId: input.facilityId });
    const absent = new Set([...input.absent, ...input.stillUnaccounted]);
    const excused = new Map(input.excused.map((e) => [e.personId, e.reason]));
    const marks: MarksInput['marks'] = input.expected.map((personId) =>
      excused.has(personId)
        ? { personId, result: 'excused' as const, reason: excused.get(personId) as 'hospital' | 'court' | 'transfer' | 'other' }
        : absent.has(personId)
          ? { personId, result: 'absent' as const }
          : { personId, result: 'present' as const, method: 'visual' as const },
    );
    for (let i = 0; i < marks.length; i += 5000) await this.rollcalls.mark(this.actor, id, { marks: marks.slice(i, i + 5000) });
    const closed = await this.rollcalls.close(this.actor, id);
    return {
      facilityCode: input.facilityCode,
      at: input.at,
      expected: closed.expected,
      present: closed.present,
      excused: closed.excused,
      delta: closed.delta,
      unaccounted: closed.unaccounted,
      rollCallId: id,
      alerts: closed.alerts.map((a) => ({ id: a.id, rule: a.rule })),
    };
  }
}

/**
 * The roll calls module (the default: it appends the events and raises the alerts), or 'ledger': the outcome written
 * straight into the ledger, no roll call records and no alerts (faster, for benchmarks of the ledger alone).
 */
export function rollCallPort(services: Services, actor: Actor, prefer: 'rollcalls' | 'ledger' = 'rollcalls'): RollCallPort {
  return prefer === 'rollcalls' ? new ServiceRollCalls(services.rollcalls, actor) : new LedgerRollCalls(services, actor);
}
