import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command } from 'commander';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  arabicSkeleton,
  blockingKeys,
  compareNames,
  comparePreparedNames,
  nameSearchKey,
  detectScript,
  latinSkeleton,
  normalizeArabic,
  normalizeName,
  parseName,
  partSimilarity,
  prepareName,
  SCORING,
} from './index';
import { latinSegments } from './names.latin';
import { defaultPairModel, pairFeatures, segmentWord, type PairModelFile } from './names.pairmodel';

const score = (a: string, b: string) => compareNames(a, b).score;

describe('script detection and normalisation', () => {
  it('detects the script of a name', () => {
    expect(detectScript('Muhammad al-Baghdadi')).toBe('latin');
    expect(detectScript('محمد البغدادي')).toBe('arabic');
    expect(detectScript('محمد Baghdadi')).toBe('mixed');
    expect(detectScript('Мухаммад')).toBe('other');
    expect(detectScript(' - 12 ')).toBe('empty');
  });

  it('normalises Arabic: diacritics, tatweel, alef and hamza forms, taa marbuta, alef maqsura', () => {
    expect(normalizeArabic('مُحَمَّد')).toBe('محمد');
    expect(normalizeArabic('محـــمد')).toBe('محمد');
    expect(normalizeArabic('أحمد')).toBe(normalizeArabic('احمد'));
    expect(normalizeArabic('إبراهيم')).toBe('ابراهيم');
    expect(normalizeArabic('آمنة')).toBe('امنه');
    expect(normalizeArabic('مصطفى')).toBe('مصطفي');
    expect(normalizeArabic('مسؤول')).toBe('مسوول');
  });

  it('normalises Latin: case, accents, punctuation and hyphens, ain and hamza marks', () => {
    expect(normalizeName('ʿAbd al-Raḥmān')).toBe('abd al rahman');
    expect(normalizeName("Ja'far AL-BAGHDADI")).toBe('jafar al baghdadi');
    expect(normalizeName('Hüseyin, Çelik.')).toBe('huseyin celik');
  });

  it('reduces spellings and scripts of one name to one consonant skeleton', () => {
    for (const s of ['mohammed', 'muhammad', 'mohamad', 'mouhammad']) expect(latinSkeleton(s)).toBe('mhmd');
    expect(arabicSkeleton('محمد')).toBe('mhmd');
    expect(latinSkeleton('youssef')).toBe(arabicSkeleton('يوسف'));
    expect(latinSkeleton('hussein')).toBe(latinSkeleton('husayn'));
  });
});

describe('parsing into name parts', () => {
  it('reads ism, nasab with bin, and an al- nisba', () => {
    expect(parseName('Ahmad bin Ali bin Hassan al-Tikriti')).toEqual({
      given: 'ahmad',
      father: 'ali',
      grandfather: 'hassan',
      family: 'al-tikriti',
      other: [],
    });
  });

  it('reads a kunya and a laqab in quotes', () => {
    const p = parseName('Abu Bakr al-Baghdadi "the Caliph"');
    expect(p.kunya).toBe('abu bakr');
    expect(p.family).toBe('al-baghdadi');
    expect(p.laqab).toBe('the caliph');
  });

  it('keeps Abd al-X together as one given name, however it is written', () => {
    for (const n of ['Abd al-Rahman', 'Abdul Rahman', 'Abdel-Rahman', 'Abdurrahman', 'Abd ar-Rahman']) {
      expect(parseName(`${n} Khalid`).given, n).toMatch(/^abd al-r+ahman$/);
      expect(parseName(`${n} Khalid`).father).toBe('khalid');
    }
  });

  it('parses Arabic script', () => {
    const p = parseName('عبد الرحمن بن محمد التكريتي');
    expect(p.given).toBe('عبد الرحمن');
    expect(p.father).toBe('محمد');
    expect(p.family).toBe('التكريتي');
  });
});

