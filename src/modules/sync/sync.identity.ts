import { sql } from 'drizzle-orm';
import { UUID_PATTERN } from '../../platform/ids';
import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import { queryRows, type Db } from '../../platform/db/database';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import { eventsOf, type Consumer, type DomainEvent, type Outbox } from '../../platform/outbox';
import { requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import {
  candidateFloor,
  compareIdentities,
  fuseEvidence,
  openIdentityTemplates,
  TemplateEnrolled,
  TemplateErased,
  type FusionResult,
  type IdentityScores,
  type OpenedIdentity,
  type TransitKey,
  type TravellingTemplate,
} from '../biometrics';
import { blockingKeys, compareNames } from '../names';
import { compatibleForDuplicate, DUPLICATE_NAME_SCORE, PersonChanged, personNames, personNationalities, persons } from '../registry';
import type { SyncMessage } from './sync.domain';
import { SyncIdentityCaseDecided, SyncIdentityCaseOpened, SyncIdentityRecorded } from './sync.events';

/**
 * Identity across sites (issue 22, point 4). Persons enrolled at two sites while both were offline are two records;
 * headquarters must see that they may be one person and leave the decision to a human, never merge them itself.
 *
 * At a site: after each enrolment, change of names or details, and template enrolled or erased, a consumer writes
 * `sync.identity_recorded@1` with what identifies the person (names, sex, birth range, nationalities, and the live
 * templates as the site stores them: sealed envelopes, never in clear). It travels up like every event.
 *
 * At headquarters: in the transaction that applies a batch of a site's chain, each such event updates the site's
 * record of the person (`sync_hq_identities`) and compares it with other sites' records sharing a name block (names
 * module, the registry's threshold and its birth and sex rule): a likely pair opens one case
 * (`sync_identity_cases`), which a human decides. Both records stay exactly as the sites sent them.
 */

export type IdentityPayload = z.output<typeof SyncIdentityRecorded.schema>;

/**
 * The live templates of a person as the biometrics module stores them (sealed envelopes under the site's key), each
 * also re-sealed to headquarters' identity key (`forHq`) when the site was given it.
 */
export type SealedTemplatesOf = (
  tx: Db,
  personId: string,
) => Promise<{ id: string; modality: string; fingerPosition: number | null; model: string; envelope: Uint8Array; forHq?: Uint8Array | undefined }[]>;

/** What identifies a person at this site, as it goes up (null when the person is not in this site's registry). */
export async function identityOf(tx: Db, personId: string, templatesOf: SealedTemplatesOf): Promise<IdentityPayload | null> {
  const [person] = await queryRows<{ sex: string; birth_from: string | Date | null; birth_to: string | Date | null }>(
    tx,
    sql`select sex, birth_from, birth_to from ${persons} where id = ${personId}`,
  );
  if (!person) return null;
  const names = await queryRows<{ full_name: string }>(
    tx,
    sql`select full_name from ${personNames} where person_id = ${personId} order by (kind = 'primary') desc, ordinal`,
  );
  const nationalities = await queryRows<{ country: string }>(
    tx,
    sql`select country from ${personNationalities} where person_id = ${personId} order by country`,
  );
  const templates = (await templatesOf(tx, personId)).filter((t) => t.modality === 'face' || t.modality === 'fingerprint');
  return {
    personId,
    names: names.map((n) => n.full_name).slice(0, 100),
    sex: person.sex,
    birthFrom: day(person.birth_from),
    birthTo: day(person.birth_to),
    nationalities: nationalities.map((n) => n.country),
    templates: templates.slice(0, 20).map((t) => ({
      templateId: t.id,
      modality: t.modality as 'face' | 'fingerprint',
      fingerPosition: t.fingerPosition === null ? null : Number(t.fingerPosition),
      model: t.model,
      envelope: Buffer.from(t.envelope).toString('base64'),
      ...(t.forHq ? { forHq: Buffer.from(t.forHq).toString('base64') } : {}),
    })),
  };
}

/** The persons whose identity a batch of this site's events changed. */
export function identityChanges(events: readonly DomainEvent[]): string[] {
  const ids = new Set<string>();
  for (const { payload } of eventsOf(PersonChanged, events)) if (payload.change !== 'relations') for (const id of payload.personIds) ids.add(id);
  for (const { payload } of eventsOf(TemplateEnrolled, events)) ids.add(payload.personId);
  for (const { payload } of eventsOf(TemplateErased, events)) ids.add(payload.personId);
  return [...ids];
}

/** At a site: the consumer that writes each changed person's identity to the outbox, for headquarters. */
export function siteIdentityConsumer(outbox: Outbox, templatesOf: SealedTemplatesOf): Consumer {
  return {
    name: 'sync.identity_up',
    events: [PersonChanged, TemplateEnrolled, TemplateErased],
    transactional: true,
    async handle(tx, events) {
      for (const personId of identityChanges(events)) {
        const identity = await identityOf(tx, personId, templatesOf);
        if (identity) outbox.emit(tx, SyncIdentityRecorded, identity, { subjects: { personIds: [personId] } });
      }
    },
  };
}

// ---- at headquarters ----

interface HeldIdentity {
  site_id: string;
  person_id: string;
  names: string[];
  sex: string;
  birth_from: string | Date | null;
  birth_to: string | Date | null;
}

const day = (d: string | Date | null) => (d === null ? null : typeof d === 'string' ? d.slice(0, 10) : d.toISOString().slice(0, 10));
const num = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Number(v));
const textArray = (items: readonly string[]) => sql`${sql.param([...items])}::text[]`;

