/** Roles of contract v1; what each may do is the PERMISSIONS table below, and scope narrows it further. */
export const ROLES = ['admin', 'commander', 'officer', 'registrar', 'screening', 'investigator', 'legal', 'monitor', 'liaison'] as const;
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
  'ledger.verify': ['admin', 'commander', 'investigator', 'monitor'],
  'reports.read': ['admin', 'commander', 'officer', 'investigator', 'legal', 'monitor', 'liaison'],
  'audit.read': ['admin', 'investigator', 'monitor'],
  // The security side, kept apart from the humanitarian record.
  'screening.read': ['admin', 'screening', 'investigator'],
  'screening.decide': ['admin', 'screening'],
  'biometrics.read': ['admin', 'registrar', 'officer', 'investigator'],
  'biometrics.enrol': ['admin', 'registrar'],
  'rollcall.run': ['admin', 'commander', 'officer'],
  'alerts.read': ['admin', 'commander', 'officer', 'investigator', 'monitor'],
  'alerts.manage': ['admin', 'commander', 'officer'],
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
};

/** Who is asking, with the scope that narrows what they see. Empty scope lists mean "not narrowed". */
export interface Actor {
  userId: string | null;
  username: string;
  role: Role;
  facilityIds: readonly string[];
  nationalities: readonly string[];
  purpose: string;
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