describe('compareNames', () => {
  it('scores spellings of Mohammed high', () => {
    expect(score('Mohammed', 'Muhammad')).toBeGreaterThan(0.9);
    expect(score('Mohammed', 'Mohamad')).toBeGreaterThan(0.9);
    expect(score('Muhammad', 'Mohamad')).toBeGreaterThan(0.9);
  });

  it('scores spellings of Abd al-Rahman high', () => {
    expect(score('Abd al-Rahman', 'Abdul Rahman')).toBeGreaterThan(0.9);
    expect(score('Abd al-Rahman', 'Abderrahmane')).toBeGreaterThan(0.9);
    expect(score('Abdul Rahman', 'Abderrahmane')).toBeGreaterThan(0.9);
  });

  it('scores al-Baghdadi / el Baghdadi / Albaghdadi high', () => {
    expect(score('al-Baghdadi', 'el Baghdadi')).toBeGreaterThan(0.9);
    expect(score('al-Baghdadi', 'Albaghdadi')).toBeGreaterThan(0.9);
    expect(score('el Baghdadi', 'Albaghdadi')).toBeGreaterThan(0.9);
  });

  it('scores a name in Arabic script against its Latin spelling high', () => {
    expect(score('محمد', 'Mohammed')).toBeGreaterThan(0.9);
    expect(score('عبد الرحمن', 'Abdul Rahman')).toBeGreaterThan(0.9);
    expect(score('أبو بكر البغدادي', 'Abu Bakr al-Baghdadi')).toBeGreaterThan(0.9);
    expect(score('صدام حسين التكريتي', 'Saddam Hussein al-Tikriti')).toBeGreaterThan(0.9);
  });

  it('scores a different father clearly lower than a missing father', () => {
    const different = score('Ahmad bin Ali al-Tikriti', 'Ahmad bin Hassan al-Tikriti');
    const missing = score('Ahmad bin Ali al-Tikriti', 'Ahmad al-Tikriti');
    expect(missing).toBeGreaterThan(0.8);
    expect(different).toBeLessThan(0.6);
    expect(missing - different).toBeGreaterThan(0.25);
  });

  it('scores Abd al-Karim against Abu Karim low', () => {
    expect(score('Abd al-Karim', 'Abu Karim')).toBeLessThan(0.3);
    expect(score('Abd al-Karim Mahmoud', 'Abu Karim Mahmoud')).toBeLessThan(0.6);
  });

  it('tolerates reordered parts', () => {
    expect(score('Ahmad Ali al-Tikriti', 'al-Tikriti, Ahmad Ali')).toBeGreaterThan(0.95);
    expect(score('Abu Bakr al-Baghdadi Ibrahim Awad', 'Ibrahim Awad Abu Bakr al-Baghdadi')).toBeGreaterThan(0.95);
  });

  it('keeps different names apart', () => {
    expect(score('Karim', 'Kamil')).toBeLessThan(0.5);
    expect(score('Ibrahim Awad Ibrahim al-Badri', 'Abu Bakr al-Baghdadi')).toBeLessThan(0.5);
    expect(score('Qusay Saddam Hussein al-Tikriti', 'Uday Saddam Hussein al-Tikriti')).toBeLessThan(0.7);
  });

  it('explains which parts matched how', () => {
    const r = compareNames('Ahmad bin Ali al-Tikriti', 'Ahmed bin Hassan el-Tikriti');
    const roles = r.explanation.parts.map((p) => [p.role, p.outcome]);
    expect(roles).toContainEqual(['given', expect.stringMatching(/exact|variant|similar/)]);
    expect(roles).toContainEqual(['father', 'contradiction']);
    expect(roles).toContainEqual(['family', 'exact']);
    expect(r.explanation.text).toContain('father: ali vs hassan (contradiction)');
    const missing = compareNames('Ahmad bin Ali al-Tikriti', 'Ahmad al-Tikriti');
    expect(missing.explanation.parts).toContainEqual(expect.objectContaining({ role: 'father', outcome: 'missing', a: 'ali' }));
  });

  it('handles empty and hostile input without throwing', () => {
    expect(score('', '')).toBe(1);
    expect(score('', 'Ali')).toBe(0);
    expect(score('!!!', 'Ali')).toBe(0);
    expect(score('"((«', 'bin bin al al')).toBeGreaterThanOrEqual(0);
    expect(() => compareNames('\u0000\uFFFF\uD800', 'x'.repeat(10_000))).not.toThrow();
  });

  it('stays cheap on oversized input (bounded length, words and word length)', () => {
    const long = 'abcdefghijklmnopqrstuvwxyz'.repeat(400);
    const many = Array.from({ length: 2000 }, (_, i) => `name${i}`).join(' ');
    const r = compareNames(long, [...long].reverse().join(''));
    expect(r.score).toBeGreaterThanOrEqual(0);
    expect(compareNames(many, `${many} x`).score).toBe(1); // both cut to the same first words
    expect(prepareName(many).tokens.length).toBeLessThanOrEqual(12);
  });

  it('gives the same result on prepared names', () => {
    const a = prepareName('Abu Bakr al-Baghdadi');
    const b = prepareName('أبو بكر البغدادي');
    expect(comparePreparedNames(a, b).score).toBe(score('Abu Bakr al-Baghdadi', 'أبو بكر البغدادي'));
  });
});

