import { hasPermission, isFacilityScoped, isNationalityScoped, type Actor } from '../access';
import type { AuditEntry } from './audit.domain';

/** An entry as a reader gets it: `redacted` when the fields that may name a person were withheld from this reader. */
export type AuditEntryView = AuditEntry & { redacted: boolean };

/**
 * Who reads the audit log in full: a role that may read person records, with no scope (admin, an investigator with the
 * whole registry). The log names the persons read, searched for and changed, in its subjects and details (a name
 * typed in a search, a reason, a note); a reader who may not open those records (a monitor) or may open only some (a
 * scoped investigator) must not learn them from the log either.
 */
export function readsAuditInFull(actor: Actor): boolean {
  return hasPermission(actor.role, 'persons.read') && !isFacilityScoped(actor) && !isNationalityScoped(actor);
}

/**
 * The entry as this actor may read it. Everyone else who may read the audit (`audit.read`) sees who acted, when, with
 * which purpose, which action and the chain links, but of the details only numbers and yes/no values (counts, not
 * names or free text), and no person id as subject. Their own entries they read in full.
 */
export function auditEntryFor(actor: Actor, entry: AuditEntry): AuditEntryView {
  if (readsAuditInFull(actor) || (actor.userId !== null && entry.actorId === actor.userId)) return { ...entry, redacted: false };
  return {
    ...entry,
    subjectId: entry.subjectType === 'person' || entry.subjectType === 'household' ? null : entry.subjectId,
    details: figuresOnly(entry.details),
    redacted: true,
  };
}

/** Top-level numbers and booleans of a details object; strings (names, queries, reasons) and nested values dropped. */
function figuresOnly(details: unknown): Record<string, number | boolean> | null {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return null;
  const kept: Record<string, number | boolean> = {};
  for (const [k, v] of Object.entries(details)) if (typeof v === 'number' || typeof v === 'boolean') kept[k] = v;
  return kept;
}
