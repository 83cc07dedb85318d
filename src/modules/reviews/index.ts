/** After-action reviews and the outside monitor (issue 21): signed custody statements, the ledger export, inclusion proofs. */
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
