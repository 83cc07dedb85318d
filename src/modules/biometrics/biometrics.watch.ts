import { DomainError } from '../../platform/errors';
import { checkImage, FINGERPRINT_DECISIONS, FINGERPRINT_MODEL, type Modality } from './biometrics.domain';
import type { BiometricGalleries } from './biometrics.galleries';
import { extractFingerprint, identifyYielding, prepareTemplate, type PreparedTemplate } from './fingerprint';
import { Gallery } from './gallery';
import { candidateFloor } from './biometrics.fusion';

/** A probe from a checkpoint: a face photo and/or fingerprint images. */
export interface WatchProbe {
  face?: Uint8Array;
  fingerprints?: { image: Uint8Array; dpi?: number }[];
}

/** A person scoring at least the identification threshold, in one modality. */
export interface WatchHit {
  personId: string;
  modality: Modality;
  score: number;
  threshold: number;
  fingerPosition: number | null;
}

/** An input the engines could not use: what to retake and why. */
export interface WatchRetake {
  input: 'face' | 'fingerprint';
  index?: number;
  code: string;
  message: string;
}

export interface WatchResult {
  /** Best hit per person and modality, best first. */
  hits: WatchHit[];
  /**
   * Persons below the identification threshold whose score still leans towards them (from the fusion's candidate
   * floor up), best per person and modality: the caller may fuse them with the other evidence it holds (a document's
   * name and birth year). Never a hit by themselves.
   */
  candidates: WatchHit[];
  retakes: WatchRetake[];
  /** Templates searched (face + fingerprint), for the record. */
  searched: number;
}

/** The persons to search among: their ids and a version that changes whenever the set does. */
export interface WatchSet {
  version: string;
  personIds: readonly string[];
}

interface Subset {
  key: string;
  faces: Gallery | null;
  faceOwner: Map<string, string>;
  fingers: { id: string; template: PreparedTemplate; personId: string; position: number }[];
  fingerOwner: Map<string, { personId: string; position: number }>;
}

/**
 * 1:N over a subset of the enrolled persons (the wanted gallery): the subset's face vectors are copied into a gallery
 * of their own and its fingerprint entries into a list, rebuilt only when the set or the templates change, so a check
 * scans the wanted persons only, not the whole registry. Without a set, the whole galleries are searched. Records
 * nothing: the caller (sightings) records the check.
 */
export class WatchSearch {
  private subset: Subset | null = null;

  constructor(private readonly galleries: BiometricGalleries) {}

  async search(probe: WatchProbe, among: WatchSet | null): Promise<WatchResult> {
    const retakes: WatchRetake[] = [];
    const hits: WatchHit[] = [];
    const candidates: WatchHit[] = [];
    let searched = 0;
    const keep = (h: WatchHit) => (h.score >= h.threshold ? hits : candidates).push(h);
    const usable = (input: 'face' | 'fingerprint', index: number | undefined, err: unknown): void => {
      if (err instanceof DomainError && (err.kind === 'invalid' || err.kind === 'too_large' || err.kind === 'unsupported')) {
        retakes.push({ input, ...(index === undefined ? {} : { index }), code: err.code, message: err.message });
        return;
      }
      throw err;
    };
    if (probe.face) {
      try {
        checkImage(probe.face);
        const face = await this.galleries.face();
        const t = await (await this.galleries.faceEngine()).extract(probe.face, { purpose: 'probe' });
        await this.galleries.sync('face');
        const subset = among ? await this.subsetFor(among) : null;
        const model = face.FACE_MODEL.tag;
        const threshold = face.FACE_THRESHOLDS.identify.threshold;
        const gallery = subset ? subset.faces : (this.galleries.faceGalleries.get(model) ?? null);
        if (gallery) {
          searched += gallery.size;
          const best = new Map<string, number>();
          for (const h of gallery.search(t.descriptor, { k: 40, minScore: Math.min(threshold, candidateFloor('face')) })) {
            const personId = subset ? subset.faceOwner.get(h.id) : this.galleries.faceOwner.get(h.id)?.personId;
            if (personId && h.score > (best.get(personId) ?? -Infinity)) best.set(personId, h.score);
          }
          for (const [personId, score] of best) keep({ personId, modality: 'face', score, threshold, fingerPosition: null });
        }
      } catch (err) {
        usable('face', undefined, err);
      }
    }
    const prints = probe.fingerprints ?? [];
    for (let i = 0; i < prints.length; i++) {
      const p = prints[i]!;
      try {
        checkImage(p.image);
        const template = prepareTemplate((await extractFingerprint(p.image, { dpi: p.dpi })).template);
        await this.galleries.sync('fingerprint');
        const subset = among ? await this.subsetFor(among) : null;
        const threshold = FINGERPRINT_DECISIONS.identify.threshold;
        const entries = subset ? subset.fingers : [...this.galleries.fingerEntries()];
        searched += entries.length;
        const found = await identifyYielding(template, entries, { threshold: Math.min(threshold, candidateFloor('finger')), limit: 40 });
        const best = new Map<string, WatchHit>();
        for (const h of found) {
          const owner = subset ? subset.fingerOwner.get(h.id) : this.galleries.fingers.get(h.id);
          if (!owner) continue;
          const prev = best.get(owner.personId);
          if (!prev || h.score > prev.score) {
            best.set(owner.personId, { personId: owner.personId, modality: 'fingerprint', score: h.score, threshold, fingerPosition: owner.position });
          }
        }
        for (const h of best.values()) keep(h);
      } catch (err) {
        usable('fingerprint', i, err);
      }
    }
    hits.sort((a, b) => b.score / b.threshold - a.score / a.threshold);
    candidates.sort((a, b) => b.score / b.threshold - a.score / a.threshold);
    return { hits, candidates, retakes, searched };
  }

  /** Model tag of the fingerprint templates (for the record of a check). */
  get fingerprintModel(): string {
    return FINGERPRINT_MODEL.tag;
  }

  private async subsetFor(among: WatchSet): Promise<Subset> {
    const key = `${among.version}:${this.galleries.generation}`;
    if (this.subset?.key === key) return this.subset;
    const face = await this.galleries.face();
    const model = face.FACE_MODEL.tag;
    const full = this.galleries.faceGalleries.get(model);
    const faces = full ? new Gallery({ dimension: full.dimension, initialCapacity: Math.max(16, among.personIds.length) }) : null;
    const faceOwner = new Map<string, string>();
    const fingers: Subset['fingers'] = [];
    const fingerOwner: Subset['fingerOwner'] = new Map();
    for (const personId of among.personIds) {
      for (const id of this.galleries.templatesOf(personId)) {
        const owner = this.galleries.faceOwner.get(id);
        if (owner && owner.model === model && full && faces) {
          const v = full.get(id);
          if (v) {
            faces.upsert(id, v);
            faceOwner.set(id, personId);
          }
          continue;
        }
        const f = this.galleries.fingers.get(id);
        if (f) {
          fingers.push({ id, template: f.template, personId, position: f.position });
          fingerOwner.set(id, { personId, position: f.position });
        }
      }
    }
    this.subset = { key, faces, faceOwner, fingers, fingerOwner };
    return this.subset;
  }
}
