/** Cases (issue 23): legal cases of detainees, reintegration after release, the stasis figures; families and children. */
// --- families and children (part C) ---
export { FamiliesService, type LedgerMove } from './cases.families.service';
export { familiesConsumers } from './cases.families.consumers';
/** The HTTP plugin of the families part (mounted by src/routes.ts next to the module's own routes). */
export { familiesRoutes } from './cases.families.routes';
export { ChildSeparated, BestInterestsRecorded, TracingChanged } from './cases.families.events';
export { CARER_KINDS, isChild, separationsCausedBy, requireBestInterests } from './cases.families.domain';
// --- end families and children ---
export { CasesService } from './cases.service';
export { casesConsumers } from './cases.consumers';
export type { CasesPorts } from './cases.ports';
export { CaseReviewOverdue, CaseReviewDueSoon, ReintegrationCheckinMissed } from './cases.events';
export { LEGAL_STATUSES, UNDER_REVIEW, DEFAULT_REVIEW_MONTHS, type LegalStatus } from './cases.legal.domain';