/** The best names score between two records (the first few names of each: primary names come first). */
export function bestNameScore(a: readonly string[], b: readonly string[]): number {
  let best = 0;
  for (const x of a.slice(0, 5)) for (const y of b.slice(0, 5)) best = Math.max(best, compareNames(x, y).score);
  return best;
}

/** The false-match rate a fused case is opened at: the identification setting of the biometrics module. */
export const IDENTITY_TARGET_FMR = 1e-4;
/**
 * Fingerprints are compared with every other site's record only while there are at most this many records with
 * fingers (a template is ~9 KB and a comparison a fraction of a millisecond); beyond it, with the records that share a
 * name block or whose face reaches its candidate floor.
 */
export const FINGER_SCAN_LIMIT = 200;

/**
 * Headquarters' side of the biometric comparison: its identity key (lazy; null when headquarters has none, and then
 * cases are opened on names only) and, in memory, the opened face descriptors of every site's records, each held
 * with the site seq of the record it came from and reopened when the committed row is newer. Fingerprints are opened
 * only for the records they are compared with.
 */
export class HqIdentityMatcher {
  private key: Promise<TransitKey | null> | undefined;
  private readonly faces = new Map<string, { siteSeq: number; opened: OpenedIdentity }>();

  constructor(
    private readonly loadKey: () => Promise<TransitKey | null>,
    private readonly onKeyError: (err: unknown) => void = () => {},
  ) {}

  /**
   * The key, or null when it cannot be loaded (a key file readable by others, a malformed variable): the batch is then
   * compared by names only and the error reported, never thrown, so one bad key file cannot stop a site's replication.
   * The next batch tries again.
   */
  async transitKey(): Promise<TransitKey | null> {
    this.key ??= this.loadKey();
    try {
      return await this.key;
    } catch (err) {
      this.key = undefined;
      this.onKeyError(err);
      return null;
    }
  }

  /** The faces of every other site's record, current with the rows committed in this transaction. */
  async otherFaces(tx: Db, key: TransitKey, siteId: string): Promise<{ siteId: string; personId: string; opened: OpenedIdentity }[]> {
    const rows = await queryRows<{ site_id: string; person_id: string; site_seq: string | number }>(
      tx,
      sql`select site_id, person_id, site_seq from sync_hq_identities where site_id <> ${siteId} and templates @> '[{"modality":"face"}]'::jsonb`,
    );
    const stale = rows.filter((r) => this.faces.get(`${r.site_id}/${r.person_id}`)?.siteSeq !== Number(r.site_seq));
    for (let i = 0; i < stale.length; i += 500) {
      const chunk = stale.slice(i, i + 500);
      const held = await queryRows<{ site_id: string; person_id: string; site_seq: string | number; templates: unknown }>(
        tx,
        sql`select site_id, person_id, site_seq, templates from sync_hq_identities
            where (site_id || '/' || person_id::text) = any(${textArray(chunk.map((r) => `${r.site_id}/${r.person_id}`))})`,
      );
      for (const h of held)
        this.faces.set(`${h.site_id}/${h.person_id}`, {
          siteSeq: Number(h.site_seq),
          opened: openIdentityTemplates(key, h.site_id, h.person_id, templatesOf(h.templates), 'face'),
        });
    }
    return rows.map((r) => ({ siteId: r.site_id, personId: r.person_id, opened: this.faces.get(`${r.site_id}/${r.person_id}`)!.opened }));
  }

