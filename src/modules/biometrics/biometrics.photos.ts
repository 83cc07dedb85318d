import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { BiometricPersons } from './biometrics.ports';
import { PhotoErased, PhotoSet } from './biometrics.events';
import { checkImage, PHOTO_ENVELOPE_MODEL, photoBinding, type PhotoSize, type PhotoSource } from './biometrics.domain';
import type { PhotoBatchResponse, PhotoResponse } from './biometrics.dto';
import type { BiometricGalleries } from './biometrics.galleries';
import { portraitImages, type PortraitImages } from './biometrics.photo-image';
import { erasePhoto, findPhoto, insertPhoto, livePhoto, livePhotoEnvelopes, type PhotoMeta } from './biometrics.repository';
import { openTemplate, sealTemplate, zeroize } from './template-crypto';

export type PhotoView = z.output<typeof PhotoResponse>;
export type PhotoBatch = z.output<typeof PhotoBatchResponse>;

/** A portrait sealed for one person and row, ready to be stored in a transaction. */
export interface SealedPhoto {
  id: string;
  personId: string;
  full: Buffer;
  thumb: Buffer;
  width: number;
  height: number;
}

/**
 * Record photos: the companions of the templates, not templates. A face enrolment keeps the portrait of its capture;
 * a photo can also be set on its own (the face is found, the portrait cut around it). Sealed with the template key
 * (AES-256-GCM, bound to person, row and size), one live photo per person, erasable with a reason. Reading a photo is
 * reading the person record: the roles that may read the record, in their scope, each read audited with its purpose.
 */
