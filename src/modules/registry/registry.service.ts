import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import { csvLines } from '../../platform/csv';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { canSeePerson, isFacilityScoped, isNationalityScoped, requireFacility, requirePermission, requirePersonInScope, type Actor } from '../access';
import type { AuditService } from '../audit';
import { PersonChanged } from './registry.events';
import type { PlacementSummary, RegistryPorts } from './registry.ports';
import { comparePreparedNames, prepareName } from '../names';
import {
  birthLabel,
  compatibleForDuplicate,
  DUPLICATE_NAME_SCORE,
  ageRange,
  detectScript,
  INVERSE_RELATION,
  nameSearchKey,
  SEARCH_KEY_VERSION,
  normaliseBirth,
  possiblyMinor,
  type BirthPrecision,
  type RelationKind,
} from './registry.domain';
import {
  CreatePersonBody,
  type CreatePersonInput,
  type DocumentInputT,
  type HouseholdDetailResponse,
  type HouseholdResponse,
  type NameInputT,
  type PersonResponse,
  type PersonSummaryResponse,
  type DuplicateCandidateResponse,
  type SearchPersonsInput,
  type UpdatePersonInput,
} from './registry.dto';
import {
  birthsOf,
  existingPersonIds,
  findHousehold,
  findPersonRow,
  householdMembers,
  insertDocument,
  insertHousehold,
  insertHouseholds,
  insertName,
  insertPersons,
  insertRelation,
  findRelation,
  endRelationRow,
  type RelationRow,
  loadAggregates,
  scopeFactsOf,
  nextNameOrdinal,
  primaryNames,
  countPersons,
  placeCodes,
  searchPersonIds,
  staleSearchKeys,
  updateSearchKeys,
  updatePersonRow,
  upsertNationality,
  type NameRow,
  type PersonAggregate,
  type PersonRow,
  type PersonRowsToInsert,
} from './registry.repository';

export type PersonView = z.output<typeof PersonResponse>;
export type PersonSummary = z.output<typeof PersonSummaryResponse>;
export type DuplicateCandidate = z.output<typeof DuplicateCandidateResponse>;
export type HouseholdView = z.output<typeof HouseholdResponse>;
export type HouseholdDetail = z.output<typeof HouseholdDetailResponse>;

/** How many trigram candidates a name search ranks: this many times the page asked for, at most the maximum. */
const SEARCH_CANDIDATES_FACTOR = 4;
const SEARCH_CANDIDATES_MAX = 400;
/** An export larger than this is refused: narrow the filters (a whole region in one file helps nobody). */
const EXPORT_MAX = 100_000;
const EXPORT_CHUNK = 2000;

/**
 * Orders search candidates by the names module's score of the query against the best of each person's names (all
 * scripts and aliases), then by the index's similarity. The score returned is the names score.
 */
function rankByName(q: string, candidates: { id: string; score: number }[], aggregates: Map<string, PersonAggregate>): { id: string; score: number }[] {
  const query = prepareName(q);
  return candidates
    .map((c, i) => {
      let best = 0;
      for (const n of aggregates.get(c.id)?.names ?? []) best = Math.max(best, comparePreparedNames(query, prepareName(n.fullName)).score);
      return { id: c.id, score: best, index: c.score, i };
    })
    .sort((a, b) => b.score - a.score || b.index - a.index || a.i - b.i)
    .map(({ id, score }) => ({ id, score }));
}

