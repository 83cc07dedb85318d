/**
 * The scenario's March (src/demo/scenario/scenario.sightings.ts) on a world of three February escapees, its steps
 * run in time order on the fake clock as the replay runs them: the fugitives carrying a document are stopped at
 * checkpoints by a document check (a child referred to child protection), confirmed, the adult recaptured with the
 * sighting as evidence, the last sighting left for a decision; notices drafted, then approved by the demo's users.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/platform/clock';
import { systemActor, type Actor } from '../src/modules/access';
import type { CreatePersonInput } from '../src/modules/registry';
import { approveDemoNotices, CHECKPOINTS, planSightings } from '../src/demo/scenario';
import type { PersonPlan, WorldPlan } from '../src/demo/scenario';
import { createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility } from './factories';

const names = (arabic: string, ...latin: string[]): CreatePersonInput['names'] => [
  { full: arabic, script: 'arabic', kind: 'primary' },
  ...latin.map((full) => ({ full, script: 'latin' as const, kind: 'spelling' as const })),
];

const PERSONS: Omit<PersonPlan, 'key' | 'unit' | 'relations' | 'admittedAt' | 'group'>[] = [
  {
    facility: 'HOL',
    nationality: 'IRQ',
    minor: false,
    input: {
      names: names('مصطفى سليمان محمد المحمدي', 'Mustafa Soliman Mohammed al-Mohammadi', 'Moustafa Souleymane Muhammad Al-Mehmedi'),
      sex: 'M',
      birthDate: '1970',
      nationalities: ['IRQ'],
      documents: [{ type: 'national_id', number: '853930058155', issuingCountry: 'IRQ' }],
    } as never,
  },
  {
    facility: 'HOL',
    nationality: 'SYR',
    minor: true,
    input: {
      names: names('عمر حسن عزيز العبيدي', 'Omar Hassan Aziz al-Abidi', 'Omar bin Hassan el-Abidi'),
      sex: 'M',
      birthDate: '2016-04-08',
      nationalities: ['SYR'],
      documents: [{ type: 'camp_card', number: 'HOL-10030289', issuingCountry: 'SYR' }],
    } as never,
  },
  {
    // no document: not stopped at a checkpoint; the notice to the Iraqi border service is about him
    facility: 'HOL',
    nationality: 'IRQ',
    minor: false,
    input: { names: names('علي حسين', 'Ali Hussein al-Jubouri'), sex: 'M', birthDate: '1988', nationalities: ['IRQ'] } as never,
  },
];

describe.each(await targets())('scenario: March sightings on %s', (target) => {
  let app: TestApp;
  let hol: string;
  const ids: string[] = [];
  const status: string[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    const clock = new FakeClock('2026-01-10T08:00:00Z');
    app = await createTestApp(target, { clock });
    const s = app.services;
    hol = (await buildFacility(s, { code: 'HOL', kind: 'camp' }, 1)).facility.id;
    for (const p of PERSONS) {
      const [id] = await s.registry.createMany(adminActor, [{ ...(p.input as CreatePersonInput), facilityId: hol }]);
      await s.custody.append(adminActor, { personId: id!, type: 'ADMITTED', facilityId: hol });
      ids.push(id!);
      status.push('in_custody');
    }
    clock.set('2026-02-03T10:00:00Z');
    for (const id of ids) await s.custody.append(adminActor, { personId: id, type: 'ESCAPED' });
    status.fill('escaped');
    await s.settle();

    const plan = { persons: PERSONS.map((p, key) => ({ ...p, key })) } as unknown as WorldPlan;
    const steps: { at: number; order: number; run: () => Promise<void> }[] = [];
    let order = 0;
    planSightings(
      {
        services: s,
        plan,
        personId: (k) => ids[k]!,
        fid: () => hol,
        fugitives: () => status.flatMap((st, k) => (st === 'escaped' ? [k] : [])),
        at: (at, run) => void steps.push({ at, order: order++, run }),
        log: (_at, text) => void log.push(text),
        recaptured: (k) => void (status[k] = 'in_custody'),
      },
      1,
    );
    // the replay's loop: the earliest step first, the clock set to it
    while (steps.length) {
      steps.sort((a, b) => a.at - b.at || a.order - b.order);
      const step = steps.shift()!;
      clock.set(new Date(step.at));
      await step.run();
    }
    await s.settle();
  }, 240_000);

  afterAll(async () => {
    await app?.close();
  });

  it('stops the fugitives who carry a document at checkpoints; a child goes to child protection', async () => {
    const admin = systemActor('test');
    const { rows } = await app.services.sightings.sightings(admin, { limit: 20, offset: 0 });
    expect(rows.map((r) => r.personId).sort()).toEqual([ids[0], ids[1]].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ source: 'check', method: 'document', facilityId: hol });
      expect(CHECKPOINTS.map((c) => c.place)).toContain(r.place);
    }
    expect(rows.find((r) => r.personId === ids[1])!.minor).toBe(true);
    const checks = await app.services.sightings.checks(admin, { limit: 100, offset: 0 });
    const outcomes = checks.rows.map((c) => c.outcome);
    expect(outcomes.filter((o) => o === 'detain')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'refer_child_protection')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'no_match').length).toBeGreaterThanOrEqual(2);
    expect(outcomes).toContain('retake');
    // the alerts reached the facility and headquarters
    const alerts = await app.services.alerts.list(admin, { rule: 'sighting.reported', limit: 100 });
    expect(alerts).toHaveLength(4);
  });

  it('confirms the first sighting, recaptures an adult with the sighting as evidence, leaves the last one for a decision', async () => {
    const admin = systemActor('test');
    const { rows } = await app.services.sightings.sightings(admin, { limit: 20, offset: 0 });
    const byStatus = rows.map((r) => r.status).sort();
    // two sightings: the earlier one decided (an adult recaptured, or a child confirmed), the later one waiting
    expect(byStatus).toHaveLength(2);
    expect(byStatus).toContain('reported');
    const decided = rows.find((r) => r.status !== 'reported')!;
    if (decided.minor) {
      expect(decided.status).toBe('confirmed');
    } else {
      expect(decided.status).toBe('recaptured');
      const events = await app.services.custody.personEvents(adminActor, decided.personId);
      expect(events.at(-1)).toMatchObject({ type: 'RECAPTURED', toFacilityId: hol, evidence: { sightingId: decided.id } });
    }
    const figures = await app.services.sightings.figures(admin);
    expect(figures.sighted).toBe(2);
    expect(figures.recaptured).toBe(decided.minor ? 0 : 1);
  });

  it('drafts notices, approved by two demo users (the child’s waits for its second approval)', async () => {
    const user = async (username: string, role: 'legal' | 'commander'): Promise<Actor> => {
      const u = await app.services.access.createUser(systemActor('test'), { username, password: 'correct horse battery staple', role });
      return { userId: u.id, username, role, facilityIds: [], nationalities: [], purpose: 'test' };
    };
    const legal = await user(`legal-${target}`, 'legal');
    await approveDemoNotices(app.services, [legal, await user(`commander-${target}`, 'commander')]);
    const { rows } = await app.services.sightings.notices(legal, { limit: 10, offset: 0 });
    const border = rows.find((n) => n.recipientKind === 'border_service');
    expect(border).toMatchObject({ personId: ids[2], status: 'exported' });
    expect(border!.approvals).toHaveLength(2);
    const child = rows.find((n) => n.recipientKind === 'child_protection');
    expect(child).toMatchObject({ personId: ids[1], status: 'draft', approvals: [{ username: legal.username }] });
  });
});
