/**
 * Screening rules (pure): how a registry person and a watchlist entry are weighed against each other. The result is
 * evidence for an officer — which name parts matched how, whether the birth dates can be the same person's at the
 * precision each side knows them, nationalities, document numbers — never a decision. `strength` only decides whether
 * the pair is worth a human look (at or above the threshold) and orders the review queue.
 */
import { createHash } from 'node:crypto';
import type { PartExplanation } from '../names';
import { fuseEvidence, type FusionEvidence, type FusionResult } from '../biometrics';
import { canonicalJson } from '../../platform/canonical-json';
import type { NameKind, NameQuality, WatchBirth, WatchEntry } from './screening.lists';
import { isKnownCountryCode } from './screening.countries';

/** What screening needs of a registry person (no more: the security side sees only this). */
export interface ScreenPerson {
  id: string;
  names: string[];
  birthFrom: string | null;
  birthTo: string | null;
  birthPrecision: string;
  nationalities: string[];
  /** Document numbers as the registry stores them (upper case, no spaces). */
  documents: { type: string; number: string; issuingCountry: string | null }[];
  /** The registry's sex: `M`, `F`, or `U`/absent when unknown. */
  sex?: string | null;
}

export const SCREENING_RULES = {
  /**
   * A pair at or above this strength goes to the review queue. Set on the scenario's adults against UN + OFAC:
   * at 0.8 a quarter of them had a candidate (two common words such as Ali + Mohammed); at 0.85, with the factors
   * below, far fewer, and every planted person from a list entry is still found (see docs/benchmarks.md).
   */
  threshold: 0.85,
  /** Factor on a name match through a weak alias (UN "Low" quality, OFAC "weak" a.k.a. from the remarks). */
  weakAliasFactor: 0.9,
  /**
   * Factor on a name match that aligns fewer than two parts (a kunya alone, "Abu Muhammad"; a given name alone): one
   * shared word is not enough to put a person in front of a security review, whatever its spelling similarity.
   * With it, such a pair cannot reach the threshold on names, birth and nationality (a shared document still can).
   */
  singlePartFactor: 0.65,
  /** Factor when exactly two parts align and both names have further parts the other lacks (a partial overlap). */
  partialOverlapFactor: 0.9,
  /**
   * A part counts towards the two a hit needs only when it agrees closely (exact, a known variant, or similar at
   * least this much): a loose alignment (al-Hamad ~ Mohammed 0.75, Youssef ~ Seif 0.80) is not a second name.
   */
  strongPart: 0.9,
  /**
   * Factor when every part that agrees closely is a common name on the lists (Ali, Mohammed, Omar, Hussein ...) and
   * the birth does not match at the precision both sides know it: common names agree by chance all the time.
   */
  commonOnlyFactor: 0.85,

  birth: {
    /** Both ranges within about a year and overlapping: the same birth year (or day) at the precision known. */
    match: 0.06,
    /** Overlapping, but one side known only roughly (a range, "approximately"). */
    compatible: 0.02,
    /** Apart by up to two years (a misread year, a rounded age). */
    near: -0.05,
    nearDays: 731,
    /** Further apart: different people, whatever the name says. */
    differs: -0.3,
  },
  nationality: { shared: 0.04, different: -0.03 },
  /**
   * The person's sex against the entry's (the list's GENDER, or what its names say: bint, Umm; bin, Abu). A woman
   * against a man's entry is a contradiction: with it, two given names that agree (Leila Mohammed / Ali Mohammed)
   * fall under the threshold, and only a full name with an agreeing birth still reaches it (a recorder's error in the
   * sex should not hide a real match).
   */
  sex: { same: 0.02, differs: -0.15 },
  /** With the sex contradicted, this many name parts must agree closely, else the single-part factor applies. */
  sexDiffersParts: 3,
  /** The same passport or ID number: strong evidence on its own (and a candidate whatever the names). */
  document: { same: 0.4, minLength: 5 },
} as const;

export type BirthOutcome = 'match' | 'compatible' | 'near' | 'differs' | 'unknown';
export interface BirthEvidence {
  outcome: BirthOutcome;
  /** The person's birth as recorded: a day, a year, a range. */
  person: string | null;
  /** The list's date that came closest. */
  entry: string | null;
  gapDays: number | null;
}

