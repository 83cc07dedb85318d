import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import { DomainError } from '../../platform/errors';
import type { Logger } from '../../platform/logger';
import { requirePermission, type Actor } from '../access';
import { FINGERPRINT_DECISIONS, FINGERPRINT_MODEL, templateBinding, type Modality } from './biometrics.domain';
import type { BiometricsStatusResponse } from './biometrics.dto';
import { liveSignature, liveTemplateIds, liveTemplates, type TemplateRow } from './biometrics.repository';
import type { FaceEngine } from './face';
import { deserializeTemplate, prepareTemplate, type PreparedTemplate } from './fingerprint';
import { Gallery } from './gallery';
import { bytesToDescriptor, loadTemplateKey, openTemplate, templateKeyFromBytes, zeroize, type TemplateKey } from './template-crypto';

type FaceModule = typeof import('./face');

/** Gallery sizes, model tags and the thresholds in force (GET /biometrics/status). */
export type BiometricsStatus = z.output<typeof BiometricsStatusResponse>;

export interface BiometricsOptions {
  /** Folder of `template.key` (created with mode 0600 when absent) unless CUSTOS_TEMPLATE_KEY is set. */
  dataDir?: string;
  /** A key given directly (tests); wins over the environment and the key file. */
  templateKey?: TemplateKey;
  env?: NodeJS.ProcessEnv;
  /** Makes the face engine on first use (default: createFaceEngine with `faceWorkers` threads). */
  faceEngine?: (face: FaceModule) => FaceEngine | Promise<FaceEngine>;
  /** Worker threads of the default face engine (default CUSTOS_FACE_WORKERS or 1). */
  faceWorkers?: number;
}

export interface FingerEntry {
  personId: string;
  position: number;
  template: PreparedTemplate;
}

/**
 * The templates in memory: every live template decrypted into a face gallery per model tag or the fingerprint
 * entries, loaded from the database on first use (or `start()`), kept current on every enrolment and erasure (the use
 * cases call `index` and `forget`), and re-synchronised when another process changed the templates. Also the lazy
 * resources every use case shares: the template key, the face module and the face engine (TensorFlow, loaded only
 * when a face is first processed).
 */
