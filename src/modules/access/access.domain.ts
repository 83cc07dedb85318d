/** Roles of contract v1; what each may do is the PERMISSIONS table below, and scope narrows it further. */
export const ROLES = ['admin', 'commander', 'officer', 'registrar', 'screening', 'investigator', 'legal', 'monitor', 'liaison', 'checkpoint'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  'users.manage': ['admin'],
  'facilities.read': ['admin', 'commander', 'officer', 'registrar', 'screening', 'investigator', 'legal', 'monitor', 'liaison'],
  'facilities.write': ['admin', 'commander'],
  // The humanitarian record: identity, household, family links.
  'persons.read': ['admin', 'commander', 'officer', 'registrar', 'screening', 'investigator', 'legal', 'liaison'],
  'persons.write': ['admin', 'registrar'],
  'custody.read': ['admin', 'commander', 'officer', 'registrar', 'investigator', 'legal', 'liaison'],
  'custody.append': ['admin', 'commander', 'officer', 'registrar'],
  // The two-person rule: a second officer confirms a release or a correction of an escape (issue 17).
  'custody.confirm': ['admin', 'commander', 'officer'],
  'ledger.verify': ['admin', 'commander', 'investigator', 'monitor'],
  // Custody statements (issue 21): issued on demand by those who command; an inclusion proof names a person's event.
  'ledger.statement': ['admin', 'commander'],
  'ledger.proof': ['admin', 'investigator', 'legal'],
  // After-action reviews (issue 21): the timeline and the reviews are read by those who answer for or examine an
  // incident, and by monitors (who see persons only as pseudonyms); written by commanders and investigators; approved
  // by a commander (never the author).
  'reviews.read': ['admin', 'commander', 'investigator', 'legal', 'monitor'],
  'reviews.write': ['admin', 'commander', 'investigator'],
  'reviews.approve': ['admin', 'commander'],
  'reports.read': ['admin', 'commander', 'officer', 'investigator', 'legal', 'monitor', 'liaison'],
  'audit.read': ['admin', 'investigator', 'monitor'],
  // The security side, kept apart from the humanitarian record.
  'screening.read': ['admin', 'screening', 'investigator'],
  'screening.decide': ['admin', 'screening'],
  'biometrics.read': ['admin', 'registrar', 'officer', 'investigator'],
  'biometrics.enrol': ['admin', 'registrar'],
  'rollcall.run': ['admin', 'commander', 'officer'],
  // legal officers see the case work's alerts (reviews overdue); a liaison only alerts about their own state's nationals
  'alerts.read': ['admin', 'commander', 'officer', 'investigator', 'monitor', 'legal', 'liaison'],
  'alerts.manage': ['admin', 'commander', 'officer'],
  // A facility's alert thresholds: a guard on duty must not be able to quieten the alarms about their own block.
  'alerts.configure': ['admin', 'commander'],
  // Transfers (issue 18): planning is a commander's; boarding, arrival and the signatures are the custodians' work.
  'transfers.read': ['admin', 'commander', 'officer', 'investigator', 'monitor'],
  'transfers.plan': ['admin', 'commander'],
  'transfers.run': ['admin', 'commander', 'officer'],
  // The guard force (staff registry, posts, rosters, governance ratio): only the roles that manage it.
  'guards.read': ['admin', 'commander', 'officer'],
  'guards.manage': ['admin', 'commander'],
  'guards.attendance': ['admin', 'commander', 'officer'],
  // Perimeter sensors, incidents and staff reports (issue 20): the operations room reads; commanders place sensors;
  // device accounts (scoped officers) post alarms; the watch handles incidents; any staff on the ground files reports.
  'sensors.read': ['admin', 'commander', 'officer', 'investigator', 'monitor'],
  'sensors.manage': ['admin', 'commander'],
  'sensors.ingest': ['admin', 'commander', 'officer'],
  'incidents.manage': ['admin', 'commander', 'officer'],
  'staff_reports.file': ['admin', 'commander', 'officer', 'registrar'],
  // Sightings (issue 19): a checkpoint officer checks a person and gets an instruction, never a record; the whole
  // registry only for roles allowed to; investigators report, confirm and reject sightings; a recapture is a custody
  // change; a notice to a state is drafted by an investigator or a legal officer and approved by two people.
  'sightings.check': ['admin', 'investigator', 'checkpoint'],
  'sightings.check_registry': ['admin', 'investigator'],
  'sightings.read': ['admin', 'commander', 'investigator'],
  'sightings.report': ['admin', 'investigator'],
  'sightings.decide': ['admin', 'investigator'],
  'sightings.recapture': ['admin', 'commander', 'officer'],
  'notices.read': ['admin', 'commander', 'investigator', 'legal'],
  'notices.draft': ['admin', 'investigator', 'legal'],
  'notices.approve': ['admin', 'commander', 'legal'],
  // Sites and headquarters (issue 22): how far replication stands (no personal data), for those who run the sites.
  'sync.read': ['admin', 'commander', 'monitor'],
  // ---- Repatriation (issue 23, part B; cases-repat) ----
  // Requests to states and their stages: read by those who work them and by commanders (who answer for the persons
  // held); a home-country liaison reads and acts for their own state's nationals only (scoped by nationality). The
  // state's steps (interview, acceptance, documents, nationality) are recorded by the liaison or by a legal officer on
  // the state's word; the handover (REPATRIATED on the ledger) is the detaining side's act.
  'repatriation.read': ['admin', 'commander', 'legal', 'liaison'],
  'repatriation.write': ['admin', 'legal', 'liaison'],
  'repatriation.handover': ['admin', 'commander', 'legal'],
  // ---- end of repatriation ----
  // --- cases: families and children (issue 23 part C) ---
  // The family view across facilities: a monitor sees relations, places and statuses without names.
  'families.read': ['admin', 'commander', 'officer', 'registrar', 'legal', 'monitor', 'liaison'],
  // A best-interests determination before a move that would separate a child from their carer.
  'families.decide': ['admin', 'commander', 'legal'],
  // Family tracing requests (with consent): registrars and legal officers take and work them; monitors count them.
  'tracing.read': ['admin', 'commander', 'registrar', 'legal', 'monitor'],
  'tracing.write': ['admin', 'registrar', 'legal'],
  // --- end cases: families ---
  // --- cases: legal cases and reintegration (issue 23 part A, branch cases-legal) ---
  // A legal officer opens and works cases; commanders read them; monitors see only the figures (no case, no person).
  'cases.read': ['admin', 'commander', 'legal'],
  'cases.write': ['admin', 'legal'],
  'cases.figures': ['admin', 'commander', 'legal', 'monitor'],
  // --- end cases-legal ---
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof PERMISSIONS;

/** The purpose recorded with a read when the request does not state one. */
export const DEFAULT_PURPOSE: Record<Role, string> = {
  admin: 'administration',
  commander: 'command_oversight',
  officer: 'custody_operations',
  registrar: 'registration',
  screening: 'security_screening',
  investigator: 'investigation',
  legal: 'legal_case',
  monitor: 'independent_monitoring',
  liaison: 'consular_liaison',
  checkpoint: 'checkpoint_check',
};

/** Who is asking, with the scope that narrows what they see. Empty scope lists mean "not narrowed". */
export interface Actor {
  userId: string | null;
  username: string;
  role: Role;
  facilityIds: readonly string[];
  nationalities: readonly string[];
  purpose: string;
  /** A session of a user whose one-time password must change first: it may only change it (and sign out). */
  mustChangePassword?: boolean;
}

/** The actor for work the system does itself (demo seeding, migrations, scheduled jobs). */
export function systemActor(purpose = 'system'): Actor {
  return { userId: null, username: 'system', role: 'admin', facilityIds: [], nationalities: [], purpose };
}

export function hasPermission(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => hasPermission(role, p));
}

