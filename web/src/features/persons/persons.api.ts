// Requests of the enrolment and correction forms, and how the API's refusals map onto their fields.

import { errorText } from '../../i18n/errors';
import type {
  CreateHouseholdRequest,
  CreatePersonRequest,
  DocumentRequest,
  NameRequest,
  UpdatePersonRequest,
} from '../../../../src/modules/registry/registry.dto';
import type { AppendEventRequest } from '../../../../src/modules/custody/custody.dto';
import type {
  BIRTH_PRECISIONS,
  DOCUMENT_TYPES,
  NAME_KINDS,
  NAME_PART_KEYS,
  NAME_SCRIPTS,
  VULNERABILITIES,
} from '../../../../src/modules/registry/registry.domain';
import { ApiError } from '../../lib/api';
import { i18next } from '../../i18n';

/**
 * A table of labels in the interface's language: each key reads `registry:<prefix>.<key>` when it is used (the
 * English given here is the fallback), so the records keep the server's keys and their type check.
 */
function translated<K extends string, V>(prefix: string, english: Record<K, V>): Record<K, V> {
  const out = {} as Record<K, V>;
  for (const k of Object.keys(english) as K[]) {
    const en = english[k];
    Object.defineProperty(out, k, {
      enumerable: true,
      get: () =>
        typeof en === 'string'
          ? i18next.t(`registry:${prefix}.${k}`, { defaultValue: en })
          : Object.fromEntries(Object.entries(en as object).map(([f, v]) => [f, i18next.t(`registry:${prefix}.${k}.${f}`, { defaultValue: v as string })])),
    });
  }
  return out;
}

export type { AppendEventRequest, CreateHouseholdRequest, CreatePersonRequest, DocumentRequest, NameRequest, UpdatePersonRequest };

export type BirthPrecision = (typeof BIRTH_PRECISIONS)[number];
export type DocumentType = (typeof DOCUMENT_TYPES)[number];
export type NameKind = (typeof NAME_KINDS)[number];
export type NameScript = (typeof NAME_SCRIPTS)[number];
export type NamePartKey = (typeof NAME_PART_KEYS)[number];
export type Vulnerability = (typeof VULNERABILITIES)[number];

// The server's lists are values of registry.domain; the app repeats them as records keyed by the server's types, so
// that a value added or removed there fails the web type check instead of going missing here.
export const PRECISION_LABEL: Record<BirthPrecision, string> = translated('precision', {
  exact: 'Exact day',
  month: 'Month',
  year: 'Year',
  approximate: 'About',
  range: 'Between',
  unknown: 'Unknown',
});
export const DOCUMENT_LABEL: Record<DocumentType, string> = translated('document', {
  passport: 'Passport',
  national_id: 'National ID card',
  family_book: 'Family book',
  birth_certificate: 'Birth certificate',
  camp_card: 'Camp card',
  other: 'Other',
});
export const NAME_KIND_LABEL: Record<NameKind, string> = translated('nameKind', {
  primary: 'Primary',
  alias: 'Alias',
  spelling: 'Other spelling',
  kunya: 'Kunya',
  laqab: 'Laqab',
  former: 'Former name',
});
export const SCRIPT_LABEL: Record<NameScript, string> = translated('script', { arabic: 'Arabic', latin: 'Latin', other: 'Other' });
export const NAME_PART_LABEL: Record<NamePartKey, { label: string; hint: string }> = translated('namePart', {
  given: { label: 'Given name (ism)', hint: 'e.g. Mohammed' },
  father: { label: "Father's name", hint: 'e.g. Abd al-Rahman' },
  grandfather: { label: "Grandfather's name", hint: 'e.g. Ali' },
  family: { label: 'Family or tribal name', hint: 'e.g. al-Jubouri' },
  kunya: { label: 'Kunya', hint: 'Abu / Umm + name' },
  laqab: { label: 'Laqab (epithet)', hint: 'nickname or nom de guerre' },
});
export const VULNERABILITY_LABEL: Record<Vulnerability, string> = translated('vulnerability', {
  unaccompanied_minor: 'Unaccompanied minor',
  separated_child: 'Separated child',
  medical: 'Medical need',
  disability: 'Disability',
  pregnant: 'Pregnant',
  elderly: 'Elderly',
  female_head_of_household: 'Female head of household',
});

export const keysOf = <K extends string>(r: Record<K, unknown>): K[] => Object.keys(r) as K[];

/** Nationalities offered first (any ISO 3166 alpha-3 code can be typed). */
export const COMMON_NATIONALITIES = [
  'IRQ',
  'SYR',
  'TUR',
  'FRA',
  'DEU',
  'NLD',
  'BEL',
  'GBR',
  'SWE',
  'DNK',
  'AUT',
  'ITA',
  'ESP',
  'RUS',
  'AZE',
  'KAZ',
  'UZB',
  'TJK',
  'KGZ',
  'TUN',
  'MAR',
  'DZA',
  'EGY',
  'LBY',
  'JOR',
  'LBN',
  'SAU',
  'YEM',
  'SOM',
  'SDN',
  'IDN',
  'CHN',
  'USA',
  'CAN',
  'AUS',
  'IRN',
  'AFG',
  'PAK',
];

