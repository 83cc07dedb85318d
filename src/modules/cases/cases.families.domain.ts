import { ConflictError, ValidationError } from '../../platform/errors';

/**
 * Who counts as a child's carer (documented in docs/cases-families.md): a relation recorded in the registry as
 * `mother_of`, `father_of`, `guardian_of` or `carer_of` from the carer to the child, and not ended. Siblings and
 * spouses are family, not carers.
 */
export const CARER_KINDS = ['mother_of', 'father_of', 'guardian_of', 'carer_of'] as const;
export const isCarerKind = (kind: string): boolean => (CARER_KINDS as readonly string[]).includes(kind);

/**
 * Moves decided by a person, gated by the best-interests step: a departure to another facility, a release (a carer
 * released while the child stays held) and a repatriation (a carer handed over without the child, or the child without
 * the carer). Escapes and deaths cannot be gated: they raise the alert only.
 */
export const GATED_MOVES = ['TRANSFER_DEPARTED', 'RELEASED', 'REPATRIATED'] as const;

/** The kind of move a determination is for: a transfer names its destination facility; a release or a repatriation none. */
export const DETERMINATION_MOVES = ['transfer', 'release', 'repatriation'] as const;
export type DeterminationMove = (typeof DETERMINATION_MOVES)[number];

/** The kind of move a gated ledger event is. */
export function moveOf(eventType: string): DeterminationMove {
  if (eventType === 'RELEASED') return 'release';
  if (eventType === 'REPATRIATED') return 'repatriation';
  return 'transfer';
}

/** Ledger events after which a carer is no longer with the child at the facility they left. */
export const CARER_LEAVING_EVENTS = ['TRANSFER_DEPARTED', 'REPATRIATED', 'RELEASED', 'ESCAPED', 'DECEASED'] as const;

/** Statuses in which a person is held at a facility (out to hospital or court still belongs there). */
const AT_FACILITY = new Set(['in_custody', 'temporarily_out']);

/** How long a best-interests determination stays usable for the move it names. */
export const DETERMINATION_VALID_DAYS = 30;

export const DETERMINATION_DECISIONS = ['separation_approved', 'separation_refused'] as const;
export type DeterminationDecision = (typeof DETERMINATION_DECISIONS)[number];

/**
 * A child for this module: under 18 on `on` by the registry's birth, where the latest possible birth day is known.
 * A record without any birth is not treated as a child here (the registry flags it as possibly minor for a person to
 * check; an alert on every adult without a birth date would drown the real ones).
 */
export function isChild(birth: { birthTo: string | null }, on: Date): boolean {
  if (!birth.birthTo) return false;
  const eighteenYearsAgo = new Date(Date.UTC(on.getUTCFullYear() - 18, on.getUTCMonth(), on.getUTCDate()));
  return birth.birthTo > eighteenYearsAgo.toISOString().slice(0, 10);
}

export interface PlaceOf {
  status: string;
  facilityId: string | null;
  destinationFacilityId: string | null;
}

/**
 * Where a person is, for "together": held at a facility (`at:F`), or on the way to one (`to:F`); null when not held
 * (released, repatriated, escaped, deceased, unaccounted, never admitted), which is never together with anybody.
 */
export function placeKey(p: PlaceOf | null | undefined): string | null {
  if (!p) return null;
  if (AT_FACILITY.has(p.status) && p.facilityId) return `at:${p.facilityId}`;
  if (p.status === 'in_transit' && p.destinationFacilityId) return `to:${p.destinationFacilityId}`;
  return null;
}

/** A child with their carers (active carer relations only). */
export interface ChildLinks {
  childId: string;
  carerIds: readonly string[];
}

/** A move of a batch: where the person is before it and after it. */
export interface PlannedMove {
  personId: string;
  /** transfer when absent */
  move?: DeterminationMove;
  toFacilityId: string | null;
  before: PlaceOf;
  after: PlaceOf;
}

export interface Separation {
  childId: string;
  /** The carers who were with the child before the moves and none of whom is after. */
  carerIds: string[];
  /** Whose move separates them (the child's own, else the first carer's that moved), which kind, where it goes. */
  moverId: string;
  move: DeterminationMove;
  toFacilityId: string | null;
}

/**
 * The children a batch of moves would separate from every carer they are with now: before, at least one carer shares
 * the child's place; after (the batch applied, others where they are), none does. Moving a whole family together (the
 * same destination) separates nobody. `places` is everyone's place before the batch.
 */
export function separationsCausedBy(moves: readonly PlannedMove[], children: readonly ChildLinks[], places: ReadonlyMap<string, PlaceOf>): Separation[] {
  const moved = new Map(moves.map((m) => [m.personId, m]));
  const before = (id: string) => placeKey(moved.get(id)?.before ?? places.get(id));
  // handed over to their state in the same batch: together (a family repatriated together separates nobody)
  const after = (id: string) => placeKey(moved.get(id)?.after ?? places.get(id)) ?? (moved.get(id)?.move === 'repatriation' ? 'out:repatriation' : null);
  const out: Separation[] = [];
  for (const c of children) {
    const involved = moved.has(c.childId) || c.carerIds.some((id) => moved.has(id));
    if (!involved) continue;
    const childBefore = before(c.childId);
    if (childBefore === null) continue;
    const withBefore = c.carerIds.filter((id) => before(id) === childBefore);
    if (withBefore.length === 0) continue; // already without a carer here: this batch separates nobody
    const childAfter = after(c.childId);
    if (childAfter !== null && c.carerIds.some((id) => after(id) === childAfter)) continue;
    // a child released (with, or without, the family) leaves custody: not gated (a repatriation is, see `after`)
    if (childAfter === null && moved.has(c.childId)) continue;
    const mover = moved.get(c.childId) ?? moves.find((m) => withBefore.includes(m.personId))!;
    out.push({ childId: c.childId, carerIds: withBefore, moverId: mover.personId, move: mover.move ?? 'transfer', toFacilityId: mover.toFacilityId });
  }
  return out;
}

