import type { z } from 'zod';
import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { requireFacility, requirePermission, requirePersonInScope, type Actor } from '../access';
import type { AuditService } from '../audit';
import { PersonChanged } from './registry.events';
import type { PlacementSummary, RegistryPorts } from './registry.ports';
import { comparePreparedNames, prepareName } from '../names';
import {
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
  type SearchPersonsInput,
  type UpdatePersonInput,
} from './registry.dto';
import {
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
  loadAggregates,
  nextNameOrdinal,
  primaryNames,
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
export type HouseholdView = z.output<typeof HouseholdResponse>;
export type HouseholdDetail = z.output<typeof HouseholdDetailResponse>;

/** How many trigram candidates a name search ranks: this many times the page asked for, at most the maximum. */
const SEARCH_CANDIDATES_FACTOR = 4;
const SEARCH_CANDIDATES_MAX = 400;

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

  async create(actor: Actor, input: CreatePersonInput): Promise<PersonView> {
    const [id] = await this.createMany(actor, [input]);
    return this.get(actor, id!, { audit: false });
  }

  /**
   * Enrols persons in one transaction: all or none. Used by the API for one person and by bulk enrolment (the
   * scenario seeds tens of thousands through here, so every generated person passes the same validation).
   */
  async createMany(actor: Actor, inputs: CreatePersonInput[]): Promise<string[]> {
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
        rows.relations.push({ id: this.ids.next(), personId: rel.personId, relatedPersonId: id, kind: rel.kind, createdAt: now });
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
        rows.persons.map((p) => ({ action: 'person.create', subjectType: 'person', subjectId: p.id })),
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
    const names = await primaryNames(db, relatedIds);
    return this.view(aggregate, placement, names);
  }

  private view(a: PersonAggregate, placement: PlacementSummary | null, relatedNames: Map<string, string>): PersonView {
    const p = a.person;
    const now = this.clock.now();
    return {
      id: p.id,
      sex: p.sex,
      birth: { date: p.birthDate, precision: p.birthPrecision as BirthPrecision, from: p.birthFrom, to: p.birthTo },
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
      relations: a.relations.map((r) => {
        const outgoing = r.personId === p.id;
        const other = outgoing ? r.relatedPersonId : r.personId;
        // Stored as "personId <kind> relatedPersonId"; from the related side the relation reads inversely.
        const kind = outgoing ? r.kind : (INVERSE_RELATION[r.kind as RelationKind] ?? r.kind);
        return { kind, personId: other, name: relatedNames.get(other) ?? null };
      }),
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
    requirePermission(actor, 'persons.read');
    const key = input.q ? nameSearchKey(input.q) : undefined;
    return this.db.transaction(async (tx) => {
      // the trigram index finds candidates (several times the page, so that the ranking has room to work); the names
      // module's comparison of the query with each of a candidate's names ranks them
      const candidates = await searchPersonIds(tx, {
        key,
        facilityId: input.facilityId,
        status: input.status,
        nationality: input.nationality,
        limit: key ? Math.min(SEARCH_CANDIDATES_MAX, input.limit * SEARCH_CANDIDATES_FACTOR) : input.limit,
        facilityIds: actor.facilityIds,
        nationalities: actor.nationalities,
      });
      const candidateIds = candidates.map((h) => h.id);
      const aggregates = await loadAggregates(tx, candidateIds);
      const hits = input.q ? rankByName(input.q, candidates, aggregates).slice(0, input.limit) : candidates;
      const ids = hits.map((h) => h.id);
      const placements = await this.ports.placements(tx, ids);
      await this.audit.record(tx, actor, {
        action: 'person.search',
        subjectType: 'person',
        details: { q: input.q ?? null, filters: { facilityId: input.facilityId, status: input.status }, resultIds: ids },
      });
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
          nationalities: a.nationalities.map((n) => n.country),
          status: pl?.status ?? 'registered',
          facilityId: pl?.facilityId ?? null,
          unitId: pl?.unitId ?? null,
          score: Math.round(h.score * 1000) / 1000,
        };
      });
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

  /** Records "personId <kind> relatedPersonId" (e.g. A mother_of B); both records must be in the actor's scope. */
  async addRelation(actor: Actor, personId: string, kind: RelationKind, relatedPersonId: string): Promise<PersonView> {
    requirePermission(actor, 'persons.write');
    if (personId === relatedPersonId) throw new ValidationError('registry.self_relation', 'A person cannot be related to themselves');
    await this.outbox.transaction(async (tx) => {
      await this.loadInScope(tx, actor, personId);
      await this.loadInScope(tx, actor, relatedPersonId);
      await insertRelation(tx, { id: this.ids.next(), personId, relatedPersonId, kind, createdAt: this.clock.now() });
      await this.audit.record(tx, actor, {
        action: 'person.add_relation',
        subjectType: 'person',
        subjectId: personId,
        details: { kind, relatedPersonId },
      });
      this.changed(tx, actor, [personId, relatedPersonId], 'relations');
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