describe('properties', () => {
  const nameArb = fc.oneof(
    fc.string({ maxLength: 30 }),
    fc
      .array(fc.constantFrom('Mohammed', 'bin', 'al-Tikriti', 'Abd', 'Abu', 'Rahman', 'محمد', 'عبد', 'البغدادي', 'Ali', 'el', '"x"', 'Hassan'), {
        maxLength: 6,
      })
      .map((ws) => ws.join(' ')),
  );

  it('scores in [0, 1]', () => {
    fc.assert(
      fc.property(nameArb, nameArb, (a, b) => {
        const s = score(a, b);
        return s >= 0 && s <= 1 && Number.isFinite(s);
      }),
      { numRuns: 400 },
    );
  });

  it('is symmetric', () => {
    fc.assert(
      fc.property(nameArb, nameArb, (a, b) => score(a, b) === score(b, a)),
      { numRuns: 400 },
    );
  });

  it('scores identical names 1', () => {
    fc.assert(
      fc.property(nameArb, (a) => score(a, a) === 1),
      { numRuns: 300 },
    );
  });
});

describe('blocking keys', () => {
  it('are shared by spellings and scripts of one name', () => {
    const share = (a: string, b: string) => blockingKeys(a).some((k) => blockingKeys(b).includes(k));
    expect(share('Mohammed al-Baghdadi', 'Muhammad el Baghdadi')).toBe(true);
    expect(share('محمد البغدادي', 'Mohamed Albaghdadi')).toBe(true);
    expect(share('Abd al-Rahman', 'عبد الرحمن')).toBe(true);
    expect(share('Youssef', 'Yusuf')).toBe(true);
    expect(share('Karim', 'Samir')).toBe(false);
  });

  it('are few', () => {
    expect(blockingKeys('Ahmad bin Ali bin Hassan al-Tikriti').length).toBeLessThanOrEqual(12);
  });
});

describe('search key', () => {
  it('gives one key for a name in Arabic script and in its Latin spellings, in ASCII letters for a trigram index', () => {
    const key = nameSearchKey('Mohammed al-Baghdadi');
    expect(key).toBe(nameSearchKey('Muhammad el-Baghdadi'));
    for (const w of key.split(' ')) expect(nameSearchKey('محمد البغدادي').split(' ')).toContain(w);
    expect(nameSearchKey('Abdelrahman Jubouri').split(' ')[0]).toBe('bd');
    expect(nameSearchKey('Thamer Dhiab')).toMatch(/^[a-z ]+$/);
    expect(nameSearchKey('!!! 123')).toBe('');
  });
});

describe('names score-pairs command', () => {
  it('prints one similarity per pair, in order, skipping comments and extra columns', async () => {
    const { register } = await import('../../cli/commands/names-score-pairs');
    const dir = mkdtempSync(join(tmpdir(), 'names-'));
    const file = join(dir, 'pairs.tsv');
    writeFileSync(file, '\uFEFFMohammed\tMuhammad\t1\n# comment\nAbd al-Karim\tAbu Karim\nonly-one-name\nمحمد\tMohamed\n');
    const program = new Command().exitOverride();
    register(program);
    const chunks: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      chunks.push(String(chunk));
      return true;
    });
    try {
      await program.parseAsync(['node', 'custos', 'names', 'score-pairs', file]);
    } finally {
      write.mockRestore();
    }
    const lines = chunks.join('').trim().split('\n').map(Number);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBeGreaterThan(0.9);
    expect(lines[1]).toBeLessThan(0.3);
    expect(lines[2]).toBe(0);
    expect(lines[3]).toBeGreaterThan(0.9);
  });
});

