// ---- Repatriation (issue 23, part B; cases-repat) ----
/**
 * Repatriation: requests to states to take back their nationals, their stages and deadlines, the state's decision on
 * the nationality, evidence for children, the handover (REPATRIATED on the ledger), and the figures per state; a
 * state's liaison sees and acts for their own state only.
 */
export { RepatriationService, REPATRIATION_DEADLINE_KIND, repatriationScope } from './cases.repatriation.service';
export { acceptedAmong as acceptedRepatriations } from './cases.repatriation.repository';
export type { RepatriationPorts, RepatriationDeadlines } from './cases.repatriation.ports';
export { repatriationRoutes } from './cases.repatriation.routes';
export { RepatriationStageChanged, RepatriationDeadline } from './cases.repatriation.events';
export {
  REPATRIATION_STAGES,
  REPATRIATION_ACTIONS,
  EVIDENCE_KINDS,
  NATIONALITY_STATUSES as REPATRIATION_NATIONALITY_STATUSES,
  ACCEPTED_STAGES,
  STAGE_DAYS,
  actionsFrom,
  decideStep,
  type RepatriationStage,
  type RepatriationAction,
  type EvidenceKind,
} from './cases.repatriation.domain';
export type { RepatriationView, RepatriationSummaryView, RepatriationFiguresView } from './cases.repatriation.dto';
// ---- end of repatriation ----
/** Cases (issue 23): legal cases of detainees, reintegration after release, the stasis figures. */
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
