import type { Consumer } from '../../platform/outbox';
import { AuditChainBroken } from '../audit';
import { CustodyEventAppended, LedgerChainBroken } from '../custody';
import {
  CustodianChanged,
  GovernanceStateChanged,
  GuardsNoShow,
  GuardsThinning,
  NextShiftShort,
  PatrolCheckpointsMissed,
  PatrolGapOpened,
  PostsUncovered,
} from '../guards';
import { RollcallClosed } from '../rollcalls';
import { ScreeningHitsRecorded } from '../screening';
import { ArrivalCounted, TransitOverdue } from '../transfers';
import { IncidentOpened, SensorsWentDark } from '../sensors';
import { SightingReported } from '../sightings';
import { SyncForkDetected, SyncIdentityCaseOpened } from '../sync';
import { CaseReviewDueSoon, CaseReviewOverdue, ChildSeparated, ReintegrationCheckinMissed, RepatriationDeadline, RepatriationStageChanged } from '../cases';
import type { AlertsService } from './alerts.service';

/**
 * The alert rules that react to other modules' facts. Each runs in the transaction that moves its checkpoint, so an
 * alert is raised exactly once per fact, even when a process dies between the fact's commit and the reaction (the
 * next process delivers it).
 */
export function alertConsumers(alerts: AlertsService): Consumer[] {
  return [
    { name: 'alerts.rollcall_closed', events: [RollcallClosed], transactional: true, handle: (tx, events) => alerts.onRollcallsClosed(tx, events) },
    {
      name: 'alerts.capacity',
      events: [CustodyEventAppended],
      transactional: true,
      batchSize: 5000,
      handle: (tx, events) => alerts.onLedgerChanged(tx, events),
    },
    { name: 'alerts.screening_hits', events: [ScreeningHitsRecorded], transactional: true, handle: (tx, events) => alerts.onScreeningHits(tx, events) },
    { name: 'alerts.transfer_arrivals', events: [ArrivalCounted], transactional: true, handle: (tx, events) => alerts.onArrivalsCounted(tx, events) },
    { name: 'alerts.transfer_transit', events: [TransitOverdue], transactional: true, handle: (tx, events) => alerts.onTransitOverdue(tx, events) },
    {
      name: 'alerts.chain_broken',
      events: [LedgerChainBroken, AuditChainBroken],
      transactional: true,
      handle: (tx, events) => alerts.onChainBroken(tx, events),
    },
    { name: 'alerts.sightings', events: [SightingReported], transactional: true, handle: (tx, events) => alerts.onSightingsReported(tx, events) },
    {
      name: 'alerts.guards',
      events: [
        GovernanceStateChanged,
        CustodianChanged,
        GuardsNoShow,
        PatrolCheckpointsMissed,
        PatrolGapOpened,
        NextShiftShort,
        GuardsThinning,
        PostsUncovered,
      ],
      transactional: true,
      handle: (tx, events) => alerts.onGuardsChanged(tx, events),
    },
    { name: 'alerts.child_separated', events: [ChildSeparated], transactional: true, handle: (tx, events) => alerts.onChildrenSeparated(tx, events) },
    {
      name: 'alerts.case_deadlines',
      events: [CaseReviewOverdue, CaseReviewDueSoon, ReintegrationCheckinMissed],
      transactional: true,
      handle: (tx, events) => alerts.onCaseDeadlines(tx, events),
    },
    {
      name: 'alerts.repatriation_deadlines',
      events: [RepatriationDeadline],
      transactional: true,
      handle: (tx, events) => alerts.onRepatriationDeadlines(tx, events),
    },
    {
      name: 'alerts.repatriation_stages',
      events: [RepatriationStageChanged],
      transactional: true,
      handle: (tx, events) => alerts.onRepatriationStagesChanged(tx, events),
    },
    { name: 'alerts.sync_forks', events: [SyncForkDetected], transactional: true, handle: (tx, events) => alerts.onSyncForks(tx, events) },
    {
      name: 'alerts.sync_identity_cases',
      events: [SyncIdentityCaseOpened],
      transactional: true,
      handle: (tx, events) => alerts.onIdentityCases(tx, events),
    },
    {
      name: 'alerts.sensors',
      events: [IncidentOpened, SensorsWentDark],
      transactional: true,
      handle: (tx, events) => alerts.onSensorFacts(tx, events),
    },
  ];
}
