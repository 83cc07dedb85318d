/**
 * The in-memory index of every name of every active list entry, and the search of one person against it (pure: no
 * I/O). No full cross product: a person's name is compared only with list names that share blocking keys of the
 * names module with two of its parts, whose entry's birth can be the person's, and only when an upper bound of the
 * names score, from the similarity of each pair of parts (read from the names module part by part, heaviest first,
 * and remembered per pair of distinct parts), still lets the pair reach the threshold. The bound does not assume that
 * parts sharing no key cannot align: the keys miss some spellings (ض written z: Faizullah / فيض الله). The same document
 * number makes an entry a candidate whatever the names. `exhaustive` compares every name with every name, for the
 * benchmark's check that blocking loses no hit.
 */
import { blockingKeys, comparePreparedNames, partSimilarity, prepareName, SCORING, type PreparedName, type PreparedToken } from '../names';
import {
  birthEvidence,
  documentEvidence,
  documentKey,
  nationalityEvidence,
  strongParts,
  isCommonName,
  qualityFactor,
  SCREENING_RULES,
  structureFactor,
  strengthOf,
  screeningFusion,
  queuesPair,
  birthAdjustment,
  birthOutcomeDays,
  dayNumber,
  nationalityAdjustment,
  entrySex,
  sexAdjustment,
  sexEvidence,
  type NationalityOutcome,
  type PairEvidence,
  type ScreenPerson,
} from './screening.domain';
import type { WatchEntry } from './screening.lists';
import { isKnownCountryCode } from './screening.countries';

export interface IndexedEntry {
  /** Database id of the entry. */
  id: string;
  source: string;
  screenHash: string;
  entry: WatchEntry;
}

interface IndexedName {
  entry: number;
  name: number;
  prepared: PreparedName;
  /** interned blocking keys of each token */
  keyIds: Int32Array[];
  total: number;
  /** role weight of each token, and which tokens have no blocking key (a laqab, an initial) */
  weights: Float64Array;
  /** the quality factor of the name (a weak alias counts less) */
  quality: number;
  /** ids of its parts in `PartSimilarities` */
  partIds: Int32Array;
}

export interface Candidate {
  entry: IndexedEntry;
  evidence: PairEvidence;
}

export interface MatchStats {
  /** list names whose blocking keys met the person's */
  blocked: number;
  /** of them, compared by the names module (the rest could not reach the threshold) */
  compared: number;
}

const MAX_TOKENS = 30;
/**
 * Birth windows of the postings: a year (365.25 days) per window, from 1870; the last window holds the entries that
 * give no date of birth. See `WatchlistIndex.pairs`.
 */
const YEAR_DAYS = 365.25;
const FIRST_YEAR_DAY = -100 * YEAR_DAYS;
const UNDATED = 1023;
/** A person whose birth range spans more windows than this is looked up in the postings of every birth. */
const MAX_PERSON_WINDOWS = 6;

function birthWindow(day: number): number {
  return Math.floor((day - FIRST_YEAR_DAY) / YEAR_DAYS);
}
/** The most that birth and nationality can add to a names score. */
const MAX_BONUS = SCREENING_RULES.birth.match + SCREENING_RULES.nationality.shared + SCREENING_RULES.sex.same;

/**
 * Typographic ain/hamza marks (‘Ubayd, Juday’) become plain apostrophes before a name is read: the names module takes
 * curly quotes for quotation marks and would read the whole name as an epithet, with no blocking keys (seen in the UN
 * list: "‘ABD AL-RAHMAN KHALAF ‘UBAYD JUDAY’ AL-‘ANIZI").
 */
export function screeningName(full: string): string {
  return full.replace(/[\u2018\u2019\u02BB\u02BC\u02BE\u02BF\u0060\u00B4]/g, "'").trim();
}

function tokenKeys(p: PreparedName): string[][] {
  return p.tokens.map((t) => blockingKeys({ ...p, tokens: [t] }));
}

function weightsOf(p: PreparedName): Float64Array {
  return Float64Array.from(p.tokens.slice(0, MAX_TOKENS).map((t) => SCORING.roleWeights[t.role] ?? 0.5));
}

const PAIR_SHIFT = 1_048_576;
/** A pair of key ids while the index is built (the key count is not known yet). */
function pairKey(a: number, b: number): number {
  return a < b ? a * PAIR_SHIFT + b : b * PAIR_SHIFT + a;
}

