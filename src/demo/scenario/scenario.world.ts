import type { CreateFacilityInput, CreateUnitInput } from '../../modules/facilities';
import type { CreatePersonInput } from '../../modules/registry';
import { europeanNames, NameBook, namesFor, RECORDERS, slavicisedNames, type NameRegion, type Recorder, type Word } from './scenario.names';
import { Random } from './scenario.random';

/**
 * The al-Hol scenario's world as a plan: facilities with their unit trees, households and persons with everything
 * the registry needs, built from a seed without any I/O. `seedWorld` then enrols it through the services.
 *
 * Figures (DOMAIN.md, from the articles): al-Hol about 43,000 (more than half minors, about 18,000 Iraqis, the
 * foreigners' annex), Roj a few thousand foreign families, Ghwayran ~4,500, al-Shaddadah ~1,500, al-Aqtan ~2,000
 * detainees, among them about 450 French, 90 Dutch, 77 German, 55 Belgian and 27 British nationals.
 */

export type Scale = 'small' | 'full';

/** The full world is scaled down by this divisor for `small` (~2,000 people, same structure and proportions). */
export const SMALL_DIVISOR = 27;

export interface UnitPlan extends CreateUnitInput {
  /** Code of the parent unit within the same facility. */
  parent?: string;
}

export interface FacilityPlan extends CreateFacilityInput {
  units: UnitPlan[];
}

export type PersonGroup = 'detainee' | 'camp_adult' | 'camp_child';

export interface PersonPlan {
  key: number;
  group: PersonGroup;
  facility: string;
  unit: string;
  household?: number;
  nationality: string;
  /** The registry input, less the ids only known once created (facility, household, relations). */
  input: Omit<CreatePersonInput, 'facilityId' | 'householdId' | 'relations'>;
  relations: { kind: 'mother_of' | 'father_of' | 'spouse_of'; to: number }[];
  admittedAt: string;
  minor: boolean;
  /** Prison detainees judged high risk: the airlift takes them. */
  highRisk?: boolean;
}

export interface HouseholdPlan {
  key: number;
  label: string;
  facility: string;
  unit: string;
  members: number[];
}

export interface WorldPlan {
  scale: Scale;
  seed: number;
  facilities: FacilityPlan[];
  households: HouseholdPlan[];
  persons: PersonPlan[];
}

// Real coordinates (WGS 84) of the sites.
export const FACILITIES: Omit<FacilityPlan, 'units'>[] = [
  { code: 'HOL', name: 'al-Hol camp', kind: 'camp', capacity: 45000, country: 'SYR', location: { latitude: 36.3729, longitude: 41.1467 } },
  { code: 'ROJ', name: 'Roj camp', kind: 'camp', capacity: 3500, country: 'SYR', location: { latitude: 36.8747, longitude: 42.0367 } },
  { code: 'GHW', name: 'Ghwayran prison (al-Hasakah)', kind: 'prison', capacity: 5000, country: 'SYR', location: { latitude: 36.4768, longitude: 40.7292 } },
  { code: 'SHD', name: 'al-Shaddadah prison', kind: 'prison', capacity: 1800, country: 'SYR', location: { latitude: 36.0567, longitude: 40.7303 } },
  { code: 'AQT', name: 'al-Aqtan prison (Raqqa)', kind: 'prison', capacity: 2500, country: 'SYR', location: { latitude: 35.9667, longitude: 39.0167 } },
  {
    code: 'IRQ-RCV',
    name: 'Iraqi receiving facility (Baghdad)',
    kind: 'receiving_authority',
    capacity: 7000,
    country: 'IRQ',
    location: { latitude: 33.2625, longitude: 44.2346 },
  },
  { code: 'HSK-HOSP', name: 'al-Hasakah National Hospital', kind: 'hospital', country: 'SYR', location: { latitude: 36.5004, longitude: 40.7471 } },
  { code: 'HSK-COURT', name: 'al-Hasakah court', kind: 'court', country: 'SYR', location: { latitude: 36.5077, longitude: 40.7453 } },
];