export interface Determination {
  childPersonId: string;
  moverPersonId: string;
  /** transfer when absent */
  move?: DeterminationMove;
  /** null: a release or a repatriation */
  toFacilityId: string | null;
  decision: string;
  decidedAt: Date;
  validUntil: Date;
}

/**
 * The separations no best-interests determination allows: for each, the latest determination for that child, that
 * mover and that destination must approve the separation and still be valid. A refusal (the latest) blocks the move.
 */
export function unapprovedSeparations(separations: readonly Separation[], determinations: readonly Determination[], now: Date): Separation[] {
  return separations.filter((s) => {
    const latest = determinations
      .filter((d) => d.childPersonId === s.childId && d.moverPersonId === s.moverId && (d.move ?? 'transfer') === s.move && d.toFacilityId === s.toFacilityId)
      .sort((a, b) => b.decidedAt.getTime() - a.decidedAt.getTime())[0];
    return !(latest && latest.decision === 'separation_approved' && latest.validUntil.getTime() > now.getTime());
  });
}

/** Refuses a batch of moves that would separate a child from their carer without an approving determination. */
export function requireBestInterests(separations: readonly Separation[], determinations: readonly Determination[], now: Date): void {
  const missing = unapprovedSeparations(separations, determinations, now);
  if (missing.length === 0) return;
  const kinds = new Set(missing.map((s) => s.move));
  const only = kinds.size === 1 ? [...kinds][0]! : null;
  const what = only === 'release' ? 'This release' : only === 'repatriation' ? 'This handover to the state' : 'This move';
  const hint = only && only !== 'transfer' ? ` (move "${only}")` : '';
  throw new ConflictError(
    'families.best_interests_required',
    missing.length === 1
      ? `${what} would separate a child from the carer they are with; record a best-interests determination approving it${hint} first`
      : `${only ? what : 'These moves'} would separate ${missing.length} children from the carers they are with; record a best-interests determination${hint} for each first`,
    { separations: missing.map((s) => ({ childId: s.childId, moverId: s.moverId, move: s.move, toFacilityId: s.toFacilityId })) },
  );
}

/**
 * After a carer left a facility: is the child (held there) left without any carer there? `carers` are the child's
 * carers' places now (the one who left included).
 */
export function leftWithoutCarer(child: PlaceOf | null, facilityLeft: string, carers: readonly (PlaceOf | null)[]): boolean {
  if (placeKey(child) !== `at:${facilityLeft}`) return false;
  return !carers.some((c) => placeKey(c) === `at:${facilityLeft}`);
}

// --- family tracing ---------------------------------------------------------------------------------------------

export const TRACING_STATUSES = ['open', 'located', 'closed'] as const;
export type TracingStatus = (typeof TRACING_STATUSES)[number];
export const REQUESTER_KINDS = ['person_in_custody', 'relative_outside'] as const;
export const MATCH_STATUSES = ['proposed', 'confirmed', 'rejected'] as const;
/** A names score below this is not worth a tracer's time as a proposal. */
export const MATCH_MIN_SCORE = 0.7;

/** Matching and locating need an open request whose consent stands. */
export function requireTraceable(request: { status: string; consentWithdrawnAt: Date | null }): void {
  if (request.consentWithdrawnAt) {
    throw new ConflictError('tracing.consent_withdrawn', 'Consent to this tracing request was withdrawn; nothing more may be done with it');
  }
  if (request.status !== 'open') throw new ConflictError('tracing.not_open', `This tracing request is ${request.status}`);
}

/** A match is decided once, by a person, with a reason. */
export function requireMatchUndecided(match: { status: string }): void {
  if (match.status !== 'proposed') throw new ConflictError('tracing.match_decided', `This match was already ${match.status}`);
}

export function requireValidUntilAfter(decidedAt: Date, validUntil: Date): void {
  if (validUntil.getTime() <= decidedAt.getTime()) {
    throw new ValidationError('families.validity_in_past', 'A determination must stay valid after the moment it is recorded');
  }
}

/**
 * The relative's role as the subject sees it. Relations are stored "person <kind> related"; `outgoing` when the
 * subject is the `person` side (the relative is the related one).
 */
export function relativeRole(kind: string, outgoing: boolean): string {
  const fromCarer: Record<string, string> = { mother_of: 'child', father_of: 'child', guardian_of: 'ward', carer_of: 'cared_for' };
  const toCarer: Record<string, string> = { mother_of: 'mother', father_of: 'father', guardian_of: 'guardian', carer_of: 'carer' };
  return (outgoing ? fromCarer[kind] : toCarer[kind]) ?? kind.replace(/_of$/, '');
}