/**
 * The similarity the names module gives two parts (`partSimilarity`: parts are aligned on it whatever the rest of the
 * names, docs/names.md). Each distinct part gets an id (by everything the module knows of it), and each pair of parts
 * is compared once, then remembered: the registry's distinct parts are some thousands, the lists' some ten thousands.
 * One memory serves every index of the process (`PartSimilarities.shared`), so a list update or the next re-screen
 * finds the pairs the last one compared.
 */
export class PartSimilarities {
  private readonly ids = new Map<string, number>();
  private readonly parts: PreparedToken[] = [];
  /** part id -> (part id -> similarity), the smaller id first */
  private readonly rows = new Map<number, Map<number, number>>();
  private size = 0;
  /** pairs remembered at most (about 40 bytes each); past it the memory starts again */
  private static readonly LIMIT = 2_000_000;
  static readonly shared = new PartSimilarities();

  /**
   * Everything the module knows of a part but its role (a part's similarity does not depend on its role); the test
   * `screening.matcher.test.ts` fails when the names module gives parts a field this does not list.
   */
  static signature(t: PreparedToken): string {
    return `${t.text}\u0001${t.kind}\u0001${t.script}\u0001${t.core}\u0001${t.end}\u0001${t.initial ? 1 : 0}\u0001${t.article ? 1 : 0}\u0001${t.skeletons.join(',')}\u0001${t.vowelSkeletons.join(',')}\u0001${t.groups.join(',')}\u0001${t.keys.join(',')}\u0001${t.segmented.map((w) => w.text).join(',')}\u0001${t.latinForms.join(',')}\u0001${t.arabicForms.join(',')}`;
  }
  static readonly SIGNED_FIELDS = [
    'text',
    'kind',
    'role',
    'article',
    'script',
    'skeletons',
    'vowelSkeletons',
    'core',
    'keys',
    'groups',
    'initial',
    'end',
    'segmented',
    'latinForms',
    'arabicForms',
  ];

  /** The id of a part (of a person's name or of a list name). */
  part(t: PreparedToken): number {
    const sig = PartSimilarities.signature(t);
    let id = this.ids.get(sig);
    if (id === undefined) {
      id = this.parts.length;
      this.ids.set(sig, id);
      this.parts.push(t);
    }
    return id;
  }

  /** Upper bound of the similarity of parts `a` and `b`; 0 when the two cannot be aligned. */
  get(a: number, b: number): number {
    const lo = a < b ? a : b;
    const hi = a < b ? b : a;
    let row = this.rows.get(lo);
    if (row === undefined) this.rows.set(lo, (row = new Map()));
    let s = row.get(hi);
    if (s === undefined) {
      if (this.size >= PartSimilarities.LIMIT) {
        this.rows.clear();
        this.size = 0;
        this.rows.set(lo, (row = new Map()));
      }
      const x = this.parts[lo]!;
      const y = this.parts[hi]!;
      // symmetric (the test checks it): one order suffices; 0 for parts of different kinds (Abd al-X, Abu X, a plain
      // name). A comparison's explanation rounds similarities to 3 decimals: the margin keeps the bound above them.
      s = partSimilarity(x, y) + 0.0005;
      if (s < SCORING.alignThreshold) s = 0;
      row.set(hi, s);
      this.size++;
    }
    return s;
  }
}

/**
 * Whether the names module can score two names at least `target`, given for each part the best similarity it can have
 * with a part of the other name (0: it cannot align). The score is sum(w s) / (sum(w g(s)) + penalties) over aligned
 * pairs, w the mean role weight of the pair, g(s) >= 1 the conflict of a weak alignment, penalties at least
 * `missingPenalty` x the weight of every unaligned part (docs/names.md). Splitting each pair's w between its two
 * parts, every part either aligns at its best similarity or not at all, and a ratio N/D can reach t exactly when
 * N - t D >= 0 for some choice: each part takes the better of its two terms. This bounds every one-to-one alignment;
 * times the screening factor for a single aligned part when fewer than two parts on a side can align.
 */
