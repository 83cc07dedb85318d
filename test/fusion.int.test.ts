/**
 * Fusion used where identities are decided (issue 24, point 5), on a real database, real LFW photographs and the real
 * face engine: enrolment de-duplication opens a case from fused evidence a face alone misses; a checkpoint check
 * fuses a face below the identification threshold with the name and birth year its document gives; screening fuses
 * the name with birth, nationality and sex, so that a strong name whose birth year and nationality contradict falls.
 * Each result states the FMR it targets and the evidence per modality; a person decides (cases, sightings, hits).
 *
 * The photo pairs are LFW genuine pairs whose face score lies between the fusion's candidate floor (0.916) and the
 * face identification threshold (0.945): Bono 1/3 at 0.926, Bill Frist 3/8 at 0.930 (measured with the committed
 * engine).
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, createTestApp, targets, type TestApp } from './harness';
import { adminActor, buildAdmittedPerson, buildFacility, buildPerson } from './factories';
import { FACE_DATA } from '../src/modules/biometrics/fingerprint/fingerprint.test-data';
import { candidateFloor, loadFaceModule, type FaceEngine } from '../src/modules/biometrics';
import { queuesPair, screeningFusion, SCREENING_RULES } from '../src/modules/screening/screening.domain';

const KEY = randomBytes(32).toString('base64');
const face = (person: string, n: number) => readFile(join(FACE_DATA, 'images_deepfunneled', person, `${person}_${String(n).padStart(4, '0')}.jpg`));
const b64 = (b: Buffer) => b.toString('base64');

let engine: FaceEngine | undefined;
const sharedEngine = async (): Promise<FaceEngine> => {
  if (!engine) {
    engine = (await loadFaceModule()).createFaceEngine({ workers: 0 });
    await engine.ready();
  }
  return engine;
};
afterAll(async () => {
  await engine?.close();
});

/** A crafted UN-format list: one individual with a birth year, a nationality and a sex. */
const LIST = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID><FIRST_NAME>KHALID</FIRST_NAME><SECOND_NAME>SALEH</SECOND_NAME><THIRD_NAME>AL-JUBURI</THIRD_NAME>
      <REFERENCE_NUMBER>QDi.951</REFERENCE_NUMBER>
      <GENDER>Male</GENDER>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1975</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES/>