describe('variant table', () => {
  const dataDir = resolve(process.cwd(), '../shared/data/names');

  it('is learned from the train splits: the committed table and costs are what the build script derives', async () => {
    if (!existsSync(dataDir)) throw new Error(`name data missing: expected ${dataDir} (../shared/data beside the project)`);
    const { buildVariantTable } = await import('../../../bench/names/build-variants');
    const committed = JSON.parse(readFileSync(new URL('./names.variants.json', import.meta.url), 'utf8'));
    const built = buildVariantTable();
    expect(built.file).toEqual(committed);
    expect(built.costs).toBe(readFileSync(new URL('./names.costs.ts', import.meta.url), 'utf8'));
  }, 60_000);
});

describe('learned pair model', () => {
  const dataDir = resolve(process.cwd(), '../shared/data/names');

  it('reads a Latin word as consonants with the vowels after each', () => {
    expect(latinSegments('souad')).toEqual({
      onset: '',
      segments: [
        { consonant: 's', vowels: 'oua', doubled: false },
        { consonant: 'd', vowels: '', doubled: false },
      ],
    });
    const hassan = latinSegments('hassan');
    expect(hassan.segments.map((s) => [s.consonant, s.vowels, s.doubled])).toEqual([
      ['h', 'a', false],
      ['s', 'a', true],
      ['n', '', false],
    ]);
    expect(latinSegments('oualid').segments[0]!.consonant).toBe('w');
    expect(latinSegments('amina').onset).toBe('a');
  });

  it('is symmetric and a probability', () => {
    const model = defaultPairModel();
    expect(model.size).toBeGreaterThan(500);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z]{1,12}$/), fc.stringMatching(/^[a-z]{1,12}$/), fc.double({ min: 0, max: 1, noNaN: true }), (x, y, s) => {
        const p = model.probability(segmentWord(x), segmentWord(y), s);
        expect(p).toBeGreaterThanOrEqual(0);
        expect(p).toBeLessThanOrEqual(1);
        expect(model.probability(segmentWord(y), segmentWord(x), s)).toBeCloseTo(p, 12);
      }),
    );
  });

  it('looks its weights up by number exactly as the weights file names them', () => {
    const file = JSON.parse(readFileSync(new URL('./names.pairmodel.json', import.meta.url), 'utf8')) as PairModelFile;
    const model = defaultPairModel();
    const words = ['souad', 'saoud', 'mohammed', 'muhammad', 'abderrahmane', 'oualid', 'walid', 'hassan', 'hasan', 'aicha', 'ayesha', 'x', 'ouiam'];
    for (const x of words) {
      for (const y of words) {
        let z = 0;
        pairFeatures(segmentWord(x), segmentWord(y), 0.77, (f, v) => (z += (file.weights[f] ?? 0) * v));
        expect(model.probability(segmentWord(x), segmentWord(y), 0.77), `${x} ~ ${y}`).toBeCloseTo(1 / (1 + Math.exp(-z)), 12);
      }
    }
  });

  it('tells a vowel written two ways from a consonant changed, at the same hand-set similarity', () => {
    const model = defaultPairModel();
    // u/ou and a doubled letter are how one name is spelled twice; b against j makes another name
    const variant = model.probability(segmentWord('mahmoud'), segmentWord('mahmud'), 0.85);
    const other = model.probability(segmentWord('mahboub'), segmentWord('mahjoub'), 0.85);
    expect(variant).toBeGreaterThan(0.8);
    expect(other).toBeLessThan(0.5);
    // and the comparison keeps a joined article out of the judgement (either reading of Albaghdadi is tried)
    expect(score('Albaghdadi', 'Baghdadi')).toBeGreaterThan(0.95);
  });

  it('is learned from the learning part only: the committed weights are what the training script derives', async () => {
    if (!existsSync(dataDir)) throw new Error(`name data missing: expected ${dataDir} (../shared/data beside the project)`);
    const { trainPairModel, trainingPairs } = await import('../../../bench/names/train-pair-model');
    const committed = JSON.parse(readFileSync(new URL('./names.pairmodel.json', import.meta.url), 'utf8')) as PairModelFile;
    const built = trainPairModel(trainingPairs());
    expect(built.description).toBe(committed.description);
    expect(Object.keys(built.weights).sort()).toEqual(Object.keys(committed.weights).sort());
    for (const [f, w] of Object.entries(committed.weights)) expect(built.weights[f]).toBeCloseTo(w, 3);
  }, 120_000);
});

