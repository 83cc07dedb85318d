import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility, buildPerson } from './factories';

/**
 * Issue 14, item 4: scope applies to every field that names a person. A French liaison reads a French woman's record
 * but not her Iraqi husband's, and must not learn his name or id from her relations; a monitor reads the audit log
 * without the names others searched for; an officer of one facility cannot learn, from a refused custody event, the
 * status of a person held at another.
 */
describe.each(await targets())('scope leaks on %s', (target) => {
  let app: TestApp;
  let camp: string;
  let prison: string;
  let wife: string;
  let husband: string;
  let mother: string;
  let released: string;
  let liaison: string;
  let monitor: string;
  let officer: string;
  const husbandName = 'Abu Hamza al-Iraqi';

  beforeAll(async () => {
    app = await createTestApp(target);
    const s = app.services;
    camp = (await buildFacility(s, { code: 'HOL' }, 1)).facility.id;
    prison = (await buildFacility(s, { code: 'PRS' }, 1)).facility.id;
    husband = await buildAdmittedPerson(s, { facilityId: prison }, { names: [{ full: husbandName }], nationalities: ['IRQ'] });
    mother = await buildAdmittedPerson(s, { facilityId: camp }, { names: [{ full: 'Aisha Martin' }], sex: 'F', nationalities: ['FRA'] });
    wife = await buildPerson(s, {
      names: [{ full: 'Claire Martin' }],
      sex: 'F',
      nationalities: ['FRA'],
      facilityId: camp,
      relations: [
        { kind: 'spouse_of', personId: husband },
        { kind: 'mother_of', personId: mother },
      ],
    });
    await s.custody.append(adminActor, { personId: wife, type: 'ADMITTED', facilityId: camp });
    released = await buildAdmittedPerson(s, { facilityId: prison }, { names: [{ full: 'Omar Released' }] });
    await s.custody.append(adminActor, { personId: released, type: 'RELEASED', authority: 'court order 12' });
    liaison = await app.tokenFor('liaison', { nationalities: ['FRA'] });
    monitor = await app.tokenFor('monitor');
    officer = await app.tokenFor('officer', { facilityIds: [camp] });
  });
  afterAll(() => app?.close());

  const get = (url: string, token: string) => app.http.inject({ method: 'GET', url: `/api/v1${url}`, headers: auth(token) });

  it("a liaison sees a relative outside its scope by the kind of relation only, never the relative's name or id", async () => {
    expect((await get(`/persons/${husband}`, liaison)).statusCode).toBe(403);
    const res = await get(`/persons/${wife}`, liaison);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain(husbandName);
    expect(res.body).not.toContain(husband);
    const relations = res.json().relations as { kind: string; personId: string | null; name: string | null; inScope: boolean }[];
    expect(relations).toHaveLength(2);
    expect(relations).toContainEqual(expect.objectContaining({ kind: 'spouse_of', personId: null, name: null, inScope: false }));
    // a relative in scope (her French mother) is shown as before
    expect(relations).toContainEqual(expect.objectContaining({ kind: 'child_of', personId: mother, name: 'Aisha Martin', inScope: true }));
  });

  it('a reader without scope still sees every relative by name', async () => {
    const admin = await app.tokenFor('admin');
    const res = await get(`/persons/${wife}`, admin);
    expect(res.json().relations).toContainEqual(expect.objectContaining({ kind: 'spouse_of', personId: husband, name: husbandName, inScope: true }));
  });

  it('a monitor reads the audit log without the names others searched for, nor the persons read', async () => {
    const investigator = await app.tokenFor('investigator');
    expect((await get(`/persons?q=${encodeURIComponent(husbandName)}`, investigator)).statusCode).toBe(200);
    expect((await get(`/persons/${husband}`, investigator)).statusCode).toBe(200);

    const res = await get('/audit?limit=50', monitor);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('Hamza');
    expect(res.body).not.toContain(husband);
    const entries = res.json() as { action: string; details: unknown; subjectId: string | null; redacted: boolean }[];
    const search = entries.find((e) => e.action === 'person.search');
    expect(search).toMatchObject({ redacted: true });
    const read = entries.find((e) => e.action === 'person.read');
    expect(read).toMatchObject({ subjectId: null, redacted: true });

    // an investigator with the whole registry reads the same log in full
    const full = await get('/audit?limit=50', investigator);
    expect(full.body).toContain('Hamza');
  });

  it('an out-of-scope person answers 403 before any state check, whatever their status', async () => {
    const post = (personId: string, body: object) =>
      app.http.inject({ method: 'POST', url: `/api/v1/persons/${personId}/events`, headers: auth(officer), payload: body });
    // released (a move would be refused as impossible) and in custody (possible) give the same answer
    const a = await post(released, { type: 'TEMPORARY_OUT', reason: 'hospital' });
    const b = await post(husband, { type: 'TEMPORARY_OUT', reason: 'hospital' });
    expect(a.statusCode).toBe(403);
    expect(b.statusCode).toBe(403);
    expect(a.json().error.code).toBe('access.out_of_scope');
    expect(a.json().error.message).not.toMatch(/released/i);
    // an out-of-order time gives no hint of the person's last event either
    const c = await post(released, { type: 'RETURNED', occurredAt: '2020-01-01T00:00:00Z' });
    expect(c.statusCode).toBe(403);
  });

  it("an arrival into the officer's facility may name an outside person, and a refusal does not tell their status", async () => {
    const res = await app.http.inject({
      method: 'POST',
      url: `/api/v1/persons/${husband}/events`,
      headers: auth(officer),
      payload: { type: 'ADMITTED', facilityId: camp },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).not.toMatch(/in_custody|in custody|already/i);
    expect(JSON.stringify(res.json().error)).not.toContain(prison);
  });
});