export class RegistryService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: RegistryPorts,
  ) {}

  /** `person.changed@1` in the transaction of the change (screening reacts to it). */
  private changed(tx: Db, actor: Actor, personIds: string[], change: 'created' | 'names' | 'details' | 'relations'): void {
    this.outbox.emit(tx, PersonChanged, { personIds, change, by: actor.userId }, { subjects: { personIds } });
  }

  /**
   * Enrols one person (the API's enrolment). Likely existing records in the actor's scope stop it with 409
   * `registry.possible_duplicate` and the candidates, unless `confirmNew` says why this is a new person anyway; that
   * reason and the candidates shown are written with the creation in the audit chain.
   */
  async create(actor: Actor, input: CreatePersonInput): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    const body = CreatePersonBody.parse(input);
    // audited only when the candidates are shown (the refusal below): a request refused later for another reason showed nothing
    const candidates = await this.likelyDuplicates(actor, body, { audit: false });
    if (candidates.length > 0 && !body.confirmNew) {
      await this.db.transaction((tx) => this.auditDuplicateCheck(tx, actor, body, candidates));
      throw new ConflictError(
        'registry.possible_duplicate',
        `${candidates.length === 1 ? 'A record' : `${candidates.length} records`} of what may be the same person already exist: open ${candidates.length === 1 ? 'it' : 'one of them'}, or enrol a new person anyway with confirmNew and a reason`,
        { candidates },
      );
    }
    const details = body.confirmNew ? { confirmNew: body.confirmNew.reason, candidatesShown: candidates.map((c) => c.id) } : undefined;
    const [id] = await this.createMany(actor, [body], { auditDetails: details });
    return this.get(actor, id!, { audit: false });
  }

  /**
   * Births as recorded ("1990", "about 1990") of persons the caller already read by another way (a roll call's sheet,
   * audited there): labels only, no other field.
   */
  async birthLabels(actor: Actor, ids: readonly string[]): Promise<Map<string, string>> {
    requirePermission(actor, 'persons.read');
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 1000) for (const r of await birthsOf(this.db, ids.slice(i, i + 1000))) out.set(r.id, birthLabel(r));
    return out;
  }

  /**
   * Records already enrolled that may be this person: a name of theirs close to one of the new names (the names
   * module's comparison, across scripts), a compatible birth and sex. Only records the actor may see are looked at,
   * so nothing hidden is revealed or counted; the look is audited like a search, with the ids it returned.
   */
  async likelyDuplicates(actor: Actor, input: CreatePersonInput, opts: { audit: boolean } = { audit: true }): Promise<DuplicateCandidate[]> {
    requirePermission(actor, 'persons.write');
    const body = CreatePersonBody.parse(input);
    const birth = normaliseBirth(body, this.clock.now());
    const facilityId = body.facilityId ?? (actor.facilityIds.length === 1 ? actor.facilityIds[0]! : null);
    const newNames = body.names.map((n) => prepareName(n.full));
    return this.db.transaction(async (tx) => {
      const ids = new Set<string>();
      for (const n of body.names) {
        const found = await searchPersonIds(tx, {
          key: nameSearchKey(n.full),
          limit: 50,
          facilityIds: actor.facilityIds,
          nationalities: actor.nationalities,
        });
        for (const f of found) ids.add(f.id);
      }
      const aggregates = await loadAggregates(tx, [...ids]);
      const scored: { a: PersonAggregate; score: number }[] = [];
      for (const a of aggregates.values()) {
        if (!compatibleForDuplicate({ sex: body.sex, ...birth }, a.person)) continue;
        let best = 0;
        for (const theirs of a.names) {
          const prepared = prepareName(theirs.fullName);
          for (const mine of newNames) best = Math.max(best, comparePreparedNames(mine, prepared).score);
        }
        if (best >= DUPLICATE_NAME_SCORE) scored.push({ a, score: best });
      }
      scored.sort((x, y) => y.score - x.score || x.a.person.id.localeCompare(y.a.person.id));
      const top = scored.slice(0, 5);
      const placements = await this.ports.placements(
        tx,
        top.map((t) => t.a.person.id),
      );
      const candidates: DuplicateCandidate[] = [];
      for (const { a, score } of top) {
        const p = a.person;
        const pl = placements.get(p.id);
        const household = p.householdId ? await findHousehold(tx, p.householdId) : undefined;
        const label = birthLabel({ date: p.birthDate, precision: p.birthPrecision, from: p.birthFrom, to: p.birthTo });
        const reasons = [`names ${score.toFixed(2)}`];
        if (label !== 'unknown') reasons.push(`born ${label}`);
        if (body.householdId && body.householdId === p.householdId) reasons.push('same household');
        if (facilityId && (pl?.facilityId === facilityId || p.registeredFacilityId === facilityId)) reasons.push('same facility');
        candidates.push({
          id: p.id,
          names: a.names.map((n) => n.fullName),
          sex: p.sex,
          birthLabel: label,
          nationalities: a.nationalities.map((n) => n.country),
          householdId: p.householdId,
          householdLabel: household?.label ?? null,
          registeredFacilityId: p.registeredFacilityId,
          status: pl?.status ?? 'registered',
          facilityId: pl?.facilityId ?? null,
          unitId: pl?.unitId ?? null,
          score: Math.round(score * 1000) / 1000,
          reasons,
        });
      }
      if (opts.audit) await this.auditDuplicateCheck(tx, actor, body, candidates);
      return candidates;
    });
  }

  /** The duplicate check read these records: audited like a search, with the ids it returned. */
  private async auditDuplicateCheck(tx: Db, actor: Actor, body: { names: { full: string }[] }, candidates: readonly DuplicateCandidate[]): Promise<void> {
    await this.audit.record(tx, actor, {
      action: 'person.duplicate_check',
      subjectType: 'person',
      details: { names: body.names.map((n) => n.full), resultIds: candidates.map((c) => c.id) },
    });
  }

  /**
   * Enrols persons in one transaction: all or none. Used by the API for one person and by bulk enrolment (the
   * scenario seeds tens of thousands through here, so every generated person passes the same validation).
   */
  async createMany(actor: Actor, inputs: CreatePersonInput[], opts: { auditDetails?: Record<string, unknown> } = {}): Promise<string[]> {
    requirePermission(actor, 'persons.write');
    const now = this.clock.now();
    const rows: PersonRowsToInsert = { persons: [], names: [], nationalities: [], documents: [], relations: [] };
    const facilityIds = new Set<string>();
    const householdIds = new Set<string>();
    const relatedIds = new Set<string>();
    const ids: string[] = [];
    for (const raw of inputs) {
      const input = CreatePersonBody.parse(raw);
      const id = this.ids.next();
      ids.push(id);
      const facilityId = input.facilityId ?? (actor.facilityIds.length === 1 ? actor.facilityIds[0]! : null);
      if (facilityId) {
        requireFacility(actor, facilityId);
        facilityIds.add(facilityId);
      }
      if (input.householdId) householdIds.add(input.householdId);
      const birth = normaliseBirth(input, now);
      rows.persons.push({
        id,
        sex: input.sex,
        ...birth,
        placeOfBirth: input.placeOfBirth ?? null,
        householdId: input.householdId ?? null,
        registeredFacilityId: facilityId,
        vulnerabilities: [...new Set(input.vulnerabilities ?? [])],
        distinguishingMarks: input.distinguishingMarks ?? [],
        notes: input.notes ?? null,
        version: 1,
        createdAt: now,
        createdBy: actor.userId,
        updatedAt: now,
      });
      input.names.forEach((n, ordinal) => rows.names.push(this.nameRow(id, ordinal, n, now)));
      const seen = new Set<string>();
      for (const nat of input.nationalities ?? []) {
        const { country, status } = typeof nat === 'string' ? { country: nat, status: 'claimed' as const } : nat;
        if (seen.has(country)) continue;
        seen.add(country);
        rows.nationalities.push({ personId: id, country, status });
      }
      for (const doc of input.documents ?? []) rows.documents.push(this.documentRow(id, doc, now));
      for (const rel of input.relations ?? []) {
        relatedIds.add(rel.personId);
        rows.relations.push({
          id: this.ids.next(),
          personId: rel.personId,
          relatedPersonId: id,
          kind: rel.kind,
          createdAt: now,
          reason: rel.reason ?? null,
          createdBy: actor.username,
        });
      }
    }
    await this.outbox.transaction(async (tx) => {
      for (const f of facilityIds) {
        if (!(await this.ports.facilityExists(tx, f))) throw new ValidationError('registry.unknown_facility', `No facility ${f}`);
      }
      for (const h of householdIds) {
        if (!(await findHousehold(tx, h))) throw new ValidationError('registry.unknown_household', `No household ${h}`);
      }
      const known = await existingPersonIds(tx, [...relatedIds]);
      const missing = [...relatedIds].filter((r) => !known.has(r) && !ids.includes(r));
      if (missing.length) throw new ValidationError('registry.unknown_relative', `No person ${missing[0]} to relate to`);
      await insertPersons(tx, rows);
      await this.audit.record(
        tx,
        actor,
        rows.persons.map((p) => ({ action: 'person.create', subjectType: 'person', subjectId: p.id, details: opts.auditDetails })),
      );
      this.changed(tx, actor, ids, 'created');
    });
    return ids;
  }

  private nameRow(personId: string, ordinal: number, n: NameInputT, now: Date): NameRow {
    const script = n.script ?? detectScript(n.full);
    return {
      id: this.ids.next(),
      personId,
      ordinal,
      script,
      fullName: n.full,
      parts: n.parts ?? null,
      kind: n.kind ?? (ordinal === 0 ? 'primary' : 'alias'),
      source: n.source ?? null,
      searchKey: nameSearchKey(n.full),
      searchKeyVersion: SEARCH_KEY_VERSION,
      createdAt: now,
    };
  }

  private documentRow(personId: string, doc: DocumentInputT, now: Date) {
    if (doc.issuedOn && doc.expiresOn && doc.issuedOn > doc.expiresOn) {
      throw new ValidationError('registry.bad_document_dates', 'A document cannot expire before it was issued');
    }
    return {
      id: this.ids.next(),
      personId,
      type: doc.type,
      number: doc.number.toUpperCase().replace(/\s+/g, ''),
      issuingCountry: doc.issuingCountry ?? null,
      issuedOn: doc.issuedOn ?? null,
      expiresOn: doc.expiresOn ?? null,
      createdAt: now,
    };
  }

  /** Loads a record, checks scope, and audits the read with the actor's purpose in the same transaction. */
  async get(actor: Actor, id: string, opts: { audit?: boolean } = {}): Promise<PersonView> {
    requirePermission(actor, 'persons.read');
    return this.db.transaction(async (tx) => {
      const view = await this.loadInScope(tx, actor, id);
      if (opts.audit !== false) {
        await this.audit.record(tx, actor, { action: 'person.read', subjectType: 'person', subjectId: id });
      }
      return view;
    });
  }

  /** For other services: which of these person ids exist. */
  async existing(db: Db, ids: string[]): Promise<Set<string>> {
    return existingPersonIds(db, ids);
  }

  /** For other services: the person in the actor's scope, or 404/403. Does not audit (the caller does). */
  async loadInScope(db: Db, actor: Actor, id: string): Promise<PersonView> {
    const aggregate = (await loadAggregates(db, [id])).get(id);
    if (!aggregate) throw new NotFoundError('registry.person_not_found', `No person ${id}`);
    const placement = (await this.ports.placements(db, [id])).get(id) ?? null;
    requirePersonInScope(actor, {
      facilityIds: [placement?.facilityId ?? null, placement?.destinationFacilityId ?? null, aggregate.person.registeredFacilityId],
      nationalities: aggregate.nationalities.map((n) => n.country),
    });
    const relatedIds = aggregate.relations.map((r) => (r.personId === id ? r.relatedPersonId : r.personId));
    // A relative's name and id are part of the relative's record: shown only when the reader may see that record.
    const visible = await this.inScopeAmong(db, actor, relatedIds);
    const names = await primaryNames(
      db,
      relatedIds.filter((r) => visible.has(r)),
    );
    return this.view(aggregate, placement, names, visible);
  }

  /**
   * Which of these persons the actor may see (the rule of `loadInScope`, for many at once): every one of them for an
   * actor without scope; unknown ids are left out. For other services (custody checks scope before any state check).
   */
  async inScopeAmong(db: Db, actor: Actor, ids: readonly string[]): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Set();
    const facts = await scopeFactsOf(db, unique);
    if (!isFacilityScoped(actor) && !isNationalityScoped(actor)) return new Set(facts.keys());
    const placements = await this.ports.placements(db, [...facts.keys()]);
    const seen = new Set<string>();
    for (const [pid, f] of facts) {
      const placement = placements.get(pid);
      const person = {
        facilityIds: [placement?.facilityId ?? null, placement?.destinationFacilityId ?? null, f.registeredFacilityId],
        nationalities: f.nationalities,
      };
      if (canSeePerson(actor, person)) seen.add(pid);
    }
    return seen;
  }

  private view(a: PersonAggregate, placement: PlacementSummary | null, relatedNames: Map<string, string>, visible: ReadonlySet<string>): PersonView {
    const p = a.person;
    const now = this.clock.now();
    const relationView = (r: RelationRow) => {
      const outgoing = r.personId === p.id;
      const other = outgoing ? r.relatedPersonId : r.personId;
      // Stored as "personId <kind> relatedPersonId"; from the related side the relation reads inversely.
      const kind = outgoing ? r.kind : (INVERSE_RELATION[r.kind as RelationKind] ?? r.kind);
      const link = { id: r.id, kind, since: r.createdAt, reason: r.reason };
      // A relative outside the reader's scope: the kind of relation only, neither id nor name (see docs, Scope).
      if (!visible.has(other)) return { ...link, personId: null, name: null, inScope: false };
      return { ...link, personId: other, name: relatedNames.get(other) ?? null, inScope: true };
    };
    return {
      id: p.id,
      sex: p.sex,
      birth: {
        date: p.birthDate,
        precision: p.birthPrecision as BirthPrecision,
        from: p.birthFrom,
        to: p.birthTo,
        label: birthLabel({ date: p.birthDate, precision: p.birthPrecision, from: p.birthFrom, to: p.birthTo }),
      },
      ageRange: ageRange(p, now),
      possiblyMinor: possiblyMinor(p, now),
      placeOfBirth: p.placeOfBirth,
      names: a.names.map((n) => ({
        id: n.id,
        full: n.fullName,
        script: n.script,
        kind: n.kind,
        parts: (n.parts as Record<string, string> | null) ?? null,
        source: n.source,
      })),
      nationalities: a.nationalities.map((n) => ({ country: n.country, status: n.status })),
      documents: a.documents.map((d) => ({
        id: d.id,
        type: d.type,
        number: d.number,
        issuingCountry: d.issuingCountry,
        issuedOn: d.issuedOn,
        expiresOn: d.expiresOn,
      })),
      vulnerabilities: p.vulnerabilities,
      distinguishingMarks: p.distinguishingMarks,
      householdId: p.householdId,
      registeredFacilityId: p.registeredFacilityId,
      relations: a.relations.filter((r) => !r.endedAt).map(relationView),
      endedRelations: a.relations.filter((r) => r.endedAt).map((r) => ({ ...relationView(r), ended: { at: r.endedAt!, by: r.endedBy, reason: r.endReason } })),
      placement,
      notes: p.notes,
      version: p.version,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    };
  }

  /**
   * Recomputes the search keys written by an older version of the key (see SEARCH_KEY_VERSION), in batches; run when
   * the application opens. A derived index, not a change to a record: nothing is audited. Returns how many it rewrote.
   */
  async refreshSearchKeys(batch = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const stale = await staleSearchKeys(this.db, SEARCH_KEY_VERSION, batch);
      if (stale.length === 0) return total;
      await updateSearchKeys(
        this.db,
        stale.map((r) => ({ id: r.id, key: nameSearchKey(r.fullName) })),
        SEARCH_KEY_VERSION,
      );
      total += stale.length;
    }
  }

  async search(actor: Actor, input: SearchPersonsInput): Promise<PersonSummary[]> {
    return (await this.searchPage(actor, input)).rows;
  }

  /**
   * A page of the persons the filters (and a name) select, with how many there are in all (`total`). Without a name,
   * the total is exact; with one, it is the number of matches found among the ranked candidates (at most 400).
   */
  async searchPage(actor: Actor, input: SearchPersonsInput): Promise<{ total: number; rows: PersonSummary[] }> {
    requirePermission(actor, 'persons.read');
    const key = input.q ? nameSearchKey(input.q) : undefined;
    const offset = input.offset ?? 0;
    return this.db.transaction(async (tx) => {
      const filter = searchFilter(actor, input);
      let hits: { id: string; score: number }[];
      let total: number;
      let aggregates: Map<string, PersonAggregate>;
      if (key) {
        // the trigram index finds candidates (several times the page, so that the ranking has room to work); the
        // names module's comparison of the query with each of a candidate's names ranks them
        const candidates = await searchPersonIds(tx, {
          ...filter,
          key,
          limit: Math.min(SEARCH_CANDIDATES_MAX, (offset + input.limit) * SEARCH_CANDIDATES_FACTOR),
        });
        aggregates = await loadAggregates(
          tx,
          candidates.map((h) => h.id),
        );
        const ranked = rankByName(input.q!, candidates, aggregates);
        total = ranked.length;
        hits = ranked.slice(offset, offset + input.limit);
      } else {
        // one after the other: a transaction is one connection
        hits = await searchPersonIds(tx, { ...filter, limit: input.limit, offset });
        total = await countPersons(tx, filter);
        aggregates = await loadAggregates(
          tx,
          hits.map((h) => h.id),
        );
      }
      const ids = hits.map((h) => h.id);
      await this.audit.record(tx, actor, {
        action: 'person.search',
        subjectType: 'person',
        details: { q: input.q ?? null, filters: { facilityId: input.facilityId, unitId: input.unitId, status: input.status }, offset, total, resultIds: ids },
      });
      return { total, rows: await this.summaries(tx, hits, aggregates) };
    });
  }

  private async summaries(tx: Db, hits: readonly { id: string; score: number }[], aggregates: Map<string, PersonAggregate>): Promise<PersonSummary[]> {
    const placements = await this.ports.placements(
      tx,
      hits.map((h) => h.id),
    );
    return hits.map((h) => {
      const a = aggregates.get(h.id)!;
      const pl = placements.get(h.id);
      return {
        id: h.id,
        name: a.names[0]?.fullName ?? '',
        otherNames: a.names.slice(1, 6).map((n) => n.fullName),
        sex: a.person.sex,
        birthDate: a.person.birthDate,
        birthPrecision: a.person.birthPrecision,
        birthLabel: birthLabel({ date: a.person.birthDate, precision: a.person.birthPrecision, from: a.person.birthFrom, to: a.person.birthTo }),
        nationalities: a.nationalities.map((n) => n.country),
        status: pl?.status ?? 'registered',
        facilityId: pl?.facilityId ?? null,
        unitId: pl?.unitId ?? null,
        score: Math.round(h.score * 1000) / 1000,
      };
    });
  }

  /**
   * Every person the filters (and a name) select, as CSV with names, for those who may read person records (the
   * police asking who walked out). It is a read of each of those records: audited as one export with the actor's
   * purpose and every id, in the transaction that reads them.
   */
  async exportCsv(actor: Actor, input: SearchPersonsInput): Promise<{ csv: string; count: number }> {
    requirePermission(actor, 'persons.read');
    const key = input.q ? nameSearchKey(input.q) : undefined;
    return this.db.transaction(async (tx) => {
      const filter = searchFilter(actor, input);
      let hits: { id: string; score: number }[];
      if (key) {
        const candidates = await searchPersonIds(tx, { ...filter, key, limit: SEARCH_CANDIDATES_MAX });
        hits = rankByName(
          input.q!,
          candidates,
          await loadAggregates(
            tx,
            candidates.map((h) => h.id),
          ),
        );
      } else {
        const total = await countPersons(tx, filter);
        if (total > EXPORT_MAX) {
          throw new ValidationError('registry.export_too_large', `${total} persons match; an export holds at most ${EXPORT_MAX}: narrow the filters`, {
            total,
            max: EXPORT_MAX,
          });
        }
        hits = await searchPersonIds(tx, { ...filter, limit: EXPORT_MAX, offset: 0 });
      }
      const rows: PersonSummary[] = [];
      for (let i = 0; i < hits.length; i += EXPORT_CHUNK) {
        const chunk = hits.slice(i, i + EXPORT_CHUNK);
        const aggregates = await loadAggregates(
          tx,
          chunk.map((h) => h.id),
        );
        rows.push(...(await this.summaries(tx, chunk, aggregates)));
      }
      const codes = await placeCodes(tx, [...new Set(rows.flatMap((r) => [r.facilityId, r.unitId]).filter((x): x is string => !!x))]);
      await this.audit.record(tx, actor, {
        action: 'person.export',
        subjectType: 'person',
        details: {
          format: 'csv',
          q: input.q ?? null,
          filters: { facilityId: input.facilityId, unitId: input.unitId, status: input.status, nationality: input.nationality },
          count: rows.length,
          resultIds: rows.map((r) => r.id),
        },
      });
      const csv = csvLines(
        ['person_id', 'name', 'other_names', 'sex', 'birth', 'birth_date', 'birth_precision', 'nationalities', 'status', 'facility', 'unit'],
        rows.map((r) => [
          r.id,
          r.name,
          r.otherNames.join(' | '),
          r.sex,
          r.birthLabel,
          r.birthDate,
          r.birthPrecision,
          r.nationalities.join(' '),
          r.status,
          r.facilityId ? (codes.get(r.facilityId) ?? r.facilityId) : '',
          r.unitId ? (codes.get(r.unitId) ?? r.unitId) : '',
        ]),
      );
      return { csv, count: rows.length };
    });
  }

  /** Corrections to a record are audited with the reason and the values before and after. */
  async update(actor: Actor, id: string, input: UpdatePersonInput): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    await this.outbox.transaction(async (tx) => {
      const before = await this.loadInScope(tx, actor, id);
      const row = (await findPersonRow(tx, id)) as PersonRow;
      const patch: Partial<PersonRow> = { updatedAt: this.clock.now() };
      if (input.sex) patch.sex = input.sex;
      if (input.birthDate !== undefined || input.birthFrom !== undefined || input.birthTo !== undefined) {
        Object.assign(patch, normaliseBirth(input, this.clock.now()));
      }
      if (input.placeOfBirth !== undefined) patch.placeOfBirth = input.placeOfBirth;
      if (input.distinguishingMarks) patch.distinguishingMarks = input.distinguishingMarks;
      if (input.vulnerabilities) patch.vulnerabilities = [...new Set(input.vulnerabilities)];
      if (input.notes !== undefined) patch.notes = input.notes;
      if (input.householdId !== undefined) {
        if (input.householdId && !(await findHousehold(tx, input.householdId))) {
          throw new ValidationError('registry.unknown_household', `No household ${input.householdId}`);
        }
        patch.householdId = input.householdId;
      }
      if (!(await updatePersonRow(tx, id, patch, input.version))) {
        throw new ConflictError(
          'registry.stale_version',
          `The record changed since it was opened (it is at version ${row.version}, the correction was made on version ${input.version}): reload it and apply the correction again`,
          { rule: 'corrections_on_current_version', version: row.version },
        );
      }
      const changed = Object.fromEntries(
        Object.keys(patch)
          .filter((k) => k !== 'updatedAt')
          .map((k) => [k, { before: row[k as keyof PersonRow] ?? null, after: patch[k as keyof PersonRow] ?? null }]),
      );
      await this.audit.record(tx, actor, {
        action: 'person.update',
        subjectType: 'person',
        subjectId: id,
        details: { reason: input.reason, changed, version: before.version + 1 },
      });
      this.changed(tx, actor, [id], 'details');
    });
    return this.get(actor, id, { audit: false });
  }

  async addName(actor: Actor, id: string, name: NameInputT): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    await this.outbox.transaction(async (tx) => {
      await this.loadInScope(tx, actor, id);
      const row = this.nameRow(id, await nextNameOrdinal(tx, id), name, this.clock.now());
      await insertName(tx, row);
      await updatePersonRow(tx, id, { updatedAt: this.clock.now() });
      await this.audit.record(tx, actor, { action: 'person.add_name', subjectType: 'person', subjectId: id, details: { name } });
      this.changed(tx, actor, [id], 'names');
    });
    return this.get(actor, id, { audit: false });
  }

  async addDocument(actor: Actor, id: string, doc: DocumentInputT): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    await this.outbox.transaction(async (tx) => {
      await this.loadInScope(tx, actor, id);
      await insertDocument(tx, this.documentRow(id, doc, this.clock.now()));
      await updatePersonRow(tx, id, { updatedAt: this.clock.now() });
      await this.audit.record(tx, actor, { action: 'person.add_document', subjectType: 'person', subjectId: id, details: { type: doc.type } });
      this.changed(tx, actor, [id], 'details');
    });
    return this.get(actor, id, { audit: false });
  }

  async setNationality(actor: Actor, id: string, country: string, status: 'claimed' | 'verified'): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    await this.outbox.transaction(async (tx) => {
      await this.loadInScope(tx, actor, id);
      await upsertNationality(tx, { personId: id, country, status });
      await updatePersonRow(tx, id, { updatedAt: this.clock.now() });
      await this.audit.record(tx, actor, { action: 'person.set_nationality', subjectType: 'person', subjectId: id, details: { country, status } });
      this.changed(tx, actor, [id], 'details');
    });
    return this.get(actor, id, { audit: false });
  }

  /**
   * Records "personId <kind> relatedPersonId" (e.g. A mother_of B) with the reason given; both records must be in the
   * actor's scope. A live link of that kind between the two is kept as it is (nothing recorded twice).
   */
  async addRelation(actor: Actor, personId: string, kind: RelationKind, relatedPersonId: string, reason?: string): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    if (personId === relatedPersonId) throw new ValidationError('registry.self_relation', 'A person cannot be related to themselves');
    await this.outbox.transaction(async (tx) => {
      await this.loadInScope(tx, actor, personId);
      await this.loadInScope(tx, actor, relatedPersonId);
      const id = this.ids.next();
      const row = { id, personId, relatedPersonId, kind, createdAt: this.clock.now(), reason: reason ?? null, createdBy: actor.username };
      if (!(await insertRelation(tx, row))) return;
      await this.audit.record(tx, actor, {
        action: 'person.add_relation',
        subjectType: 'person',
        subjectId: personId,
        details: { relationId: id, kind, relatedPersonId, reason: reason ?? null },
      });
      this.changed(tx, actor, [personId, relatedPersonId], 'relations');
    });
    return this.get(actor, personId, { audit: false });
  }

  /**
   * Ends a link of the person's record with a reason: the link stays, marked ended (by whom, when, why), and the end
   * is audited on both records. Both persons must be in the actor's scope; a link already ended is refused (409).
   */
  async endRelation(actor: Actor, personId: string, relationId: string, reason: string): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    await this.outbox.transaction(async (tx) => {
      await this.loadInScope(tx, actor, personId);
      const row = await findRelation(tx, relationId, true);
      if (!row || (row.personId !== personId && row.relatedPersonId !== personId)) {
        throw new NotFoundError('registry.relation_not_found', `No relation ${relationId} on this record`);
      }
      const other = row.personId === personId ? row.relatedPersonId : row.personId;
      await this.loadInScope(tx, actor, other);
      if (row.endedAt) {
        throw new ConflictError(
          'registry.relation_ended',
          `This relation was already ended on ${row.endedAt.toISOString().slice(0, 10)} by ${row.endedBy ?? 'someone'}`,
        );
      }
      const at = this.clock.now();
      await endRelationRow(tx, relationId, { endedAt: at, endedBy: actor.username, endReason: reason });
      const details = { relationId, kind: row.kind, personId: row.personId, relatedPersonId: row.relatedPersonId, reason };
      await this.audit.record(tx, actor, [
        { action: 'person.end_relation', subjectType: 'person', subjectId: row.personId, details },
        { action: 'person.end_relation', subjectType: 'person', subjectId: row.relatedPersonId, details },
      ]);
      this.changed(tx, actor, [row.personId, row.relatedPersonId], 'relations');
    });
    return this.get(actor, personId, { audit: false });
  }

  async createHousehold(actor: Actor, input: { label: string; facilityId?: string }): Promise<HouseholdView> {
    requirePermission(actor, 'persons.write');
    if (input.facilityId) requireFacility(actor, input.facilityId);
    const row = { id: this.ids.next(), label: input.label, facilityId: input.facilityId ?? null, createdAt: this.clock.now() };
    await this.db.transaction(async (tx) => {
      if (row.facilityId && !(await this.ports.facilityExists(tx, row.facilityId))) {
        throw new ValidationError('registry.unknown_facility', `No facility ${row.facilityId}`);
      }
      await insertHousehold(tx, row);
      await this.audit.record(tx, actor, { action: 'household.create', subjectType: 'household', subjectId: row.id, details: input });
    });
    return { id: row.id, label: row.label, facilityId: row.facilityId };
  }

  /**
   * Households in one transaction, all or none, one audit entry each: bulk enrolment (the demo seed makes thousands,
   * and one transaction per household was a third of its time).
   */
  async createHouseholds(actor: Actor, inputs: { label: string; facilityId?: string }[]): Promise<HouseholdView[]> {
    requirePermission(actor, 'persons.write');
    for (const input of inputs) if (input.facilityId) requireFacility(actor, input.facilityId);
    const now = this.clock.now();
    const rows = inputs.map((input) => ({ id: this.ids.next(), label: input.label, facilityId: input.facilityId ?? null, createdAt: now }));
    await this.db.transaction(async (tx) => {
      for (const facilityId of new Set(rows.map((r) => r.facilityId).filter((f): f is string => f !== null))) {
        if (!(await this.ports.facilityExists(tx, facilityId))) throw new ValidationError('registry.unknown_facility', `No facility ${facilityId}`);
      }
      await insertHouseholds(tx, rows);
      await this.audit.record(
        tx,
        actor,
        rows.map((row, i) => ({ action: 'household.create', subjectType: 'household', subjectId: row.id, details: inputs[i]! })),
      );
    });
    return rows.map((row) => ({ id: row.id, label: row.label, facilityId: row.facilityId }));
  }

  async household(actor: Actor, id: string): Promise<HouseholdDetail> {
    requirePermission(actor, 'persons.read');
    const household = await findHousehold(this.db, id);
    if (!household) throw new NotFoundError('registry.household_not_found', `No household ${id}`);
    const memberIds = await householdMembers(this.db, id);
    const members: PersonSummary[] = [];
    for (const m of memberIds) {
      try {
        const v = await this.loadInScope(this.db, actor, m);
        members.push({
          id: v.id,
          name: v.names[0]?.full ?? '',
          otherNames: v.names.slice(1, 6).map((n) => n.full),
          sex: v.sex,
          birthDate: v.birth.date,
          birthPrecision: v.birth.precision,
          birthLabel: v.birth.label,
          nationalities: v.nationalities.map((n) => n.country),
          status: v.placement?.status ?? 'registered',
          facilityId: v.placement?.facilityId ?? null,
          unitId: v.placement?.unitId ?? null,
          score: 1,
        });
      } catch {
        // Members outside the actor's scope are left out, not counted.
      }
    }
    await this.db.transaction((tx) =>
      this.audit.record(tx, actor, { action: 'household.read', subjectType: 'household', subjectId: id, details: { memberIds: members.map((m) => m.id) } }),
    );
    return { id: household.id, label: household.label, facilityId: household.facilityId, members };
  }
}

/** The filters a search or an export applies: the caller's own and the actor's scope. */
function searchFilter(actor: Actor, input: SearchPersonsInput) {
  return {
    facilityId: input.facilityId,
    unitId: input.unitId,
    status: input.status,
    nationality: input.nationality,
    facilityIds: actor.facilityIds,
    nationalities: actor.nationalities,
  };
}
