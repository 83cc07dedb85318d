import { ValidationError } from '../../platform/errors';
import { nameSearchKey as namesSearchKey } from '../names';

export const SEXES = ['F', 'M', 'U'] as const;
export const BIRTH_PRECISIONS = ['exact', 'month', 'year', 'range', 'approximate', 'unknown'] as const;
export type BirthPrecision = (typeof BIRTH_PRECISIONS)[number];
export const NAME_SCRIPTS = ['arabic', 'latin', 'other'] as const;
export type NameScript = (typeof NAME_SCRIPTS)[number];
export const NAME_KINDS = ['primary', 'alias', 'spelling', 'kunya', 'laqab', 'former'] as const;
export const NAME_PART_KEYS = ['given', 'father', 'grandfather', 'family', 'kunya', 'laqab'] as const;
export const NATIONALITY_STATUSES = ['claimed', 'verified'] as const;
export const VULNERABILITIES = ['unaccompanied_minor', 'separated_child', 'medical', 'disability', 'pregnant', 'elderly', 'female_head_of_household'] as const;
export const RELATION_KINDS = ['mother_of', 'father_of', 'spouse_of', 'sibling_of', 'guardian_of', 'carer_of'] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];
export const DOCUMENT_TYPES = ['passport', 'national_id', 'family_book', 'birth_certificate', 'camp_card', 'other'] as const;

/** The reading of a relation from the other person's side, for showing both ends of a family link. */
export const INVERSE_RELATION: Record<RelationKind, string> = {
  mother_of: 'child_of',
  father_of: 'child_of',
  spouse_of: 'spouse_of',
  sibling_of: 'sibling_of',
  guardian_of: 'ward_of',
  carer_of: 'cared_for_by',
};

export function detectScript(text: string): NameScript {
  if (/[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF]/.test(text)) return 'arabic';
  if (/[A-Za-z\u00C0-\u024F]/.test(text)) return 'latin';
  return 'other';
}

export interface BirthInput {
  birthDate?: string;
  birthPrecision?: BirthPrecision;
  birthFrom?: string;
  birthTo?: string;
}

