import type { Services } from '../../src/services';
import { systemActor, type Actor } from '../../src/modules/access';
import type { CreatePersonInput } from '../../src/modules/registry';
import type { FacilityView, UnitView } from '../../src/modules/facilities';

const admin: Actor = systemActor('test fixtures');
let counter = 0;

export async function buildFacility(
  s: Services,
  overrides: Partial<{ code: string; name: string; kind: 'camp' | 'prison' | 'transit' | 'hospital' | 'court' | 'receiving_authority'; capacity: number }> = {},
  unitCount = 2,
): Promise<{ facility: FacilityView; units: UnitView[] }> {
  counter += 1;
  const facility = await s.facilities.create(admin, {
    code: overrides.code ?? `FAC${counter}`,
    name: overrides.name ?? `Facility ${counter}`,
    kind: overrides.kind ?? 'camp',
    capacity: overrides.capacity,
  });
  const units: UnitView[] = [];
  for (let i = 1; i <= unitCount; i++) {
    units.push(await s.facilities.addUnit(admin, facility.id, { code: `B${i}`, name: `Block ${i}` }));
  }
  return { facility, units };
}

export function personInput(overrides: Partial<CreatePersonInput> = {}): CreatePersonInput {
  counter += 1;
  return {
    names: [{ full: `Ahmad bin Ali al-Test${counter}` }],
    sex: 'M',
    birthDate: '1990',
    nationalities: ['IRQ'],
    ...overrides,
  } as CreatePersonInput;
}

export async function buildPerson(s: Services, overrides: Partial<CreatePersonInput> = {}): Promise<string> {
  const [id] = await s.registry.createMany(admin, [personInput(overrides)]);
  return id!;
}

/** A person admitted to a facility (and unit), ready for custody events. */
export async function buildAdmittedPerson(
  s: Services,
  at: { facilityId: string; unitId?: string },
  overrides: Partial<CreatePersonInput> = {},
): Promise<string> {
  const id = await buildPerson(s, { facilityId: at.facilityId, ...overrides });
  await s.custody.append(admin, { personId: id, type: 'ADMITTED', facilityId: at.facilityId, unitId: at.unitId });
  return id;
}

export { admin as adminActor };