function canReach(wa: Float64Array, bestA: Float64Array, n: number, wb: Float64Array, bestB: Float64Array, m: number, target: number): boolean {
  let canA = 0;
  let canB = 0;
  for (let i = 0; i < n; i++) if (bestA[i]! > 0) canA++;
  for (let j = 0; j < m; j++) if (bestB[j]! > 0) canB++;
  // nothing aligned: the module's score is 0.4 x the best similarity
  if (0.4 * SCREENING_RULES.singlePartFactor >= target) return true;
  if (canA === 0 || canB === 0) return false;
  const t = Math.min(canA, canB) < 2 ? target / SCREENING_RULES.singlePartFactor : target;
  if (t > 1) return false;
  const P = SCORING.missingPenalty;
  let sum = 0;
  for (let side = 0; side < 2; side++) {
    const w = side === 0 ? wa : wb;
    const best = side === 0 ? bestA : bestB;
    const len = side === 0 ? n : m;
    for (let i = 0; i < len; i++) {
      const wi = w[i]!;
      const s = best[i]!;
      const unaligned = -t * P * wi;
      const aligned = s > 0 ? (wi / 2) * (s - t * conflictOf(s)) : -Infinity;
      sum += aligned > unaligned ? aligned : unaligned;
    }
  }
  return sum >= -1e-12;
}

function conflictOf(s: number): number {
  const c = (SCORING.matchThreshold - s) / (SCORING.matchThreshold - SCORING.alignThreshold);
  return 1 + SCORING.contradictionPenalty * (c < 0 ? 0 : c > 1 ? 1 : c);
}

// scratch of `canReachResolved`: best similarity of each part (NaN: not known yet, counted as 1)
const knownA = new Float64Array(MAX_TOKENS);
const knownB = new Float64Array(MAX_TOKENS);
const boundA = new Float64Array(MAX_TOKENS);
const boundB = new Float64Array(MAX_TOKENS);

export interface PreparedPerson {
  person: ScreenPerson;
  names: { full: string; prepared: PreparedName; keys: string[][]; weights: Float64Array }[];
  documentKeys: string[];
}

export function preparePerson(person: ScreenPerson): PreparedPerson {
  const seen = new Set<string>();
  const names: PreparedPerson['names'] = [];
  for (const full of person.names) {
    const f = screeningName(full);
    if (!f || seen.has(f)) continue;
    seen.add(f);
    const prepared = prepareName(f);
    if (prepared.tokens.length === 0) continue;
    const keys = tokenKeys(prepared);
    names.push({ full: f, prepared, keys, weights: weightsOf(prepared) });
  }
  const documentKeys = [...new Set(person.documents.map((d) => documentKey(d.number)))].filter((k) => k.length >= SCREENING_RULES.document.minLength);
  return { person, names, documentKeys };
}

/** The reasons, in words, why a pair's strength is below its names' similarity: shown on the officer's card. */
function notesOf(
  b: { strong: number; commonOnly: boolean; sexDiffers: boolean; cmp: ReturnType<typeof comparePreparedNames> } | null,
  quality: WatchEntry['names'][number]['quality'] | null,
  sex: PairEvidence['sex'],
  birth: PairEvidence['birth']['outcome'],
): string[] {
  const out: string[] = [];
  if (b) {
    if (b.strong < 2) out.push('fewer than two name parts agree closely: one name does not make a match');
    else if (structureFactor(b.strong, b.cmp.explanation.parts) < 1) out.push('two name parts agree, and both names have further parts the other lacks');
    if (b.commonOnly) out.push(`only common names agree${birth === 'match' ? '' : ', and the birth does not confirm them'}`);
    if (qualityFactor(quality ?? null) < 1) out.push('matched through a weak alias');
    if (b.sexDiffers) out.push(`the sex differs and fewer than ${SCREENING_RULES.sexDiffersParts} name parts agree closely`);
  }
  if (sex.outcome === 'differs')
    out.push(`sex differs: person ${sex.person}, list entry ${sex.entry} (${sex.entrySource === 'list' ? 'from the list' : 'from its names'})`);
  if (birth === 'differs' || birth === 'near') out.push(birth === 'differs' ? 'the births differ' : 'the births are close but do not overlap');
  return out;
}