export type NationalityOutcome = 'shared' | 'different' | 'unknown';
export interface NationalityEvidence {
  outcome: NationalityOutcome;
  shared: string[];
  person: string[];
  entry: string[];
}

export interface DocumentEvidence {
  number: string;
  personType: string;
  entryType: string;
  entryCountry: string | null;
}

export interface NameEvidence {
  personName: string;
  entryName: string;
  entryNameKind: NameKind;
  quality: NameQuality;
  /** The names module's similarity of the two names, in [0, 1], with the quality factor of a weak alias applied. */
  similarity: number;
  parts: PartExplanation[];
  text: string;
}

export type SexOutcome = 'same' | 'differs' | 'unknown';
export interface SexEvidence {
  outcome: SexOutcome;
  person: 'M' | 'F' | null;
  entry: 'M' | 'F' | null;
  /** Where the entry's sex comes from: the list's own field, or its names (bint, Umm / bin, Abu). */
  entrySource: 'list' | 'names' | null;
}

export interface PairEvidence {
  name: NameEvidence | null;
  /** Why the strength is lower than the names' similarity, in words for the officer (empty when nothing lowered it). */
  notes: string[];
  birth: BirthEvidence;
  sex: SexEvidence;
  nationality: NationalityEvidence;
  documents: DocumentEvidence[];
  /** Orders candidates and compares with the threshold; shown as evidence strength, never as a verdict. */
  strength: number;
  threshold: number;
  /**
   * The name similarity and the birth, nationality and sex fused into one likelihood ratio (biometrics.fusion.ts),
   * with the FMR its threshold is set for. A pair whose fused evidence says two people (ratio below 1) does not go to
   * the queue, whatever its strength; the rest are queued by strength as before. Absent on hits recorded before.
   */
  fusion?: FusionResult;
}

const DAY = 86_400_000;
function days(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / DAY;
}

function describePerson(p: Pick<ScreenPerson, 'birthFrom' | 'birthTo' | 'birthPrecision'>): string | null {
  if (!p.birthFrom || !p.birthTo) return null;
  if (p.birthFrom === p.birthTo) return p.birthFrom;
  if (p.birthPrecision === 'year') return p.birthFrom.slice(0, 4);
  if (p.birthPrecision === 'month') return p.birthFrom.slice(0, 7);
  return `${p.birthFrom}..${p.birthTo} (${p.birthPrecision})`;
}

/**
 * Compares the person's birth range with each of the entry's dates (every date the list gives, at its own precision:
 * a day, a year, "approximately", "between"). Ranges that overlap can be the same birth; the gap between ranges that
 * do not says how far apart the two records are at best.
 */
export function birthEvidence(p: Pick<ScreenPerson, 'birthFrom' | 'birthTo' | 'birthPrecision'>, births: readonly WatchBirth[]): BirthEvidence {
  const person = describePerson(p);
  if (!p.birthFrom || !p.birthTo || births.length === 0) return { outcome: 'unknown', person, entry: births[0]?.text ?? null, gapDays: null };
  const pf = days(p.birthFrom);
  const pt = days(p.birthTo);
  let best: { gap: number; narrow: boolean; text: string } | null = null;
  for (const b of births) {
    const ef = days(b.from);
    const et = days(b.to);
    const gap = Math.max(0, ef - pt, pf - et);
    const narrow = pt - pf <= 366 && et - ef <= 366;
    if (!best || gap < best.gap || (gap === best.gap && narrow && !best.narrow)) best = { gap, narrow, text: b.text };
  }
  const r = SCREENING_RULES.birth;
  const outcome: BirthOutcome = best!.gap === 0 ? (best!.narrow ? 'match' : 'compatible') : best!.gap <= r.nearDays ? 'near' : 'differs';
  return { outcome, person, entry: best!.text, gapDays: Math.round(best!.gap) };
}

