import type { Db } from '../../platform/db/database';

export interface FacilitiesPorts {
  /** A facility's open alerts, headline only (the alerts module owns them): the facility page shows them. */
  openAlerts(db: Db, facilityId: string): Promise<unknown[]>;
}