export class WatchlistIndex {
  readonly entries: readonly IndexedEntry[];
  private readonly names: IndexedName[] = [];
  private readonly keyIds = new Map<string, number>();
  /** similarities of the registry's parts with the list's (shared by every index of the process) */
  readonly partSims: PartSimilarities;
  /**
   * An unordered pair of keys of two different parts (`a * keyCount + b`, a <= b: a small integer, fast as a map key)
   * -> the names that have it: all of them, and the same split by the entry's birth: window -> names whose entry has
   * a date of birth within `SCREENING_RULES.birth.nearDays` of that year (or no date at all: window UNDATED). A person
   * born in a known year reads only the windows of that year: an entry born further away "differs" on birth, and with
   * the rules as they are such a pair cannot reach the threshold whatever the names (checked in `personWindows`). The
   * list names of common words (Mohammed + Ali) are spread over eighty years of births, so a person meets a few of
   * them instead of all.
   */
  private readonly pairs = new Map<number, number>();
  private keyCount = 0;
  // The postings, flat (a few typed arrays for the whole index rather than one per pair and window, which took most
  // of the index's build time in allocation and garbage collection). Pair slot s:
  //  - all its names: allNames[allStart[s] .. allStart[s + 1]);
  //  - its birth windows: runs runFrom[s] .. runFrom[s + 1], run r = window runWindow[r] with the names
  //    windowNames[runStart[r] .. runStart[r + 1]).
  private allNames = new Int32Array(0);
  private allStart = new Int32Array(1);
  private runFrom = new Int32Array(1);
  private runWindow = new Int32Array(0);
  private runStart = new Int32Array(1);
  private windowNames = new Int32Array(0);
  /** a key -> (name, part) postings, sorted by the weight of the name's other parts (ascending) */
  private singles = new Map<number, { names: Int32Array; rest: Float64Array }>();
  private readonly byDocument = new Map<string, number[]>();
  private readonly namesOfEntry: number[][] = [];
  /** per entry: its birth ranges as day numbers, and whether its nationalities are known ISO codes */
  private readonly birthDays: Float64Array[] = [];
  private readonly knownNationalities: string[][] = [];
  /** per entry: its sex from the list or its names ('' when unknown) */
  private readonly sexes: string[] = [];
  /** per entry, per search: the birth + nationality adjustment (NaN = not computed in this search) */
  private bonus: Float64Array = new Float64Array(0);
  // scratch, reused per search
  private maskA: Uint8Array = new Uint8Array(0);

  constructor(entries: readonly IndexedEntry[], partSims: PartSimilarities = PartSimilarities.shared) {
    this.partSims = partSims;
    const singleLists = new Map<number, { name: number; rest: number }[]>();
    const pairLists = new Map<number, number[]>();
    const windowsOfEntry: number[][] = [];
    this.entries = entries.filter((e) => e.entry.kind === 'individual');
    this.entries.forEach((ie, ei) => {
      const list: number[] = [];
      this.namesOfEntry.push(list);
      this.birthDays.push(Float64Array.from(ie.entry.births.flatMap((b) => [dayNumber(b.from), dayNumber(b.to)])));
      this.knownNationalities.push(ie.entry.nationalities.filter(isKnownCountryCode));
      this.sexes.push(entrySex(ie.entry).sex ?? '');
      windowsOfEntry.push(this.entryWindows(ei));
      const seen = new Set<string>();
      ie.entry.names.forEach((n, ni) => {
        const f = screeningName(n.full);
        if (seen.has(f)) return;
        seen.add(f);
        const prepared = prepareName(f);
        if (prepared.tokens.length === 0) return;
        const keys = tokenKeys(prepared);
        const idx = this.names.length;
        const w = weightsOf(prepared);
        const keyIds = keys.slice(0, MAX_TOKENS).map((ks) => Int32Array.from(ks.map((k) => this.intern(k))));
        const total = w.reduce((a, b) => a + b, 0);
        const partIds = Int32Array.from(prepared.tokens.slice(0, MAX_TOKENS).map((t) => this.partSims.part(t)));
        this.names.push({ entry: ei, name: ni, prepared, keyIds, total, weights: w, quality: qualityFactor(n.quality), partIds });
        list.push(idx);
        const pairSet = new Set<number>();
        for (let i = 0; i < keyIds.length; i++) {
          for (const k of keyIds[i]!) {
            let p = singleLists.get(k);
            if (!p) singleLists.set(k, (p = []));
            p.push({ name: idx, rest: total - w[i]! });
            for (let j = i + 1; j < keyIds.length; j++) for (const k2 of keyIds[j]!) pairSet.add(pairKey(k, k2));
          }
        }
        for (const pk of pairSet) {
          let p = pairLists.get(pk);
          if (!p) pairLists.set(pk, (p = []));
          p.push(idx);
        }
      });
      for (const d of ie.entry.documents) {
        if (d.key.length < SCREENING_RULES.document.minLength) continue;
        let p = this.byDocument.get(d.key);
        if (!p) this.byDocument.set(d.key, (p = []));
        if (!p.includes(ei)) p.push(ei);
      }
    });
    this.keyCount = this.keyIds.size;
    this.flattenPairs(pairLists, windowsOfEntry);
    for (const [k, list] of singleLists) {
      list.sort((a, b) => a.rest - b.rest);
      this.singles.set(k, { names: Int32Array.from(list.map((x) => x.name)), rest: Float64Array.from(list.map((x) => x.rest)) });
    }
    this.maskA = new Uint8Array(this.names.length);
    this.bonus = new Float64Array(this.entries.length).fill(NaN);
  }

