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

/** A Latin word read for the model: its text and its consonants with the vowels after each. */
export interface SegmentedWord {
  readonly text: string;
  readonly onset: string;
  readonly segments: readonly LatinSegment[];
  readonly consonants: readonly string[];
}

export function segmentWord(text: string): SegmentedWord {
  const { onset, segments } = latinSegments(text);
  return { text, onset, segments, consonants: segments.map((s) => s.consonant) };
}

/** Shape of names.pairmodel.json. */
export interface PairModelFile {
  description: string;
  /** feature name -> weight; a feature not listed weighs 0 */
  weights: Record<string, number>;
}

type Emit = (feature: string, value: number) => void;

const sub = (x: string, y: string) => (x === y ? 0 : (DEFAULT_COSTS.sub.get(x + y) ?? 1));
const indel = (x: string) => DEFAULT_COSTS.indel.get(x) ?? 1;
/** The two values in a fixed order, so that a feature does not depend on which word came first. */
const pairKey = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);
const runClass = (run: string) => (run === '' ? '0' : vowelClass(run));

/**
 * Emits the features of two segmented words (see the file comment). `baseSimilarity` is the hand-set similarity of
 * the two spellings. The words are taken in a fixed order, so the features (and the probability) are symmetric.
 */
export function pairFeatures(first: SegmentedWord, second: SegmentedWord, baseSimilarity: number, emit: Emit): void {
  const [a, b] = first.text <= second.text ? [first, second] : [second, first];
  emit('bias', 1);
  emit('s0', baseSimilarity);
  if (a.onset !== b.onset) {
    emit('on:' + pairKey(a.onset.slice(0, 2), b.onset.slice(0, 2)), 1);
    emit('onc:' + pairKey(runClass(a.onset), runClass(b.onset)), 1);
  }
  const vowels = (x: string, y: string, final: boolean) => {
    if (x === y) {
      emit('veq', 1);
      return;
    }
    const pos = final ? 'F' : 'M';
    emit('vdiff', 1);
    emit(`vr${pos}:` + pairKey(x.slice(0, 3), y.slice(0, 3)), 1);
    emit(`vc${pos}:` + pairKey(runClass(x), runClass(y)), 1);
    emit('vf:' + pairKey(x[0] ?? '0', y[0] ?? '0'), 1);
    emit('vl:' + pairKey(x[x.length - 1] ?? '0', y[y.length - 1] ?? '0'), 1);
  };
  const dropped = (s: LatinSegment) => {
    emit('cd:' + s.consonant, 1);
    emit('cdv:' + runClass(s.vowels), 1);
    emit('cdcost', indel(s.consonant));
  };
  const n = a.segments.length;
  const m = b.segments.length;
  for (const { i, j } of alignClasses(a.consonants, b.consonants)) {
    if (i < 0) {
      dropped(b.segments[j]!);
      continue;
    }
    if (j < 0) {
      dropped(a.segments[i]!);
      continue;
    }
    const x = a.segments[i]!;
    const y = b.segments[j]!;
    if (x.consonant !== y.consonant) {
      emit('cs:' + pairKey(x.consonant, y.consonant), 1);
      emit('cscost', sub(x.consonant, y.consonant));
    }
    if (x.doubled !== y.doubled) emit('gem', 1);
    vowels(x.vowels, y.vowels, i === n - 1 && j === m - 1);
  }
  emit('lendiff', Math.abs(a.text.length - b.text.length) / 4);
}

export class PairModel {
  private readonly weights: Map<string, number>;

  constructor(file: PairModelFile) {
    this.weights = new Map(Object.entries(file.weights));
  }

  /** Probability that the two spellings are one name. */
  probability(a: SegmentedWord, b: SegmentedWord, baseSimilarity: number): number {
    let z = 0;
    pairFeatures(a, b, baseSimilarity, (f, v) => {
      z += (this.weights.get(f) ?? 0) * v;
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
