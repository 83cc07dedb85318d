import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../src/modules/access';
import { readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { FakeClock } from '../src/platform/clock';
import { openDatabase, queryRows } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { createServices } from '../src/services';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { auth, createScratchDatabase, createTestApp, targets, type TestApp } from './harness';

const legalActor: Actor = { ...systemActor('legal_case'), username: 'legal-test', role: 'legal' };

describe.each(await targets())('legal cases over HTTP (%s)', (target) => {
  let app: TestApp;
  let clock: FakeClock;
  let legal: string;
  let commander: string;
  let monitor: string;
  let officer: string;
  let facilityId: string;
  let personId: string;
  let caseId: string;

  beforeAll(async () => {
    clock = new FakeClock('2026-01-10T08:00:00Z');
    app = await createTestApp(target, { clock });
    const { facility } = await buildFacility(app.services, { code: 'GHW', kind: 'prison' });
    facilityId = facility.id;
    personId = await buildAdmittedPerson(app.services, { facilityId }, { nationalities: ['FRA'] });
    [legal, commander, monitor, officer] = await Promise.all([
      app.tokenFor('legal'),
      app.tokenFor('commander'),
      app.tokenFor('monitor'),
      app.tokenFor('officer', { facilityIds: [facilityId] }),
    ]);
  });
  afterAll(async () => app?.close());

  const req = (method: 'GET' | 'POST' | 'PUT', url: string, token: string, payload?: unknown) =>
    app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), payload: payload as object });

  it('opens a case as a legal officer, with the first review six months on; commanders read it, audited with the purpose', async () => {
    const opened = await req('POST', '/cases/legal', legal, {
      personId,
      grounds: 'Suspected membership of an armed group',
      authority: 'Military prosecutor, Hasakah',
    });
    expect(opened.statusCode, opened.body).toBe(200);
    caseId = opened.json().id;
    expect(opened.json()).toMatchObject({ status: 'held_without_charge', nextReviewAt: '2026-07-10T08:00:00.000Z', overdue: false, facilityCode: 'GHW' });
    expect((await req('POST', '/cases/legal', legal, { personId, grounds: 'x', authority: 'y' })).json().error.code).toBe('cases.case_exists');
    expect((await req('POST', '/cases/legal', commander, { personId, grounds: 'x', authority: 'y' })).statusCode).toBe(403);

    const read = await req('GET', `/cases/legal/${caseId}`, commander);
    expect(read.statusCode).toBe(200);
    expect(read.json().timeline.map((e: { kind: string }) => e.kind)).toEqual(['opened']);
    const audits = await queryRows<{ action: string; purpose: string; actor_role: string }>(
      app.services.database.db,
      sql`select action, purpose, actor_role from audit_log where subject_id = ${caseId} order by seq`,
    );
    expect(audits).toEqual([
      { action: 'case.open', purpose: 'legal_case', actor_role: 'legal' },
      { action: 'case.read', purpose: 'command_oversight', actor_role: 'commander' },
    ]);
    // monitors see the figures only; an officer has no case work
    expect((await req('GET', `/cases/legal/${caseId}`, monitor)).statusCode).toBe(403);
    expect((await req('GET', '/cases/legal', officer)).statusCode).toBe(403);
    expect((await req('GET', '/cases/figures/stasis', monitor)).json()).toMatchObject({ totals: { openCases: 1, overdue: 0, neverReviewed: 1 } });
  });

  it('refuses a hearing before the case opened and a review date in the past, changing nothing', async () => {
    const before = (await req('GET', `/cases/legal/${caseId}`, legal)).json();
    const deadlinesBefore = await queryRows(app.services.database.db, sql`select * from deadlines where subject_id = ${caseId} order by id`);

    const early = await req('POST', `/cases/legal/${caseId}/hearings`, legal, { heldAt: '2025-12-01T09:00:00Z', court: 'Hasakah court', outcome: 'adjourned' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error).toMatchObject({ code: 'cases.hearing_before_case' });
    const past = await req('PUT', `/cases/legal/${caseId}/next-review`, legal, { dueAt: '2026-01-01T00:00:00Z', reason: 'backdated' });
    expect(past.statusCode).toBe(400);
    expect(past.json().error.code).toBe('cases.deadline_in_past');
    const pastReview = await req('POST', `/cases/legal/${caseId}/reviews`, legal, {
      decision: 'continue_detention',
      reason: 'r',
      nextDueAt: '2026-01-09T00:00:00Z',
    });
    expect(pastReview.json().error.code).toBe('cases.deadline_in_past');
    expect((await req('POST', `/cases/legal/${caseId}/status`, legal, { status: 'sentenced', reason: 'r' })).json().error.code).toBe(
      'cases.invalid_status_change',
    );
    expect((await req('POST', `/cases/legal/${caseId}/status`, legal, { status: 'charged', reason: 'r' })).json().error.code).toBe('cases.no_charge');
    expect((await req('POST', `/cases/legal/${caseId}/hearings`, legal, { heldAt: 'yesterday', court: 'c', outcome: 'adjourned' })).statusCode).toBe(400);
    expect((await req('POST', `/cases/legal/${caseId}/hearings`, legal, { heldAt: '2026-01-10T09:00:00Z', court: '', outcome: 'won' })).statusCode).toBe(400);
    expect((await req('GET', '/cases/legal/0190aaaa-0000-7000-8000-00000000dead', legal)).json().error.code).toBe('cases.case_not_found');
    expect((await req('POST', '/cases/legal/0190aaaa-0000-7000-8000-00000000dead/charges', legal, { offence: 'x' })).statusCode).toBe(404);

    const after = (await req('GET', `/cases/legal/${caseId}`, legal)).json();
    expect({ ...after, daysWithoutReview: 0 }).toEqual({ ...before, daysWithoutReview: 0 });
    expect(await queryRows(app.services.database.db, sql`select * from deadlines where subject_id = ${caseId} order by id`)).toEqual(deadlinesBefore);
  });

  it('records charges, hearings and reviews on the timeline, and moves the next review with each review', async () => {
    clock.set('2026-02-01T10:00:00Z');
    // sessions end with time: sign in again on the moved clock
    [legal, commander] = await Promise.all([app.tokenFor('legal'), app.tokenFor('commander')]);
    expect(
      (await req('POST', `/cases/legal/${caseId}/charges`, legal, { offence: 'Membership of a terrorist organisation', legalBasis: 'Art. 4' })).statusCode,
    ).toBe(200);
    expect((await req('POST', `/cases/legal/${caseId}/status`, legal, { status: 'charged', reason: 'Indictment filed' })).json().status).toBe('charged');
    const hearing = await req('POST', `/cases/legal/${caseId}/hearings`, legal, {
      heldAt: '2026-01-20T09:00:00Z',
      court: 'Hasakah court',
      outcome: 'charges_confirmed',
    });
    expect(hearing.json().hearings).toHaveLength(1);
    const review = await req('POST', `/cases/legal/${caseId}/reviews`, legal, { decision: 'continue_detention', reason: 'Trial pending' });
    expect(review.json()).toMatchObject({ lastReviewAt: '2026-02-01T10:00:00.000Z', nextReviewAt: '2026-08-01T10:00:00.000Z', daysWithoutReview: 0 });
    expect(review.json().timeline.map((e: { kind: string }) => e.kind)).toEqual(['opened', 'hearing', 'charge', 'status_changed', 'review']);
    const open = await queryRows<{ due_at: Date | string }>(
      app.services.database.db,
      sql`select due_at from deadlines where subject_id = ${caseId} and fired_at is null and cancelled_at is null`,
    );
    expect(open.map((r) => new Date(r.due_at).toISOString())).toEqual(['2026-08-01T10:00:00.000Z']);
    const list = await req('GET', `/cases/legal?facilityId=${facilityId}&status=charged&limit=1`, commander);
    expect(list.json()).toMatchObject({ total: 1, rows: [{ id: caseId, overdue: false }] });
    expect((await req('GET', '/cases/legal?overdue=true', commander)).json().total).toBe(0);
  });
});

