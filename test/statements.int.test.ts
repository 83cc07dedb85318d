import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkExportFile } from '../src/cli/commands/ledger-export';
import { sealEvent } from '../src/modules/custody';
import { verifyInclusionProof } from '../src/modules/reviews';
import { GENESIS_HASH } from '../src/platform/canonical-json';
import { queryRows } from '../src/platform/db/database';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { auth, createTestApp, targets, type TestApp } from './harness';

for (const target of await targets()) {
  describe(`custody statements and the offline check on ${target}`, () => {
    let app: TestApp;
    let dir: string;
    let facilityId: string;
    const persons: string[] = [];

    beforeAll(async () => {
      app = await createTestApp(target);
      dir = mkdtempSync(join(tmpdir(), 'custos-statements-'));
      const { facility, units } = await buildFacility(app.services, { code: 'HOL', kind: 'camp' });
      facilityId = facility.id;
      for (let i = 0; i < 4; i++) persons.push(await buildAdmittedPerson(app.services, { facilityId, unitId: units[0]!.id }));
      await app.services.custody.append(adminActor, { personId: persons[3]!, type: 'ESCAPED', reason: 'fence cut' });
    });
    afterAll(async () => {
      await app?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    /** `custos ledger check` as a monitor runs it: a process of its own, no database, no server. */
    const ledgerCheck = (...args: string[]) =>
      spawnSync(process.execPath, [new URL('../bin/custos.js', import.meta.url).pathname, 'ledger', 'check', ...args], { encoding: 'utf8', timeout: 120_000 });

    const exportTo = async (name: string, token: string) => {
      const res = await app.http.inject({ method: 'GET', url: '/api/v1/ledger/export', headers: auth(token) });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/ndjson/);
      const file = join(dir, name);
      writeFileSync(file, res.body);
      return { file, body: res.body };
    };

    it('a commander issues a signed statement that a monitor reads; the export checks offline and carries no personal data', async () => {
      const commander = await app.tokenFor('commander');
      const monitor = await app.tokenFor('monitor');
      expect((await app.http.inject({ method: 'POST', url: '/api/v1/statements', headers: auth(monitor) })).statusCode).toBe(403);
      const issued = await app.http.inject({ method: 'POST', url: '/api/v1/statements', headers: auth(commander) });
      expect(issued.statusCode).toBe(201);
      const st = issued.json();
      expect(st.statement.counts).toEqual(
        expect.arrayContaining([
          { facilityId, facilityCode: 'HOL', status: 'in_custody', count: 3 },
          { facilityId, facilityCode: 'HOL', status: 'escaped', count: 1 },
        ]),
      );
      expect(st.statement.ledger).toEqual([expect.objectContaining({ siteId: app.services.siteId, seq: 5 })]);
      const latest = await app.http.inject({ method: 'GET', url: '/api/v1/statements/latest', headers: auth(monitor) });
      expect(latest.json().id).toBe(st.id);
      const list = await app.http.inject({ method: 'GET', url: '/api/v1/statements?limit=1', headers: auth(monitor) });
      expect(list.json()).toMatchObject({ total: 1, items: [{ id: st.id }] });

      const { file, body } = await exportTo('first.ndjson', monitor);
      for (const id of persons) expect(body).not.toContain(id);
      expect(body).not.toContain('fence cut');
      const published = join(dir, 'published.json');
      writeFileSync(published, JSON.stringify(st));
      const result = await checkExportFile(file, { published: [published], key: st.publicKey });
      expect(result.chainProblems).toEqual([]);
      expect(result.ok).toBe(true);
      expect(result.descendsFromPublished).toBe(true);
      // the export's own statement (issued for it, by the site) and the commander's, counts replayed from the chain
      expect(result.statements.filter((s) => s.source === 'file').map((s) => s.counts)).toEqual(['match', 'match']);
      const [row] = await queryRows<{ n: number }>(app.services.database.db, sql`select count(*)::int as n from audit_log where action = 'ledger.export'`);
      expect(row!.n).toBe(1);

      // the same through the CLI: exit 0; a forged statement (a count raised, the signature kept) is caught: exit 1;
      // a file that is no export at all is refused as unusable: exit 2
      const good = ledgerCheck(file, '--published', published, '--key', st.publicKey);
      expect(good.status, good.stderr).toBe(0);
      expect(good.stdout).toContain('Export verifies.');
      const forgedFile = join(dir, 'forged.json');
      writeFileSync(forgedFile, JSON.stringify({ ...st, statementText: st.statementText.replace('"count":3', '"count":4') }));
      expect(st.statementText).toContain('"count":3');
      const forged = ledgerCheck(file, '--published', forgedFile, '--key', st.publicKey);
      expect(forged.status, forged.stderr).toBe(1);
      expect(forged.stdout).toMatch(/published statement .*FAILS: the signature does not verify/);
      expect(forged.stdout).toContain('Export does NOT verify.');
      const junk = join(dir, 'junk.ndjson');
      writeFileSync(junk, 'this is not an export\n');
      const unusable = ledgerCheck(junk);
      expect(unusable.status).toBe(2);
      expect(unusable.stderr).toContain('not a Custos ledger export');
    }, 300_000);

    it("a legal officer's inclusion proof verifies offline, and fails when one byte of the event changes", async () => {
      const legal = await app.tokenFor('legal');
      const [event] = await queryRows<{ id: string }>(app.services.database.db, sql`select id from custody_events where person_id = ${persons[1]} limit 1`);
      const res = await app.http.inject({ method: 'GET', url: `/api/v1/ledger/events/${event!.id}/inclusion-proof`, headers: auth(legal) });
      expect(res.statusCode).toBe(200);
      const proof = res.json();
      const key = proof.statement.publicKey;
      expect(verifyInclusionProof(proof, key)).toEqual({ ok: true, problem: null });
      const altered = { ...proof, event: { ...proof.event, personId: proof.event.personId.replace(/.$/, (c: string) => (c === '0' ? '1' : '0')) } };
      expect(verifyInclusionProof(altered, key).ok).toBe(false);
      const unknown = await app.http.inject({
        method: 'GET',
        url: '/api/v1/ledger/events/00000000-0000-7000-8000-00000000abcd/inclusion-proof',
        headers: auth(legal),
      });
      expect(unknown.statusCode).toBe(404);
      const monitor = await app.tokenFor('monitor');
      expect((await app.http.inject({ method: 'GET', url: `/api/v1/ledger/events/${event!.id}/inclusion-proof`, headers: auth(monitor) })).statusCode).toBe(
        403,
      );
    });

    it('a chain rewritten and re-hashed by an operator still passes its own links, and is caught against the earlier statement', async () => {
      const db = app.services.database.db;
      const monitor = await app.tokenFor('monitor');
      const earlier = (await app.http.inject({ method: 'GET', url: '/api/v1/statements/latest', headers: auth(monitor) })).json();
      const published = join(dir, 'earlier.json');
      writeFileSync(published, JSON.stringify(earlier));
      // The operator changes the escape into a release and re-hashes every event from there to the head.
      const site = app.services.siteId;
      const events = await app.services.custody.chainPage(db, site, 0, 1e9, 1000);
      let prev = GENESIS_HASH;
      await db.transaction(async (tx) => {
        await tx.execute(sql`set local session_replication_role = replica`);
        for (const e of events) {
          const { hash: _old, ...rest } = e;
          const sealed = sealEvent({ ...rest, prevHash: prev, type: e.type === 'ESCAPED' ? 'RELEASED' : e.type });
          await tx.execute(sql`update custody_events set type = ${sealed.type}, prev_hash = ${sealed.prevHash}, hash = ${sealed.hash} where id = ${e.id}`);
          prev = sealed.hash;
        }
        await tx.execute(sql`update ledger_heads set hash = ${prev} where site_id = ${site}`);
        await tx.execute(sql`update placements set status = 'released' where person_id = ${persons[3]}`);
      });
      // The server's own verify cannot see it: the rewritten chain is consistent.
      expect((await app.services.custody.verify(null)).ok).toBe(true);
      const { file } = await exportTo('rewritten.ndjson', monitor);
      const result = await checkExportFile(file, { published: [published], key: earlier.publicKey });
      expect(result.ok).toBe(false);
      expect(result.descendsFromPublished).toBe(false);
      expect(result.statements.find((s) => s.source === 'published')?.problem).toMatch(/rewritten/);
      // and `custos ledger check` itself says so with exit 1
      const cli = ledgerCheck(file, '--published', published, '--key', earlier.publicKey);
      expect(cli.status, cli.stderr).toBe(1);
      expect(cli.stdout).toContain('The export does NOT descend from a published statement: the chain was rewritten.');
    }, 300_000);
  });
}
