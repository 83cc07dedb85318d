import { afterAll, describe, expect, it } from 'vitest';
import { AIRLIFT_OPERATION, BOARDING_CHECK } from '../src/demo/scenario';
import { AirliftOperation, type AirliftHost } from '../src/demo/scenario/scenario.airlift';
import { systemActor } from '../src/modules/access';
import { FakeClock } from '../src/platform/clock';
import { buildFacility, personInput } from './factories';
import { createTestApp, targets, type TestApp } from './harness';

// The scenario's airlift flights through the transfers module, driven step by step as the replay drives them (a small
// host in place of the replay's mirror, so the test needs no world): the demo's flights with discrepancies (2, 4 and 5),
// and flight 2's left open until it is resolved on 26 January.
const admin = systemActor('scenario airlift test');
const HOUR = 3_600_000;

describe.each(await targets())('scenario airlift on %s', (target) => {
  let app: TestApp;
  afterAll(async () => {
    await app?.close();
  });

  it('flies the flights as movements with manifests, discrepancies named and resolved through the API', async () => {
    const clock = new FakeClock('2026-01-23T00:00:00Z');
    app = await createTestApp(target, { clock });
    const s = app.services;
    const prison = (await buildFacility(s, { code: 'GWY', kind: 'prison' })).facility;
    const dest = (await buildFacility(s, { code: 'IRQ-RCV', kind: 'receiving_authority' })).facility;
    const persons = await s.registry.createMany(
      admin,
      Array.from({ length: 10 }, () => ({ ...personInput(), facilityId: prison.id })),
    );
    await s.custody.appendMany(
      admin,
      persons.map((personId) => ({ personId, type: 'ADMITTED' as const, facilityId: prison.id })),
    );
    const steps: { at: number; run: () => Promise<void> }[] = [];
    const where = new Map<number, string>();
    const host: AirliftHost = {
      services: s,
      actor: admin,
      personId: (k) => persons[k]!,
      fid: (code) => (code === 'GWY' ? prison.id : dest.id),
      at: (at, run) => steps.push({ at, run }),
      log: () => {},
      moved: (k, type) => where.set(k, type),
    };
    const airlift = new AirliftOperation(host);
    const runUntil = async (until: number) => {
      for (;;) {
        steps.sort((a, b) => a.at - b.at);
        if (!steps[0] || steps[0].at >= until) return;
        const step = steps.shift()!;
        clock.set(new Date(step.at));
        await step.run();
      }
    };
    const refused: number[] = [];
    // the flights with discrepancies (1 and 3 are plain ones)
    const manifests: [number, number[]][] = [
      [2, [0, 1, 2, 3]],
      [4, [4, 5, 6]],
      [5, [7, 8, 9]],
    ];
    for (const [no, keys] of manifests) {
      const depart = Date.parse('2026-01-23T03:30:00Z') + (no - 1) * 4 * HOUR;
      await runUntil(depart);
      clock.set(new Date(depart));
      refused.push(...(await airlift.flight({ no, prison: 'GWY', dest: 'IRQ-RCV', manifest: keys, depart }, () => {})));
    }
    await runUntil(Date.parse('2026-01-26T00:00:00Z'));

    const op = (await s.transfers.listOperations(admin, { limit: 10, offset: 0 })).rows;
    expect(op.map((o) => o.name)).toEqual([AIRLIFT_OPERATION]);
    const movements = await s.transfers.movements(admin, op[0]!.id);
    expect(movements.map((m) => m.code)).toEqual(['AL-02', 'AL-04', 'AL-05']);
    for (const m of movements) expect([m.senderSigned, m.receiverSigned, m.total <= m.effectiveCapacity]).toEqual([true, true, true]);
    const byCode = new Map(movements.map((m) => [m.code, m]));
    // Flight 2: one refused to board (cancelled, back to the queue), one not identified at arrival: open.
    expect(refused).toEqual([0]);
    expect(byCode.get('AL-02')).toMatchObject({ status: 'disputed', countOn: 3, countOff: 2, byStatus: { cancelled: 1, completed: 2, disputed: 1 } });
    expect(op[0]!.discrepancies).toBe(1);
    // Flights 4 and 5: the wrong aircraft. Missing off 4, extra off 5: re-attributed by an officer on 5, received on
    // 4's manifest with the reason, both flights cleared.
    const stray = 6;
    expect(byCode.get('AL-04')).toMatchObject({ status: 'received', missing: [] });
    expect(byCode.get('AL-05')).toMatchObject({ status: 'received', extra: [] });
    const four = await s.transfers.manifest(admin, byCode.get('AL-04')!.id);
    expect(four.moves.find((x) => x.personId === persons[stray])).toMatchObject({ status: 'completed', reason: expect.stringMatching(/flew on AL-05/) });
    expect(four.moves.every((x) => x.overrideReason === BOARDING_CHECK)).toBe(true);
    expect(where.get(stray)).toBe('TRANSFER_ARRIVED');
    const five = await s.transfersDisputes.discrepancies(admin, byCode.get('AL-05')!.id);
    expect(five.resolved).toMatchObject([{ personId: persons[stray], side: 'extra', kind: 'reattributed', otherMovement: { code: 'AL-04' } }]);

    // 26 January: flight 2's missing detainee identified and received; no flight is disputed any more.
    await runUntil(Date.parse('2026-01-27T00:00:00Z'));
    const all = await s.transfers.movements(admin, op[0]!.id);
    expect(all.find((m) => m.code === 'AL-02')).toMatchObject({ status: 'received', missing: [] });
    expect(all.every((m) => m.status === 'received')).toBe(true);
    expect(await s.transfersDisputes.ofOperation(admin, op[0]!.id)).toMatchObject({ open: 0, resolved: 3 });
    const v = await s.custody.verify(null);
    expect(v.ok).toBe(true);
  }, 180_000); // about 10 s on a quiet machine
});
