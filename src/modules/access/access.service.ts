import { createHash, createHmac, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { DomainError, UnauthenticatedError, ValidationError, ConflictError, ForbiddenError, NotFoundError } from '../../platform/errors';
import { randomToken, type IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import type { AuditService } from '../audit';
import { AccountChanged } from './access.events';
import {
  DEFAULT_LIMITER_CONFIG,
  DEFAULT_PURPOSE,
  LoginLimiter,
  ROLES,
  scopeRequirement,
  scopeWithin,
  systemActor,
  type Actor,
  type LimiterConfig,
  type Permission,
  type Locale,
  type Role,
} from './access.domain';
import type { LoginResponse, UserResponse } from './access.dto';
import { requirePermission } from './access.policy';
import {
  countUsers,
  listUsersPage,
  lockActiveAdmins,
  lockUser,
  revokeAllSessions,
  updateUser,
  type UserFilter,
  type UserRow,
  findLiveSession,
  findUserById,
  findUserByUsername,
  insertSession,
  revokeOtherSessions,
  setPassword,
  insertUser,
  listUsers,
  revokeSession,
  setLocale,
  touchSession,
} from './access.repository';

export interface AccessConfig {
  /** Idle sessions expire after this long; each use slides the expiry, up to `sessionMaxMs` after login. */
  sessionIdleMs: number;
  sessionMaxMs: number;
  /** Failed sign-ins: progressive delay per (name, address), a higher threshold per address (see LoginLimiter). */
  login: LimiterConfig;
  /** Wrong current passwords on /auth/password, per user: a stolen session must not become a guessing oracle. */
  passwordChange: LimiterConfig;
}

export const DEFAULT_ACCESS_CONFIG: AccessConfig = {
  sessionIdleMs: 8 * 3600_000,
  sessionMaxMs: 24 * 3600_000,
  login: DEFAULT_LIMITER_CONFIG,
  passwordChange: {
    ...DEFAULT_LIMITER_CONFIG,
    pairFreeFailures: 3,
    pairBaseDelayMs: 5_000,
    pairMaxDelayMs: 15 * 60_000,
    addressMaxFailures: Number.POSITIVE_INFINITY,
  },
};

export interface NewUser {
  username: string;
  password: string;
  role: Role;
  displayName?: string;
  facilityIds?: string[];
  nationalities?: string[];
  mustChangePassword?: boolean;
}

export type UserView = z.output<typeof UserResponse>;
/** A session just opened (POST /auth/login). */
export type SessionView = z.output<typeof LoginResponse>;

const ARGON2ID = 2; // @node-rs/argon2 Algorithm.Argon2id (a const enum, not importable under isolatedModules)
const ARGON_OPTIONS = { algorithm: ARGON2ID, memoryCost: 19456, timeCost: 2, parallelism: 1 };
// A hash of a random password, verified when the username is unknown, so that timing does not reveal which exist.
let dummyHash: Promise<string> | undefined;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Key of the audit's pseudonyms for unknown sign-in names: per process and never stored, so they cannot be reversed. */
const PSEUDONYM_KEY = randomBytes(32);

/**
 * How the audit log names a sign-in attempt under a name no user has: a keyed hash, never the typed text (people type
 * passwords into the username field), yet the same for repeated attempts with one name while the process runs.
 */
export function unknownNamePseudonym(typed: string): string {
  return `unknown:${createHmac('sha256', PSEUDONYM_KEY).update(typed.toLowerCase()).digest('hex').slice(0, 16)}`;
}

function rateLimited(code: string, what: string, waitMs: number): DomainError {
  const seconds = Math.max(1, Math.ceil(waitMs / 1000));
  return new DomainError('rate_limited', code, `${what}; try again in ${seconds} s`, { retryAfterSeconds: seconds });
}

function toView(row: {
  id: string;
  username: string;
  displayName: string | null;
  role: string;
  facilityIds: string[];
  nationalities: string[];
  active: boolean;
  mustChangePassword: boolean;
}): UserView {
  return {
    id: row.id,
    username: row.username,
    displayName: row.displayName,
    role: row.role as Role,
    facilityIds: row.facilityIds,
    nationalities: row.nationalities,
    active: row.active,
    mustChangePassword: row.mustChangePassword,
  };
}

export class AccessService {
  private readonly limiter: LoginLimiter;
  private readonly passwordLimiter: LoginLimiter;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly config: AccessConfig = DEFAULT_ACCESS_CONFIG,
    /** When given, changes to accounts are written with `user.changed@1` (headquarters sends accounts to the sites). */
    private readonly outbox: Outbox | null = null,
  ) {
    this.limiter = new LoginLimiter(config.login);
    this.passwordLimiter = new LoginLimiter(config.passwordChange);
  }

  /** A transaction that changes an account: through the outbox when there is one, so its event commits with it. */
  private changeAccount<T>(work: (tx: Db) => Promise<T>): Promise<T> {
    return this.outbox ? this.outbox.transaction(work) : this.db.transaction(work);
  }

  private accountChanged(tx: Db, user: { id: string; username: string }, change: 'created' | 'rights' | 'password' | 'active'): void {
    if (this.outbox) this.outbox.emit(tx, AccountChanged, { userId: user.id, username: user.username, change });
  }

  /**
   * An account as headquarters sends it to this site (sync, in the transaction that records the item applied): created
   * or brought to headquarters' version (role, scope, enabled, the password's hash; never a password). Disabled, its
   * sessions here end. Refused (ValidationError, before anything is written) for a role this version does not know or
   * a new account without a password hash.
   */
  async applyAccountFromHqIn(
    tx: Db,
    account: {
      username: string;
      role: string;
      facilityIds: string[];
      nationalities?: string[];
      active: boolean;
      displayName?: string | null;
      passwordHash?: string;
      mustChangePassword?: boolean;
    },
  ): Promise<void> {
    if (!(ROLES as readonly string[]).includes(account.role))
      throw new ValidationError('access.bad_role', `headquarters sent an account with an unknown role ${JSON.stringify(account.role)}`);
    const hq = systemActor('headquarters');
    const now = this.clock.now();
    const nationalities = (account.nationalities ?? []).map((n) => n.toUpperCase());
    const existing = await findUserByUsername(tx, account.username);
    if (!existing) {
      if (!account.passwordHash)
        throw new ValidationError('access.no_password', `headquarters sent the new account ${account.username} without its password hash`);
      const id = this.ids.next();
      await insertUser(tx, {
        id,
        username: account.username,
        displayName: account.displayName ?? null,
        passwordHash: account.passwordHash,
        role: account.role,
        facilityIds: account.facilityIds,
        nationalities,
        active: account.active,
        mustChangePassword: account.mustChangePassword ?? false,
        createdAt: now,
        createdBy: null,
      });
      await this.audit.record(tx, hq, {
        action: 'user.create',
        subjectType: 'user',
        subjectId: id,
        details: { username: account.username, role: account.role, facilityIds: account.facilityIds, nationalities, from: 'headquarters' },
      });
      return;
    }
    await updateUser(tx, existing.id, {
      role: account.role,
      facilityIds: account.facilityIds,
      nationalities,
      active: account.active,
      ...(account.displayName !== undefined ? { displayName: account.displayName } : {}),
      // the flag belongs to the hash it came with: a one-time password stays one-time here, a chosen one frees the account
      ...(account.passwordHash ? { passwordHash: account.passwordHash, mustChangePassword: account.mustChangePassword ?? false } : {}),
    });
    const ended =
      !account.active || (account.passwordHash && account.passwordHash !== existing.passwordHash) ? await revokeAllSessions(tx, existing.id, now) : 0;
    await this.audit.record(tx, hq, {
      action: 'user.update',
      subjectType: 'user',
      subjectId: existing.id,
      details: {
        username: account.username,
        before: { role: existing.role, facilityIds: existing.facilityIds, active: existing.active },
        after: { role: account.role, facilityIds: account.facilityIds, active: account.active },
        passwordChanged: Boolean(account.passwordHash && account.passwordHash !== existing.passwordHash),
        sessionsEnded: ended,
        from: 'headquarters',
      },
    });
  }

  /** An account as headquarters sends it down to the sites (sync): null for an unknown id. */
  async accountForSites(tx: Db, userId: string) {
    const u = await findUserById(tx, userId);
    if (!u) return null;
    return {
      username: u.username,
      role: u.role,
      facilityIds: u.facilityIds,
      nationalities: u.nationalities,
      active: u.active,
      displayName: u.displayName,
      passwordHash: u.passwordHash,
      mustChangePassword: u.mustChangePassword,
    };
  }

  async createUser(actor: Actor, input: NewUser): Promise<UserView> {
    requirePermission(actor, 'users.manage');
    validateNewUser(input);
    requireGrantable(actor, { facilityIds: input.facilityIds ?? [], nationalities: input.nationalities ?? [] });
    const passwordHash = await argonHash(input.password, ARGON_OPTIONS);
    const id = this.ids.next();
    return this.changeAccount(async (tx) => {
      if (await findUserByUsername(tx, input.username)) {
        throw new ConflictError('access.username_taken', `The username ${input.username} is taken`);
      }
      const row = {
        id,
        username: input.username,
        displayName: input.displayName ?? null,
        passwordHash,
        role: input.role,
        facilityIds: input.facilityIds ?? [],
        nationalities: (input.nationalities ?? []).map((n) => n.toUpperCase()),
        active: true,
        mustChangePassword: input.mustChangePassword ?? false,
        createdAt: this.clock.now(),
        createdBy: actor.userId,
      };
      await insertUser(tx, row);
      this.accountChanged(tx, row, 'created');
      await this.audit.record(tx, actor, {
        action: 'user.create',
        subjectType: 'user',
        subjectId: id,
        details: { username: row.username, role: row.role, facilityIds: row.facilityIds, nationalities: row.nationalities },
      });
      return toView(row);
    });
  }

  async listUsers(actor: Actor): Promise<UserView[]> {
    requirePermission(actor, 'users.manage');
    return (await listUsers(this.db)).map(toView);
  }

  /** A page of the accounts matching the filter (by username) and how many match in all; a scoped administrator's only. */
  async listUsersPage(actor: Actor, filter: UserFilter, limit: number, offset: number): Promise<{ total: number; rows: UserView[] }> {
    requirePermission(actor, 'users.manage');
    const scoped = actor.facilityIds.length > 0 || actor.nationalities.length > 0;
    const page = await listUsersPage(this.db, scoped ? { ...filter, within: actor } : filter, limit, offset);
    return { total: page.total, rows: page.rows.map(toView) };
  }

  /**
   * Changes another account's role, scope or display name (audited before and after). Nobody edits their own role or
   * scope, a scoped administrator gives only scopes inside theirs, and the last active administrator keeps the role.
   * The change holds from the user's next request (a session's actor is read from the account each time).
   */
  async updateUser(actor: Actor, id: string, patch: UserPatch): Promise<UserView> {
    requirePermission(actor, 'users.manage');
    return this.changeAccount(async (tx) => {
      const before = await this.editable(tx, actor, id);
      const changesRights = patch.role !== undefined || patch.facilityIds !== undefined || patch.nationalities !== undefined;
      if (changesRights && before.id === actor.userId) {
        throw new ForbiddenError('access.own_rights', 'Nobody changes their own role or scope: ask another administrator');
      }
      const after = {
        ...before,
        role: patch.role ?? before.role,
        facilityIds: patch.facilityIds ?? before.facilityIds,
        nationalities: (patch.nationalities ?? before.nationalities).map((n) => n.toUpperCase()),
        displayName: patch.displayName === undefined ? before.displayName : patch.displayName || null,
      };
      validateScope(after.role as Role, after);
      requireGrantable(actor, after);
      if (before.role === 'admin' && after.role !== 'admin' && before.active) await this.requireAnotherAdmin(tx, before.id, 'demote');
      await updateUser(tx, id, { role: after.role, facilityIds: after.facilityIds, nationalities: after.nationalities, displayName: after.displayName });
      this.accountChanged(tx, before, 'rights');
      const view = (u: UserRow) => ({ role: u.role, facilityIds: u.facilityIds, nationalities: u.nationalities, displayName: u.displayName });
      await this.audit.record(tx, actor, {
        action: 'user.update',
        subjectType: 'user',
        subjectId: id,
        details: { username: before.username, before: view(before), after: view(after) },
      });
      return toView(after);
    });
  }

  /** Sets a new one-time password on another account: it must be changed at the next sign-in; open sessions end. */
  async resetPassword(actor: Actor, id: string, password: string): Promise<UserView> {
    requirePermission(actor, 'users.manage');
    if (password.length < 10) throw new ValidationError('access.weak_password', 'A password needs at least 10 characters');
    const passwordHash = await argonHash(password, ARGON_OPTIONS);
    return this.changeAccount(async (tx) => {
      const user = await this.editable(tx, actor, id);
      if (user.id === actor.userId) {
        throw new ForbiddenError('access.own_account', 'Change your own password with your current one (POST /auth/password), not by a reset');
      }
      await updateUser(tx, id, { passwordHash, mustChangePassword: true });
      this.accountChanged(tx, user, 'password');
      const ended = await revokeAllSessions(tx, id, this.clock.now());
      await this.audit.record(tx, actor, {
        action: 'user.password_reset',
        subjectType: 'user',
        subjectId: id,
        details: { username: user.username, sessionsEnded: ended },
      });
      return toView({ ...user, mustChangePassword: true });
    });
  }

  /** Disables an account (it cannot sign in; its sessions end) or enables it again. */
  async setActive(actor: Actor, id: string, active: boolean): Promise<UserView> {
    requirePermission(actor, 'users.manage');
    return this.changeAccount(async (tx) => {
      const user = await this.editable(tx, actor, id);
      if (!active && user.id === actor.userId) throw new ForbiddenError('access.own_account', 'Nobody disables their own account: ask another administrator');
      if (user.active === active) return toView(user);
      if (!active && user.role === 'admin') await this.requireAnotherAdmin(tx, user.id, 'disable');
      await updateUser(tx, id, { active });
      this.accountChanged(tx, user, 'active');
      const ended = active ? 0 : await revokeAllSessions(tx, id, this.clock.now());
      await this.audit.record(tx, actor, {
        action: active ? 'user.enable' : 'user.disable',
        subjectType: 'user',
        subjectId: id,
        details: { username: user.username, ...(active ? {} : { sessionsEnded: ended }) },
      });
      return toView({ ...user, active });
    });
  }

  /** The account, locked; 404 when unknown, 403 when its scope reaches past the actor's. */
  private async editable(tx: Db, actor: Actor, id: string): Promise<UserRow> {
    const user = await lockUser(tx, id);
    if (!user) throw new NotFoundError('access.user_not_found', `No user ${id}`);
    if (!scopeWithin(actor, user)) throw new ForbiddenError('access.out_of_scope', 'This account reaches outside your scope');
    return user;
  }

  private async requireAnotherAdmin(tx: Db, userId: string, what: 'demote' | 'disable'): Promise<void> {
    const admins = await lockActiveAdmins(tx);
    if (admins.filter((a) => a !== userId).length === 0) {
      throw new ConflictError(
        'access.last_admin',
        `This is the last active administrator: ${what === 'disable' ? 'disabling' : 'demoting'} it would leave nobody to manage users. Make another administrator first.`,
      );
    }
  }

  async mustChangePassword(actor: Actor): Promise<boolean> {
    if (!actor.userId) return false;
    return (await findUserById(this.db, actor.userId))?.mustChangePassword ?? false;
  }

  async hasUsers(): Promise<boolean> {
    return (await countUsers(this.db)) > 0;
  }

  /** Checks a password and opens a session; failures are counted per username and per client address. */
  async login(username: string, password: string, clientAddress: string, clientName?: string): Promise<SessionView> {
    const now = this.clock.now();
    const name = username.toLowerCase();
    const wait = this.limiter.wait(name, clientAddress, now.getTime());
    if (wait > 0) throw rateLimited('auth.rate_limited', 'Too many failed sign-ins', wait);
    const user = await findUserByUsername(this.db, username);
    dummyHash ??= argonHash(randomToken(), ARGON_OPTIONS);
    const ok = user ? await argonVerify(user.passwordHash, password) : (await argonVerify(await dummyHash, password), false);
    if (!user || !ok || !user.active) {
      this.limiter.fail(name, clientAddress, now.getTime());
      await this.db.transaction(async (tx) =>
        this.audit.record(tx, anonymous(user ? user.username : unknownNamePseudonym(username)), {
          action: 'auth.login_failed',
          subjectType: 'user',
          subjectId: user?.id,
          details: { clientAddress },
        }),
      );
      throw new UnauthenticatedError('auth.invalid_credentials', 'Unknown username or wrong password');
    }
    this.limiter.succeed(name, clientAddress, now.getTime());
    const token = randomToken();
    const expiresAt = new Date(now.getTime() + this.config.sessionIdleMs);
    await this.db.transaction(async (tx) => {
      await insertSession(tx, {
        id: this.ids.next(),
        tokenHash: hashToken(token),
        userId: user.id,
        createdAt: now,
        expiresAt,
        lastSeenAt: now,
        client: clientName ?? null,
      });
      await this.audit.record(tx, actorOf(user, DEFAULT_PURPOSE[user.role as Role]), {
        action: 'auth.login',
        subjectType: 'user',
        subjectId: user.id,
        details: { clientAddress },
      });
    });
    return { token, expiresAt, user: toView(user) };
  }

  /**
   * The route-level check (first layer of authorisation): 403 unless the actor's role holds the permission, and 403
   * `auth.password_change_required` on every route but those a session must reach to change its one-time password.
   */
  authorise(actor: Actor, permission: Permission | undefined, route: { beforePasswordChange?: boolean } = {}): void {
    if (actor.mustChangePassword && !route.beforePasswordChange) {
      throw new ForbiddenError(
        'auth.password_change_required',
        'This account still has its one-time password: change it first (POST /api/v1/auth/password {current, next})',
      );
    }
    if (permission) requirePermission(actor, permission);
  }

  /**
   * The actor of a command-line operator named with `--as` (or CUSTOS_OPERATOR): an active user, acting with their
   * role and scope, recorded on what they do. No password: whoever runs the CLI already holds the database itself;
   * the name is for the record, the role and scope keep the command within what that user may do.
   */
  async operatorActor(username: string, purpose: string): Promise<Actor> {
    const user = await findUserByUsername(this.db, username.trim());
    if (!user?.active)
      throw new ValidationError('access.unknown_operator', `No active user "${username}" to act as: name an existing user with --as or CUSTOS_OPERATOR`);
    return actorOf(user, purpose);
  }

  /** Resolves a bearer token or cookie to the actor, sliding the idle expiry. */
  async authenticate(token: string, purpose?: string): Promise<Actor> {
    const now = this.clock.now();
    const found = await findLiveSession(this.db, hashToken(token), now);
    if (!found?.user.active) throw new UnauthenticatedError('auth.session_expired', 'The session is unknown or has expired; sign in again');
    const hardLimit = found.session.createdAt.getTime() + this.config.sessionMaxMs;
    const slid = Math.min(now.getTime() + this.config.sessionIdleMs, hardLimit);
    // Write the slide at most once a minute, not on every request.
    if (now.getTime() - found.session.lastSeenAt.getTime() > 60_000) {
      await touchSession(this.db, found.session.id, now, new Date(slid));
    }
    const actor = actorOf(found.user, purpose ?? DEFAULT_PURPOSE[found.user.role as Role]);
    return found.user.mustChangePassword ? { ...actor, mustChangePassword: true } : actor;
  }

  /** Changes the caller's own password (the one-time admin password first of all) and ends their other sessions. */
  async changePassword(actor: Actor, token: string, current: string, next: string, clientAddress = 'unknown'): Promise<void> {
    if (!actor.userId) throw new UnauthenticatedError();
    // Keyed by the user, whatever the address: whoever holds the session gets the same few guesses.
    const now = this.clock.now().getTime();
    const wait = this.passwordLimiter.wait(actor.userId, 'any', now);
    if (wait > 0) throw rateLimited('auth.password_rate_limited', 'Too many wrong current passwords', wait);
    const user = await findUserById(this.db, actor.userId);
    if (!user || !(await argonVerify(user.passwordHash, current))) {
      this.passwordLimiter.fail(actor.userId, 'any', now);
      await this.db.transaction(async (tx) =>
        this.audit.record(tx, actor, {
          action: 'auth.password_change_failed',
          subjectType: 'user',
          subjectId: actor.userId ?? undefined,
          details: { clientAddress },
        }),
      );
      throw new UnauthenticatedError('auth.invalid_credentials', 'The current password is wrong');
    }
    this.passwordLimiter.succeed(actor.userId, 'any', now);
    if (next.length < 10) throw new ValidationError('access.weak_password', 'A password needs at least 10 characters');
    if (next === current) throw new ValidationError('access.same_password', 'The new password must differ from the current one');
    const passwordHash = await argonHash(next, ARGON_OPTIONS);
    await this.changeAccount(async (tx) => {
      await setPassword(tx, user.id, passwordHash);
      this.accountChanged(tx, user, 'password');
      await revokeOtherSessions(tx, user.id, hashToken(token), this.clock.now());
      await this.audit.record(tx, actor, { action: 'auth.password_changed', subjectType: 'user', subjectId: user.id });
    });
  }

  /** The caller's own interface language (null: not chosen yet, or an actor without an account). */
  async localeOf(actor: Actor): Promise<Locale | null> {
    if (!actor.userId) return null;
    const locale = (await findUserById(this.db, actor.userId))?.locale;
    return locale === 'en' || locale === 'ar' ? locale : null;
  }

  /** Keeps the caller's choice of interface language on their account (their own setting: no permission needed). */
  async setPreferences(actor: Actor, prefs: { locale: Locale }): Promise<{ locale: Locale }> {
    if (!actor.userId) throw new UnauthenticatedError('auth.no_account', 'Preferences belong to a signed-in account');
    await this.db.transaction(async (tx) => {
      await setLocale(tx, actor.userId!, prefs.locale);
      await this.audit.record(tx, actor, { action: 'user.preferences', subjectType: 'user', subjectId: actor.userId!, details: { locale: prefs.locale } });
    });
    return { locale: prefs.locale };
  }

  async logout(token: string): Promise<void> {
    await revokeSession(this.db, hashToken(token), this.clock.now());
  }
}

function actorOf(user: { id: string; username: string; role: string; facilityIds: string[]; nationalities: string[] }, purpose: string): Actor {
  return {
    userId: user.id,
    username: user.username,
    role: user.role as Role,
    facilityIds: user.facilityIds,
    nationalities: user.nationalities,
    purpose,
  };
}

function anonymous(username: string): Actor {
  return { userId: null, username: `anonymous:${username.slice(0, 64)}`, role: 'monitor', facilityIds: [], nationalities: [], purpose: 'authentication' };
}

export interface UserPatch {
  role?: Role;
  displayName?: string | null;
  facilityIds?: string[];
  nationalities?: string[];
}

function requireGrantable(actor: Actor, scope: { facilityIds: readonly string[]; nationalities: readonly string[] }): void {
  if (!scopeWithin(actor, scope)) {
    throw new ForbiddenError('access.scope_too_wide', 'You may only give a scope inside your own (your facilities, your nationalities)');
  }
}

function validateScope(role: Role, scope: { facilityIds?: readonly string[]; nationalities?: readonly string[] }): void {
  const needs = scopeRequirement(role);
  if (needs === 'facility' && !scope.facilityIds?.length) {
    throw new ValidationError('access.scope_required', `An ${role} must be given at least one facility`);
  }
  if (needs === 'nationality' && !scope.nationalities?.length) {
    throw new ValidationError('access.scope_required', `A ${role} must be given at least one nationality`);
  }
  for (const n of scope.nationalities ?? []) {
    if (!/^[A-Za-z]{3}$/.test(n)) throw new ValidationError('access.bad_nationality', `Nationality ${n} is not an ISO 3166 alpha-3 code`);
  }
}

export function validateNewUser(input: NewUser): void {
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/i.test(input.username)) {
    throw new ValidationError('access.bad_username', 'A username is 2-64 letters, digits, dots, dashes or underscores');
  }
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new ValidationError('access.bad_role', `Unknown role ${input.role}; roles are ${ROLES.join(', ')}`);
  }
  if (input.password.length < 10) {
    throw new ValidationError('access.weak_password', 'A password needs at least 10 characters');
  }
  validateScope(input.role, input);
}