describe.each(await targets())('review deadlines across a restart (%s)', (target) => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  it('fires the overdue review in a new app instance on the same database with a moved clock: an alert, an overdue flag, a figure', async () => {
    let open: () => ReturnType<typeof openDatabase>;
    if (target === 'postgres') {
      const scratch = await createScratchDatabase();
      drops.push(scratch.drop);
      open = () => openDatabase({ url: scratch.url, poolSize: 3 });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'custos-cases-'));
      drops.push(async () => rmSync(dir, { recursive: true, force: true }));
      open = () => openDatabase({ dataDir: dir });
    }
    const clock = new FakeClock('2026-01-10T08:00:00Z');
    const first = createServices(await open().then(async (db) => (await migrate(db), db)), { clock });
    const { facility } = await buildFacility(first, { code: 'SHD', kind: 'prison' });
    const personId = await buildAdmittedPerson(first, { facilityId: facility.id });
    const opened = await first.cases.legal.open(legalActor, {
      personId,
      grounds: 'Held on intelligence',
      authority: 'Camp command',
      status: 'held_without_charge',
      reviewIntervalMonths: 6,
    });
    await first.settle();
    await first.close();

    clock.set('2026-07-20T00:00:00Z');
    const second = createServices(await open(), { clock });
    expect(await second.deadlines.tick()).toEqual({ reminded: 0, fired: 1, failed: 0 });
    await second.settle();
    const alerts = (await second.alerts.listPage(adminActor, { rule: 'cases.review_overdue', limit: 10 })).rows;
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      severity: 'warning',
      facilityId: facility.id,
      title: `Review of detention overdue since 2026-07-10 (legal case ${opened.id.slice(0, 8)})`,
    });
    const list = await second.cases.legal.list(legalActor, { overdue: 'true', limit: 10, offset: 0 });
    expect(list).toMatchObject({ total: 1, rows: [{ id: opened.id, overdue: true, daysWithoutReview: 190 }] });
    expect(await second.cases.legal.counts(legalActor)).toEqual({ open: 1, overdue: 1, dueWithin30Days: 0 });
    expect(await second.deadlines.tick()).toEqual({ reminded: 0, fired: 0, failed: 0 });

    // a release closes the case and stops its reviews; the person's reintegration case opens
    await second.custody.append(adminActor, { personId, type: 'RELEASED', authority: 'Court order 12' });
    await second.settle();
    expect((await second.cases.legal.get(legalActor, opened.id)).closedAt).not.toBeNull();
    const reintegration = await second.cases.reintegration.list(legalActor, { personId, limit: 10, offset: 0 });
    expect(reintegration).toMatchObject({ total: 1, rows: [{ reason: 'RELEASED', facilityId: facility.id, checkinMissed: false }] });
    await second.close();
  }, 180_000);
});

