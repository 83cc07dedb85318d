/** Reports derived from the ledger's placements: the status table of the seeds, by facility, status and nationality. */
export {
  ReportsService,
  statusReportCsv,
  deltaHistoryCsv,
  unitStatusCsv,
  type UnitStatus,
  type DeltaHistory,
  type DeltaHistoryEntry,
  REPORT_STATUSES,
  type StatusReport,
  type FacilityStatus,
} from './reports.service';
