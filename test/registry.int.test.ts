import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildFacility } from './factories';

for (const target of await targets()) {
  describe(`registry on ${target}`, () => {
    let app: TestApp;
    let token: string;
    let facilityId: string;

    beforeAll(async () => {
      app = await createTestApp(target);
      facilityId = (await buildFacility(app.services, { code: 'ROJ' })).facility.id;
      token = await app.tokenFor('registrar', { facilityIds: [facilityId] });
    });
    afterAll(async () => app?.close());

    const create = (payload: object) => app.http.inject({ method: 'POST', url: '/api/v1/persons', headers: auth(token), payload });

    it('enrols a full record: names with parts in two scripts, birth precision, documents, marks, flags', async () => {
      const res = await create({
        names: [
          { full: 'عبد الرحمن بن محمد الجبوري', parts: { given: 'عبد الرحمن', father: 'محمد', family: 'الجبوري' } },
          { full: 'Abdul Rahman bin Mohammed al-Jubouri', kind: 'spelling', source: 'camp card' },
          { full: 'Abu Omar', kind: 'kunya' },
        ],
        sex: 'male',
        birthDate: '1987-03',
        placeOfBirth: 'Mosul',
        nationalities: ['irq', { country: 'SYR', status: 'verified' }],
        documents: [{ type: 'national_id', number: 'ab 123 456', issuingCountry: 'IRQ' }],
        distinguishingMarks: ['scar on left hand'],
        vulnerabilities: ['medical'],
        facilityId,
      });
      expect(res.statusCode, res.body).toBe(201);
      const p = res.json();
      expect(p.names.map((n: { script: string }) => n.script)).toEqual(['arabic', 'latin', 'latin']);
      expect(p.names[0].parts.father).toBe('محمد');
      expect(p.sex).toBe('M');
      expect(p.birth).toEqual({ date: '1987-03-01', precision: 'month', from: '1987-03-01', to: '1987-03-31', label: '1987-03' });
      expect(p.nationalities).toEqual(
        expect.arrayContaining([
          { country: 'IRQ', status: 'claimed' },
          { country: 'SYR', status: 'verified' },
        ]),
      );
      expect(p.documents[0].number).toBe('AB123456');
      expect(p.possiblyMinor).toBe(false);
      expect(p.placement).toBeNull();
    });

    it('stores honest birth precision: year, range, approximate; unknown counts as possibly minor', async () => {
      const year = (await create({ names: [{ full: 'Fatima' }], sex: 'F', birthDate: '2014' })).json();
      expect(year.birth).toMatchObject({ precision: 'year', from: '2014-01-01', to: '2014-12-31' });
      expect(year.possiblyMinor).toBe(true);
      const range = (await create({ names: [{ full: 'Aisha' }], sex: 'F', birthFrom: '1995-01-01', birthTo: '1999-12-31' })).json();
      expect(range.birth).toMatchObject({ precision: 'range', date: null });
      const approx = (await create({ names: [{ full: 'Maryam' }], sex: 'F', birthDate: '1990-06-15', birthPrecision: 'approximate' })).json();
      expect(approx.birth).toMatchObject({ precision: 'approximate', from: '1988-06-15', to: '1992-06-15' });
      const unknown = (await create({ names: [{ full: 'Zaynab' }], sex: 'F' })).json();
      expect(unknown.possiblyMinor).toBe(true);
      for (const bad of [
        { birthDate: '2031' },
        { birthDate: '1990-02-30' },
        { birthDate: '1990-13' },
        { birthFrom: '2000-01-01' },
        { birthFrom: '2001-01-01', birthTo: '2000-01-01' },
      ]) {
        const res = await create({ names: [{ full: 'X' }], sex: 'F', ...bad });
        expect(res.statusCode, JSON.stringify(bad)).toBe(400);
      }
    });

    it('lists and households show a birth no more precise than recorded ("about 1990", "1991"), never the stored day', async () => {
      const household = (
        await app.http.inject({ method: 'POST', url: '/api/v1/households', headers: auth(token), payload: { label: 'Qasim tent 3', facilityId } })
      ).json();
      const made = [
        { full: 'Rukhaya Qasim Haddad', birthDate: '1990-07-01', birthPrecision: 'approximate', label: 'about 1990' },
        { full: 'Halima Qasim Haddad', birthDate: '1991', label: '1991' },
        { full: 'Sumaya Qasim Haddad', birthFrom: '2004-01-01', birthTo: '2006-12-31', label: 'between 2004 and 2006' },
        { full: 'Nour Qasim Haddad', birthDate: '2009-04-12', label: '2009-04-12' },
      ];
      for (const m of made) {
        const { label, full, ...birth } = m;
        const res = await create({ names: [{ full }], sex: 'F', ...birth, householdId: household.id, facilityId });
        expect(res.statusCode, res.body).toBe(201);
        expect(res.json().birth.label).toBe(label);
      }
      const list = (await app.http.inject({ method: 'GET', url: '/api/v1/persons?q=Qasim%20Haddad', headers: auth(token) })).json() as {
        name: string;
        birthLabel: string;
      }[];
      for (const m of made) expect(list.find((p) => p.name === m.full)?.birthLabel, m.full).toBe(m.label);
      const members = (await app.http.inject({ method: 'GET', url: `/api/v1/households/${household.id}`, headers: auth(token) })).json().members as {
        name: string;
        birthLabel: string;
      }[];
      expect(members.find((p) => p.name === made[0]!.full)?.birthLabel).toBe('about 1990');
    });

    it('warns before enrolling the same person again: 409 with the likely records, unless confirmed new with a reason', async () => {
      const first = {
        names: [{ full: 'عمر بن خليل الشمري' }, { full: 'Omar bin Khalil al-Shammari' }],
        sex: 'M',
        birthDate: '1988',
        facilityId,
      };
      const original = (await create(first)).json();
      // the same names in both scripts (another spelling), the same birth year, the same facility
      const again = { ...first, names: [{ full: 'عمر خليل الشمري' }, { full: 'Umar Khaleel al-Shamari' }] };
      const refused = await create(again);
      expect(refused.statusCode, refused.body).toBe(409);
      const err = refused.json().error;
      expect(err.code).toBe('registry.possible_duplicate');
      expect(err.message).toMatch(/confirmNew/);
      expect(err.details.candidates).toHaveLength(1);
      expect(err.details.candidates[0]).toMatchObject({ id: original.id, birthLabel: '1988', registeredFacilityId: facilityId });
      expect(err.details.candidates[0].names).toContain('Omar bin Khalil al-Shammari');
      expect(err.details.candidates[0].reasons).toEqual(expect.arrayContaining(['born 1988', 'same facility']));
      const check = await app.http.inject({ method: 'POST', url: '/api/v1/persons/duplicates', headers: auth(token), payload: again });
      expect(check.statusCode).toBe(200);
      expect(check.json().candidates.map((c: { id: string }) => c.id)).toEqual([original.id]);

      // another father, or another birth, is another person: no warning
      expect((await create({ ...first, names: [{ full: 'Omar bin Saleh al-Shammari' }] })).statusCode).toBe(201);
      expect((await create({ ...first, birthDate: '1971' })).statusCode).toBe(201);

      // a new person anyway: the reason is required, then recorded with the candidates shown
      expect((await create({ ...again, confirmNew: { reason: '' } })).statusCode).toBe(400);
      const confirmed = await create({ ...again, confirmNew: { reason: 'cousin of the same name, different mother' } });
      expect(confirmed.statusCode, confirmed.body).toBe(201);
      const [entry] = (
        (await app.services.database.db.execute(
          sql`select details from audit_log where action = 'person.create' and subject_id = ${confirmed.json().id}`,
        )) as unknown as { rows: { details: { confirmNew: string; candidatesShown: string[] } }[] }
      ).rows;
      expect(entry!.details).toEqual({ confirmNew: 'cousin of the same name, different mother', candidatesShown: [original.id] });

      // a registrar of another facility is not shown records it may not see
      const other = (await buildFacility(app.services, { code: 'DUPX' })).facility.id;
      const outsider = await app.tokenFor('registrar', { facilityIds: [other] });
      const elsewhere = await app.http.inject({ method: 'POST', url: '/api/v1/persons', headers: auth(outsider), payload: { ...again, facilityId: other } });
      expect(elsewhere.statusCode, elsewhere.body).toBe(201);
    });

    it('finds a person by another spelling, across Arabic and Latin scripts', async () => {
      await create({ names: [{ full: 'محمد بن علي البغدادي' }], sex: 'M', birthDate: '1980', facilityId });
      await create({ names: [{ full: 'Khalid Hassan al-Tikriti' }], sex: 'M', birthDate: '1975', facilityId });
      const search = async (q: string) =>
        (await app.http.inject({ method: 'GET', url: `/api/v1/persons?q=${encodeURIComponent(q)}`, headers: auth(token) })).json() as { name: string }[];
      expect((await search('Muhammad ibn Ali el-Baghdadi'))[0]?.name).toBe('محمد بن علي البغدادي');
      expect((await search('Mohamed Albaghdadi'))[0]?.name).toBe('محمد بن علي البغدادي');
      expect((await search('خالد حسن التكريتي'))[0]?.name).toBe('Khalid Hassan al-Tikriti');
      expect((await search('Abdelrahman Jubouri'))[0]?.name).toBe('عبد الرحمن بن محمد الجبوري');
      expect(await search('Zzyzx Qwerty')).toEqual([]);
    });

    it('ranks search results by the names comparison: the brother with the other given name comes second', async () => {
      const hassan = (await create({ names: [{ full: 'Hassan bin Omar al-Dulaimi' }], sex: 'M', birthDate: '1979', facilityId })).json().id;
      const hussein = (
        await create({ names: [{ full: 'حسين بن عمر الدليمي' }, { full: 'Hussein Omar al-Dulaimi' }], sex: 'M', birthDate: '1981', facilityId })
      ).json().id;
      const res = await app.http.inject({ method: 'GET', url: `/api/v1/persons?q=${encodeURIComponent('Husayn ibn Umar el-Dulaymi')}`, headers: auth(token) });
      const hits = res.json() as { id: string; score: number }[];
      expect(hits.map((h) => h.id).slice(0, 2)).toEqual([hussein, hassan]);
      expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
      expect(hits[0]!.score).toBeLessThanOrEqual(1);
    });

    it('recomputes search keys written by an older key version when the application opens', async () => {
      const id = (await create({ names: [{ full: 'Ziyad bin Karim al-Obeidi' }], sex: 'M', birthDate: '1970', facilityId })).json().id;
      // as a database from before the key came from the names module: an old key, version 1
      await app.services.database.db.execute(sql`update person_names set search_key = 'zzz', search_key_version = 1 where person_id = ${id}`);
      const search = async () =>
        (
          (await app.http.inject({ method: 'GET', url: `/api/v1/persons?q=${encodeURIComponent('Zeyad Kareem Obaidi')}`, headers: auth(token) })).json() as {
            id: string;
          }[]
        ).map((h) => h.id);
      expect(await search()).not.toContain(id);
      expect(await app.services.registry.refreshSearchKeys()).toBe(1);
      expect(await search()).toContain(id);
      expect(await app.services.registry.refreshSearchKeys()).toBe(0);
    });

    it('audits every read of a record with its purpose, in the same chain as changes', async () => {
      const id = (await create({ names: [{ full: 'Hamza' }], sex: 'M', birthDate: '2001' })).json().id;
      const read = await app.http.inject({
        method: 'GET',
        url: `/api/v1/persons/${id}`,
        headers: { ...auth(token), 'x-custos-purpose': 'family tracing request 42' },
      });
      expect(read.statusCode).toBe(200);
      await app.http.inject({ method: 'GET', url: `/api/v1/persons/${id}?purpose=medical_referral`, headers: auth(token) });
      await app.http.inject({ method: 'GET', url: `/api/v1/persons/${id}`, headers: auth(token) });
      const entries = await app.services.audit.list(adminActor, { subjectType: 'person', subjectId: id, limit: 10 });
      const reads = entries.filter((e) => e.action === 'person.read').map((e) => e.purpose);
      expect(reads).toEqual(['registration', 'medical_referral', 'family tracing request 42']);
      expect(entries.some((e) => e.action === 'person.create')).toBe(true);
      const bad = await app.http.inject({ method: 'GET', url: `/api/v1/persons/${id}`, headers: { ...auth(token), 'x-custos-purpose': '<script>' } });
      expect(bad.statusCode).toBe(400);
      expect((await app.services.audit.verify(adminActor)).ok).toBe(true);
    });

    it('households and relations read from both sides', async () => {
      const household = (
        await app.http.inject({ method: 'POST', url: '/api/v1/households', headers: auth(token), payload: { label: 'Phase 4 tent 112', facilityId } })
      ).json();
      const mother = (await create({ names: [{ full: 'Umm Yusuf' }], sex: 'F', birthDate: '1992', householdId: household.id })).json();
      const child = (
        await create({
          names: [{ full: 'Yusuf' }],
          sex: 'M',
          birthDate: '2016',
          householdId: household.id,
          relations: [{ kind: 'mother_of', personId: mother.id }],
        })
      ).json();
      expect(child.relations).toEqual([expect.objectContaining({ kind: 'child_of', personId: mother.id, name: 'Umm Yusuf', inScope: true })]);
      const motherView = (await app.http.inject({ method: 'GET', url: `/api/v1/persons/${mother.id}`, headers: auth(token) })).json();
      expect(motherView.relations).toEqual([expect.objectContaining({ kind: 'mother_of', personId: child.id, name: 'Yusuf', inScope: true })]);
      const members = (await app.http.inject({ method: 'GET', url: `/api/v1/households/${household.id}`, headers: auth(token) })).json();
      expect(members.members.map((m: { id: string }) => m.id).sort()).toEqual([mother.id, child.id].sort());
    });

    it('corrections are audited with the reason and the values before and after', async () => {
      const id = (await create({ names: [{ full: 'Omar' }], sex: 'M', birthDate: '1999' })).json().id;
      const res = await app.http.inject({
        method: 'PATCH',
        url: `/api/v1/persons/${id}`,
        headers: auth(token),
        payload: { birthDate: '1998-05-02', reason: 'birth certificate seen' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().version).toBe(2);
      const [entry] = await app.services.audit.list(adminActor, { subjectId: id, action: 'person.update', limit: 1 });
      expect(entry!.details).toMatchObject({ reason: 'birth certificate seen', changed: { birthDate: { before: '1999-01-01', after: '1998-05-02' } } });
      const noReason = await app.http.inject({ method: 'PATCH', url: `/api/v1/persons/${id}`, headers: auth(token), payload: { birthDate: '1998' } });
      expect(noReason.statusCode).toBe(400);
      const added = await app.http.inject({ method: 'POST', url: `/api/v1/persons/${id}/names`, headers: auth(token), payload: { full: 'عمر' } });
      expect(added.json().names.map((n: { full: string }) => n.full)).toEqual(['Omar', 'عمر']);
    });

    it('a correction made on an older version of the record is refused, not written over the newer one', async () => {
      const id = (await create({ names: [{ full: 'Yasin' }], sex: 'M', birthDate: '1990' })).json().id;
      const patch = (payload: object) => app.http.inject({ method: 'PATCH', url: `/api/v1/persons/${id}`, headers: auth(token), payload });
      // two registrars opened version 1; the first correction lands
      expect((await patch({ placeOfBirth: 'Mosul', reason: 'camp card', version: 1 })).json().version).toBe(2);
      const stale = await patch({ placeOfBirth: 'Raqqa', reason: 'interview', version: 1 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error).toMatchObject({ code: 'registry.stale_version', details: { version: 2 } });
      const now = (await app.http.inject({ method: 'GET', url: `/api/v1/persons/${id}`, headers: auth(token) })).json();
      expect(now).toMatchObject({ placeOfBirth: 'Mosul', version: 2 });
      const updates = await app.services.audit.list(adminActor, { subjectId: id, action: 'person.update', limit: 10 });
      expect(updates).toHaveLength(1);
      // on the current version it goes through; a version alone is not a correction
      expect((await patch({ placeOfBirth: 'Raqqa', reason: 'interview', version: 2 })).json()).toMatchObject({ placeOfBirth: 'Raqqa', version: 3 });
      expect((await patch({ reason: 'nothing', version: 3 })).statusCode).toBe(400);
    });

    it('a registrar cannot enrol into a facility outside its scope', async () => {
      const other = (await buildFacility(app.services, { code: 'OTHER' })).facility.id;
      const res = await create({ names: [{ full: 'Out Of Scope' }], sex: 'F', facilityId: other });
      expect(res.statusCode).toBe(403);
    });
  });
}
