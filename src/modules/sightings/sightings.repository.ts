import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../platform/db/database';
import { queryRows } from '../../platform/db/database';
import { facilities } from '../facilities';
import { identityDocuments, personNames, personNationalities, persons } from '../registry';
import type { WantedStatus } from './sightings.domain';

// Tables of this module (sightings.schema.ts), named in the SQL below.
const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;
const textArray = (items: readonly string[]) => sql`${sql.param([...items])}::text[]`;

export interface WantedRow {
  person_id: string;
  status: WantedStatus;
  since: Date;
  facility_id: string | null;
  facility: string | null;
  name: string | null;
  /** `hq`: headquarters sent this person (no record at this site; the name is the one it sent). */
  source: 'ledger' | 'hq';
}

const primaryName = (person: SQL) =>
  sql`(select n.full_name from ${personNames} n where n.person_id = ${person} order by (n.kind = 'primary') desc, n.ordinal limit 1)`;

// ---- the wanted gallery ----------------------------------------------------------------------------------------------

export async function upsertWanted(
  tx: Db,
  row: { personId: string; status: WantedStatus; since: Date; facilityId: string | null; ledgerEventId: string; now: Date },
): Promise<void> {
  await tx.execute(sql`
    insert into sightings_wanted (person_id, status, since, facility_id, ledger_event_id, updated_at)
    values (${row.personId}, ${row.status}, ${row.since.toISOString()}, ${row.facilityId}, ${row.ledgerEventId}, ${row.now.toISOString()})
    on conflict (person_id) do update set
      status = excluded.status,
      since = case when sightings_wanted.status = 'UNACCOUNTED' and excluded.status = 'ESCAPED' then sightings_wanted.since else excluded.since end,
      facility_id = coalesce(excluded.facility_id, sightings_wanted.facility_id),
      ledger_event_id = excluded.ledger_event_id,
      updated_at = excluded.updated_at,
      source = 'ledger', hq_names = null, from_site = null`);
}

export async function deleteWanted(tx: Db, personIds: readonly string[]): Promise<number> {
  if (personIds.length === 0) return 0;
  const rows = await queryRows<{ person_id: string }>(tx, sql`delete from sightings_wanted where person_id = any(${uuids(personIds)}) returning person_id`);
  return rows.length;
}

/**
 * A person headquarters says is wanted (escaped from, or unaccounted at, another site): in the gallery with the names
 * headquarters sent, unless this site's own ledger already holds them there (its own record decides). Returns whether
 * the gallery changed.
 */
export async function upsertWantedFromHq(
  tx: Db,
  row: { personId: string; status: WantedStatus; since: Date; names: readonly string[]; fromSite: string | null; ledgerEventId: string; now: Date },
): Promise<boolean> {
  const written = await queryRows<{ person_id: string }>(
    tx,
    sql`insert into sightings_wanted (person_id, status, since, facility_id, ledger_event_id, updated_at, source, hq_names, from_site)
        values (${row.personId}, ${row.status}, ${row.since.toISOString()}, null, ${row.ledgerEventId}, ${row.now.toISOString()}, 'hq',
                ${textArray(row.names)}, ${row.fromSite})
        on conflict (person_id) do update set status = excluded.status, since = excluded.since, hq_names = excluded.hq_names,
          from_site = excluded.from_site, updated_at = excluded.updated_at
        where sightings_wanted.source = 'hq'
        returning person_id`,
  );
  return written.length > 0;
}

/** Headquarters says a person is no longer wanted: out of the gallery, only if headquarters had put them there. */
export async function deleteWantedFromHq(tx: Db, personId: string): Promise<boolean> {
  const rows = await queryRows<{ person_id: string }>(
    tx,
    sql`delete from sightings_wanted where person_id = ${personId} and source = 'hq' returning person_id`,
  );
  return rows.length > 0;
}

/**
 * A RECAPTURED on the ledger (through this module or not): kept with the facility the person had left and since when,
 * read from the wanted gallery before the person leaves it (same transaction). Seen twice, kept once.
 */
export async function insertRecapture(
  tx: Db,
  r: { ledgerEventId: string; personId: string; at: Date; admittedTo: string | null; sightingId: string | null; recordedAt: Date },
): Promise<void> {
  await tx.execute(sql`
    insert into sightings_recaptures (ledger_event_id, person_id, at, facility_id, admitted_to, since, sighting_id, recorded_at)
    select ${r.ledgerEventId}::uuid, ${r.personId}::uuid, ${r.at.toISOString()}::timestamptz, w.facility_id, ${r.admittedTo}::uuid, w.since,
           ${r.sightingId}::uuid, ${r.recordedAt.toISOString()}::timestamptz
      from (select 1) one left join sightings_wanted w on w.person_id = ${r.personId}::uuid
    on conflict (ledger_event_id) do nothing`);
}

