/** Cases (issue 23): legal review, repatriation, families and children, reintegration. */
// --- families and children (part C) ---
export { FamiliesService, type LedgerMove } from './cases.families.service';
export { familiesConsumers } from './cases.families.consumers';
/** The HTTP plugin of the families part (mounted by src/routes.ts next to the module's own routes). */
export { familiesRoutes } from './cases.families.routes';
export { ChildSeparated, BestInterestsRecorded, TracingChanged } from './cases.families.events';
export { CARER_KINDS, isChild, separationsCausedBy, requireBestInterests } from './cases.families.domain';
// --- end families and children ---