/** Full-scale head counts per facility and population group. */
export const FULL = {
  HOL: { iraqi: 18000, syrian: 18200, annex: 6800 },
  ROJ: 2800,
  prisons: { GHW: 4500, SHD: 1500, AQT: 2000 } as Record<string, number>,
  /** Europeans among prison detainees (the articles' figures). */
  europeans: { FRA: 450, NLD: 90, DEU: 77, BEL: 55, GBR: 27 } as Record<string, number>,
  /** Other foreign detainees (not Iraqi, not Syrian, not European). */
  otherForeignDetainees: {
    TUN: 220,
    MAR: 120,
    EGY: 90,
    SAU: 80,
    JOR: 50,
    DZA: 40,
    LBN: 30,
    TUR: 130,
    RUS: 160,
    UZB: 60,
    TJK: 60,
    KAZ: 30,
    AZE: 20,
    SWE: 20,
  } as Record<string, number>,
  iraqiDetainees: 2300,
  airlift: 5850,
};

/** Nationalities of the foreign women and children (al-Hol annex and Roj), by weight. */
const FOREIGN_FAMILIES: [string, number][] = [
  ['RUS', 14],
  ['TJK', 8],
  ['UZB', 8],
  ['KAZ', 5],
  ['AZE', 4],
  ['TUR', 10],
  ['TUN', 9],
  ['MAR', 7],
  ['EGY', 4],
  ['IDN', 5],
  ['FRA', 7],
  ['DEU', 4],
  ['NLD', 3],
  ['BEL', 3],
  ['GBR', 2],
  ['SWE', 2],
  ['KGZ', 3],
  ['DZA', 2],
];
const ARAB_FOREIGN = new Set(['TUN', 'MAR', 'EGY', 'SAU', 'JOR', 'DZA', 'LBN', 'LBY']);
const SLAVICISED = new Set(['RUS', 'TJK', 'UZB', 'KAZ', 'AZE', 'KGZ']);
const EUROPEAN = new Set(['FRA', 'NLD', 'DEU', 'BEL', 'GBR', 'SWE']);

/** `small` divides every full-scale figure by SMALL_DIVISOR; tests may divide further (a divisor number). */
type ScaleArg = Scale | number;

function scaled(n: number, scale: ScaleArg): number {
  const divisor = scale === 'full' ? 1 : scale === 'small' ? SMALL_DIVISOR : scale;
  return divisor === 1 ? n : Math.max(1, Math.round(n / divisor));
}

function units(): Record<string, UnitPlan[]> {
  const hol: UnitPlan[] = [];
  // al-Hol: phases 1-8 with blocks; Iraqis in phases 1-3, Syrians in 4-8; the foreigners' annex with its sections.
  for (let p = 1; p <= 8; p++) {
    hol.push({ code: `P${p}`, name: `Phase ${p}`, kind: 'phase' });
    for (let b = 1; b <= 4; b++) hol.push({ code: `P${p}-B${b}`, name: `Phase ${p} block ${b}`, kind: 'block', parent: `P${p}` });
  }
  hol.push({ code: 'ANX', name: "Foreigners' annex", kind: 'annex' });
  for (let s = 1; s <= 5; s++) hol.push({ code: `ANX-S${s}`, name: `Annex section ${s}`, kind: 'section', parent: 'ANX' });
  const roj: UnitPlan[] = [];
  for (let s = 1; s <= 4; s++) roj.push({ code: `S${s}`, name: `Section ${s}`, kind: 'section' });
  const prison = (wings: number, dorms: number) => {
    const list: UnitPlan[] = [];
    for (let w = 0; w < wings; w++) {
      const wing = String.fromCharCode(65 + w);
      list.push({ code: wing, name: `Wing ${wing}`, kind: 'wing' });
      for (let d = 1; d <= dorms; d++) list.push({ code: `${wing}-${d}`, name: `Wing ${wing} dormitory ${d}`, kind: 'cell', parent: wing });
    }
    return list;
  };
  return {
    HOL: hol,
    ROJ: roj,
    GHW: prison(4, 5),
    SHD: prison(2, 4),
    AQT: prison(3, 4),
    'IRQ-RCV': [
      { code: 'INTAKE', name: 'Intake and identification', kind: 'section' },
      { code: 'H1', name: 'Hall 1', kind: 'section' },
      { code: 'H2', name: 'Hall 2', kind: 'section' },
    ],
    'HSK-HOSP': [{ code: 'SEC-WARD', name: 'Secure ward', kind: 'ward' }],
    'HSK-COURT': [],
  };
}