/** The outcome alone, on day numbers (the matcher's inner loop): person range pf..pt against entry ranges [from, to, ...]. */
export function birthOutcomeDays(pf: number, pt: number, ranges: Float64Array): BirthOutcome {
  if (Number.isNaN(pf) || ranges.length === 0) return 'unknown';
  let gap = Infinity;
  let narrow = false;
  for (let i = 0; i < ranges.length; i += 2) {
    const ef = ranges[i]!;
    const et = ranges[i + 1]!;
    const g = Math.max(0, ef - pt, pf - et);
    const n = pt - pf <= 366 && et - ef <= 366;
    if (g < gap || (g === gap && n && !narrow)) {
      gap = g;
      narrow = n;
    }
  }
  const r = SCREENING_RULES.birth;
  return gap === 0 ? (narrow ? 'match' : 'compatible') : gap <= r.nearDays ? 'near' : 'differs';
}

export function dayNumber(iso: string | null): number {
  return iso ? days(iso) : NaN;
}

const FEMALE_NAME = /(^|[\s-])(bint|binti|bent|umm|um|oum|ummu)(\s|$)|(^|\s)(بنت|ام)(\s|$)/iu;
const MALE_NAME = /(^|[\s-])(bin|ibn|ben|ould|abu|abou|abo)(\s|$)|(^|\s)(بن|ابن|ولد|ابو|أبو)(\s|$)/iu;

/**
 * The sex of a list entry: the list's own field when it has one (OFAC's remarks, UN GENDER), else what its names say
 * when they all agree (a nasab with bint or a kunya Umm is a woman's; bin, ibn, Abu a man's), else unknown. Most UN
 * entries give no gender, so the names are read as well.
 */
export function entrySex(entry: Pick<WatchEntry, 'gender' | 'names'>): { sex: 'M' | 'F' | null; source: 'list' | 'names' | null } {
  const g = (entry.gender ?? '').trim().toLowerCase();
  if (g === 'male' || g === 'm') return { sex: 'M', source: 'list' };
  if (g === 'female' || g === 'f') return { sex: 'F', source: 'list' };
  let female = false;
  let male = false;
  for (const n of entry.names) {
    if (FEMALE_NAME.test(n.full)) female = true;
    if (MALE_NAME.test(n.full)) male = true;
  }
  if (female !== male) return { sex: female ? 'F' : 'M', source: 'names' };
  return { sex: null, source: null };
}

function personSex(sex: string | null | undefined): 'M' | 'F' | null {
  const s = (sex ?? '').trim().toUpperCase();
  return s === 'M' || s === 'MALE' ? 'M' : s === 'F' || s === 'FEMALE' ? 'F' : null;
}

export function sexEvidence(person: string | null | undefined, entry: Pick<WatchEntry, 'gender' | 'names'>): SexEvidence {
  const p = personSex(person);
  const e = entrySex(entry);
  const outcome: SexOutcome = p === null || e.sex === null ? 'unknown' : p === e.sex ? 'same' : 'differs';
  return { outcome, person: p, entry: e.sex, entrySource: e.source };
}

export function sexAdjustment(s: SexOutcome): number {
  return s === 'same' ? SCREENING_RULES.sex.same : s === 'differs' ? SCREENING_RULES.sex.differs : 0;
}

export function nationalityEvidence(person: readonly string[], entry: readonly string[]): NationalityEvidence {
  const known = entry.filter(isKnownCountryCode);
  const shared = person.filter((c) => known.includes(c));
  const outcome: NationalityOutcome = shared.length > 0 ? 'shared' : person.length > 0 && known.length > 0 ? 'different' : 'unknown';
  return { outcome, shared, person: [...person], entry: [...entry] };
}