  /** Keeps a record's faces as they were just written (the next batch then need not reopen them). */
  remember(siteId: string, personId: string, siteSeq: number, opened: OpenedIdentity): void {
    this.faces.set(`${siteId}/${personId}`, { siteSeq, opened: { faces: opened.faces, fingers: [], unreadable: 0 } });
  }
}

function templatesOf(raw: unknown): TravellingTemplate[] {
  const value = typeof raw === 'string' ? JSON.parse(raw) : raw;
  return Array.isArray(value) ? (value as TravellingTemplate[]) : [];
}

/** The birth year a record states when its range is within one calendar year (an estimate gives none). */
function birthYear(from: string | null, to: string | null): number | null {
  if (!from || !to || from.slice(0, 4) !== to.slice(0, 4)) return null;
  return Number(from.slice(0, 4));
}

interface PairEvidence {
  name: number;
  scores: IdentityScores;
  fusion: FusionResult;
  basis: 'name' | 'face' | 'fingerprint';
  score: number;
  /** what reached the bar: all the evidence fused, the biometric scores alone, or the registry's names rule */
  raisedBy: 'evidence' | 'biometrics' | 'names';
}

/**
 * Whether two records make a case, and on what. A case opens when the fused evidence (face, finger, name, and the
 * birth years and sexes beside them) reaches the identification target, when the biometric scores alone reach it,
 * or on the names alone by the registry's
 * rule (name score, sex and birth compatible), unless biometrics were compared and none of them reached its
 * candidate floor: a namesake with an unrelated face or finger is not raised by the name. Pure.
 */
export function judgePair(
  me: { names: readonly string[]; sex: string; birthFrom: string | null; birthTo: string | null },
  other: { names: readonly string[]; sex: string; birthFrom: string | null; birthTo: string | null },
  scores: IdentityScores,
): PairEvidence | null {
  const name = bestNameScore(me.names, other.names);
  const years = [birthYear(me.birthFrom, me.birthTo), birthYear(other.birthFrom, other.birthTo)] as const;
  const fusion = fuseEvidence(
    {
      ...(scores.face !== null ? { face: scores.face } : {}),
      ...(scores.finger !== null ? { finger: scores.finger } : {}),
      name,
      ...(years[0] !== null && years[1] !== null ? { birthYears: [years[0], years[1]] as [number, number] } : {}),
      ...(me.sex !== 'U' && other.sex !== 'U' ? { sexes: [me.sex, other.sex] as [string, string] } : {}),
    },
    IDENTITY_TARGET_FMR,
  );
  const biometricCompared = scores.face !== null || scores.finger !== null;
  const biometricLeans =
    (scores.face !== null && scores.face >= candidateFloor('face')) || (scores.finger !== null && scores.finger >= candidateFloor('finger'));
  const byName = name >= DUPLICATE_NAME_SCORE && compatibleForDuplicate(me, other) && (!biometricCompared || biometricLeans);
  // the biometrics alone also open a case: a person who gave another name (and age) at the second site is exactly the
  // one to find, and a names model tuned on spelling variants would otherwise veto a matching fingerprint
  const biometricAlone =
    biometricCompared &&
    fuseEvidence({ ...(scores.face !== null ? { face: scores.face } : {}), ...(scores.finger !== null ? { finger: scores.finger } : {}) }, IDENTITY_TARGET_FMR)
      .meetsTarget;
  if (!fusion.meetsTarget && !byName && !biometricAlone) return null;
  // the basis is the biometric modality that weighs most towards one person, else the names
  const lr = (m: 'face' | 'finger') => fusion.contributions.find((c) => c.evidence === m)?.log10Lr ?? 0;
  let basis: PairEvidence['basis'] = 'name';
  if (Math.max(lr('face'), lr('finger')) > 0) basis = lr('face') >= lr('finger') ? 'face' : 'fingerprint';
  const score = basis === 'face' ? scores.face! : basis === 'fingerprint' ? scores.finger! : name;
  const raisedBy = fusion.meetsTarget ? 'evidence' : biometricAlone ? 'biometrics' : 'names';
  return { name, scores, fusion, basis, score, raisedBy };
}

