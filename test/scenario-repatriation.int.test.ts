// The demo world's repatriation (issue 23): the requests under way taken over on the first morning (some overdue),
// and the Iraqi convoy of 8 January handed over through the cases module (REPATRIATED with the request as evidence).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/modules/access';
import { runScenario, ScenarioClock, scenarioIds } from '../src/demo/scenario';
import { openDatabase } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import { createServices, type Services } from '../src/services';
import { createScratchDatabase, targets } from './harness';

const admin = systemActor('scenario test');

describe.each(await targets())('the demo world on %s: repatriation', (target) => {
  let services: Services;
  let drop: (() => Promise<void>) | undefined;

  beforeAll(async () => {
    let url: string | undefined;
    if (target === 'postgres') ({ url, drop } = await createScratchDatabase());
    const database = await openDatabase({ url, dataDir: 'memory://' });
    await migrate(database);
    const clock = new ScenarioClock();
    services = createServices(database, { clock, ids: scenarioIds(clock, 5) });
    // a world four hundred times smaller (as the determinism test), replayed past the convoy of 8 January (08:00)
    await runScenario(services, { scale: 'small', divisor: 400, seed: 5, clock, until: '2026-01-08T12:00:00Z' });
    // seeding a world is the heavy part of this file; on a loaded shared machine it needs more than the default hook time
  }, 300_000);
  afterAll(async () => {
    await services?.close();
    await drop?.();
  });

  it('has requests under way to several states, some overdue, and the convoy handed over', async () => {
    const all = await services.repatriation.list(admin, { limit: 500, offset: 0 });
    expect(all.total).toBeGreaterThanOrEqual(5);
    const f = await services.repatriation.figures(admin);
    expect(f.totals.overdue).toBeGreaterThan(0);
    expect(f.totals.overdue).toBeLessThan(all.total);
    expect(f.states.filter((s) => s.requested + s.consularInterview + s.accepted + s.travelDocuments > 0).length).toBeGreaterThan(1);
    const iraq = f.states.find((s) => s.state === 'IRQ')!;
    expect(iraq.handedOver).toBeGreaterThan(0);
    const handed = await services.repatriation.list(admin, { state: 'IRQ', stage: 'handed_over', limit: 1, offset: 0 });
    const request = await services.repatriation.get(admin, handed.rows[0]!.id);
    const events = await services.custody.personEvents(admin, request.personId);
    expect(events.at(-1)).toMatchObject({
      type: 'REPATRIATED',
      id: request.handoverEventId,
      evidence: expect.objectContaining({ repatriationRequestId: request.id }),
    });
  });
});