/** The first alert raised for a sighting: the earliest instant is kept. */
export async function setAlertedAt(tx: Db, sightingId: string, at: Date): Promise<void> {
  await tx.execute(
    sql`update sightings set alerted_at = least(coalesce(alerted_at, ${at.toISOString()}::timestamptz), ${at.toISOString()}::timestamptz) where id = ${sightingId}`,
  );
}

export async function bumpGalleryVersion(tx: Db): Promise<void> {
  await tx.execute(sql`update sightings_gallery_version set version = version + 1 where id = 1`);
}

export async function galleryVersion(db: Db): Promise<number> {
  const [row] = await queryRows<{ version: string | number }>(db, sql`select version from sightings_gallery_version where id = 1`);
  return Number(row?.version ?? 0);
}

export async function wantedIds(db: Db): Promise<string[]> {
  return (await queryRows<{ person_id: string }>(db, sql`select person_id from sightings_wanted order by person_id`)).map((r) => r.person_id);
}

export async function wantedOf(db: Db, personId: string): Promise<WantedRow | undefined> {
  const [row] = await queryRows<WantedRow>(
    db,
    sql`select w.person_id, w.status, w.since, w.facility_id, f.name as facility, null as name
        from sightings_wanted w left join ${facilities} f on f.id = w.facility_id where w.person_id = ${personId}`,
  );
  return row ? { ...row, since: new Date(row.since) } : undefined;
}

/** A page of the gallery (facility-scoped readers: the persons who left their facilities), newest first. */
export async function wantedPage(
  db: Db,
  facilityIds: readonly string[] | null,
  page: { limit: number; offset: number },
): Promise<{ total: number; rows: WantedRow[] }> {
  const where = facilityIds ? sql`where w.facility_id = any(${uuids(facilityIds)})` : sql``;
  const [t] = await queryRows<{ n: string | number }>(db, sql`select count(*) as n from sightings_wanted w ${where}`);
  const rows = await queryRows<WantedRow>(
    db,
    sql`select w.person_id, w.status, w.since, w.facility_id, w.source, f.name as facility, coalesce(${primaryName(sql`w.person_id`)}, w.hq_names[1]) as name
        from sightings_wanted w left join ${facilities} f on f.id = w.facility_id ${where}
        order by w.since desc, w.person_id limit ${page.limit} offset ${page.offset}`,
  );
  return { total: Number(t?.n ?? 0), rows: rows.map((r) => ({ ...r, since: new Date(r.since) })) };
}

/** Persons holding a document with this number (compared without spaces and hyphens, upper-cased). */
export async function personsWithDocument(db: Db, number: string, onlyWanted: boolean): Promise<string[]> {
  const join = onlyWanted ? sql`join sightings_wanted w on w.person_id = d.person_id` : sql``;
  const rows = await queryRows<{ person_id: string }>(
    db,
    sql`select distinct d.person_id from ${identityDocuments} d ${join}
        where upper(regexp_replace(d.number, '[[:space:]-]', '', 'g')) = ${number} limit 20`,
  );
  return rows.map((r) => r.person_id);
}

export async function namesOf(db: Db, personId: string): Promise<string[]> {
  const rows = await queryRows<{ full_name: string }>(db, sql`select full_name from ${personNames} where person_id = ${personId} order by ordinal`);
  return rows.map((r) => r.full_name);
}

// ---- checks ----------------------------------------------------------------------------------------------------------

export interface CheckRow {
  id: string;
  reference: string;
  at: Date;
  place: string;
  latitude: number | null;
  longitude: number | null;
  officer_id: string | null;
  officer: string;
  scope: 'wanted' | 'registry';
  modalities: string[];
  outcome: string;
  retake: unknown[] | null;
  person_id: string | null;
  method: string | null;
  score: number | null;
  sighting_id: string | null;
}