/**
 * Takes in the identity events of a batch of one site's chain (in the transaction that applies it): each updates the
 * site's record of the person (a later seq wins) and is compared with the records of other sites that share a name
 * block, or, when headquarters holds its identity key, whose face reaches the face candidate floor (every record with
 * a face is compared) and whose fingers match (see FINGER_SCAN_LIMIT). A likely pair (judgePair) opens one case with
 * its scores and fused evidence, with `sync.identity_case_opened@1`. Returns the cases opened.
 */
export async function recordIdentities(
  tx: Db,
  outbox: Outbox,
  ids: IdGenerator,
  siteId: string,
  messages: readonly SyncMessage[],
  now: Date,
  matcher: HqIdentityMatcher | null = null,
): Promise<number> {
  let opened = 0;
  let locked = false;
  let otherFaces: Awaited<ReturnType<HqIdentityMatcher['otherFaces']>> | undefined;
  for (const m of messages) {
    if (m.event.type !== SyncIdentityRecorded.type || m.event.version !== SyncIdentityRecorded.version) continue;
    if (!locked) {
      // two sites' batches apply concurrently: one at a time here, so that the later of two records sees the earlier
      await tx.execute(sql`select id from sync_identity_lock where id = 1 for update`);
      locked = true;
    }
    const parsed = SyncIdentityRecorded.schema.safeParse(m.event.payload);
    if (!parsed.success) continue;
    const p = parsed.data;
    const keys = [...new Set(p.names.flatMap((n) => blockingKeys(n)))];
    const written = await queryRows<{ person_id: string }>(
      tx,
      sql`insert into sync_hq_identities (site_id, person_id, names, name_keys, sex, birth_from, birth_to, nationalities, templates, site_seq, updated_at)
          values (${siteId}, ${p.personId}, ${textArray(p.names)}, ${textArray(keys)}, ${p.sex}, ${p.birthFrom}, ${p.birthTo},
                  ${textArray(p.nationalities)}, ${JSON.stringify(p.templates)}::jsonb, ${m.seq}, ${now})
          on conflict (site_id, person_id) do update set names = excluded.names, name_keys = excluded.name_keys, sex = excluded.sex,
            birth_from = excluded.birth_from, birth_to = excluded.birth_to, nationalities = excluded.nationalities,
            templates = excluded.templates, site_seq = excluded.site_seq, updated_at = excluded.updated_at
          where excluded.site_seq > sync_hq_identities.site_seq
          returning person_id`,
    );
    if (written.length === 0) continue;

    // the candidates: other sites' records sharing a name block, and (with the key) those whose face leans to one person
    const candidates = new Map<string, { siteId: string; personId: string; face: number | null }>();
    const key = (s: string, id: string) => `${s}/${id}`;
    if (keys.length > 0) {
      const named = await queryRows<{ site_id: string; person_id: string }>(
        tx,
        sql`select site_id, person_id from sync_hq_identities where site_id <> ${siteId} and name_keys && ${textArray(keys)} limit 500`,
      );
      for (const o of named) candidates.set(key(o.site_id, o.person_id), { siteId: o.site_id, personId: o.person_id, face: null });
    }
    const transitKey = matcher && p.templates.some((t) => t.forHq) ? await matcher.transitKey() : null;
    const mine = transitKey ? openIdentityTemplates(transitKey, siteId, p.personId, p.templates) : null;
    if (matcher && transitKey && mine) {
      matcher.remember(siteId, p.personId, m.seq, mine);
      if (mine.faces.length > 0) {
        const floor = candidateFloor('face');
        // other sites' records do not change within this batch (it is one site's): read them once for all its events
        otherFaces ??= await matcher.otherFaces(tx, transitKey, siteId);
        for (const o of otherFaces) {
          const face = compareIdentities(mine, o.opened).face;
          if (face === null) continue;
          const k = key(o.siteId, o.personId);
          const known = candidates.get(k);
          if (known) known.face = face;
          else if (face >= floor) candidates.set(k, { siteId: o.siteId, personId: o.personId, face });
        }
      }
      if (mine.fingers.length > 0) {
        const withFingers = await queryRows<{ site_id: string; person_id: string }>(
          tx,
          sql`select site_id, person_id from sync_hq_identities where site_id <> ${siteId} and templates @> '[{"modality":"fingerprint"}]'::jsonb
              limit ${FINGER_SCAN_LIMIT + 1}`,
        );
        if (withFingers.length <= FINGER_SCAN_LIMIT)
          for (const o of withFingers)
            if (!candidates.has(key(o.site_id, o.person_id)))
              candidates.set(key(o.site_id, o.person_id), { siteId: o.site_id, personId: o.person_id, face: null });
      }
    }

    const me = { names: p.names, sex: p.sex, birthFrom: p.birthFrom, birthTo: p.birthTo };
    for (const c of candidates.values()) {
      const [o] = await queryRows<HeldIdentity & { templates: unknown }>(
        tx,
        sql`select site_id, person_id, names, sex, birth_from, birth_to, templates from sync_hq_identities
            where site_id = ${c.siteId} and person_id = ${c.personId}`,
      );
      if (!o) continue;
      // the face was compared above (every record with a face is); only the fingers are opened here, for this pair
      const scores: IdentityScores = { face: c.face, finger: null };
      if (transitKey && mine && mine.fingers.length > 0)
        scores.finger = compareIdentities(mine, openIdentityTemplates(transitKey, o.site_id, o.person_id, templatesOf(o.templates), 'fingerprint')).finger;
      const verdict = judgePair(me, { names: o.names, sex: o.sex, birthFrom: day(o.birth_from), birthTo: day(o.birth_to) }, scores);
      if (!verdict) continue;
      const caseId = ids.next();
      const inserted = await queryRows<{ id: string }>(
        tx,
        sql`insert into sync_identity_cases (id, site_a, person_a, site_b, person_b, basis, score, name_score, face_score, finger_score, log10_lr,
                                             target_fmr, raised_by, created_at)
            values (${caseId}, ${o.site_id}, ${o.person_id}, ${siteId}, ${p.personId}, ${verdict.basis}, ${verdict.score}, ${verdict.name},
                    ${verdict.scores.face}, ${verdict.scores.finger}, ${verdict.fusion.log10Lr}, ${verdict.fusion.targetFmr}, ${verdict.raisedBy}, ${now})
            on conflict do nothing returning id`,
      );
      if (inserted.length === 0) continue;
      opened += 1;
      outbox.emit(
        tx,
        SyncIdentityCaseOpened,
        { caseId, siteA: o.site_id, personA: o.person_id, siteB: siteId, personB: p.personId, basis: verdict.basis, score: verdict.score },
        { occurredAt: now },
      );
    }
  }
  return opened;
}

