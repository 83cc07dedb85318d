/**
 * Sightings (issue 19), the pure rules: what a checkpoint is told, how a document number is read, who may receive a
 * notice and what it carries, the reference of a check and the days a person has been at large. No I/O, no clock.
 */

/** What a checkpoint officer is told. Never a name, never a record: an instruction and a reference. */
export const INSTRUCTIONS = ['detain', 'report_and_release', 'refer_child_protection', 'no_match'] as const;
export type Instruction = (typeof INSTRUCTIONS)[number];

/** Outcomes a check is logged with: an instruction, or `retake` when the input could not be used. */
export const CHECK_OUTCOMES = [...INSTRUCTIONS, 'retake'] as const;
export type CheckOutcome = (typeof CHECK_OUTCOMES)[number];

export const WANTED_STATUSES = ['ESCAPED', 'UNACCOUNTED'] as const;
export type WantedStatus = (typeof WANTED_STATUSES)[number];

/** Custody statuses (after a ledger event) that put a person in the wanted gallery. */
export function wantedStatusOf(statusAfter: string): WantedStatus | null {
  if (statusAfter === 'escaped') return 'ESCAPED';
  if (statusAfter === 'unaccounted') return 'UNACCOUNTED';
  return null;
}

export const CHECK_SCOPES = ['wanted', 'registry'] as const;
export type CheckScope = (typeof CHECK_SCOPES)[number];

export const CHECK_METHODS = ['face', 'fingerprint', 'document'] as const;
export type CheckMethod = (typeof CHECK_METHODS)[number];

/**
 * The instruction for a hit. A child is in the gallery for protection, not arrest: any hit on a minor routes to child
 * protection, never to detention. A person known to have escaped is to be held until an investigator confirms; a
 * person only unaccounted (a count may be wrong) or a registry hit on someone not wanted is reported and let go.
 */
export function instructionFor(hit: { wanted: WantedStatus | null; minor: boolean } | null): Instruction {
  if (!hit) return 'no_match';
  if (hit.minor) return 'refer_child_protection';
  if (hit.wanted === 'ESCAPED') return 'detain';
  return 'report_and_release';
}

/** A check's reference, as the officer reads it out: `CK-YYYYMMDD-XXXXXX` (from the check's id and day). */
export function checkReference(checkId: string, at: Date): string {
  const day = at.toISOString().slice(0, 10).replace(/-/g, '');
  return `CK-${day}-${checkId.replace(/-/g, '').slice(-6).toUpperCase()}`;
}

/** What the officer must retake, one entry per unusable input. */
export interface Retake {
  input: 'face' | 'fingerprint' | 'document';
  /** Index of the fingerprint among those sent. */
  index?: number;
  code: string;
  message: string;
}

/**
 * A document number as printed (passports, national ids, UNHCR/camp cards): 5 to 20 letters and digits, at least one
 * digit; spaces and hyphens are dropped, letters upper-cased. Anything else is refused with what is wrong.
 */
export function readDocumentNumber(raw: string): { ok: true; value: string } | { ok: false; message: string } {
  const value = raw
    .normalize('NFKC')
    .replace(/[\s-]+/g, '')
    .toUpperCase();
  if (value.length < 5 || value.length > 20) {
    return { ok: false, message: `A document number has 5 to 20 letters and digits; this one has ${value.length}` };
  }
  if (!/^[A-Z0-9]+$/.test(value)) return { ok: false, message: 'A document number has only Latin letters and digits (spaces and hyphens are ignored)' };
  if (!/[0-9]/.test(value)) return { ok: false, message: 'A document number has at least one digit' };
  return { ok: true, value };
}

/** Whole days between leaving custody and `until` (recapture, or now). */
export function daysAtLarge(since: Date, until: Date): number {
  return Math.max(0, Math.floor((until.getTime() - since.getTime()) / 86_400_000));
}

// ---- notices to states -------------------------------------------------------------------------------------------

/** What a notice may carry, chosen field by field. Biometric templates and photos are never part of it. */
export const NOTICE_FIELDS = ['names', 'sex', 'birth', 'nationalities', 'documents', 'escape', 'last_sighting'] as const;
export type NoticeField = (typeof NOTICE_FIELDS)[number];

export const RECIPIENT_KINDS = ['state_liaison', 'border_service', 'child_protection'] as const;
export type RecipientKind = (typeof RECIPIENT_KINDS)[number];

export const NOTICE_STATUSES = ['draft', 'approved', 'exported'] as const;
export type NoticeStatus = (typeof NOTICE_STATUSES)[number];

/** Approvals a notice needs before it leaves, each by a different person. */
export const APPROVALS_REQUIRED = 2;

/** Why a recipient may not receive a notice about this person (null when it may). */
export function recipientProblem(minor: boolean, kind: RecipientKind): string | null {
  if (minor && kind !== 'child_protection') return "A child's notice goes to child-protection recipients only";
  return null;
}

/** Why a notice cannot be approved by this user now (null when it can). */
export function approvalProblem(n: { status: NoticeStatus; approvers: readonly string[] }, userId: string | null): string | null {
  if (n.status === 'exported') return 'The notice has already been exported';
  if (!userId) return 'An approval is a person’s: the system cannot approve';
  if (n.approvers.includes(userId)) return 'You have already approved this notice; the second approval must be someone else’s';
  if (n.approvers.length >= APPROVALS_REQUIRED) return 'The notice already has its approvals';
  return null;
}

/** Why a notice cannot be exported (null when it can): two approvals by two different people. */
export function exportProblem(n: { status: NoticeStatus; approvers: readonly string[] }): string | null {
  const distinct = new Set(n.approvers).size;
  if (distinct < APPROVALS_REQUIRED) {
    return `A notice leaves only with ${APPROVALS_REQUIRED} approvals by different people; it has ${distinct}`;
  }
  return null;
}

/** The facts a notice may draw on, gathered by the service. */
export interface NoticeFacts {
  names: string[];
  sex: string;
  birth: string;
  nationalities: string[];
  documents: { type: string; number: string; issuingCountry: string | null }[];
  escape: { status: WantedStatus; since: string; facility: string | null } | null;
  lastSighting: { at: string; place: string; status: string } | null;
}

/** Only the chosen fields, nothing else (the sharing decision is field by field). */
export function noticeContent(facts: NoticeFacts, fields: readonly NoticeField[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of NOTICE_FIELDS) {
    if (!fields.includes(f)) continue;
    switch (f) {
      case 'names':
        out.names = facts.names;
        break;
      case 'sex':
        out.sex = facts.sex;
        break;
      case 'birth':
        out.birth = facts.birth;
        break;
      case 'nationalities':
        out.nationalities = facts.nationalities;
        break;
      case 'documents':
        out.documents = facts.documents;
        break;
      case 'escape':
        out.escape = facts.escape;
        break;
      case 'last_sighting':
        out.lastSighting = facts.lastSighting;
        break;
      default: {
        const exhaustive: never = f;
        throw new Error(`unknown notice field ${String(exhaustive)}`);
      }
    }
  }
  return out;
}
