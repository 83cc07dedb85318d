import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { openDatabase, queryRows, type Database, type Db } from '../src/platform/db/database';
import { silentLogger } from '../src/platform/logger';
import { defineEvent, Dispatcher, eventsOf, Outbox, type Consumer, type DomainEvent } from '../src/platform/outbox';
import { createTestApp, targets, type TestApp } from './harness';

const Pinged = defineEvent('test.pinged', 1, z.object({ n: z.number().int() }));
const Other = defineEvent('test.other', 1, z.object({ s: z.string() }));

/** Handled events land in a table, so "once in effect" is a count in the database. */
async function scratchTable(db: Db) {
  await db.execute(sql`create table if not exists test_handled (consumer text not null, event_id uuid not null, n int, primary key (consumer, event_id))`);
}

function recordingConsumer(name: string, opts: { failFirst?: number; transactional?: boolean } = {}): Consumer & { calls: number } {
  let failures = opts.failFirst ?? 0;
  const consumer = { name, events: [Pinged], calls: 0 } as unknown as Consumer & { calls: number };
  const record = async (db: Db, events: DomainEvent[]) => {
    consumer.calls += 1;
    for (const e of eventsOf(Pinged, events)) {
      await db.execute(sql`insert into test_handled (consumer, event_id, n) values (${name}, ${e.id}, ${e.payload.n}) on conflict do nothing`);
    }
    if (failures > 0) {
      failures -= 1;
      throw new Error('the handler failed (test)');
    }
  };
  if (opts.transactional === false) {
    return Object.assign(consumer, { transactional: false as const, handle: async (events: DomainEvent[]) => record(database!, events) });
  }
  return Object.assign(consumer, { transactional: true as const, handle: (tx: Db, events: DomainEvent[]) => record(tx, events) });
}
let database: Db | undefined;

