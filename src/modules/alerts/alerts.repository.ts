import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { placements } from '../custody';
import { facilities, units } from '../facilities';
import type { AlertStatus } from './alerts.domain';
import { alertRules, alerts } from './alerts.schema';

export type AlertRow = typeof alerts.$inferSelect;
export type AlertRulesRow = typeof alertRules.$inferSelect;

/** Inserts unless a live alert (not resolved) has the same dedupe key; returns the row when inserted. */
export async function insertAlert(tx: Db, row: AlertRow): Promise<AlertRow | undefined> {
  const [inserted] = await tx.insert(alerts).values(row).onConflictDoNothing({ target: alerts.dedupeKey, where: sql`status <> 'resolved'` }).returning();
  return inserted;
}

/** Has any alert (whatever its status) used this key? A missed slot is reported once, even after it was resolved. */
export async function dedupeKeyUsed(db: Db, key: string): Promise<boolean> {
  const rows = await queryRows<{ one: number }>(db, sql`select 1 as one from alerts where dedupe_key = ${key} limit 1`);
  return rows.length > 0;
}

export async function liveAlertWithKey(db: Db, key: string): Promise<AlertRow | undefined> {
  const [row] = await db
    .select()
    .from(alerts)
    .where(and(eq(alerts.dedupeKey, key), sql`status <> 'resolved'`));
  return row;
}

export async function findAlert(db: Db, id: string, forUpdate = false): Promise<AlertRow | undefined> {
  const q = db.select().from(alerts).where(eq(alerts.id, id));
  const [row] = forUpdate ? await q.for('update') : await q;
  return row;
}

export interface AlertListFilter {
  status?: AlertStatus;
  facilityId?: string;
  facilityIds?: readonly string[];
  /** Only alerts about these states' nationals (a liaison's scope). */
  nationalities?: readonly string[];
  /** With `nationalities`: alerts of no facility, or of these facilities. */
  facilityIdsOrNone?: readonly string[];
  rule?: string;
  /** Only alerts whose rule begins with one of these (a role that reads its own kind of alert only). */
  rulePrefixes?: readonly string[];
}