/** Roles whose users must be narrowed to some facilities or nationalities to be useful and safe. */
export function scopeRequirement(role: Role): 'facility' | 'nationality' | null {
  if (role === 'liaison') return 'nationality';
  if (role === 'officer') return 'facility';
  return null;
}

export function isFacilityScoped(actor: Actor): boolean {
  return actor.facilityIds.length > 0;
}

export function isNationalityScoped(actor: Actor): boolean {
  return actor.nationalities.length > 0;
}

export function canSeeFacility(actor: Actor, facilityId: string): boolean {
  return !isFacilityScoped(actor) || actor.facilityIds.includes(facilityId);
}

/** A person is in scope when one of their facilities (current, destination, enrolling) and nationalities match. */
export function canSeePerson(actor: Actor, person: { facilityIds: readonly (string | null)[]; nationalities: readonly string[] }): boolean {
  if (isFacilityScoped(actor) && !person.facilityIds.some((f) => f !== null && actor.facilityIds.includes(f))) {
    return false;
  }
  if (isNationalityScoped(actor) && !person.nationalities.some((n) => actor.nationalities.includes(n))) return false;
  return true;
}

/**
 * Whether an actor may hand out this scope (to a new user, or by editing one): an actor narrowed to some facilities
 * or nationalities may only give a scope inside theirs (never an unnarrowed one), so that nobody can widen rights past
 * their own through another account.
 */
export function scopeWithin(
  actor: Pick<Actor, 'facilityIds' | 'nationalities'>,
  scope: { facilityIds: readonly string[]; nationalities: readonly string[] },
): boolean {
  if (actor.facilityIds.length > 0 && (scope.facilityIds.length === 0 || !scope.facilityIds.every((f) => actor.facilityIds.includes(f)))) return false;
  if (actor.nationalities.length > 0 && (scope.nationalities.length === 0 || !scope.nationalities.every((n) => actor.nationalities.includes(n.toUpperCase()))))
    return false;
  return true;
}

export interface LimiterConfig {
  /** How long a failure counts. */
  windowMs: number;
  /** Failures of one name from one address before each further attempt must wait. */
  pairFreeFailures: number;
  /** The first wait after those; it doubles with each further failure, up to `pairMaxDelayMs`. */
  pairBaseDelayMs: number;
  pairMaxDelayMs: number;
  /** Failures from one address (any names) in the window before the address is refused, but for names it knows. */
  addressMaxFailures: number;
  /** How long a successful sign-in of a name from an address exempts that pair from the address's refusal. */
  trustMs: number;
}