describe.each(await targets())('reintegration after release (%s)', (target) => {
  let app: TestApp;
  let clock: FakeClock;
  let legal: string;
  let caseId: string;
  let roj: string;
  let hol: string;
  let otherCaseId: string;

  beforeAll(async () => {
    clock = new FakeClock('2026-01-10T08:00:00Z');
    app = await createTestApp(target, { clock });
    legal = await app.tokenFor('legal');
    const { facility } = await buildFacility(app.services, { code: 'ROJ' });
    roj = facility.id;
    hol = (await buildFacility(app.services, { code: 'HOL' })).facility.id;
    const personId = await buildAdmittedPerson(app.services, { facilityId: facility.id });
    const other = await buildAdmittedPerson(app.services, { facilityId: hol });
    await app.services.custody.append(adminActor, { personId, type: 'RELEASED', authority: 'Camp release list 3' });
    await app.services.custody.append(adminActor, { personId: other, type: 'RELEASED', authority: 'Camp release list 4' });
    await app.services.settle();
    otherCaseId = (await app.services.cases.reintegration.list(legalActor, { personId: other, limit: 10, offset: 0 })).rows[0]!.id;
    // delivered twice (a replay): still one case
    caseId = (await app.services.cases.reintegration.list(legalActor, { personId, limit: 10, offset: 0 })).rows[0]!.id;
  });
  afterAll(async () => app?.close());

  const req = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
    app.http.inject({ method, url: `/api/v1${url}`, headers: auth(legal), payload: payload as object });

  it("filters the list by the facility the person left, with the total; a facility outside the reader's scope is refused", async () => {
    const all = (await req('GET', '/cases/reintegration')).json();
    expect(all.total).toBe(2);
    const fromRoj = (await req('GET', `/cases/reintegration?facilityId=${roj}`)).json();
    expect(fromRoj).toMatchObject({ total: 1, rows: [{ id: caseId, facilityId: roj }] });
    const fromHol = (await req('GET', `/cases/reintegration?facilityId=${hol}&limit=1`)).json();
    expect(fromHol).toMatchObject({ total: 1, rows: [{ id: otherCaseId, facilityId: hol }] });
    expect((await req('GET', `/cases/reintegration?facilityId=${randomUUID()}`)).json()).toEqual({ total: 0, rows: [] });
    expect((await req('GET', '/cases/reintegration?facilityId=HOL')).statusCode).toBe(400);
    const bound = await app.tokenFor('commander', { facilityIds: [roj] });
    const refused = await app.http.inject({ method: 'GET', url: `/api/v1/cases/reintegration?facilityId=${hol}`, headers: auth(bound) });
    expect([refused.statusCode, refused.json().error.code]).toEqual([403, 'access.out_of_scope']);
    const own = await app.http.inject({ method: 'GET', url: '/api/v1/cases/reintegration', headers: auth(bound) });
    expect(own.json()).toMatchObject({ total: 1, rows: [{ id: caseId }] });
  });

  it('sets a plan, alerts on a missed check-in, and takes outcomes only from their month on, once', async () => {
    const plan = await req('PUT', `/cases/reintegration/${caseId}/plan`, {
      programme: 'Vocational training, Qamishli',
      casePlan: 'Monthly visits',
      checkinEveryDays: 30,
    });
    expect(plan.json()).toMatchObject({ programme: 'Vocational training, Qamishli', nextCheckinAt: '2026-02-09T08:00:00.000Z' });
    clock.set('2026-02-05T08:00:00Z');
    legal = await app.tokenFor('legal');
    expect((await req('POST', `/cases/reintegration/${caseId}/checkins`, { note: 'Attending' })).json().nextCheckinAt).toBe('2026-03-07T08:00:00.000Z');
    clock.set('2026-03-08T08:00:00Z');
    legal = await app.tokenFor('legal');
    expect((await app.services.deadlines.tick()).fired).toBe(1);
    await app.services.settle();
    const missed = (await app.services.alerts.listPage(adminActor, { rule: 'cases.checkin_missed', limit: 10 })).rows;
    expect(missed).toHaveLength(1);
    expect((await req('GET', '/cases/reintegration?missed=true')).json()).toMatchObject({ total: 1, rows: [{ id: caseId, checkinMissed: true }] });
    expect((await req('GET', `/cases/reintegration?missed=true&facilityId=${hol}`)).json().total).toBe(0);

    const early = await req('POST', `/cases/reintegration/${caseId}/outcomes`, { month: 6, outcome: 'reintegrated', note: 'Working' });
    expect(early.statusCode).toBe(400);
    expect(early.json().error.code).toBe('cases.outcome_too_early');
    expect((await req('POST', `/cases/reintegration/${caseId}/outcomes`, { month: 7, outcome: 'reintegrated', note: 'x' })).statusCode).toBe(400);
    clock.set('2026-07-11T08:00:00Z');
    legal = await app.tokenFor('legal');
    expect((await req('POST', `/cases/reintegration/${caseId}/outcomes`, { month: 6, outcome: 'reintegrated', note: 'Working' })).json().outcomes).toHaveLength(
      1,
    );
    expect((await req('POST', `/cases/reintegration/${caseId}/outcomes`, { month: 6, outcome: 'at_risk', note: 'again' })).json().error.code).toBe(
      'cases.outcome_recorded',
    );
    const figures = await req('GET', '/cases/figures/reintegration?format=csv');
    expect(figures.headers['content-type']).toContain('text/csv');
    expect(figures.body).toBe('month,outcome,count\n6,reintegrated,1\n');
  });
});

