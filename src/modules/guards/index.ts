/** The guard force: staff, posts, rosters, attendance, the governance ratio and the custodian of record (issue 17). */
export {
  GuardsService,
  type StaffView,
  type PostView,
  type ShiftView,
  type AttendanceView,
  type BoardView,
  type CustodianView,
  type GuardsTickReport,
} from './guards.service';
export { guardsConsumers } from './guards.consumers';
export { PatrolsService, type RecordedRound, type PatrolTickReport, type RouteView, type RoundView, type PatrolStatusView } from './guards.patrols.service';
export { PatrolCheckpointsMissed, PatrolGapOpened } from './guards.patrols.events';
export { decideScan, patrolGaps, roundDueAt, nextRoundDue, SCAN_METHODS } from './guards.patrols.domain';
export type { CreateRouteInput } from './guards.patrols.dto';
export { GuardAttendanceRecorded, GovernanceStateChanged, CustodianChanged, GuardsNoShow } from './guards.events';
export { NextShiftShort, GuardsThinning, PostsUncovered } from './guards.watch.events';
export {
  ORGANISATIONS,
  STAFF_STATUSES,
  POST_KINDS,
  CHECKIN_METHODS,
  GOVERNANCE_STATES,
  DEFAULT_THRESHOLD,
  ThresholdSettings,
  governance,
  parseRosterCsv,
  type GovernanceState,
  type RatioFigures,
} from './guards.domain';
export type { CreateStaffInput, CreatePostInput, CreateShiftInput, CheckInInput, CheckOutInput } from './guards.dto';
/** Read models: tables other modules may read (the sensors' incidents: the posts near an alarm and who is on them). */
export { guardPosts, guardAttendance } from './guards.schema';
