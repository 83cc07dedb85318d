// The after-action timeline (issue 21, point 1) of the demo's 20 January at al-Hol, on a small scenario world (1:400,
// replayed to 17:00 that day): events of every module the scenario drives, in order, all reachable by paging, shown
// to each role as its policy says (ids in scope and audited, pseudonyms for a monitor, 403 outside the scope).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { systemActor } from '../src/modules/access';
import { COLLAPSE, runScenario, ScenarioClock, scenarioIds, type ScenarioRun } from '../src/demo/scenario';
import { createServices } from '../src/services';
import { sql } from 'drizzle-orm';
import { queryRows } from '../src/platform/db/database';
import { REVIEW_DOCUMENT_VERSION, verifyReview } from '../src/modules/reviews';
import { readSample, requireFingerprintData } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';

const DPI = 569;
const TEMPLATE_KEY = 'ZGVtby10aW1lbGluZS10ZW1wbGF0ZS1rZXktMzItYnk=';

const DIVISOR = 400;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

interface Item {
  id: string;
  at: string;
  kind: string;
  source: string;
  unitId?: string | null;
  personRef?: string;
  refs: Record<string, unknown>;
}
interface Page {
  total: number;
  persons: 'id' | 'pseudonym';
  items: Item[];
}

describe.each(await targets())('the after-action timeline on %s', (target) => {
  let app: TestApp;
  let run: ScenarioRun;
  let hol: string;
  let clock: ScenarioClock;
  let savedKey: string | undefined;
  /** A person held at al-Hol whose identity an officer confirmed by fingerprint at 16:30 on the 20th. */
  let verifiedPerson: string;
  const img: Record<string, Buffer> = {};
  const day = { from: '2026-01-20T00:00:00Z', to: '2026-01-21T00:00:00Z' };

  beforeAll(async () => {
    requireFingerprintData();
    for (const n of ['101_1', '101_2', '102_1', '102_2', '103_1']) img[n] = await readSample('fvc2002-db2b', n);
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = TEMPLATE_KEY;
    clock = new ScenarioClock();
    app = await createTestApp(target, { clock });
    const services = createServices(app.services.database, { clock, ids: scenarioIds(clock, 5) });
    run = await runScenario(services, { scale: 'small', divisor: DIVISOR, seed: 5, clock, until: '2026-01-20T17:00:00Z' });
    await services.settle();
    hol = run.world.facilityIds.get('HOL')!;
    // the scenario has no images, so no biometric check of its own: an officer verifies one resident's fingerprint at
    // 16:30 (after the count) through the biometrics service and confirms the match; another check fails and is not confirmed
    const [held] = await queryRows<{ person_id: string }>(
      app.services.database.db,
      sql`select person_id from placements where facility_id = ${hol} and status = 'in_custody' order by person_id limit 1`,
    );
    verifiedPerson = held!.person_id;
    const officer = systemActor('test');
    clock.set(new Date('2026-01-20T16:30:00Z'));
    await app.services.biometrics.enrolFingerprint(officer, verifiedPerson, 1, img['101_1']!, DPI);
    const v = await app.services.biometrics.verify(officer, { personId: verifiedPerson, modality: 'fingerprint', image: img['101_2']!, dpi: DPI });
    expect(v.result).toBe('match');
    await app.services.biometrics.decideVerification(officer, v.id, { decision: 'confirmed' });
    clock.set(new Date('2026-01-20T16:40:00Z'));
    const miss = await app.services.biometrics.verify(officer, { personId: verifiedPerson, modality: 'fingerprint', image: img['102_1']!, dpi: DPI });
    expect(miss.result).toBe('no_match');
    await app.services.biometrics.decideVerification(officer, miss.id, { decision: 'not_confirmed' });
    clock.set(new Date('2026-01-20T17:00:00Z'));
    await app.services.settle();
  }, 300_000);
  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.close();
  });

  const get = async (token: string, query: Record<string, string | number>) => {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    return app.http.inject({ method: 'GET', url: `/api/v1/reviews/timeline?${qs}`, headers: auth(token) });
  };

  it('holds the events of every module of the day in time order, the walk-out between the last presence and the 16:00 count', async () => {
    const token = await app.tokenFor('investigator');
    const res = await get(token, { facilityId: hol, ...day, limit: 1000 });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page;
    expect(page.persons).toBe('id');
    const items = page.items;
    // every list says how many there are and reaches all of them
    const all: Item[] = [];
    for (let offset = 0; offset < page.total; offset += 1000)
      all.push(...((await get(token, { facilityId: hol, ...day, limit: 1000, offset })).json() as Page).items);
    expect(all).toHaveLength(page.total);
    expect(new Set(all.map((i) => i.id)).size).toBe(page.total);
    // in order of time
    for (let k = 1; k < all.length; k++) expect(all[k]!.at >= all[k - 1]!.at).toBe(true);
    // every module the scenario drives speaks
    const sources = new Set(all.map((i) => i.source));
    for (const s of ['custody', 'rollcalls', 'guards', 'sensors', 'alerts', 'biometrics']) expect(sources, s).toContain(s);
    const kinds = new Set(all.map((i) => i.kind));
    for (const k of [
      'rollcall.opened',
      'rollcall.closed',
      'custody.unaccounted',
      'presence.last_verified',
      'rollcall.first_missed',
      'guards.governance',
      'guards.custodian',
      'guards.patrol_gap',
      'sensors.alarms',
      'sensors.dead_zone',
      'sensors.first_alarm',
      'sensors.incident_opened',
      'alerts.raised',
      'biometrics.verification',
      'biometrics.decided',
    ]) {
      expect(kinds, k).toContain(k);
    }
    // the raw alarms, one item per sensor and minute: every alarm of the day at al-Hol counted once, none invented
    const alarmItems = all.filter((i) => i.kind === 'sensors.alarms');
    const [stored] = await queryRows<{ n: number; groups: number }>(
      app.services.database.db,
      sql`select count(*)::int as n, count(distinct (sensor_id, date_trunc('minute', occurred_at)))::int as groups from sensor_events
           where facility_id = ${hol} and alarm and occurred_at >= ${day.from}::timestamptz and occurred_at < ${day.to}::timestamptz`,
    );
    expect(stored!.n).toBeGreaterThan(0);
    expect(alarmItems.reduce((n, i) => n + Number(i.refs.alarms), 0)).toBe(stored!.n);
    expect(alarmItems).toHaveLength(stored!.groups);
    // the first alarm of the north fence's incident is the first raw alarm of one of its sensors
    const firstAlarm = all.find((i) => i.kind === 'sensors.first_alarm' && i.refs.sector === 'north-fence')!;
    const northRaw = alarmItems.filter((i) => i.refs.sector === 'north-fence');
    expect(northRaw.length).toBeGreaterThan(0);
    expect(northRaw.some((i) => i.at === firstAlarm.at)).toBe(true);
    // the dead zones of 07:05 come after the guards left, before the breaches
    const dark = all.filter((i) => i.kind === 'sensors.dead_zone');
    const withdrawnAt = new Date(COLLAPSE.guardsLeave).toISOString();
    expect(dark.some((d) => d.at > withdrawnAt && d.at < firstAlarm.at)).toBe(true);
    // the officer's fingerprint checks of 16:30 and 16:40: the verification, then the decision on it, in that order
    const checks = all
      .filter((i) => i.source === 'biometrics' && i.personRef === verifiedPerson)
      .map((i) => [i.kind, i.refs.result, i.refs.decision ?? null, i.at]);
    expect(checks).toEqual([
      ['biometrics.verification', 'match', null, '2026-01-20T16:30:00.000Z'],
      ['biometrics.decided', 'match', 'confirmed', '2026-01-20T16:30:00.000Z'],
      ['biometrics.verification', 'no_match', null, '2026-01-20T16:40:00.000Z'],
      ['biometrics.decided', 'no_match', 'not_confirmed', '2026-01-20T16:40:00.000Z'],
    ]);
    // the walk-out: the withdrawal at 07:00 comes before the 16:00 count that first missed the persons who left
    const withdrawn = all.find((i) => i.kind === 'guards.custodian' && i.refs.change === 'withdrawn')!;
    expect(withdrawn.at).toBe(new Date(COLLAPSE.guardsLeave).toISOString());
    const missed = all.filter((i) => i.kind === 'rollcall.first_missed');
    expect(missed.length).toBeGreaterThan(0);
    for (const m of missed) expect(m.at).toBe(new Date(COLLAPSE.firstCount).toISOString());
    // each person missed was last verified present before the withdrawal (the morning count) and has an UNACCOUNTED event
    const last = new Map(all.filter((i) => i.kind === 'presence.last_verified').map((i) => [i.personRef!, i]));
    const unaccounted = new Set(all.filter((i) => i.kind === 'custody.unaccounted').map((i) => i.personRef));
    for (const m of missed) {
      expect(last.get(m.personRef!)!.at < withdrawn.at).toBe(true);
      expect(unaccounted).toContain(m.personRef);
    }
    // filtered by kind, the same items
    const only = (await get(token, { facilityId: hol, ...day, kinds: 'rollcall.closed,rollcall.opened', limit: 1000 })).json() as Page;
    expect(only.total).toBe(all.filter((i) => i.kind === 'rollcall.closed' || i.kind === 'rollcall.opened').length);
    expect(items.length).toBe(Math.min(1000, page.total));
  });

  it("gives a person's own timeline and audits the reads of persons", async () => {
    const token = await app.tokenFor('commander');
    const day20 = (await get(token, { facilityId: hol, ...day, kinds: 'rollcall.first_missed', limit: 5 })).json() as Page;
    const someone = day20.items[0]!.personRef!;
    const mine = (await get(token, { personId: someone })).json() as Page;
    const kinds = mine.items.map((i) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['custody.admitted', 'presence.last_verified', 'rollcall.first_missed', 'custody.unaccounted']));
    expect(mine.items.every((i) => !i.personRef || i.personRef === someone)).toBe(true);
    const audit = await app.services.audit.list(systemActor('test'), { subjectId: someone, limit: 50 } as never);
    expect(audit.some((a) => a.action === 'reviews.timeline_read')).toBe(true);
  });

  it('shows a monitor pseudonyms, never person ids; refuses a scoped user another facility; refuses bad input with 4xx', async () => {
    const monitor = await app.tokenFor('monitor');
    const page = (await get(monitor, { facilityId: hol, ...day, limit: 1000 })).json() as Page;
    expect(page.persons).toBe('pseudonym');
    const persons = new Set(run.world.personIds);
    const text = JSON.stringify(page);
    for (const id of text.match(UUID) ?? []) expect(persons.has(id), id).toBe(false);
    expect(page.items.some((i) => i.personRef && /^[0-9a-f]{32}$/.test(i.personRef))).toBe(true);
    expect((await get(monitor, { personId: run.world.personIds[0]! })).statusCode).toBe(400);

    const other = run.world.facilityIds.get('ROJ') ?? [...run.world.facilityIds.values()].find((f) => f !== hol)!;
    const scoped = await app.tokenFor('investigator', { facilityIds: [other] });
    expect((await get(scoped, { facilityId: hol, ...day })).statusCode).toBe(403);
    const officer = await app.tokenFor('officer');
    expect((await get(officer, { facilityId: hol, ...day })).statusCode).toBe(403);

    const inv = await app.tokenFor('investigator');
    expect((await get(inv, { facilityId: hol })).statusCode).toBe(400);
    expect((await get(inv, { facilityId: hol, from: day.to, to: day.from })).statusCode).toBe(400);
    expect((await get(inv, { facilityId: hol, from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' })).statusCode).toBe(400);
    expect((await get(inv, { facilityId: hol, ...day, kinds: 'nonsense' })).statusCode).toBe(400);
    expect((await get(inv, { facilityId: '00000000-0000-4000-8000-000000000000', ...day })).statusCode).toBe(404);
    expect((await get(inv, {})).statusCode).toBe(400);
  });

  it("narrows a facility's timeline to an incident: its facility and window, its units and persons; 4xx on a bad subject", async () => {
    const token = await app.tokenFor('investigator');
    const admin = systemActor('test');
    const incidents = (await app.services.incidents.list(admin, { facilityId: hol, limit: 50, offset: 0 })).rows;
    const fence = incidents.find((i) => i.sector === 'north-fence')!;
    expect(fence, 'the north fence incident of the collapse').toBeDefined();
    const subject = (await app.services.incidents.reviewSubject(app.services.database.db, fence.id))!;
    const res = await get(token, { incidentId: fence.id, limit: 1000 });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page & { facilityId: string; incidentId: string; from: string; to: string };
    expect(page.facilityId).toBe(hol);
    expect(page.incidentId).toBe(fence.id);
    // the window: from 6 h before its first alarm, for a day at least
    expect(page.from).toBe(new Date(subject.firstAlarmAt.getTime() - 6 * 3_600_000).toISOString());
    expect(Date.parse(page.to) - subject.firstAlarmAt.getTime()).toBeGreaterThanOrEqual(24 * 3_600_000);
    const items = page.items;
    expect(page.total).toBe(items.length);
    const kinds = new Set(items.map((i) => i.kind));
    for (const k of ['sensors.first_alarm', 'sensors.incident_opened', 'guards.custodian', 'rollcall.closed']) expect(kinds, k).toContain(k);
    expect(items.some((i) => i.kind === 'sensors.incident_opened' && i.refs.incidentId === fence.id)).toBe(true);
    // everything in it is in the facility's timeline of the same window, in the same order
    const whole = (await get(token, { facilityId: hol, from: page.from, to: page.to, limit: 1000 })).json() as Page;
    const wholeIds = whole.items.map((i) => i.id);
    const positions = items.map((i) => wholeIds.indexOf(i.id));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    // its units only (the whole facility when it names none), and persons of those units
    if (subject.unitIds.length > 0) for (const i of items) if (i.unitId && !i.personRef) expect(subject.unitIds).toContain(i.unitId);
    const followed = new Set(subject.reportedPersonIds);
    if (subject.unitIds.length > 0 && !subject.headcountRollcallId)
      for (const i of items) if (i.source === 'custody' && !followed.has(i.personRef!)) expect(subject.unitIds).toContain(i.unitId);
    expect(items.length).toBeLessThanOrEqual(whole.total);
    // explicit from/to narrow it further
    const narrow = (await get(token, { incidentId: fence.id, from: '2026-01-20T07:00:00Z', to: '2026-01-20T08:00:00Z', limit: 1000 })).json() as Page;
    expect(narrow.items.every((i) => i.at >= '2026-01-20T07:00:00.000Z' && i.at < '2026-01-20T08:00:00.000Z')).toBe(true);

    expect((await get(token, { incidentId: '00000000-0000-4000-8000-000000000000' })).json().error.code).toBe('reviews.incident_not_found');
    expect((await get(token, { incidentId: fence.id, facilityId: hol, ...day })).json().error.code).toBe('reviews.timeline_subject_ambiguous');
    expect((await get(token, { incidentId: 'not-a-uuid' })).statusCode).toBe(400);
    const other = [...run.world.facilityIds.values()].find((f) => f !== hol)!;
    expect((await get(await app.tokenFor('investigator', { facilityIds: [other] }), { incidentId: fence.id })).statusCode).toBe(403);
    // a monitor reads it with pseudonyms
    const monitor = (await get(await app.tokenFor('monitor'), { incidentId: fence.id, limit: 1000 })).json() as Page;
    expect(monitor.persons).toBe('pseudonym');
    expect(monitor.total).toBe(page.total);
  });

  it("narrows it to an escape: the facility escaped from, from the last verified presence, the person's household only", async () => {
    const token = await app.tokenFor('investigator');
    const admin = systemActor('test');
    const missed = ((await get(token, { facilityId: hol, ...day, kinds: 'rollcall.first_missed', limit: 1000 })).json() as Page).items;
    const who = missed[0]!.personRef!;
    const escaped = await app.services.custody.append(admin, { personId: who, type: 'ESCAPED' });
    await app.services.settle();
    const escapeId = escaped.id;
    const res = await get(token, { escapeId, limit: 1000 });
    expect(res.statusCode, res.body).toBe(200);
    const page = res.json() as Page & { facilityId: string; escapeId: string; from: string; to: string };
    expect(page.facilityId).toBe(hol);
    expect(page.escapeId).toBe(escapeId);
    const last = page.items.find((i) => i.kind === 'presence.last_verified' && i.personRef === who)!;
    expect(last, 'the last verified presence').toBeDefined();
    expect(page.from).toBe(new Date(Date.parse(last.at) - 3_600_000).toISOString());
    const kinds = page.items.filter((i) => i.personRef === who).map((i) => i.kind);
    expect(kinds).toEqual(expect.arrayContaining(['presence.last_verified', 'rollcall.first_missed', 'custody.unaccounted', 'custody.escaped']));
    // only the person and their household; the facility's own items (the withdrawal, the counts) stay
    const household = await queryRows<{ id: string }>(
      app.services.database.db,
      sql`select m.id from persons p join persons m on m.household_id = p.household_id where p.id = ${who}`,
    );
    const members = new Set([who, ...household.map((r) => r.id)]);
    for (const i of page.items) if (i.personRef) expect(members.has(i.personRef), i.kind).toBe(true);
    expect(page.items.some((i) => i.kind === 'guards.custodian')).toBe(true);
    expect(page.items.some((i) => i.kind === 'rollcall.closed')).toBe(true);

    const admitted = page.items.find((i) => i.kind === 'custody.unaccounted')!.refs.ledgerEventId as string;
    expect((await get(token, { escapeId: admitted })).json().error.code).toBe('reviews.not_an_escape');
    expect((await get(token, { escapeId: '00000000-0000-4000-8000-000000000000' })).json().error.code).toBe('reviews.escape_not_found');
    // the draft's picker lists the facility's escapes: ids for the investigator (audited), pseudonyms for a monitor
    const listEscapes = (t: string, qs: string) => app.http.inject({ method: 'GET', url: `/api/v1/reviews/escapes?${qs}`, headers: auth(t) });
    const escapes = (await listEscapes(token, `facilityId=${hol}&limit=200`)).json() as {
      total: number;
      persons: string;
      items: { escapeId: string; personRef: string }[];
    };
    expect(escapes.persons).toBe('id');
    expect(escapes.total).toBe(escapes.items.length);
    expect(escapes.items).toContainEqual(expect.objectContaining({ escapeId, personRef: who }));
    const audit = await app.services.audit.list(admin, { subjectId: who, limit: 50 } as never);
    expect(audit.map((a) => a.action)).toContain('reviews.escapes_listed');
    const seen = (await listEscapes(await app.tokenFor('monitor'), `facilityId=${hol}&limit=200`)).json() as typeof escapes;
    expect(seen).toMatchObject({ persons: 'pseudonym', total: escapes.total });
    expect(JSON.stringify(seen)).not.toContain(who);
    expect((await listEscapes(token, 'facilityId=nope')).statusCode).toBe(400);
    expect((await listEscapes(token, 'limit=5')).statusCode).toBe(400);
    expect((await listEscapes(token, 'facilityId=00000000-0000-4000-8000-000000000000')).json().error.code).toBe('reviews.facility_not_found');
    // a review drafted on the escape keeps it as its subject
    const commander = await app.tokenFor('commander');
    const draft = await app.http.inject({ method: 'POST', url: '/api/v1/reviews', headers: auth(commander), payload: { escapeId, title: 'Escape review' } });
    expect(draft.statusCode, draft.body).toBe(201);
    expect(draft.json()).toMatchObject({ escapeId, facilityId: hol, from: page.from, to: page.to, items: page.total });
    // approved by another, its signed JSON names the escape reviewed
    const reviewId = draft.json().id as string;
    const sections = { planned: 'p', happened: 'h', why: 'w', keep: 'k', change: 'c' };
    const patched = await app.http.inject({ method: 'PATCH', url: `/api/v1/reviews/${reviewId}`, headers: auth(commander), payload: { sections } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((await app.http.inject({ method: 'POST', url: `/api/v1/reviews/${reviewId}/submit`, headers: auth(commander) })).statusCode).toBe(200);
    const approver = await app.tokenFor('admin');
    const approved = await app.http.inject({ method: 'POST', url: `/api/v1/reviews/${reviewId}/approve`, headers: auth(approver) });
    expect(approved.statusCode, approved.body).toBe(200);
    const exported = await app.http.inject({ method: 'GET', url: `/api/v1/reviews/${reviewId}/export.json`, headers: auth(commander) });
    const check = verifyReview(exported.json());
    expect(check.ok).toBe(true);
    if (check.ok) expect(check.document).toMatchObject({ version: REVIEW_DOCUMENT_VERSION, escapeId, facilityId: hol, incidentId: null });
  });
  it('counts a fingerprint match an officer confirmed as a verified presence; a match not confirmed, or a mismatch, does not', async () => {
    const token = await app.tokenFor('investigator');
    const missed = ((await get(token, { facilityId: hol, ...day, kinds: 'rollcall.first_missed', limit: 1000 })).json() as Page).items;
    const who = missed[missed.length - 1]!.personRef!;
    const before = ((await get(token, { personId: who })).json() as Page).items.find((i) => i.kind === 'presence.last_verified')!;
    expect(before.source).toBe('rollcalls');
    const officer = systemActor('test');
    await app.services.biometrics.enrolFingerprint(officer, who, 1, img['103_1']!, DPI);
    // 17:20: a match the officer does not confirm (a reason against the engine): no presence
    clock.set(new Date('2026-01-20T17:20:00Z'));
    const doubted = await app.services.biometrics.verify(officer, { personId: who, modality: 'fingerprint', image: img['103_1']!, dpi: DPI });
    expect(doubted.result).toBe('match');
    await app.services.biometrics.decideVerification(officer, doubted.id, { decision: 'not_confirmed', reason: 'the card shown was not theirs' });
    // 17:30: a mismatch confirmed anyway with a reason (identity established otherwise): not a biometric presence either
    clock.set(new Date('2026-01-20T17:30:00Z'));
    const mismatch = await app.services.biometrics.verify(officer, { personId: who, modality: 'fingerprint', image: img['102_2']!, dpi: DPI });
    expect(mismatch.result).toBe('no_match');
    await app.services.biometrics.decideVerification(officer, mismatch.id, { decision: 'confirmed', reason: 'known to the block leader' });
    await app.services.settle();
    let mine = ((await get(token, { personId: who })).json() as Page).items;
    expect(mine.find((i) => i.kind === 'presence.last_verified')!.id).toBe(before.id);
    // 17:45: a match confirmed: found in a block search, the last verified presence is now that check, at al-Hol
    clock.set(new Date('2026-01-20T17:45:00Z'));
    const found = await app.services.biometrics.verify(officer, { personId: who, modality: 'fingerprint', image: img['103_1']!, dpi: DPI });
    await app.services.biometrics.decideVerification(officer, found.id, { decision: 'confirmed' });
    await app.services.settle();
    mine = ((await get(token, { personId: who })).json() as Page).items;
    const now = mine.find((i) => i.kind === 'presence.last_verified')!;
    expect(now).toMatchObject({ source: 'biometrics', at: '2026-01-20T17:45:00.000Z', facilityId: hol, personRef: who });
    expect(now.refs.verificationId).toBe(found.id);
    // no count after 17:45 has missed them: their first missed count is gone from the facility's day as well
    const dayNow = (
      (await get(token, { facilityId: hol, ...day, limit: 1000, kinds: 'presence.last_verified,rollcall.first_missed,biometrics.decided' })).json() as Page
    ).items;
    expect(dayNow.some((i) => i.kind === 'rollcall.first_missed' && i.personRef === who)).toBe(false);
    expect(dayNow.find((i) => i.kind === 'presence.last_verified' && i.personRef === who)!.source).toBe('biometrics');
    expect(dayNow.filter((i) => i.kind === 'biometrics.decided' && i.personRef === who)).toHaveLength(3);
    // a monitor sees the checks with the person as a pseudonym
    const monitor = ((await get(await app.tokenFor('monitor'), { facilityId: hol, ...day, limit: 1000, kinds: 'biometrics.decided' })).json() as Page).items;
    expect(monitor.length).toBeGreaterThanOrEqual(5);
    expect(JSON.stringify(monitor)).not.toContain(who);
  });
});