  private flattenPairs(pairLists: Map<number, number[]>, windowsOfEntry: number[][]): void {
    const slots = pairLists.size;
    let totalAll = 0;
    let totalWindowed = 0;
    let longest = 0;
    for (const list of pairLists.values()) {
      totalAll += list.length;
      let n = 0;
      for (const ni of list) n += windowsOfEntry[this.names[ni]!.entry]!.length;
      totalWindowed += n;
      if (n > longest) longest = n;
    }
    this.allNames = new Int32Array(totalAll);
    this.allStart = new Int32Array(slots + 1);
    this.windowNames = new Int32Array(totalWindowed);
    this.runFrom = new Int32Array(slots + 1);
    const runWindow: number[] = [];
    const runStart: number[] = [];
    // (window, name) of one pair, as window * nameCount + name: sorted, they give the runs in window order, names
    // ascending within a run (the order of the names in `all`)
    const nameCount = this.names.length;
    const scratch = new Float64Array(longest);
    let slot = 0;
    let a0 = 0;
    let w0 = 0;
    for (const [pk, list] of pairLists) {
      const a = Math.floor(pk / PAIR_SHIFT);
      this.pairs.set(this.pairId(a, pk - a * PAIR_SHIFT), slot);
      this.allStart[slot] = a0;
      this.runFrom[slot] = runWindow.length;
      let n = 0;
      for (const ni of list) {
        this.allNames[a0++] = ni;
        for (const w of windowsOfEntry[this.names[ni]!.entry]!) scratch[n++] = w * nameCount + ni;
      }
      const tuples = scratch.subarray(0, n).sort();
      let last = -1;
      for (let q = 0; q < n; q++) {
        const t = tuples[q]!;
        const w = Math.floor(t / nameCount);
        if (w !== last) {
          runWindow.push(w);
          runStart.push(w0);
          last = w;
        }
        this.windowNames[w0++] = t - w * nameCount;
      }
      slot++;
    }
    this.allStart[slot] = a0;
    this.runFrom[slot] = runWindow.length;
    runStart.push(w0);
    this.runWindow = Int32Array.from(runWindow);
    this.runStart = Int32Array.from(runStart);
  }

  /** Whether a part of a list name is common on the lists (by any of its skeletons). */
  private isCommonPart(n: IndexedName, text: string | undefined): boolean {
    if (text === undefined) return false;
    const t = n.prepared.tokens.find((x) => x.text === text);
    return t !== undefined && isCommonName(t);
  }

  /** The birth windows an entry is posted under: every year within `nearDays` of one of its dates, or UNDATED. */
  private entryWindows(ei: number): number[] {
    const days = this.birthDays[ei]!;
    if (days.length === 0) return [UNDATED];
    const near = SCREENING_RULES.birth.nearDays;
    const out = new Set<number>();
    for (let i = 0; i < days.length; i += 2) {
      const from = Math.max(0, birthWindow(days[i]! - near));
      const to = Math.min(UNDATED - 1, birthWindow(days[i + 1]! + near));
      for (let w = from; w <= to; w++) out.add(w);
    }
    return out.size > 0 ? [...out] : [UNDATED];
  }

  /**
   * The birth windows to read for a person, or null to read the postings of every birth: when the birth is unknown
   * or spans many years, or when the rules would let a pair whose births differ still reach the threshold.
   */
  private personWindows(person: ScreenPerson, threshold: number): number[] | null {
    const r = SCREENING_RULES;
    // the most a pair can score when the births differ: a names score of 1, a shared nationality and sex
    if (1 + r.birth.differs + r.nationality.shared + r.sex.same >= threshold) return null;
    const from = dayNumber(person.birthFrom);
    const to = dayNumber(person.birthTo);
    if (Number.isNaN(from) || Number.isNaN(to)) return null;
    const a = birthWindow(from);
    const b = birthWindow(to);
    if (a < 0 || b >= UNDATED || b < a || b - a >= MAX_PERSON_WINDOWS) return null;
    const out = [UNDATED];
    for (let w = a; w <= b; w++) out.push(w);
    return out;
  }

  private pairId(a: number, b: number): number {
    return a < b ? a * this.keyCount + b : b * this.keyCount + a;
  }

