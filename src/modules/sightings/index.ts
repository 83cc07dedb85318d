/**
 * Sightings (issue 19): the wanted gallery of escaped and unaccounted persons, checkpoint checks that answer with an
 * instruction and a reference (never a name), sightings confirmed by an investigator, recapture on the ledger, and
 * notices to states under a two-person sharing decision, exported as signed JSON.
 */
export {
  SightingsService,
  type CheckRequest,
  type CheckView,
  type SightingView,
  type NoticeView,
  type WantedView,
  type FiguresView,
} from './sightings.service';
export type { SightingsPorts } from './sightings.ports';
export { sightingsConsumers } from './sightings.consumers';
export { CheckpointChecked, SightingReported, SightingDecided, NoticeExported } from './sightings.events';
export {
  INSTRUCTIONS,
  CHECK_OUTCOMES,
  NOTICE_FIELDS,
  RECIPIENT_KINDS,
  APPROVALS_REQUIRED,
  instructionFor,
  readDocumentNumber,
  type Instruction,
  type CheckOutcome,
  type NoticeField,
  type RecipientKind,
} from './sightings.domain';
export { verifyNotice, type SignedNotice } from './sightings.signatures';
