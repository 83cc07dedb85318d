import { systemActor } from '../../src/modules/access';
import { buildFacility, buildPerson } from '../factories';
import type { TestApp } from '../harness';

const actor = systemActor('reliability matrix');

/** Names unlike any other in the world, so that a body containing one of them can only have leaked it. */
export const NAMES = {
  a1: 'Qasimar Zubaydi-Alpha',
  a2: 'Claudette Mirabeau-Alpha',
  b1: 'Hadrimon Qutaybi-Bravo',
  b2: 'Solenne Vauquelin-Bravo',
} as const;

export interface MatrixWorld {
  facilityA: string;
  facilityB: string;
  unitA: string;
  unitB: string;
  /** a1: IRQ in A; a2: FRA in A; b1: IRQ in B; b2: FRA in B. a2 is the spouse of b1 (a relation across every scope). */
  persons: { a1: string; a2: string; b1: string; b2: string };
  household: string;
  rollcallA: string;
  rollcallB: string;
  users: Record<string, string>;
}

/**
 * Two facilities, persons of two nationalities in each, a relation across scopes, roll calls and Delta alerts in both
 * facilities, and audit rows that name everybody (an admin searched and read every record over HTTP).
 */
export async function buildMatrixWorld(app: TestApp): Promise<MatrixWorld> {
  const s = app.services;
  const A = await buildFacility(s, { code: 'MXA', name: 'Matrix camp' }, 1);
  const B = await buildFacility(s, { code: 'MXB', name: 'Matrix prison' }, 1);
  const admit = async (name: string, nat: string, f: typeof A, relations?: { kind: 'spouse_of'; personId: string }[]) => {
    const id = await buildPerson(s, { names: [{ full: name }], nationalities: [nat], facilityId: f.facility.id, relations });
    await s.custody.append(actor, { personId: id, type: 'ADMITTED', facilityId: f.facility.id, unitId: f.units[0]!.id });
    return id;
  };
  const a1 = await admit(NAMES.a1, 'IRQ', A);
  const b1 = await admit(NAMES.b1, 'IRQ', B);
  const b2 = await admit(NAMES.b2, 'FRA', B);
  const a2 = await admit(NAMES.a2, 'FRA', A, [{ kind: 'spouse_of', personId: b1 }]);
  const household = await s.registry.createHousehold(actor, { label: 'Matrix household', facilityId: A.facility.id });
  // a Delta in each facility: its alert names the unaccounted persons
  for (const f of [A, B]) {
    const rc = await s.rollcalls.open(actor, { facilityId: f.facility.id });
    await s.rollcalls.close(actor, rc.id);
  }
  const rollcallA = (await s.rollcalls.open(actor, { facilityId: A.facility.id })).id;
  const rollcallB = (await s.rollcalls.open(actor, { facilityId: B.facility.id })).id;
  await s.settle();

  const fa = [A.facility.id];
  const users: Record<string, string> = {
    admin: await app.tokenFor('admin'),
    commander: await app.tokenFor('commander'),
    registrar: await app.tokenFor('registrar'),
    screening: await app.tokenFor('screening'),
    investigator: await app.tokenFor('investigator'),
    legal: await app.tokenFor('legal'),
    monitor: await app.tokenFor('monitor'),
    officer: await app.tokenFor('officer', { facilityIds: fa }),
    liaison: await app.tokenFor('liaison', { nationalities: ['FRA'] }),
    checkpoint: await app.tokenFor('checkpoint'),
    'registrar@A': await app.tokenFor('registrar', { facilityIds: fa }),
    'commander@A': await app.tokenFor('commander', { facilityIds: fa }),
    'investigator@A': await app.tokenFor('investigator', { facilityIds: fa }),
  };
  // the audit log names everybody: searches and reads by an unscoped admin
  const auth = { authorization: `Bearer ${users.admin}` };
  for (const [key, name] of Object.entries(NAMES)) {
    await app.http.inject({ method: 'GET', url: `/api/v1/persons?q=${encodeURIComponent(name)}`, headers: auth });
    const id = { a1, a2, b1, b2 }[key as keyof typeof NAMES];
    await app.http.inject({ method: 'GET', url: `/api/v1/persons/${id}`, headers: auth });
  }
  return {
    facilityA: A.facility.id,
    facilityB: B.facility.id,
    unitA: A.units[0]!.id,
    unitB: B.units[0]!.id,
    persons: { a1, a2, b1, b2 },
    household: household.id,
    rollcallA,
    rollcallB,
    users,
  };
}
