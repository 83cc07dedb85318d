import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { buildAdmittedPerson, buildFacility } from './factories';

for (const target of await targets()) {
  describe(`status report on ${target}`, () => {
    let app: TestApp;
    let token: string;

    beforeAll(async () => {
      app = await createTestApp(target);
      const { facility, units } = await buildFacility(app.services, { code: 'HOL', kind: 'camp' });
      const at = { facilityId: facility.id, unitId: units[0]!.id };
      // Dual nationals count once: a verified nationality first, else the first claimed one alphabetically.
      await buildAdmittedPerson(app.services, at, { nationalities: ['SYR', 'FRA'] });
      await buildAdmittedPerson(app.services, at, { nationalities: ['SYR', { country: 'IRQ', status: 'verified' }] });
      await buildAdmittedPerson(app.services, at, {
        nationalities: [
          { country: 'TUN', status: 'verified' },
          { country: 'BEL', status: 'verified' },
        ],
      });
      await buildAdmittedPerson(app.services, at, { nationalities: ['SYR'] });
      await buildAdmittedPerson(app.services, at, { nationalities: [] });
      token = await app.tokenFor('commander');
    });
    afterAll(async () => app?.close());

    it('counts each person once, under one nationality, and persons without one as UNK', async () => {
      const res = await app.http.inject({ method: 'GET', url: '/api/v1/reports/status', headers: auth(token) });
      expect(res.statusCode).toBe(200);
      const report = res.json() as { totals: { onRoll: number }; nationalities: { country: string; onRoll: number }[] };
      expect(report.totals.onRoll).toBe(5);
      const byCountry = Object.fromEntries(report.nationalities.map((n) => [n.country, n.onRoll]));
      expect(byCountry).toEqual({ FRA: 1, IRQ: 1, BEL: 1, SYR: 1, UNK: 1 });
      expect(report.nationalities.reduce((sum, n) => sum + n.onRoll, 0)).toBe(report.totals.onRoll);
    });
  });
}