export class BiometricPhotos {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly registry: BiometricPersons,
    private readonly galleries: BiometricGalleries,
  ) {}

  /** Seals a portrait (outside any transaction: encryption and JPEG work are not held under locks). */
  async seal(personId: string, portrait: PortraitImages): Promise<SealedPhoto> {
    const key = await this.galleries.templateKey();
    const id = this.ids.next();
    try {
      return {
        id,
        personId,
        full: sealTemplate(key, portrait.full, { model: PHOTO_ENVELOPE_MODEL, bindTo: photoBinding(personId, id, 'full') }),
        thumb: sealTemplate(key, portrait.thumb, { model: PHOTO_ENVELOPE_MODEL, bindTo: photoBinding(personId, id, 'thumb') }),
        width: portrait.width,
        height: portrait.height,
      };
    } finally {
      zeroize(portrait.full);
      zeroize(portrait.thumb);
    }
  }

  /** In the caller's transaction: the sealed photo becomes the person's photo (the previous one erased), audited. */
  async saveInTx(tx: Db, actor: Actor, sealed: SealedPhoto, source: PhotoSource, templateId: string | null): Promise<{ replacedPhotoId: string | null }> {
    const now = this.clock.now();
    const previous = await livePhoto(tx, sealed.personId, true);
    const why = source === 'face_enrolment' ? 'replaced by the photo of a face enrolment' : 'replaced by another photo';
    if (previous) await erasePhoto(tx, previous.id, now, actor, why);
    await insertPhoto(tx, {
      id: sealed.id,
      personId: sealed.personId,
      source,
      templateId,
      fullEnvelope: sealed.full,
      thumbEnvelope: sealed.thumb,
      width: sealed.width,
      height: sealed.height,
      createdAt: now,
      createdBy: actor.userId,
      createdByUsername: actor.username,
    });
    await this.audit.record(tx, actor, {
      action: 'biometrics.photo_set',
      subjectType: 'person',
      subjectId: sealed.personId,
      details: { photoId: sealed.id, source, templateId, replacedPhotoId: previous?.id ?? null },
    });
    this.outbox.emit(
      tx,
      PhotoSet,
      { photoId: sealed.id, personId: sealed.personId, source, templateId, replacedPhotoId: previous?.id ?? null },
      { subjects: { personIds: [sealed.personId] } },
    );
    return { replacedPhotoId: previous?.id ?? null };
  }

  /** Sets a photo on its own: the face is found (leniently, as for a probe) and the portrait cut around it. */
  async set(actor: Actor, personId: string, image: Uint8Array): Promise<PhotoView> {
    requirePermission(actor, 'biometrics.enrol');
    checkImage(image);
    await this.registry.loadInScope(this.db, actor, personId);
    const engine = await this.galleries.faceEngine();
    const t = await engine.extract(image, { purpose: 'probe' });
    const sealed = await this.seal(personId, await portraitImages(image, t.box));
    await this.outbox.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      await this.saveInTx(tx, actor, sealed, 'upload', null);
    });
    return photoView((await findPhoto(this.db, sealed.id))!);
  }

  /** Erases the person's photo (both sizes), with a reason; audited. */
  async erase(actor: Actor, personId: string, reason: string): Promise<PhotoView> {
    requirePermission(actor, 'biometrics.enrol');
    let id = '';
    await this.outbox.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      const photo = await livePhoto(tx, personId, true);
      if (!photo) throw new NotFoundError('biometrics.no_photo', `Person ${personId} has no photo`);
      id = photo.id;
      await erasePhoto(tx, photo.id, this.clock.now(), actor, reason);
      await this.audit.record(tx, actor, {
        action: 'biometrics.photo_erased',
        subjectType: 'person',
        subjectId: personId,
        details: { photoId: photo.id, reason },
      });
      this.outbox.emit(tx, PhotoErased, { photoId: photo.id, personId, reason }, { subjects: { personIds: [personId] } });
    });
    const row = await findPhoto(this.db, id);
    if (!row?.erasedAt) throw new ConflictError('biometrics.photo_changed', 'The photo changed meanwhile; read the record again');
    return photoView(row);
  }

  /** The JPEG of the person's photo for a reader of the record, in scope; the read is audited with its purpose. */
  async read(actor: Actor, personId: string, size: PhotoSize): Promise<{ jpeg: Buffer; photoId: string }> {
    requirePermission(actor, 'persons.read');
    const key = await this.galleries.templateKey();
    return this.db.transaction(async (tx) => {
      await this.registry.loadInScope(tx, actor, personId);
      const [row] = await livePhotoEnvelopes(tx, [personId], size);
      if (!row) throw new NotFoundError('biometrics.no_photo', `Person ${personId} has no photo`);
      const jpeg = this.open(key, row, size);
      await this.audit.record(tx, actor, { action: 'person.photo_read', subjectType: 'person', subjectId: personId, details: { photoId: row.id, size } });
      return { jpeg, photoId: row.id };
    });
  }

  /**
   * Photos of many persons at once (a page of a list): those with a photo that the caller may see, as data: URLs.
   * Persons out of scope or unknown are left out exactly like persons without a photo. Each photo shown is audited as a
   * read of that person's record, with the purpose, in the same transaction.
   */
  async batch(actor: Actor, personIds: string[], size: PhotoSize): Promise<PhotoBatch> {
    requirePermission(actor, 'persons.read');
    const key = await this.galleries.templateKey();
    return this.db.transaction(async (tx) => {
      const visible = await this.registry.inScopeAmong(tx, actor, personIds);
      const rows = await livePhotoEnvelopes(tx, [...visible], size);
      const order = new Map(personIds.map((id, i) => [id, i]));
      rows.sort((a, b) => order.get(a.personId)! - order.get(b.personId)!);
      const photos = rows.map((r) => ({
        personId: r.personId,
        photoId: r.id,
        dataUrl: `data:image/jpeg;base64,${this.open(key, r, size).toString('base64')}`,
      }));
      if (photos.length > 0) {
        await this.audit.record(
          tx,
          actor,
          photos.map((p) => ({
            action: 'person.photo_read',
            subjectType: 'person',
            subjectId: p.personId,
            details: { photoId: p.photoId, size, batch: true },
          })),
        );
      }
      return { photos };
    });
  }

  /** The live photo's metadata (for GET /persons/:id/biometrics; the caller has checked scope and audits). */
  async meta(db: Db, personId: string): Promise<PhotoView | null> {
    const row = await livePhoto(db, personId);
    return row ? photoView(row) : null;
  }

  private open(key: Awaited<ReturnType<BiometricGalleries['templateKey']>>, row: { id: string; personId: string; envelope: Buffer }, size: PhotoSize): Buffer {
    return openTemplate(key, row.envelope, { expectModel: PHOTO_ENVELOPE_MODEL, bindTo: photoBinding(row.personId, row.id, size) }).data;
  }
}

export function photoView(p: PhotoMeta): PhotoView {
  return {
    id: p.id,
    personId: p.personId,
    source: p.source as PhotoSource,
    templateId: p.templateId,
    width: p.width,
    height: p.height,
    createdAt: p.createdAt,
    createdBy: p.createdByUsername,
    erasedAt: p.erasedAt,
    erasedBy: p.erasedByUsername,
    eraseReason: p.eraseReason,
  };
}