function listConditions(f: AlertListFilter): SQL | undefined {
  const conditions: SQL[] = [];
  if (f.status) conditions.push(eq(alerts.status, f.status));
  if (f.facilityId) conditions.push(eq(alerts.facilityId, f.facilityId));
  if (f.facilityIds) conditions.push(inArray(alerts.facilityId, [...f.facilityIds]));
  if (f.nationalities) conditions.push(f.nationalities.length ? inArray(alerts.nationality, [...f.nationalities]) : sql`false`);
  if (f.facilityIdsOrNone)
    conditions.push(
      f.facilityIdsOrNone.length
        ? sql`(${alerts.facilityId} is null or ${inArray(alerts.facilityId, [...f.facilityIdsOrNone])})`
        : sql`${alerts.facilityId} is null`,
    );
  if (f.rule) conditions.push(eq(alerts.rule, f.rule));
  if (f.rulePrefixes) {
    conditions.push(
      f.rulePrefixes.length
        ? sql`(${sql.join(
            f.rulePrefixes.map((p) => sql`${alerts.rule} like ${`${p.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`),
            sql` or `,
          )})`
        : sql`false`,
    );
  }
  return conditions.length ? and(...conditions) : undefined;
}

export async function listAlerts(db: Db, f: AlertListFilter & { limit: number; offset?: number }): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(listConditions(f))
    .orderBy(desc(alerts.raisedAt), desc(alerts.id))
    .limit(f.limit)
    .offset(f.offset ?? 0);
}

/** How many alerts the list's filters select: its total. */
export async function countAlerts(db: Db, f: AlertListFilter): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(alerts).where(listConditions(f));
  return Number(row?.n ?? 0);
}

export async function updateAlert(tx: Db, id: string, patch: Partial<AlertRow>): Promise<AlertRow> {
  const [row] = await tx.update(alerts).set(patch).where(eq(alerts.id, id)).returning();
  return row!;
}

export async function openUnacknowledged(db: Db): Promise<(AlertRow & { rules: unknown })[]> {
  const rows = await db
    .select({ alert: alerts, rules: alertRules.rules })
    .from(alerts)
    .leftJoin(alertRules, eq(alertRules.facilityId, alerts.facilityId))
    .where(eq(alerts.status, 'open'));
  return rows.map((r) => ({ ...r.alert, rules: r.rules }));
}

export async function findRules(db: Db, facilityId: string): Promise<AlertRulesRow | undefined> {
  const [row] = await db.select().from(alertRules).where(eq(alertRules.facilityId, facilityId));
  return row;
}

export async function upsertRules(tx: Db, row: AlertRulesRow): Promise<void> {
  await tx
    .insert(alertRules)
    .values(row)
    .onConflictDoUpdate({ target: alertRules.facilityId, set: { rules: row.rules, updatedAt: row.updatedAt, updatedBy: row.updatedBy } });
}

/** Facilities with a capacity and their count on the roll (in custody, temporarily out, unaccounted). */
export async function rollVersusCapacity(db: Db, facilityIds?: readonly string[]): Promise<{ id: string; code: string; capacity: number; on_roll: number }[]> {
  const only = facilityIds ? sql`and f.id = any(${sql.param([...facilityIds])}::uuid[])` : sql``;
  return queryRows(
    db,
    sql`select f.id, f.code, f.capacity,
               (select count(*)::int from ${placements} p where p.facility_id = f.id and p.status in ('in_custody', 'temporarily_out', 'unaccounted')) as on_roll
        from ${facilities} f where f.capacity is not null ${only}`,
  );
}

export async function facilityCodes(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; code: string }>(db, sql`select id, code from ${facilities} where id = any(${sql.param([...ids])}::uuid[])`);
  return new Map(rows.map((r) => [r.id, r.code]));
}

export async function unitCodes(db: Db, facilityId: string): Promise<Map<string, string>> {
  const rows = await queryRows<{ id: string; code: string }>(db, sql`select id, code from ${units} where facility_id = ${facilityId}`);
  return new Map(rows.map((r) => [r.id, r.code]));
}

/** The alerts a roll call's close raised (its Delta, mass absence, repeated absences), oldest first. */
export async function alertsOfRollcall(db: Db, rollcallId: string): Promise<AlertRow[]> {
  return db.select().from(alerts).where(eq(alerts.rollcallId, rollcallId)).orderBy(alerts.raisedAt, alerts.id);
}

/** The live (not resolved) alert of a situation, locked for the update. */
export async function liveSituation(tx: Db, key: string): Promise<AlertRow | undefined> {
  const [row] = await tx
    .select()
    .from(alerts)
    .where(and(eq(alerts.situationKey, key), sql`status <> 'resolved'`))
    .for('update');
  return row;
}

/** Which of these persons are unaccounted now (the ledger's placement). */
export async function stillUnaccounted(db: Db, personIds: readonly string[]): Promise<Set<string>> {
  if (personIds.length === 0) return new Set();
  const rows = await queryRows<{ person_id: string }>(
    db,
    sql`select person_id from ${placements} where person_id = any(${sql.param([...personIds])}::uuid[]) and status = 'unaccounted'`,
  );
  return new Set(rows.map((r) => r.person_id));
}

/**
 * The live alerts of one rule and facility that a run of the deadline scheduler raised (their `details.at` is that
 * run's moment), locked: the overdue reviews a facility's one alert takes over when the run turns out to be a flood.
 */
export async function liveAlertsOfRun(tx: Db, rule: string, facilityId: string | null, runs: readonly string[]): Promise<AlertRow[]> {
  if (runs.length === 0) return [];
  return tx
    .select()
    .from(alerts)
    .where(
      and(
        eq(alerts.rule, rule),
        facilityId === null ? sql`${alerts.facilityId} is null` : eq(alerts.facilityId, facilityId),
        sql`${alerts.status} <> 'resolved'`,
        sql`${alerts.details}->>'at' = any(${sql.param([...runs])}::text[])`,
      ),
    )
    .orderBy(alerts.raisedAt, alerts.id)
    .for('update');
}

/** The live reminders and overdue alerts of one repatriation request's stage, locked (the stage is over: resolve them). */
export async function liveStageAlerts(tx: Db, requestId: string, stage: string): Promise<AlertRow[]> {
  return tx
    .select()
    .from(alerts)
    .where(
      and(
        sql`${alerts.rule} in ('repatriation.stage_due', 'repatriation.stage_overdue')`,
        sql`${alerts.status} <> 'resolved'`,
        sql`${alerts.details}->>'requestId' = ${requestId}`,
        sql`${alerts.details}->>'stage' = ${stage}`,
      ),
    )
    .orderBy(alerts.raisedAt, alerts.id)
    .for('update');
}
