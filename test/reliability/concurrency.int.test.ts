// Many writers at once, through two servers on the same database (two connection pools, as two processes would have):
// registry creates, custody appends, roll-call mark batches and a close racing the marks. No answer may be a 5xx;
// every accepted append is in the ledger once, with its domain event once; the chain verifies; the close counts
// exactly the marks that committed before it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { buildHttp } from '../../src/main';
import { openDatabase, queryRows } from '../../src/platform/db/database';
import { createServices, type Services } from '../../src/services';
import { buildAdmittedPerson, buildFacility } from '../factories';
import { createTestApp, targets, type TestApp } from '../harness';
import { listen, type RawResponse, send } from './http';

describe.each(await targets())('many writers at once on %s', (target) => {
  let app: TestApp;
  let second: { services: Services; http: FastifyInstance } | undefined;
  let bases: string[];
  let token: string;
  let facility: string;
  let units: string[];
  let persons: string[];

  beforeAll(async () => {
    app = await createTestApp(target);
    bases = [await listen(app.http)];
    if (app.databaseUrl) {
      // a second server on the same PostgreSQL database
      const database = await openDatabase({ url: app.databaseUrl, dataDir: 'memory://' });
      const services = createServices(database, { clock: app.clock });
      const http = await buildHttp(services, { logger: false, responseCheck: 'strict' });
      second = { services, http };
      bases.push(await listen(http));
    }
    const f = await buildFacility(app.services, { code: 'CONC' }, 3);
    facility = f.facility.id;
    units = f.units.map((u) => u.id);
    persons = [];
    for (let i = 0; i < 12; i++) persons.push(await buildAdmittedPerson(app.services, { facilityId: facility, unitId: units[0] }));
    token = await app.tokenFor('admin');
  });
  afterAll(async () => {
    if (second) {
      await second.http.close();
      await second.services.close();
    }
    await app?.close();
  });

  const post = (i: number, url: string, body: unknown): Promise<RawResponse> =>
    send(bases[i % bases.length]!, {
      method: 'POST',
      url: `/api/v1${url}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers every writer below 500, loses and doubles nothing, and keeps the chain whole', async () => {
    const rc = await post(0, '/rollcalls', { facilityId: facility });
    expect(rc.status).toBe(201);
    const rollcallId = JSON.parse(rc.text).id as string;
    const eventsBefore = (await queryRows<{ n: number }>(app.services.database.db, sql`select count(*)::int as n from custody_events`))[0]!.n;

    // confirmed as new: the names differ only by a number, which the duplicate warning (not tested here) would flag
    const creates = Array.from({ length: 16 }, (_, i) =>
      post(i, '/persons', { names: [{ full: `Concurrent Writer ${i}` }], sex: 'F', facilityId: facility, confirmNew: { reason: 'concurrency test' } }),
    );
    // moves between units, several at once on the same person: each is accepted or refused (409), never half-done
    const moves = Array.from({ length: 36 }, (_, i) =>
      post(i, `/persons/${persons[i % persons.length]}/events`, { type: 'MOVED', facilityId: facility, unitId: units[1 + (i % 2)] }),
    );
    const batches = Array.from({ length: 4 }, (_, i) =>
      post(i, '/events/batch', {
        events: persons.slice(i * 3, i * 3 + 3).map((personId) => ({ personId, type: 'MOVED', facilityId: facility, unitId: units[0] })),
      }),
    );
    const marks = Array.from({ length: 6 }, (_, i) =>
      post(i, `/rollcalls/${rollcallId}/marks`, { marks: persons.slice(i * 2, i * 2 + 2).map((personId) => ({ personId, result: 'present' })) }),
    );
    const close = post(1, `/rollcalls/${rollcallId}/close`, {});
    const all = await Promise.all([...creates, ...moves, ...batches, ...marks, close]);

    const failures = all.filter((r) => r.status >= 500 || r.status === 0).map((r) => `${r.status} ${r.text.slice(0, 200)}`);
    expect(failures).toEqual([]);
    const created = (await Promise.all(creates)).filter((r) => r.status === 201).length;
    expect(created).toBe(16);
    for (const r of [...(await Promise.all(moves)), ...(await Promise.all(batches))]) expect([200, 201, 409]).toContain(r.status);
    const appended =
      (await Promise.all(moves)).filter((r) => r.status < 300).length + (await Promise.all(batches)).filter((r) => r.status < 300).reduce((n) => n + 3, 0);
    const closed = await close;
    expect(closed.status).toBe(200);

    await app.services.settle();
    const db = app.services.database.db;
    const [counts] = await queryRows<{ events: number; closeEvents: number; outbox: number; distinctOutbox: number; missing: number }>(
      db,
      sql`select (select count(*)::int from custody_events) as events,
                 (select count(*)::int from custody_events where evidence->>'rollcallId' = ${rollcallId}) as "closeEvents",
                 (select count(*)::int from outbox where type = 'custody.event_appended') as outbox,
                 (select count(distinct payload->>'eventId')::int from outbox where type = 'custody.event_appended') as "distinctOutbox",
                 (select count(*)::int from custody_events e where not exists
                    (select 1 from outbox o where o.type = 'custody.event_appended' and o.payload->>'eventId' = e.id::text)) as missing`,
    );
    // every accepted append is in the ledger once (the close adds its own UNACCOUNTED events), each with one event
    expect(counts!.events).toBe(eventsBefore + appended + counts!.closeEvents);
    expect(counts!.outbox).toBe(counts!.events);
    expect(counts!.distinctOutbox).toBe(counts!.events);
    expect(counts!.missing).toBe(0);

    // the chain: gapless per site, head at the last event, and it verifies
    const chains = await queryRows<{ n: number; lo: number; hi: number; head: number }>(
      db,
      sql`select count(*)::int as n, min(e.seq)::int as lo, max(e.seq)::int as hi, max(h.seq)::int as head
          from custody_events e join ledger_heads h on h.site_id = e.site_id group by e.site_id`,
    );
    for (const c of chains) expect([c.lo, c.hi, c.head]).toEqual([1, c.n, c.n]);
    const verify = await send(bases[0]!, { method: 'GET', url: '/api/v1/ledger/verify', headers: { authorization: `Bearer ${token}` } });
    expect(JSON.parse(verify.text).ok).toBe(true);

    // the close counted exactly the marks that committed before it, and no mark landed after it
    const result = JSON.parse(closed.text) as { present: number };
    const [marked] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from rollcall_marks where rollcall_id = ${rollcallId} and result = 'present'`,
    );
    expect(result.present).toBe(marked!.n);
    const markAnswers = await Promise.all(marks);
    expect(markAnswers.filter((r) => r.status < 300).length * 2).toBe(marked!.n);
  });
});