  private intern(key: string): number {
    let id = this.keyIds.get(key);
    if (id === undefined) this.keyIds.set(key, (id = this.keyIds.size));
    return id;
  }

  /** Interned keys of a person's name parts (-1 for a key no list name has). */
  private personKeyIds(keys: string[][]): Int32Array[] {
    return keys.slice(0, MAX_TOKENS).map((ks) => Int32Array.from(ks.map((k) => this.keyIds.get(k) ?? -1)));
  }

  /**
   * List names worth comparing with this person's name: those sharing keys with two different parts of it (a pair
   * of keys), and those sharing a key with one part whose other parts weigh little enough that the one part could
   * still carry the names score to the threshold (read from the postings sorted by that weight, so the long lists of
   * common names are read only as far as needed).
   */
  private blocked(pk: Int32Array[], weights: Float64Array, floor: number, windows: number[] | null): number[] {
    const seen = this.maskA;
    const out: number[] = [];
    const add = (list: Int32Array, from: number, to: number) => {
      for (let q = from; q < to; q++) {
        const ni = list[q]!;
        if (seen[ni] === 0) {
          seen[ni] = 1;
          out.push(ni);
        }
      }
    };
    for (let i = 0; i < pk.length; i++) {
      for (const k of pk[i]!) {
        if (k < 0) continue;
        for (let j = i + 1; j < pk.length; j++) {
          for (const k2 of pk[j]!) {
            if (k2 < 0) continue;
            const slot = this.pairs.get(this.pairId(k, k2));
            if (slot === undefined) continue;
            if (windows === null) {
              add(this.allNames, this.allStart[slot]!, this.allStart[slot + 1]!);
            } else {
              const from = this.runFrom[slot]!;
              const to = this.runFrom[slot + 1]!;
              for (const w of windows) {
                // the runs of a pair are in window order: binary search
                let lo = from;
                let hi = to;
                while (lo < hi) {
                  const mid = (lo + hi) >>> 1;
                  if (this.runWindow[mid]! < w) lo = mid + 1;
                  else hi = mid;
                }
                if (lo < to && this.runWindow[lo] === w) add(this.windowNames, this.runStart[lo]!, this.runStart[lo + 1]!);
              }
            }
          }
        }
      }
    }
    // one shared part cannot reach the threshold (see SCREENING_RULES.singlePartFactor): pairs of parts suffice
    if (SCREENING_RULES.singlePartFactor < floor) {
      for (const ni of out) seen[ni] = 0;
      return out;
    }
    const totalA = weights.reduce((a, b) => a + b, 0);
    const maxW = Math.max(...Object.values(SCORING.roleWeights));
    const ratio = (1 / floor - 1) / SCORING.missingPenalty;
    for (let i = 0; i < pk.length; i++) {
      const wa = weights[i]!;
      // one aligned part (a, b): score <= x / (x + 0.2 (rest of A + rest of B)) with x <= (wa + maxW) / 2
      const limit = ((wa + maxW) / 2) * ratio - (totalA - wa);
      if (limit < 0) continue;
      for (const k of pk[i]!) {
        if (k < 0) continue;
        const s = this.singles.get(k);
        if (!s) continue;
        let end = 0;
        while (end < s.names.length && s.rest[end]! <= limit + 1e-9) end++;
        add(s.names, 0, end);
      }
    }
    for (const ni of out) seen[ni] = 0;
    return out;
  }

  /** The indexed entry of this database id (candidates found by a worker's copy of the index come back as ids). */
  entryById(id: string): IndexedEntry | undefined {
    this.byId ??= new Map(this.entries.map((e) => [e.id, e]));
    return this.byId.get(id);
  }
  private byId: Map<string, IndexedEntry> | undefined;

