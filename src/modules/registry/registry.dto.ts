import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import { BIRTH_PRECISIONS, DOCUMENT_TYPES, NAME_KINDS, NAME_SCRIPTS, NATIONALITY_STATUSES, RELATION_KINDS, VULNERABILITIES } from './registry.domain';

const text = (max: number) => z.string().trim().min(1).max(max);
const iso3 = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a nationality is an ISO 3166 alpha-3 code, e.g. IRQ')
  .transform((s) => s.toUpperCase());
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date is YYYY-MM-DD');

export const NameParts = z
  .object({
    given: text(100).optional(),
    father: text(100).optional(),
    grandfather: text(100).optional(),
    family: text(100).optional(),
    kunya: text(100).optional(),
    laqab: text(100).optional(),
  })
  .strict();

export const NameInput = z.object({
  full: text(300),
  script: z.enum(NAME_SCRIPTS).optional(),
  kind: z.enum(NAME_KINDS).optional(),
  parts: NameParts.optional(),
  source: text(200).optional(),
});
export type NameInputT = z.infer<typeof NameInput>;

export const NationalityInput = z.union([iso3, z.object({ country: iso3, status: z.enum(NATIONALITY_STATUSES).default('claimed') })]);

export const DocumentInput = z.object({
  type: z.enum(DOCUMENT_TYPES),
  number: text(64),
  issuingCountry: iso3.optional(),
  issuedOn: day.optional(),
  expiresOn: day.optional(),
});
export type DocumentInputT = z.infer<typeof DocumentInput>;

export const RelationInput = z.object({
  kind: z.enum(RELATION_KINDS),
  personId: z.uuid(),
  /** Why the link is recorded (the web app asks for it). */
  reason: text(500).optional(),
});

/** POST /persons/:id/relations/:relationId/end: why the link ends (recorded in error, no longer true...). */
export const EndRelationBody = z.object({ reason: z.string().trim().min(3).max(500) });
export const RelationParams = z.object({ id: z.uuid(), relationId: z.uuid() });
export type EndRelationRequest = z.input<typeof EndRelationBody>;
export type AddRelationRequest = z.input<typeof RelationInput>;

const sex = z
  .string()
  .transform((s) => s.trim().toUpperCase())
  .pipe(z.enum(['F', 'M', 'U', 'FEMALE', 'MALE', 'UNKNOWN']))
  .transform((s) => s[0] as 'F' | 'M' | 'U');

export const CreatePersonBody = z.object({
  names: z.array(NameInput).min(1, 'a person needs at least one name').max(30),
  sex,
  birthDate: z
    .string()
    .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'birthDate is YYYY, YYYY-MM or YYYY-MM-DD')
    .optional(),
  birthPrecision: z.enum(BIRTH_PRECISIONS).optional(),
  birthFrom: day.optional(),
  birthTo: day.optional(),
  placeOfBirth: text(200).optional(),
  nationalities: z.array(NationalityInput).max(10).optional(),
  documents: z.array(DocumentInput).max(20).optional(),
  distinguishingMarks: z.array(text(300)).max(20).optional(),
  vulnerabilities: z.array(z.enum(VULNERABILITIES)).max(VULNERABILITIES.length).optional(),
  householdId: z.uuid().optional(),
  facilityId: z.uuid().optional(),
  relations: z.array(RelationInput).max(30).optional(),
  notes: z.string().max(4000).optional(),
  /**
   * The registrar has seen the likely existing records (409 `registry.possible_duplicate`, or
   * POST /persons/duplicates) and enrols a new person anyway, saying why; the reason goes to the audit chain.
   */
  confirmNew: z.object({ reason: z.string().trim().min(3, 'say why this is a new person (3 characters at least)').max(500) }).optional(),
});
export type CreatePersonInput = z.infer<typeof CreatePersonBody>;

/** Likely existing records of the person about to be enrolled, as the enrolling registrar may see them. */
export const DuplicateCandidateResponse = z.object({
  id: z.string(),
  names: z.array(z.string()),
  sex: z.string(),
  birthLabel: z.string(),
  nationalities: z.array(z.string()),
  householdId: z.string().nullable(),
  householdLabel: z.string().nullable(),
  registeredFacilityId: z.string().nullable(),
  status: z.string(),
  facilityId: z.string().nullable(),
  unitId: z.string().nullable(),
  /** The names module's best comparison of any of the new names with any of the candidate's names. */
  score: z.number(),
  /** What the two records share, in words: "names 0.97", "born 1990", "same household", "same facility". */
  reasons: z.array(z.string()),
});
export type DuplicateCandidateResponse = z.input<typeof DuplicateCandidateResponse>;
export const DuplicateCheckResponse = z.object({ candidates: z.array(DuplicateCandidateResponse) });

export const UpdatePersonBody = z
  .object({
    sex: sex.optional(),
    birthDate: z
      .string()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/)
      .optional(),
    birthPrecision: z.enum(BIRTH_PRECISIONS).optional(),
    birthFrom: day.optional(),
    birthTo: day.optional(),
    placeOfBirth: text(200).nullable().optional(),
    distinguishingMarks: z.array(text(300)).max(20).optional(),
    vulnerabilities: z.array(z.enum(VULNERABILITIES)).optional(),
    householdId: z.uuid().nullable().optional(),
    notes: z.string().max(4000).nullable().optional(),
    reason: text(500),
    /** The record's version the correction was made on: when someone changed it since, the correction is refused (409). */
    version: z.number().int().min(1).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'reason' && k !== 'version'), 'nothing to change');
export type UpdatePersonInput = z.infer<typeof UpdatePersonBody>;