/** Leaf units (where people sleep) of a facility, optionally under one parent. */
export function leafUnits(f: FacilityPlan, parentPrefix?: string): string[] {
  const parents = new Set(f.units.map((u) => u.parent).filter(Boolean));
  return f.units.filter((u) => !parents.has(u.code) && (!parentPrefix || u.code.startsWith(parentPrefix))).map((u) => u.code);
}

const pad = (n: number) => String(n).padStart(2, '0');

function isoDay(y: number, m: number, d: number): string {
  return `${y}-${pad(m)}-${pad(Math.min(d, new Date(Date.UTC(y, m, 0)).getUTCDate()))}`;
}

/** A birth date recorded with the precision a camp registry would honestly have. */
function birth(random: Random, year: number, opts: { campBorn?: boolean } = {}): Pick<CreatePersonInput, 'birthDate' | 'birthPrecision'> {
  const m = random.int(1, 12);
  const d = random.int(1, 28);
  if (opts.campBorn) return random.chance(0.9) ? { birthDate: isoDay(year, m, d) } : { birthDate: `${year}-${pad(m)}` };
  const r = random.next();
  if (r < 0.42) return { birthDate: String(year) };
  if (r < 0.62) return { birthDate: `${year}-${pad(m)}` };
  if (r < 0.88) return { birthDate: isoDay(year, m, d) };
  if (r < 0.995) return { birthDate: isoDay(year, 1, 1), birthPrecision: 'approximate' };
  return {};
}

function documentsFor(random: Random, nationality: string, key: number, opts: { adult: boolean; facility: string }): CreatePersonInput['documents'] {
  const docs: NonNullable<CreatePersonInput['documents']> = [];
  const digits = (n: number) => Array.from({ length: n }, () => random.int(0, 9)).join('');
  const letters = (n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + random.int(0, 25))).join('');
  if (opts.facility === 'HOL' || opts.facility === 'ROJ') {
    if (random.chance(0.75)) docs.push({ type: 'camp_card', number: `${opts.facility}-${String(100000 + key).slice(-6)}${digits(2)}`, issuingCountry: 'SYR' });
  }
  if (!opts.adult) {
    if (random.chance(0.15))
      docs.push({ type: 'birth_certificate', number: `BC${digits(8)}`, issuingCountry: nationality === 'SYR' || nationality === 'IRQ' ? nationality : 'SYR' });
    return docs;
  }
  if (nationality === 'IRQ' && random.chance(0.45))
    docs.push(
      random.chance(0.6)
        ? { type: 'national_id', number: digits(12), issuingCountry: 'IRQ' }
        : { type: 'family_book', number: `${digits(6)}/${digits(3)}`, issuingCountry: 'IRQ' },
    );
  else if (nationality === 'SYR' && random.chance(0.4)) docs.push({ type: 'national_id', number: digits(11), issuingCountry: 'SYR' });
  else if (nationality === 'FRA' && random.chance(0.5)) docs.push({ type: 'passport', number: `${digits(2)}${letters(2)}${digits(5)}`, issuingCountry: 'FRA' });
  else if (nationality === 'DEU' && random.chance(0.5))
    docs.push({ type: 'passport', number: `C${letters(1)}${digits(2)}${letters(2)}${digits(3)}`, issuingCountry: 'DEU' });
  else if (nationality === 'NLD' && random.chance(0.5))
    docs.push({ type: 'passport', number: `N${letters(2)}${digits(1)}${letters(2)}${digits(3)}`, issuingCountry: 'NLD' });
  else if (nationality === 'BEL' && random.chance(0.5)) docs.push({ type: 'passport', number: `${letters(2)}${digits(6)}`, issuingCountry: 'BEL' });
  else if (nationality === 'GBR' && random.chance(0.5)) docs.push({ type: 'passport', number: digits(9), issuingCountry: 'GBR' });
  else if (random.chance(0.2)) docs.push({ type: 'passport', number: `${letters(1)}${digits(8)}`, issuingCountry: nationality });
  return docs;
}

