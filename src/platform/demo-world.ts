import { sql } from 'drizzle-orm';
import { integer, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';
import { queryRows, type Database, type Db } from './db/database';

/**
 * The demo world's own record (migration 0015), owned by the platform because the demo is a client of the modules,
 * not a module: `custos demo` writes it, `custos serve` and `/api/health` read it. One row at most.
 */
export const demoWorld = pgTable('demo_world', {
  id: smallint('id').primaryKey(),
  state: text('state').notNull(),
  scale: text('scale').notNull(),
  seed: integer('seed').notNull(),
  label: text('label').notNull(),
  replayUntil: timestamp('replay_until', { withTimezone: true }).notNull(),
  seedingStartedAt: timestamp('seeding_started_at', { withTimezone: true }).notNull(),
  seedingFinishedAt: timestamp('seeding_finished_at', { withTimezone: true }),
  scenarioNow: timestamp('scenario_now', { withTimezone: true }).notNull(),
});

export interface DemoWorld {
  /** `seeding` from the first write of the seed until its last: a world still (or forever, if killed) half built. */
  state: 'seeding' | 'ready';
  scale: string;
  seed: number;
  /** What the world is, for people: "1:27 miniature of al-Hol (2,001 people for 54,000)". */
  label: string;
  replayUntil: Date;
  /** Real time. */
  seedingStartedAt: Date;
  seedingFinishedAt: Date | null;
  /** The scenario clock's last saved reading: a restart resumes from here. */
  scenarioNow: Date;
}

interface Row {
  state: 'seeding' | 'ready';
  scale: string;
  seed: number;
  label: string;
  replay_until: string | Date;
  seeding_started_at: string | Date;
  seeding_finished_at: string | Date | null;
  scenario_now: string | Date;
}

export async function readDemoWorld(db: Db): Promise<DemoWorld | null> {
  const [r] = await queryRows<Row>(db, sql`select * from ${demoWorld} where id = 1`);
  if (!r) return null;
  return {
    state: r.state,
    scale: r.scale,
    seed: Number(r.seed),
    label: r.label,
    replayUntil: new Date(r.replay_until),
    seedingStartedAt: new Date(r.seeding_started_at),
    seedingFinishedAt: r.seeding_finished_at ? new Date(r.seeding_finished_at) : null,
    scenarioNow: new Date(r.scenario_now),
  };
}

/** Marks the start of a seed, before anything else is written: from here until `finishDemoSeed` the world is half built. */
export async function beginDemoSeed(
  db: Db,
  w: { scale: string; seed: number; label: string; replayUntil: Date; scenarioNow: Date; startedAt: Date },
): Promise<void> {
  await db.execute(
    sql`insert into ${demoWorld} (id, state, scale, seed, label, replay_until, seeding_started_at, scenario_now)
        values (1, 'seeding', ${w.scale}, ${w.seed}, ${w.label}, ${w.replayUntil.toISOString()}::timestamptz,
                ${w.startedAt.toISOString()}::timestamptz, ${w.scenarioNow.toISOString()}::timestamptz)`,
  );
}

export async function finishDemoSeed(db: Db, at: { finishedAt: Date; scenarioNow: Date }): Promise<void> {
  await db.execute(
    sql`update ${demoWorld} set state = 'ready', seeding_finished_at = ${at.finishedAt.toISOString()}::timestamptz,
        scenario_now = ${at.scenarioNow.toISOString()}::timestamptz where id = 1`,
  );
}

/** Saves the scenario clock's reading (it only moves forward), so that a restart resumes there. */
export async function saveScenarioNow(db: Db, now: Date): Promise<void> {
  await db.execute(sql`update ${demoWorld} set scenario_now = greatest(scenario_now, ${now.toISOString()}::timestamptz) where id = 1`);
}

/**
 * Removes everything in the database so that an interrupted demo seed can start again: only ever called on a world
 * that `demo_world` says is half built, i.e. one the demo itself began. The append-only triggers refuse row deletes,
 * not dropping the schema. Migrations must run again afterwards.
 */
export async function dropEverything(database: Database): Promise<void> {
  await database.exec('drop schema public cascade; create schema public;');
}