export function documentKey(number: string): string {
  return number.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

export function documentEvidence(person: ScreenPerson['documents'], entry: WatchEntry['documents']): DocumentEvidence[] {
  const out: DocumentEvidence[] = [];
  for (const d of person) {
    const k = documentKey(d.number);
    if (k.length < SCREENING_RULES.document.minLength) continue;
    for (const e of entry) {
      if (e.key === k) out.push({ number: d.number, personType: d.type, entryType: e.type, entryCountry: e.country });
    }
  }
  return out;
}

export function birthAdjustment(b: BirthOutcome): number {
  const r = SCREENING_RULES.birth;
  return b === 'match' ? r.match : b === 'compatible' ? r.compatible : b === 'near' ? r.near : b === 'differs' ? r.differs : 0;
}

export function nationalityAdjustment(n: NationalityOutcome): number {
  return n === 'shared' ? SCREENING_RULES.nationality.shared : n === 'different' ? SCREENING_RULES.nationality.different : 0;
}

/** The false-match rate stated with a screening pair's fused evidence (names reach 1e-3 at best: namesakes abound). */
export const SCREENING_FUSION_FMR = 1e-3;

/**
 * The screening evidence as fusion reads it: the name similarity (after the screening's own factors), the birth as
 * a gap in years (the same birth, or the closest two dates the records allow), different sexes, nationalities with
 * none in common. What neither side knows says nothing.
 */
export function screeningFusion(
  nameSimilarity: number | null,
  birth: Pick<BirthEvidence, 'outcome' | 'gapDays'>,
  nationality: NationalityOutcome,
  sex: SexOutcome,
): FusionResult {
  const e: FusionEvidence = {};
  if (nameSimilarity !== null) e.name = Math.min(1, Math.max(0, nameSimilarity));
  if (birth.outcome === 'match') e.birthYears = [0, 0];
  else if ((birth.outcome === 'near' || birth.outcome === 'differs') && birth.gapDays !== null) e.birthYears = [0, Math.round(birth.gapDays / 365.25)];
  if (sex !== 'unknown') e.sexes = sex === 'same' ? ['X', 'X'] : ['M', 'F'];
  if (nationality !== 'unknown') e.nationalities = nationality === 'shared' ? ['X', 'X'] : ['X', 'Y'];
  return fuseEvidence(e, SCREENING_FUSION_FMR);
}

/** Whether a pair goes to the review queue: its strength reaches the threshold and its fused evidence does not say
 * two people (a shared document number goes whatever the rest says). */
export function queuesPair(strength: number, threshold: number, fusion: FusionResult, sameDocuments: number): boolean {
  if (strength < threshold) return false;
  return sameDocuments > 0 || fusion.log10Lr >= 0;
}

/** The strength of the evidence: the name similarity moved by what the birth, nationality, sex and documents say. */
export function strengthOf(
  nameSimilarity: number,
  birth: BirthOutcome,
  nationality: NationalityOutcome,
  sameDocuments: number,
  sex: SexOutcome = 'unknown',
): number {
  let s = nameSimilarity + birthAdjustment(birth) + nationalityAdjustment(nationality) + sexAdjustment(sex);
  // the same passport or ID number always goes in front of an officer, whatever the names say
  if (sameDocuments > 0) s = Math.max(s + SCREENING_RULES.document.same, SCREENING_RULES.threshold);
  return Math.round(s * 1000) / 1000;
}

/**
 * Consonant skeletons (names module) of the name parts that at least 1% of the individuals on the UN consolidated
 * list (2026-02-27) and OFAC's SDN list (2022) have: Mohammed, Ali, Ahmed / Hamid, Hassan / Hussein, Omar, Saad ...
 * Printed by `bench/screening-queue/common-names.ts` and kept here, fixed, so that an index of a few entries (a list
 * update) judges a pair exactly as the index of every entry does.
 */
export const COMMON_NAME_SKELETONS: ReadonlySet<string> = new Set(
  'mhmd l hmd hsn mr sd d js brhm s mn c jn n m r rz ls k dn slħ cn slm km tkrt b bd ntn kng z cl slmn h j mstf ysf cng xn br t ndr ms krls ln brt hn sml mrn'.split(
    ' ',
  ),
);

/** Whether a plain name part is common on the lists (any of its skeletons). */
export function isCommonName(part: { kind: string; skeletons: readonly string[] }): boolean {
  return part.kind === 'name' && part.skeletons.some((k) => COMMON_NAME_SKELETONS.has(k));
}

/** Parts that agree closely enough to count as a shared name (see `SCREENING_RULES.strongPart`). */
export function strongParts(parts: readonly PartExplanation[]): PartExplanation[] {
  return parts.filter((p) => p.outcome === 'exact' || p.outcome === 'variant' || (p.outcome === 'similar' && p.similarity >= SCREENING_RULES.strongPart));
}

/** Parts the two names share (aligned as exact, variant or similar), from the names module's explanation. */
export function alignedParts(parts: readonly PartExplanation[]): number {
  let n = 0;
  for (const p of parts) if (p.outcome === 'exact' || p.outcome === 'variant' || p.outcome === 'similar') n++;
  return n;
}

/**
 * How much the shape of the match counts: one aligned part is weak; two aligned parts with unmatched parts left on
 * both sides (Ali Mohammed X against Ali Mohammed Y Z) weaker than a name contained in the other.
 */
export function structureFactor(aligned: number, parts?: readonly PartExplanation[]): number {
  if (aligned < 2) return SCREENING_RULES.singlePartFactor;
  if (aligned === 2 && parts) {
    const leftA = parts.some((p) => (p.outcome === 'missing' || p.outcome === 'contradiction') && p.a !== undefined);
    const leftB = parts.some((p) => (p.outcome === 'missing' || p.outcome === 'contradiction') && p.b !== undefined);
    if (leftA && leftB) return SCREENING_RULES.partialOverlapFactor;
  }
  return 1;
}

export function qualityFactor(q: NameQuality): number {
  return q === 'low' || q === 'weak' ? SCREENING_RULES.weakAliasFactor : 1;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of what screening compares of a person; a dismissed pair is raised again only when this (or the entry's) changes. */
export function personScreenHash(p: ScreenPerson): string {
  return sha256(
    canonicalJson({
      names: [...p.names].sort(),
      birth: [p.birthFrom, p.birthTo],
      nationalities: [...p.nationalities].sort(),
      documents: p.documents.map((d) => documentKey(d.number)).sort(),
    }),
  );
}

/**
 * `pending` waits in the review queue; `confirmed` and `dismissed` are an officer's decisions; `withdrawn` is a pending
 * hit whose list entry a later release removed (nothing left to decide; the hit stays with the reason).
 */
export const HIT_STATUSES = ['pending', 'confirmed', 'dismissed', 'withdrawn'] as const;
export type HitStatus = (typeof HIT_STATUSES)[number];

export interface PreviousHit {
  status: HitStatus;
  personHash: string;
  entryHash: string;
}

/**
 * What to do with a candidate pair given the latest hit recorded for it:
 * - `new`: no earlier hit, an earlier decision about data that has changed since (the person's or the entry's), or an
 *   earlier hit withdrawn when its entry left the list (the entry is back: nobody decided on the pair);
 * - `refresh`: still pending, but the data changed: the evidence is brought up to date;
 * - `keep`: nothing new to show (a pending hit already waits; a decision stands for the same data).
 */
export function candidateAction(previous: PreviousHit | null, personHash: string, entryHash: string): 'new' | 'refresh' | 'keep' {
  if (!previous || previous.status === 'withdrawn') return 'new';
  const same = previous.personHash === personHash && previous.entryHash === entryHash;
  if (previous.status === 'pending') return same ? 'keep' : 'refresh';
  return same ? 'keep' : 'new';
}

/**
 * The first day of birth that makes a person an adult on `on`: `possiblyMinor` (registry) is true exactly when the
 * latest possible birth is after the day eighteen years before. A list update uses it to find the persons who have
 * come of age since the registry was last screened against every entry.
 */
export function adultCutoff(on: Date): string {
  return new Date(Date.UTC(on.getUTCFullYear() - 18, on.getUTCMonth(), on.getUTCDate())).toISOString().slice(0, 10);
}

/** A release that removes more than this share of a list's current entries needs an explicit confirmation. */
export const MASS_REMOVAL_SHARE = 0.5;
/** ... or more than this many entries, whatever the share. */
export const MASS_REMOVAL_COUNT = 500;
/** Below this many removals no release is held (small test lists, a short list's ordinary churn). */
export const MASS_REMOVAL_MINIMUM = 10;

/**
 * Whether a release removes so much of a list that it is more likely a cut or wrong file than a real release (a UN
 * list cut to 1 of 1,000 entries was imported silently, withdrawing every pending hit): issue 14.
 */
export function isMassRemoval(currentActive: number, removed: number): boolean {
  if (removed < MASS_REMOVAL_MINIMUM) return false;
  return removed > currentActive * MASS_REMOVAL_SHARE || removed > MASS_REMOVAL_COUNT;
}