function regionOf(nationality: string): NameRegion {
  if (nationality === 'IRQ') return 'iraqi';
  if (ARAB_FOREIGN.has(nationality)) return 'maghreb';
  return 'syrian';
}

function recordersFor(nationality: string, group: PersonGroup, random: Random): Recorder[] {
  const r = RECORDERS;
  const first = group === 'detainee' ? r.prisonIntake! : r.campRegistry!;
  if (nationality === 'IRQ') return [first, r.iraqiId!, random.pick([r.ngoInterview!, r.intelInterview!, r.unStyle!])];
  if (nationality === 'SYR') return [first, r.syrianId!, random.pick([r.ngoInterview!, r.intelInterview!])];
  if (nationality === 'FRA' || nationality === 'BEL' || nationality === 'MAR' || nationality === 'TUN' || nationality === 'DZA')
    return [first, r.frenchFile!, r.intelInterview!];
  return [first, r.intelInterview!, r.ngoInterview!];
}

/** The Arabic word for a child's name that the mother's kunya is formed from (Umm + eldest son). */
interface Builder {
  book: NameBook;
  random: Random;
  persons: PersonPlan[];
  households: HouseholdPlan[];
}

function namesOf(
  b: Builder,
  nationality: string,
  group: PersonGroup,
  sex: 'F' | 'M',
  opts: { father?: { word: Word; abd: boolean }; grandfather?: Word; family?: Word; kunya?: Word; laqab?: Word; convert?: boolean },
) {
  const { book, random } = b;
  if (EUROPEAN.has(nationality) && opts.convert) return europeanNames(nationality === 'SWE' ? 'DEU' : nationality, sex, book, random).names;
  const spec = book.spec(random, { sex, region: regionOf(nationality), ...opts });
  if (SLAVICISED.has(nationality)) return slavicisedNames(spec, random);
  const count = random.chance(0.35) ? 3 : 2;
  return namesFor(spec, recordersFor(nationality, group, random), count, random);
}

/** Noms de guerre: the country of origin for foreigners (al-Faransi, al-Tunisi), else an epithet. */
const COUNTRY_LAQAB: Record<string, string> = {
  IRQ: 'عراقي',
  SYR: 'شامي',
  TUN: 'تونسي',
  MAR: 'مغربي',
  EGY: 'مصري',
  RUS: 'شيشاني',
  FRA: 'فرنسي',
  DEU: 'ألماني',
  NLD: 'هولندي',
  BEL: 'بلجيكي',
  GBR: 'بريطاني',
  DZA: 'جزائري',
};
const LOCAL_EPITHETS = ['أنصاري', 'أثري', 'قحطاني', 'جزراوي'];

function laqabFor(b: Builder, nationality: string): Word | undefined {
  const local = nationality === 'SYR' || nationality === 'IRQ';
  const country = COUNTRY_LAQAB[nationality];
  const ar = local ? (b.random.chance(0.25) && country ? country : b.random.pick(LOCAL_EPITHETS)) : country && b.random.chance(0.7) ? country : 'مهاجر';
  return b.book.byArabic(ar) ?? b.book.word('laqab', b.random);
}

