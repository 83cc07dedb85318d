/** Roll calls: the expected list (the manifest at opening), marks from tablets, the Delta at close, schedules. */
export {
  RollcallsService,
  rollcallView,
  type RollcallView,
  type CloseResult,
  type ClosedRollcall,
  type MisplacedPerson,
  type MarksReceipt,
} from './rollcalls.service';
export type { RollcallsPorts, RollcallLedger } from './rollcalls.ports';
export { RollcallOpened, RollcallMarksRecorded, RollcallClosed, RollcallCancelled } from './rollcalls.events';
export {
  MARK_RESULTS,
  EXCUSE_REASONS,
  MARK_METHODS,
  derivedMarkId,
  decisiveMark,
  outcomeOf,
  totalsOf,
  slotsDue,
  slotVerdict,
  combinedFigures,
  type ClosedCount,
  type CombinedFigures,
  type MarkInput,
  type Schedule,
  type Slot,
  type SlotVerdict,
  type UnitFigures,
  type Totals,
} from './rollcalls.domain';
export {
  OpenRollcallBody,
  MarksBody,
  ScheduleBody,
  CancelRollcallBody,
  type OpenRollcallInput,
  type MarksInput,
  type ScheduleInput,
  type CancelRollcallInput,
} from './rollcalls.dto';
export { activeSchedules, rollcallsOpenedBetween, repeatedlyAbsent, closedCounts, type ScheduleRow } from './rollcalls.repository';
/**
 * Read models: tables other modules may read (in SQL, through this import), never write. The figures of every unit at
 * every closed roll call: the Delta history.
 */
export { rollcallUnitResults } from './rollcalls.schema';
/** Each person's marks (the after-action timeline reads the last "present" before a person was missed). */
export { rollcallMarks } from './rollcalls.schema';