  /**
   * Whether the names score of a person's name (its parts `pa`, weights `wa`) and a list name can reach `target`. The
   * best similarity of each part with the other name's parts is read from the names module (remembered per pair of
   * parts), heaviest part first, only as long as the answer may still be yes; parts not read yet count as 1.
   */
  private canReachResolved(pa: Int32Array, wa: Float64Array, n: IndexedName, target: number): boolean {
    const lb = n.partIds;
    const na = Math.min(pa.length, MAX_TOKENS);
    const nb = Math.min(lb.length, MAX_TOKENS);
    knownA.fill(NaN, 0, na);
    knownB.fill(NaN, 0, nb);
    for (;;) {
      let heaviest = -1;
      let heavy = -1;
      for (let i = 0; i < na; i++) {
        const v = knownA[i]!;
        boundA[i] = Number.isNaN(v) ? 1 : v;
        if (Number.isNaN(v) && wa[i]! > heavy) {
          heavy = wa[i]!;
          heaviest = i;
        }
      }
      for (let j = 0; j < nb; j++) {
        const v = knownB[j]!;
        boundB[j] = Number.isNaN(v) ? 1 : v;
        if (Number.isNaN(v) && n.weights[j]! > heavy) {
          heavy = n.weights[j]!;
          heaviest = MAX_TOKENS + j;
        }
      }
      if (!canReach(wa, boundA, na, n.weights, boundB, nb, target)) return false;
      if (heaviest < 0) return true;
      let best = 0;
      if (heaviest < MAX_TOKENS) {
        for (let j = 0; j < nb; j++) best = Math.max(best, this.partSims.get(pa[heaviest]!, lb[j]!));
        knownA[heaviest] = best;
      } else {
        const j = heaviest - MAX_TOKENS;
        for (let i = 0; i < na; i++) best = Math.max(best, this.partSims.get(pa[i]!, lb[j]!));
        knownB[j] = best;
      }
    }
  }

  get nameCount(): number {
    return this.names.length;
  }

