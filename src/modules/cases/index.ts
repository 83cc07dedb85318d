/** Cases (issue 23): legal review, repatriation, families and children, reintegration. */
// --- families and children (part C) ---
export { FamiliesService, type LedgerMove } from './cases.families.service';
export { familiesConsumers } from './cases.families.consumers';
export { ChildSeparated, BestInterestsRecorded, TracingChanged } from './cases.families.events';
export { CARER_KINDS, isChild, separationsCausedBy, requireBestInterests } from './cases.families.domain';
// --- end families and children ---