export const DEFAULT_LIMITER_CONFIG: LimiterConfig = {
  windowMs: 15 * 60_000,
  pairFreeFailures: 5,
  pairBaseDelayMs: 1_000,
  pairMaxDelayMs: 60_000,
  addressMaxFailures: 100,
  trustMs: 30 * 24 * 3600_000,
};

/** Keeps the memory of a limiter bounded whatever names an attacker invents. */
const MAX_TRACKED = 50_000;

/**
 * The sign-in limiter: slows guessing without locking anybody out (issue 14).
 * - Per (name, address) pair, a progressive delay: after a few failures each attempt must wait 1 s, 2 s, 4 s ... up
 *   to a minute after the last failure. A guesser elsewhere never delays the user's own sign-in, and no count of
 *   failures locks an account.
 * - Per address, a much higher threshold over the window (a proxy or a camp's shared link carries many users): past
 *   it the address is refused, except for names that have signed in from it before (trusted pairs).
 * - A success clears that pair's failures and that name's share of the address's count, never other names' failures.
 * State is in memory (one process); `now` is passed in, so the rules are tested with a fake clock.
 */
export class LoginLimiter {
  private readonly pairs = new Map<string, { failures: number; last: number }>();
  private readonly addresses = new Map<string, Array<{ at: number; name: string }>>();
  private readonly trusted = new Map<string, number>();

  constructor(private readonly config: LimiterConfig = DEFAULT_LIMITER_CONFIG) {}

  /** Milliseconds this attempt must still wait; 0 when it may go ahead. */
  wait(name: string, address: string, now: number): number {
    const pairKey = `${address}\u0000${name}`;
    let wait = 0;
    const pair = this.pairs.get(pairKey);
    if (pair && now - pair.last < this.config.windowMs && pair.failures >= this.config.pairFreeFailures) {
      wait = Math.max(wait, pair.last + this.pairDelay(pair.failures) - now);
    }
    const trustedUntil = this.trusted.get(pairKey) ?? 0;
    if (trustedUntil <= now) {
      const recent = this.recentAtAddress(address, now);
      if (recent.length >= this.config.addressMaxFailures) {
        const release = recent[recent.length - this.config.addressMaxFailures]!.at + this.config.windowMs;
        wait = Math.max(wait, release - now);
      }
    }
    return Math.max(0, wait);
  }

  fail(name: string, address: string, now: number): void {
    const pairKey = `${address}\u0000${name}`;
    const pair = this.pairs.get(pairKey);
    const fresh = !pair || now - pair.last >= this.config.windowMs;
    this.pairs.delete(pairKey); // re-inserted last: the map's order is the order of last failure, for pruning
    this.pairs.set(pairKey, { failures: fresh ? 1 : pair.failures + 1, last: now });
    const list = this.recentAtAddress(address, now);
    list.push({ at: now, name });
    if (list.length > this.config.addressMaxFailures * 2) list.splice(0, list.length - this.config.addressMaxFailures * 2);
    this.addresses.delete(address);
    this.addresses.set(address, list);
    this.prune(now);
  }

  succeed(name: string, address: string, now: number): void {
    const pairKey = `${address}\u0000${name}`;
    this.pairs.delete(pairKey);
    const list = this.addresses.get(address);
    if (list)
      this.addresses.set(
        address,
        list.filter((f) => f.name !== name),
      );
    this.trusted.delete(pairKey);
    this.trusted.set(pairKey, now + this.config.trustMs);
    this.prune(now);
  }

  private pairDelay(failures: number): number {
    const steps = failures - this.config.pairFreeFailures;
    return Math.min(this.config.pairMaxDelayMs, this.config.pairBaseDelayMs * 2 ** Math.min(steps, 30));
  }

  private recentAtAddress(address: string, now: number): Array<{ at: number; name: string }> {
    const list = (this.addresses.get(address) ?? []).filter((f) => now - f.at < this.config.windowMs);
    this.addresses.set(address, list);
    return list;
  }

  private prune(now: number): void {
    for (const [map, stale] of [
      [this.pairs, (v: { last: number }) => now - v.last >= this.config.windowMs],
      [this.addresses, (v: Array<{ at: number }>) => v.length === 0 || now - v[v.length - 1]!.at >= this.config.windowMs],
      [this.trusted, (v: number) => v <= now],
    ] as Array<[Map<string, unknown>, (v: never) => boolean]>) {
      if (map.size <= MAX_TRACKED) continue;
      for (const [k, v] of map) {
        if (map.size <= MAX_TRACKED * 0.9) break;
        // Oldest first (insertion order); what is stale goes, and past the cap the oldest goes too.
        if (stale(v as never) || map.size > MAX_TRACKED) map.delete(k);
      }
    }
  }
}

/** The languages of the interface a user may choose (the web app has them all, English the default). */
export const LOCALES = ['en', 'ar'] as const;
export type Locale = (typeof LOCALES)[number];
export const isLocale = (value: unknown): value is Locale => typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
