import { readFileSync } from 'node:fs';
import type { CreatePersonInput } from '../../modules/registry';
import type { Random } from './scenario.random';

/**
 * Builds names the way they exist in the camps' records: one Arabic-script name with its full structure (ism, nasab
 * with bin/bint, nisba, kunya, laqab), and two or more Latin renderings of it as different documents and interviews
 * record them (spelling, article, bin/ibn, order, dropped grandfather). Spellings and their frequencies come from the
 * committed table name-words.json (built by bench/seed/build-name-words.ts from ../shared/data/names).
 */

export interface Word {
  ar: string;
  role: string;
  weight: number;
  spellings: [string, number][];
}

type NameInput = CreatePersonInput['names'][number];

export type NameRegion = 'iraqi' | 'syrian' | 'maghreb';

/** One person's name in its structure; words are drawn once and rendered many times. */
export interface NameSpec {
  sex: 'F' | 'M';
  given: Word;
  /** Given name is عبد + this word (Abd al-Rahman); `given` is then the second word. */
  abd: boolean;
  father: Word;
  fatherAbd: boolean;
  grandfather: Word;
  family: Word;
  /** The son a kunya is formed from (Abu Omar, Umm Muhammad), if any. */
  kunya?: Word;
  laqab?: Word;
  /** Iraqi documents write the triple name without bin; Syrian and formal records use bin/bint. */
  region: NameRegion;
}

let cached: Word[] | undefined;

export function nameWords(): Word[] {
  cached ??= (JSON.parse(readFileSync(new URL('./name-words.json', import.meta.url), 'utf8')) as { words: Word[] }).words;
  return cached;
}

export class NameBook {
  private readonly byRole = new Map<string, { words: Word[]; weights: number[] }>();
  private readonly byAr = new Map<string, Word>();

  constructor(words: Word[] = nameWords()) {
    for (const w of words) {
      let r = this.byRole.get(w.role);
      if (!r) this.byRole.set(w.role, (r = { words: [], weights: [] }));
      r.words.push(w);
      r.weights.push(w.weight);
      if (!this.byAr.has(w.ar)) this.byAr.set(w.ar, w);
    }
  }

  word(role: string, random: Random): Word {
    const r = this.byRole.get(role);
    if (!r) throw new Error(`no name words for role ${role}`);
    return random.weighted(r.words, r.weights);
  }

  byArabic(ar: string): Word | undefined {
    return this.byAr.get(ar);
  }

  /** A male given name: one in six is a compound with Abd (Abdullah, Abd al-Rahman). */
  maleGiven(random: Random): { word: Word; abd: boolean } {
    return random.chance(1 / 6) ? { word: this.word('abd', random), abd: true } : { word: this.word('male', random), abd: false };
  }

  /** A full name structure; `father` is given when known (a child carries the father's name as nasab). */
  spec(
    random: Random,
    opts: {
      sex: 'F' | 'M';
      region: NameRegion;
      father?: { word: Word; abd: boolean };
      grandfather?: Word;
      family?: Word;
      kunya?: Word;
      laqab?: Word;
    },
  ): NameSpec {
    const given = opts.sex === 'M' ? this.maleGiven(random) : { word: this.word('female', random), abd: false };
    const father = opts.father ?? this.maleGiven(random);
    return {
      sex: opts.sex,
      given: given.word,
      abd: given.abd,
      father: father.word,
      fatherAbd: father.abd,
      grandfather: opts.grandfather ?? this.word('male', random),
      family: opts.family ?? this.word(opts.region, random),
      kunya: opts.kunya,
      laqab: opts.laqab,
      region: opts.region,
    };
  }
}

// --- Arabic script ------------------------------------------------------------------------------------------------

const withArticle = (ar: string) => (ar.startsWith('ال') ? ar : `ال${ar}`);
const arGiven = (w: Word, abd: boolean) => (abd ? `عبد ${withArticle(w.ar)}` : w.ar);

export function arabicName(spec: NameSpec): { full: string; parts: NonNullable<NameInput['parts']> } {
  const given = arGiven(spec.given, spec.abd);
  const father = arGiven(spec.father, spec.fatherAbd);
  const grandfather = spec.grandfather.ar;
  const family = withArticle(spec.family.ar);
  const link = spec.sex === 'F' ? 'بنت' : 'بن';
  const full = spec.region === 'iraqi' ? `${given} ${father} ${grandfather} ${family}` : `${given} ${link} ${father} بن ${grandfather} ${family}`;
  const parts: NonNullable<NameInput['parts']> = { given, father, grandfather, family };
  if (spec.kunya) parts.kunya = `${spec.sex === 'F' ? 'أم' : 'أبو'} ${spec.kunya.ar}`;
  if (spec.laqab) parts.laqab = withArticle(spec.laqab.ar);
  return { full, parts };
}

