/**
 * After-action reviews and the outside monitor (issue 21): the incident timeline, findings and review documents;
 * signed custody statements, the ledger export, inclusion proofs.
 */
export { ReviewsService, type StatementView, type InclusionProof } from './reviews.service';
export type { ReviewsPorts } from './reviews.ports';
export { CustodyStatementIssued } from './reviews.events';
export {
  ExportChecker,
  openStatement,
  statementText,
  verifySignature,
  verifyInclusionProof,
  STATEMENT_KIND,
  EXPORT_KIND,
  type CustodyStatement,
  type ExportCheckResult,
  type ExportedEvent,
  type SignedStatement,
} from './reviews.domain';
export { verifyInclusion, merkleRoot } from './reviews.merkle';
export {
  verifyReview,
  REVIEW_DOCUMENT_KIND,
  REVIEW_DOCUMENT_VERSION,
  REVIEW_STATUSES,
  SECTION_KEYS,
  type ReviewDocument,
  type SignedReview,
  type ReviewCheck,
} from './reviews.document.domain';
export { ReviewStatusChanged } from './reviews.document.events';
export { TIMELINE_KINDS, type TimelineItem, type TimelineKind } from './reviews.timeline.domain';
export { FINDING_MEASURES, type Finding } from './reviews.findings.domain';
