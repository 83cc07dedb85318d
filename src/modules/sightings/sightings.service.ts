import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { UUID_PATTERN } from '../../platform/ids';
import { join } from 'node:path';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import { eventsOf, type DomainEvent, type Outbox } from '../../platform/outbox';
import { hasPermission, requirePermission, systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import { fuseEvidence, recordedBirthYear, type FusionEvidence, type FusionResult, type WatchHit, type WatchProbe, type WatchSet } from '../biometrics';
import { AlertRaised } from '../alerts';
import { CustodyEventAppended } from '../custody';
import { compareNames } from '../names';
import { possiblyMinor, type PersonView } from '../registry';
import {
  approvalProblem,
  checkReference,
  daysAtLarge,
  exportProblem,
  instructionFor,
  noticeContent,
  readDocumentNumber,
  recipientProblem,
  wantedStatusOf,
  type CheckMethod,
  type CheckOutcome,
  type CheckScope,
  type Instruction,
  type NoticeField,
  type NoticeStatus,
  type RecipientKind,
  type Retake,
  type WantedStatus,
} from './sightings.domain';
import type {
  CheckLogResponse,
  CheckResponse,
  FiguresResponse,
  NoticeBody,
  NoticeResponse,
  RecaptureBody,
  ReportBody,
  SightingResponse,
  WantedResponse,
} from './sightings.dto';
import { CheckpointChecked, NoticeExported, SightingDecided, SightingReported } from './sightings.events';
import { facilityScope, requireAdmissionInScope, requireSightingInScope } from './sightings.policy';
import type { SightingsPorts } from './sightings.ports';
import {
  bumpGalleryVersion,
  checksPage,
  decideSighting,
  deleteWanted,
  deleteWantedFromHq,
  figuresRows,
  findNotice,
  findSighting,
  galleryVersion,
  insertApproval,
  insertCheck,
  insertNotice,
  insertRecapture,
  insertSighting,
  lastSightingOf,
  markRecaptured,
  noticesPage,
  personsWithDocument,
  saveSigningKey,
  setAlertedAt,
  setExported,
  sightingsPage,
  signingKey,
  upsertWanted,
  upsertWantedFromHq,
  wantedIds,
  wantedOf,
  wantedPage,
  type CheckRow,
  type NoticeRow,
  type SightingRow,
} from './sightings.repository';
import { newNoticeKeyPair, publicKeyOfPem, signNotice, type SignedNotice } from './sightings.signatures';

export type CheckView = z.output<typeof CheckResponse>;
export type CheckLogView = z.output<typeof CheckLogResponse>;
export type WantedView = z.output<typeof WantedResponse>;
export type SightingView = z.output<typeof SightingResponse>;
export type NoticeView = z.output<typeof NoticeResponse>;
export type FiguresView = z.output<typeof FiguresResponse>;

/** A checkpoint's request once the images are bytes. */
export interface CheckRequest {
  place: string;
  latitude?: number;
  longitude?: number;
  scope: CheckScope;
  face?: Uint8Array;
  fingerprints?: { image: Uint8Array; dpi?: number }[];
  document?: { number: string; name?: string; birthYear?: number };
}

/** The false-match rate a fused checkpoint hit is held to: the same as a single modality's identification. */
const CHECK_FUSION_FMR = 1e-4;
/** Persons below the threshold fused with the document at most per check (the strongest candidates). */
const MAX_FUSED_CANDIDATES = 10;

const round1 = (x: number) => Math.round(x * 10) / 10;

/** How alike a name given at a checkpoint must be to the document holder's for a document number to count. */
const DOCUMENT_NAME_MIN = 0.75;

const MESSAGES: Record<CheckOutcome, string> = {
  detain: 'Hold the person and call the investigators on duty; quote the reference. Do not tell the person why.',
  report_and_release: 'Let the person go; the check is reported with its reference.',
  refer_child_protection: 'Do not detain. Keep the child safe and call child protection; quote the reference.',
  no_match: 'No match. The check is recorded with its reference.',
  retake: 'The input could not be used: retake what is listed and check again.',
};

/**
 * Escaped persons (issue 19): the wanted gallery kept from the ledger, checkpoint checks that answer with an
 * instruction and a reference (never a name), sightings confirmed or rejected by an investigator, the recapture that
 * closes the loop on the ledger, and notices to states under a two-person sharing decision, signed.
 */
export class SightingsService {
  /** The wanted persons' ids as last read, by gallery version (a check re-reads them only after a change). */
  private members: { version: number; ids: string[] } | null = null;
  private readonly memoryKeys = new Map<string, string>();

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: SightingsPorts,
    private readonly logger: Logger,
    private readonly siteId: string,
    private readonly dataDir?: string,
  ) {}

  // ---- the wanted gallery (outbox consumer `sightings.wanted`) -------------------------------------------------------

  /** Every ledger event: a person who becomes escaped or unaccounted joins the gallery; any other status leaves it. */
  async onLedgerChanged(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    const now = this.clock.now();
    const leave: string[] = [];
    let changed = false;
    for (const { payload: e } of eventsOf(CustodyEventAppended, events)) {
      const status = wantedStatusOf(e.statusAfter);
      if (status) {
        await upsertWanted(tx, {
          personId: e.personId,
          status,
          since: new Date(e.occurredAt),
          facilityId: e.fromFacilityId,
          ledgerEventId: e.eventId,
          now,
        });
        const i = leave.indexOf(e.personId);
        if (i >= 0) leave.splice(i, 1);
        changed = true;
      } else {
        // Every recapture counts, through this module or written straight to the ledger: kept before the person
        // leaves the gallery, with the facility they had left and since when.
        if (e.type === 'RECAPTURED') {
          const sightingId = typeof e.evidence?.sightingId === 'string' && UUID_PATTERN.test(e.evidence.sightingId) ? e.evidence.sightingId : null;
          await insertRecapture(tx, {
            ledgerEventId: e.eventId,
            personId: e.personId,
            at: new Date(e.occurredAt),
            admittedTo: e.toFacilityId,
            sightingId,
            recordedAt: new Date(e.recordedAt),
          });
        }
        leave.push(e.personId);
      }
    }
    if ((await deleteWanted(tx, leave)) > 0) changed = true;
    if (changed) await bumpGalleryVersion(tx);
  }

  /**
   * The wanted gallery as headquarters sends it (sync, in the transaction that records the item applied): a person
   * wanted elsewhere joins this site's gallery with the names sent; no longer wanted, they leave it. This site's own
   * ledger still decides for the persons it holds.
   */
  async applyWantedFromHqIn(
    tx: Db,
    item: { personId: string; wanted: boolean; names: readonly string[]; status?: WantedStatus; since?: string; fromSite?: string },
    issuedAt: string,
  ): Promise<void> {
    const now = this.clock.now();
    const changed = item.wanted
      ? await upsertWantedFromHq(tx, {
          personId: item.personId,
          status: item.status ?? 'ESCAPED',
          since: new Date(item.since ?? issuedAt),
          names: item.names,
          fromSite: item.fromSite ?? null,
          ledgerEventId: this.ids.next(),
          now,
        })
      : await deleteWantedFromHq(tx, item.personId);
    if (changed) await bumpGalleryVersion(tx);
  }

  /** Alerts raised for sightings (outbox consumer `sightings.alerted`): the first one's instant, for hit-to-alert. */
  async onAlertsRaised(tx: Db, events: readonly DomainEvent[]): Promise<void> {
    for (const { payload } of eventsOf(AlertRaised, events)) {
      const { alert } = payload;
      const sightingId = (alert.details as { sightingId?: unknown } | null | undefined)?.sightingId;
      if (alert.rule !== 'sighting.reported' || typeof sightingId !== 'string' || !UUID_PATTERN.test(sightingId)) continue;
      await setAlertedAt(tx, sightingId, new Date(alert.raisedAt));
    }
  }

  private async wantedSet(): Promise<WatchSet> {
    const version = await galleryVersion(this.db);
    if (this.members?.version !== version) this.members = { version, ids: await wantedIds(this.db) };
    return { version: `${this.siteId}:${version}`, personIds: this.members.ids };
  }

  async wanted(actor: Actor, page: { limit: number; offset: number }): Promise<{ total: number; rows: WantedView[] }> {
    requirePermission(actor, 'sightings.read');
    const now = this.clock.now();
    const { total, rows } = await wantedPage(this.db, facilityScope(actor), page);
    const readNames = hasPermission(actor.role, 'persons.read');
    const out: WantedView[] = [];
    await this.db.transaction(async (tx) => {
      for (const r of rows) {
        const person = await this.ports.persons.loadInScope(tx, actor, r.person_id).catch(() => null);
        out.push({
          personId: r.person_id,
          // a person headquarters sent has no record here: the name it sent is shown to whoever may read names (only
          // unscoped readers see these rows: they belong to no facility of this site)
          name: readNames && (person || r.source === 'hq') ? r.name : null,
          status: r.status,
          since: r.since,
          facilityId: r.facility_id,
          facility: r.facility,
          minor: person?.possiblyMinor ?? false,
          daysAtLarge: daysAtLarge(r.since, now),
        });
      }
      if (readNames && out.length) {
        await this.audit.record(tx, actor, {
          action: 'sightings.wanted_read',
          subjectType: 'person_list',
          details: { personIds: out.filter((o) => o.name !== null).map((o) => o.personId) },
        });
      }
    });
    return { total, rows: out };
  }

  // ---- checkpoint checks ---------------------------------------------------------------------------------------------

  /**
   * A check at a checkpoint: 1:N of the face and fingerprints over the wanted gallery (or the whole registry, for
   * roles allowed to), and the document number. The answer is an instruction and a reference; every check is logged
   * with place and time, hit or not, and a hit on a wanted person becomes a sighting (alerted through the outbox).
   */
  async check(actor: Actor, input: CheckRequest): Promise<CheckView> {
    requirePermission(actor, 'sightings.check');
    if (input.scope === 'registry') requirePermission(actor, 'sightings.check_registry');
    if (!input.face && !input.fingerprints?.length && !input.document) {
      throw new ValidationError('sightings.nothing_to_check', 'Give a face photo, one or more fingerprints, or a document number (with the name on it)');
    }
    const retake: Retake[] = [];
    let docNumber: string | null = null;
    if (input.document) {
      const read = readDocumentNumber(input.document.number);
      if (read.ok) docNumber = read.value;
      else retake.push({ input: 'document', code: 'sightings.document_number_format', message: `${read.message}: retype the number` });
    }
    const among = input.scope === 'wanted' ? await this.wantedSet() : null;
    const probe: WatchProbe = { face: input.face, fingerprints: input.fingerprints };
    const found =
      input.face || input.fingerprints?.length ? await this.ports.biometrics.watchSearch(probe, among) : { hits: [], candidates: [], retakes: [], searched: 0 };
    retake.push(
      ...found.retakes.map((r) => ({
        ...r,
        message: `${r.message}: ${r.input === 'face' ? 'take the face photo again, facing the camera in good light' : 'take this finger again, pressed flat and dry'}`,
      })),
    );
    let best: { personId: string; method: CheckMethod; score: number | null; threshold: number | null; fusion?: FusionResult } | null = found.hits[0]
      ? { personId: found.hits[0].personId, method: found.hits[0].modality, score: found.hits[0].score, threshold: found.hits[0].threshold }
      : null;
    // A biometric hit stands alone (a document can be false: it is never used against a face or finger that
    // identifies at the target rate), but the evidence is fused and recorded beside it. Short of a hit, a face or
    // finger that leans towards a person is fused with the name and birth year the document gives.
    if (best) {
      const forBest = [...found.hits, ...found.candidates].filter((h) => h.personId === best!.personId);
      best.fusion = (await this.fuseWithDocument(best.personId, forBest, input.document)).fusion;
    } else if (found.candidates.length > 0 && (input.document?.name || input.document?.birthYear !== undefined)) {
      const byPerson = new Map<string, WatchHit[]>();
      for (const h of found.candidates) byPerson.set(h.personId, [...(byPerson.get(h.personId) ?? []), h]);
      let top: { personId: string; fusion: FusionResult; lead: WatchHit } | null = null;
      for (const [personId, hits] of [...byPerson].slice(0, MAX_FUSED_CANDIDATES)) {
        const f = await this.fuseWithDocument(personId, hits, input.document);
        if (f.fusion.meetsTarget && (!top || f.fusion.log10Lr > top.fusion.log10Lr)) top = { personId, fusion: f.fusion, lead: f.lead };
      }
      if (top) best = { personId: top.personId, method: top.lead.modality, score: top.lead.score, threshold: top.lead.threshold, fusion: top.fusion };
    }
    if (!best && docNumber) {
      for (const personId of await personsWithDocument(this.db, docNumber, input.scope === 'wanted')) {
        if (input.document?.name) {
          const names = await this.ports.persons.loadInScope(this.db, systemActor('checkpoint check'), personId).then((p) => p.names.map((n) => n.full));
          const score = Math.max(0, ...names.map((n) => compareNames(n, input.document!.name!).score));
          if (score < DOCUMENT_NAME_MIN) continue;
          best = { personId, method: 'document', score, threshold: DOCUMENT_NAME_MIN };
        } else {
          best = { personId, method: 'document', score: null, threshold: null };
        }
        break;
      }
    }
    const at = this.clock.now();
    const checkId = this.ids.next();
    const reference = checkReference(checkId, at);
    const wanted = best ? await wantedOf(this.db, best.personId) : undefined;
    let person: PersonView | null = null;
    if (best) person = await this.ports.persons.loadInScope(this.db, systemActor('checkpoint check'), best.personId);
    const instruction: Instruction | null = best
      ? instructionFor({ wanted: wanted?.status ?? null, minor: person?.possiblyMinor ?? false })
      : retake.length > 0
        ? null
        : 'no_match';
    const outcome: CheckOutcome = instruction ?? 'retake';
    const modalities = [input.face ? 'face' : null, input.fingerprints?.length ? 'fingerprint' : null, input.document ? 'document' : null].filter(
      (m): m is string => m !== null,
    );
    const sightingId = best && wanted ? this.ids.next() : null;
    await this.outbox.transaction(async (tx) => {
      const row: CheckRow = {
        id: checkId,
        reference,
        at,
        place: input.place,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        officer_id: actor.userId,
        officer: actor.username,
        scope: input.scope,
        modalities,
        outcome,
        retake: retake.length ? retake : null,
        person_id: best?.personId ?? null,
        method: best?.method ?? null,
        score: best?.score ?? null,
        sighting_id: sightingId,
      };
      await insertCheck(tx, row);
      if (best && wanted && sightingId) {
        await insertSighting(tx, {
          id: sightingId,
          person_id: best.personId,
          at,
          place: input.place,
          latitude: input.latitude ?? null,
          longitude: input.longitude ?? null,
          source: 'check',
          check_id: checkId,
          reported_by: actor.userId,
          reported_by_name: actor.username,
          method: best.method,
          evidence: { checkId, reference, score: best.score, threshold: best.threshold, scope: input.scope, fusion: best.fusion ?? null },
          facility_id: wanted.facility_id,
          minor: person?.possiblyMinor ?? false,
          status: 'reported',
          decided_by: null,
          decided_at: null,
          decision_reason: null,
          recaptured_at: null,
          recapture_facility_id: null,
          recorded_at: at,
        });
        this.outbox.emit(
          tx,
          SightingReported,
          {
            sightingId,
            personId: best.personId,
            facilityId: wanted.facility_id,
            at: at.toISOString(),
            place: input.place,
            latitude: input.latitude ?? null,
            longitude: input.longitude ?? null,
            source: 'check',
            method: best.method,
            minor: person?.possiblyMinor ?? false,
            reference,
          },
          { subjects: { personIds: [best.personId], facilityIds: [wanted.facility_id] } },
        );
      }
      await this.audit.record(tx, actor, {
        action: 'sightings.checked',
        subjectType: 'checkpoint_check',
        subjectId: checkId,
        details: {
          reference,
          place: input.place,
          scope: input.scope,
          modalities,
          outcome,
          retake: retake.map((r) => r.code),
          fusion: best?.fusion
            ? { log10Lr: best.fusion.log10Lr, targetFmr: best.fusion.targetFmr, meetsTarget: best.fusion.meetsTarget, combination: best.fusion.combination }
            : null,
        },
      });
      this.outbox.emit(
        tx,
        CheckpointChecked,
        { checkId, reference, at: at.toISOString(), place: input.place, outcome, sightingId },
        { subjects: { personIds: best ? [best.personId] : [] } },
      );
    });
    return { reference, at, outcome, instruction, message: MESSAGES[outcome], retake };
  }

  /**
   * A person's face and finger scores from the probe fused with what the document gives (its name against the
   * person's recorded names, its birth year against the recorded one), at the checkpoint's target FMR. `lead` is the
   * modality that weighs most (what the check records as its method).
   */
  private async fuseWithDocument(
    personId: string,
    hits: readonly WatchHit[],
    document: CheckRequest['document'],
  ): Promise<{ fusion: FusionResult; lead: WatchHit }> {
    const best = (m: WatchHit['modality']) => hits.filter((h) => h.modality === m).sort((a, b) => b.score - a.score)[0];
    const face = best('face');
    const finger = best('fingerprint');
    const evidence: FusionEvidence = { face: face?.score, finger: finger?.score };
    if (document?.name || document?.birthYear !== undefined) {
      const person = await this.ports.persons.loadInScope(this.db, systemActor('checkpoint check'), personId);
      if (document.name) evidence.name = Math.max(0, ...person.names.map((n) => compareNames(n.full, document.name!).score));
      const recorded = recordedBirthYear(person.birth);
      if (document.birthYear !== undefined && recorded !== null) evidence.birthYears = [document.birthYear, recorded];
    }
    const fusion = fuseEvidence(evidence, CHECK_FUSION_FMR);
    const weight = (m: 'face' | 'finger') => fusion.contributions.find((c) => c.evidence === m)?.log10Lr ?? -Infinity;
    const lead = face && (!finger || weight('face') >= weight('finger')) ? face : finger!;
    return { fusion, lead };
  }

  /** The face engine's verdict on a checkpoint's frame, before the check (nothing stored). */
  async faceQuality(actor: Actor, image: Uint8Array) {
    requirePermission(actor, 'sightings.check');
    return this.ports.biometrics.probeQuality(image);
  }

  /** The log of checks (place, time, outcome): no person in it. */
  async checks(actor: Actor, page: { limit: number; offset: number }): Promise<{ total: number; rows: CheckLogView[] }> {
    requirePermission(actor, 'sightings.read');
    const { total, rows } = await checksPage(this.db, page);
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        reference: r.reference,
        at: r.at,
        place: r.place,
        latitude: r.latitude,
        longitude: r.longitude,
        officer: r.officer,
        scope: r.scope,
        modalities: r.modalities,
        outcome: r.outcome as CheckOutcome,
        retake: (r.retake ?? []) as Retake[],
        sightingId: r.sighting_id,
      })),
    };
  }

  // ---- sightings -----------------------------------------------------------------------------------------------------

  /** An investigator's report that a wanted person was seen: a sighting like a checkpoint's, alerted the same way. */
  async report(actor: Actor, input: z.output<typeof ReportBody>): Promise<SightingView> {
    requirePermission(actor, 'sightings.report');
    const id = this.ids.next();
    const now = this.clock.now();
    const at = input.at ? new Date(input.at) : now;
    if (at.getTime() > now.getTime() + 5 * 60_000) throw new ValidationError('sightings.future', 'A sighting cannot be in the future');
    await this.outbox.transaction(async (tx) => {
      const person = await this.ports.persons.loadInScope(tx, actor, input.personId);
      const wanted = await wantedOf(tx, input.personId);
      if (!wanted) throw new ConflictError('sightings.not_wanted', 'This person is not escaped or unaccounted: a sighting is of a wanted person');
      await insertSighting(tx, {
        id,
        person_id: input.personId,
        at,
        place: input.place,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        source: 'report',
        check_id: null,
        reported_by: actor.userId,
        reported_by_name: actor.username,
        method: input.method,
        evidence: input.note ? { note: input.note } : {},
        facility_id: wanted.facility_id,
        minor: person.possiblyMinor,
        status: 'reported',
        decided_by: null,
        decided_at: null,
        decision_reason: null,
        recaptured_at: null,
        recapture_facility_id: null,
        recorded_at: now,
      });
      await this.audit.record(tx, actor, {
        action: 'sightings.reported',
        subjectType: 'person',
        subjectId: input.personId,
        details: { sightingId: id, place: input.place },
      });
      this.outbox.emit(
        tx,
        SightingReported,
        {
          sightingId: id,
          personId: input.personId,
          facilityId: wanted.facility_id,
          at: at.toISOString(),
          place: input.place,
          latitude: input.latitude ?? null,
          longitude: input.longitude ?? null,
          source: 'report',
          method: input.method,
          minor: person.possiblyMinor,
          reference: null,
        },
        { subjects: { personIds: [input.personId], facilityIds: [wanted.facility_id] } },
      );
    });
    return this.sighting(actor, id);
  }

  async sightings(actor: Actor, f: { status?: string; personId?: string; limit: number; offset: number }): Promise<{ total: number; rows: SightingView[] }> {
    requirePermission(actor, 'sightings.read');
    const { total, rows } = await sightingsPage(this.db, { ...f, facilityIds: facilityScope(actor) });
    const readNames = hasPermission(actor.role, 'persons.read');
    if (readNames && rows.length) {
      await this.db.transaction(async (tx) =>
        this.audit.record(tx, actor, {
          action: 'sightings.list_read',
          subjectType: 'person_list',
          details: { personIds: [...new Set(rows.map((r) => r.person_id))] },
        }),
      );
    }
    return { total, rows: rows.map((r) => this.view(r, readNames)) };
  }

  async sighting(actor: Actor, id: string): Promise<SightingView> {
    requirePermission(actor, 'sightings.read');
    return this.present(actor, id);
  }

  /** A sighting the actor may see (the caller checked the permission that lets them act on it), the read audited. */
  private async present(actor: Actor, id: string, opts: { admitted?: boolean } = {}): Promise<SightingView> {
    const row = await findSighting(this.db, id);
    if (!row) throw new NotFoundError('sightings.not_found', `No sighting ${id}`);
    // The officer who just admitted the person sees the sighting behind it, whichever facility the person had left.
    if (!opts.admitted) requireSightingInScope(actor, row);
    const readNames = hasPermission(actor.role, 'persons.read');
    if (readNames) {
      await this.db.transaction(async (tx) =>
        this.audit.record(tx, actor, { action: 'sightings.read', subjectType: 'person', subjectId: row.person_id, details: { sightingId: id } }),
      );
    }
    return this.view(row, readNames);
  }

  /** An investigator confirms (the score never decides alone) or rejects a reported sighting, with a reason. */
  async decide(actor: Actor, id: string, decision: 'confirmed' | 'rejected', reason: string | null): Promise<SightingView> {
    requirePermission(actor, 'sightings.decide');
    if (decision === 'rejected' && !reason) throw new ValidationError('sightings.reason_required', 'Say why the sighting is rejected');
    await this.outbox.transaction(async (tx) => {
      const row = await findSighting(tx, id, { lock: true });
      if (!row) throw new NotFoundError('sightings.not_found', `No sighting ${id}`);
      requireSightingInScope(actor, row);
      if (row.status !== 'reported') {
        throw new ConflictError('sightings.already_decided', `This sighting is already ${row.status}`, { status: row.status });
      }
      await decideSighting(tx, id, { status: decision, by: actor.username, at: this.clock.now(), reason });
      await this.audit.record(tx, actor, {
        action: `sightings.${decision}`,
        subjectType: 'person',
        subjectId: row.person_id,
        details: { sightingId: id, reason },
      });
      this.outbox.emit(
        tx,
        SightingDecided,
        { sightingId: id, personId: row.person_id, decision, by: actor.username, reason },
        { subjects: { personIds: [row.person_id], facilityIds: [row.facility_id] } },
      );
    });
    return this.sighting(actor, id);
  }

  /**
   * From a confirmed sighting: RECAPTURED on the ledger, admitting the person to a facility, with the sighting as
   * evidence. The ledger's consumer then takes the person out of the wanted gallery.
   */
  async recapture(actor: Actor, id: string, input: z.output<typeof RecaptureBody>): Promise<{ sighting: SightingView; ledgerEventId: string }> {
    requirePermission(actor, 'sightings.recapture');
    requireAdmissionInScope(actor, input.facilityId);
    let eventId = '';
    await this.outbox.transaction(async (tx) => {
      const row = await findSighting(tx, id, { lock: true });
      if (!row) throw new NotFoundError('sightings.not_found', `No sighting ${id}`);
      if (row.status !== 'confirmed') {
        throw new ConflictError(
          'sightings.not_confirmed',
          row.status === 'recaptured'
            ? 'The recapture from this sighting is already recorded'
            : 'Only a confirmed sighting backs a recapture: an investigator confirms it first',
          { status: row.status },
        );
      }
      await this.ports.facilities.require(tx, input.facilityId);
      const [event] = await this.ports.ledger.appendManyIn(
        tx,
        actor,
        [
          {
            personId: row.person_id,
            type: 'RECAPTURED',
            facilityId: input.facilityId,
            unitId: input.unitId,
            authority: input.authority,
            occurredAt: input.occurredAt,
            evidence: { sightingId: id, checkReference: row.reference ?? null, method: row.method },
          },
        ],
        { auditAction: 'sightings.recaptured', context: { sightingId: id } },
      );
      eventId = event!.id;
      await markRecaptured(tx, id, event!.occurredAt, input.facilityId);
    });
    // An officer records recaptures without reading the sightings list (no `sightings.read`): the answer is this one.
    return { sighting: await this.present(actor, id, { admitted: true }), ledgerEventId: eventId };
  }

  private view(r: SightingRow, readNames: boolean): SightingView {
    return {
      id: r.id,
      personId: r.person_id,
      name: readNames ? (r.name ?? null) : null,
      at: r.at,
      place: r.place,
      latitude: r.latitude,
      longitude: r.longitude,
      source: r.source,
      reference: r.reference ?? null,
      reportedBy: r.reported_by_name,
      method: r.method,
      evidence: r.evidence ?? {},
      facilityId: r.facility_id,
      facility: r.facility ?? null,
      minor: r.minor,
      status: r.status,
      decidedBy: r.decided_by,
      decidedAt: r.decided_at,
      decisionReason: r.decision_reason,
      recapturedAt: r.recaptured_at,
    };
  }

  // ---- figures -------------------------------------------------------------------------------------------------------

  async figures(actor: Actor): Promise<FiguresView> {
    requirePermission(actor, 'sightings.read');
    const f = await figuresRows(this.db, facilityScope(actor));
    const now = this.clock.now();
    const days = f.wanted.map((w) => daysAtLarge(w.since, now)).sort((a, b) => a - b);
    const median = days.length ? days[Math.floor((days.length - 1) / 2)]! : null;
    const alerted = [...f.hitToAlertSeconds].sort((a, b) => a - b);
    return {
      byFacility: f.byFacility.map((r) => ({
        facilityId: r.facility_id,
        facility: r.facility,
        escaped: Number(r.escaped),
        unaccounted: Number(r.unaccounted),
      })),
      byNationality: f.byNationality.map((r) => ({ nationality: r.nationality, escaped: Number(r.escaped), unaccounted: Number(r.unaccounted) })),
      wanted: f.wanted.length,
      // The registry's rule at the time of reading (a child in the gallery is there for protection).
      minors: f.wanted.filter((w) => possiblyMinor({ birthTo: w.birthTo }, now)).length,
      sighted: Number(f.sightings.sighted),
      confirmed: Number(f.sightings.confirmed),
      recaptured: f.recaptured,
      recapturedAfterSighting: Number(f.sightings.recaptured_after_sighting),
      daysAtLarge: { median, max: days.length ? days[days.length - 1]! : null },
      checks: { total: Number(f.checks.total), hits: Number(f.checks.hits), retakes: Number(f.checks.retakes) },
      hitToAlertSeconds: {
        count: alerted.length,
        median: alerted.length ? round1(alerted[Math.floor((alerted.length - 1) / 2)]!) : null,
        max: alerted.length ? round1(alerted[alerted.length - 1]!) : null,
      },
    };
  }

  // ---- notices to states ---------------------------------------------------------------------------------------------

  /** A draft notice: the recipient, the fields chosen one by one and the legal basis; a child's only to child protection. */
  async createNotice(actor: Actor, input: z.output<typeof NoticeBody>): Promise<NoticeView> {
    requirePermission(actor, 'notices.draft');
    const id = this.ids.next();
    await this.db.transaction(async (tx) => {
      const person = await this.ports.persons.loadInScope(tx, actor, input.personId);
      if (!(await wantedOf(tx, input.personId))) {
        throw new ConflictError('sightings.not_wanted', 'A notice is about an escaped or unaccounted person; this person is neither');
      }
      const problem = recipientProblem(person.possiblyMinor, input.recipientKind);
      if (problem) throw new ConflictError('sightings.minor_recipient', problem);
      await insertNotice(tx, {
        id,
        person_id: input.personId,
        recipient: input.recipient,
        recipient_kind: input.recipientKind,
        recipient_country: input.recipientCountry ?? null,
        fields: [...new Set(input.fields)],
        legal_basis: input.legalBasis,
        status: 'draft',
        created_at: this.clock.now(),
        created_by: actor.userId,
        created_by_name: actor.username,
      });
      await this.audit.record(tx, actor, {
        action: 'notices.drafted',
        subjectType: 'person',
        subjectId: input.personId,
        details: { noticeId: id, recipient: input.recipient, recipientKind: input.recipientKind, fields: input.fields, legalBasis: input.legalBasis },
      });
    });
    return this.notice(actor, id);
  }

  async notices(actor: Actor, page: { limit: number; offset: number; personId?: string }): Promise<{ total: number; rows: NoticeView[] }> {
    requirePermission(actor, 'notices.read');
    const { total, rows } = await noticesPage(this.db, page);
    return { total, rows: rows.map(noticeView) };
  }

  async notice(actor: Actor, id: string): Promise<NoticeView> {
    requirePermission(actor, 'notices.read');
    const row = await findNotice(this.db, id);
    if (!row) throw new NotFoundError('sightings.notice_not_found', `No notice ${id}`);
    return noticeView(row);
  }

  /** One approval of the sharing decision; the second must be someone else's. */
  async approveNotice(actor: Actor, id: string): Promise<NoticeView> {
    requirePermission(actor, 'notices.approve');
    await this.db.transaction(async (tx) => {
      const row = await findNotice(tx, id, { lock: true });
      if (!row) throw new NotFoundError('sightings.notice_not_found', `No notice ${id}`);
      const approvers = row.approvals.map((a) => a.user_id);
      const problem = approvalProblem({ status: row.status, approvers }, actor.userId);
      if (problem) throw new ConflictError('sightings.notice_approval_refused', problem);
      const status: NoticeStatus = approvers.length + 1 >= 2 ? 'approved' : 'draft';
      await insertApproval(tx, { noticeId: id, userId: actor.userId!, username: actor.username, at: this.clock.now() }, status);
      await this.audit.record(tx, actor, { action: 'notices.approved', subjectType: 'person', subjectId: row.person_id, details: { noticeId: id } });
    });
    return this.notice(actor, id);
  }

  /** The signed JSON of an approved notice (the same document again once exported). Refused without two approvals. */
  async exportNotice(actor: Actor, id: string): Promise<SignedNotice> {
    requirePermission(actor, 'notices.draft');
    return this.outbox.transaction(async (tx) => {
      const row = await findNotice(tx, id, { lock: true });
      if (!row) throw new NotFoundError('sightings.notice_not_found', `No notice ${id}`);
      if (row.status === 'exported' && row.document) return row.document as SignedNotice;
      const problem = exportProblem({ status: row.status, approvers: row.approvals.map((a) => a.user_id) });
      if (problem) throw new ConflictError('sightings.notice_not_approved', problem);
      const person = await this.ports.persons.loadInScope(tx, actor, row.person_id);
      const refused = recipientProblem(person.possiblyMinor, row.recipient_kind);
      if (refused) throw new ConflictError('sightings.minor_recipient', refused);
      const wanted = await wantedOf(tx, row.person_id);
      const last = await lastSightingOf(tx, row.person_id);
      const content = noticeContent(
        {
          names: person.names.map((n) => n.full),
          sex: person.sex,
          birth: person.birth.label,
          nationalities: person.nationalities.map((n) => n.country),
          documents: person.documents.map((d) => ({ type: d.type, number: d.number, issuingCountry: d.issuingCountry })),
          escape: wanted ? { status: wanted.status, since: wanted.since.toISOString(), facility: wanted.facility } : null,
          lastSighting: last ? { at: last.at.toISOString(), place: last.place, status: last.status } : null,
        },
        row.fields as NoticeField[],
      );
      const now = this.clock.now();
      const keyId = `site:${this.siteId}`;
      const notice = {
        id: row.id,
        issuedAt: now.toISOString(),
        issuer: { site: this.siteId, keyId },
        recipient: { name: row.recipient, kind: row.recipient_kind, country: row.recipient_country },
        legalBasis: row.legal_basis,
        approvedBy: row.approvals.map((a) => ({ username: a.username, at: a.at.toISOString() })),
        subject: { reference: `N-${row.id.replace(/-/g, '').slice(-10).toUpperCase()}`, ...content },
        fields: row.fields,
      };
      const doc = signNotice(notice, await this.privateKey(tx, keyId, now));
      await setExported(tx, id, doc, now, actor.username);
      await this.audit.record(tx, actor, {
        action: 'notices.exported',
        subjectType: 'person',
        subjectId: row.person_id,
        details: { noticeId: id, recipient: row.recipient, recipientKind: row.recipient_kind, fields: row.fields },
      });
      this.outbox.emit(
        tx,
        NoticeExported,
        {
          noticeId: id,
          personId: row.person_id,
          recipient: row.recipient,
          recipientKind: row.recipient_kind as RecipientKind,
          fields: row.fields,
          approvedBy: row.approvals.map((a) => a.username),
        },
        { subjects: { personIds: [row.person_id] } },
      );
      return doc as SignedNotice;
    });
  }

  /** The site's notice key: in the data folder (0600), or in this process only (tests); the public key in the database. */
  private async privateKey(db: Db, keyId: string, now: Date): Promise<string> {
    const file = this.dataDir ? join(this.dataDir, 'signing-keys', `notices-${keyId.replace(/[^A-Za-z0-9_-]/g, '_')}.pem`) : null;
    let pem = this.memoryKeys.get(keyId) ?? (file && existsSync(file) ? readFileSync(file, 'utf8') : undefined);
    const stored = await signingKey(db, keyId);
    if (!pem || !stored || stored !== publicKeyOfPem(pem)) {
      if (!pem) {
        pem = newNoticeKeyPair().privateKeyPem;
        if (file) {
          mkdirSync(join(this.dataDir!, 'signing-keys'), { recursive: true, mode: 0o700 });
          writeFileSync(file, pem, { mode: 0o600 });
        }
      }
      await saveSigningKey(db, keyId, publicKeyOfPem(pem), now);
      this.logger.info({ keyId }, 'sightings: notice signing key registered');
    }
    this.memoryKeys.set(keyId, pem);
    return pem;
  }
}

function noticeView(r: NoticeRow): NoticeView {
  return {
    id: r.id,
    personId: r.person_id,
    recipient: r.recipient,
    recipientKind: r.recipient_kind,
    recipientCountry: r.recipient_country,
    fields: r.fields as NoticeField[],
    legalBasis: r.legal_basis,
    status: r.status,
    createdAt: r.created_at,
    createdBy: r.created_by_name,
    approvals: r.approvals.map((a) => ({ username: a.username, at: a.at })),
    exportedAt: r.exported_at,
  };
}
