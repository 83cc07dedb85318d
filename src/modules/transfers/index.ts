/**
 * Transfers (issue 18): operations, movements and manifests; each person's move from proposed to completed; the
 * biometric gate at boarding, the count at arrival and the Ed25519 handover signed by both custodians.
 */
export { TransfersService } from './transfers.service';
export type { TransfersPorts } from './transfers.ports';
export {
  MOVE_STATUSES,
  MOVE_COMMANDS,
  nextMoveStatus,
  moveAllowedFrom,
  countArrival,
  effectiveCapacity,
  type MoveStatus,
  type MoveCommand,
} from './transfers.domain';
export { planManifests, planManifestsNaive, type PlanPerson, type PlanMovement, type PlanConstraints, type Plan } from './transfers.planner';
export { verifyHandover, manifestHash, type HandoverDocument, type HandoverCheck } from './transfers.signatures';
export { MovementApproved, MovementDeparted, ArrivalCounted, HandoverSigned } from './transfers.events';
export { TransfersArrivalService, type ArrivalPorts } from './transfers.arrival.service';
export { ArrivalIdentified, TransitOverdue, MovementDiverted, PersonsLodged, PersonsCollected } from './transfers.arrival.events';
export { classifyProbe, transitOverdue, ARRIVAL_OUTCOMES, type ArrivalOutcome } from './transfers.arrival.domain';
export { TransfersDisputesService } from './transfers.disputes.service';
export { DiscrepancyResolved } from './transfers.disputes.events';
export { RESOLUTION_KINDS, type ResolutionKind } from './transfers.disputes.domain';
export { transferMoves, transferMovements } from './transfers.schema';
