// The zod response schemas of the *.dto.ts files are the types the web app compiles against: check them against what
// the API really sends, so that a change on either side fails here rather than in a browser.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import { AlertResponse, OpenAlertSummaryResponse } from '../src/modules/alerts/alerts.dto';
import { AuditVerificationResponse } from '../src/modules/audit/audit.dto';
import { CustodyEventResponse, LedgerVerificationResponse } from '../src/modules/custody/custody.dto';
import { FacilityDetailResponse, FacilityResponse } from '../src/modules/facilities/facilities.dto';
import { DeltaHistoryResponse, StatusReportResponse } from '../src/modules/reports/reports.dto';
import { CloseResponse, MarksReceiptResponse, RollcallDetailResponse, RollcallResponse } from '../src/modules/rollcalls/rollcalls.dto';
import { PersonResponse, PersonSummaryResponse } from '../src/modules/registry/registry.dto';
import {
  HitDetailResponse,
  HitResponse,
  ScreeningRequestResponse,
  WatchlistImportResponse,
  WatchlistVersionDetailResponse,
  WatchlistVersionResponse,
} from '../src/modules/screening/screening.dto';

// Real lists: the two shared UN releases (2026-02-27 removes IQi.074, MUNIR AL QUBAYSI) and a few entries of OFAC's SDN
// files as published (its alias kinds and remarks give entry data the UN list never has).
const WATCHLISTS = process.env.CUSTOS_WATCHLISTS ?? fileURLToPath(new URL('../../shared/data/watchlists/', import.meta.url));
function readList(path: string): string {
  const file = `${WATCHLISTS}/${path}`;
  if (!existsSync(file)) throw new Error(`Watchlist test data missing: ${file} (the shared data folder beside the repository, or CUSTOS_WATCHLISTS)`);
  return readFileSync(file, 'utf8');
}
/** The rows of an OFAC file about these entries (ent_num is the first column of all three files), each line ended as published. */
function ofacRows(file: string, entNums: string[]): string {
  return readList(`ofac-sdn-2022/${file}`)
    .split(/\r?\n/)
    .filter((line) => entNums.some((n) => line.startsWith(`${n},`)))
    .map((line) => `${line}\n`)
    .join('');
}

/**
 * Strictly, as a client reads the JSON: decoding finds every field the schema names, with its type (instants as ISO
 * text), and encoding the decoded value gives the same JSON back, so nothing is left out of the schema.
 */
