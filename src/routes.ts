import type { RoutePlugin } from './platform/http/server';
import { accessRoutes } from './modules/access/access.routes';
import { auditRoutes } from './modules/audit/audit.routes';
import { custodyRoutes } from './modules/custody/custody.routes';
import { facilitiesRoutes } from './modules/facilities/facilities.routes';
import { registryRoutes } from './modules/registry/registry.routes';
import { reportsRoutes } from './modules/reports/reports.routes';
import { rollcallsRoutes } from './modules/rollcalls/rollcalls.routes';
import { alertsRoutes } from './modules/alerts/alerts.routes';
import { screeningRoutes } from './modules/screening/screening.routes';
import { biometricsRoutes } from './modules/biometrics/biometrics.routes';
import { transfersRoutes } from './modules/transfers/transfers.routes';
import { guardsRoutes } from './modules/guards/guards.routes';
import { sensorsRoutes } from './modules/sensors/sensors.routes';
import { sightingsRoutes } from './modules/sightings/sightings.routes';
import { reviewsRoutes } from './modules/reviews/reviews.routes';
import { syncRoutes } from './modules/sync/sync.routes';
import { repatriationRoutes } from './modules/cases';
import { familiesRoutes } from './modules/cases';
import { casesRoutes } from './modules/cases/cases.routes';

/** Every module's routes, mounted under /api/v1. */
export const apiRoutes: RoutePlugin[] = [
  accessRoutes,
  auditRoutes,
  facilitiesRoutes,
  registryRoutes,
  custodyRoutes,
  reportsRoutes,
  rollcallsRoutes,
  alertsRoutes,
  screeningRoutes,
  biometricsRoutes,
  transfersRoutes,
  guardsRoutes,
  sensorsRoutes,
  sightingsRoutes,
  reviewsRoutes,
  syncRoutes,
  repatriationRoutes,
  familiesRoutes,
  casesRoutes,
] as RoutePlugin[];