export interface IdentityRecordView {
  siteId: string;
  personId: string;
  names: string[];
  sex: string;
  birthFrom: string | null;
  birthTo: string | null;
  nationalities: string[];
  /** How many templates the site sent (sealed; headquarters opens them only in memory, to compare). */
  templates: number;
}

export interface IdentityCaseView {
  id: string;
  status: 'open' | 'same_person' | 'different_persons';
  basis: 'name' | 'face' | 'fingerprint';
  score: number;
  evidence: {
    name: number | null;
    face: number | null;
    finger: number | null;
    log10Lr: number | null;
    targetFmr: number | null;
    raisedBy: 'evidence' | 'biometrics' | 'names' | null;
  };
  createdAt: Date;
  a: IdentityRecordView | null;
  b: IdentityRecordView | null;
  decision: { at: Date; by: string | null; reason: string | null; referenceSite: string | null; referencePerson: string | null } | null;
}

interface CaseRow {
  id: string;
  site_a: string;
  person_a: string;
  site_b: string;
  person_b: string;
  basis: IdentityCaseView['basis'];
  score: number;
  name_score: number | null;
  face_score: number | null;
  finger_score: number | null;
  log10_lr: number | null;
  target_fmr: number | null;
  raised_by: IdentityCaseView['evidence']['raisedBy'];
  status: IdentityCaseView['status'];
  created_at: Date | string;
  reference_site: string | null;
  reference_person: string | null;
  decided_at: Date | string | null;
  decided_by_username: string | null;
  reason: string | null;
}