  /**
   * The entries this person may be, strongest first: every pair at or above the threshold. With `exhaustive`, every
   * name of every entry is compared (slow; the benchmark's reference).
   */
  search(pp: PreparedPerson, opts: { threshold?: number; exhaustive?: boolean } = {}, stats?: MatchStats): Candidate[] {
    const threshold = opts.threshold ?? SCREENING_RULES.threshold;
    const person = pp.person;
    // per entry: the name evidence found so far (best similarity)
    const best = new Map<
      number,
      {
        sim: number;
        personName: string;
        nameIdx: number;
        cmp: ReturnType<typeof comparePreparedNames>;
        strong: number;
        commonOnly: boolean;
        sexDiffers: boolean;
      }
    >();
    const pf = dayNumber(person.birthFrom);
    const pt = dayNumber(person.birthTo);
    const bonusCache = this.bonus;
    const touchedEntries: number[] = [];
    const sex = (person.sex ?? '').toUpperCase().slice(0, 1);
    const knownSex = sex === 'M' || sex === 'F';
    const bonusOf = (ei: number): number => {
      let b = bonusCache[ei]!;
      if (Number.isNaN(b)) {
        const known = this.knownNationalities[ei]!;
        const nat: NationalityOutcome = person.nationalities.some((c) => known.includes(c))
          ? 'shared'
          : person.nationalities.length > 0 && known.length > 0
            ? 'different'
            : 'unknown';
        const es = this.sexes[ei]!;
        b =
          birthAdjustment(birthOutcomeDays(pf, pt, this.birthDays[ei]!)) +
          nationalityAdjustment(nat) +
          sexAdjustment(!knownSex || es === '' ? 'unknown' : es === sex ? 'same' : 'differs');
        bonusCache[ei] = b;
        touchedEntries.push(ei);
      }
      return b;
    };
    const documentEntries = new Set<number>();
    for (const k of pp.documentKeys) for (const ei of this.byDocument.get(k) ?? []) documentEntries.add(ei);

    const compare = (pn: PreparedPerson['names'][number], ni: number) => {
      const n = this.names[ni]!;
      const cmp = comparePreparedNames(pn.prepared, n.prepared);
      const q = this.entries[n.entry]!.entry.names[n.name]!.quality;
      const strong = strongParts(cmp.explanation.parts);
      let sim = cmp.score * qualityFactor(q) * structureFactor(strong.length, cmp.explanation.parts);
      // only common names agree (the person's part `a`, the list name's `b`) and the birth does not confirm them
      const commonOnly = strong.length > 0 && strong.every((p) => this.isCommonPart(n, p.b)) && birthOutcomeDays(pf, pt, this.birthDays[n.entry]!) !== 'match';
      if (commonOnly) sim *= SCREENING_RULES.commonOnlyFactor;
      // a woman against a man's entry (or the reverse) needs the whole name, not two given names
      const es = this.sexes[n.entry]!;
      const sexDiffers = knownSex && es !== '' && es !== sex && strong.length < SCREENING_RULES.sexDiffersParts;
      if (sexDiffers) sim *= SCREENING_RULES.singlePartFactor;
      const prev = best.get(n.entry);
      if (!prev || sim > prev.sim) best.set(n.entry, { sim, personName: pn.full, nameIdx: ni, cmp, strong: strong.length, commonOnly, sexDiffers });
    };

    if (opts.exhaustive) {
      for (const pn of pp.names) for (let ni = 0; ni < this.names.length; ni++) compare(pn, ni);
    } else {
      // Spellings of one name (Mohammed / Muhammad / محمد) mostly have the same keys and part weights: their blocked
      // list names and bounds are the same, so they are worked out once per group and only the comparisons differ.
      const groups = new Map<string, { pk: Int32Array[]; members: PreparedPerson['names'] }>();
      for (const pn of pp.names) {
        const pk = this.personKeyIds(pn.keys);
        const sig = `${pk.map((k) => k.join(',')).join('|')}/${pn.weights.join(',')}`;
        const g = groups.get(sig);
        if (g) g.members.push(pn);
        else groups.set(sig, { pk, members: [pn] });
      }
      // an entry with the same document number is compared whatever its birth (below): only the others are windowed
      const windows = documentEntries.size > 0 ? null : this.personWindows(person, threshold);
      for (const { pk, members } of groups.values()) {
        const first = members[0]!;
        const touched = this.blocked(pk, first.weights, threshold - MAX_BONUS, windows);
        if (stats) stats.blocked += touched.length;
        let memberParts: Int32Array[] | null = null;
        for (const ni of touched) {
          const n = this.names[ni]!;
          const byDocument = documentEntries.size > 0 && documentEntries.has(n.entry);
          // the names score is at most 1: an entry whose birth and nationality pull the pair under the threshold
          // even then (a birth years apart) needs no bound (most blocked names of common words end here)
          if (!byDocument && n.quality + bonusOf(n.entry) < threshold) continue;
          const need = byDocument ? -Infinity : threshold - bonusOf(n.entry);
          for (let q = 0; q < members.length; q++) {
            const pn = members[q]!;
            // the names score can reach the need only if its parts' similarities allow it: read from the names module
            // part by part, heaviest first, until they cannot (far cheaper than comparing the names, and exact where
            // the blocking keys are not: parts that share no key may still align)
            memberParts ??= members.map((m) => Int32Array.from(m.prepared.tokens.slice(0, MAX_TOKENS).map((t) => this.partSims.part(t))));
            if (!this.canReachResolved(memberParts[q]!, pn.weights, n, need / n.quality)) continue;
            const bound = n.quality;
            const prev = best.get(n.entry);
            if (prev && prev.sim >= bound) continue;
            if (stats) stats.compared++;
            compare(pn, ni);
          }
        }
      }
    }
    // an entry with the same document number is compared on all its names
    for (const ei of documentEntries) {
      for (const pn of pp.names) for (const ni of this.namesOfEntry[ei]!) if (best.get(ei)?.nameIdx !== ni) compare(pn, ni);
    }

    const out: Candidate[] = [];
    const consider = new Set<number>([...best.keys(), ...documentEntries]);
    for (const ei of consider) {
      const ie = this.entries[ei]!;
      const b = best.get(ei);
      const birth = birthEvidence(person, ie.entry.births);
      const nat = nationalityEvidence(person.nationalities, ie.entry.nationalities);
      const docs = documentEntries.has(ei) ? documentEvidence(person.documents, ie.entry.documents) : [];
      const sexEv = sexEvidence(person.sex, ie.entry);
      const strength = strengthOf(b?.sim ?? 0, birth.outcome, nat.outcome, docs.length, sexEv.outcome);
      if (strength < threshold) continue;
      const fusion = screeningFusion(b ? b.sim : null, birth, nat.outcome, sexEv.outcome);
      if (!queuesPair(strength, threshold, fusion, docs.length)) continue;
      const n = b ? this.names[b.nameIdx]! : null;
      const wn = n ? ie.entry.names[n.name]! : null;
      out.push({
        entry: ie,
        evidence: {
          notes: notesOf(b ?? null, wn?.quality ?? null, sexEv, birth.outcome),
          name:
            b && wn
              ? {
                  personName: b.personName,
                  entryName: wn.full,
                  entryNameKind: wn.kind,
                  quality: wn.quality,
                  similarity: Math.round(b.sim * 1000) / 1000,
                  parts: b.cmp.explanation.parts,
                  text: b.cmp.explanation.text,
                }
              : null,
          birth,
          sex: sexEv,
          nationality: nat,
          documents: docs,
          strength,
          threshold,
          fusion,
        },
      });
    }
    for (const ei of touchedEntries) bonusCache[ei] = NaN;
    return out.sort((a, b) => b.evidence.strength - a.evidence.strength);
  }
}