// --- birth, as the form holds it ------------------------------------------------------------------------------------

export interface BirthState {
  precision: BirthPrecision;
  /** YYYY-MM-DD (exact) */
  day: string;
  /** YYYY-MM (month) */
  month: string;
  /** YYYY (year, approximate) */
  year: string;
  /** YYYY-MM-DD each (range) */
  from: string;
  to: string;
}

export const emptyBirth = (precision: BirthPrecision = 'year'): BirthState => ({ precision, day: '', month: '', year: '', from: '', to: '' });

/** The form's state of a recorded birth. */
export function birthStateOf(b: { date: string | null; precision: string | null; from: string | null; to: string | null } | null): BirthState {
  const s = emptyBirth('unknown');
  if (!b) return s;
  const p = (b.precision ?? 'unknown') as BirthPrecision;
  const date = b.date ?? '';
  switch (p) {
    case 'exact':
      return { ...s, precision: p, day: date };
    case 'month':
      return { ...s, precision: p, month: date.slice(0, 7) };
    case 'year':
    case 'approximate':
      return { ...s, precision: p, year: date.slice(0, 4) };
    case 'range':
      return { ...s, precision: p, from: b.from ?? '', to: b.to ?? '' };
    default:
      return s;
  }
}

/** What the chosen precision needs and is missing (a hint before anything is sent), or null. */
export function birthMissing(b: BirthState): string | null {
  switch (b.precision) {
    case 'exact':
      return b.day.trim() ? null : i18next.t('registry:birthMissing.exact');
    case 'month':
      return b.month.trim() ? null : i18next.t('registry:birthMissing.month');
    case 'year':
    case 'approximate':
      return b.year.trim() ? null : i18next.t('registry:birthMissing.year');
    case 'range':
      return b.from.trim() && b.to.trim() ? null : i18next.t('registry:birthMissing.range');
    default:
      return null;
  }
}

/**
 * The birth fields of a request, as typed (the API judges them: calendar dates, nothing in the future). "About" a year
 * is sent as the middle of that year with precision `approximate` (the API records two years either side).
 */
export function birthRequest(b: BirthState): Pick<CreatePersonRequest, 'birthDate' | 'birthPrecision' | 'birthFrom' | 'birthTo'> {
  switch (b.precision) {
    case 'exact':
      return { birthDate: b.day.trim(), birthPrecision: 'exact' };
    case 'month':
      return { birthDate: b.month.trim(), birthPrecision: 'month' };
    case 'year':
      return { birthDate: b.year.trim(), birthPrecision: 'year' };
    case 'approximate':
      return { birthDate: `${b.year.trim()}-07-01`, birthPrecision: 'approximate' };
    case 'range':
      return { birthFrom: b.from.trim(), birthTo: b.to.trim() };
    default:
      return {};
  }
}

export const sameBirth = (a: BirthState, b: BirthState): boolean => JSON.stringify(birthRequest(a)) === JSON.stringify(birthRequest(b));

/** A recorded birth in words: "1986", "about 1985 (1983-07-01 to 1987-07-01)", "between ... and ...". */
export function birthText(b: { date: string | null; precision: string | null; from: string | null; to: string | null } | null | undefined): string {
  if (!b || (!b.date && !b.from)) return i18next.t('registry:birth.unknown');
  switch (b.precision) {
    case 'year':
      return b.date!.slice(0, 4);
    case 'month':
      return b.date!.slice(0, 7);
    case 'approximate':
      return i18next.t('registry:birth.about', { year: b.date!.slice(0, 4), from: b.from, to: b.to });
    case 'range':
      return i18next.t('registry:birth.between', { from: b.from, to: b.to });
    default:
      return b.date ?? i18next.t('registry:birth.unknown');
  }
}

// --- the API's refusals on the form ---------------------------------------------------------------------------------

/**
 * Field errors from a 400: zod issues carry a path (`names.0.full`, `birthDate`, `documents.1.issuingCountry`); the
 * registry's own refusals carry a code. Keys are the form's: `names.0`, `birth`, `documents.1`, `nationalities`, ...
 */
export function fieldErrors(error: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(error instanceof ApiError)) return out;
  const put = (key: string, message: string) => {
    out[key] = out[key] ? `${out[key]}; ${message}` : message;
  };
  const issues = (error.details as { issues?: { path: string; message: string }[] } | undefined)?.issues;
  if (Array.isArray(issues)) {
    for (const i of issues) {
      const [head, index] = String(i.path ?? '').split('.');
      if (!head) continue;
      if (head.startsWith('birth')) put('birth', i.message);
      else if ((head === 'names' || head === 'documents') && index !== undefined && /^\d+$/.test(index)) put(`${head}.${index}`, i.message);
      else put(head, i.message);
    }
  }
  const byCode: Record<string, string> = {
    'registry.future_birth': 'birth',
    'registry.bad_date': 'birth',
    'registry.bad_range': 'birth',
    'registry.unknown_facility': 'facilityId',
    'registry.unknown_household': 'householdId',
    'registry.bad_document_dates': 'documents',
  };
  const key = byCode[error.code];
  if (key) put(key, errorText(error));
  return out;
}