export async function insertCheck(tx: Db, r: CheckRow): Promise<void> {
  await tx.execute(sql`
    insert into sightings_checks (id, reference, at, place, latitude, longitude, officer_id, officer, scope, modalities, outcome, retake, person_id, method, score, sighting_id)
    values (${r.id}, ${r.reference}, ${r.at.toISOString()}, ${r.place}, ${r.latitude}, ${r.longitude}, ${r.officer_id}, ${r.officer}, ${r.scope},
            ${sql.param(r.modalities)}::text[], ${r.outcome}, ${r.retake ? JSON.stringify(r.retake) : null}::jsonb, ${r.person_id}, ${r.method}, ${r.score}, ${r.sighting_id})`);
}

export async function checksPage(db: Db, page: { limit: number; offset: number }): Promise<{ total: number; rows: CheckRow[] }> {
  const [t] = await queryRows<{ n: string | number }>(db, sql`select count(*) as n from sightings_checks`);
  const rows = await queryRows<CheckRow>(db, sql`select * from sightings_checks order by at desc, id desc limit ${page.limit} offset ${page.offset}`);
  return { total: Number(t?.n ?? 0), rows: rows.map((r) => ({ ...r, at: new Date(r.at) })) };
}

// ---- sightings -------------------------------------------------------------------------------------------------------

export interface SightingRow {
  id: string;
  person_id: string;
  at: Date;
  place: string;
  latitude: number | null;
  longitude: number | null;
  source: 'check' | 'report';
  check_id: string | null;
  reported_by: string | null;
  reported_by_name: string;
  method: string;
  evidence: Record<string, unknown>;
  facility_id: string | null;
  minor: boolean;
  status: 'reported' | 'confirmed' | 'rejected' | 'recaptured';
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  recaptured_at: Date | null;
  recapture_facility_id: string | null;
  recorded_at: Date;
  /** Joined: the check's reference, the facility's name, the person's primary name. */
  reference?: string | null;
  facility?: string | null;
  name?: string | null;
}

export async function insertSighting(tx: Db, r: Omit<SightingRow, 'reference' | 'facility' | 'name'>): Promise<void> {
  await tx.execute(sql`
    insert into sightings (id, person_id, at, place, latitude, longitude, source, check_id, reported_by, reported_by_name, method, evidence,
                           facility_id, minor, status, decided_by, decided_at, decision_reason, recaptured_at, recapture_facility_id, recorded_at)
    values (${r.id}, ${r.person_id}, ${r.at.toISOString()}, ${r.place}, ${r.latitude}, ${r.longitude}, ${r.source}, ${r.check_id}, ${r.reported_by},
            ${r.reported_by_name}, ${r.method}, ${JSON.stringify(r.evidence)}::jsonb, ${r.facility_id}, ${r.minor}, ${r.status}, null, null, null, null, null,
            ${r.recorded_at.toISOString()})`);
}

const sightingSelect = sql`select s.*, c.reference, f.name as facility, ${primaryName(sql`s.person_id`)} as name
  from sightings s left join sightings_checks c on c.id = s.check_id left join ${facilities} f on f.id = s.facility_id`;

function sightingRow(r: SightingRow): SightingRow {
  const d = (v: Date | string | null) => (v === null ? null : new Date(v));
  return { ...r, at: new Date(r.at), decided_at: d(r.decided_at), recaptured_at: d(r.recaptured_at), recorded_at: new Date(r.recorded_at) };
}

