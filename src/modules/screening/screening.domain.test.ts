import { describe, expect, it } from 'vitest';
import { countryCode } from './screening.countries';
import {
  adultCutoff,
  birthEvidence,
  candidateAction,
  nationalityEvidence,
  personScreenHash,
  strengthOf,
  structureFactor,
  type ScreenPerson,
} from './screening.domain';
import { diffList, entryContentHash, entryScreenHash, parseOfacSdn, parseUnConsolidated, splitAlias, type WatchEntry } from './screening.lists';
import { preparePerson, WatchlistIndex } from './screening.matcher';
import { possiblyMinor } from '../registry';

const UN = `<?xml version="1.0" encoding="UTF-8"?>
<CONSOLIDATED_LIST dateGenerated="2026-01-01T00:00:00Z">
  <INDIVIDUALS>
    <INDIVIDUAL>
      <DATAID>1</DATAID>
      <FIRST_NAME>ABD AL-RAHMAN</FIRST_NAME><SECOND_NAME>MUSTAFA</SECOND_NAME><THIRD_NAME>AL-QADULI</THIRD_NAME>
      <NAME_ORIGINAL_SCRIPT>عبد الرحمن مصطفى القادولي</NAME_ORIGINAL_SCRIPT>
      <REFERENCE_NUMBER>QDi.001</REFERENCE_NUMBER>
      <NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>
      <INDIVIDUAL_ALIAS><QUALITY>Good</QUALITY><ALIAS_NAME>Abu Ala al-Iraqi</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY>Low</QUALITY><ALIAS_NAME>أبو علاء (Abu Alaa; Abu Ala)</ALIAS_NAME></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_ALIAS><QUALITY/><ALIAS_NAME/></INDIVIDUAL_ALIAS>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>EXACT</TYPE_OF_DATE><YEAR>1957</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>APPROXIMATELY</TYPE_OF_DATE><YEAR>1959</YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DATE_OF_BIRTH><TYPE_OF_DATE>BETWEEN</TYPE_OF_DATE><FROM_YEAR>1960</FROM_YEAR><TO_YEAR>1962</TO_YEAR></INDIVIDUAL_DATE_OF_BIRTH>
      <INDIVIDUAL_DOCUMENT><TYPE_OF_DOCUMENT>Passport</TYPE_OF_DOCUMENT><NUMBER>A 123-4567</NUMBER><ISSUING_COUNTRY>Iraq</ISSUING_COUNTRY></INDIVIDUAL_DOCUMENT>
    </INDIVIDUAL>
  </INDIVIDUALS>
  <ENTITIES>
    <ENTITY><DATAID>2</DATAID><FIRST_NAME>SOME FRONT COMPANY</FIRST_NAME><REFERENCE_NUMBER>QDe.001</REFERENCE_NUMBER>
      <ENTITY_ALIAS><QUALITY>a.k.a.</QUALITY><ALIAS_NAME>SFC</ALIAS_NAME></ENTITY_ALIAS></ENTITY>
  </ENTITIES>
</CONSOLIDATED_LIST>
`;

describe('UN consolidated list', () => {
  it('reads individuals, entities, aliases with quality, original script, every kind of birth date, documents', () => {
    const list = parseUnConsolidated(UN);
    expect(list.stats).toMatchObject({
      individuals: 1,
      entities: 1,
      individualAliases: 2,
      entityAliases: 1,
      originalScriptNames: 1,
      arabicScriptNames: 1,
      documents: 1,
    });
    const e = list.entries[0]!;
    expect(e.ref).toBe('QDi.001');
    expect(e.names.map((n) => [n.kind, n.quality])).toEqual([
      ['primary', null],
      ['original', null],
      ['alias', 'good'],
      ['alias', 'low'],
      ['alias', 'low'],
      ['alias', 'low'],
    ]);
    expect(e.births.map((b) => [b.type, b.from, b.to])).toEqual([
      ['exact', '1957-01-01', '1957-12-31'],
      ['approximately', '1958-01-01', '1960-12-31'],
      ['between', '1960-01-01', '1962-12-31'],
    ]);
    expect(e.nationalities).toEqual(['IRQ']);
    expect(e.documents[0]).toMatchObject({ key: 'A1234567', country: 'IRQ' });
  });

  it('refuses a truncated file, another XML document, or nothing, with a message', () => {
    expect(() => parseUnConsolidated(UN.slice(0, UN.length - 40))).toThrow(/truncated|well-formed/);
    expect(() => parseUnConsolidated('<A><B/></A>')).toThrow(/CONSOLIDATED_LIST/);
    expect(() => parseUnConsolidated('')).toThrow(/empty/);
    expect(() => parseUnConsolidated('<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>')).toThrow(/INDIVIDUALS or ENTITIES/);
  });

  it('splits an alias that carries its transliterations', () => {
    expect(splitAlias('أبو بكر البغدادي (Abu Bakr al-Baghdadi; Abu Bakr)')).toEqual(['أبو بكر البغدادي', 'Abu Bakr al-Baghdadi', 'Abu Bakr']);
    expect(splitAlias('Ahmad (the tall)')).toEqual(['Ahmad (the tall)']);
  });
});