export interface Birth {
  birthDate: string | null;
  birthPrecision: BirthPrecision;
  birthFrom: string | null;
  birthTo: string | null;
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function validDay(text: string, field: string): string {
  const m = ISO_DAY.exec(text);
  const d = new Date(`${text}T00:00:00Z`);
  if (!m || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== text) {
    throw new ValidationError('registry.bad_date', `${field} ${JSON.stringify(text)} is not a calendar date (YYYY-MM-DD)`);
  }
  return text;
}

function lastDayOfMonth(year: number, month: number): string {
  return new Date(Date.UTC(year, month, 0)).toISOString().slice(0, 10);
}

/**
 * Birth dates are recorded as honestly as they are known: a day, a month, a year, or a range. The stored range
 * (birthFrom..birthTo) always covers every date consistent with what was said, so age checks can be conservative.
 */
export function normaliseBirth(input: BirthInput, today: Date): Birth {
  let birth: Birth;
  const raw = input.birthDate?.trim();
  if (raw) {
    let m: RegExpExecArray | null;
    if ((m = /^(\d{4})$/.exec(raw))) {
      birth = { birthDate: `${m[1]}-01-01`, birthPrecision: 'year', birthFrom: `${m[1]}-01-01`, birthTo: `${m[1]}-12-31` };
    } else if ((m = /^(\d{4})-(\d{2})$/.exec(raw))) {
      const month = Number(m[2]);
      if (month < 1 || month > 12) throw new ValidationError('registry.bad_date', `Month ${m[2]} does not exist`);
      birth = {
        birthDate: `${raw}-01`,
        birthPrecision: 'month',
        birthFrom: `${raw}-01`,
        birthTo: lastDayOfMonth(Number(m[1]), month),
      };
    } else {
      const day = validDay(raw, 'birthDate');
      if (input.birthPrecision === 'approximate') {
        const year = Number(day.slice(0, 4));
        birth = { birthDate: day, birthPrecision: 'approximate', birthFrom: `${year - 2}${day.slice(4)}`, birthTo: `${year + 2}${day.slice(4)}` };
        if (input.birthFrom) birth.birthFrom = validDay(input.birthFrom, 'birthFrom');
        if (input.birthTo) birth.birthTo = validDay(input.birthTo, 'birthTo');
      } else {
        birth = { birthDate: day, birthPrecision: 'exact', birthFrom: day, birthTo: day };
      }
    }
    if (input.birthPrecision && input.birthPrecision !== birth.birthPrecision && input.birthPrecision !== 'exact') {
      if (input.birthPrecision === 'year' || input.birthPrecision === 'month') {
        return normaliseBirth({ birthDate: raw.slice(0, input.birthPrecision === 'year' ? 4 : 7) }, today);
      }
    }
  } else if (input.birthFrom || input.birthTo) {
    if (!input.birthFrom || !input.birthTo) {
      throw new ValidationError('registry.bad_range', 'A birth range needs both birthFrom and birthTo');
    }
    birth = {
      birthDate: null,
      birthPrecision: 'range',
      birthFrom: validDay(input.birthFrom, 'birthFrom'),
      birthTo: validDay(input.birthTo, 'birthTo'),
    };
  } else {
    return { birthDate: null, birthPrecision: 'unknown', birthFrom: null, birthTo: null };
  }
  if (birth.birthFrom && birth.birthTo && birth.birthFrom > birth.birthTo) {
    throw new ValidationError('registry.bad_range', 'birthFrom is after birthTo');
  }
  const todayIso = today.toISOString().slice(0, 10);
  if ((birth.birthFrom ?? '') > todayIso) throw new ValidationError('registry.future_birth', 'The birth date is in the future');
  if ((birth.birthTo ?? '9999') < '1900-01-01') throw new ValidationError('registry.bad_date', 'The birth date is before 1900');
  return birth;
}

/**
 * A recorded birth as it may be shown in a list, an export or a terminal: no more precise than what was recorded.
 * A year-only birth is stored as YYYY-01-01 and an approximate one as a mid-year day; printing those dates would
 * invent a day nobody said. "1990-07-14", "1990-07", "1990", "about 1990", "between 1988 and 1992", "unknown".
 */
export function birthLabel(b: { date: string | null; precision: string | null; from: string | null; to: string | null }): string {
  switch (b.precision) {
    case 'exact':
      return b.date ?? 'unknown';
    case 'month':
      return b.date ? b.date.slice(0, 7) : 'unknown';
    case 'year':
      return b.date ? b.date.slice(0, 4) : 'unknown';
    case 'approximate':
      return b.date ? `about ${b.date.slice(0, 4)}` : b.from && b.to ? rangeLabel(b.from, b.to) : 'unknown';
    case 'range':
      return b.from && b.to ? rangeLabel(b.from, b.to) : 'unknown';
    default:
      return 'unknown';
  }
}

function rangeLabel(from: string, to: string): string {
  // whole years read as years; anything else keeps its days
  if (from.endsWith('-01-01') && to.endsWith('-12-31')) {
    return from.slice(0, 4) === to.slice(0, 4) ? from.slice(0, 4) : `between ${from.slice(0, 4)} and ${to.slice(0, 4)}`;
  }
  return `between ${from} and ${to}`;
}

/** A names score at or above this (names module, best pair of names) makes an existing record a likely duplicate. */
export const DUPLICATE_NAME_SCORE = 0.85;

/**
 * Could two records be the same person, apart from the names? Both births must allow a common day (an unknown birth
 * allows any) and the sexes must agree (unknown agrees with both). Pure, so the rule is tested without a database.
 */
export function compatibleForDuplicate(
  a: { sex: string; birthFrom: string | null; birthTo: string | null },
  b: { sex: string; birthFrom: string | null; birthTo: string | null },
): boolean {
  if (a.sex !== 'U' && b.sex !== 'U' && a.sex !== b.sex) return false;
  if (a.birthFrom && a.birthTo && b.birthFrom && b.birthTo) return a.birthFrom <= b.birthTo && b.birthFrom <= a.birthTo;
  return true;
}

/** Could this person be under 18 on `on`? Unknown dates count as possibly minor: protection errs on the safe side. */
export function possiblyMinor(birth: { birthTo: string | null }, on: Date): boolean {
  if (!birth.birthTo) return true;
  const eighteenYearsAgo = new Date(Date.UTC(on.getUTCFullYear() - 18, on.getUTCMonth(), on.getUTCDate()));
  return birth.birthTo > eighteenYearsAgo.toISOString().slice(0, 10);
}

export function ageRange(birth: { birthFrom: string | null; birthTo: string | null }, on: Date): [number, number] | null {
  if (!birth.birthFrom || !birth.birthTo) return null;
  const years = (iso: string) => (on.getTime() - new Date(`${iso}T00:00:00Z`).getTime()) / (365.2425 * 86400_000);
  return [Math.max(0, Math.floor(years(birth.birthTo))), Math.max(0, Math.floor(years(birth.birthFrom)))];
}

// --- cross-script search key ----------------------------------------------------------------------------------

/**
 * Version of the stored search keys: rows written with an older version are recomputed when the application opens
 * (version 1 was the registry's own transliteration table; version 2 takes the key from the names module).
 */
export const SEARCH_KEY_VERSION = 2;

/**
 * The script-independent key of a name that the trigram index holds ("Mohammed al-Baghdadi" and "محمد البغدادي" give
 * the same key): the names module's skeletons, so that search and screening read names with one table. The key only
 * has to find candidates; the names module's comparison ranks them. A name with no letters keeps its lower-case text.
 */
export function nameSearchKey(full: string): string {
  return namesSearchKey(full) || full.toLowerCase();
}