function addDetainees(b: Builder, scale: ScaleArg): void {
  const { random } = b;
  const nationalities: string[] = [];
  for (const [c, n] of Object.entries(FULL.europeans)) for (let i = 0; i < scaled(n, scale); i++) nationalities.push(c);
  for (const [c, n] of Object.entries(FULL.otherForeignDetainees)) for (let i = 0; i < scaled(n, scale); i++) nationalities.push(c);
  for (let i = 0; i < scaled(FULL.iraqiDetainees, scale); i++) nationalities.push('IRQ');
  const total = Object.values(FULL.prisons).reduce((s, n) => s + scaled(n, scale), 0);
  while (nationalities.length < total) nationalities.push('SYR');
  random.shuffle(nationalities);
  // Foreigners are concentrated at Ghwayran; Iraqis and Syrians spread by capacity.
  const slots: Record<string, number> = Object.fromEntries(Object.entries(FULL.prisons).map(([k, n]) => [k, scaled(n, scale)]));
  // Very small worlds (tests) still hold one of each nationality: Ghwayran takes the excess.
  slots.GHW! += Math.max(0, nationalities.length - total);
  const ordered = [...nationalities.filter((n) => n !== 'SYR' && n !== 'IRQ'), ...nationalities.filter((n) => n === 'SYR' || n === 'IRQ')];
  const prisonUnits: Record<string, string[]> = {};
  for (const nationality of ordered) {
    const foreign = nationality !== 'SYR' && nationality !== 'IRQ';
    const open = Object.keys(slots).filter((k) => slots[k]! > 0);
    const code =
      foreign && slots.GHW! > 0 && random.chance(0.7)
        ? 'GHW'
        : random.weighted(
            open,
            open.map((k) => slots[k]!),
          );
    slots[code]! -= 1;
    prisonUnits[code] ??= leafUnitsOf(code);
    const key = b.persons.length;
    const year = random.chance(0.02) ? random.int(2006, 2008) : Math.round(random.normal(1990, 8, 1960, 2005));
    const laqab = random.chance(0.35) ? laqabFor(b, nationality) : undefined;
    const kunya = random.chance(0.8) ? b.book.word('male', random) : undefined;
    const convert = EUROPEAN.has(nationality) && random.chance(nationality === 'FRA' || nationality === 'BEL' ? 0.45 : 0.6);
    const input = {
      names: namesOf(b, nationality, 'detainee', 'M', { kunya, laqab, convert }),
      sex: 'M' as const,
      ...birth(random, year),
      nationalities: [
        nationality === 'SYR' || nationality === 'IRQ'
          ? nationality
          : { country: nationality, status: random.chance(0.6) ? ('verified' as const) : ('claimed' as const) },
      ],
      documents: documentsFor(random, nationality, key, { adult: true, facility: code }),
      placeOfBirth: undefined,
    };
    b.persons.push({
      key,
      group: 'detainee',
      facility: code,
      unit: random.pick(prisonUnits[code]!),
      nationality,
      input,
      relations: [],
      admittedAt: admittedDate(random, code),
      minor: year >= 2007,
    });
  }
  // Who the airlift takes: every Iraqi, about 550 other foreigners (full scale), the rest Syrians.
  const detainees = b.persons.filter((p) => p.group === 'detainee');
  const airlift = scaled(FULL.airlift, scale);
  const iraqis = detainees.filter((p) => p.nationality === 'IRQ');
  const foreign = random.shuffle(detainees.filter((p) => p.nationality !== 'IRQ' && p.nationality !== 'SYR')).slice(0, scaled(550, scale));
  const syrians = random.shuffle(detainees.filter((p) => p.nationality === 'SYR'));
  const chosen = [...iraqis, ...foreign, ...syrians].slice(0, airlift);
  for (const p of chosen) p.highRisk = true;
}

let unitCache: Record<string, UnitPlan[]> | undefined;
function leafUnitsOf(code: string, prefix?: string): string[] {
  unitCache ??= units();
  return leafUnits({ ...FACILITIES.find((f) => f.code === code)!, units: unitCache[code]! }, prefix);
}

function admittedDate(random: Random, facility: string): string {
  // al-Hol and the prisons filled after the fall of Baghouz (March 2019); Roj and later arrivals spread after.
  if (facility === 'HOL')
    return random.chance(0.85) ? isoDay(2019, random.int(2, 4), random.int(1, 28)) : isoDay(random.int(2019, 2024), random.int(1, 12), random.int(1, 28));
  if (facility === 'ROJ') return isoDay(random.int(2019, 2023), random.int(1, 12), random.int(1, 28));
  return random.chance(0.7) ? isoDay(2019, random.int(3, 6), random.int(1, 28)) : isoDay(random.int(2019, 2025), random.int(1, 12), random.int(1, 28));
}

