import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../src/platform/clock';
import { openDatabase, queryRows } from '../src/platform/db/database';
import { migrate } from '../src/platform/db/migrate';
import type { Deadline } from '../src/platform/deadlines';
import { createServices, type Services } from '../src/services';
import { createScratchDatabase, targets } from './harness';

const SUBJECT = '0190aaaa-0000-7000-8000-000000000001';
const OTHER = '0190aaaa-0000-7000-8000-000000000002';

/** A database that outlives one app instance: a PGlite data folder, or a scratch database on the server. */
async function durableDatabase(target: 'pglite' | 'postgres') {
  if (target === 'postgres') {
    const scratch = await createScratchDatabase();
    return { open: () => openDatabase({ url: scratch.url, poolSize: 3 }), drop: scratch.drop };
  }
  const dir = mkdtempSync(join(tmpdir(), 'custos-deadlines-'));
  return { open: () => openDatabase({ dataDir: dir }), drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

describe.each(await targets())('deadlines as rows (%s)', (target) => {
  const drops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const d of drops) await d();
  });

  async function instance(open: () => ReturnType<typeof openDatabase>, clock: FakeClock) {
    const database = await open();
    await migrate(database);
    const services = createServices(database, { clock });
    const seen: { step: 'due' | 'remind'; deadline: Deadline }[] = [];
    services.deadlines.register('test.review', {
      due: async (tx, deadline) => {
        seen.push({ step: 'due', deadline });
        await tx.execute(sql`select 1`);
      },
      remind: async (_tx, deadline) => {
        seen.push({ step: 'remind', deadline });
      },
    });
    return { services, seen };
  }

  it('fires a deadline scheduled before a restart in a new instance on the same database with a moved clock, reminder first, each once', async () => {
    const db = await durableDatabase(target);
    drops.push(db.drop);
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    const first = await instance(db.open, clock);
    await first.services.outbox.transaction(async (tx) => {
      await first.services.deadlines.schedule(tx, {
        kind: 'test.review',
        subjectId: SUBJECT,
        dueAt: new Date('2026-09-01T00:00:00Z'),
        remindAt: new Date('2026-08-15T00:00:00Z'),
        payload: { caseId: 'c1' },
      });
      await first.services.deadlines.schedule(tx, { kind: 'test.review', subjectId: OTHER, dueAt: new Date('2026-09-01T00:00:00Z') });
    });
    await first.services.deadlines.cancel(first.services.database.db, 'test.review', OTHER);
    expect(await first.services.deadlines.tick()).toEqual({ reminded: 0, fired: 0, failed: 0 });
    await first.services.close();

    // a new process, months later: the reminder time passed, then the due time
    clock.set('2026-08-20T00:00:00Z');
    const second = await instance(db.open, clock);
    expect(await second.services.deadlines.tick()).toEqual({ reminded: 1, fired: 0, failed: 0 });
    expect(second.seen.map((s) => s.step)).toEqual(['remind']);
    expect(second.seen[0]!.deadline).toMatchObject({ subjectId: SUBJECT, payload: { caseId: 'c1' } });
    expect(await second.services.deadlines.tick()).toEqual({ reminded: 0, fired: 0, failed: 0 });

    clock.set('2026-09-02T00:00:00Z');
    second.seen.length = 0;
    expect(await second.services.deadlines.tick()).toEqual({ reminded: 0, fired: 1, failed: 0 });
    expect(second.seen.map((s) => [s.step, s.deadline.subjectId])).toEqual([['due', SUBJECT]]);
    // fired once: a further tick and the cancelled one fire nothing
    expect(await second.services.deadlines.tick()).toEqual({ reminded: 0, fired: 0, failed: 0 });
    const rows = await queryRows<{ subject_id: string; fired: boolean; reminded: boolean; cancelled: boolean }>(
      second.services.database.db,
      sql`select subject_id, fired_at is not null as fired, reminded_at is not null as reminded, cancelled_at is not null as cancelled
          from deadlines order by subject_id`,
    );
    expect(rows).toEqual([
      { subject_id: SUBJECT, fired: true, reminded: true, cancelled: false },
      { subject_id: OTHER, fired: false, reminded: false, cancelled: true },
    ]);
    await second.services.close();
    // two PGlite instances open a data folder and migrate it: slow on a loaded machine, hence the room
  }, 180_000);

  it('keeps a deadline whose handler failed open, tries it again later, and fires the others meanwhile', async () => {
    const db = await durableDatabase(target);
    drops.push(db.drop);
    const clock = new FakeClock('2026-03-01T00:00:00Z');
    const database = target === 'pglite' ? await openDatabase({ dataDir: 'memory://' }) : await db.open();
    await migrate(database);
    const services: Services = createServices(database, { clock });
    let failing = true;
    const fired: string[] = [];
    services.deadlines.register('test.flaky', {
      due: async (tx, d) => {
        await tx.execute(sql`update deadlines set payload = '{"touched":true}'::jsonb where id = ${d.id}`);
        if (failing && d.subjectId === SUBJECT) throw new Error('handler broke');
        fired.push(d.subjectId);
      },
    });
    await services.outbox.transaction(async (tx) => {
      await services.deadlines.schedule(tx, { kind: 'test.flaky', subjectId: SUBJECT, dueAt: new Date('2026-03-01T10:00:00Z') });
      await services.deadlines.schedule(tx, { kind: 'test.flaky', subjectId: OTHER, dueAt: new Date('2026-03-01T11:00:00Z') });
    });
    clock.set('2026-03-02T00:00:00Z');
    expect(await services.deadlines.tick()).toEqual({ reminded: 0, fired: 1, failed: 1 });
    expect(fired).toEqual([OTHER]);
    const [failed] = await queryRows<{ attempts: number; last_error: string; fired: boolean; payload: unknown }>(
      services.database.db,
      sql`select attempts, last_error, fired_at is not null as fired, payload from deadlines where subject_id = ${SUBJECT}`,
    );
    // the failed handler's own writes rolled back with it
    expect(failed).toEqual({ attempts: 1, last_error: 'handler broke', fired: false, payload: {} });
    // not again before its retry time; then, repaired, it fires
    expect(await services.deadlines.tick()).toEqual({ reminded: 0, fired: 0, failed: 0 });
    failing = false;
    clock.set('2026-03-02T01:00:00Z');
    expect(await services.deadlines.tick()).toEqual({ reminded: 0, fired: 1, failed: 0 });
    expect(fired).toEqual([OTHER, SUBJECT]);
    await services.close();
  });
});
