// The case work's alerts (issue 23) on both databases: a repatriation stage's deadline reminds before and alerts
// after, fired by a new process on the same database (the deadline survives a restart), seen by that state's liaisons
// and nobody else's; a bulk intake's flood of overdue reviews raises one alert per facility with the count, while
// every case stays flagged overdue in the list and the figures.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { systemActor, type Actor } from '../src/modules/access';
import { FakeClock } from '../src/platform/clock';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { createServices } from '../src/services';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { createScratchDatabase, createTestApp, targets } from './harness';

const legalActor: Actor = { ...systemActor('case work'), username: 'legal-test', role: 'legal' };
const liaison = (state: string): Actor => ({ ...systemActor('repatriation'), username: `liaison-${state}`, role: 'liaison', nationalities: [state] });
const DAY = 24 * 3600_000;

describe.each(await targets())('repatriation stage alerts across a restart (%s)', (target) => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  it('reminds before and alerts after a stage deadline in a new process; each state’s liaison sees only its own', async () => {
    let open: () => ReturnType<typeof openDatabase>;
    if (target === 'postgres') {
      const scratch = await createScratchDatabase();
      drops.push(scratch.drop);
      open = () => openDatabase({ url: scratch.url, poolSize: 3 });
    } else {
      const dir = mkdtempSync(join(tmpdir(), 'custos-repat-alerts-'));
      drops.push(async () => rmSync(dir, { recursive: true, force: true }));
      open = () => openDatabase({ dataDir: dir });
    }
    const clock = new FakeClock('2026-01-10T08:00:00Z');
    const first = createServices(await open().then(async (db) => (await migrate(db), db)), { clock });
    const { facility } = await buildFacility(first, { code: 'RPA', kind: 'prison' });
    const french = await buildAdmittedPerson(first, { facilityId: facility.id }, { nationalities: ['FRA'] } as never);
    const german = await buildAdmittedPerson(first, { facilityId: facility.id }, { nationalities: ['DEU'] } as never);
    const fr = await first.repatriation.create(legalActor, { personId: french, state: 'FRA' } as never);
    const de = await first.repatriation.create(legalActor, { personId: german, state: 'DEU' } as never);
    expect(new Date(fr.dueAt!).getTime() - clock.now().getTime()).toBe(30 * DAY);
    await first.settle();
    await first.close();

    // day 24: inside the week before the deadline, in a process that never saw the requests opened
    clock.set(new Date(Date.parse('2026-01-10T08:00:00Z') + 24 * DAY));
    const second = createServices(await open(), { clock });
    expect(await second.deadlines.tick()).toEqual({ reminded: 2, fired: 0, failed: 0 });
    await second.settle();
    const frDue = await second.alerts.listPage(liaison('FRA'), { limit: 50 });
    expect(frDue.total).toBe(1);
    expect(frDue.rows[0]).toMatchObject({ rule: 'repatriation.stage_due', severity: 'info', nationality: 'FRA', facilityId: null });
    expect(frDue.rows[0]!.details).toMatchObject({ requestId: fr.id, stage: 'requested' });
    expect(JSON.stringify(frDue.rows)).not.toContain(german);
    await second.close();

    // day 31: past it, after another restart; the German request's alert is not the French liaison's to see
    clock.set(new Date(Date.parse('2026-01-10T08:00:00Z') + 31 * DAY));
    const third = createServices(await open(), { clock });
    expect(await third.deadlines.tick()).toEqual({ reminded: 0, fired: 2, failed: 0 });
    await third.settle();
    expect(await third.deadlines.tick()).toEqual({ reminded: 0, fired: 0, failed: 0 });
    const frAll = await third.alerts.listPage(liaison('FRA'), { limit: 50 });
    expect(frAll.total).toBe(2);
    expect(frAll.rows.map((a) => a.rule).sort()).toEqual(['repatriation.stage_due', 'repatriation.stage_overdue']);
    expect(frAll.rows.every((a) => a.nationality === 'FRA')).toBe(true);
    const overdueDe = (await third.alerts.listPage(adminActor, { rule: 'repatriation.stage_overdue', limit: 50 })).rows.find(
      (a) => (a.details as { requestId?: string }).requestId === de.id,
    );
    expect(overdueDe).toMatchObject({ severity: 'warning', nationality: 'DEU' });
    await expect(third.alerts.get(liaison('FRA'), overdueDe!.id)).rejects.toMatchObject({ code: 'alerts.not_found' });
    expect((await third.alerts.get(liaison('DEU'), overdueDe!.id)).id).toBe(overdueDe!.id);
    // a liaison of a third state sees none; a facility-bound officer does not get the states' alerts either
    expect((await third.alerts.listPage(liaison('NLD'), { limit: 50 })).total).toBe(0);
    const officer: Actor = { ...systemActor('watch'), username: 'officer-rpa', role: 'officer', facilityIds: [facility.id] };
    expect((await third.alerts.listPage(officer, { rule: 'repatriation.stage_overdue', limit: 50 })).total).toBe(0);
    // the legal officer, unscoped, sees both states' overdue stages
    expect((await third.alerts.listPage(legalActor, { rule: 'repatriation.stage_overdue', limit: 50 })).total).toBe(2);
    // the French request moves on: its stage's reminder and overdue alert are resolved, the German one's stay
    await third.repatriation.step(liaison('FRA'), fr.id, { action: 'schedule_interview' });
    await third.settle();
    const frAfter = await third.alerts.listPage(liaison('FRA'), { limit: 50 });
    expect(frAfter.rows.map((a) => a.status)).toEqual(['resolved', 'resolved']);
    expect(frAfter.rows.every((a) => a.resolved?.note?.startsWith('Stage "requested" left for "consular interview"'))).toBe(true);
    expect((await third.alerts.get(adminActor, overdueDe!.id)).status).not.toBe('resolved');
    await third.close();
  });
});