/** Households of women and children (a few with an older man) until the facility's share is filled. */
function addHouseholds(b: Builder, facility: string, nationalityOf: () => string, target: number, unitsFor: (nationality: string) => string[]): void {
  const { random, book } = b;
  let placed = 0;
  const detaineesBy = new Map<string, PersonPlan[]>();
  for (const p of b.persons) if (p.group === 'detainee') detaineesBy.set(p.nationality, [...(detaineesBy.get(p.nationality) ?? []), p]);
  while (placed < target) {
    const nationality = nationalityOf();
    const hkey = b.households.length;
    const unit = random.pick(unitsFor(nationality));
    const members: number[] = [];
    const region = regionOf(nationality);
    const family = SLAVICISED.has(nationality) || EUROPEAN.has(nationality) ? book.word('syrian', random) : book.word(region, random);
    // The children's father: in one household in twelve, a detainee of the same nationality in a prison (linked).
    const candidates = detaineesBy.get(nationality);
    const father = candidates && random.chance(1 / 12) ? random.pick(candidates) : undefined;
    const fatherWord = book.maleGiven(random);
    const motherYear = Math.round(random.normal(1991, 6, 1965, 2006));
    const grandfather = book.word('male', random);
    const childCount = Math.min(8, Math.max(0, Math.round(random.normal(2.3, 1.5, 0, 8))));
    const children: { sex: 'F' | 'M'; year: number; given?: Word }[] = [];
    for (let c = 0; c < childCount; c++) {
      const earliest = Math.max(2008, motherYear + 15);
      const year = random.chance(0.3) || earliest > 2018 ? random.int(Math.max(2019, earliest), 2025) : random.int(earliest, 2018);
      children.push({ sex: random.chance(0.5) ? 'M' : 'F', year });
    }
    children.sort((x, y) => x.year - y.year);
    const eldestSon = children.find((c) => c.sex === 'M');
    const sonWord = eldestSon ? book.maleGiven(random) : undefined;
    const admittedAt = admittedDate(random, facility);
    const admittedYear = Number(admittedAt.slice(0, 4));
    // Mother (and in one household in seven a second woman: a co-wife or the grandmother).
    const women = random.chance(1 / 7) ? 2 : 1;
    const motherKeys: number[] = [];
    for (let w = 0; w < women; w++) {
      const key = b.persons.length;
      const year = w === 0 ? motherYear : random.int(1955, 2000);
      const convert = EUROPEAN.has(nationality) && random.chance(0.5);
      b.persons.push({
        key,
        group: 'camp_adult',
        facility,
        unit,
        household: hkey,
        nationality,
        input: {
          names: namesOf(b, nationality, 'camp_adult', 'F', { kunya: w === 0 && sonWord ? sonWord.word : undefined, convert }),
          sex: 'F',
          ...birth(random, year),
          nationalities: [nationality],
          documents: documentsFor(random, nationality, key, { adult: true, facility }),
          vulnerabilities: [
            ...(w === 0 ? (['female_head_of_household'] as const) : []),
            ...(random.chance(0.04) ? (['pregnant'] as const) : []),
            ...(random.chance(0.05) ? (['medical'] as const) : []),
            ...(year < 1962 ? (['elderly'] as const) : []),
          ],
        },
        relations: w === 0 && father ? [{ kind: 'spouse_of', to: father.key }] : [],
        admittedAt,
        minor: year >= 2008,
      });
      motherKeys.push(key);
      members.push(key);
    }
    // An older man in some Iraqi and Syrian households.
    if ((nationality === 'IRQ' || nationality === 'SYR') && random.chance(0.12)) {
      const key = b.persons.length;
      const year = random.int(1945, 1975);
      b.persons.push({
        key,
        group: 'camp_adult',
        facility,
        unit,
        household: hkey,
        nationality,
        input: {
          names: namesOf(b, nationality, 'camp_adult', 'M', { family, kunya: sonWord?.word }),
          sex: 'M',
          ...birth(random, year),
          nationalities: [nationality],
          documents: documentsFor(random, nationality, key, { adult: true, facility }),
          vulnerabilities: year < 1962 ? ['elderly'] : [],
        },
        relations: [],
        admittedAt,
        minor: false,
      });
      members.push(key);
    }
    for (const [i, c] of children.entries()) {
      const key = b.persons.length;
      const campBorn = c.year >= admittedYear;
      const given = i === children.indexOf(eldestSon!) && sonWord ? sonWord : undefined;
      const names = namesOf(b, nationality, 'camp_child', c.sex, { father: fatherWord, grandfather, family });
      if (given) {
        // The eldest son carries the name his mother's kunya is formed from.
        const spec = book.spec(random, { sex: 'M', region: regionOf(nationality), father: fatherWord, grandfather, family });
        spec.given = given.word;
        spec.abd = given.abd;
        names.splice(0, names.length, ...namesFor(spec, recordersFor(nationality, 'camp_child', random), 2, random));
      }
      const relations: PersonPlan['relations'] = [{ kind: 'mother_of', to: motherKeys[0]! }];
      if (father) relations.push({ kind: 'father_of', to: father.key });
      b.persons.push({
        key,
        group: 'camp_child',
        facility,
        unit,
        household: hkey,
        nationality,
        input: {
          names,
          sex: c.sex,
          ...birth(random, c.year, { campBorn }),
          placeOfBirth: campBorn ? (facility === 'HOL' ? 'al-Hol camp' : 'Roj camp') : undefined,
          nationalities: [nationality],
          documents: documentsFor(random, nationality, key, { adult: false, facility }),
          vulnerabilities: random.chance(0.01) ? ['separated_child'] : [],
        },
        relations,
        admittedAt: campBorn ? isoDay(c.year, 12, 31) : admittedAt,
        minor: true,
      });
      members.push(key);
    }
    // Camp-born children are admitted at birth; the date above is the end of their birth year at the latest.
    for (const k of members) {
      const p = b.persons[k]!;
      if (p.group === 'camp_child' && p.input.birthDate && p.input.birthDate.length === 10 && p.admittedAt.startsWith(p.input.birthDate.slice(0, 4))) {
        p.admittedAt = p.input.birthDate > admittedAt ? p.input.birthDate : admittedAt;
      }
    }
    const label = `${facility}/${unit} tent ${String(hkey + 1).padStart(5, '0')}`;
    b.households.push({ key: hkey, label, facility, unit, members });
    placed += members.length;
  }
}

