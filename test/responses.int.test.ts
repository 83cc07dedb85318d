// The zod response schemas of the *.dto.ts files are the types the web app compiles against: check them against what
// the API really sends, so that a change on either side fails here rather than in a browser.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import { AlertResponse, OpenAlertSummaryResponse } from '../src/modules/alerts/alerts.dto';
import { AuditVerificationResponse } from '../src/modules/audit/audit.dto';
import { CustodyEventResponse, LedgerVerificationResponse } from '../src/modules/custody/custody.dto';
import { FacilityDetailResponse, FacilityResponse } from '../src/modules/facilities/facilities.dto';
import { DeltaHistoryResponse, StatusReportResponse } from '../src/modules/reports/reports.dto';
import { CloseResponse, MarksReceiptResponse, RollcallDetailResponse, RollcallResponse } from '../src/modules/rollcalls/rollcalls.dto';
import { PersonResponse, PersonSummaryResponse } from '../src/modules/registry/registry.dto';

/** Parses strictly: every field the schema names is there with its type, and nothing is left out of the schema. */
function matches(schema: z.ZodType, value: unknown): void {
  const parsed = schema.safeParse(value);
  expect(parsed.error?.issues ?? []).toEqual([]);
  expect(parsed.data).toEqual(value);
}

for (const target of await targets()) {
  describe(`response schemas match the API on ${target}`, () => {
    let app: TestApp;
    let admin: string;
    let facilityId: string;
    let personIds: string[];
    let rollcall: { id: string };

    beforeAll(async () => {
      app = await createTestApp(target);
      const { facility, units } = await buildFacility(app.services, { code: 'HOL', kind: 'camp', capacity: 40 });
      facilityId = facility.id;
      const s = app.services;
      await s.facilities.create(adminActor, { code: 'IRQ-RCV', name: 'Receiving', kind: 'receiving_authority', country: 'IRQ', location: { latitude: 33.3, longitude: 44.4 } });
      personIds = await s.registry.createMany(adminActor, Array.from({ length: 12 }, () => personInput({ facilityId } as never)));
      await s.custody.appendMany(adminActor, personIds.map((personId, i) => ({ personId, type: 'ADMITTED' as const, facilityId, unitId: units[i % units.length]!.id })));
      await s.custody.append(adminActor, { personId: personIds[0]!, type: 'TEMPORARY_OUT', reason: 'hospital', authority: 'Dr. order «3»', evidence: { form: 'H-1', urgent: true } });
      admin = await app.tokenFor('admin');
      // A closed roll call with absences: Delta rows and an alert.
      const post = (url: string, body?: unknown) =>
        app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: auth(admin), ...(body !== undefined ? { payload: body as object } : {}) });
      const opened = await post('/rollcalls', { facilityId });
      rollcall = opened.json();
      matches(RollcallResponse, rollcall);
      const marks = personIds.slice(2, 10).map((personId) => ({ personId, result: 'present', method: 'visual' }));
      marks.push({ personId: personIds[1]!, result: 'excused', method: 'visual', reason: 'court' } as never);
      const receipt = await post(`/rollcalls/${rollcall.id}/marks`, { marks });
      matches(MarksReceiptResponse, receipt.json());
      const closed = await post(`/rollcalls/${rollcall.id}/close`);
      expect(closed.statusCode).toBe(200);
      matches(CloseResponse, closed.json());
    });
    afterAll(async () => app?.close());

    const get = async (url: string, token = admin) => {
      const res = await app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as unknown;
    };

    it('facilities, a facility with its roll and open alerts, and the alerts', async () => {
      const list = (await get('/facilities')) as unknown[];
      expect(list.length).toBeGreaterThan(0);
      for (const f of list) matches(FacilityResponse, f);
      const detail = (await get(`/facilities/${facilityId}`)) as { openAlerts: unknown[] };
      matches(FacilityDetailResponse, detail);
      expect(detail.openAlerts.length).toBeGreaterThan(0);
      for (const a of detail.openAlerts) matches(OpenAlertSummaryResponse, a);
      const alerts = (await get('/alerts')) as unknown[];
      expect(alerts.length).toBeGreaterThan(0);
      for (const a of alerts) matches(AlertResponse, a);
    });

    it('the status report and the Delta history', async () => {
      matches(StatusReportResponse, await get('/reports/status'));
      const delta = (await get('/reports/delta')) as { rows: unknown[] };
      expect(delta.rows.length).toBeGreaterThan(0);
      matches(DeltaHistoryResponse, delta);
    });

    it('roll calls: the list, and one with its sheet, latest marks and unaccounted', async () => {
      const list = (await get('/rollcalls')) as unknown[];
      expect(list).toHaveLength(1);
      for (const r of list) matches(RollcallResponse, r);
      const detail = (await get(`/rollcalls/${rollcall.id}?limit=50`)) as { persons?: unknown[]; recentMarks?: unknown[]; unaccounted?: unknown[] };
      expect(detail.persons?.length).toBe(12);
      expect(detail.recentMarks?.length).toBeGreaterThan(0);
      expect(detail.unaccounted?.length).toBeGreaterThan(0);
      matches(RollcallDetailResponse, detail);
      const monitor = await app.tokenFor('monitor');
      matches(RollcallDetailResponse, await get(`/rollcalls/${rollcall.id}`, monitor));
    });

    it('a person record (enrolled with every kind of field, placed, corrected) and search results', async () => {
      const post = (url: string, body: object, method: 'POST' | 'PATCH' = 'POST') => app.http.inject({ method, url: `/api/v1${url}`, headers: auth(admin), payload: body });
      const created = await post('/persons', {
        names: [{ full: 'محمد بن علي الجبوري', parts: { given: 'محمد', father: 'علي', family: 'الجبوري' } }, { full: 'Mohammed Ali al-Jubouri', kind: 'spelling', source: 'camp card' }],
        sex: 'M',
        birthDate: '1984-06',
        placeOfBirth: 'Mosul',
        nationalities: ['IRQ'],
        documents: [{ type: 'national_id', number: 'A1234567', issuingCountry: 'IRQ', issuedOn: '2010-01-02' }],
        vulnerabilities: ['medical'],
        distinguishingMarks: ['scar'],
        facilityId,
      });
      expect(created.statusCode, created.body).toBe(201);
      matches(PersonResponse, created.json());
      matches(PersonResponse, await get(`/persons/${personIds[0]}?purpose=test`));
      const corrected = await post(`/persons/${created.json().id}`, { notes: 'seen by the doctor', reason: 'clinic visit', version: 1 }, 'PATCH');
      matches(PersonResponse, corrected.json());
      const hits = (await get(`/persons?q=${encodeURIComponent('Muhammad Ali al-Juburi')}`)) as unknown[];
      expect(hits.length).toBeGreaterThan(0);
      for (const h of hits) matches(PersonSummaryResponse, h);
    });

    it("a person's custody events and the ledger check, intact and broken", async () => {
      const events = (await get(`/persons/${personIds[0]}/events?purpose=test`)) as unknown[];
      expect(events).toHaveLength(2);
      for (const e of events) matches(CustodyEventResponse, e);
      const monitor = await app.tokenFor('monitor');
      matches(LedgerVerificationResponse, await get('/ledger/verify', monitor));
      matches(AuditVerificationResponse, await get('/audit/verify', monitor));
      const db = app.services.database.db;
      const tamper = (value: string) =>
        db.transaction(async (tx) => {
          await tx.execute(sql`set local session_replication_role = replica`);
          await tx.execute(sql`update custody_events set authority = ${value} where person_id = ${personIds[0]} and type = 'TEMPORARY_OUT'`);
        });
      await tamper('edited');
      try {
        const broken = (await get('/ledger/verify', monitor)) as { ok: boolean };
        expect(broken.ok).toBe(false);
        matches(LedgerVerificationResponse, broken);
      } finally {
        await tamper('Dr. order «3»');
      }
    });
  });
}
