import { and, eq, gt, ilike, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { sessions, users } from './access.schema';

export type UserRow = typeof users.$inferSelect;

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

export async function insertUser(db: Db, row: typeof users.$inferInsert): Promise<void> {
  await db.insert(users).values(row);
}

export async function countUsers(db: Db): Promise<number> {
  return (await db.$count(users)) as number;
}

export async function listUsers(db: Db): Promise<UserRow[]> {
  return db.select().from(users).orderBy(users.username);
}

export async function insertSession(db: Db, row: typeof sessions.$inferInsert): Promise<void> {
  await db.insert(sessions).values(row);
}

export async function findLiveSession(db: Db, tokenHash: string, now: Date) {
  const [row] = await db
    .select({ session: sessions, user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)));
  return row;
}

export async function touchSession(db: Db, id: string, now: Date, expiresAt: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, id));
}

export async function revokeSession(db: Db, tokenHash: string, now: Date): Promise<void> {
  await db.update(sessions).set({ revokedAt: now }).where(eq(sessions.tokenHash, tokenHash));
}

export async function setPassword(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db.update(users).set({ passwordHash, mustChangePassword: false }).where(eq(users.id, userId));
}

/** Ends every session of a user except the one given (after a password change). */
export async function revokeOtherSessions(db: Db, userId: string, keepTokenHash: string, now: Date): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), sql`${sessions.tokenHash} <> ${keepTokenHash}`));
}

export interface UserFilter {
  /** Part of the username or display name (case-insensitive). */
  q?: string;
  role?: string;
  active?: boolean;
  /**
   * A scoped administrator's scope: only accounts narrowed inside it are listed (and counted), as only those are
   * theirs to manage.
   */
  within?: { facilityIds: readonly string[]; nationalities: readonly string[] };
}

function userConditions(f: UserFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(or(ilike(users.username, like), ilike(users.displayName, like))!);
  }
  if (f.role) conditions.push(eq(users.role, f.role));
  if (f.active !== undefined) conditions.push(eq(users.active, f.active));
  const list = (values: readonly string[]) =>
    sql.join(
      values.map((v) => sql`${v}`),
      sql`, `,
    );
  if (f.within?.facilityIds.length) {
    conditions.push(sql`cardinality(${users.facilityIds}) > 0 and ${users.facilityIds} <@ array[${list(f.within.facilityIds)}]::uuid[]`);
  }
  if (f.within?.nationalities.length) {
    conditions.push(sql`cardinality(${users.nationalities}) > 0 and ${users.nationalities} <@ array[${list(f.within.nationalities)}]::text[]`);
  }
  return conditions.length ? and(...conditions) : undefined;
}

/** A page of the users matching the filter, by username, and how many match in all. */
export async function listUsersPage(db: Db, f: UserFilter, limit: number, offset: number): Promise<{ rows: UserRow[]; total: number }> {
  const where = userConditions(f);
  const [rows, [count]] = await Promise.all([
    db.select().from(users).where(where).orderBy(users.username).limit(limit).offset(offset),
    db.select({ n: sql<number>`count(*)::int` }).from(users).where(where),
  ]);
  return { rows, total: Number(count?.n ?? 0) };
}

/** The user's row locked for the rest of the transaction (two administrators editing one account are ordered). */
export async function lockUser(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).for('update');
  return row;
}

/** The ids of the active administrators, locked: the check "not the last one" holds until the transaction ends. */
export async function lockActiveAdmins(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .orderBy(users.id)
    .for('update');
  return rows.map((r) => r.id);
}

export async function updateUser(
  db: Db,
  id: string,
  set: Partial<Pick<UserRow, 'role' | 'facilityIds' | 'nationalities' | 'displayName' | 'active' | 'passwordHash' | 'mustChangePassword'>>,
): Promise<void> {
  await db.update(users).set(set).where(eq(users.id, id));
}

/** Ends every live session of a user (disabled, or a password reset by an administrator). */
export async function revokeAllSessions(db: Db, userId: string, now: Date): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  return rows.length;
}

export async function setLocale(db: Db, userId: string, locale: string): Promise<void> {
  await db.update(users).set({ locale }).where(eq(users.id, userId));
}