export const CreateHouseholdBody = z.object({ label: text(200), facilityId: z.uuid().optional() });

export const SearchPersonsQuery = z.object({
  q: z.string().trim().max(200).optional(),
  facilityId: z.uuid().optional(),
  status: z.string().max(40).optional(),
  nationality: iso3.optional(),
  /** Persons placed in this unit now: with `status=on_roll`, a block's manifest. */
  unitId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(25),
  /** Skip this many (paging); the header `X-Total-Count` says how many there are. */
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  /** `csv`: every person the filters select (not a page) as a CSV file, names included; audited as an export. */
  format: z.enum(['json', 'csv']).default('json'),
  purpose: z.string().max(100).optional(),
});
/** What the service takes: paging and format have defaults (callers other than the route leave them out). */
export type SearchPersonsInput = Omit<z.infer<typeof SearchPersonsQuery>, 'offset' | 'format'> & { offset?: number; format?: 'json' | 'csv' };

export const PersonParams = z.object({ id: z.uuid() });

// --- requests as a client sends them (before zod's transforms and defaults); the web app's forms build these -------

export type NameRequest = z.input<typeof NameInput>;
export type DocumentRequest = z.input<typeof DocumentInput>;
export type CreatePersonRequest = z.input<typeof CreatePersonBody>;
export type UpdatePersonRequest = z.input<typeof UpdatePersonBody>;
export type CreateHouseholdRequest = z.input<typeof CreateHouseholdBody>;

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns). The web app
// compiles against these; test/responses.int.test.ts checks them against the API ----------------------------------

/** Where a person is now, from the custody ledger's placement projection (null: registered, never admitted). */
export const PlacementResponse = z.object({
  status: z.string(),
  facilityId: z.string().nullable(),
  unitId: z.string().nullable(),
  destinationFacilityId: z.string().nullable(),
  outReason: z.string().nullable(),
  since: instant,
});

/** A link of the record to a relative, read from this record's side ("mother_of" the relative). */
const RelationView = z.object({
  /** The link's id (to end it). */
  id: z.string(),
  kind: z.string(),
  personId: z.string().nullable(),
  name: z.string().nullable(),
  inScope: z.boolean(),
  since: instant,
  reason: z.string().nullable(),
});

/** GET /persons/:id, POST /persons, PATCH /persons/:id and the name, document, nationality and relation additions. */
export const PersonResponse = z.object({
  id: z.string(),
  sex: z.string(),
  birth: z.object({
    date: z.string().nullable(),
    precision: z.enum(BIRTH_PRECISIONS),
    from: z.string().nullable(),
    to: z.string().nullable(),
    /** As it may be shown: "1990-07-14", "1990-07", "1990", "about 1990", "between 1988 and 1992", "unknown". */
    label: z.string(),
  }),
  ageRange: z.tuple([z.number(), z.number()]).nullable(),
  possiblyMinor: z.boolean(),
  placeOfBirth: z.string().nullable(),
  names: z.array(
    z.object({
      id: z.string(),
      full: z.string(),
      script: z.string(),
      kind: z.string(),
      parts: z.record(z.string(), z.string()).nullable(),
      source: z.string().nullable(),
    }),
  ),
  nationalities: z.array(z.object({ country: z.string(), status: z.string() })),
  documents: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      number: z.string(),
      issuingCountry: z.string().nullable(),
      issuedOn: z.string().nullable(),
      expiresOn: z.string().nullable(),
    }),
  ),
  vulnerabilities: z.array(z.string()),
  distinguishingMarks: z.array(z.string()),
  householdId: z.string().nullable(),
  registeredFacilityId: z.string().nullable(),
  /**
   * The record's relations. A relative outside the reader's scope is shown by the kind of relation only
   * (`inScope: false`, `personId` and `name` null): their id and name belong to a record the reader may not open.
   */
  relations: z.array(RelationView),
  /** Links that were ended (never deleted): who ended them, when and why; shown like `relations`. */
  endedRelations: z.array(RelationView.extend({ ended: z.object({ at: instant, by: z.string().nullable(), reason: z.string().nullable() }) })),
  placement: PlacementResponse.nullable(),
  notes: z.string().nullable(),
  version: count,
  createdAt: instant,
  updatedAt: instant,
});
export type PersonResponse = z.input<typeof PersonResponse>;

/** One row of GET /persons?q=: `score` is the names comparison of the query with the person's best name. */
export const PersonSummaryResponse = z.object({
  id: z.string(),
  name: z.string(),
  otherNames: z.array(z.string()),
  sex: z.string(),
  /** The stored day (YYYY-01-01 for a year-only birth, a mid-year day for an approximate one): show `birthLabel`. */
  birthDate: z.string().nullable(),
  birthPrecision: z.string(),
  /** The birth no more precise than recorded: "1990", "about 1990", "1990-07", "between 1988 and 1992". */
  birthLabel: z.string(),
  nationalities: z.array(z.string()),
  status: z.string(),
  facilityId: z.string().nullable(),
  unitId: z.string().nullable(),
  score: z.number(),
});
export type PersonSummaryResponse = z.input<typeof PersonSummaryResponse>;

/** POST /households. */
export const HouseholdResponse = z.object({ id: z.string(), label: z.string(), facilityId: z.string().nullable() });

/** GET /households/:id: the members in the caller's scope (others are left out, not counted). */
export const HouseholdDetailResponse = HouseholdResponse.extend({ members: z.array(PersonSummaryResponse) });
export type HouseholdDetailResponse = z.input<typeof HouseholdDetailResponse>;
