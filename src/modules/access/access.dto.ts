import { z } from 'zod';
import { instant } from '../../platform/dto';
import { LOCALES, PERMISSIONS, ROLES, type Permission } from './access.domain';

export const LoginBody = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(1024) });

export const ChangePasswordBody = z.object({ current: z.string().min(1).max(1024), next: z.string().min(1).max(1024) });

export const CreateUserBody = z.object({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  role: z.enum(ROLES),
  displayName: z.string().max(200).optional(),
  facilityIds: z.array(z.uuid()).max(100).optional(),
  nationalities: z
    .array(z.string().regex(/^[A-Za-z]{3}$/))
    .max(50)
    .optional(),
  /** The password is a one-time one, to be changed at the first sign-in (default: an administrator chose it). */
  mustChangePassword: z.boolean().default(true),
});

const Nationalities = z.array(z.string().regex(/^[A-Za-z]{3}$/, 'An ISO 3166 alpha-3 code (three letters)')).max(50);

/** GET /users: filter and page. */
export const UsersQuery = z.object({
  /** Part of the username or display name. */
  q: z.string().trim().max(64).optional(),
  role: z.enum(ROLES).optional(),
  active: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

export const UserParams = z.object({ id: z.uuid() });

/** PATCH /users/:id: the role, the scope and the display name; what is left out stays. */
export const UpdateUserBody = z
  .object({
    role: z.enum(ROLES).optional(),
    displayName: z.string().trim().max(200).nullable().optional(),
    facilityIds: z.array(z.uuid()).max(100).optional(),
    nationalities: Nationalities.optional(),
  })
  .strict()
  .refine((b) => Object.keys(b).length > 0, 'Nothing to change: give role, displayName, facilityIds or nationalities');

/** POST /users/:id/reset-password: a new one-time password, which the user must change at their next sign-in. */
export const ResetPasswordBody = z.object({ password: z.string().min(1).max(1024) }).strict();

// --- responses (the JSON on the wire: instants as ISO strings; z.output is what the service returns) ---------------

const PERMISSION_NAMES = Object.keys(PERMISSIONS) as [Permission, ...Permission[]];

/** A user account as GET /users lists it (never the password hash). */
export const UserResponse = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string().nullable(),
  role: z.enum(ROLES),
  /** Facility scope; empty: not narrowed. */
  facilityIds: z.array(z.string()),
  /** Nationality scope (ISO 3166 alpha-3); empty: not narrowed. */
  nationalities: z.array(z.string()),
  active: z.boolean(),
  /** Signed in with a one-time password (new account or reset) that is still to be changed. */
  mustChangePassword: z.boolean(),
});
export type UserResponse = z.input<typeof UserResponse>;

/** POST /auth/login: the bearer token (also set as the session cookie), when it expires if unused, and the user. */
export const LoginResponse = z.object({ token: z.string(), expiresAt: instant, user: UserResponse });
export type LoginResponse = z.input<typeof LoginResponse>;

/** GET /auth/me: who the session is, the scope, the purpose reads are audited with, and what the role may do. */
export const MeResponse = z.object({
  userId: z.string().nullable(),
  username: z.string(),
  role: z.enum(ROLES),
  facilityIds: z.array(z.string()),
  nationalities: z.array(z.string()),
  purpose: z.string(),
  /** The one-time password of a bootstrap account must be changed before anything else. */
  mustChangePassword: z.boolean(),
  permissions: z.array(z.enum(PERMISSION_NAMES)),
  /** The interface language the user chose; null until they choose (the app then keeps the browser's choice). */
  locale: z.enum(LOCALES).nullable(),
});
export type MeResponse = z.input<typeof MeResponse>;

/** PATCH /auth/me/preferences: the caller's own settings of the interface. */
export const PreferencesBody = z.object({ locale: z.enum(LOCALES) }).strict();
export const PreferencesResponse = z.object({ locale: z.enum(LOCALES).nullable() });
export type PreferencesResponse = z.input<typeof PreferencesResponse>;

/** An acknowledgement without data (logout, password change). */
export const OkResponse = z.object({ ok: z.literal(true) });
