import { systemActor, type Role } from './modules/access';
import type { Services } from './services';

/**
 * A minimal demo world so that `npm start` shows a working system: the facilities of the seeds, a population admitted
 * through the registry and the ledger, and one user per role. The scenario module (issue 4) replaces the population
 * with the realistic, timeline-driven one.
 */
export const DEMO_PASSWORD = 'custos-demo-2026';

const FACILITIES = [
  { code: 'HOL', name: 'al-Hol camp', kind: 'camp', capacity: 45000, location: { latitude: 36.3729, longitude: 41.1467 }, country: 'SYR' },
  { code: 'ROJ', name: 'Roj camp', kind: 'camp', capacity: 3500, location: { latitude: 36.8747, longitude: 42.0367 }, country: 'SYR' },
  { code: 'GHW', name: 'Ghwayran prison (al-Hasakah)', kind: 'prison', capacity: 5000, location: { latitude: 36.4768, longitude: 40.7292 }, country: 'SYR' },
  { code: 'SHD', name: 'al-Shaddadah prison', kind: 'prison', capacity: 1800, location: { latitude: 36.0567, longitude: 40.7303 }, country: 'SYR' },
  { code: 'AQT', name: 'al-Aqtan prison (Raqqa)', kind: 'prison', capacity: 2500, location: { latitude: 35.9667, longitude: 39.0167 }, country: 'SYR' },
] as const;

function rng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const GIVEN_M = ['Mohammed', 'Ahmad', 'Ali', 'Omar', 'Khalid', 'Hassan', 'Yusuf', 'Ibrahim', 'Abdullah', 'Mahmoud'];
const GIVEN_F = ['Fatima', 'Aisha', 'Maryam', 'Khadija', 'Zaynab', 'Asma', 'Hiba', 'Nour', 'Sara', 'Amina'];
const FAMILY = ['al-Jubouri', 'al-Dulaimi', 'al-Obeidi', 'al-Tikriti', 'al-Shammari', 'al-Ani', 'al-Baghdadi', 'al-Hamdani'];

export async function seedDemo(services: Services, opts: { scale: 'small' | 'full'; seed: number }) {
  const actor = systemActor('demo seed');
  const users: { username: string; role: Role; scope: string }[] = [];
  if (!(await services.access.hasUsers())) {
    const facilities = [];
    for (const f of FACILITIES) facilities.push(await services.facilities.create(actor, f));
    const hol = facilities[0]!;
    const units = [];
    for (let b = 1; b <= 8; b++) units.push(await services.facilities.addUnit(actor, hol.id, { code: `P1-B${b}`, name: `Phase 1 block ${b}` }));
    const random = rng(opts.seed);
    const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
    const count = opts.scale === 'full' ? 20_000 : 2_000;
    for (let i = 0; i < count; i += 1000) {
      const inputs = Array.from({ length: Math.min(1000, count - i) }, () => {
        const female = random() < 0.7;
        const year = 1970 + Math.floor(random() * 55);
        return {
          names: [{ full: `${pick(female ? GIVEN_F : GIVEN_M)} ${pick(GIVEN_M)} ${pick(FAMILY)}` }],
          sex: (female ? 'F' : 'M') as 'F' | 'M',
          birthDate: String(year),
          nationalities: [random() < 0.45 ? 'IRQ' : random() < 0.8 ? 'SYR' : pick(['FRA', 'DEU', 'NLD', 'BEL', 'GBR', 'TUN', 'RUS'])],
          facilityId: hol.id,
        };
      });
      const ids = await services.registry.createMany(actor, inputs);
      await services.custody.appendMany(
        actor,
        ids.map((id, k) => ({ personId: id, type: 'ADMITTED' as const, facilityId: hol.id, unitId: units[(i + k) % units.length]!.id })),
      );
    }
    const plan: { username: string; role: Role; facilityIds?: string[]; nationalities?: string[]; scope: string }[] = [
      { username: 'admin', role: 'admin', scope: 'everything' },
      { username: 'commander', role: 'commander', scope: 'all facilities' },
      { username: 'officer', role: 'officer', facilityIds: [hol.id], scope: 'al-Hol only' },
      { username: 'registrar', role: 'registrar', facilityIds: [hol.id], scope: 'al-Hol only' },
      { username: 'screening', role: 'screening', scope: 'security side' },
      { username: 'investigator', role: 'investigator', scope: 'all facilities' },
      { username: 'legal', role: 'legal', scope: 'all facilities' },
      { username: 'monitor', role: 'monitor', scope: 'counts and ledger, no names' },
      { username: 'liaison-fr', role: 'liaison', nationalities: ['FRA'], scope: 'French nationals only' },
    ];
    for (const u of plan) {
      await services.access.createUser(actor, { username: u.username, password: DEMO_PASSWORD, role: u.role, facilityIds: u.facilityIds, nationalities: u.nationalities });
    }
    users.push(...plan.map(({ username, role, scope }) => ({ username, role, scope })));
  } else {
    for (const u of await services.access.listUsers(actor)) users.push({ username: u.username, role: u.role, scope: '' });
  }
  return { password: DEMO_PASSWORD, users };
}