async function handled(db: Db, consumer: string, from = 100): Promise<number[]> {
  const rows = await queryRows<{ n: number }>(db, sql`select n from test_handled where consumer = ${consumer} and n >= ${from} order by n`);
  return rows.map((r) => r.n);
}

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(await targets())('the transactional outbox on %s', (target) => {
  let app: TestApp;
  let outbox: Outbox;

  beforeAll(async () => {
    app = await createTestApp(target);
    database = app.services.database.db;
    await scratchTable(database);
    outbox = app.services.outbox;
  });
  afterAll(async () => {
    await app?.close();
  });

  const emitOne = (n: number) => outbox.transaction(async (tx) => outbox.emit(tx, Pinged, { n }));

  it('writes events in the transaction of the change, numbered without gaps, and nothing when it rolls back', async () => {
    const db = app.services.database.db;
    const before = await queryRows<{ seq: string }>(db, sql`select coalesce(max(seq), 0) as seq from outbox where site_id = 'hq'`);
    const start = Number(before[0]!.seq);
    await outbox.transaction(async (tx) => {
      outbox.emit(tx, Pinged, { n: 1 }, { subjects: { personIds: ['0190f0b2-1c2d-7000-8000-000000000001', null] } });
      outbox.emit(tx, Other, { s: 'x' });
    });
    await expect(
      outbox.transaction(async (tx) => {
        outbox.emit(tx, Pinged, { n: 2 });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    // a payload that does not match its schema is a programming error: the transaction rolls back
    await expect(outbox.transaction(async (tx) => outbox.emit(tx, Pinged, { n: 'two' } as unknown as { n: number }))).rejects.toThrow(/does not match/);
    expect(() => outbox.emit(db, Pinged, { n: 3 })).toThrow(/outside an outbox transaction/);
    const rows = await queryRows<{ seq: string; type: string; version: number; payload: unknown; person_ids: string[] }>(
      db,
      sql`select seq, type, version, payload, person_ids from outbox where site_id = 'hq' and seq > ${start} order by seq`,
    );
    expect(rows.map((r) => [Number(r.seq) - start, r.type, r.version])).toEqual([
      [1, 'test.pinged', 1],
      [2, 'test.other', 1],
    ]);
    expect(rows[0]!.payload).toEqual({ n: 1 });
    expect(rows[0]!.person_ids).toEqual(['0190f0b2-1c2d-7000-8000-000000000001']);
    // append-only, like the ledger
    const refused = await db.execute(sql`delete from outbox where site_id = 'hq'`).then(
      () => null,
      (err: Error & { cause?: Error }) => `${err.message} ${err.cause?.message ?? ''}`,
    );
    expect(refused).toMatch(/append-only/);
  });

  it('keeps each site ordered and gapless under concurrent writers', async () => {
    const db = app.services.database.db;
    const [{ seq: before }] = (await queryRows<{ seq: string }>(db, sql`select coalesce(max(seq), 0) as seq from outbox where site_id = 'hq'`)) as [
      { seq: string },
    ];
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        outbox.transaction(async (tx) => {
          for (let k = 0; k <= i % 3; k++) outbox.emit(tx, Other, { s: `${i}.${k}` });
          await tx.execute(sql`select pg_sleep(${(i % 5) / 1000})`);
        }),
      ),
    );
    const seqs = (await queryRows<{ seq: string }>(db, sql`select seq from outbox where site_id = 'hq' and seq > ${before} order by seq`)).map((r) =>
      Number(r.seq),
    );
    expect(seqs).toHaveLength(60);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => Number(before) + i + 1));
    const [head] = await queryRows<{ seq: string }>(db, sql`select seq from outbox_heads where site_id = 'hq'`);
    expect(Number(head!.seq)).toBe(Number(before) + 60);
  });

  it('delivers to a named consumer from its checkpoint, again after a failure, and once in effect', async () => {
    const db = app.services.database.db;
    const dbase: Database = app.services.database;
    const ok = recordingConsumer('test.once');
    const flaky = recordingConsumer('test.flaky', { failFirst: 1 });
    const after = recordingConsumer('test.after', { transactional: false });
    const dispatcher = new Dispatcher(outbox, dbase, app.services.clock, [ok, flaky, after], silentLogger);
    try {
      for (let n = 100; n < 105; n++) await emitOne(n);
      await dispatcher.idle();
      expect(await handled(db, 'test.once')).toEqual([100, 101, 102, 103, 104]);
      expect(await handled(db, 'test.after')).toEqual([100, 101, 102, 103, 104]);
      // the failed delivery rolled back with its checkpoint, and is retried after a backoff
      await waitFor(async () => (await handled(db, 'test.flaky')).length === 5);
      expect(flaky.calls).toBeGreaterThanOrEqual(2);
      expect(await handled(db, 'test.flaky')).toEqual([100, 101, 102, 103, 104]);
      const status = await dispatcher.status();
      const head = Number((await queryRows<{ seq: string }>(db, sql`select seq from outbox_heads where site_id = 'hq'`))[0]!.seq);
      expect(status.find((s) => s.consumer === 'test.once')).toMatchObject({ seq: head, behind: 0, failures: 0 });
      // a consumer's events only: the others pass it by, and its checkpoint moves past them
      await outbox.transaction(async (tx) => outbox.emit(tx, Other, { s: 'ignored' }));
      await dispatcher.idle();
      expect(ok.calls).toBeGreaterThan(0);
    } finally {
      await dispatcher.stop();
    }
  });

  it('a dispatcher that starts later delivers what was committed before it (a crash between commit and reaction)', async () => {
    const db = app.services.database.db;
    // Committed while no dispatcher knows this consumer: as if the process had died right after the commit.
    for (let n = 200; n < 203; n++) await emitOne(n);
    const late = recordingConsumer('test.late');
    const dispatcher = new Dispatcher(outbox, app.services.database, app.services.clock, [late], silentLogger);
    try {
      await dispatcher.start({ pollMs: 60_000 });
      await dispatcher.idle();
      const got = await handled(db, 'test.late', 0);
      expect(got).toEqual(expect.arrayContaining([200, 201, 202]));
      expect(got).toContain(1); // from the stream's beginning: a new consumer reads everything
    } finally {
      await dispatcher.stop();
    }
  });

  it('two dispatchers on one database (two processes) deliver each event once', async () => {
    if (!app.databaseUrl) return; // PGlite belongs to one process
    const db = app.services.database.db;
    const second = await openDatabase({ url: app.databaseUrl });
    const secondOutbox = new Outbox(second, app.services.clock, app.services.ids, 'hq', silentLogger);
    const a = new Dispatcher(outbox, app.services.database, app.services.clock, [recordingConsumer('test.shared')], silentLogger);
    const b = new Dispatcher(secondOutbox, second, app.services.clock, [recordingConsumer('test.shared')], silentLogger);
    try {
      await Promise.all([a.start({ pollMs: 50 }), b.start({ pollMs: 50 })]);
      const writes = [];
      for (let n = 300; n < 340; n++) writes.push(n % 2 ? emitOne(n) : secondOutbox.transaction(async (tx) => secondOutbox.emit(tx, Pinged, { n })));
      await Promise.all(writes);
      await waitFor(async () => (await handled(db, 'test.shared', 300)).length === 40);
      await a.idle();
      await b.idle();
      const counts = await queryRows<{ n: number; c: number }>(
        db,
        sql`select n, count(*)::int as c from test_handled where consumer = 'test.shared' and n >= 300 group by n having count(*) > 1`,
      );
      expect(counts).toEqual([]);
    } finally {
      await a.stop();
      await b.stop();
      await second.close();
    }
  });

  it('streams live events to subscribers, from this process', async () => {
    const seen: number[] = [];
    const unsubscribe = await outbox.subscribe([Pinged], (e) => seen.push((e.payload as { n: number }).n));
    try {
      await emitOne(400);
      await outbox.transaction(async (tx) => outbox.emit(tx, Other, { s: 'not for it' }));
      await emitOne(401);
      await waitFor(async () => seen.length === 2);
      expect(seen).toEqual([400, 401]);
    } finally {
      unsubscribe();
    }
  });
});
