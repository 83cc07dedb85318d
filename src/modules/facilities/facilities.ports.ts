import type { z } from 'zod';
import type { Db } from '../../platform/db/database';
import type { FacilityOpenAlertResponse } from './facilities.dto';

export interface FacilitiesPorts {
  /** A facility's open alerts, headline only (the alerts module owns them): the facility page shows them. */
  openAlerts(db: Db, facilityId: string): Promise<z.output<typeof FacilityOpenAlertResponse>[]>;
}
