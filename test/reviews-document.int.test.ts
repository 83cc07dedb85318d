// After-action review documents (issue 21, points 2-3) on a small world built through the services on a fake clock:
// household H (A, B) and C, last verified present at the 04:00 count; the custodian withdraws at 07:00; the 16:00 count
// misses all three; C is recorded ESCAPED at 18:00. The findings are checked against values computed by hand from
// those times; then the review's life (draft, submit, self-approval refused, approval signed), its exports, and what a
// monitor sees.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility } from './factories';
import { FakeClock } from '../src/platform/clock';
import { verifyReview } from '../src/modules/reviews';
import { KINDS, type Kind } from './reliability/fuzz';
import { fuzz } from './reliability/runner';

const T = (hhmm: string) => `2026-01-20T${hhmm}:00.000Z`;

interface Finding {
  id: string;
  nature: string;
  measure: string;
  minutes?: number | null;
  from?: string;
  to?: string;
  personRef?: string;
  householdRef?: string;
  windows?: string[];
  evidence: string[];
  statement: string;
}

describe.each(await targets())('after-action review documents on %s', (target) => {
  let app: TestApp;
  let clock: FakeClock;
  let facilityId: string;
  let household: string;
  const p: Record<'A' | 'B' | 'C', string> = { A: '', B: '', C: '' };
  let author: string;
  let commander: string;
  let reviewId: string;

  beforeAll(async () => {
    clock = new FakeClock(T('03:00'));
    app = await createTestApp(target, { clock });
    const s = app.services;
    const { facility, units } = await buildFacility(s, { code: 'AAR' }, 1);
    facilityId = facility.id;
    household = (await s.registry.createHousehold(adminActor, { label: 'H', facilityId })).id;
    p.A = await buildAdmittedPerson(s, { facilityId, unitId: units[0]!.id }, { householdId: household } as never);
    p.B = await buildAdmittedPerson(s, { facilityId, unitId: units[0]!.id }, { householdId: household } as never);
    p.C = await buildAdmittedPerson(s, { facilityId, unitId: units[0]!.id });
    clock.set(T('03:30'));
    await s.guards.assumeCustody(adminActor, facilityId, { organisation: 'sdf', commander: 'Commander of record' });
    clock.set(T('04:00'));
    const morning = await s.rollcalls.open(adminActor, { facilityId });
    await s.rollcalls.mark(adminActor, morning.id, { marks: [p.A, p.B, p.C].map((personId) => ({ personId, result: 'present' as const })) });
    await s.rollcalls.close(adminActor, morning.id);
    await s.settle();
    clock.set(T('07:00'));
    await s.guards.withdraw(adminActor, facilityId, { reason: 'ordered to withdraw' });
    await s.settle();
    clock.set(T('07:25'));
    const alerts = await s.alerts.list(adminActor, { facilityId, status: 'open', limit: 50 });
    const first = alerts.sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime() || a.id.localeCompare(b.id))[0]!;
    await s.alerts.acknowledge(adminActor, first.id);
    clock.set(T('16:00'));
    const evening = await s.rollcalls.open(adminActor, { facilityId });
    await s.rollcalls.close(adminActor, evening.id);
    await s.settle();
    clock.set(T('18:00'));
    await s.custody.append(adminActor, { personId: p.C, type: 'ESCAPED', facilityId });
    await s.settle();
    clock.set('2026-01-21T09:00:00Z');
    author = await app.tokenFor('investigator');
    commander = await app.tokenFor('commander');
  }, 120_000);
  afterAll(async () => app?.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: unknown) =>
    app.http.inject({ method, url: `/api/v1${url}`, headers: auth(token), ...(payload === undefined ? {} : { payload: payload as object }) });
  const window = () => ({ facilityId, from: T('00:00'), to: '2026-01-21T00:00:00.000Z' });

  it('computes each finding as the hand-computed value, with its evidence in the timeline', async () => {
    const res = await call('GET', `/reviews/findings?${new URLSearchParams(window())}`, author);
    expect(res.statusCode, res.body).toBe(200);
    const findings = (res.json() as { items: Finding[] }).items;
    // paged like every list: how many in all, and every page reaches them
    expect(res.json()).toMatchObject({ total: findings.length, offset: 0, limit: 1000 });
    const paged: Finding[] = [];
    for (let offset = 0; offset < findings.length; offset += 2) {
      const page = await call('GET', `/reviews/findings?${new URLSearchParams({ ...window(), limit: '2', offset: String(offset) })}`, author);
      expect(page.json()).toMatchObject({ total: findings.length, offset, limit: 2 });
      paged.push(...(page.json() as { items: Finding[] }).items);
    }
    expect(paged.map((x) => x.id)).toEqual(findings.map((x) => x.id));
    expect((await call('GET', `/reviews/findings?${new URLSearchParams({ ...window(), limit: '0' })}`, author)).statusCode).toBe(400);
    const f = (id: string) => findings.find((x) => x.id === id) ?? expect.fail(`no ${id} in ${findings.map((x) => x.id).join(', ')}`);
    // last verified present 04:00, first count that missed them 16:00: 12 hours
    for (const k of ['A', 'B', 'C'] as const) expect(f(`presence_to_first_missed:${p[k]}`).minutes).toBe(720);
    // the first sign: the custodian withdrawn at 07:00 (the guard ratio had nobody to count yet)
    expect(f('sign_to_first_alert').from).toBe(T('07:00'));
    // the custody-gap alert is raised as the withdrawal is handled, at 07:00: 0 minutes; acknowledged at 07:25
    expect(f('sign_to_first_alert').minutes).toBe(0);
    expect(f('sign_to_acknowledgement').minutes).toBe(25);
    expect(f('sign_to_unaccounted').minutes).toBe(9 * 60); // 07:00 -> 16:00
    expect(f('sign_to_escaped').minutes).toBe(11 * 60); // 07:00 -> 18:00
    expect(f('sign_to_notice').minutes).toBeNull();
    // the household left together between 04:00 and 16:00; C alone, the same window
    expect(f(`escape_window:${household}`)).toMatchObject({ from: T('04:00'), to: T('16:00'), minutes: 720, householdRef: household });
    expect(f(`escape_window:${p.C}`)).toMatchObject({ minutes: 720, personRef: p.C });
    expect(findings.find((x) => x.measure === 'posts_in_window' && x.windows?.includes(`escape_window:${household}`))?.nature).toBe('hypothesis');
    // every finding's evidence is an item of the same timeline
    const tl = (await call('GET', `/reviews/timeline?${new URLSearchParams({ ...window(), limit: '1000' })}`, author)).json() as { items: { id: string }[] };
    const ids = new Set(tl.items.map((i) => i.id));
    for (const x of findings) for (const e of x.evidence) expect(ids, `${x.id} rests on ${e}`).toContain(e);
  });

  it('drafts a review with its timeline frozen, refuses to submit it unwritten, and lists it with a total', async () => {
    const created = await call('POST', '/reviews', author, { ...window(), title: 'Withdrawal of 20 January at AAR' });
    expect(created.statusCode, created.body).toBe(201);
    const review = created.json() as { id: string; status: string; findings: number; items: number; snapshotHash: string };
    reviewId = review.id;
    expect(review.status).toBe('drafted');
    expect(review.findings).toBeGreaterThanOrEqual(9);
    const refused = await call('POST', `/reviews/${reviewId}/submit`, author);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('reviews.sections_missing');
    const list = (await call('GET', `/reviews?facilityId=${facilityId}`, commander)).json() as { total: number; items: { id: string }[] };
    expect(list.total).toBe(1);
    expect(list.items[0]!.id).toBe(reviewId);
    const page = (await call('GET', `/reviews/${reviewId}/timeline?limit=3&offset=0`, author)).json() as { total: number; items: unknown[] };
    expect(page.total).toBe(review.items);
    expect(page.items).toHaveLength(3);
  });

  it('goes drafted -> in_review -> approved, never approved by its author, and is signed then', async () => {
    const sections = {
      planned: 'Guards of the SDF on every post until the handover to the incoming force.',
      happened: 'The custodian withdrew at 07:00 with no handover; the 16:00 count missed three persons.',
      why: 'No joint count, no incoming custodian <script>alert(1)</script>.',
      keep: 'The custody-gap alert at 07:00.',
      change: 'A joint count before any withdrawal.',
    };
    expect((await call('PATCH', `/reviews/${reviewId}`, author, { sections })).statusCode).toBe(200);
    expect((await call('POST', `/reviews/${reviewId}/submit`, author)).json().status).toBe('in_review');
    expect((await call('PATCH', `/reviews/${reviewId}`, author, { title: 'changed after submit' })).statusCode).toBe(409);
    // the author may not approve: an investigator has no approval at all, a commander who wrote it is refused
    expect((await call('POST', `/reviews/${reviewId}/approve`, author)).statusCode).toBe(403);
    const own = await call('POST', '/reviews', commander, { ...window(), title: 'Own', sections });
    const ownId = own.json().id as string;
    await call('POST', `/reviews/${ownId}/submit`, commander);
    const self = await call('POST', `/reviews/${ownId}/approve`, commander);
    expect(self.statusCode).toBe(409);
    expect(self.json().error.code).toBe('reviews.self_approval');
    expect((await call('GET', `/reviews/${reviewId}/export.json`, commander)).statusCode).toBe(409);

    const approved = await call('POST', `/reviews/${reviewId}/approve`, commander);
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', signed: true });
    expect((await call('POST', `/reviews/${reviewId}/approve`, commander)).statusCode).toBe(409);
    const audit = await app.services.audit.list(adminActor, { subjectId: reviewId, limit: 50 } as never);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['reviews.review_drafted', 'reviews.review_submitted', 'reviews.review_approved']));
  });

  it('exports signed JSON that verifies offline (and fails when one byte changes), with persons only as pseudonyms', async () => {
    const res = await call('GET', `/reviews/${reviewId}/export.json`, commander);
    expect(res.statusCode).toBe(200);
    const signed = res.json() as { documentText: string; signature: string; publicKey: string };
    const check = verifyReview(signed);
    expect(check.ok).toBe(true);
    if (check.ok) {
      expect(check.document.findings.length).toBeGreaterThanOrEqual(9);
      expect(check.document.sections.keep).toBe('The custody-gap alert at 07:00.');
    }
    for (const id of Object.values(p)) expect(signed.documentText).not.toContain(id);
    expect(signed.documentText).not.toContain(household);
    const tampered = { ...signed, documentText: signed.documentText.replace('three persons', 'three person!') };
    expect(verifyReview(tampered).ok).toBe(false);
    expect(verifyReview({ ...signed, signature: Buffer.alloc(64).toString('base64') }).ok).toBe(false);
    expect(verifyReview(signed, 'another key').ok).toBe(false);
    // and with no database and no server: `custos review verify FILE`
    const dir = mkdtempSync(join(tmpdir(), 'custos-review-'));
    writeFileSync(join(dir, 'good.json'), JSON.stringify(signed));
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(tampered));
    const bin = new URL('../bin/custos.js', import.meta.url).pathname;
    const good = spawnSync(process.execPath, [bin, 'review', 'verify', join(dir, 'good.json'), '--key', signed.publicKey], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain('Review verified');
    const bad = spawnSync(process.execPath, [bin, 'review', 'verify', join(dir, 'bad.json')], { encoding: 'utf8', timeout: 120_000 });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('the signature does not match the document');
  }, 300_000); // two runs of the CLI: a start of the whole app each, slow on a loaded machine

  it('prints the review as one HTML page with the sections escaped, and shows a monitor pseudonyms only', async () => {
    const html = await call('GET', `/reviews/${reviewId}/export.html`, commander);
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toContain('text/html');
    expect(html.body).toContain('What to change');
    expect(html.body).toContain('&lt;script&gt;');
    expect(html.body).not.toContain('<script>');
    const monitor = await app.tokenFor('monitor');
    const seen = await call('GET', `/reviews/${reviewId}`, monitor);
    expect(seen.statusCode).toBe(200);
    expect(seen.json().persons).toBe('pseudonym');
    for (const id of [...Object.values(p), household]) expect(seen.body).not.toContain(id);
    const page = await call('GET', `/reviews/${reviewId}/timeline?limit=1000`, monitor);
    for (const id of Object.values(p)) expect(page.body).not.toContain(id);
    const other = (await buildFacility(app.services, { code: 'AAR2' }, 1)).facility.id;
    const scoped = await app.tokenFor('commander', { facilityIds: [other] });
    expect((await call('GET', `/reviews/${reviewId}`, scoped)).statusCode).toBe(403);
    expect(((await call('GET', '/reviews', scoped)).json() as { total: number }).total).toBe(0);
  });

  it('survives the fuzzer on its operations: hostile requests are 4xx, never 500, and rejected ones change nothing', async () => {
    const kinds = (Object.keys(KINDS) as Kind[]).filter((k) => k !== 'deep-nesting' && k !== 'huge-raw-body');
    const stats = await fuzz(app, { requests: 60, seed: 21, kinds, only: (op) => op.path.startsWith('/api/v1/reviews') });
    expect(stats.serverErrors).toEqual([]);
    expect(stats.stateChanges).toEqual([]);
    expect(stats.requests).toBe(60);
  }, 120_000);
});
