/**
 * A learned judgement on two Latin spellings of one name part: are they one Arabic name written two ways (Souad /
 * Suad, Mohamed / Muhammad) or two different names that look as alike (Souad / Saoud, Mahboub / Mahjoub)?
 *
 * The hand-set similarity (skeleton, vowel slots, endings) sees how far apart two spellings are; this model sees
 * *which* differences they have. The two words are read as consonants with the vowels written after each
 * (`latinSegments`), the consonants aligned under the skeleton costs, and every difference becomes a feature: which
 * vowels stand against which in each slot (first and last letters of the runs, their classes, raw runs), which
 * consonants are substituted or dropped and at what cost, doubled letters, leading vowels, the length difference,
 * and the hand-set similarity itself. A logistic regression over these features gives the probability that the two
 * spellings are one name.
 *
 * The weights (names.pairmodel.json) are learned by bench/names/train-pair-model.ts from pairs built by the
 * evaluation's own rules on the LEARNING part of the name data only (see docs/names.md); held-out and tuning words
 * are never seen. Pure; the weights are read once.
 */
import { readFileSync } from 'node:fs';
import { latinSegments, vowelClass, type LatinSegment } from './names.latin';
import { alignClasses, DEFAULT_COSTS } from './names.similarity';

// Feature values (vowel runs, classes, letters, consonant classes) are interned as small numbers, so that a feature is
// looked up by a number (its kind and the unordered pair of its values) and not by a string built for every pair.
// Words are Latin letters read by latinSegments: the values are a few hundred at most.
const NO_ATOM = -1;
const ATOM_LIMIT = 1 << 12;
const atomIds = new Map<string, number>();
const atomTexts: string[] = [];
function atom(text: string): number {
  let id = atomIds.get(text);
  if (id === undefined) {
    // (cannot happen with Latin letters; keeps feature numbers apart whatever comes)
    if (atomTexts.length >= ATOM_LIMIT - 2) return ATOM_LIMIT - 2;
    id = atomTexts.length;
    atomIds.set(text, id);
    atomTexts.push(text);
  }
  return id;
}

/** The kinds of features; a feature is a kind with none, one or an unordered pair of values. */
const KINDS = [
  'bias',
  's0',
  'on',
  'onc',
  'veq',
  'vdiff',
  'vrF',
  'vrM',
  'vcF',
  'vcM',
  'vf',
  'vl',
  'cd',
  'cdv',
  'cdcost',
  'cs',
  'cscost',
  'gem',
  'lendiff',
] as const;
type Kind = (typeof KINDS)[number];
const KIND: Record<Kind, number> = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<Kind, number>;

/** The number of a feature: its kind and its values, the pair unordered (Souad / Saoud is Saoud / Souad). */
function featureKey(kind: number, a: number, b: number): number {
  const lo = a < b ? a : b;
  const hi = a < b ? b : a;
  return (kind * ATOM_LIMIT + (lo + 1)) * ATOM_LIMIT + (hi + 1);
}

/** The name of a feature as the weights file writes it: `kind`, `kind:x` or `kind:x|y` (x before y). */
function featureName(kind: number, a: number, b: number): string {
  const k = KINDS[kind]!;
  if (a === NO_ATOM) return k;
  if (b === NO_ATOM) return `${k}:${atomTexts[a]}`;
  const x = atomTexts[a]!;
  const y = atomTexts[b]!;
  return x < y ? `${k}:${x}|${y}` : `${k}:${y}|${x}`;
}

function parseFeatureName(name: string): number | null {
  const colon = name.indexOf(':');
  const kind = KIND[(colon < 0 ? name : name.slice(0, colon)) as Kind];
  if (kind === undefined) return null;
  if (colon < 0) return featureKey(kind, NO_ATOM, NO_ATOM);
  const values = name.slice(colon + 1).split('|');
  return featureKey(kind, atom(values[0]!), values.length > 1 ? atom(values[1]!) : NO_ATOM);
}

/** A segment with its values interned: the vowels (first 3 letters), their class, first and last vowel, consonant. */
interface SegmentAtoms {
  vowels: string;
  run: number;
  runClass: number;
  first: number;
  last: number;
  consonant: number;
  doubled: boolean;
}

/** A Latin word read for the model: its text and its consonants with the vowels after each. */
export interface SegmentedWord {
  readonly text: string;
  readonly onset: string;
  readonly onsetAtom: number;
  readonly onsetClass: number;
  readonly segments: readonly SegmentAtoms[];
  readonly consonants: readonly string[];
}

const runClass = (run: string) => (run === '' ? '0' : vowelClass(run));

