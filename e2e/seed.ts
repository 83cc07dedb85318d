import { systemActor, type Role } from '../src/modules/access';
import type { Services } from '../src/services';

/**
 * A small, deterministic world for the browser tests: three facilities, al-Hol with blocks and a small test block,
 * a few hundred residents (some with names in Arabic script only, some French), and one user per role.
 */
export interface E2eWorld {
  facilities: Record<'HOL' | 'ROJ' | 'GHW', string>;
  units: Record<string, string>;
  /** The person whose only name is in Arabic script. */
  arabicPersonId: string;
  arabicName: string;
  /** Persons in the small block T-1 (the roll-call test counts it). */
  testBlock: string[];
  users: Record<string, Role>;
}

const GIVEN_M = ['Mohammed', 'Ahmad', 'Ali', 'Omar', 'Khalid', 'Hassan', 'Yusuf', 'Ibrahim'];
const GIVEN_F = ['Fatima', 'Aisha', 'Maryam', 'Khadija', 'Zaynab', 'Asma', 'Hiba', 'Nour'];
const FAMILY = ['al-Dulaimi', 'al-Obeidi', 'al-Tikriti', 'al-Shammari', 'al-Ani', 'al-Hamdani'];
const FRENCH = ['Camille Martin', 'Léa Bernard', 'Chloé Dubois', 'Manon Durand', 'Inès Moreau', 'Sarah Laurent'];

export async function seedE2eWorld(services: Services, password: string, opts: { bigUnit?: number } = {}): Promise<E2eWorld> {
  const actor = systemActor('e2e seed');
  const hol = await services.facilities.create(actor, {
    code: 'HOL',
    name: 'al-Hol camp',
    kind: 'camp',
    capacity: 45000,
    country: 'SYR',
    location: { latitude: 36.3729, longitude: 41.1467 },
  });
  const roj = await services.facilities.create(actor, {
    code: 'ROJ',
    name: 'Roj camp',
    kind: 'camp',
    capacity: 3500,
    country: 'SYR',
    location: { latitude: 36.8747, longitude: 42.0367 },
  });
  const ghw = await services.facilities.create(actor, {
    code: 'GHW',
    name: 'Ghwayran prison (al-Hasakah)',
    kind: 'prison',
    capacity: 5000,
    country: 'SYR',
    location: { latitude: 36.4768, longitude: 40.7292 },
  });
  const units: Record<string, string> = {};
  for (const [code, name] of [
    ['P1-B1', 'Phase 1 block 1'],
    ['P1-B2', 'Phase 1 block 2'],
    ['T-1', 'Test block 1'],
  ] as const) {
    units[code] = (await services.facilities.addUnit(actor, hol.id, { code, name })).id;
  }
  units['ROJ-A'] = (await services.facilities.addUnit(actor, roj.id, { code: 'A', name: 'Section A' })).id;
  units['GHW-W1'] = (await services.facilities.addUnit(actor, ghw.id, { code: 'W1', name: 'Wing 1' })).id;

  let n = 0;
  const latin = (female: boolean) => {
    n += 1;
    const g = female ? GIVEN_F : GIVEN_M;
    return `${g[n % g.length]} ${GIVEN_M[(n * 7) % GIVEN_M.length]} ${FAMILY[(n * 3) % FAMILY.length]}`;
  };
  const admit = async (facilityId: string, unitId: string, inputs: Parameters<Services['registry']['createMany']>[1]) => {
    const ids = await services.registry.createMany(
      actor,
      inputs.map((i) => ({ ...i, facilityId })),
    );
    await services.custody.appendMany(
      actor,
      ids.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId, unitId })),
    );
    return ids;
  };
  const people = (count: number, nat: (i: number) => string) =>
    Array.from({ length: count }, (_, i) => {
      const female = i % 3 !== 0;
      return { names: [{ full: latin(female) }], sex: (female ? 'F' : 'M') as 'F' | 'M', birthDate: String(1975 + (i % 45)), nationalities: [nat(i)] };
    });

  await admit(
    hol.id,
    units['P1-B1']!,
    people(120, (i) => (i % 2 ? 'IRQ' : 'SYR')),
  );
  await admit(hol.id, units['P1-B2']!, [
    ...people(90, (i) => (i % 3 ? 'IRQ' : 'SYR')),
    ...FRENCH.map((full, i) => ({ names: [{ full }], sex: 'F' as const, birthDate: String(1990 + i), nationalities: ['FRA'] })),
  ]);
  const testBlock = await admit(
    hol.id,
    units['T-1']!,
    people(12, () => 'IRQ'),
  );
  await admit(roj.id, units['ROJ-A']!, [
    ...people(40, (i) => (i % 4 ? 'SYR' : 'IRQ')),
    ...FRENCH.slice(0, 3).map((full, i) => ({ names: [{ full: `${full}-R` }], sex: 'F' as const, birthDate: String(1985 + i), nationalities: ['FRA'] })),
  ]);
  await admit(
    ghw.id,
    units['GHW-W1']!,
    people(60, (i) => (i % 5 ? 'IRQ' : 'SYR')),
  );

  // A household with an Arabic-only name, her child and a relation: the record page shows every script and the family.
  const arabicName = 'محمد عبد الرحمن الجبوري';
  const household = await services.registry.createHousehold(actor, { label: 'al-Jubouri family (P1-B1 tent 14)', facilityId: hol.id });
  const [arabicPersonId] = await admit(hol.id, units['P1-B1']!, [
    {
      names: [{ full: arabicName, script: 'arabic' }],
      sex: 'M',
      birthDate: '1986',
      nationalities: ['IRQ'],
      householdId: household.id,
      documents: [{ type: 'camp_card', number: 'HOL-014-0001' }],
    },
  ]);
  await admit(hol.id, units['P1-B1']!, [
    {
      names: [
        { full: 'فاطمة محمد الجبوري', script: 'arabic' },
        { full: 'Fatima Mohammed al-Jubouri', script: 'latin' },
      ],
      sex: 'F',
      birthDate: '2015',
      nationalities: ['IRQ'],
      householdId: household.id,
      relations: [{ kind: 'father_of', personId: arabicPersonId! }],
    },
  ]);

  if (opts.bigUnit) {
    // One large block, as at al-Hol, for the roll-call list: thousands of rows on a tablet.
    units['BIG'] = (await services.facilities.addUnit(actor, hol.id, { code: 'P2-BIG', name: 'Phase 2 large block' })).id;
    for (let done = 0; done < opts.bigUnit; done += 1000) {
      await admit(
        hol.id,
        units['BIG']!,
        people(Math.min(1000, opts.bigUnit - done), (i) => (i % 2 ? 'IRQ' : 'SYR')),
      );
    }
  }

  const users: Record<string, Role> = {};
  const plan: { username: string; role: Role; facilityIds?: string[]; nationalities?: string[] }[] = [
    { username: 'admin', role: 'admin' },
    { username: 'commander', role: 'commander' },
    { username: 'officer', role: 'officer', facilityIds: [hol.id] },
    { username: 'registrar', role: 'registrar', facilityIds: [hol.id] },
    { username: 'monitor', role: 'monitor' },
    { username: 'liaison-fr', role: 'liaison', nationalities: ['FRA'] },
  ];
  for (const u of plan) {
    await services.access.createUser(actor, { username: u.username, password, role: u.role, facilityIds: u.facilityIds, nationalities: u.nationalities });
    users[u.username] = u.role;
  }
  return { facilities: { HOL: hol.id, ROJ: roj.id, GHW: ghw.id }, units, arabicPersonId: arabicPersonId!, arabicName, testBlock, users };
}