/**
 * Issue 15 (4): across scripts the consonant skeleton alone made ليلى = Ali (both `l`), احمد = Hamid and حسين = Hasan
 * (1.00), where the same names in Latin letters are told apart. A known Arabic word is now read through its known
 * Latin spellings, a known Latin spelling through its Arabic word, letters (long vowels too) compared.
 */
describe('cross-script comparison is as strict as Latin comparison', () => {
  const part = (a: string, b: string) => partSimilarity(prepareName(a).tokens[0]!, prepareName(b).tokens[0]!);

  it('tells apart different names written in different scripts', () => {
    for (const [arabic, latin, sameInLatin] of [
      ['ليلى', 'Ali', 'Leila'],
      ['حسين', 'Hasan', 'Hussein'],
      ['ليلى', 'Allah', 'Leila'],
    ] as const) {
      // not a clean match (0.75 is where an aligned part stops being a conflict), and no closer than in Latin + 0.15
      expect(part(arabic, latin), `${arabic} / ${latin}`).toBeLessThan(0.75);
      expect(part(arabic, latin)).toBeLessThanOrEqual(part(sameInLatin, latin) + 0.15);
    }
    expect(part('احمد', 'Hamid')).toBeLessThanOrEqual(0.75);
    expect(compareNames('ليلى محمد', 'Ali Mohammed').score).toBeLessThan(0.8);
  });

  it('keeps the same name in both scripts, compounds included', () => {
    for (const [arabic, latin] of [
      ['ليلى', 'Leila'],
      ['ليلى', 'Layla'],
      ['حسين', 'Hussein'],
      ['احمد', 'Ahmed'],
      ['محمد', 'Mohammed'],
      ['عمر', 'Omar'],
      ['سالم', 'Salem'],
    ] as const)
      expect(part(arabic, latin), `${arabic} / ${latin}`).toBeGreaterThanOrEqual(0.95);
    expect(compareNames('فیض الله خان نورزی', 'Hajji Faizullah Khan NOORZAI').score).toBeGreaterThan(0.9);
  });
});

describe('one differing part inside otherwise equal names (SCORING.partContradiction, off by default)', () => {
  // the rule as measured (docs/names.md): switched on for these cases, the committed default restored after each
  const saved = SCORING.partContradiction;
  beforeEach(() => {
    SCORING.partContradiction = 0.25;
  });
  afterEach(() => {
    SCORING.partContradiction = saved;
  });

  it('is off by default', () => {
    expect(saved).toBe(0);
  });

  it('weighs a part that is another word (a different first consonant) as a partial contradiction', () => {
    // Mohamed / Ahmed and Kadyrov / Aselderov are alike as spellings (0.78-0.79) but begin with different consonants
    expect(compareNames('Mohamed Ali Hassan', 'Ahmed Ali Hassan').score).toBeLessThan(0.75);
    expect(compareNames('Mohamed Ali', 'Ahmed Ali').score).toBeLessThan(0.75);
    expect(compareNames('Ramzan Akhmatovich Kadyrov', 'Ramzan Akhmatovich Aselderov').score).toBeLessThan(0.9);
    const differing = compareNames('Mohamed Ali Hassan', 'Ahmed Ali Hassan').explanation.parts.find((p) => p.role === 'given');
    expect(differing?.similarity).toBeGreaterThan(0.75);
  });

  it('leaves respellings of a part alone', () => {
    expect(compareNames('Abd al-Rahman Ali', 'Abdurrahman Ali').score).toBeGreaterThan(0.95);
    expect(compareNames('Ibrahim Awad Ibrahim al-Badri', 'Ibrahim Awwad Ibrahim Ali al-Badri al-Samarrai').score).toBeGreaterThan(0.85);
    expect(compareNames('Mohammed Ali Hassan', 'Muhammad Ali Hasan').score).toBeGreaterThan(0.95);
  });
});
