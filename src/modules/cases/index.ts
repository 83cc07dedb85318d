/** Cases (issue 23): legal cases of detainees, reintegration after release, the stasis figures. */
export { CasesService } from './cases.service';
export { casesConsumers } from './cases.consumers';
export type { CasesPorts } from './cases.ports';
export { CaseReviewOverdue, CaseReviewDueSoon, ReintegrationCheckinMissed } from './cases.events';
export { LEGAL_STATUSES, UNDER_REVIEW, DEFAULT_REVIEW_MONTHS, type LegalStatus } from './cases.legal.domain';
