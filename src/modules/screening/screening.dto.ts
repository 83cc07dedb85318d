import { FusionResponse } from '../biometrics';
import { z } from 'zod';
import { count, instant } from '../../platform/dto';
import type { NameRole, PartOutcome } from '../names';
import { HIT_STATUSES, type BirthOutcome, type NationalityOutcome, type SexOutcome } from './screening.domain';
import { LIST_FORMATS, type EntryKind, type NameKind, type NameQuality, type WatchBirth, type WatchName } from './screening.lists';

export const HitParams = z.object({ id: z.uuid() });
export const PersonParams = z.object({ id: z.uuid() });
export const VersionParams = z.object({ id: z.uuid() });

export const ReasonBody = z.object({ reason: z.string().trim().min(3).max(2000) });

export const HitsQuery = z.object({
  /** One status, or several separated by commas (the web's "Decided" tab is confirmed,dismissed). */
  status: z
    .string()
    .transform((s) => s.split(','))
    .pipe(z.array(z.enum(HIT_STATUSES)).min(1))
    .optional(),
  personId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const VersionsQuery = z.object({ source: z.enum(LIST_FORMATS).optional() });

/** Import even a release older than the current version's (otherwise 409 watchlist.older_release). */
const forceFlag = z
  .enum(['0', '1', 'true', 'false'])
  .optional()
  .transform((v) => v === '1' || v === 'true');

export const ImportQuery = z.object({
  format: z.enum(LIST_FORMATS).default('un-consolidated'),
  fileName: z.string().max(200).optional(),
  force: forceFlag,
  /** Import a release that removes most of the list (409 watchlist.mass_removal without it). */
  confirmRemoval: forceFlag,
});

/** JSON form of an import: the UN XML as a string, or OFAC's CSV files. */
export const ImportJsonBody = z.union([
  z.object({
    format: z.literal('un-consolidated'),
    xml: z.string().min(1),
    fileName: z.string().max(200).optional(),
    force: z.boolean().optional(),
    confirmRemoval: z.boolean().optional(),
  }),
  z.object({
    format: z.literal('ofac-sdn'),
    files: z.object({ sdn: z.string().min(1), alt: z.string().optional(), add: z.string().optional() }),
    fileName: z.string().max(200).optional(),
    confirmRemoval: z.boolean().optional(),
  }),
]);

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns); the web app
// imports these types, and test/responses.int.test.ts checks them against the API -----------------------------------

// The server declares these as string unions with no list to read at run time (in the names module and in
// screening.lists/domain); they are listed here, and the checks below fail the type check when either side changes.
const PART_OUTCOMES = ['exact', 'variant', 'similar', 'missing', 'contradiction', 'unmatched'] as const;
const NAME_ROLES = ['given', 'father', 'grandfather', 'family', 'kunya', 'laqab', 'other'] as const;
const ENTRY_KINDS = ['individual', 'entity', 'vessel', 'aircraft'] as const;
const ENTRY_NAME_KINDS = ['primary', 'alias', 'original'] as const;
const NAME_QUALITIES = ['good', 'low', 'aka', 'fka', 'nka', 'weak'] as const;
const ENTRY_NAME_SCRIPTS = ['arabic', 'cyrillic', 'latin', 'other'] as const;
const BIRTH_DATE_TYPES = ['exact', 'approximately', 'between'] as const;
const BIRTH_OUTCOMES = ['match', 'compatible', 'near', 'differs', 'unknown'] as const;
const NATIONALITY_OUTCOMES = ['shared', 'different', 'unknown'] as const;
const SEX_OUTCOMES = ['same', 'differs', 'unknown'] as const;
/** What a release did to an entry (watchlist_changes.change). */
const ENTRY_CHANGES = ['added', 'removed', 'changed'] as const;

type SameMembers<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ServerUnionsListedHere = [
  Holds<SameMembers<PartOutcome, (typeof PART_OUTCOMES)[number]>>,
  Holds<SameMembers<NameRole, (typeof NAME_ROLES)[number]>>,
  Holds<SameMembers<EntryKind, (typeof ENTRY_KINDS)[number]>>,
  Holds<SameMembers<NameKind, (typeof ENTRY_NAME_KINDS)[number]>>,
  Holds<SameMembers<NonNullable<NameQuality>, (typeof NAME_QUALITIES)[number]>>,
  Holds<SameMembers<WatchName['script'], (typeof ENTRY_NAME_SCRIPTS)[number]>>,
  Holds<SameMembers<WatchBirth['type'], (typeof BIRTH_DATE_TYPES)[number]>>,
  Holds<SameMembers<BirthOutcome, (typeof BIRTH_OUTCOMES)[number]>>,
  Holds<SameMembers<NationalityOutcome, (typeof NATIONALITY_OUTCOMES)[number]>>,
  Holds<SameMembers<SexOutcome, (typeof SEX_OUTCOMES)[number]>>,
];

/** Why a person and a list entry were put side by side: evidence for an officer, never a verdict. */
export const PairEvidenceResponse = z.object({
  /** Null when only a shared document number raised the pair. */
  name: z
    .object({
      personName: z.string(),
      entryName: z.string(),
      entryNameKind: z.enum(ENTRY_NAME_KINDS),
      quality: z.enum(NAME_QUALITIES).nullable(),
      similarity: z.number(),
      parts: z.array(
        z.object({
          outcome: z.enum(PART_OUTCOMES),
          role: z.enum(NAME_ROLES),
          a: z.string().optional(),
          b: z.string().optional(),
          roleA: z.enum(NAME_ROLES).optional(),
          roleB: z.enum(NAME_ROLES).optional(),
          similarity: z.number(),
        }),
      ),
      text: z.string(),
    })
    .nullable(),
  birth: z.object({ outcome: z.enum(BIRTH_OUTCOMES), person: z.string().nullable(), entry: z.string().nullable(), gapDays: count.nullable() }),
  /** Why the strength is below the names' similarity, in words (absent on hits recorded before notes were kept). */
  notes: z.array(z.string()).optional(),
  /**
   * The person's sex against the entry's (from the list, or from its names: bint, Umm / bin, Abu). Absent on hits
   * recorded before sex was weighed.
   */
  sex: z
    .object({
      outcome: z.enum(SEX_OUTCOMES),
      person: z.enum(['M', 'F']).nullable(),
      entry: z.enum(['M', 'F']).nullable(),
      entrySource: z.enum(['list', 'names']).nullable(),
    })
    .optional(),
  nationality: z.object({ outcome: z.enum(NATIONALITY_OUTCOMES), shared: z.array(z.string()), person: z.array(z.string()), entry: z.array(z.string()) }),
  documents: z.array(z.object({ number: z.string(), personType: z.string(), entryType: z.string(), entryCountry: z.string().nullable() })),
  /** Orders the queue and is compared with `threshold`: a score, not a probability. */
  strength: z.number(),
  threshold: z.number(),
  /** The name, birth, nationality and sex fused into one likelihood ratio, with the FMR it targets and each piece's
   * share (absent on hits recorded before fusion). */
  fusion: FusionResponse.optional(),
});
export type PairEvidenceResponse = z.input<typeof PairEvidenceResponse>;

/**
 * One hit of the review queue (GET /screening/hits, and the answer to a confirm or dismiss). `decision` is set on a
 * confirmed or dismissed hit; `withdrawal` on a withdrawn one (a pending hit whose entry a later release removed: it
 * is not decided any more). `entry.active` false with `entry.removedIn` says the entry has left the list since,
 * whatever the hit's status.
 */
export const HitResponse = z.object({
  id: z.string(),
  personId: z.string(),
  personName: z.string().nullable(),
  entry: z.object({
    id: z.string(),
    source: z.enum(LIST_FORMATS),
    ref: z.string(),
    name: z.string(),
    active: z.boolean(),
    removedIn: z.object({ versionId: z.string(), at: instant }).nullable(),
  }),
  status: z.enum(HIT_STATUSES),
  evidence: PairEvidenceResponse,
  trigger: z.string(),
  createdAt: instant,
  updatedAt: instant,
  decision: z.object({ at: instant, by: z.string().nullable(), reason: z.string().nullable() }).nullable(),
  withdrawal: z.object({ at: instant, versionId: z.string(), reason: z.string() }).nullable(),
});
export type HitResponse = z.input<typeof HitResponse>;

/** A list entry as the release stated it (kept after the entry leaves the list). */
export const WatchEntryResponse = z.object({
  ref: z.string(),
  kind: z.enum(ENTRY_KINDS),
  program: z.string().nullable(),
  names: z.array(
    z.object({
      full: z.string(),
      kind: z.enum(ENTRY_NAME_KINDS),
      quality: z.enum(NAME_QUALITIES).nullable(),
      script: z.enum(ENTRY_NAME_SCRIPTS),
      /** Names that one alias element of the list gave together share this number. */
      element: count.optional(),
    }),
  ),
  births: z.array(z.object({ type: z.enum(BIRTH_DATE_TYPES), text: z.string(), from: z.string(), to: z.string() })),
  nationalities: z.array(z.string()),
  documents: z.array(z.object({ type: z.string(), number: z.string(), key: z.string(), country: z.string().nullable() })),
  listedOn: z.string().nullable(),
  gender: z.string().nullable(),
  placesOfBirth: z.array(z.string()),
  remarks: z.string().nullable(),
});
export type WatchEntryResponse = z.input<typeof WatchEntryResponse>;

/** GET /screening/hits/:id: the hit with its list entry as imported (the read is audited). */
export const HitDetailResponse = HitResponse.extend({ entryData: WatchEntryResponse.nullable() });
export type HitDetailResponse = z.input<typeof HitDetailResponse>;

export const ListStatsResponse = z.object({
  entries: count,
  individuals: count,
  entities: count,
  vessels: count,
  aircraft: count,
  individualAliases: count,
  entityAliases: count,
  originalScriptNames: count,
  arabicScriptNames: count,
  birthDates: count,
  documents: count,
});

/** One imported release of a list (GET /watchlists), with the counts of what it changed against the one before. */
export const WatchlistVersionResponse = z.object({
  id: z.string(),
  source: z.enum(LIST_FORMATS),
  generatedAt: instant.nullable(),
  importedAt: instant,
  importedBy: z.string().nullable(),
  fileName: z.string().nullable(),
  fileSha256: z.string(),
  stats: ListStatsResponse,
  diff: z.object({ added: count, removed: count, changed: count, unchanged: count }),
  warnings: z.array(z.string()),
});
export type WatchlistVersionResponse = z.input<typeof WatchlistVersionResponse>;

/** POST /watchlists/import: the new version and the references it added, removed and changed. */
export const WatchlistImportResponse = WatchlistVersionResponse.extend({
  changes: z.object({ added: z.array(z.string()), removed: z.array(z.string()), changed: z.array(z.string()) }),
});
export type WatchlistImportResponse = z.input<typeof WatchlistImportResponse>;

/** GET /watchlists/versions/:id: what the version changed, entry by entry, and how many pending hits it withdrew. */
export const WatchlistVersionDetailResponse = WatchlistVersionResponse.extend({
  changes: z.array(z.object({ change: z.enum(ENTRY_CHANGES), ref: z.string(), name: z.string() })),
  withdrawnHits: count,
});
export type WatchlistVersionDetailResponse = z.input<typeof WatchlistVersionDetailResponse>;

/** What one screening run did: `candidates` pairs found, of them `newHits` raised and `refreshedHits` updated. */
export const ScreeningRunResponse = z.object({
  trigger: z.string(),
  screened: count,
  skippedMinors: count,
  candidates: count,
  newHits: count,
  refreshedHits: count,
});
export type ScreeningRunResponse = z.input<typeof ScreeningRunResponse>;

/** POST /screening/persons/:id/screen: the run, whether the person may be a minor, and the person's hits after it. */
export const ScreeningRequestResponse = z.object({
  personId: z.string(),
  minor: z.boolean(),
  result: ScreeningRunResponse,
  hits: z.array(HitResponse),
});
export type ScreeningRequestResponse = z.input<typeof ScreeningRequestResponse>;
