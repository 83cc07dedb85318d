/**
 * Scope is written twice: in SQL for lists (registry.repository.ts#scopeCondition, also used by reports, screening
 * and biometrics), and in TypeScript for a read of one record (access.domain.ts#canSeePerson through
 * RegistryService.get). This property test builds random persons (enrolling facility, nationalities, a custody path
 * through admissions, transfers, releases and escapes) and random actors (every role, facility and nationality
 * scopes) and checks, on PGlite and PostgreSQL, that the persons a search lists are exactly those the actor may read
 * one by one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { uuidv7 } from 'uuidv7';
import { createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility, personInput } from './factories';
import type { FakeClock } from '../src/platform/clock';
import { DomainError } from '../src/platform/errors';
import { canSeePerson, hasPermission, ROLES, type Actor } from '../src/modules/access';
import { placementSummaries, type AppendRequest } from '../src/modules/custody';
import type { FacilityView } from '../src/modules/facilities';

/** Runs per database; CUSTOS_PROPERTY_RUNS=500 searches longer. */
const RUNS = Number(process.env.CUSTOS_PROPERTY_RUNS ?? 20);

const COUNTRIES = ['IRQ', 'SYR', 'FRA', 'AFG'] as const;
const PATHS = ['registered', 'admitted', 'in_transit', 'in_transit', 'arrived', 'released', 'readmitted', 'escaped', 'temporarily_out'] as const;

const facilityIndex = fc.nat({ max: 2 });

const worldArb = fc.record({
  persons: fc.array(
    fc.record({
      enrolledAt: fc.option(facilityIndex, { nil: null, freq: 2 }),
      nationalities: fc.uniqueArray(fc.constantFrom(...COUNTRIES.slice(0, 3)), { maxLength: 2 }),
      path: fc.constantFrom(...PATHS),
      at: facilityIndex,
      to: facilityIndex,
    }),
    { minLength: 1, maxLength: 6 },
  ),
  actors: fc.array(
    fc.record({
      role: fc.constantFrom(...ROLES),
      facilities: fc.uniqueArray(facilityIndex, { maxLength: 2 }),
      /** A facility id in scope that no person was ever at. */
      unknownFacility: fc.boolean(),
      nationalities: fc.oneof(
        { arbitrary: fc.constant([] as string[]), weight: 2 },
        { arbitrary: fc.uniqueArray(fc.constantFrom(...COUNTRIES), { minLength: 1, maxLength: 2 }), weight: 1 },
      ),
    }),
    { minLength: 1, maxLength: 3 },
  ),
});

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

for (const target of await targets()) {
  describe(`the scope of a search agrees with the read of one person on ${target}`, () => {
    let app: TestApp;
    let facilities: FacilityView[];
    beforeAll(async () => {
      app = await createTestApp(target);
      facilities = [];
      for (let i = 0; i < 3; i++) facilities.push((await buildFacility(app.services, { code: `SCP${target[0]}${i}` }, 0)).facility);
    });
    afterAll(async () => app?.close());

    async function tryAppend(request: AppendRequest): Promise<void> {
      try {
        await app.services.custody.append(adminActor, request);
      } catch (err) {
        if (!(err instanceof DomainError) || (err.kind !== 'conflict' && err.kind !== 'invalid')) throw err;
      }
    }

    async function check(w: World): Promise<void> {
      const s = app.services;
      // newest first: this run's persons lead every unfiltered search
      (app.clock as FakeClock).advance(60_000);
      const fid = (i: number) => facilities[i]!.id;
      const ids = await s.registry.createMany(
        adminActor,
        w.persons.map((p) => personInput({ facilityId: p.enrolledAt === null ? undefined : fid(p.enrolledAt), nationalities: p.nationalities })),
      );
      const admitted = w.persons.flatMap((p, i) => (p.path === 'registered' ? [] : [{ personId: ids[i]!, type: 'ADMITTED' as const, facilityId: fid(p.at) }]));
      if (admitted.length) await s.custody.appendMany(adminActor, admitted);
      for (const [i, p] of w.persons.entries()) {
        const personId = ids[i]!;
        const to = fid(p.to === p.at ? (p.at + 1) % 3 : p.to);
        if (p.path === 'registered') continue;
        if (p.path === 'in_transit' || p.path === 'arrived') {
          await tryAppend({ personId, type: 'TRANSFER_DEPARTED', facilityId: to });
          if (p.path === 'arrived') await tryAppend({ personId, type: 'TRANSFER_ARRIVED', facilityId: to });
        } else if (p.path === 'released' || p.path === 'readmitted') {
          await tryAppend({ personId, type: 'RELEASED' });
          if (p.path === 'readmitted') await tryAppend({ personId, type: 'ADMITTED', facilityId: to });
        } else if (p.path === 'escaped') {
          await tryAppend({ personId, type: 'ESCAPED' });
        } else if (p.path === 'temporarily_out') {
          await tryAppend({ personId, type: 'TEMPORARY_OUT', reason: 'hospital' });
        }
      }
      const placements = await placementSummaries(s.database.db, ids);
      const mine = new Set(ids);

      for (const a of w.actors) {
        const actor: Actor = {
          userId: null,
          username: `scope-${a.role}`,
          role: a.role,
          facilityIds: [...a.facilities.map(fid), ...(a.unknownFacility ? [uuidv7()] : [])],
          nationalities: a.nationalities,
          purpose: 'scope property test',
        };
        if (!hasPermission(a.role, 'persons.read')) {
          await expect(s.registry.search(actor, { limit: 200 })).rejects.toMatchObject({ code: 'access.forbidden' });
          await expect(s.registry.get(actor, ids[0]!, { audit: false })).rejects.toMatchObject({ code: 'access.forbidden' });
          continue;
        }
        const listed = new Set((await s.registry.search(actor, { limit: 200 })).map((p) => p.id).filter((id) => mine.has(id)));
        const readable = new Set<string>();
        for (const [i, id] of ids.entries()) {
          try {
            await s.registry.get(actor, id, { audit: false });
            readable.add(id);
          } catch (err) {
            if (!(err instanceof DomainError) || err.code !== 'access.out_of_scope') throw err;
          }
          // the policy itself, on the facts the test built, names the same persons
          const pl = placements.get(id);
          const p = w.persons[i]!;
          const allowed = canSeePerson(actor, {
            facilityIds: [pl?.facilityId ?? null, pl?.destinationFacilityId ?? null, p.enrolledAt === null ? null : fid(p.enrolledAt)],
            nationalities: p.nationalities,
          });
          expect(readable.has(id), `${a.role} reading ${p.path} person ${id}`).toBe(allowed);
        }
        expect([...listed].sort()).toEqual([...readable].sort());
      }
    }

    it('for random persons and actors', async () => {
      await fc.assert(
        fc.asyncProperty(worldArb, (w) => check(w)),
        { numRuns: RUNS },
      );
    });
  });
}