export async function findSighting(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<SightingRow | undefined> {
  if (opts.lock) await db.execute(sql`select id from sightings where id = ${id} for update`);
  const [row] = await queryRows<SightingRow>(db, sql`${sightingSelect} where s.id = ${id}`);
  return row ? sightingRow(row) : undefined;
}

export async function sightingsPage(
  db: Db,
  f: { status?: string; personId?: string; facilityIds: readonly string[] | null; limit: number; offset: number },
): Promise<{ total: number; rows: SightingRow[] }> {
  const conds: SQL[] = [];
  if (f.status) conds.push(sql`s.status = ${f.status}`);
  if (f.personId) conds.push(sql`s.person_id = ${f.personId}`);
  if (f.facilityIds) conds.push(sql`s.facility_id = any(${uuids(f.facilityIds)})`);
  const where = conds.length ? sql`where ${sql.join(conds, sql` and `)}` : sql``;
  const [t] = await queryRows<{ n: string | number }>(db, sql`select count(*) as n from sightings s ${where}`);
  const rows = await queryRows<SightingRow>(db, sql`${sightingSelect} ${where} order by s.at desc, s.id desc limit ${f.limit} offset ${f.offset}`);
  return { total: Number(t?.n ?? 0), rows: rows.map(sightingRow) };
}

export async function decideSighting(tx: Db, id: string, d: { status: 'confirmed' | 'rejected'; by: string; at: Date; reason: string | null }): Promise<void> {
  await tx.execute(
    sql`update sightings set status = ${d.status}, decided_by = ${d.by}, decided_at = ${d.at.toISOString()}, decision_reason = ${d.reason} where id = ${id}`,
  );
}

export async function markRecaptured(tx: Db, id: string, at: Date, facilityId: string): Promise<void> {
  await tx.execute(
    sql`update sightings set status = 'recaptured', recaptured_at = ${at.toISOString()}, recapture_facility_id = ${facilityId} where id = ${id}`,
  );
}

export async function lastSightingOf(db: Db, personId: string): Promise<SightingRow | undefined> {
  const [row] = await queryRows<SightingRow>(
    db,
    sql`${sightingSelect} where s.person_id = ${personId} and s.status in ('confirmed', 'recaptured') order by s.at desc limit 1`,
  );
  return row ? sightingRow(row) : undefined;
}

// ---- notices ---------------------------------------------------------------------------------------------------------

export interface NoticeRow {
  id: string;
  person_id: string;
  recipient: string;
  recipient_kind: 'state_liaison' | 'border_service' | 'child_protection';
  recipient_country: string | null;
  fields: string[];
  legal_basis: string;
  status: 'draft' | 'approved' | 'exported';
  created_at: Date;
  created_by: string | null;
  created_by_name: string;
  document: unknown;
  exported_at: Date | null;
  exported_by: string | null;
  approvals: { user_id: string; username: string; at: Date }[];
}

export async function insertNotice(tx: Db, r: Omit<NoticeRow, 'approvals' | 'document' | 'exported_at' | 'exported_by'>): Promise<void> {
  await tx.execute(sql`
    insert into sightings_notices (id, person_id, recipient, recipient_kind, recipient_country, fields, legal_basis, status, created_at, created_by, created_by_name)
    values (${r.id}, ${r.person_id}, ${r.recipient}, ${r.recipient_kind}, ${r.recipient_country}, ${sql.param(r.fields)}::text[], ${r.legal_basis}, ${r.status},
            ${r.created_at.toISOString()}, ${r.created_by}, ${r.created_by_name})`);
}

async function withApprovals(db: Db, rows: NoticeRow[]): Promise<NoticeRow[]> {
  if (rows.length === 0) return rows;
  const approvals = await queryRows<{ notice_id: string; user_id: string; username: string; at: Date }>(
    db,
    sql`select notice_id, user_id, username, at from sightings_notice_approvals where notice_id = any(${uuids(rows.map((r) => r.id))}) order by at`,
  );
  return rows.map((r) => ({
    ...r,
    created_at: new Date(r.created_at),
    exported_at: r.exported_at ? new Date(r.exported_at) : null,
    approvals: approvals.filter((a) => a.notice_id === r.id).map((a) => ({ user_id: a.user_id, username: a.username, at: new Date(a.at) })),
  }));
}

export async function findNotice(db: Db, id: string, opts: { lock?: boolean } = {}): Promise<NoticeRow | undefined> {
  const lock = opts.lock ? sql`for update` : sql``;
  const rows = await queryRows<NoticeRow>(db, sql`select * from sightings_notices where id = ${id} ${lock}`);
  return (await withApprovals(db, rows))[0];
}

export async function noticesPage(db: Db, page: { limit: number; offset: number; personId?: string }): Promise<{ total: number; rows: NoticeRow[] }> {
  const where = page.personId ? sql`where person_id = ${page.personId}` : sql``;
  const [t] = await queryRows<{ n: string | number }>(db, sql`select count(*) as n from sightings_notices ${where}`);
  const rows = await queryRows<NoticeRow>(
    db,
    sql`select * from sightings_notices ${where} order by created_at desc, id desc limit ${page.limit} offset ${page.offset}`,
  );
  return { total: Number(t?.n ?? 0), rows: await withApprovals(db, rows) };
}

export async function insertApproval(tx: Db, a: { noticeId: string; userId: string; username: string; at: Date }, status: string): Promise<void> {
  await tx.execute(
    sql`insert into sightings_notice_approvals (notice_id, user_id, username, at) values (${a.noticeId}, ${a.userId}, ${a.username}, ${a.at.toISOString()})`,
  );
  await tx.execute(sql`update sightings_notices set status = ${status} where id = ${a.noticeId}`);
}

export async function setExported(tx: Db, id: string, document: unknown, at: Date, by: string): Promise<void> {
  await tx.execute(
    sql`update sightings_notices set status = 'exported', document = ${JSON.stringify(document)}::jsonb, exported_at = ${at.toISOString()}, exported_by = ${by} where id = ${id}`,
  );
}

export async function signingKey(db: Db, keyId: string): Promise<string | undefined> {
  const [row] = await queryRows<{ public_key: string }>(db, sql`select public_key from sightings_signing_keys where key_id = ${keyId}`);
  return row?.public_key;
}

export async function saveSigningKey(db: Db, keyId: string, publicKey: string, at: Date): Promise<void> {
  await db.execute(
    sql`insert into sightings_signing_keys (key_id, public_key, created_at) values (${keyId}, ${publicKey}, ${at.toISOString()})
        on conflict (key_id) do update set public_key = excluded.public_key`,
  );
}

// ---- figures ---------------------------------------------------------------------------------------------------------

export async function figuresRows(db: Db, facilityIds: readonly string[] | null) {
  const wf = facilityIds ? sql`where w.facility_id = any(${uuids(facilityIds)})` : sql``;
  const sf = facilityIds ? sql`where s.facility_id = any(${uuids(facilityIds)})` : sql``;
  const byFacility = await queryRows<{ facility_id: string | null; facility: string | null; escaped: number; unaccounted: number }>(
    db,
    sql`select w.facility_id, f.name as facility,
               count(*) filter (where w.status = 'ESCAPED')::int as escaped, count(*) filter (where w.status = 'UNACCOUNTED')::int as unaccounted
        from sightings_wanted w left join ${facilities} f on f.id = w.facility_id ${wf}
        group by w.facility_id, f.name order by count(*) desc, f.name`,
  );
  const byNationality = await queryRows<{ nationality: string; escaped: number; unaccounted: number }>(
    db,
    sql`select coalesce(n.country, '---') as nationality,
               count(distinct w.person_id) filter (where w.status = 'ESCAPED')::int as escaped,
               count(distinct w.person_id) filter (where w.status = 'UNACCOUNTED')::int as unaccounted
        from sightings_wanted w left join ${personNationalities} n on n.person_id = w.person_id ${wf}
        group by coalesce(n.country, '---') order by count(distinct w.person_id) desc, 1`,
  );
  // The birth range comes from the registry: the caller applies the registry's own rule (possiblyMinor) to it.
  const wanted = await queryRows<{ since: Date; birth_to: string | null }>(
    db,
    sql`select w.since, to_char(p.birth_to, 'YYYY-MM-DD') as birth_to
        from sightings_wanted w join ${persons} p on p.id = w.person_id ${wf}`,
  );
  const [s] = await queryRows<{ sighted: number; confirmed: number; recaptured_after_sighting: number }>(
    db,
    sql`select count(distinct s.person_id)::int as sighted,
               count(distinct s.person_id) filter (where s.status in ('confirmed', 'recaptured'))::int as confirmed,
               count(distinct s.person_id) filter (where s.status = 'recaptured')::int as recaptured_after_sighting
        from sightings s ${sf}`,
  );
  // Recaptures from the ledger (through this module or written straight to it), by the facility the person had left.
  const rf = facilityIds ? sql`where r.facility_id = any(${uuids(facilityIds)})` : sql``;
  const [r] = await queryRows<{ recaptured: number }>(db, sql`select count(distinct r.person_id)::int as recaptured from sightings_recaptures r ${rf}`);
  // Seconds from a checkpoint's hit (the sighting it recorded) to the first alert raised for it.
  const af = facilityIds ? sql`and s.facility_id = any(${uuids(facilityIds)})` : sql``;
  const alerted = await queryRows<{ seconds: number }>(
    db,
    sql`select extract(epoch from (s.alerted_at - s.recorded_at))::float8 as seconds
        from sightings s where s.source = 'check' and s.alerted_at is not null ${af}`,
  );
  const [c] = await queryRows<{ total: number; hits: number; retakes: number }>(
    db,
    sql`select count(*)::int as total, count(*) filter (where outcome not in ('no_match', 'retake'))::int as hits,
               count(*) filter (where outcome = 'retake')::int as retakes from sightings_checks`,
  );
  return {
    byFacility,
    byNationality,
    wanted: wanted.map((w) => ({ since: new Date(w.since), birthTo: w.birth_to })),
    sightings: s!,
    recaptured: Number(r!.recaptured),
    hitToAlertSeconds: alerted.map((a) => Number(a.seconds)),
    checks: c!,
  };
}
