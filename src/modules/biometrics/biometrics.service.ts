import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import type { IdGenerator } from '../../platform/ids';
import type { Logger } from '../../platform/logger';
import type { Outbox } from '../../platform/outbox';
import { systemActor, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { BiometricPersons } from './biometrics.ports';
import { BiometricCases, type CaseView, type PersonBiometricsView } from './biometrics.cases';
import type { DecisionInput, FingerPosition, VerificationDecision } from './biometrics.domain';
import { BiometricEnrolment, type EnrolResult, type TemplateView } from './biometrics.enrol';
import { BiometricGalleries, type BiometricsOptions, type BiometricsStatus } from './biometrics.galleries';
import { BiometricMatching, type IdentificationView, type Probe, type VerificationDecisionView, type VerificationView } from './biometrics.match';
import { BiometricFingerExceptions, type FingerExceptionView } from './biometrics.fingers';
import { faceQuality, type FaceQualityView } from './biometrics.quality';
import { BiometricPhotos, type PhotoBatch, type PhotoView } from './biometrics.photos';
import { WatchSearch, type WatchProbe, type WatchResult, type WatchSet } from './biometrics.watch';
import type { FingerExceptionKind, PhotoSize } from './biometrics.domain';
import { identifyWithin, type WithinIdentification } from './biometrics.identify-within';
import { SealedFaces } from './biometrics.sealed-face';
import { matchedVerificationsOf, sealedTemplates } from './biometrics.repository';
import { resealForHeadquarters } from './biometrics.identity-compare';
import type { TransitRecipient } from './template-transit';

/**
 * Biometric enrolment, verification, identification and de-duplication over encrypted templates. Galleries live in
 * memory (faces per model tag, fingerprints apart), loaded from the database on first use (or `start()`), kept current
 * on every enrolment and erasure, and re-synchronised when another process changed the templates. The face engine
 * (TensorFlow) is loaded only when a face is first processed.
 *
 * The module's one entry point: each use case lives in its own file (`biometrics.enrol.ts`, `biometrics.match.ts`,
 * `biometrics.cases.ts`, `biometrics.galleries.ts`, where their rules are explained) and this class hands every call
 * to it.
 */
export class BiometricsService {
  private readonly galleries: BiometricGalleries;
  private readonly enrolment: BiometricEnrolment;
  private readonly matching: BiometricMatching;
  private readonly cases: BiometricCases;
  private readonly photos: BiometricPhotos;
  private readonly fingerExceptions: BiometricFingerExceptions;
  private readonly withinDeps: Parameters<typeof identifyWithin>[0];
  private readonly watch: WatchSearch;
  /** Faces of people who are not persons in custody (guards), sealed for the caller's own table (biometrics.sealed-face.ts). */
  readonly sealedFaces: SealedFaces;

  constructor(
    db: Db,
    clock: Clock,
    ids: IdGenerator,
    audit: AuditService,
    outbox: Outbox,
    registry: BiometricPersons,
    logger: Logger,
    opts: BiometricsOptions & { ephemeralKeyAllowed?: boolean } = {},
  ) {
    this.galleries = new BiometricGalleries(db, logger, opts);
    this.photos = new BiometricPhotos(db, clock, ids, audit, outbox, registry, this.galleries);
    this.fingerExceptions = new BiometricFingerExceptions(db, clock, ids, audit, outbox, registry);
    this.enrolment = new BiometricEnrolment(db, clock, ids, audit, outbox, registry, this.galleries, this.photos, this.fingerExceptions);
    this.matching = new BiometricMatching(db, clock, ids, audit, outbox, registry, this.galleries);
    this.cases = new BiometricCases(db, clock, audit, outbox, registry);
    this.withinDeps = { db, clock, ids, audit, outbox, registry, galleries: this.galleries };
    this.watch = new WatchSearch(this.galleries);
    this.sealedFaces = new SealedFaces(this.galleries);
  }

  /** Loads the key and both galleries now (servers call this at start; otherwise the first use does it). */
  start(): Promise<void> {
    return this.galleries.start();
  }

  /** Stops the face engine, if it was started. */
  close(): Promise<void> {
    return this.galleries.close();
  }

  // ---- enrolment and erasure (biometrics.enrol.ts) ------------------------------------------------------------------

  enrolFace(actor: Actor, personId: string, image: Uint8Array): Promise<EnrolResult> {
    return this.enrolment.enrolFace(actor, personId, image);
  }

  enrolFingerprint(actor: Actor, personId: string, position: FingerPosition, image: Uint8Array, dpi?: number): Promise<EnrolResult> {
    return this.enrolment.enrolFingerprint(actor, personId, position, image, dpi);
  }

  /** Erases a template: the envelope is overwritten in the database and the vector leaves the gallery; audited. */
  erase(actor: Actor, personId: string, templateId: string, reason: string): Promise<TemplateView> {
    return this.enrolment.erase(actor, personId, templateId, reason);
  }

  // ---- record photos (biometrics.photos.ts) and missing fingers (biometrics.fingers.ts) -----------------------------

  /** Sets the record photo from an image (the face is found and the portrait cut around it); replaces the previous one. */
  setPhoto(actor: Actor, personId: string, image: Uint8Array): Promise<PhotoView> {
    return this.photos.set(actor, personId, image);
  }

  /** Erases the record photo with a reason; audited. */
  erasePhoto(actor: Actor, personId: string, reason: string): Promise<PhotoView> {
    return this.photos.erase(actor, personId, reason);
  }

  /** The photo's JPEG for a reader of the person record (persons.read, in scope); audited with the purpose. */
  photo(actor: Actor, personId: string, size: PhotoSize): Promise<{ jpeg: Buffer; photoId: string }> {
    return this.photos.read(actor, personId, size);
  }

  /** Photos of a page of a list: those the caller may see; each one shown is audited as a read of that record. */
  photoBatch(actor: Actor, personIds: string[], size: PhotoSize): Promise<PhotoBatch> {
    return this.photos.batch(actor, personIds, size);
  }

  /** Records a finger as missing (amputated XX, unable to print UP, bandaged UP temporary). */
  recordFingerException(
    actor: Actor,
    personId: string,
    position: FingerPosition,
    input: { kind: FingerExceptionKind; note?: string },
  ): Promise<FingerExceptionView> {
    return this.fingerExceptions.record(actor, personId, position, input);
  }

  /** Withdraws a missing-finger record with a reason. */
  endFingerException(actor: Actor, personId: string, position: FingerPosition, reason: string): Promise<FingerExceptionView> {
    return this.fingerExceptions.end(actor, personId, position, reason);
  }

  /** The face engine's verdict on a frame (nothing stored): live guidance before an enrolment or a probe. */
  faceQuality(actor: Actor, image: Uint8Array, purpose: 'enrol' | 'probe'): Promise<FaceQualityView> {
    return faceQuality(this.galleries, actor, image, purpose);
  }

  /**
   * For other modules whose screens capture a probe without reading biometrics (the checkpoint page): the engine's
   * verdict on a frame. Nothing is stored and no person is named, so the caller's own permission is enough.
   */
  probeQuality(image: Uint8Array): Promise<FaceQualityView> {
    return faceQuality(this.galleries, systemActor('probe quality'), image, 'probe');
  }

  // ---- verification and identification (biometrics.match.ts) --------------------------------------------------------

  /** 1:1: is this the claimed person? Recorded; the record's id is the reference a roll-call mark or event carries. */
  verify(actor: Actor, input: Probe & { personId: string; fingerPosition?: FingerPosition }): Promise<VerificationView> {
    return this.matching.verify(actor, input);
  }

  /** 1:N: the enrolled persons most like the probe, above the identification threshold, among those the caller may see. */
  identify(actor: Actor, input: Probe & { limit?: number }): Promise<IdentificationView> {
    return this.matching.identify(actor, input);
  }

  /**
   * 1:N within a closed gallery (a movement's manifest, which the calling module authorised), then, when nobody
   * there matched, against everyone enrolled in the caller's scope (biometrics.identify-within.ts).
   */
  identifyWithin(
    actor: Actor,
    input: Probe & { personIds: readonly string[]; limit?: number; context?: Record<string, unknown> },
  ): Promise<WithinIdentification> {
    return identifyWithin(this.withinDeps, actor, input);
  }

  /** A recorded verification or identification (the reference cited by roll-call marks and custody events). */
  verification(actor: Actor, id: string): Promise<VerificationView & { candidates?: { personId: string; score: number }[] }> {
    return this.matching.verification(actor, id);
  }

  /** An officer's decision on a 1:1 verification (confirmed or not, with a reason against the engine); audited. */
  decideVerification(actor: Actor, id: string, input: { decision: VerificationDecision; reason?: string }): Promise<VerificationDecisionView> {
    return this.matching.decide(actor, id, input);
  }

  /** For other modules: whether `verificationId` is a successful 1:1 verification of `personId`. */
  isMatchFor(db: Db, verificationId: string, personId: string): Promise<boolean> {
    return this.matching.isMatchFor(db, verificationId, personId);
  }

  /** Why a cited verification cannot back a record about `personId` (null when it can). */
  /**
   * A person's live templates as stored: sealed envelopes, never opened here (a site sends them to headquarters with
   * the person's identity, sync). At most `limit`, newest first.
   */
  sealedTemplatesOf(db: Db, personId: string, limit = 20) {
    return sealedTemplates(db, personId, limit);
  }

  /**
   * For replication (issue 22): a person's live templates as they go up to headquarters, each also re-sealed to
   * headquarters' identity key when the site has one (`forHq`), so headquarters can compare it with other sites'
   * records. A template that fails to open here goes up without `forHq`.
   */
  async templatesForHeadquarters(db: Db, personId: string, siteId: string, recipient: TransitRecipient | null, limit = 20) {
    const rows = await sealedTemplates(db, personId, limit);
    const key = recipient ? await this.galleries.templateKey() : null;
    return rows.map((row) => {
      let forHq: Buffer | undefined;
      if (key && recipient) {
        try {
          forHq = resealForHeadquarters(key, recipient, siteId, { id: row.id, personId, model: row.model, envelope: row.envelope });
        } catch {
          forHq = undefined;
        }
      }
      return { ...row, forHq };
    });
  }

  /**
   * For other modules (the legal case's dossier): the person's matched 1:1 verifications, newest first, to pick one to
   * cite instead of typing its reference. The caller checks the reader's scope on the person.
   */
  matchedVerificationsOf(db: Db, personId: string, limit = 20): Promise<{ id: string; modality: string; at: Date }[]> {
    return matchedVerificationsOf(db, personId, limit);
  }

  citedVerificationProblem(db: Db, verificationId: string, claim: { personId: string; modality?: 'face' | 'fingerprint'; at?: Date }): Promise<string | null> {
    return this.matching.citedVerificationProblem(db, verificationId, claim);
  }

  /**
   * For other modules (sightings): 1:N of a checkpoint's face and fingerprints over a set of persons (the wanted
   * gallery) or, without one, everyone enrolled. Unusable inputs come back as retakes. Records nothing and authorises
   * nothing: the caller does both, and never shows the persons found to the one who asked.
   */
  watchSearch(probe: WatchProbe, among: WatchSet | null): Promise<WatchResult> {
    return this.watch.search(probe, among);
  }

  // ---- records and duplicate cases (biometrics.cases.ts) ------------------------------------------------------------

  forPerson(actor: Actor, personId: string): Promise<PersonBiometricsView> {
    return this.cases.forPerson(actor, personId);
  }

  duplicates(actor: Actor, filter: { status?: string; personId?: string; limit: number; offset: number }): Promise<CaseView[]> {
    return this.cases.duplicates(actor, filter);
  }

  duplicatesPage(actor: Actor, filter: { status?: string; personId?: string; limit: number; offset: number }): Promise<{ total: number; rows: CaseView[] }> {
    return this.cases.duplicatesPage(actor, filter);
  }

  duplicate(actor: Actor, id: string): Promise<CaseView> {
    return this.cases.duplicate(actor, id);
  }

  /** A registrar's decision on a duplicate case: same person (both records kept, linked) or different persons. */
  decide(actor: Actor, id: string, input: DecisionInput & { reviewOn?: string }): Promise<CaseView> {
    return this.cases.decide(actor, id, input);
  }

  // ---- galleries (biometrics.galleries.ts) --------------------------------------------------------------------------

  /** Gallery sizes, model tags and the thresholds in force, each with the false-match rate it targets. */
  status(actor: Actor): Promise<BiometricsStatus> {
    return this.galleries.status(actor);
  }
}
