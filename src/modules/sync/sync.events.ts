import { z } from 'zod';
import { defineEvent } from '../../platform/outbox';

/**
 * Headquarters was offered, for a seq of a site's chain, something that does not continue the chain it holds: another
 * hash for a held seq, a link to another predecessor, a hash its content does not give, or (`epoch_diverged`) a
 * restored site's new epoch that parts from the epoch before it at `seq`. Nothing was overwritten;
 * the alert rules raise a critical alert once per (site, epoch, seq, offered hash).
 */
export const SyncForkDetected = defineEvent(
  'sync.fork_detected',
  1,
  z.object({
    forkId: z.uuid(),
    siteId: z.string(),
    epoch: z.number().int(),
    seq: z.number().int(),
    reason: z.enum(['hash_differs', 'broken_link', 'bad_hash', 'epoch_diverged']),
    heldHash: z.string().nullable(),
    offeredHash: z.string(),
    detectedAt: z.iso.datetime({ offset: true }),
  }),
);

/**
 * What a site says about one of its persons, for identity across sites: the names, sex, birth range, nationalities,
 * and the live biometric templates as the site stores them (AES-GCM envelopes of template-crypto.ts, base64: never a
 * template in clear). Written at a site (role `site`) after every enrolment, change of names or details, and template
 * enrolled or erased; it travels to headquarters like every event, where it may open an identity case.
 */
export const SyncIdentityRecorded = defineEvent(
  'sync.identity_recorded',
  1,
  z.object({
    personId: z.uuid(),
    names: z.array(z.string()).max(100),
    sex: z.string(),
    birthFrom: z.string().nullable(),
    birthTo: z.string().nullable(),
    nationalities: z.array(z.string()).max(50),
    templates: z
      .array(
        z.object({
          templateId: z.uuid(),
          modality: z.enum(['face', 'fingerprint']),
          fingerPosition: z.number().int().nullable(),
          model: z.string(),
          /** The sealed envelope, base64 (magic, key id, model, IV, ciphertext, tag). */
          envelope: z.string(),
          /** The same template re-sealed to headquarters' identity key (biometrics/template-transit.ts), base64; absent without one. */
          forHq: z.string().optional(),
        }),
      )
      .max(20),
  }),
);

/** Headquarters opened a case: records of two sites may be the same person. A human decides; nothing is merged. */
export const SyncIdentityCaseOpened = defineEvent(
  'sync.identity_case_opened',
  1,
  z.object({
    caseId: z.uuid(),
    siteA: z.string(),
    personA: z.uuid(),
    siteB: z.string(),
    personB: z.uuid(),
    basis: z.enum(['name', 'face', 'fingerprint']),
    score: z.number(),
  }),
);

/** A human decided an identity case at headquarters (same person, with the reference record, or different persons). */
export const SyncIdentityCaseDecided = defineEvent(
  'sync.identity_case_decided',
  1,
  z.object({
    caseId: z.uuid(),
    decision: z.enum(['same_person', 'different_persons']),
    referenceSite: z.string().nullable(),
    referencePerson: z.uuid().nullable(),
  }),
);