describe.each(await targets())('the dossier lists the verifications to cite (%s)', (target) => {
  let app: TestApp;
  let savedKey: string | undefined;
  const img: Record<string, Buffer> = {};

  beforeAll(async () => {
    requireFingerprintData();
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = randomBytes(32).toString('base64');
    for (const n of ['101_1', '101_2', '102_1']) img[n] = await readSample('fvc2002-db2b', n);
    app = await createTestApp(target);
  }, 120_000);
  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  it("offers the person's matched 1:1 verifications (not a failed one, not another person's); citing one marks it cited and identifies the person", async () => {
    const { facility } = await buildFacility(app.services, { code: 'AQT', kind: 'prison' });
    const personId = await buildAdmittedPerson(app.services, { facilityId: facility.id });
    const other = await buildAdmittedPerson(app.services, { facilityId: facility.id });
    const [registrar, officer, legal] = await Promise.all([
      app.tokenFor('registrar'),
      app.tokenFor('officer', { facilityIds: [facility.id] }),
      app.tokenFor('legal'),
    ]);
    for (const [who, sample] of [
      [personId, '101_1'],
      [other, '101_1'],
    ] as const) {
      const enrol = await app.http.inject({
        method: 'POST',
        url: `/api/v1/persons/${who}/biometrics/fingerprints/1?dpi=569`,
        headers: { ...auth(registrar), 'content-type': 'image/tiff' },
        payload: img[sample],
      });
      expect(enrol.statusCode, enrol.body).toBe(201);
    }
    const verify = async (who: string, sample: string) =>
      (
        await app.http.inject({
          method: 'POST',
          url: `/api/v1/biometrics/verify?personId=${who}&modality=fingerprint&dpi=569`,
          headers: { ...auth(officer), 'content-type': 'application/octet-stream' },
          payload: img[sample],
        })
      ).json() as { id: string; result: string };
    const matched = await verify(personId, '101_2');
    expect(matched.result).toBe('match');
    const failed = await verify(personId, '102_1');
    expect(failed.result).toBe('no_match');
    const othersMatch = await verify(other, '101_2');
    expect(othersMatch.result).toBe('match');

    const opened = await app.http.inject({
      method: 'POST',
      url: '/api/v1/cases/legal',
      headers: auth(legal),
      payload: { personId, grounds: 'Held on intelligence', authority: 'Prosecutor' },
    });
    const caseId = opened.json().id as string;
    const dossier = async () => (await app.http.inject({ method: 'GET', url: `/api/v1/cases/legal/${caseId}/dossier`, headers: auth(legal) })).json();
    const before = await dossier();
    expect(before.matchedVerifications).toEqual([{ id: matched.id, modality: 'fingerprint', at: expect.any(String), cited: false }]);
    expect(before.identification).toBe('unverified');

    const cite = await app.http.inject({
      method: 'POST',
      url: `/api/v1/cases/legal/${caseId}/evidence`,
      headers: auth(legal),
      payload: { kind: 'biometric_verification', referenceId: before.matchedVerifications[0].id },
    });
    expect(cite.statusCode, cite.body).toBe(200);
    const after = await dossier();
    expect(after.matchedVerifications).toEqual([expect.objectContaining({ id: matched.id, cited: true })]);
    expect(after.verifications).toEqual([{ id: matched.id, valid: true, problem: null }]);
    expect(after.identification).toBe('biometric');
  }, 120_000);
});