</CONSOLIDATED_LIST>
`;

describe.each(await targets())('fusion in de-duplication, checkpoints and screening on %s', (target) => {
  let app: TestApp;
  let savedKey: string | undefined;
  const img: Record<string, Buffer> = {};

  beforeAll(async () => {
    savedKey = process.env.CUSTOS_TEMPLATE_KEY;
    process.env.CUSTOS_TEMPLATE_KEY = KEY;
    img.bono1 = await face('Bono', 1);
    img.bono2 = await face('Bono', 2);
    img.bono3 = await face('Bono', 3);
    img.frist3 = await face('Bill_Frist', 3);
    img.frist8 = await face('Bill_Frist', 8);
    const faceEngine = await sharedEngine();
    app = await createTestApp(target, { biometrics: { faceEngine: () => faceEngine } });
  }, 180_000);

  afterAll(async () => {
    if (savedKey === undefined) delete process.env.CUSTOS_TEMPLATE_KEY;
    else process.env.CUSTOS_TEMPLATE_KEY = savedKey;
    await app?.services.settle();
    await app?.close();
  });

  it('enrolment: a face below the threshold, with the same name and birth year, opens a case on fused evidence; a different name and birth does not', async () => {
    const s = app.services;
    const first = await buildPerson(s, { names: [{ full: 'Yusuf Karim al-Mansouri' }], birthDate: '1980', nationalities: ['IRQ'] });
    expect((await s.biometrics.enrolFace(adminActor, first, img.bono1!)).duplicates).toEqual([]);
    // the same man registered again, his name spelled otherwise: the face alone (0.926) is under the threshold 0.945
    const again = await buildPerson(s, { names: [{ full: 'Yousef Kareem al-Mansouri' }], birthDate: '1980', nationalities: ['IRQ'] });
    const enrolled = await s.biometrics.enrolFace(adminActor, again, img.bono3!);
    expect(enrolled.threshold.threshold).toBeGreaterThan(0.93);
    expect(enrolled.duplicates).toHaveLength(1);
    const notice = enrolled.duplicates[0]!;
    expect(notice.existingPersonId).toBe(first);
    expect(notice.score).toBeLessThan(enrolled.threshold.threshold);
    expect(notice.score).toBeGreaterThanOrEqual(candidateFloor('face'));

    const registrar = await app.tokenFor('registrar');
    const res = await app.http.inject({ method: 'GET', url: `/api/v1/biometrics/duplicates/${notice.caseId}`, headers: auth(registrar) });
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({ status: 'open', openedBy: 'fusion', modality: 'face', decision: null });
    expect(c.fusionAtOpening).toMatchObject({ targetFmr: 1e-4, meetsTarget: true, combination: 'face+name' });
    const pieces = (c.fusionAtOpening.contributions as { evidence: string; log10Lr: number }[]).map((x) => x.evidence).sort();
    expect(pieces).toEqual(['birthYear', 'face', 'name']);
    // the face alone would not have reached its own threshold for this FMR
    const faceAlone = c.fusionAtOpening.contributions.find((x: { evidence: string }) => x.evidence === 'face').log10Lr;
    expect(faceAlone).toBeLessThan(c.fusionAtOpening.threshold);

    // another man whose face leans the same way (0.93-0.94 to both) but whose name and birth contradict: no case
    const stranger = await buildPerson(s, { names: [{ full: 'Omar Farouq al-Hadithi' }], birthDate: '1958', nationalities: ['SYR'] });
    const other = await s.biometrics.enrolFace(adminActor, stranger, img.bono2!);
    expect(other.duplicates.filter((d) => d.score < other.threshold.threshold)).toEqual([]);
  }, 180_000);

  it('checkpoint: a face short of identification is fused with the document name and birth year; a contradicting birth year keeps it a no-match', async () => {
    const s = app.services;
    const { facility } = await buildFacility(s, { kind: 'prison' }, 1);
    const wanted = await buildAdmittedPerson(s, { facilityId: facility.id }, {
      names: [{ full: 'Hamid Jassim al-Rawi' }],
      birthDate: '1979-04-02',
      nationalities: ['IRQ'],
    } as never);
    await s.biometrics.enrolFace(adminActor, wanted, img.frist3!);
    await s.custody.append(adminActor, { personId: wanted, type: 'ESCAPED' });
    await s.settle();
    const checkpoint = await app.tokenFor('checkpoint');
    const check = (body: Record<string, unknown>) =>
      app.http.inject({ method: 'POST', url: '/api/v1/sightings/checks', headers: auth(checkpoint), payload: { place: 'Rabia crossing', ...body } });

    // a birth year that is no year is refused with a clear message, and nothing is logged for it
    const before = (await app.http.inject({ method: 'GET', url: '/api/v1/sightings/checks', headers: auth(await app.tokenFor('investigator')) })).headers[
      'x-total-count'
    ];
    for (const birthYear of [1800, 2200, 1979.5, '1979', null]) {
      const bad = await check({ face: b64(img.frist8!), document: { number: 'ZX9081726', name: 'Hamid Jasim al-Rawi', birthYear } });
      expect(bad.statusCode, String(birthYear)).toBe(400);
      expect(bad.json().error.message).toMatch(/birthYear/);
    }
    const after = (await app.http.inject({ method: 'GET', url: '/api/v1/sightings/checks', headers: auth(await app.tokenFor('investigator')) })).headers[
      'x-total-count'
    ];
    expect(after).toBe(before);

    // the face alone (0.930) is no match
    expect((await check({ face: b64(img.frist8!) })).json()).toMatchObject({ outcome: 'no_match' });
    // the document's name and a birth year twenty years off: still no match (the name is outweighed)
    const contradicted = await check({ face: b64(img.frist8!), document: { number: 'ZX9081726', name: 'Hamid Jasim al-Rawi', birthYear: 1959 } });
    expect(contradicted.json()).toMatchObject({ outcome: 'no_match' });
    // the same face with the document's name and birth year: the fused evidence reaches FMR 1e-4
    const fused = await check({ face: b64(img.frist8!), document: { number: 'ZX9081726', name: 'Hamid Jasim al-Rawi', birthYear: 1979 } });
    expect(fused.statusCode).toBe(200);
    expect(fused.json()).toMatchObject({ outcome: 'detain', instruction: 'detain' });
    expect(fused.body).not.toContain('Rawi');

    // the sighting an investigator decides on carries the fused evidence and the FMR it targeted
    const investigator = await app.tokenFor('investigator');
    const list = await app.http.inject({ method: 'GET', url: `/api/v1/sightings?personId=${wanted}`, headers: auth(investigator) });
    expect(list.statusCode).toBe(200);
    const [sighting] = list.json() as {
      status: string;
      method: string;
      evidence: { fusion: { targetFmr: number; meetsTarget: boolean; combination: string; contributions: { evidence: string }[] } };
    }[];
    expect(sighting).toMatchObject({ status: 'reported', method: 'face' });
    expect(sighting!.evidence.fusion).toMatchObject({ targetFmr: 1e-4, meetsTarget: true, combination: 'face+name' });
    expect(sighting!.evidence.fusion.contributions.map((c) => c.evidence).sort()).toEqual(['birthYear', 'face', 'name']);
  }, 180_000);

  it('screening: the same name falls when the birth year and nationality contradict, and a hit states its fused evidence', async () => {
    const s = app.services;
    await s.screening.importList(adminActor, { format: 'un-consolidated', content: LIST, fileName: 'crafted.xml' });
    await s.settle();
    const same = await buildPerson(s, { names: [{ full: 'Khalid Saleh al-Juburi' }], birthDate: '1975', nationalities: ['IRQ'], sex: 'M' } as never);
    const namesake = await buildPerson(s, { names: [{ full: 'Khalid Saleh al-Juburi' }], birthDate: '1995', nationalities: ['JOR'], sex: 'M' } as never);
    await s.settle();
    const screener = await app.tokenFor('screening');
    const hitsOf = async (personId: string) =>
      (await app.http.inject({ method: 'GET', url: `/api/v1/screening/hits?personId=${personId}`, headers: auth(screener) })).json() as {
        entry: { ref: string };
        evidence: { strength: number; fusion: { targetFmr: number; meetsTarget: boolean; log10Lr: number; contributions: { evidence: string }[] } };
      }[];
    const hit = (await hitsOf(same)).find((h) => h.entry.ref === 'QDi.951');
    expect(hit).toBeDefined();
    expect(hit!.evidence.fusion).toMatchObject({ targetFmr: 1e-3, meetsTarget: true });
    expect(hit!.evidence.fusion.contributions.map((c) => c.evidence).sort()).toEqual(['birthYear', 'name']);
    expect((await hitsOf(namesake)).filter((h) => h.entry.ref === 'QDi.951')).toEqual([]);
  }, 180_000);
});

describe('screening fusion (pure): the queue keeps out a pair the fused evidence says is two people', () => {
  it('a full name with a different sex and nationality reaches the strength threshold, yet fusion keeps it out', () => {
    const threshold = SCREENING_RULES.threshold;
    const fusion = screeningFusion(1, { outcome: 'unknown', gapDays: null }, 'different', 'differs');
    expect(fusion.log10Lr).toBeLessThan(0);
    expect(queuesPair(0.87, threshold, fusion, 0)).toBe(false);
    // a shared document number still goes in front of an officer
    expect(queuesPair(0.87, threshold, fusion, 1)).toBe(true);
    const agreeing = screeningFusion(1, { outcome: 'match', gapDays: 0 }, 'shared', 'same');
    expect(queuesPair(0.87, threshold, agreeing, 0)).toBe(true);
    // the contradicting birth year and nationality pull a perfect name far below even odds
    expect(screeningFusion(1, { outcome: 'differs', gapDays: 20 * 365 }, 'different', 'same').log10Lr).toBeLessThan(-0.5);
  });
});
