/** The custody ledger: append-only, hash-chained events; placements are derived from it in the same transaction. */
export {
  CustodyService,
  type AppendRequest,
  type LedgerVerification,
  type VerificationInfo,
  type VerificationScope,
  type EventView,
  type AppendOptions,
  placementSummaries,
} from './custody.service';
export type { CustodyPorts, CustodyPersons, CustodyFacilities, CustodyRepatriations, CustodyMove } from './custody.ports';
export { CustodyEventAppended, LedgerChainBroken } from './custody.events';
export {
  EVENT_TYPES,
  CUSTODY_STATUSES,
  TEMPORARY_OUT_REASONS,
  NOT_ADMITTED,
  allowedFrom,
  allowedEvents,
  eventForm,
  REGISTRAR_EVENTS,
  type EventForm,
  transition,
  hashEvent,
  sealEvent,
  ChainVerifier,
  type EventType,
  type CustodyStatus,
  type LedgerEvent,
  type Placement,
  type ChainHead,
  type BadEvent,
} from './custody.domain';
export { AppendEventBody, AppendBatchBody, PersonEventsParams, VerifyQuery, CustodyEventResponse, type AppendEventInput } from './custody.dto';
export { findPlacements, countEventsByType } from './custody.repository';
/**
 * Read models: tables other modules may read (in SQL, through this import: `${placements}` renders the name), never
 * write. The placement projection: each person's current status, facility, unit and transfer destination.
 */
export { placements } from './custody.schema';
/** The two-person rule (issue 17): releases and corrections of escapes wait for a second officer. */
export { CustodyConfirmations } from './custody.confirmations';
export { SECOND_OFFICER_EVENTS, needsSecondOfficer, requireNoSecondOfficerEvent, type SecondOfficerEvent } from './custody.confirmations.domain';
export { ConfirmationRequested, ConfirmationDecided } from './custody.confirmations.events';
