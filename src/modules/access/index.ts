import './access.http';
/** Users, roles, scopes and sessions: who may do what, on which facilities and nationalities. */
export {
  ROLES,
  PERMISSIONS,
  DEFAULT_PURPOSE,
  systemActor,
  hasPermission,
  permissionsOf,
  canSeeFacility,
  canSeePerson,
  isFacilityScoped,
  isNationalityScoped,
  LoginLimiter,
  DEFAULT_LIMITER_CONFIG,
  type LimiterConfig,
  type Actor,
  type Role,
  type Permission,
  LOCALES,
  isLocale,
  type Locale,
} from './access.domain';
export { requirePermission, requireFacility, requirePersonInScope } from './access.policy';
export {
  AccessService,
  DEFAULT_ACCESS_CONFIG,
  hashToken,
  type AccessConfig,
  type NewUser,
  type UserView,
  type SessionView,
} from './access.service';
export { AccountChanged } from './access.events';
