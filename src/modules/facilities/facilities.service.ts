import type { Clock } from '../../platform/clock';
import type { Db } from '../../platform/db/database';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors';
import type { IdGenerator } from '../../platform/ids';
import type { Outbox } from '../../platform/outbox';
import { isFacilityScoped, isNationalityScoped, requireFacility, requirePermission, type Actor } from '../access';
import type { AuditService } from '../audit';
import type { z } from 'zod';
import { FacilityCreated, UnitAdded } from './facilities.events';
import type { FacilitiesPorts } from './facilities.ports';
import type { CreateFacilityInput, CreateUnitInput, FacilityDetailResponse, FacilityOpenAlertResponse, FacilityResponse, UnitResponse } from './facilities.dto';
import { CreateUnitBody } from './facilities.dto';
import { rollCountFrom } from './facilities.domain';
import {
  findFacility,
  findFacilityByCode,
  findUnit,
  insertFacility,
  insertUnit,
  listFacilities,
  listUnits,
  manifestCounts,
  unitCounts,
  type FacilityRow,
  type UnitRow,
} from './facilities.repository';

export type FacilityView = z.output<typeof FacilityResponse>;
export type UnitView = z.output<typeof UnitResponse>;
export type FacilityDetail = z.output<typeof FacilityDetailResponse>;
export type FacilityOpenAlert = z.output<typeof FacilityOpenAlertResponse>;

export function facilityView(row: FacilityRow): FacilityView {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    kind: row.kind,
    capacity: row.capacity,
    country: row.country,
    location: row.latitude !== null && row.longitude !== null ? { latitude: row.latitude, longitude: row.longitude } : null,
  };
}

export function unitView(row: UnitRow): UnitView {
  return {
    id: row.id,
    facilityId: row.facilityId,
    parentUnitId: row.parentUnitId,
    code: row.code,
    name: row.name,
    kind: row.kind,
    capacity: row.capacity,
  };
}

export class FacilitiesService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    private readonly audit: AuditService,
    private readonly outbox: Outbox,
    private readonly ports: FacilitiesPorts,
  ) {}

  async create(actor: Actor, input: CreateFacilityInput): Promise<FacilityView> {
    requirePermission(actor, 'facilities.write');
    return this.outbox.transaction(async (tx) => {
      if (await findFacilityByCode(tx, input.code)) {
        throw new ConflictError('facilities.code_taken', `A facility with code ${input.code} exists`);
      }
      const row: FacilityRow = {
        id: this.ids.next(),
        code: input.code,
        name: input.name,
        kind: input.kind,
        capacity: input.capacity ?? null,
        latitude: input.location?.latitude ?? null,
        longitude: input.location?.longitude ?? null,
        country: input.country?.toUpperCase() ?? null,
        createdAt: this.clock.now(),
      };
      await insertFacility(tx, row);
      await this.audit.record(tx, actor, { action: 'facility.create', subjectType: 'facility', subjectId: row.id, details: input });
      const view = facilityView(row);
      this.outbox.emit(
        tx,
        FacilityCreated,
        { facilityId: view.id, code: view.code, name: view.name, kind: view.kind, capacity: view.capacity, country: view.country, location: view.location },
        { subjects: { facilityIds: [view.id] } },
      );
      return view;
    });
  }

  async addUnit(actor: Actor, facilityId: string, rawInput: CreateUnitInput): Promise<UnitView> {
    requirePermission(actor, 'facilities.write');
    requireFacility(actor, facilityId);
    const input = CreateUnitBody.parse(rawInput);
    return this.outbox.transaction(async (tx) => {
      const facility = await findFacility(tx, facilityId);
      if (!facility) throw new NotFoundError('facilities.not_found', `No facility ${facilityId}`);
      const existing = await listUnits(tx, facilityId);
      if (existing.some((u) => u.code === input.code)) {
        throw new ConflictError('facilities.unit_code_taken', `Facility ${facility.code} already has a unit ${input.code}`);
      }
      if (input.parentUnitId) {
        const parent = await findUnit(tx, input.parentUnitId);
        if (!parent || parent.facilityId !== facilityId) {
          throw new ValidationError('facilities.bad_parent', `Parent unit ${input.parentUnitId} is not a unit of ${facility.code}`);
        }
      }
      const row: UnitRow = {
        id: this.ids.next(),
        facilityId,
        parentUnitId: input.parentUnitId ?? null,
        code: input.code,
        name: input.name,
        kind: input.kind,
        capacity: input.capacity ?? null,
        createdAt: this.clock.now(),
      };
      await insertUnit(tx, row);
      await this.audit.record(tx, actor, { action: 'unit.create', subjectType: 'unit', subjectId: row.id, details: { facilityId, ...input } });
      const view = unitView(row);
      this.outbox.emit(
        tx,
        UnitAdded,
        { unitId: view.id, facilityId, parentUnitId: view.parentUnitId, code: view.code, name: view.name, kind: view.kind, capacity: view.capacity },
        { subjects: { facilityIds: [facilityId], unitIds: [view.id] } },
      );
      return view;
    });
  }

  async list(actor: Actor): Promise<FacilityView[]> {
    requirePermission(actor, 'facilities.read');
    const rows = await listFacilities(this.db, isFacilityScoped(actor) ? actor.facilityIds : undefined);
    return rows.map(facilityView);
  }

  async get(actor: Actor, facilityId: string): Promise<FacilityDetail> {
    requirePermission(actor, 'facilities.read');
    const facility = await findFacility(this.db, facilityId);
    if (!facility) throw new NotFoundError('facilities.not_found', `No facility ${facilityId}`);
    requireFacility(actor, facilityId);
    const [byStatus, byUnit, units, openAlerts] = await Promise.all([
      manifestCounts(this.db, facilityId, actor.nationalities),
      unitCounts(this.db, facilityId, actor.nationalities),
      listUnits(this.db, facilityId),
      // Alerts speak of everyone in the facility: a nationality-scoped user does not see them.
      isNationalityScoped(actor) ? Promise.resolve([]) : this.ports.openAlerts(this.db, facilityId),
    ]);
    const roll = rollCountFrom(byStatus);
    return {
      ...facilityView(facility),
      manifestCount: roll.current,
      roll,
      units: units.map((u) => ({
        ...unitView(u),
        manifestCount: rollCountFrom(byUnit.filter((c) => c.unitId === u.id)).current,
      })),
      openAlerts,
    };
  }

  /** For other services: the facility row or a 404. */
  async exists(db: Db, facilityId: string): Promise<boolean> {
    return (await findFacility(db, facilityId)) !== undefined;
  }

  async require(db: Db, facilityId: string): Promise<FacilityRow> {
    const facility = await findFacility(db, facilityId);
    if (!facility) throw new NotFoundError('facilities.not_found', `No facility ${facilityId}`);
    return facility;
  }

  async requireUnit(db: Db, unitId: string): Promise<UnitRow> {
    const unit = await findUnit(db, unitId);
    if (!unit) throw new NotFoundError('facilities.unit_not_found', `No unit ${unitId}`);
    return unit;
  }
}
