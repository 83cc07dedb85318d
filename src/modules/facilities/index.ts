/** Facilities (camps, prisons, transit, hospitals, courts, receiving authorities) and their nested units. */
export {
  FacilitiesService,
  facilityView,
  unitView,
  type FacilityView,
  type UnitView,
  type FacilityDetail,
} from './facilities.service';
export type { FacilitiesPorts } from './facilities.ports';
export { FacilityCreated, UnitAdded } from './facilities.events';
export { ON_ROLL_STATUSES, rollCountFrom, type RollCount } from './facilities.domain';
export { FACILITY_KINDS, UNIT_KINDS, CreateFacilityBody, CreateUnitBody, type CreateFacilityInput, type CreateUnitInput } from './facilities.dto';
export { findFacilityByCode, findUnitByCode, listUnits, listFacilities, insertUnits, type FacilityRow, type UnitRow } from './facilities.repository';
/** Read models: tables other modules may read (in SQL, through this import: `${units}` renders the name), never write. */
export { facilities, units } from './facilities.schema';
