/**
 * The sightings figures (issue 19) on a small world whose values are computed by hand: escaped and unaccounted by
 * facility and nationality, minors (the registry's birth range), recaptures counted from the ledger (a RECAPTURED
 * written straight to the ledger counts; one through the module is not counted twice), days at large, checks, and
 * the seconds from a checkpoint hit to its alert. No biometrics: the checks are by document number.
 *
 * The check is made by a second set of services on the same database whose dispatcher is stopped (a checkpoint's
 * process); the alert is raised 2.5 s later on the first one's clock when it delivers the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/platform/clock';
import { createServices, type Services } from '../src/services';
import type { Actor } from '../src/modules/access';
import { createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';

const checkpointActor: Actor = { userId: null, username: 'checkpoint-1', role: 'checkpoint', facilityIds: [], nationalities: [], purpose: 'test' };
const investigator: Actor = { ...checkpointActor, username: 'investigator-1', role: 'investigator' };

describe.each(await targets())('sightings figures on %s', (target) => {
  let app: TestApp;
  let clock: FakeClock;
  let checkpoint: Services;
  let checkpointClock: FakeClock;
  let f1: string;
  let f2: string;
  let escaped: string;
  let sightingId: string;

  beforeAll(async () => {
    clock = new FakeClock('2026-01-10T08:00:00Z');
    app = await createTestApp(target, { clock });
    const s = app.services;
    f1 = (await buildFacility(s, { kind: 'camp' }, 1)).facility.id;
    f2 = (await buildFacility(s, { kind: 'prison' }, 1)).facility.id;
    // adult, escaped from F1 on 3 February; a document for the checkpoint
    escaped = await buildAdmittedPerson(s, { facilityId: f1 }, { names: [{ full: 'Yusuf bin Hamid al-Escapee' }] } as never);
    await s.registry.addDocument(adminActor, escaped, { type: 'passport', number: 'A1234567', issuingCountry: 'IRQ' } as never);
    // a child (born 2015), Syrian, escaped from F1 on 10 February
    const child = await buildAdmittedPerson(s, { facilityId: f1 }, { birthDate: '2015-06-01', nationalities: ['SYR'] } as never);
    // an adult unaccounted at F2 since 25 February
    const unaccounted = await buildAdmittedPerson(s, { facilityId: f2 });
    // an adult who escaped from F2 on 1 February and was recaptured on 20 February straight on the ledger
    const caught = await buildAdmittedPerson(s, { facilityId: f2 });
    const at = async (iso: string, personId: string, type: 'ESCAPED' | 'UNACCOUNTED' | 'RECAPTURED', facilityId?: string) => {
      clock.set(iso);
      await s.custody.append(adminActor, { personId, type, facilityId } as never);
    };
    await at('2026-02-01T10:00:00Z', caught, 'ESCAPED');
    await at('2026-02-03T10:00:00Z', escaped, 'ESCAPED');
    await at('2026-02-10T10:00:00Z', child, 'ESCAPED');
    await at('2026-02-20T10:00:00Z', caught, 'RECAPTURED', f2);
    await at('2026-02-25T08:00:00Z', unaccounted, 'UNACCOUNTED');
    await s.settle();

    // The checkpoint's process: same database, its own clock, no delivery of the outbox.
    checkpointClock = new FakeClock('2026-03-01T09:00:00Z');
    checkpoint = createServices(s.database, { clock: checkpointClock });
    await checkpoint.dispatcher.stop();
    const hit = await checkpoint.sightings.check(checkpointActor, { place: 'Rabia crossing', scope: 'wanted', document: { number: 'a12 345-67' } });
    expect(hit.instruction).toBe('detain');
    expect((await checkpoint.sightings.check(checkpointActor, { place: 'Rabia crossing', scope: 'wanted', document: { number: 'ZZ99999' } })).outcome).toBe(
      'no_match',
    );
    expect((await checkpoint.sightings.check(checkpointActor, { place: 'Rabia crossing', scope: 'wanted', document: { number: '12' } })).outcome).toBe(
      'retake',
    );
    // The alert is raised when the headquarters' process delivers, 2.5 s after the hit.
    clock.set('2026-03-01T09:00:02.500Z');
    s.dispatcher.wake();
    await s.settle();
    const [sighting] = (await s.sightings.sightings(investigator, { personId: escaped, limit: 10, offset: 0 })).rows;
    sightingId = sighting!.id;
  }, 240_000); // creating the PGlite database alone took 60 s at a load average of 25

  afterAll(async () => {
    await app?.close();
  });

  it('counts by facility and nationality, minors from the registry, recaptures from the ledger, hit to alert', async () => {
    const f = await app.services.sightings.figures(adminActor);
    expect(f.wanted).toBe(3);
    expect(f.minors).toBe(1);
    expect(f.byFacility.map((r) => [r.facilityId, r.escaped, r.unaccounted]).sort()).toEqual(
      [
        [f1, 2, 0],
        [f2, 0, 1],
      ].sort(),
    );
    expect(f.byNationality.map((r) => [r.nationality, r.escaped, r.unaccounted]).sort()).toEqual(
      [
        ['IRQ', 1, 1],
        ['SYR', 1, 0],
      ].sort(),
    );
    // written straight to the ledger, not through the module: still a recapture
    expect(f.recaptured).toBe(1);
    expect(f.recapturedAfterSighting).toBe(0);
    expect(f.sighted).toBe(1);
    expect(f.confirmed).toBe(0);
    expect(f.checks).toEqual({ total: 3, hits: 1, retakes: 1 });
    // whole days from 3 February 10:00 (25 d 23 h), 10 February 10:00 (18 d 23 h), 25 February 08:00 (4 d 1 h) to
    // 1 March 09:00:02.5
    expect(f.daysAtLarge).toEqual({ median: 18, max: 25 });
    expect(f.hitToAlertSeconds).toEqual({ count: 1, median: 2.5, max: 2.5 });
  });

  it("narrows to a reader's facilities: the facility the person left", async () => {
    const commander: Actor = { ...adminActor, userId: null, username: 'commander-f2', role: 'commander', facilityIds: [f2] };
    const f = await app.services.sightings.figures(commander);
    expect(f).toMatchObject({ wanted: 1, minors: 0, recaptured: 1, sighted: 0, hitToAlertSeconds: { count: 0, median: null, max: null } });
  });

  it('counts a recapture through the module once', async () => {
    const s = app.services;
    clock.set('2026-03-01T11:00:00Z');
    await s.sightings.decide(investigator, sightingId, 'confirmed', null);
    await s.sightings.recapture(adminActor, sightingId, { facilityId: f1 });
    await s.settle();
    const f = await s.sightings.figures(adminActor);
    expect(f).toMatchObject({ wanted: 2, minors: 1, recaptured: 2, recapturedAfterSighting: 1, confirmed: 1 });
  });
});
