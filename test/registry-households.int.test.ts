import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/database';
import { adminActor, buildFacility } from './factories';
import { createTestApp, targets, type TestApp } from './harness';

/** Bulk households (the demo seed's): one transaction for many, all or none, one audit entry each, chain intact. */
describe.each(await targets())('registry.createHouseholds on %s', (target) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp(target);
  });
  afterAll(async () => app?.close());

  const count = async (q: ReturnType<typeof sql>) => (await queryRows<{ n: number }>(app.services.database.db, q))[0]!.n;

  it('creates every household with its audit entry, or none when one names an unknown facility', async () => {
    const { facility } = await buildFacility(app.services, { code: 'HH' }, 1);
    const auditBefore = await count(sql`select count(*)::int as n from audit_log where action = 'household.create'`);
    const made = await app.services.registry.createHouseholds(adminActor, [
      { label: 'A-1', facilityId: facility.id },
      { label: 'A-2', facilityId: facility.id },
      { label: 'A-3' },
    ]);
    expect(made.map((h) => h.label)).toEqual(['A-1', 'A-2', 'A-3']);
    expect(new Set(made.map((h) => h.id)).size).toBe(3);
    expect(await count(sql`select count(*)::int as n from households where label like 'A-%'`)).toBe(3);
    expect(await count(sql`select count(*)::int as n from audit_log where action = 'household.create'`)).toBe(auditBefore + 3);

    await expect(
      app.services.registry.createHouseholds(adminActor, [
        { label: 'B-1', facilityId: facility.id },
        { label: 'B-2', facilityId: '0190a000-0000-7000-8000-00000000dead' },
      ]),
    ).rejects.toMatchObject({ code: 'registry.unknown_facility' });
    expect(await count(sql`select count(*)::int as n from households where label like 'B-%'`)).toBe(0);
    expect((await app.services.audit.verify(null)).ok).toBe(true);
  });
});
