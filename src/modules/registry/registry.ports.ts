import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import type { PlacementResponse } from './registry.dto';

/** Where a person is now, as the custody ledger's placement projection says (the registry shows it on the record). */
export type PlacementSummary = z.output<typeof PlacementResponse>;

export interface RegistryPorts {
  /** Current placements of these persons (custody's read model); persons never admitted are absent. */
  placements(db: Db, personIds: string[]): Promise<Map<string, PlacementSummary>>;
  /** Whether a facility exists (an enrolment names the facility that enrols). */
  facilityExists(db: Db, facilityId: string): Promise<boolean>;
}