export class BiometricGalleries {
  private key: Promise<TemplateKey> | undefined;
  private faceModule: Promise<FaceModule> | undefined;
  private engine: Promise<FaceEngine> | undefined;
  /** Face galleries by model tag (templates of different models are never compared). */
  readonly faceGalleries = new Map<string, Gallery>();
  readonly faceOwner = new Map<string, { personId: string; model: string }>();
  readonly fingers = new Map<string, FingerEntry>();
  /** Live template ids of each person held in memory (both modalities), for 1:1 without a scan. */
  private readonly byPerson = new Map<string, Set<string>>();
  /** Templates that failed to open (another key, altered bytes): skipped, reported by status(). */
  private readonly unreadable = new Set<string>();
  private readonly signature = new Map<Modality, string>();
  private readonly syncing = new Map<Modality, Promise<void>>();
  /** Moves on every change of the templates held (a subset built over them, the wanted gallery, is then rebuilt). */
  generation = 0;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly opts: BiometricsOptions & { ephemeralKeyAllowed?: boolean } = {},
  ) {}

  /** Loads the key and both galleries now (servers call this at start; otherwise the first use does it). */
  async start(): Promise<void> {
    await this.templateKey();
    await Promise.all([this.sync('face'), this.sync('fingerprint')]);
  }

  async close(): Promise<void> {
    const engine = this.engine;
    this.engine = undefined;
    if (engine) await (await engine.catch(() => undefined))?.close();
  }

  /** Gallery sizes, model tags and the thresholds in force, each with the false-match rate it targets. */
  async status(actor: Actor): Promise<BiometricsStatus> {
    requirePermission(actor, 'biometrics.read');
    const face = await this.face();
    await Promise.all([this.sync('face'), this.sync('fingerprint')]);
    const tag = face.FACE_MODEL.tag;
    const otherModels: Record<string, number> = {};
    for (const [m, g] of this.faceGalleries) if (m !== tag) otherModels[m] = g.size;
    return {
      face: { model: tag, templates: this.faceGalleries.get(tag)?.size ?? 0, otherModels, ...face.FACE_THRESHOLDS },
      fingerprint: { model: FINGERPRINT_MODEL.tag, templates: this.fingers.size, ...FINGERPRINT_DECISIONS },
      unreadableTemplates: this.unreadable.size,
      keyId: (await this.templateKey()).id,
    };
  }

  // ---- galleries ---------------------------------------------------------------------------------------------------

  /** Brings a gallery in line with the database's live templates (a no-op query when nothing changed). */
  sync(modality: Modality): Promise<void> {
    const prev = this.syncing.get(modality) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.syncNow(modality));
    this.syncing.set(modality, next);
    return next;
  }

  private async syncNow(modality: Modality): Promise<void> {
    const sig = await liveSignature(this.db, modality);
    if (this.signature.get(modality) === sig) return;
    const key = await this.templateKey();
    const live = new Set(await liveTemplateIds(this.db, modality));
    const held = modality === 'face' ? [...this.faceOwner.keys()] : [...this.fingers.keys()];
    for (const id of held) if (!live.has(id)) this.forget(id);
    const missing = [...live].filter((id) => !(modality === 'face' ? this.faceOwner.has(id) : this.fingers.has(id)) && !this.unreadable.has(id));
    for (let i = 0; i < missing.length; i += 1000) {
      for (const row of await liveTemplates(this.db, modality, missing.slice(i, i + 1000))) this.load(key, row);
    }
    this.signature.set(modality, sig);
  }

  private load(key: TemplateKey, row: TemplateRow): void {
    try {
      const { model, data } = openTemplate(key, row.envelope!, { expectModel: row.model, bindTo: templateBinding(row.personId, row.id) });
      try {
        if (row.modality === 'face') {
          const d = bytesToDescriptor(data);
          this.faceGallery(model, d.length).upsert(row.id, d);
          this.faceOwner.set(row.id, { personId: row.personId, model });
        } else {
          this.fingers.set(row.id, { personId: row.personId, position: row.fingerPosition!, template: prepareTemplate(deserializeTemplate(data)) });
        }
        this.index(row.personId, row.id);
      } finally {
        zeroize(data);
      }
    } catch (err) {
      this.unreadable.add(row.id);
      this.logger.warn({ templateId: row.id, code: (err as { code?: string }).code }, 'biometric template could not be opened; left out of the gallery');
    }
  }

  forget(id: string): void {
    this.generation += 1;
    const personId = this.faceOwner.get(id)?.personId ?? this.fingers.get(id)?.personId;
    const owner = this.faceOwner.get(id);
    if (owner) {
      this.faceGalleries.get(owner.model)?.remove(id);
      this.faceOwner.delete(id);
    }
    this.fingers.delete(id);
    this.unreadable.delete(id);
    const set = personId === undefined ? undefined : this.byPerson.get(personId);
    if (set) {
      set.delete(id);
      if (set.size === 0) this.byPerson.delete(personId!);
    }
  }

  index(personId: string, templateId: string): void {
    this.generation += 1;
    let set = this.byPerson.get(personId);
    if (!set) this.byPerson.set(personId, (set = new Set()));
    set.add(templateId);
  }

  templatesOf(personId: string): string[] {
    return [...(this.byPerson.get(personId) ?? [])];
  }

  faceGallery(model: string, dimension: number): Gallery {
    let g = this.faceGalleries.get(model);
    if (!g) {
      g = new Gallery({ dimension, initialCapacity: 1024 });
      this.faceGalleries.set(model, g);
    }
    return g;
  }

  *fingerEntries(keep: (e: FingerEntry) => boolean = () => true): Iterable<{ id: string; template: PreparedTemplate }> {
    for (const [id, e] of this.fingers) if (keep(e)) yield { id, template: e.template };
  }

  // ---- lazy resources ----------------------------------------------------------------------------------------------

  templateKey(): Promise<TemplateKey> {
    this.key ??= (async () => {
      if (this.opts.templateKey) return this.opts.templateKey;
      const env = this.opts.env ?? process.env;
      if (this.opts.dataDir || env.CUSTOS_TEMPLATE_KEY) return loadTemplateKey({ dataDir: this.opts.dataDir ?? '.', env });
      if (!this.opts.ephemeralKeyAllowed) {
        throw new DomainError('unavailable', 'biometrics.no_template_key', 'No template key: set CUSTOS_TEMPLATE_KEY or give the data folder');
      }
      // No data folder and no key: a process-lifetime key (tests and in-memory databases). Templates sealed with it
      // cannot be opened by another process; they are skipped there, never shown.
      this.logger.warn({}, 'biometrics: no data folder or CUSTOS_TEMPLATE_KEY; using a key that lives only in this process');
      return templateKeyFromBytes(randomBytes(32), 'env');
    })();
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }

  face(): Promise<FaceModule> {
    this.faceModule ??= import('./face');
    return this.faceModule;
  }

  faceEngine(): Promise<FaceEngine> {
    this.engine ??= (async () => {
      const face = await this.face();
      if (this.opts.faceEngine) return this.opts.faceEngine(face);
      const env = this.opts.env ?? process.env;
      const workers = this.opts.faceWorkers ?? (Number(env.CUSTOS_FACE_WORKERS) || 1);
      return face.createFaceEngine({ workers });
    })();
    this.engine.catch(() => {
      this.engine = undefined;
    });
    return this.engine;
  }
}