function matches(schema: z.ZodType, value: unknown): void {
  const decoded = z.safeDecode(schema, value);
  expect(decoded.error?.issues ?? []).toEqual([]);
  expect(z.encode(schema, decoded.data)).toEqual(value);
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
      await s.facilities.create(adminActor, {
        code: 'IRQ-RCV',
        name: 'Receiving',
        kind: 'receiving_authority',
        country: 'IRQ',
        location: { latitude: 33.3, longitude: 44.4 },
      });
      personIds = await s.registry.createMany(
        adminActor,
        Array.from({ length: 12 }, () => personInput({ facilityId } as never)),
      );
      await s.custody.appendMany(
        adminActor,
        personIds.map((personId, i) => ({ personId, type: 'ADMITTED' as const, facilityId, unitId: units[i % units.length]!.id })),
      );
      await s.custody.append(adminActor, {
        personId: personIds[0]!,
        type: 'TEMPORARY_OUT',
        reason: 'hospital',
        authority: 'Dr. order «3»',
        evidence: { form: 'H-1', urgent: true },
      });
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
      const post = (url: string, body: object, method: 'POST' | 'PATCH' = 'POST') =>
        app.http.inject({ method, url: `/api/v1${url}`, headers: auth(admin), payload: body });
      const created = await post('/persons', {
        names: [
          { full: 'محمد بن علي الجبوري', parts: { given: 'محمد', father: 'علي', family: 'الجبوري' } },
          { full: 'Mohammed Ali al-Jubouri', kind: 'spelling', source: 'camp card' },
        ],
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

    it('watchlists and screening: imports, versions, the queue, a hit read, decided, requested and withdrawn', { timeout: 120_000 }, async () => {
      const send = (url: string, payload: unknown, headers: Record<string, string> = {}) =>
        app.http.inject({ method: 'POST', url: `/api/v1${url}`, headers: { ...auth(admin), ...headers }, payload: payload as string });
      const importUn = async (path: string, fileName: string) => {
        const res = await send(`/watchlists/import?fileName=${fileName}`, readList(path), { 'content-type': 'application/xml' });
        expect(res.statusCode, res.body).toBe(201);
        matches(WatchlistImportResponse, res.json());
        // the list update's screening runs after the import's answer
        await app.services.settle();
        return res.json() as WatchlistImportResponse;
      };
      const enrol = async (body: object) => {
        const res = await send('/persons', { sex: 'M', nationalities: ['IRQ'], facilityId, ...body });
        expect(res.statusCode, res.body).toBe(201);
        return (res.json() as { id: string }).id;
      };
      const hitsOf = async (personId: string) => {
        const hits = (await get(`/screening/hits?personId=${personId}`)) as HitResponse[];
        for (const h of hits) matches(HitResponse, h);
        return hits;
      };

      const pendingMunir = await enrol({ names: [{ full: 'Munir al-Kubaysi' }], birthDate: '1966' });
      const confirmedMunir = await enrol({ names: [{ full: 'منير القبيسي' }], birthDate: '1966' });
      const hammid = await enrol({ names: [{ full: 'Mohammed Tahir Hammid' }], birthDate: '1975-11-01' });
      const passportHolder = await enrol({
        names: [{ full: 'Aboud Yasin' }],
        birthDate: '1960',
        nationalities: ['USA'],
        documents: [{ type: 'passport', number: '27082171', issuingCountry: 'USA' }],
      });
      const v1 = await importUn('un-consolidated/2025-11-18_mkweli/un_consolidated.xml', 'un-2025-11-18.xml');
      // OFAC: two individuals (one with weak aliases in its remarks, one with a passport) and an entity
      const ofacEntries = ['8095', '6931', '36'];
      const ofac = await send('/watchlists/import', {
        format: 'ofac-sdn',
        files: { sdn: ofacRows('sdn.csv', ofacEntries), alt: ofacRows('alt.csv', ofacEntries), add: ofacRows('add.csv', ofacEntries) },
        fileName: 'sdn-excerpt',
      });
      expect(ofac.statusCode, ofac.body).toBe(201);
      matches(WatchlistImportResponse, ofac.json());
      expect(ofac.json().stats).toMatchObject({ entries: 3, individuals: 2, entities: 1 });
      await app.services.settle();

      const [munirHit] = (await hitsOf(pendingMunir)).filter((h) => h.entry.ref === 'IQi.074');
      const [toConfirm] = (await hitsOf(confirmedMunir)).filter((h) => h.entry.ref === 'IQi.074');
      const [hammidHit] = (await hitsOf(hammid)).filter((h) => h.entry.ref === '8095');
      const [passportHit] = (await hitsOf(passportHolder)).filter((h) => h.entry.ref === '6931');
      expect([munirHit?.status, toConfirm?.status, hammidHit?.status, passportHit?.status]).toEqual(['pending', 'pending', 'pending', 'pending']);
      expect(passportHit!.evidence.documents).toHaveLength(1);
      const queue = (await get('/screening/hits?status=pending&limit=500')) as unknown[];
      for (const h of queue) matches(HitResponse, h);
      for (const hit of [munirHit!, hammidHit!, passportHit!]) {
        const detail = (await get(`/screening/hits/${hit.id}`)) as HitDetailResponse;
        matches(HitDetailResponse, detail);
        expect(detail.entryData?.ref).toBe(hit.entry.ref);
      }

      const confirmed = await send(`/screening/hits/${toConfirm!.id}/confirm`, { reason: 'Passport seen; matches the listed birth' });
      expect(confirmed.statusCode, confirmed.body).toBe(200);
      matches(HitResponse, confirmed.json());
      expect(confirmed.json().decision).toMatchObject({ by: expect.any(String), reason: 'Passport seen; matches the listed birth' });
      const dismissed = await send(`/screening/hits/${hammidHit!.id}/dismiss`, { reason: 'Born in Basra per family book' });
      expect(dismissed.statusCode, dismissed.body).toBe(200);
      matches(HitResponse, dismissed.json());
      const requested = await send(`/screening/persons/${pendingMunir}/screen`, { reason: 'new camp card read at the gate' });
      expect(requested.statusCode, requested.body).toBe(200);
      matches(ScreeningRequestResponse, requested.json());
      expect((requested.json() as ScreeningRequestResponse).hits.map((h) => h.id)).toContain(munirHit!.id);

      // the next UN release removes IQi.074: the pending hit is withdrawn, the confirmed one shows the removal
      const v2 = await importUn('un-consolidated/2026-02-27_watchman/UN_consolidated.xml', 'un-2026-02-27.xml');
      expect(v2.changes.removed).toEqual(['IQi.074']);
      const withdrawnQueue = (await get('/screening/hits?status=withdrawn')) as HitResponse[];
      expect(withdrawnQueue.map((h) => h.id)).toEqual([munirHit!.id]);
      matches(HitResponse, withdrawnQueue[0]);
      expect(withdrawnQueue[0]!.withdrawal).toMatchObject({ versionId: v2.id, reason: expect.stringContaining('IQi.074') });
      const withdrawnDetail = (await get(`/screening/hits/${munirHit!.id}`)) as HitDetailResponse;
      matches(HitDetailResponse, withdrawnDetail);
      expect(withdrawnDetail.entry).toMatchObject({ active: false, removedIn: { versionId: v2.id } });
      const [confirmedAfter] = (await hitsOf(confirmedMunir)).filter((h) => h.id === toConfirm!.id);
      expect(confirmedAfter).toMatchObject({ status: 'confirmed', withdrawal: null, entry: { active: false, removedIn: { versionId: v2.id } } });
      const late = await send(`/screening/hits/${munirHit!.id}/dismiss`, { reason: 'too late' });
      expect(late.statusCode).toBe(409);
      expect(late.json().error.code).toBe('screening.hit_withdrawn');

      const versions = (await get('/watchlists')) as unknown[];
      expect(versions).toHaveLength(3);
      for (const v of versions) matches(WatchlistVersionResponse, v);
      for (const id of [v1.id, ofac.json().id as string, v2.id]) matches(WatchlistVersionDetailResponse, await get(`/watchlists/versions/${id}`));
      const v2Detail = (await get(`/watchlists/versions/${v2.id}`)) as WatchlistVersionDetailResponse;
      expect(v2Detail.withdrawnHits).toBe(1);
      expect(v2Detail.changes).toContainEqual({ change: 'removed', ref: 'IQi.074', name: expect.any(String) });
    });
  });
}