// --- Latin renderings ---------------------------------------------------------------------------------------------

/** How a recorder writes names: which spellings it prefers, the article, bin/ibn, order. */
export interface Recorder {
  source: string;
  /** top: always the most frequent spelling; weighted: by frequency; any: any attested spelling (rare ones less often). */
  spelling: 'top' | 'weighted' | 'any';
  article: 'al-' | 'Al-' | 'el-' | 'El ' | 'al ' | 'joined' | 'none';
  nasab: 'bin' | 'ibn' | 'none' | 'ben';
  grandfather: boolean;
  abd: 'Abd al-' | 'Abdul ' | 'Abdul' | 'Abdel' | 'Abd ';
  /** FAMILY Given (French and prison intake forms). */
  familyFirst?: boolean;
  upperFamily?: boolean;
  french?: boolean;
}

export const RECORDERS: Record<string, Recorder> = {
  campRegistry: { source: 'camp registry (NES administration)', spelling: 'top', article: 'al-', nasab: 'none', grandfather: true, abd: 'Abdul ' },
  iraqiId: { source: 'Iraqi national ID card', spelling: 'weighted', article: 'Al-', nasab: 'none', grandfather: true, abd: 'Abdul' },
  syrianId: { source: 'Syrian civil registry extract', spelling: 'weighted', article: 'Al-', nasab: 'none', grandfather: false, abd: 'Abdul' },
  ngoInterview: { source: 'NGO interview', spelling: 'any', article: 'al ', nasab: 'bin', grandfather: false, abd: 'Abd al-' },
  intelInterview: { source: 'security interview', spelling: 'weighted', article: 'el-', nasab: 'ibn', grandfather: false, abd: 'Abdel' },
  prisonIntake: {
    source: 'prison intake form',
    spelling: 'any',
    article: 'joined',
    nasab: 'none',
    grandfather: true,
    abd: 'Abdul',
    familyFirst: true,
    upperFamily: true,
  },
  unStyle: { source: 'UN-style formal record', spelling: 'top', article: 'al-', nasab: 'bin', grandfather: true, abd: 'Abd al-' },
  frenchFile: {
    source: 'French liaison file',
    spelling: 'any',
    article: 'El ',
    nasab: 'ben',
    grandfather: false,
    abd: 'Abdel',
    familyFirst: true,
    upperFamily: true,
    french: true,
  },
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** French orthography of an English-style spelling: u -> ou, j -> dj at the start, sh -> ch. */
function frenchise(s: string): string {
  return s
    .replace(/sh/g, 'ch')
    .replace(/^j/, 'dj')
    .replace(/(?<![aeo])u/g, 'ou')
    .replace(/ee/g, 'i')
    .replace(/oo/g, 'ou');
}

function spell(w: Word, r: Recorder, random: Random): string {
  const list = w.spellings;
  let s: string;
  if (r.spelling === 'top' || list.length === 1) s = list[0]![0];
  else if (r.spelling === 'weighted')
    s = random.weighted(
      list.map((x) => x[0]),
      list.map((x) => x[1] + 1),
    );
  // Clerks and interviewers also write the rarer attested spellings, less often than the common ones.
  else
    s = random.weighted(
      list.map((x) => x[0]),
      list.map((x) => Math.sqrt(x[1] + 1)),
    );
  return r.french ? frenchise(s) : s;
}

const SUN = /^(t|th|d|dh|r|z|s|sh|n)/;

function article(core: string, r: Recorder): string {
  switch (r.article) {
    case 'al-':
      return `al-${cap(core)}`;
    case 'Al-':
      return `Al-${cap(core)}`;
    case 'el-':
      return `el-${cap(core)}`;
    case 'El ':
      return `El ${cap(core)}`;
    case 'al ':
      return `al ${cap(core)}`;
    case 'joined': {
      // Sun letters assimilate the l: Ashshammari is written by some clerks, most write Al + word.
      const m = SUN.exec(core);
      return m && core.length > 3 && core.startsWith('sh') ? `Ash${core}` : `Al${core}`;
    }
    case 'none':
      return cap(core);
  }
}

function givenLatin(w: Word, abd: boolean, r: Recorder, random: Random): string {
  if (!abd) return cap(spell(w, r, random));
  if (w.ar === 'الله') {
    const forms: Record<Recorder['abd'], string> = { 'Abd al-': 'Abd Allah', 'Abdul ': 'Abdullah', Abdul: 'Abdullah', Abdel: 'Abdellah', 'Abd ': 'Abdallah' };
    return forms[r.abd];
  }
  const core = spell(w, r, random);
  switch (r.abd) {
    case 'Abd al-':
      return `Abd al-${cap(core)}`;
    case 'Abdul ':
      return `Abdul ${cap(core)}`;
    case 'Abdul':
      return `Abdul${core}`;
    case 'Abdel':
      // French and Maghrebi forms assimilate sun letters: Abderrahmane, Abdessalam.
      return SUN.test(core) ? `Abde${core.charAt(0)}${core}` : `Abdel${core}`;
    case 'Abd ':
      return `Abd ${cap(core)}`;
  }
}

export function latinName(spec: NameSpec, r: Recorder, random: Random): NameInput {
  const given = givenLatin(spec.given, spec.abd, r, random);
  const father = givenLatin(spec.father, spec.fatherAbd, r, random);
  const grandfather = cap(spell(spec.grandfather, r, random));
  let family = article(spell(spec.family, r, random), r);
  if (r.upperFamily) family = family.toUpperCase();
  const link = r.nasab === 'none' ? '' : spec.sex === 'F' ? (r.nasab === 'ben' ? 'bent' : 'bint') : r.nasab;
  const nasab = [link, father, r.grandfather ? grandfather : ''].filter(Boolean).join(' ');
  const full = r.familyFirst ? `${family} ${given} ${nasab}` : `${given} ${nasab} ${family}`;
  const parts: NonNullable<NameInput['parts']> = { given, father, family };
  if (r.grandfather) parts.grandfather = grandfather;
  return { full: full.replace(/\s+/g, ' ').trim(), script: 'latin', kind: 'spelling', parts, source: r.source };
}

export function kunyaNames(spec: NameSpec, random: Random): NameInput[] {
  const out: NameInput[] = [];
  if (spec.kunya) {
    const son = spec.kunya;
    const ar = `${spec.sex === 'F' ? 'أم' : 'أبو'} ${son.ar}`;
    const lead = spec.sex === 'F' ? random.pick(['Umm', 'Um', 'Oum']) : random.pick(['Abu', 'Abu', 'Abou', 'Abo']);
    out.push({ full: ar, script: 'arabic', kind: 'kunya', parts: { kunya: ar } });
    out.push({ full: `${lead} ${cap(spell(son, RECORDERS.ngoInterview!, random))}`, script: 'latin', kind: 'kunya', source: 'NGO interview' });
  }
  if (spec.laqab) {
    const ar = withArticle(spec.laqab.ar);
    out.push({ full: ar, script: 'arabic', kind: 'laqab', parts: { laqab: ar } });
    out.push({ full: `al-${cap(spell(spec.laqab, RECORDERS.intelInterview!, random))}`, script: 'latin', kind: 'laqab', source: 'security interview' });
  }
  return out;
}

/** The Arabic name (primary) then `count` distinct Latin renderings from the given recorders, then kunya and laqab. */
export function namesFor(spec: NameSpec, recorders: Recorder[], count: number, random: Random): NameInput[] {
  const ar = arabicName(spec);
  const names: NameInput[] = [{ full: ar.full, script: 'arabic', kind: 'primary', parts: ar.parts, source: recorders[0]?.source }];
  const seen = new Set<string>();
  for (let attempt = 0; attempt < recorders.length * 3 && seen.size < count; attempt++) {
    const r = recorders[attempt % recorders.length]!;
    const n = latinName(spec, r, random);
    if (seen.has(n.full.toLowerCase())) continue;
    seen.add(n.full.toLowerCase());
    names.push(n);
  }
  return [...names, ...kunyaNames(spec, random)];
}

// --- European and other foreign names -----------------------------------------------------------------------------

/** Passport names of European nationals who converted (their Arabic names are a kunya and laqab only). */
export const EUROPEAN_NAMES: Record<string, { m: string[]; f: string[]; family: string[]; laqab: string }> = {
  FRA: {
    m: ['Thomas', 'Nicolas', 'Julien', 'Maxime', 'Kévin', 'Romain', 'Florian', 'Jonathan', 'Mickaël', 'Quentin', 'Jérémy', 'Anthony'],
    f: ['Émilie', 'Sarah', 'Julie', 'Laura', 'Marine', 'Camille', 'Mélanie', 'Aurélie', 'Céline', 'Justine', 'Manon'],
    family: ['Martin', 'Bernard', 'Dubois', 'Durand', 'Lefèvre', 'Moreau', 'Laurent', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Mercier', 'Clément'],
    laqab: 'فرنسي',
  },
  NLD: {
    m: ['Daan', 'Jeroen', 'Bram', 'Sander', 'Jesse', 'Thijs', 'Ruben', 'Niels'],
    f: ['Sanne', 'Lotte', 'Fleur', 'Anouk', 'Iris', 'Laura'],
    family: ['de Jong', 'Jansen', 'de Vries', 'van den Berg', 'Bakker', 'Visser', 'Smit', 'Meijer', 'de Boer'],
    laqab: 'هولندي',
  },
  DEU: {
    m: ['Lukas', 'Jan', 'Dennis', 'Florian', 'Kevin', 'Sven', 'Marcel', 'Tobias'],
    f: ['Laura', 'Julia', 'Lisa', 'Sarah', 'Jennifer', 'Nadine'],
    family: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann'],
    laqab: 'ألماني',
  },
  BEL: {
    m: ['Jonas', 'Maxime', 'Thomas', 'Wout', 'Kevin', 'Bart'],
    f: ['Laura', 'Lore', 'Julie', 'Sarah', 'Elke'],
    family: ['Peeters', 'Janssens', 'Maes', 'Jacobs', 'Mertens', 'Willems', 'Dupont', 'Lambert'],
    laqab: 'بلجيكي',
  },
  GBR: {
    m: ['Jack', 'Thomas', 'James', 'Daniel', 'Ryan', 'Jordan', 'Liam'],
    f: ['Emma', 'Sophie', 'Hannah', 'Chloe', 'Amy'],
    family: ['Smith', 'Jones', 'Williams', 'Taylor', 'Brown', 'Davies', 'Evans', 'Wilson'],
    laqab: 'بريطاني',
  },
};

const stripAccents = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/** A European convert's names: passport, surname-first intake form without accents, kunya and laqab. */
export function europeanNames(country: string, sex: 'F' | 'M', book: NameBook, random: Random): { names: NameInput[]; family: string } {
  const list = EUROPEAN_NAMES[country]!;
  const given = random.pick(sex === 'F' ? list.f : list.m);
  const family = random.pick(list.family);
  const kunya = book.word('male', random);
  const laqab = book.byArabic(list.laqab);
  const spec: NameSpec = {
    sex,
    given: kunya,
    abd: false,
    father: kunya,
    fatherAbd: false,
    grandfather: kunya,
    family: kunya,
    kunya,
    laqab: sex === 'M' ? laqab : undefined,
    region: 'syrian',
  };
  return {
    family,
    names: [
      { full: `${given} ${family}`, script: 'latin', kind: 'primary', parts: { given, family }, source: 'passport' },
      {
        full: `${stripAccents(family).toUpperCase()} ${stripAccents(given)}`,
        script: 'latin',
        kind: 'spelling',
        parts: { given: stripAccents(given), family: stripAccents(family).toUpperCase() },
        source: 'prison intake form',
      },
      ...kunyaNames(spec, random),
    ],
  };
}

/** Russian-style surnames built on the father's name (Magomedov, Abdullaev) for North Caucasus and Central Asia. */
export function slavicisedNames(spec: NameSpec, random: Random): NameInput[] {
  const russian: Recorder = {
    ...RECORDERS.ngoInterview!,
    source: 'passport (Cyrillic, transliterated)',
    spelling: 'weighted',
    nasab: 'none',
    grandfather: false,
  };
  const given = givenLatin(spec.given, spec.abd, russian, random).replace(/^Muhammad|^Mohammed/, 'Magomed');
  const base = givenLatin(spec.father, spec.fatherAbd, { ...russian, abd: 'Abdul' }, random)
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
  const surname = `${cap(base)}${/[aeiouy]$/.test(base) ? 'ev' : 'ov'}${spec.sex === 'F' ? 'a' : ''}`;
  const primary = `${given} ${surname}`;
  const ar = arabicName(spec);
  return [
    { full: primary, script: 'latin', kind: 'primary', parts: { given, family: surname }, source: russian.source },
    {
      full: `${surname.toUpperCase()} ${given}`,
      script: 'latin',
      kind: 'spelling',
      parts: { given, family: surname.toUpperCase() },
      source: 'prison intake form',
    },
    { full: ar.full, script: 'arabic', kind: 'alias', parts: ar.parts, source: 'security interview' },
    ...kunyaNames(spec, random),
  ];
}