describe('OFAC SDN CSV', () => {
  const sdn =
    '100,"AL-ZAWAHIRI, Ayman",individual,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 19 Jun 1951; alt. DOB circa 1950; POB Giza, Egypt; nationality Egypt; Passport 1084010 (Egypt); alt. Passport 19820215 (Egypt); a.k.a. \'DR. AYMAN\'."\n' +
    '101,SOME BANK,-0- ,SDGT,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \n';
  const alt = '100,1,aka,"AL-ZAWAHRI, Aiman",-0- \n';

  it('reads names first-name first, aliases, dates, nationality and documents from the remarks', () => {
    const list = parseOfacSdn({ sdn, alt });
    expect(list.stats).toMatchObject({ individuals: 1, entities: 1, individualAliases: 2 });
    const e = list.entries[0]!;
    expect(e.names.map((n) => n.full)).toEqual(['Ayman AL-ZAWAHIRI', 'DR. AYMAN', 'Aiman AL-ZAWAHRI']);
    expect(e.births.map((b) => [b.from, b.to])).toEqual([
      ['1951-06-19', '1951-06-19'],
      ['1949-01-01', '1951-12-31'],
    ]);
    expect(e.nationalities).toEqual(['EGY']);
    // an "alt." document is the person's too (the 2022 file has about 400 of them)
    expect(e.documents.map((d) => d.key)).toEqual(['1084010', '19820215']);
  });

  it('refuses a truncated or corrupt file', () => {
    expect(() => parseOfacSdn({ sdn: sdn.slice(0, 60) })).toThrow(/sdn.csv/);
    expect(() => parseOfacSdn({ sdn: sdn + '102,"BROKEN\n' })).toThrow(/sdn.csv/);
    expect(() => parseOfacSdn({ sdn, alt: '100,1,aka\n' })).toThrow(/alt.csv/);
  });
});

describe('release diff', () => {
  it('reports added, removed and changed entries by reference and content', () => {
    const [e] = parseUnConsolidated(UN).entries as [WatchEntry];
    const changed: WatchEntry = { ...e, births: [] };
    const current = new Map([
      ['QDi.001', entryContentHash(e)],
      ['QDi.002', 'x'],
    ]);
    const diff = diffList(current, [
      { ref: 'QDi.001', contentHash: entryContentHash(changed) },
      { ref: 'QDi.003', contentHash: 'y' },
    ]);
    expect(diff).toEqual({ added: ['QDi.003'], removed: ['QDi.002'], changed: ['QDi.001'], unchanged: 0 });
    expect(entryScreenHash(changed)).not.toBe(entryScreenHash(e));
  });
});

