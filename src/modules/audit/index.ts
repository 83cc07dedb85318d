/** The audit log: a second hash chain of who read or changed what, when and why. */
export { AuditService, type AuditInput, type AuditVerification, type AuditVerificationInfo } from './audit.service';
export type { AuditEntry } from './audit.domain';
export { AuditChainBroken } from './audit.events';