export const IDENTITY_CASE_STATUSES = ['open', 'same_person', 'different_persons'] as const;

/**
 * The identity cases at headquarters for a human to decide. Reading them shows persons' records: the caller needs the
 * duplicate-deciding permission and an unscoped account (the records come from every site), and each read is audited
 * for both persons with the caller's purpose.
 */
export class IdentityCases {
  constructor(
    private readonly outbox: Outbox,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  private requireDecider(actor: Actor, permission: 'biometrics.read' | 'biometrics.enrol'): void {
    requirePermission(actor, permission);
    if (actor.facilityIds.length > 0 || actor.nationalities.length > 0)
      throw new ForbiddenError('sync.identity_scope', 'Identity cases across sites are for accounts without a facility or nationality scope');
  }

  async page(actor: Actor, filter: { status?: string; limit: number; offset: number }): Promise<{ total: number; now: Date; rows: IdentityCaseView[] }> {
    this.requireDecider(actor, 'biometrics.read');
    if (filter.status !== undefined && !(IDENTITY_CASE_STATUSES as readonly string[]).includes(filter.status))
      throw new ValidationError('sync.identity_status_invalid', `status must be one of ${IDENTITY_CASE_STATUSES.join(', ')}`);
    const where = filter.status ? sql`where status = ${filter.status}` : sql``;
    return this.outbox.transaction(async (tx) => {
      const [count] = await queryRows<{ n: string | number }>(tx, sql`select count(*) as n from sync_identity_cases ${where}`);
      // limit 0: the total alone, no person's record read (and so nothing to audit)
      const rows =
        filter.limit === 0
          ? []
          : await queryRows<CaseRow>(tx, sql`select * from sync_identity_cases ${where} order by created_at, id limit ${filter.limit} offset ${filter.offset}`);
      const views = await Promise.all(rows.map((r) => this.view(tx, r)));
      await this.auditRead(tx, actor, views);
      return { total: Number(count?.n ?? 0), now: this.clock.now(), rows: views };
    });
  }

  async get(actor: Actor, id: string): Promise<IdentityCaseView> {
    this.requireDecider(actor, 'biometrics.read');
    return this.outbox.transaction(async (tx) => {
      const row = await this.find(tx, id, false);
      const view = await this.view(tx, row);
      await this.auditRead(tx, actor, [view]);
      return view;
    });
  }

  /**
   * A human's decision: the same person (naming which of the two records is the reference; both stay, linked by the
   * case) or different persons (the pair is not raised again). Audited for both persons; a decided case is not
   * decided again (409).
   */
  async decide(
    actor: Actor,
    id: string,
    input: { decision: 'same_person' | 'different_persons'; reason: string; reference?: { siteId: string; personId: string } },
  ): Promise<IdentityCaseView> {
    this.requireDecider(actor, 'biometrics.enrol');
    if (!input.reason || input.reason.trim().length < 3) throw new ValidationError('sync.identity_reason_required', 'A decision needs a reason');
    return this.outbox.transaction(async (tx) => {
      const row = await this.find(tx, id, true);
      if (row.status !== 'open') throw new ConflictError('sync.identity_case_decided', `Case ${id} was already decided (${row.status})`);
      let reference: { siteId: string; personId: string } | null = null;
      if (input.decision === 'same_person') {
        const r = input.reference;
        const isA = r && r.siteId === row.site_a && r.personId === row.person_a;
        const isB = r && r.siteId === row.site_b && r.personId === row.person_b;
        if (!r || !(isA || isB))
          throw new ValidationError(
            'sync.identity_reference_invalid',
            'A same-person decision names one of the two records as the reference (siteId and personId)',
          );
        reference = r;
      }
      const at = this.clock.now();
      await tx.execute(sql`update sync_identity_cases set status = ${input.decision}, reference_site = ${reference?.siteId ?? null},
                             reference_person = ${reference?.personId ?? null}, decided_at = ${at}, decided_by = ${actor.userId},
                             decided_by_username = ${actor.username}, reason = ${input.reason.trim()} where id = ${id}`);
      const details = {
        caseId: id,
        decision: input.decision,
        reason: input.reason.trim(),
        reference,
        a: { siteId: row.site_a, personId: row.person_a },
        b: { siteId: row.site_b, personId: row.person_b },
      };
      await this.audit.record(tx, actor, [
        { action: 'sync.identity_case_decided', subjectType: 'person', subjectId: row.person_a, details },
        { action: 'sync.identity_case_decided', subjectType: 'person', subjectId: row.person_b, details },
      ]);
      this.outbox.emit(
        tx,
        SyncIdentityCaseDecided,
        { caseId: id, decision: input.decision, referenceSite: reference?.siteId ?? null, referencePerson: reference?.personId ?? null },
        { occurredAt: at },
      );
      return this.view(tx, (await this.find(tx, id, false))!);
    });
  }

  private async find(tx: Db, id: string, lock: boolean): Promise<CaseRow> {
    if (!UUID_PATTERN.test(id)) throw new NotFoundError('sync.identity_case_not_found', `No identity case ${id}`);
    const [row] = await queryRows<CaseRow>(tx, sql`select * from sync_identity_cases where id = ${id} ${lock ? sql`for update` : sql``}`);
    if (!row) throw new NotFoundError('sync.identity_case_not_found', `No identity case ${id}`);
    return row;
  }

  private async record(tx: Db, siteId: string, personId: string): Promise<IdentityRecordView | null> {
    const [r] = await queryRows<HeldIdentity & { nationalities: string[]; templates: unknown }>(
      tx,
      sql`select site_id, person_id, names, sex, birth_from, birth_to, nationalities, templates from sync_hq_identities
          where site_id = ${siteId} and person_id = ${personId}`,
    );
    if (!r) return null;
    const templates = typeof r.templates === 'string' ? JSON.parse(r.templates) : r.templates;
    return {
      siteId: r.site_id,
      personId: r.person_id,
      names: r.names,
      sex: r.sex,
      birthFrom: day(r.birth_from),
      birthTo: day(r.birth_to),
      nationalities: r.nationalities,
      templates: Array.isArray(templates) ? templates.length : 0,
    };
  }

  private async view(tx: Db, r: CaseRow): Promise<IdentityCaseView> {
    return {
      id: r.id,
      status: r.status,
      basis: r.basis,
      score: Number(r.score),
      evidence: {
        name: num(r.name_score),
        face: num(r.face_score),
        finger: num(r.finger_score),
        log10Lr: num(r.log10_lr),
        targetFmr: num(r.target_fmr),
        raisedBy: r.raised_by,
      },
      createdAt: new Date(r.created_at),
      a: await this.record(tx, r.site_a, r.person_a),
      b: await this.record(tx, r.site_b, r.person_b),
      decision: r.decided_at
        ? { at: new Date(r.decided_at), by: r.decided_by_username, reason: r.reason, referenceSite: r.reference_site, referencePerson: r.reference_person }
        : null,
    };
  }

  private async auditRead(tx: Db, actor: Actor, views: readonly IdentityCaseView[]): Promise<void> {
    const entries = views.flatMap((v) =>
      [v.a, v.b]
        .filter((x): x is IdentityRecordView => x !== null)
        .map((x) => ({
          action: 'sync.identity_case_read',
          subjectType: 'person',
          subjectId: x.personId,
          details: { caseId: v.id, siteId: x.siteId, purpose: actor.purpose },
        })),
    );
    await this.audit.record(tx, actor, entries);
  }
}