describe.each(await targets())('the overdue reviews of a bulk intake (%s)', (target) => {
  it('raises one alert per facility with the count when many reviews fall overdue in one run, one each when few', async () => {
    const app = await createTestApp(target);
    try {
      const s = app.services;
      const big = (await buildFacility(s, { code: 'BLK', kind: 'prison' })).facility.id;
      const small = (await buildFacility(s, { code: 'SML', kind: 'prison' })).facility.id;
      for (let i = 0; i < 26; i++) await buildAdmittedPerson(s, { facilityId: big });
      for (let i = 0; i < 3; i++) await buildAdmittedPerson(s, { facilityId: small });
      expect(await s.cases.legal.openForFacility(legalActor, big, { grounds: 'Bulk intake', authority: 'Camp command' })).toBe(26);
      expect(await s.cases.legal.openForFacility(legalActor, small, { grounds: 'Bulk intake', authority: 'Camp command' })).toBe(3);
      await s.settle();
      // each case opened by the intake starts its timeline with its opening, as one opened by hand does
      const intake = await s.cases.legal.list(legalActor, { facilityId: small, limit: 10, offset: 0 });
      expect(intake.total).toBe(3);
      for (const c of intake.rows) {
        const timeline = (await s.cases.legal.get(legalActor, c.id)).timeline;
        expect(timeline.map((e) => e.kind)).toEqual(['opened']);
        expect(timeline[0]!.details).toMatchObject({ grounds: 'Bulk intake', authority: 'Camp command', intake: true });
      }

      // two years on, every review of both intakes is overdue at the scheduler's next run
      (app.clock as FakeClock).advance(730 * DAY);
      const report = await s.deadlines.tick();
      expect(report).toMatchObject({ fired: 29, failed: 0 });
      await s.settle();

      const open = async (facilityId: string, rule: string) =>
        (await s.alerts.listPage(adminActor, { facilityId, rule, limit: 100 })).rows.filter((a) => a.status !== 'resolved');
      const flood = await open(big, 'cases.reviews_overdue');
      expect(flood).toHaveLength(1);
      expect(flood[0]).toMatchObject({ severity: 'warning', facilityId: big });
      expect(flood[0]!.title).toMatch(/^26 reviews of detention overdue at this facility/);
      const details = flood[0]!.details as { count: number; caseIds: string[]; list: { path: string; query: Record<string, string> } };
      expect(details.count).toBe(26);
      expect(new Set(details.caseIds).size).toBe(26);
      expect(await open(big, 'cases.review_overdue')).toHaveLength(0);
      // the list the alert points to reaches every one of them
      expect(details.list).toEqual({ path: '/api/v1/cases/legal', query: { facilityId: big, overdue: 'true' } });
      const listed = await s.cases.legal.list(legalActor, { facilityId: big, overdue: 'true', limit: 100, offset: 0 });
      expect(listed.total).toBe(26);
      expect(listed.rows.every((r) => r.overdue)).toBe(true);
      expect(new Set(listed.rows.map((r) => r.id))).toEqual(new Set(details.caseIds));
      expect((await s.cases.legal.counts(legalActor)).overdue).toBe(29);

      // a few at the other facility: one alert each, no aggregate
      expect(await open(small, 'cases.review_overdue')).toHaveLength(3);
      expect(await open(small, 'cases.reviews_overdue')).toHaveLength(0);
    } finally {
      await app.close();
    }
  });
});