export function segmentWord(text: string): SegmentedWord {
  const { onset, segments } = latinSegments(text);
  return {
    text,
    onset,
    onsetAtom: atom(onset.slice(0, 2)),
    onsetClass: atom(runClass(onset)),
    segments: segments.map((s: LatinSegment) => ({
      vowels: s.vowels,
      run: atom(s.vowels.slice(0, 3)),
      runClass: atom(runClass(s.vowels)),
      first: atom(s.vowels[0] ?? '0'),
      last: atom(s.vowels[s.vowels.length - 1] ?? '0'),
      consonant: atom(s.consonant),
      doubled: s.doubled,
    })),
    consonants: segments.map((s) => s.consonant),
  };
}

/** Shape of names.pairmodel.json. */
export interface PairModelFile {
  description: string;
  /** feature name -> weight; a feature not listed weighs 0 */
  weights: Record<string, number>;
}

/** Receives each feature: its kind, its values (NO_ATOM for none) and its value. */
type EmitKeyed = (kind: number, a: number, b: number, value: number) => void;

const sub = (x: string, y: string) => (x === y ? 0 : (DEFAULT_COSTS.sub.get(x + y) ?? 1));
const indel = (x: string) => DEFAULT_COSTS.indel.get(x) ?? 1;

/**
 * Emits the features of two segmented words (see the file comment). `baseSimilarity` is the hand-set similarity of
 * the two spellings. The words are taken in a fixed order, so the features (and the probability) are symmetric.
 */
function emitFeatures(first: SegmentedWord, second: SegmentedWord, baseSimilarity: number, emit: EmitKeyed): void {
  const [a, b] = first.text <= second.text ? [first, second] : [second, first];
  emit(KIND.bias, NO_ATOM, NO_ATOM, 1);
  emit(KIND.s0, NO_ATOM, NO_ATOM, baseSimilarity);
  if (a.onset !== b.onset) {
    emit(KIND.on, a.onsetAtom, b.onsetAtom, 1);
    emit(KIND.onc, a.onsetClass, b.onsetClass, 1);
  }
  const n = a.segments.length;
  const m = b.segments.length;
  for (const { i, j } of alignClasses(a.consonants, b.consonants)) {
    if (i < 0 || j < 0) {
      const s = i < 0 ? b.segments[j]! : a.segments[i]!;
      emit(KIND.cd, s.consonant, NO_ATOM, 1);
      emit(KIND.cdv, s.runClass, NO_ATOM, 1);
      emit(KIND.cdcost, NO_ATOM, NO_ATOM, indel(i < 0 ? b.consonants[j]! : a.consonants[i]!));
      continue;
    }
    const x = a.segments[i]!;
    const y = b.segments[j]!;
    if (x.consonant !== y.consonant) {
      emit(KIND.cs, x.consonant, y.consonant, 1);
      emit(KIND.cscost, NO_ATOM, NO_ATOM, sub(a.consonants[i]!, b.consonants[j]!));
    }
    if (x.doubled !== y.doubled) emit(KIND.gem, NO_ATOM, NO_ATOM, 1);
    if (x.vowels === y.vowels) {
      emit(KIND.veq, NO_ATOM, NO_ATOM, 1);
    } else {
      const final = i === n - 1 && j === m - 1;
      emit(KIND.vdiff, NO_ATOM, NO_ATOM, 1);
      emit(final ? KIND.vrF : KIND.vrM, x.run, y.run, 1);
      emit(final ? KIND.vcF : KIND.vcM, x.runClass, y.runClass, 1);
      emit(KIND.vf, x.first, y.first, 1);
      emit(KIND.vl, x.last, y.last, 1);
    }
  }
  emit(KIND.lendiff, NO_ATOM, NO_ATOM, Math.abs(a.text.length - b.text.length) / 4);
}

/** The features of two segmented words by name (for training; the model itself looks them up by number). */
export function pairFeatures(first: SegmentedWord, second: SegmentedWord, baseSimilarity: number, emit: (feature: string, value: number) => void): void {
  emitFeatures(first, second, baseSimilarity, (kind, a, b, value) => emit(featureName(kind, a, b), value));
}

export class PairModel {
  private readonly weights = new Map<number, number>();

  constructor(file: PairModelFile) {
    for (const [name, w] of Object.entries(file.weights)) {
      const key = parseFeatureName(name);
      if (key !== null) this.weights.set(key, w);
    }
  }

  /** Probability that the two spellings are one name. */
  probability(a: SegmentedWord, b: SegmentedWord, baseSimilarity: number): number {
    let z = 0;
    emitFeatures(a, b, baseSimilarity, (kind, x, y, value) => {
      const w = this.weights.get(featureKey(kind, x, y));
      if (w !== undefined) z += w * value;
    });
    return 1 / (1 + Math.exp(-z));
  }

  get size(): number {
    return this.weights.size;
  }
}

let cached: PairModel | null = null;

/** The committed model (read on first use). */
export function defaultPairModel(): PairModel {
  if (cached === null) {
    const url = new URL('./names.pairmodel.json', import.meta.url);
    cached = new PairModel(JSON.parse(readFileSync(url, 'utf8')) as PairModelFile);
  }
  return cached;
}
