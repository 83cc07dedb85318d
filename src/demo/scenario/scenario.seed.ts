import type { FakeClock } from '../../platform/clock';
import { systemActor, type Actor } from '../../modules/access';
import type { AppendRequest } from '../../modules/custody';
import type { CreatePersonInput } from '../../modules/registry';
import type { Services } from '../../services';
import type { PersonPlan, WorldPlan } from './scenario.world';

/** What the seed created: the plan's codes and keys resolved to the ids the services gave them. */
export interface SeededWorld {
  plan: WorldPlan;
  facilityIds: Map<string, string>;
  /** `FACILITY/UNIT` code -> unit id. */
  unitIds: Map<string, string>;
  /** Person id by plan key. */
  personIds: string[];
  householdIds: string[];
}

export const SEED_START = '2026-01-01T00:00:00Z';

export interface SeedProgress {
  phase: 'facilities' | 'persons' | 'admissions';
  done: number;
  total: number;
}

const BATCH = 1000;

/** The authority recorded on each facility's historical admissions. */
const ADMITTING_AUTHORITY: Record<string, string> = {
  HOL: 'NES camp administration, intake after Baghouz',
  ROJ: 'NES camp administration',
  GHW: 'SDF detention administration',
  SHD: 'SDF detention administration',
  AQT: 'SDF detention administration',
};

/**
 * Enrols the planned world through the services, exactly as the API would: facilities and units, households,
 * persons (registry validation for every one), then each person's admission in the custody ledger, in batches.
 * The clock is set to SEED_START (the day the records were migrated into Custos); admissions carry their historical
 * dates as occurredAt.
 */
export async function seedWorld(
  services: Services,
  plan: WorldPlan,
  opts: { clock: FakeClock; actor?: Actor; onProgress?: (p: SeedProgress) => void },
): Promise<SeededWorld> {
  const actor = opts.actor ?? systemActor('scenario seed');
  const { clock } = opts;
  clock.set(SEED_START);
  const tick = () => clock.advance(1000);
  const facilityIds = new Map<string, string>();
  const unitIds = new Map<string, string>();
  for (const f of plan.facilities) {
    const { units, ...input } = f;
    const created = await services.facilities.create(actor, input);
    facilityIds.set(f.code, created.id);
    for (const u of units) {
      const { parent, ...unit } = u;
      const parentUnitId = parent ? unitIds.get(`${f.code}/${parent}`) : undefined;
      const made = await services.facilities.addUnit(actor, created.id, { ...unit, parentUnitId });
      unitIds.set(`${f.code}/${u.code}`, made.id);
    }
    opts.onProgress?.({ phase: 'facilities', done: facilityIds.size, total: plan.facilities.length });
  }
  tick();

  const personIds: string[] = new Array(plan.persons.length);
  const householdIds: string[] = new Array(plan.households.length);
  const total = plan.persons.length;
  let done = 0;
  const enrol = async (people: PersonPlan[]) => {
    for (let i = 0; i < people.length; i += BATCH) {
      const chunk = people.slice(i, i + BATCH);
      const inputs: CreatePersonInput[] = chunk.map((p) => ({
        ...p.input,
        facilityId: facilityIds.get(p.facility)!,
        householdId: p.household !== undefined ? householdIds[p.household] : undefined,
        relations: p.relations.map((r) => ({ kind: r.kind, personId: personIds[r.to]! })),
      }));
      const ids = await services.registry.createMany(actor, inputs);
      chunk.forEach((p, k) => (personIds[p.key] = ids[k]!));
      done += chunk.length;
      opts.onProgress?.({ phase: 'persons', done, total });
      tick();
    }
  };

  // Detainees first: some camp women and children are linked to a husband or father in prison.
  await enrol(plan.persons.filter((p) => p.group === 'detainee'));
  // Then households in chunks: the household, its adults, then its children (linked to their mother).
  const HOUSEHOLDS = 250;
  for (let h = 0; h < plan.households.length; h += HOUSEHOLDS) {
    const chunk = plan.households.slice(h, h + HOUSEHOLDS);
    const made = await services.registry.createHouseholds(
      actor,
      chunk.map((hh) => ({ label: hh.label, facilityId: facilityIds.get(hh.facility) })),
    );
    chunk.forEach((hh, i) => (householdIds[hh.key] = made[i]!.id));
    const members = chunk.flatMap((hh) => hh.members.map((k) => plan.persons[k]!));
    await enrol(members.filter((p) => p.group === 'camp_adult'));
    await enrol(members.filter((p) => p.group === 'camp_child'));
  }

  // Admissions, historical dates as occurredAt, oldest first.
  const admissions: AppendRequest[] = [...plan.persons]
    .sort((a, b) => a.admittedAt.localeCompare(b.admittedAt) || a.key - b.key)
    .map((p) => ({
      personId: personIds[p.key]!,
      type: 'ADMITTED' as const,
      facilityId: facilityIds.get(p.facility)!,
      unitId: unitIds.get(`${p.facility}/${p.unit}`)!,
      occurredAt: `${p.admittedAt}T09:00:00.000Z`,
      authority: ADMITTING_AUTHORITY[p.facility] ?? 'admission',
    }));
  for (let i = 0; i < admissions.length; i += 2 * BATCH) {
    await services.custody.appendMany(actor, admissions.slice(i, i + 2 * BATCH), { auditAction: 'custody.admit_batch', context: { source: 'scenario seed' } });
    opts.onProgress?.({ phase: 'admissions', done: Math.min(i + 2 * BATCH, admissions.length), total: admissions.length });
    tick();
  }
  return { plan, facilityIds, unitIds, personIds, householdIds };
}
