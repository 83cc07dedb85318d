/**
 * Comparing two sites' records of what may be one person (issue 22, point 4), at headquarters: the templates each
 * site re-sealed to headquarters' identity key (template-transit.ts) are opened in memory and compared, face with
 * face of the same model, finger with finger of the same position. The scores are the engines' own (cosine for faces,
 * the calibrated 0-100 score for fingerprints), so `fuseEvidence` can weigh them with the names. Pure apart from the
 * decryption; nothing here decides anything.
 */
import { cosineSimilarity } from './face/face.domain';
import { compareFingerprints, deserializeTemplate, prepareTemplate, type PreparedTemplate } from './fingerprint';
import { sealForHeadquarters, openAtHeadquarters, transitBinding, type TransitKey, type TransitRecipient } from './template-transit';
import { bytesToDescriptor, openTemplate, zeroize, type TemplateKey } from './template-crypto';
import { templateBinding } from './biometrics.domain';

/** One template of a site's identity record, as it travels (the site's own envelope and the one for headquarters). */
export interface TravellingTemplate {
  templateId: string;
  modality: 'face' | 'fingerprint';
  fingerPosition: number | null;
  model: string;
  /** base64 of the envelope sealed to headquarters' key; absent when the site had no headquarters key */
  forHq?: string | undefined;
}

export interface OpenedIdentity {
  faces: { model: string; descriptor: Float32Array }[];
  fingers: { model: string; position: number | null; template: PreparedTemplate }[];
  /** templates that came without an envelope for headquarters, or that failed to open (counted, never shown) */
  unreadable: number;
}

/**
 * At a site: re-seals one of its templates (sealed under the site's template key) to headquarters' key, bound to the
 * site, the person and the template. The plaintext lives only for the call.
 */
export function resealForHeadquarters(
  siteKey: TemplateKey,
  recipient: TransitRecipient,
  siteId: string,
  template: { id: string; personId: string; model: string; envelope: Uint8Array },
): Buffer {
  const { data } = openTemplate(siteKey, template.envelope, { expectModel: template.model, bindTo: templateBinding(template.personId, template.id) });
  try {
    return sealForHeadquarters(recipient, data, { model: template.model, bindTo: transitBinding(siteId, template.personId, template.id) });
  } finally {
    zeroize(data);
  }
}

/** At headquarters: opens what a site sent for one person (one modality when `only` says). Envelopes that fail are counted, not thrown. */
export function openIdentityTemplates(
  key: TransitKey,
  siteId: string,
  personId: string,
  templates: readonly TravellingTemplate[],
  only?: 'face' | 'fingerprint',
): OpenedIdentity {
  const opened: OpenedIdentity = { faces: [], fingers: [], unreadable: 0 };
  for (const t of templates) {
    if (only && t.modality !== only) continue;
    if (!t.forHq) {
      opened.unreadable += 1;
      continue;
    }
    try {
      const { model, data } = openAtHeadquarters(key, Buffer.from(t.forHq, 'base64'), { bindTo: transitBinding(siteId, personId, t.templateId) });
      try {
        if (model !== t.model) throw new Error('model label differs from the sealed one');
        if (t.modality === 'face') opened.faces.push({ model, descriptor: bytesToDescriptor(data) });
        else opened.fingers.push({ model, position: t.fingerPosition, template: prepareTemplate(deserializeTemplate(data)) });
      } finally {
        zeroize(data);
      }
    } catch {
      opened.unreadable += 1;
    }
  }
  return opened;
}

export interface IdentityScores {
  /** best cosine between faces of the same model, or null when no such pair exists */
  face: number | null;
  /** best fingerprint score between fingers of the same position (or of unknown position), or null */
  finger: number | null;
}

/** Compares two opened records: the best face pair and the best finger pair (the same finger where positions are known). */
export function compareIdentities(a: OpenedIdentity, b: OpenedIdentity): IdentityScores {
  let face: number | null = null;
  for (const x of a.faces)
    for (const y of b.faces) {
      if (x.model !== y.model || x.descriptor.length !== y.descriptor.length) continue;
      const s = cosineSimilarity(x.descriptor, y.descriptor);
      if (face === null || s > face) face = s;
    }
  let finger: number | null = null;
  for (const x of a.fingers)
    for (const y of b.fingers) {
      if (x.model !== y.model) continue;
      if (x.position !== null && y.position !== null && x.position !== y.position) continue;
      const s = compareFingerprints(x.template, y.template);
      if (finger === null || s > finger) finger = s;
    }
  return { face, finger };
}