/**
 * The world for a scale and seed; the same arguments give the same plan. `divisor` (tests) scales the full world
 * down by any factor instead of the small scale's.
 */
export function planWorld(opts: { scale: Scale; seed: number; divisor?: number }): WorldPlan {
  const sc: ScaleArg = opts.divisor ?? opts.scale;
  const random = new Random(opts.seed);
  const allUnits = units();
  unitCache = allUnits;
  const facilities: FacilityPlan[] = FACILITIES.map((f) => ({ ...f, units: allUnits[f.code] ?? [] }));
  const b: Builder = { book: new NameBook(), random: random.fork('people'), persons: [], households: [] };
  addDetainees(b, sc);
  const hol = facilities.find((f) => f.code === 'HOL')!;
  const nat = b.random.fork('nationalities');
  const foreignFamily = () =>
    nat.weighted(
      FOREIGN_FAMILIES.map((x) => x[0]),
      FOREIGN_FAMILIES.map((x) => x[1]),
    );
  const phases = (from: number, to: number) => leafUnits(hol).filter((u) => Number(u.slice(1, 2)) >= from && Number(u.slice(1, 2)) <= to && u.startsWith('P'));
  addHouseholds(
    b,
    'HOL',
    () => 'IRQ',
    scaled(FULL.HOL.iraqi, sc),
    () => phases(1, 3),
  );
  addHouseholds(
    b,
    'HOL',
    () => 'SYR',
    scaled(FULL.HOL.syrian, sc),
    () => phases(4, 8),
  );
  addHouseholds(b, 'HOL', foreignFamily, scaled(FULL.HOL.annex, sc), () => leafUnits(hol, 'ANX-'));
  const roj = facilities.find((f) => f.code === 'ROJ')!;
  addHouseholds(b, 'ROJ', foreignFamily, scaled(FULL.ROJ, sc), () => leafUnits(roj));
  return { scale: opts.scale, seed: opts.seed, facilities, households: b.households, persons: b.persons };
}