describe('evidence', () => {
  const person = (from: string | null, to: string | null, precision = 'year') => ({ birthFrom: from, birthTo: to, birthPrecision: precision });
  const births = [{ type: 'exact' as const, text: '1971', from: '1971-01-01', to: '1971-12-31' }];

  it('compares birth dates at the precision each side knows', () => {
    expect(birthEvidence(person('1971-01-01', '1971-12-31'), births).outcome).toBe('match');
    expect(birthEvidence(person('1971-05-03', '1971-05-03', 'exact'), births).outcome).toBe('match');
    expect(birthEvidence(person('1965-01-01', '1975-12-31', 'range'), births).outcome).toBe('compatible');
    expect(birthEvidence(person('1972-06-01', '1972-06-30', 'month'), births).outcome).toBe('near');
    expect(birthEvidence(person('1990-01-01', '1990-12-31'), births).outcome).toBe('differs');
    expect(birthEvidence(person(null, null, 'unknown'), births).outcome).toBe('unknown');
  });

  it('counts nationalities only when the list names a known country', () => {
    expect(nationalityEvidence(['IRQ'], ['IRQ', 'SYR']).outcome).toBe('shared');
    expect(nationalityEvidence(['FRA'], ['IRQ']).outcome).toBe('different');
    expect(nationalityEvidence(['FRA'], ['ATLANTIS']).outcome).toBe('unknown');
    expect(countryCode('Iran (Islamic Republic of)')).toBe('IRN');
    expect(countryCode('Korea, North')).toBe('PRK');
    expect(countryCode('na')).toBeNull();
  });

  it('weighs a single shared word and a partial overlap less', () => {
    expect(structureFactor(1)).toBeLessThan(structureFactor(2));
    expect(strengthOf(0.9, 'differs', 'unknown', 0)).toBeLessThan(0.85);
    expect(strengthOf(0.5, 'unknown', 'unknown', 1)).toBeGreaterThanOrEqual(0.85);
  });

  it('raises a pair again only when the data of either side changed since the decision', () => {
    expect(candidateAction(null, 'p', 'e')).toBe('new');
    expect(candidateAction({ status: 'dismissed', personHash: 'p', entryHash: 'e' }, 'p', 'e')).toBe('keep');
    expect(candidateAction({ status: 'dismissed', personHash: 'p', entryHash: 'e' }, 'p2', 'e')).toBe('new');
    expect(candidateAction({ status: 'confirmed', personHash: 'p', entryHash: 'e' }, 'p', 'e2')).toBe('new');
    expect(candidateAction({ status: 'pending', personHash: 'p', entryHash: 'e' }, 'p', 'e')).toBe('keep');
    expect(candidateAction({ status: 'pending', personHash: 'p', entryHash: 'e' }, 'p2', 'e')).toBe('refresh');
  });

  it('raises a withdrawn pair again when its entry is back on the list, whatever changed', () => {
    expect(candidateAction({ status: 'withdrawn', personHash: 'p', entryHash: 'e' }, 'p', 'e')).toBe('new');
    expect(candidateAction({ status: 'withdrawn', personHash: 'p', entryHash: 'e' }, 'p2', 'e2')).toBe('new');
  });

  it('puts the adult cut-off on the same day as the registry does', () => {
    for (const on of ['2026-03-01T10:00:00Z', '2024-02-29T00:00:00Z', '2026-12-31T23:59:59Z']) {
      const day = new Date(on);
      const cutoff = adultCutoff(day);
      const before = new Date(Date.parse(`${cutoff}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      expect(possiblyMinor({ birthTo: cutoff }, day)).toBe(false);
      expect(possiblyMinor({ birthTo: before }, day)).toBe(true);
    }
  });
});

describe('matcher', () => {
  const entries = parseUnConsolidated(UN).entries.map((entry, i) => ({ id: `e${i}`, source: 'un-consolidated', screenHash: entryScreenHash(entry), entry }));
  const index = new WatchlistIndex(entries);
  const base: ScreenPerson = {
    id: 'p',
    names: [],
    birthFrom: '1957-01-01',
    birthTo: '1957-12-31',
    birthPrecision: 'year',
    nationalities: ['IRQ'],
    documents: [],
  };

  it('finds another spelling and the original script with the birth year, and explains why', () => {
    for (const name of ['Abdul Rahman Mustafa al-Qaduli', 'عبد الرحمن مصطفى القادولي']) {
      const [hit] = index.search(preparePerson({ ...base, names: [name] }));
      expect(hit?.entry.entry.ref, name).toBe('QDi.001');
      expect(hit!.evidence.birth.outcome).toBe('match');
      expect(hit!.evidence.name!.parts.length).toBeGreaterThan(0);
    }
  });

  it('does not raise a kunya alone, nor the same name born decades apart; finds the same passport whatever the name', () => {
    expect(index.search(preparePerson({ ...base, names: ['Abu Alaa'] }))).toEqual([]);
    expect(index.search(preparePerson({ ...base, names: ['Abdul Rahman Mustafa al-Qaduli'], birthFrom: '1995-01-01', birthTo: '1995-12-31' }))).toEqual([]);
    const [byDoc] = index.search(
      preparePerson({ ...base, names: ['Yusuf Hadi'], documents: [{ type: 'passport', number: 'A1234567', issuingCountry: 'IRQ' }] }),
    );
    expect(byDoc?.evidence.documents).toHaveLength(1);
  });

  it('finds with blocking what the exhaustive comparison finds', () => {
    for (const name of ['Abd al-Rahman Mustafa', 'Abderrahmane Moustafa el Qadouli', 'Mustafa al-Qaduli Abdul Rahman', '‘Abd al-Rahman Mustafa al-Qadu’li']) {
      const pp = preparePerson({ ...base, names: [name] });
      expect(
        index.search(pp).map((c) => c.entry.id),
        name,
      ).toEqual(index.search(pp, { exhaustive: true }).map((c) => c.entry.id));
    }
  });

  it('fingerprints a person independently of the order of their data', () => {
    const a = { ...base, names: ['X Y', 'Z W'], nationalities: ['IRQ', 'SYR'] };
    expect(personScreenHash(a)).toBe(personScreenHash({ ...a, names: ['Z W', 'X Y'], nationalities: ['SYR', 'IRQ'] }));
    expect(personScreenHash(a)).not.toBe(personScreenHash({ ...a, names: ['X Y'] }));
  });
});
